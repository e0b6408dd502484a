"""The conversation's language, and the NLU of each of a flow's languages.

understanding-users/multilanguage-bots: the bot talks to the user in `preferredLanguage` when it names a language
the flow declares, else in the channel's language (the `locale` session variable: the web widget's `lang`, a test's
or the window's), else in the primary language. Both variables stay what the channel and the flow made them: the
engine never writes them; `Conversation.language` and the `LanguageChanged` event are its own view.

"Whenever the user types an expression in a language other than the `preferredLanguage` activated, the bot will not
automatically switch to that language. If the expression is in a language that the bot knows, the expression will
be processed and the bot will answer in the original `preferredLanguage`": the active language's model is asked
first; when it recognises no intent (or an ask's entity finds no value), the other languages' models are asked in
the flow's order, and the language stays as it was.

Each language's flow is built once at load time (`translations.in_language`), and the NLU model of each of them
once and shared by every conversation's matcher (`nlu.NluMatcher`), so a conversation in any language costs the
same per turn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.engine import events as ev
from workbench.engine.inputs import Validation, validate
from workbench.engine.nlu import NluMatcher, Understanding
from workbench.flow.languages import declared_language
from workbench.flow.model import Flow
from workbench.flow.translations import in_language

LANGUAGE_VARIABLES = frozenset({"preferredLanguage", "locale"})
_LANGUAGE_PREFIXES = tuple(LANGUAGE_VARIABLES)


@dataclass(frozen=True, slots=True)
class Spoken:
    """The language a conversation speaks and why."""

    language: str
    reason: ev.LanguageReason

    @property
    def supported(self) -> bool:
        """Whether the user's language (their choice or the channel's) is one the flow declares: Chatlayer's
        language detection sends a conversation whose language is not to the flow's detection state."""
        return self.reason != "primary"


def conversation_language(flow: Flow, variables: Mapping[str, Any]) -> Spoken:
    """The language of a conversation on `flow` whose session variables are `variables`."""
    declared = flow.languages.all
    for name in ("preferredLanguage", "locale"):
        code = declared_language(variables.get(name), declared)
        if code is not None:
            return Spoken(code, name)
    return Spoken(flow.languages.primary, "primary")


def channel_variables(flow: Flow, variables: Mapping[str, Any]) -> dict[str, Any]:
    """A conversation's starting variables with the channel's `locale`: the session's own default is `en`, so for a
    flow whose primary language is another, the workbench's channel speaks that one unless it was told otherwise."""
    primary = flow.languages.primary
    if "locale" in variables or primary == "en":
        return dict(variables)
    return {**variables, "locale": primary}


def concerns_language(event: ev.Event) -> bool:
    """Whether `event` may change the conversation's language: a write of `preferredLanguage` or `locale` (or of
    the whole of either), or a Clear Session."""
    kind = type(event)  # compared exactly: no event kind is subclassed, and this is asked of every write
    if kind is ev.VariableChanged:
        name = event.name
        return name.startswith(_LANGUAGE_PREFIXES) and name.split(".", 1)[0].split("[", 1)[0] in LANGUAGE_VARIABLES
    return kind is ev.SessionCleared


class LanguageModels:
    """The NLU matchers of a flow's languages, reading dates by one clock, each made when first asked for. A
    matcher holds nothing of a conversation's own: the conversations of one flow and clock share them
    (`models_of`)."""

    def __init__(self, flow: Flow, clock: Callable[[], dt.datetime]) -> None:
        self.flow = flow
        self.clock = clock
        self._matchers: dict[str, NluMatcher] = {}
        self._orders: dict[str, tuple[NluMatcher, ...]] = {}

    def matcher(self, language: str) -> NluMatcher:
        """The matcher of `language`'s expressions and entity words."""
        found = self._matchers.get(language)
        if found is None:
            nlu = in_language(self.flow, language).nlu
            found = self._matchers[language] = NluMatcher(nlu, clock=self.clock)
        return found

    def in_order(self, language: str) -> tuple[NluMatcher, ...]:
        """`language`'s matcher, then the other languages' in the flow's order."""
        order = self._orders.get(language)
        if order is None:
            others = (code for code in self.flow.languages.all if code != language)
            order = self._orders[language] = (self.matcher(language), *(self.matcher(code) for code in others))
        return order


_last_models: LanguageModels | None = None
"""The models last asked for (a replay runs thousands of conversations of one flow)."""


def models_of(flow: Flow, clock: Callable[[], dt.datetime]) -> LanguageModels:
    """The `LanguageModels` of `flow` reading dates by `clock`: made again only for another flow or clock than the
    last (a flow never changes)."""
    global _last_models
    last = _last_models
    if last is None or last.flow is not flow or last.clock is not clock:
        last = _last_models = LanguageModels(flow, clock)
    return last


def understand(matchers: Sequence[NluMatcher], text: str) -> Understanding:
    """What the first language understands of `text`; when it recognises no intent, the first other language that
    does (with that language's entities); when none does, the first language's understanding."""
    first = matchers[0].understand(text)
    if first.recognised:
        return first
    for other in matchers[1:]:
        match = other.match(text)
        if match is not None:
            return Understanding(text, match.intent, match.score, True, match.entities)
    return first


def validate_in(matchers: Sequence[NluMatcher], expect: str, text: str) -> Validation:
    """An ask's answer checked with the first language's matcher; an entity value the first language does not
    know is looked for in the other languages (every language saves the same canonical value)."""
    checked = validate(expect, text, matchers[0])
    if checked.ok or expect not in matchers[0].entity_names:
        return checked
    for other in matchers[1:]:
        found = validate(expect, text, other)
        if found.ok:
            return found
    return checked
