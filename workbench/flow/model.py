"""The flow file as frozen dataclasses: what the loader produces and the engine runs.

Values that come from YAML (button parameters, API bodies, JSON Builder payloads) stay plain Python values
(dict, list, str, number, bool, None); strings in them may hold `{var}` templates that the engine renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

StateKind = Literal["say", "ask", "code", "api", "iframe", "json", "offload", "clear_session", "router"]
KIND_KEYS: tuple[str, ...] = ("say", "ask", "code", "api", "iframe", "json", "offload", "clear_session")
BUILTIN_STATE_NAMES: frozenset[str] = frozenset({"not_understood", "error_occurred", "bot_disabled"})
"""System states the engine provides when a flow does not define them; a flow may always go to them."""


@dataclass(slots=True, unsafe_hash=True)
class Loc:
    """A position in a source file; line and column count from 1. Never changed once made; not frozen only because
    a frozen dataclass takes twice as long to make, and loading makes one for most YAML nodes (it compares and hashes
    as a frozen one does)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


NO_LOC = Loc("<unknown>", 0, 0)


@dataclass(frozen=True, slots=True)
class Choice:
    """A button or quick reply: a postback to `goto` with parameters `set`, or a link to `url`."""

    title: str
    goto: str | None = None
    set: dict[str, Any] = field(default_factory=dict)
    url: str | None = None
    loc: Loc = NO_LOC
    title_loc: Loc = field(default=NO_LOC, compare=False)
    """Where the title is written (the `*_loc` positions of texts say where, not what: they do not compare)."""


@dataclass(frozen=True, slots=True)
class Media:
    """An image, video, audio or file message."""

    type: str
    url: str


@dataclass(frozen=True, slots=True)
class Card:
    """One card of a carousel."""

    title: str
    subtitle: str = ""
    image: str | None = None
    buttons: tuple[Choice, ...] = ()
    title_loc: Loc = field(default=NO_LOC, compare=False)
    subtitle_loc: Loc = field(default=NO_LOC, compare=False)


@dataclass(frozen=True, slots=True)
class SayItem:
    """One bot message as declared: text with buttons or quick replies, media, a carousel or HTML."""

    text: str = ""
    buttons: tuple[Choice, ...] = ()
    quick_replies: tuple[Choice, ...] = ()
    media: Media | None = None
    cards: tuple[Card, ...] = ()
    html: str | None = None
    loc: Loc = NO_LOC
    text_loc: Loc = field(default=NO_LOC, compare=False)


@dataclass(frozen=True, slots=True)
class Route:
    """One step of `next`: go to `goto` when `condition` (a JavaScript expression) holds, or always; taking it
    first sets the session variables of `set` (a Go To rule's variables)."""

    goto: str
    condition: str | None = None
    loc: Loc = NO_LOC
    set: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Ask:
    """Input validation: ask, check the answer against `expect`, store it in `save`."""

    prompt: tuple[SayItem, ...]
    save: str
    expect: str = "any"
    retry: tuple[SayItem, ...] = ()
    give_up: tuple[SayItem, ...] = ()
    give_up_goto: str | None = None
    nlp: bool = True


@dataclass(frozen=True, slots=True)
class CodeAction:
    """A JavaScript code action; `line` is the flow-file line of the code's first line and `indent` the number of
    columns before the code on its lines (so line l, column c of the code is `line + l - 1`, `indent + c`)."""

    source: str
    args: dict[str, Any] | None = None
    timeout: float = 5.0
    line: int = 0
    indent: int = 0


@dataclass(frozen=True, slots=True)
class ApiAction:
    """An HTTP call whose answer is applied in Chatlayer's format (or picked apart with `save`)."""

    method: str
    url: str
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    auth: dict[str, Any] | None = None
    timeout: float = 10.0
    save: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IframeAction:
    """Show a web page in the conversation and wait for its postMessage events."""

    url: str
    height: int | None = None


@dataclass(frozen=True, slots=True)
class OffloadAction:
    """Hand the conversation to a human agent through a provider (`console` or `webhook`)."""

    provider: str = "console"
    message: str = ""
    url: str | None = None
    verify_token: str | None = None
    message_loc: Loc = field(default=NO_LOC, compare=False)


