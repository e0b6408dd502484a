"""Turn a loaded flow file (YAML nodes with positions) into the `Flow` model, reporting every structural problem:
unknown keys (with "did you mean"), wrong types, references to states, intents and entities that do not exist."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from workbench.flow.languages import code_problem
from workbench.flow.model import (
    BUILTIN_STATE_NAMES,
    KIND_KEYS,
    NO_LOC,
    ApiAction,
    Ask,
    BotEvent,
    Card,
    Choice,
    ClearSession,
    CodeAction,
    Entity,
    Flow,
    IframeAction,
    Intent,
    Languages,
    Loc,
    Media,
    Nlu,
    OffloadAction,
    Route,
    SayItem,
    Settings,
    State,
)
from workbench.flow.paths import PathError, parse_path
from workbench.flow.problems import Reporter, did_you_mean
from workbench.flow.regex_limits import PatternError, compile_pattern
from workbench.flow.validate import Facts, column_in_file, near_names
from workbench.flow.yaml_source import Pos, YList, YMap

TOP_KEYS = ("name", "start", "languages", "variables", "nlu", "settings", "events", "states")
LANGUAGES_KEYS = ("primary", "secondary", "detection")
EVENT_KINDS = ("variables_changed", "silence")
EVENT_KEYS = (*EVENT_KINDS, "goto", "name")
SETTINGS_KEYS = ("disabled", "max_message_length", "typing_delay")
MAX_LENGTH_KEYS = ("characters", "goto")
NLU_KEYS = ("intents", "entities", "threshold", "fallback")
ENTITY_KEYS = ("values", "synonyms")
ASK_KEYS = ("save", "expect", "retry", "give_up", "give_up_goto", "nlp")
CODE_KEYS = ("args", "timeout")
CONTEXT_KEYS = ("required_context", "output_context")
STATE_KEYS = (*KIND_KEYS, "next", "on_error", "intent", *CONTEXT_KEYS, "set", *ASK_KEYS, *CODE_KEYS)
SET_KINDS = ("say", "router")
MESSAGE_KEYS = ("text", "buttons", "quick_replies", "image", "media", "carousel", "html")
MESSAGE_CONTENT = ("text", "image", "media", "carousel", "html")
CHOICE_KEYS = ("title", "goto", "set", "url")
CARD_KEYS = ("title", "subtitle", "image", "buttons")
MEDIA_KEYS = ("type", "url")
MEDIA_TYPES = ("image", "video", "audio", "file")
ROUTE_KEYS = ("if", "goto", "set")
API_KEYS = ("method", "url", "query", "headers", "body", "auth", "timeout", "save")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
AUTH_KEYS = {"basic": ("type", "username", "password"), "bearer": ("type", "token")}
IFRAME_KEYS = ("url", "height")
OFFLOAD_KEYS = ("provider", "message", "url", "verify_token")
OFFLOAD_PROVIDERS = ("console", "webhook")
EXPECT_BUILTINS = ("any", "text", "number", "email", "phone_number", "url", "date", "time", "language", "yes_no")
MAX_TIMEOUT = 60
"""Seconds a code or API action may be given (`timeout`)."""
MAX_IFRAME_HEIGHT = 5000
MAX_TYPING_DELAY = 60_000
MAX_SILENCE = 86_400
"""Seconds a silence event may wait for: a day."""


def quoted(value: Any) -> str:
    """A value in a message: text in single quotes, anything else as `kind_name` calls it."""
    return f"'{value}'" if isinstance(value, str) else kind_name(value)


def kind_name(value: Any) -> str:
    """How a YAML value is called in messages: a number by its value (as YAML writes it: `.inf`, `.nan`), anything
    else by its kind."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value) if math.isfinite(value) else ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
    return value_kind(value, yaml=True)


def value_kind(value: Any, *, yaml: bool = False) -> str:
    """What kind of value `value` is, in JSON's words (`an array`, `an object`) or, with `yaml`, in YAML's (`a list`,
    `a mapping`): the one vocabulary of kinds for every message the user reads."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list" if yaml else "an array"
    if isinstance(value, Mapping):
        return "a mapping" if yaml else "an object"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, dt.date):
        return "a date"
    return "a set" if isinstance(value, set | frozenset) else "a value of an unknown kind"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _in_range(value: Any, low: float, high: float, *, whole: bool = False, above_low: bool = False) -> bool:
    """Whether `value` is a finite number (a whole one if `whole`) from `low` (or above it) to `high`."""
    if not (_is_whole(value) if whole else _is_number(value)) or not math.isfinite(value):
        return False
    return (low < value if above_low else low <= value) and value <= high


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def plain(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """A loaded value with its `YMap`/`YList` turned into plain dicts and lists (shared parts stay shared)."""
    if not isinstance(value, YMap | YList):
        return value
    memo = {} if memo is None else memo
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, YMap):
        memo[id(value)] = out = {}
        out.update((key, plain(child, memo)) for key, child in value.items())
        return out
    memo[id(value)] = items = []
    items.extend(plain(child, memo) for child in value)
    return items


def _join(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


class Builder:
    """Turns the loaded YAML tree into the model, reporting every structural problem on the way."""

    def __init__(self, file: str, lines: list[str], reporter: Reporter) -> None:
        self.file = file
        self.lines = lines
        self.rep = reporter
        self.facts = Facts()
        self.state_names: set[str] = set()
        self.intents: dict[str, Intent] = {}
        self.entities: dict[str, Entity] = {}
        self._visited: set[int] = set()
        self._state_hints: dict[str, str] = {}

    def loc(self, pos: Pos) -> Loc:
        return Loc(self.file, pos.line, pos.column)

    def value_loc(self, m: YMap, key: str) -> Loc:
        """Where `m[key]` is written, or NO_LOC when `m` has no `key`."""
        return self.loc(m.value_pos[key]) if key in m else NO_LOC

    def error(self, pos: Pos, message: str) -> None:
        self.rep.error(pos.line, pos.column, message)

    def type_error(self, pos: Pos, what: str, expected: str, value: Any) -> None:
        self.error(pos, f"{what} must be {expected}, not {kind_name(value)}")

    def not_one_of(self, pos: Pos, what: str, allowed: tuple[str, ...], value: str) -> None:
        """Report a value outside a fixed set."""
        hint = did_you_mean(value, allowed)
        self.error(pos, f"{what} must be one of {', '.join(allowed)}, not '{value}'{hint}")

    def check_keys(self, m: YMap, allowed: Collection[str], where: str) -> None:
        """Report keys of `m` that are not in `allowed`."""
        for key in m:
            if key in allowed:
                continue
            hint = did_you_mean(key, allowed) or f" (expected one of: {', '.join(allowed)})"
            self.error(m.key_pos[key], f"unknown key {quoted(key)} in {where}{hint}")

    def mapping(self, value: Any, pos: Pos, what: str) -> YMap | None:
        if isinstance(value, YMap):
            return value
        self.type_error(pos, what, "a mapping", value)
        return None

    def string(self, m: YMap, key: str, where: str, required: bool = False, at: Pos | None = None) -> str | None:
        """The string at `m[key]`, or None (reported when it is required or of another type)."""
        if key not in m:
            if required:
                self.error(at or Pos(1, 1, 1, 1), f"missing required key '{key}' in {where}")
            return None
        value = m[key]
        if not isinstance(value, str):
            self.type_error(m.value_pos[key], f"'{key}' in {where}", "a string", value)
            return None
        return value

    def number_error(self, pos: Pos, what: str, expected: str, value: Any, high: float | None = None) -> None:
        """Report a value that is no number of the `expected` kind, not finite, or above `high`."""
        if high is not None and _is_number(value) and math.isfinite(value) and value > high:
            self.error(pos, f"{what} must be at most {high}, not {value}")
        else:
            self.error(pos, f"{what} must be {expected}, not {kind_name(value)}")

    def number(self, m: YMap, key: str, where: str, default: float, maximum: float) -> float:
        """A positive finite number of at most `maximum` at `m[key]`, or `default`."""
        if key not in m:
            return default
        value = m[key]
        if not _in_range(value, 0, maximum, above_low=True):
            self.number_error(m.value_pos[key], f"'{key}' in {where}", "a positive number", value, maximum)
            return default
        return float(value)

    def string_list(self, value: Any, pos: Pos, what: str) -> tuple[str, ...]:
        if not isinstance(value, YList):
            self.type_error(pos, what, "a list of strings", value)
            return ()
        good: list[str] = []
        for item, item_pos in zip(value, value.item_pos, strict=True):
            if isinstance(item, str):
                good.append(item)
            else:
                self.type_error(item_pos, f"each item of {what}", "a string", item)
        return tuple(good)

    def variable_name(self, value: Any, pos: Pos, what: str) -> str | None:
        if not isinstance(value, str):
            self.type_error(pos, what, "a variable name", value)
            return None
        try:
            parse_path(value)
        except PathError:
            self.error(pos, f"{what} must be a variable name, not {quoted(value)}")
            return None
        return value

    def state_ref(self, value: Any, pos: Pos, key: str, where: str) -> str | None:
        """A state name that must exist."""
        if not isinstance(value, str):
            self.type_error(pos, f"'{key}' in {where}", "a state name", value)
            return None
        if value not in self.state_names and value not in BUILTIN_STATE_NAMES:
            self.error(pos, f"'{key}' refers to unknown state '{value}'{self.state_hint(value)}")
        return value

    def state_hint(self, name: str) -> str:
        """`did_you_mean` among the states, once per unknown name and among the few nearest (a flow may have
        thousands of states and of misspelt `next`s)."""
        if name not in self._state_hints:
            self._state_hints[name] = did_you_mean(name, near_names(name, self.state_names))
        return self._state_hints[name]

    def values(self, value: Any, pos: Pos, templates: bool = True) -> None:
        """Walk a free-form value (a value it holds twice, once): note its templates, `{var: x}` and `{state: x}`.
        The YAML loader refuses a value that holds itself."""
        if isinstance(value, str):
            if templates:
                self.facts.templates.append((value, pos))
            return
        if not isinstance(value, YMap | YList):
            return
        if id(value) in self._visited:
            return
        self._visited.add(id(value))
        if isinstance(value, YMap):
            if templates and len(value) == 1 and isinstance(value.get("var"), str):
                self.facts.var_refs.append((value["var"], value.value_pos["var"]))
            elif templates and len(value) == 1 and isinstance(value.get("state"), str):
                self.state_ref(value["state"], value.value_pos["state"], "state", "a value")
                self.facts.jumps.add(value["state"])
            else:
                for key, child in value.items():
                    self.values(child, value.value_pos[key], templates)
        else:
            for child, child_pos in zip(value, value.item_pos, strict=True):
                self.values(child, child_pos, templates)

    def flow(self, top: YMap, pos: Pos, path: Path | None) -> Flow | None:
        self.check_keys(top, TOP_KEYS, "the top level")
        states_raw = top.get("states")
        if "states" not in top:
            self.error(pos, "missing required key 'states' at the top level")
        elif self.mapping(states_raw, top.value_pos["states"], "'states'") is not None:
            self.state_names = {name for name in states_raw if isinstance(name, str)}
        name = self.string(top, "name", "the top level") or Path(self.file).stem
        variables = self.variables(top)
        nlu = self.nlu(top)
        start = ""
        if "start" not in top:
            self.error(pos, "missing required key 'start' at the top level")
        else:
            start = self.state_ref(top["start"], top.value_pos["start"], "start", "the top level") or ""
        settings = self.settings(top)
        languages = self.languages(top)
        events = self.bot_events(top)
        states = self.states(states_raw) if isinstance(states_raw, YMap) else {}
        return Flow(
            name=name,
            start=start,
            states=states,
            variables=variables,
            nlu=nlu,
            path=path,
            settings=settings,
            languages=languages,
            language=languages.primary,
            events=events,
        )

    def languages(self, top: YMap) -> Languages:
        """`languages:`: the primary language (default en), the secondary ones and the language detection state."""
        if "languages" not in top:
            return Languages()
        m = self.mapping(top["languages"], top.value_pos["languages"], "'languages'")
        if m is None:
            return Languages()
        self.check_keys(m, LANGUAGES_KEYS, "languages")
        primary = "en"
        if "primary" in m:
            primary = self.language_code(m["primary"], m.value_pos["primary"], "'primary' in languages") or primary
        secondary: list[str] = []
        if "secondary" in m:
            value, pos = m["secondary"], m.value_pos["secondary"]
            if isinstance(value, YList):
                items = list(zip(value, value.item_pos, strict=True))
            elif isinstance(value, str):
                items = [(value, pos)]
            else:
                self.type_error(pos, "'secondary' in languages", "a list of language codes", value)
                items = []
            for item, item_pos in items:
                code = self.language_code(item, item_pos, "'secondary' in languages")
                if code == primary:
                    self.error(item_pos, f"'{code}' in 'secondary' of languages is the primary language already")
                elif code in secondary:
                    self.error(item_pos, f"'{code}' is given twice in 'secondary' of languages")
                elif code is not None:
                    secondary.append(code)
                    self.facts.languages[code] = item_pos
        detection = None
        if "detection" in m:
            detection = self.state_ref(m["detection"], m.value_pos["detection"], "detection", "languages")
        return Languages(primary, tuple(secondary), detection)

    def bot_events(self, top: YMap) -> tuple[BotEvent, ...]:
        """`events:`: Chatlayer's bot-wide events, each `variables_changed: [names]` or `silence: SECONDS`, with the
        state it runs (`goto`) and an optional `name`."""
        if "events" not in top or top["events"] is None:
            return ()
        value, pos = top["events"], top.value_pos["events"]
        if not isinstance(value, YList):
            self.type_error(pos, "'events'", "a list of events", value)
            return ()
        found = [self.bot_event(item, item_pos) for item, item_pos in zip(value, value.item_pos, strict=True)]
        return tuple(event for event in found if event is not None)

    def bot_event(self, value: Any, pos: Pos) -> BotEvent | None:
        what = "an event in 'events'"
        m = self.mapping(value, pos, what)
        if m is None:
            return None
        self.check_keys(m, EVENT_KEYS, what)
        kinds = [k for k in m if k in EVENT_KINDS]
        if not kinds:
            self.error(pos, f"{what} needs 'variables_changed' (the variables it watches) or 'silence' (seconds)")
            return None
        if len(kinds) > 1:
            self.error(m.key_pos[kinds[1]], f"{what} has both 'variables_changed' and 'silence' (one kind per event)")
        kind = kinds[0]
        goto = None
        if "goto" not in m:
            self.error(pos, f"missing required key 'goto' in {what} (the state the event runs)")
        else:
            goto = self.state_ref(m["goto"], m.value_pos["goto"], "goto", what)
        name = self.string(m, "name", what) or kind
        variables: tuple[str, ...] = ()
        seconds = 0.0
        if kind == "variables_changed":
            variables = self.watched(m["variables_changed"], m.value_pos["variables_changed"], what)
        else:
            seconds = self.number(m, "silence", what, 0.0, MAX_SILENCE)
        if goto is None or (kind == "variables_changed" and not variables) or (kind == "silence" and not seconds):
            return None
        return BotEvent(kind, goto, variables, seconds, name, self.loc(pos))

    def watched(self, value: Any, pos: Pos, what: str) -> tuple[str, ...]:
        """The variable paths a `variables_changed` event watches: a name or a list of them."""
        where = f"'variables_changed' in {what}"
        items = [(value, pos)] if isinstance(value, str) else None
        if isinstance(value, YList):
            items = list(zip(value, value.item_pos, strict=True))
        if items is None:
            self.type_error(pos, where, "a variable name or a list of names", value)
            return ()
        if not items:
            self.error(pos, f"{where} must name at least one variable")
        names = (self.variable_name(item, item_pos, f"each item of {where}") for item, item_pos in items)
        return tuple(dict.fromkeys(name for name in names if name))

    def language_code(self, value: Any, pos: Pos, what: str) -> str | None:
        """A two-letter language code (`nl`), or None (reported, with the code meant for `NL` or `nl-BE`)."""
        if not isinstance(value, str):
            self.type_error(pos, what, "a two-letter language code", value)
            return None
        problem = code_problem(value)
        if problem is not None:
            self.error(pos, f"{what}: {problem}")
            return None
        return value

    def variables(self, top: YMap) -> dict[str, Any]:
        if "variables" not in top:
            return {}
        m = self.mapping(top["variables"], top.value_pos["variables"], "'variables'")
        if m is None:
            return {}
        for key in m:
            if not isinstance(key, str):
                self.error(m.key_pos[key], f"variable name {quoted(key)} must be a string")
        self.values(m, top.value_pos["variables"], templates=False)
        return {k: plain(v) for k, v in m.items() if isinstance(k, str)}

    def nlu(self, top: YMap) -> Nlu:
        if "nlu" not in top:
            return Nlu()
        m = self.mapping(top["nlu"], top.value_pos["nlu"], "'nlu'")
        if m is None:
            return Nlu()
        self.check_keys(m, NLU_KEYS, "nlu")
        if "intents" in m and (intents := self.mapping(m["intents"], m.value_pos["intents"], "'intents' in nlu")):
            for name, examples in intents.items():
                what = f"the examples of intent {quoted(name)}"
                if self.named(name, intents.key_pos[name], "intent"):
                    loc = self.loc(intents.key_pos[name])
                    words = self.string_list(examples, intents.value_pos[name], what)
                    self.intents[name] = Intent(name, words, loc)
        if "entities" in m and (ents := self.mapping(m["entities"], m.value_pos["entities"], "'entities' in nlu")):
            for name, body in ents.items():
                if self.named(name, ents.key_pos[name], "entity"):
                    self.entity(name, body, ents.key_pos[name], ents.value_pos[name])
        threshold = 0.8
        if "threshold" in m:
            value = m["threshold"]
            if _in_range(value, 0, 1):
                threshold = float(value)
            else:
                self.number_error(m.value_pos["threshold"], "'threshold' in nlu", "a number from 0 to 1", value)
        fallback = None
        if "fallback" in m:
            fallback = self.state_ref(m["fallback"], m.value_pos["fallback"], "fallback", "nlu")
        return Nlu(dict(self.intents), dict(self.entities), threshold, fallback)

    def settings(self, top: YMap) -> Settings:
        """The bot settings: Bot Status (`disabled`), `max_message_length` and `typing_delay`."""
        if "settings" not in top:
            return Settings()
        m = self.mapping(top["settings"], top.value_pos["settings"], "'settings'")
        if m is None:
            return Settings()
        self.check_keys(m, SETTINGS_KEYS, "settings")
        disabled = False
        if "disabled" in m:
            if isinstance(m["disabled"], bool):
                disabled = m["disabled"]
            else:
                self.type_error(m.value_pos["disabled"], "'disabled' in settings", "true or false", m["disabled"])
        characters, too_long = self.max_message_length(m)
        typing_delay = Settings.typing_delay
        if "typing_delay" in m:
            value = m["typing_delay"]
            if _in_range(value, 0, MAX_TYPING_DELAY, whole=True):
                typing_delay = value
            else:
                what = "'typing_delay' in settings"
                expected = "a whole number of milliseconds"
                self.number_error(m.value_pos["typing_delay"], what, expected, value, MAX_TYPING_DELAY)
        return Settings(disabled, characters, too_long, typing_delay)

    def max_message_length(self, settings: YMap) -> tuple[int | None, str | None]:
        """`{characters, goto}`: the longest message the bot takes, and the state for a longer one."""
        if "max_message_length" not in settings:
            return None, None
        what = "'max_message_length' in settings"
        m = self.mapping(settings["max_message_length"], settings.value_pos["max_message_length"], what)
        if m is None:
            return None, None
        self.check_keys(m, MAX_LENGTH_KEYS, what)
        at = settings.key_pos["max_message_length"]
        characters = None
        if "characters" not in m:
            self.error(at, f"missing required key 'characters' in {what}")
        elif _is_whole(m["characters"]) and m["characters"] > 0:
            characters = m["characters"]
        else:
            what_key = f"'characters' in {what}"
            self.type_error(m.value_pos["characters"], what_key, "a positive whole number", m["characters"])
        goto = None
        if "goto" not in m:
            self.error(at, f"missing required key 'goto' in {what} (the state for a message that is too long)")
        else:
            goto = self.state_ref(m["goto"], m.value_pos["goto"], "goto", what)
        return (characters, goto) if characters and goto else (None, None)

    def named(self, name: Any, pos: Pos, what: str) -> bool:
        if isinstance(name, str) and name:
            return True
        self.error(pos, f"{what} name {quoted(name)} must be a non-empty string (quote it)")
        return False

    def entity(self, name: str, body: Any, key_pos: Pos, pos: Pos) -> None:
        where = f"entity '{name}'"
        m = self.mapping(body, pos, where)
        if m is None:
            return
        self.check_keys(m, ENTITY_KEYS, where)
        values: tuple[str, ...] = ()
        if "values" not in m:
            self.error(key_pos, f"missing required key 'values' in {where}")
        else:
            values = self.string_list(m["values"], m.value_pos["values"], f"'values' in {where}")
        synonyms: dict[str, tuple[str, ...]] = {}
        if "synonyms" in m and (syn := self.mapping(m["synonyms"], m.value_pos["synonyms"], f"'synonyms' in {where}")):
            for value, words in syn.items():
                if value not in values:
                    self.error(
                        syn.key_pos[value],
                        f"synonyms for {quoted(value)}, which is not one of the values of {where}"
                        f"{did_you_mean(value, values)}",
                    )
                    continue
                synonyms[value] = self.string_list(words, syn.value_pos[value], f"the synonyms of {quoted(value)}")
        self.entities[name] = Entity(name, values, synonyms, self.loc(key_pos))

    def states(self, raw: YMap) -> dict[str, State]:
        states: dict[str, State] = {}
        for name, body in raw.items():
            key_pos = raw.key_pos[name]
            if not self.named(name, key_pos, "state"):
                continue
            body_pos = raw.value_pos[name]
            if body is None:
                body = YMap()
            state = self.state(name, body, key_pos, body_pos)
            if state is not None:
                states[name] = state
        return states

    def end_line(self, key_pos: Pos, body_pos: Pos) -> int:
        """The last line of a state's block that holds more than white space or a comment."""
        line = body_pos.end_line
        if line > len(self.lines) or not self.lines[line - 1][: body_pos.end_column - 1].strip():
            line = min(line - 1, len(self.lines))
        while line > key_pos.line and (
            not self.lines[line - 1].strip() or self.lines[line - 1].lstrip().startswith("#")
        ):
            line -= 1
        return max(line, key_pos.line)

    def state(self, name: str, body: Any, key_pos: Pos, body_pos: Pos) -> State | None:
        where = f"state '{name}'"
        m = self.mapping(body, body_pos, where)
        if m is None:
            return None
        self.check_keys(m, STATE_KEYS, where)
        kinds = [k for k in m if k in KIND_KEYS]
        if len(kinds) > 1:
            self.error(
                m.key_pos[kinds[1]],
                f"{where} has more than one action: {_join(kinds)} (one action per state; split it)",
            )
        kind = kinds[0] if kinds else "router"
        for extra, owner in [(k, "ask") for k in ASK_KEYS] + [(k, "code") for k in CODE_KEYS]:
            if extra in m and owner not in kinds:
                self.error(m.key_pos[extra], f"'{extra}' only belongs in a state with '{owner}'")
        fields: dict[str, Any] = {}
        for k in kinds:
            built = getattr(self, f"kind_{k}")(m, where)
            if k == kind:
                fields[k] = built
        next_routes: tuple[Route, ...] = ()
        if "next" in m:
            next_routes = self.routes(m["next"], m.value_pos["next"], where)
        on_error = None
        if "on_error" in m:
            on_error = self.state_ref(m["on_error"], m.value_pos["on_error"], "on_error", where)
        intent = self.intent(m, name, where)
        required = self.required_context(m, where)
        if "set" in m and kind not in SET_KINDS:
            self.error(
                m.key_pos["set"],
                f"'set' only belongs in a state with 'say' or a router (no action); {where} has '{kind}'",
            )
        return State(
            name=name,
            kind=kind,
            loc=self.loc(key_pos),
            end_line=self.end_line(key_pos, body_pos),
            next=next_routes,
            on_error=on_error,
            intent=intent,
            required_context=required,
            output_context=self.output_context(m, where),
            set=self.assignments(m, where),
            **fields,
        )

    def intent(self, m: YMap, state: str, where: str) -> str | None:
        intent = self.string(m, "intent", where)
        if intent is None:
            return None
        pos = m.value_pos["intent"]
        if intent not in self.intents:
            hint = did_you_mean(intent, self.intents) or " (declare it under nlu.intents)"
            self.error(pos, f"'intent' refers to undeclared intent '{intent}'{hint}")
        else:
            self.facts.intents.append((state, intent, pos))
        return intent

    def context_names(self, value: Any, pos: Pos, what: str, expected: str) -> list[tuple[str, Pos]]:
        """A context name or a list of them, each with its position."""
        if not isinstance(value, YList):
            if isinstance(value, str):
                return [(value, pos)] if self.named(value, pos, "context") else []
            self.type_error(pos, what, expected, value)
            return []
        names: list[tuple[str, Pos]] = []
        for item, item_pos in zip(value, value.item_pos, strict=True):
            if not isinstance(item, str):
                self.type_error(item_pos, f"each item of {what}", "a context name", item)
            elif self.named(item, item_pos, "context"):
                names.append((item, item_pos))
        return names

    def required_context(self, m: YMap, where: str) -> tuple[str, ...]:
        """Chatlayer's required context: a context name or a list of them, all needed for the `intent`."""
        if "required_context" not in m:
            return ()
        value, pos = m["required_context"], m.value_pos["required_context"]
        names = self.context_names(value, pos, f"'required_context' in {where}", "a context name or a list of names")
        self.facts.required += names
        return tuple(dict.fromkeys(name for name, _ in names))

    def output_context(self, m: YMap, where: str) -> dict[str, int]:
        """Chatlayer's output context: a name or a list of names (lifespan 1), or a mapping of names to lifespans."""
        if "output_context" not in m:
            return {}
        value, pos = m["output_context"], m.value_pos["output_context"]
        if not isinstance(value, YMap):
            expected = "a context name, a list of names or a mapping of names to lifespans"
            names = self.context_names(value, pos, f"'output_context' in {where}", expected)
            return dict.fromkeys((name for name, _ in names), 1)
        contexts: dict[str, int] = {}
        for name, lifespan in value.items():
            if not self.named(name, value.key_pos[name], "context"):
                continue
            if _is_whole(lifespan) and lifespan > 0:
                contexts[name] = lifespan
            else:
                at = value.value_pos[name]
                self.type_error(at, f"the lifespan of context '{name}' in {where}", "a positive whole number", lifespan)
        return contexts

    def routes(self, value: Any, pos: Pos, where: str) -> tuple[Route, ...]:
        if isinstance(value, str):
            self.state_ref(value, pos, "next", where)
            return (Route(value, None, self.loc(pos)),)
        if not isinstance(value, YList):
            self.type_error(pos, f"'next' in {where}", "a state name or a list of routes", value)
            return ()
        routes: list[Route] = []
        for item, item_pos in zip(value, value.item_pos, strict=True):
            what = f"a route in 'next' of {where}"
            m = self.mapping(item, item_pos, what)
            if m is None:
                continue
            self.check_keys(m, ROUTE_KEYS, what)
            condition = self.string(m, "if", what)
            if condition is not None:
                self.facts.conditions.append((condition, m.value_pos["if"]))
            if "goto" not in m:
                self.error(item_pos, f"missing required key 'goto' in {what}")
                continue
            goto = self.state_ref(m["goto"], m.value_pos["goto"], "goto", what)
            if goto is not None:
                routes.append(Route(goto, condition, self.loc(item_pos), self.assignments(m, what)))
        return tuple(routes)

    def messages(self, value: Any, pos: Pos, what: str) -> tuple[SayItem, ...]:
        """`say`-shaped content: a string or a list of messages."""
        if isinstance(value, str):
            return (self.message(value, pos, what),)
        if not isinstance(value, YList):
            self.type_error(pos, what, "a string or a list of messages", value)
            return ()
        items = [self.message(item, item_pos, what) for item, item_pos in zip(value, value.item_pos, strict=True)]
        return tuple(item for item in items if item is not None)

    def message(self, value: Any, pos: Pos, what: str) -> SayItem | None:
        if isinstance(value, str):
            self.facts.templates.append((value, pos))
            return SayItem(text=value, loc=self.loc(pos), text_loc=self.loc(pos))
        where = f"a message in {what}"
        if not isinstance(value, YMap):
            self.type_error(pos, f"each message in {what}", "a string or a mapping", value)
            return None
        self.check_keys(value, MESSAGE_KEYS, where)
        content = [k for k in value if k in MESSAGE_CONTENT]
        if not content and "buttons" not in value and "quick_replies" not in value:
            self.error(pos, f"{where} needs one of 'text', 'image', 'media', 'carousel' or 'html'")
        elif len(content) > 1:
            self.error(value.key_pos[content[1]], f"{where} has more than one content: {_join(content)}")
        for key in ("buttons", "quick_replies"):
            if key in value and "text" not in value:
                self.error(value.key_pos[key], f"'{key}' in {where} needs a 'text' to go with")
        text = self.text(value, "text", where) or ""
        html = self.text(value, "html", where)
        media = None
        if (image := self.text(value, "image", where)) is not None:
            media = Media("image", image)
        if "media" in value:
            media = self.media(value["media"], value.value_pos["media"], where)
        cards: tuple[Card, ...] = ()
        if "carousel" in value:
            cards = self.carousel(value["carousel"], value.value_pos["carousel"], where)
        return SayItem(
            text=text,
            buttons=self.choices(value, "buttons", where),
            quick_replies=self.choices(value, "quick_replies", where),
            media=media,
            cards=cards,
            html=html,
            loc=self.loc(pos),
            text_loc=self.value_loc(value, "text"),
        )

    def text(self, m: YMap, key: str, where: str, required: bool = False, at: Pos | None = None) -> str | None:
        """A string that may hold templates."""
        value = self.string(m, key, where, required, at)
        if value is not None:
            self.facts.templates.append((value, m.value_pos[key]))
        return value

    def media(self, value: Any, pos: Pos, where: str) -> Media | None:
        what = f"'media' in {where}"
        m = self.mapping(value, pos, what)
        if m is None:
            return None
        self.check_keys(m, MEDIA_KEYS, what)
        kind = self.string(m, "type", what, required=True, at=pos)
        if kind is not None and kind not in MEDIA_TYPES:
            self.not_one_of(m.value_pos["type"], f"'type' in {what}", MEDIA_TYPES, kind)
        url = self.text(m, "url", what, required=True, at=pos)
        return Media(kind or "image", url or "")

    def carousel(self, value: Any, pos: Pos, where: str) -> tuple[Card, ...]:
        if not isinstance(value, YList):
            self.type_error(pos, f"'carousel' in {where}", "a list of cards", value)
            return ()
        cards: list[Card] = []
        for item, item_pos in zip(value, value.item_pos, strict=True):
            what = f"a card in {where}"
            m = self.mapping(item, item_pos, what)
            if m is None:
                continue
            self.check_keys(m, CARD_KEYS, what)
            title = self.text(m, "title", what, required=True, at=item_pos) or ""
            subtitle = self.text(m, "subtitle", what) or ""
            image = self.text(m, "image", what)
            buttons = self.choices(m, "buttons", what)
            cards.append(
                Card(title, subtitle, image, buttons, self.value_loc(m, "title"), self.value_loc(m, "subtitle"))
            )
        return tuple(cards)

    def choices(self, m: YMap, key: str, where: str) -> tuple[Choice, ...]:
        if key not in m:
            return ()
        value, pos = m[key], m.value_pos[key]
        if not isinstance(value, YList):
            self.type_error(pos, f"'{key}' in {where}", "a list of choices", value)
            return ()
        found = [self.choice(item, item_pos, where) for item, item_pos in zip(value, value.item_pos, strict=True)]
        return tuple(c for c in found if c is not None)

    def choice(self, value: Any, pos: Pos, where: str) -> Choice | None:
        if isinstance(value, str):
            self.facts.templates.append((value, pos))
            return Choice(title=value, loc=self.loc(pos), title_loc=self.loc(pos))
        what = f"a button in {where}"
        if not isinstance(value, YMap):
            self.type_error(pos, what, "a string or a mapping", value)
            return None
        self.check_keys(value, CHOICE_KEYS, what)
        title = self.text(value, "title", what, required=True, at=pos)
        url = self.text(value, "url", what)
        if url is not None and ("goto" in value or "set" in value):
            self.error(value.key_pos["url"], f"{what} opens a 'url' or sets and goes on ('goto', 'set'), not both")
        goto = None
        if "goto" in value:
            goto = self.state_ref(value["goto"], value.value_pos["goto"], "goto", what)
        return Choice(
            title=title or "",
            goto=goto,
            set=self.assignments(value, what),
            url=url,
            loc=self.loc(pos),
            title_loc=self.value_loc(value, "title"),
        )

    def assignments(self, m: YMap, what: str) -> dict[str, Any]:
        """The variables of `m`'s `set:` (a button's, a state's or a route's) and their values, which may hold
        templates; `internal.*` is read-only and refused."""
        if "set" not in m or (sets := self.mapping(m["set"], m.value_pos["set"], f"'set' in {what}")) is None:
            return {}
        params: dict[str, Any] = {}
        for name, value in sets.items():
            where = f"a name in 'set' of {what}"
            if not self.variable_name(name, sets.key_pos[name], where):
                continue
            if parse_path(name)[0] == "internal":
                self.error(sets.key_pos[name], f"{where} cannot be '{name}': internal.* variables are read-only")
                continue
            params[name] = plain(value)
            self.values(value, sets.value_pos[name])
        return params

    def kind_say(self, m: YMap, where: str) -> tuple[SayItem, ...]:
        return self.messages(m["say"], m.value_pos["say"], f"'say' of {where}")

    def kind_ask(self, m: YMap, where: str) -> Ask:
        prompt = self.messages(m["ask"], m.value_pos["ask"], f"'ask' of {where}")
        save = None
        if "save" not in m:
            self.error(m.key_pos["ask"], f"missing required key 'save' in {where} (the variable the answer goes to)")
        else:
            save = self.variable_name(m["save"], m.value_pos["save"], f"'save' in {where}")
        expect = self.expect(m, where)
        retry = self.messages(m["retry"], m.value_pos["retry"], f"'retry' of {where}") if "retry" in m else ()
        give_up = self.messages(m["give_up"], m.value_pos["give_up"], f"'give_up' of {where}") if "give_up" in m else ()
        give_up_goto = None
        if "give_up_goto" in m:
            give_up_goto = self.state_ref(m["give_up_goto"], m.value_pos["give_up_goto"], "give_up_goto", where)
        nlp = True
        if "nlp" in m:
            if isinstance(m["nlp"], bool):
                nlp = m["nlp"]
            else:
                self.type_error(m.value_pos["nlp"], f"'nlp' in {where}", "true or false", m["nlp"])
        return Ask(prompt, save or "", expect, retry, give_up, give_up_goto, nlp)

    def expect(self, m: YMap, where: str) -> str:
        value = self.string(m, "expect", where)
        if value is None:
            return "any"
        pos = m.value_pos["expect"]
        if len(value) >= 2 and value.startswith("/") and value.endswith("/"):
            try:
                compile_pattern(value[1:-1])
            except PatternError as exc:
                self.error(pos, f"invalid regular expression in 'expect': {exc}")
            return value
        if value in EXPECT_BUILTINS:
            return "any" if value == "text" else value
        if value in self.entities:
            return value
        known = (*EXPECT_BUILTINS, *self.entities)
        hint = did_you_mean(value, known) or (
            f" (use one of {', '.join(EXPECT_BUILTINS)}, an entity from nlu.entities or a /regex/)"
        )
        self.error(pos, f"'expect' refers to unknown entity '{value}'{hint}")
        return value

    def kind_code(self, m: YMap, where: str) -> CodeAction | None:
        value, pos = m["code"], m.value_pos["code"]
        args = None
        if "args" in m and (raw := self.mapping(m["args"], m.value_pos["args"], f"'args' in {where}")) is not None:
            self.values(raw, m.value_pos["args"])
            args = plain(raw)
        timeout = self.number(m, "timeout", where, 5.0, MAX_TIMEOUT)
        if not isinstance(value, str):
            self.type_error(pos, f"'code' in {where}", "a string of JavaScript", value)
            return None
        line = pos.line + 1 if pos.style in ("|", ">") else pos.line
        action = CodeAction(source=value, args=args, timeout=timeout, line=line, indent=self.code_indent(pos, value))
        self.facts.codes.append((action, pos))
        return action

    def code_indent(self, pos: Pos, value: str) -> int:
        """The columns before a code action's text on its lines in the file."""
        if pos.style in ("|", ">"):
            content = [text for text in self.lines[pos.line : pos.end_line] if text.strip()]
            return len(content[0]) - len(content[0].lstrip(" ")) if content else 0
        return column_in_file(pos, value, 0, self.lines) - 1

    def kind_api(self, m: YMap, where: str) -> ApiAction | None:
        what = f"'api' in {where}"
        api = self.mapping(m["api"], m.value_pos["api"], what)
        if api is None:
            return None
        self.check_keys(api, API_KEYS, what)
        method = self.string(api, "method", what) or "GET"
        if method not in HTTP_METHODS:
            self.not_one_of(api.value_pos["method"], f"'method' in {what}", HTTP_METHODS, method)
        url = self.text(api, "url", what, required=True, at=m.key_pos["api"]) or ""
        parts: dict[str, dict[str, Any]] = {}
        for key in ("query", "headers"):
            if key in api and (part := self.mapping(api[key], api.value_pos[key], f"'{key}' in {what}")) is not None:
                self.values(part, api.value_pos[key])
                parts[key] = plain(part)
        if "body" in api:
            self.values(api["body"], api.value_pos["body"])
        auth = self.auth(api, what) if "auth" in api else None
        save: dict[str, str] = {}
        if "save" in api and (raw := self.mapping(api["save"], api.value_pos["save"], f"'save' in {what}")):
            for name, json_path in raw.items():
                variable = self.variable_name(name, raw.key_pos[name], f"a name in 'save' of {what}")
                source = self.variable_name(json_path, raw.value_pos[name], f"the answer path of '{name}'")
                if variable and source:
                    save[variable] = source
        return ApiAction(
            method=method,
            url=url,
            query=parts.get("query", {}),
            headers=parts.get("headers", {}),
            body=plain(api.get("body")),
            auth=auth,
            timeout=self.number(api, "timeout", what, 10.0, MAX_TIMEOUT),
            save=save,
        )

    def auth(self, api: YMap, where: str) -> dict[str, Any] | None:
        what = f"'auth' in {where}"
        m = self.mapping(api["auth"], api.value_pos["auth"], what)
        if m is None:
            return None
        kind = self.string(m, "type", what, required=True, at=api.value_pos["auth"])
        if kind is None:
            return None
        if kind not in AUTH_KEYS:
            self.not_one_of(m.value_pos["type"], f"'type' in {what}", tuple(AUTH_KEYS), kind)
            return None
        self.check_keys(m, AUTH_KEYS[kind], what)
        for key in AUTH_KEYS[kind][1:]:
            self.text(m, key, what, required=True, at=api.value_pos["auth"])
        return plain(m)

    def kind_iframe(self, m: YMap, where: str) -> IframeAction | None:
        value, pos = m["iframe"], m.value_pos["iframe"]
        if isinstance(value, str):
            self.facts.templates.append((value, pos))
            return IframeAction(value)
        what = f"'iframe' in {where}"
        if not isinstance(value, YMap):
            self.type_error(pos, what, "a URL or a mapping", value)
            return None
        self.check_keys(value, IFRAME_KEYS, what)
        url = self.text(value, "url", what, required=True, at=pos) or ""
        height = value.get("height")
        if height is not None and not _in_range(height, 0, MAX_IFRAME_HEIGHT, whole=True, above_low=True):
            expected = "a positive whole number"
            self.number_error(value.value_pos["height"], f"'height' in {what}", expected, height, MAX_IFRAME_HEIGHT)
            height = None
        return IframeAction(url, height)

    def kind_json(self, m: YMap, where: str) -> Any:
        self.values(m["json"], m.value_pos["json"])
        return plain(m["json"])

    def kind_offload(self, m: YMap, where: str) -> OffloadAction | None:
        value, pos = m["offload"], m.value_pos["offload"]
        what = f"'offload' in {where}"
        if value is None:
            return OffloadAction()
        if not isinstance(value, YMap):
            self.type_error(pos, what, "a mapping", value)
            return None
        self.check_keys(value, OFFLOAD_KEYS, what)
        provider = self.string(value, "provider", what) or "console"
        if provider not in OFFLOAD_PROVIDERS:
            self.not_one_of(value.value_pos["provider"], f"'provider' in {what}", OFFLOAD_PROVIDERS, provider)
        url = self.text(value, "url", what)
        if provider == "webhook" and url is None:
            self.error(value.key_pos["provider"], f"missing required key 'url' in {what} (a webhook needs one)")
        return OffloadAction(
            provider=provider,
            message=self.text(value, "message", what) or "",
            url=url,
            verify_token=self.string(value, "verify_token", what),
            message_loc=self.value_loc(value, "message"),
        )

    def kind_clear_session(self, m: YMap, where: str) -> ClearSession | None:
        value, pos = m["clear_session"], m.value_pos["clear_session"]
        expected = "'all', a list of variable names or {keep: [names]}"
        if value == "all":
            return ClearSession("all")
        if isinstance(value, YList):
            names = self.string_list(value, pos, f"'clear_session' in {where}")
            return ClearSession("names", names)
        if isinstance(value, YMap) and "keep" in value:
            self.check_keys(value, ("keep",), f"'clear_session' in {where}")
            keep = self.string_list(value["keep"], value.value_pos["keep"], f"'keep' in {where}")
            return ClearSession("keep", keep)
        self.error(pos, f"'clear_session' in {where} must be {expected}")
        return None