@dataclass(frozen=True, slots=True)
class ClearSession:
    """Which variables to clear: `all`, the listed names, or all but `keep`."""

    mode: Literal["all", "names", "keep"]
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class State:
    """A dialog state: at most one action kind, then where to go next."""

    name: str
    kind: StateKind
    loc: Loc = NO_LOC
    end_line: int = 0
    say: tuple[SayItem, ...] = ()
    ask: Ask | None = None
    code: CodeAction | None = None
    api: ApiAction | None = None
    iframe: IframeAction | None = None
    json: Any = None
    offload: OffloadAction | None = None
    clear_session: ClearSession | None = None
    next: tuple[Route, ...] = ()
    on_error: str | None = None
    intent: str | None = None
    required_context: tuple[str, ...] = ()
    """Chatlayer's required (input) context: the `intent` leads here only while all of these are active."""
    output_context: dict[str, int] = field(default_factory=dict)
    """Chatlayer's output context: entering the state makes these active, each for its lifespan (user messages)."""
    set: dict[str, Any] = field(default_factory=dict)
    """Session variables a bot message (`say`) or Go To (router) state sets when it runs, before its messages."""

    @property
    def waits(self) -> bool:
        """Whether the conversation waits for the user after this state's action."""
        if self.kind in ("ask", "iframe", "offload"):
            return True
        return self.kind == "say" and not self.next


@dataclass(frozen=True, slots=True)
class Intent:
    """An intent with its example expressions."""

    name: str
    examples: tuple[str, ...]
    loc: Loc = NO_LOC


@dataclass(frozen=True, slots=True)
class Entity:
    """A match entity: canonical values and their synonyms."""

    name: str
    values: tuple[str, ...]
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    loc: Loc = NO_LOC


@dataclass(frozen=True, slots=True)
class Nlu:
    """Intents, entities, the match threshold and the state for input that matches nothing."""

    intents: dict[str, Intent] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    threshold: float = 0.8
    fallback: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """Chatlayer's bot settings that change what a conversation does.

    `disabled` (Bot Status) answers every user input with the `bot_disabled` state; a user message longer than
    `max_message_length` characters goes to `too_long`; `typing_delay` is how long (ms) a channel shows the bot
    typing before each message: carried for the window to show, never waited for by the engine.
    """

    disabled: bool = False
    max_message_length: int | None = None
    too_long: str | None = None
    typing_delay: int = 1500


@dataclass(frozen=True, slots=True)
class Languages:
    """The languages a flow speaks: its own texts are in `primary`; each of `secondary` has a translation file.

    `detection` is Chatlayer's "Language detection" (Bot Settings): a conversation whose channel language is not
    one of these goes to that state rather than to `start`.
    """

    primary: str = "en"
    secondary: tuple[str, ...] = ()
    detection: str | None = None

    @property
    def all(self) -> tuple[str, ...]:
        """Every language, the primary first."""
        return (self.primary, *self.secondary)


BotEventKind = Literal["variables_changed", "silence"]


@dataclass(frozen=True, slots=True)
class BotEvent:
    """One of Chatlayer's bot-wide events (bot-answers/events.md): when a watched variable changes
    (`variables_changed`, the paths in `variables`) or the user says nothing for `seconds` (`silence`), the
    dialog state `goto` runs."""

    kind: BotEventKind
    goto: str
    variables: tuple[str, ...] = ()
    seconds: float = 0.0
    name: str = ""
    """The event's name (Chatlayer names every event); the kind when the flow gives none."""
    loc: Loc = NO_LOC


@dataclass(frozen=True, slots=True)
class Translation:
    """One secondary language's translation file: texts by translation key (`ask_date.ask[0]`), and the
    language's own NLU words: expressions per intent, words per canonical entity value (by entity)."""

    language: str
    file: str
    texts: dict[str, str] = field(default_factory=dict)
    intents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    entities: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    locs: dict[str, Loc] = field(default_factory=dict, compare=False)
    """Where each text's translation is written in the translation file."""
    found: bool = True
    """Whether the translation file exists (a missing one translates nothing)."""


@dataclass(frozen=True, slots=True)
class Flow:
    """A whole flow file, with its texts and NLU in `language`.

    `variants` holds the flow in each of its languages, this one included, built once at load time and shared by
    all of them (`translations.in_language` picks from it); a flow built by hand has none.
    """

    name: str
    start: str
    states: dict[str, State]
    variables: dict[str, Any] = field(default_factory=dict)
    nlu: Nlu = field(default_factory=Nlu)
    path: Path | None = None
    settings: Settings = field(default_factory=Settings)
    languages: Languages = field(default_factory=Languages)
    language: str = "en"
    translations: dict[str, Translation] = field(default_factory=dict)
    variants: dict[str, Flow] = field(default_factory=dict, compare=False, repr=False)
    events: tuple[BotEvent, ...] = ()

    @property
    def folder(self) -> Path:
        """The folder relative URLs (iframe pages) are resolved against."""
        return self.path.parent if self.path else Path.cwd()
