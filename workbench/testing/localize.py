"""Conversation tests in each language of their flow: which languages a test runs in, and the test in one of them.

A QA engineer writes a test once, in the flow's primary language. In another language L its expectations are the
translations of what it expects:

- a `bot:` text (exact or `contains`) that is one of the flow's primary texts, or an instance of one (a template
  like `You said: {said}` is what `You said: item1` is an instance of), becomes that text's translation in L with
  the values its `{variables}` stood for put in; a variable the translation has and the match gave no value for
  matches any text. A text that is several of the flow's texts (with different translations) matches any of them.
- a text that is none of the flow's texts (a number, a name, a part of a text) and every `/regex/` stay as written:
  a regular expression cannot be translated; name the text by its key instead.
- `bot: {key: ask_date.ask[0]}` is the text of that key in the run's language (the primary's too), its variables
  matching any value.
- button, quick-reply and card titles and subtitles in a `bot:` expectation, and `click:` titles, become their
  translations (the first, when the flow translates one title in several ways).

The work is done once per (test, language) before the test runs (`localized`), from a phrasebook built once per
flow: the replay itself matches plain texts, as in one language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from workbench.flow.languages import language_name
from workbench.flow.model import Flow
from workbench.flow.problems import Problem
from workbench.flow.regex_limits import compile_pattern
from workbench.flow.template import TemplateError, parse
from workbench.flow.translation_keys import TranslatableText, translatable_texts
from workbench.flow.translations import key_hint
from workbench.testing.assertions import BotExpectation, MatchMode, TextMatch, fold, is_regex, show
from workbench.testing.convo_format import ALL_LANGUAGES, ConvoTest, Turn

MESSAGE_KINDS = frozenset({"message", "prompt", "retry", "give_up", "offload_message"})
TITLE_KINDS = frozenset({"button", "quick_reply", "card_button"})
_HOLE = "\x00"  # stands for a `{variable}` while a text is folded


@dataclass(frozen=True, slots=True)
class RunLanguages:
    """The languages a run asks for: `codes` (`--language nl`, repeatable), or every language of each
    conversation's flow (`every`). Asking for none runs each conversation in its own language, else the primary."""

    codes: tuple[str, ...] = ()
    every: bool = False

    @property
    def asked(self) -> bool:
        """Whether the run names languages at all."""
        return self.every or bool(self.codes)

    @property
    def several(self) -> bool:
        """Whether the run asks for more than one language (its results then carry their language)."""
        return self.every or len(self.codes) > 1


ONE_LANGUAGE = RunLanguages()


def languages_of(test: ConvoTest, flow: Flow, asked: RunLanguages = ONE_LANGUAGE) -> tuple[str, ...]:
    """The languages `test` runs in: its own `language:` (a code, or every language of its flow for `all`),
    else the run's, else the flow's primary language."""
    written = test.language
    if written == ALL_LANGUAGES or (written is None and asked.every):
        return flow.languages.all
    if written is not None:
        return (written,)
    return asked.codes or (flow.languages.primary,)


def labelled(name: str, language: str) -> str:
    """A result's name with its language: `booking: one ticket [nl]`."""
    return f"{name} [{language}]"


def language_problems(test: ConvoTest, flow: Flow, language: str | None) -> list[Problem]:
    """A language that the flow does not speak: the test's own `language:` (at its position) or the one the run
    asks for (`language`, at the conversation)."""
    if test.language is None and language is None:  # nearly every test: nothing to check
        return []
    declared = flow.languages.all
    known = ", ".join(declared)
    if test.language not in (None, ALL_LANGUAGES, *declared):
        loc = test.language_loc or test.loc
        message = f"language '{test.language}' is not one of the languages of flow '{flow.name}' ({known})"
        return [Problem(loc, message)]
    if language is not None and language not in declared:
        message = (
            f"the run asks for {language_name(language)}, which flow '{flow.name}' does not speak "
            f"(its languages: {known})"
        )
        return [Problem(test.loc, message)]
    return []


def key_problems(test: ConvoTest, flow: Flow) -> list[Problem]:
    """Translation keys named by `bot:` turns that no text of the flow has, with the nearest key."""
    if not test.keyed:
        return []
    book = phrasebook(flow)
    problems: list[Problem] = []
    for turn in test.turns:
        if turn.kind != "bot":
            continue
        for key in _keys(turn.value):
            if key not in book.by_key:
                hint = key_hint(key, book.by_key.values())
                problems.append(Problem(turn.loc, f"flow '{flow.name}' has no text with the key `{key}`{hint}"))
    return problems


def _keys(expectation: BotExpectation) -> Iterable[str]:
    yield from (m.pattern for m in expectation.texts if m.mode == "key")
    for negation in expectation.negated:
        yield from _keys(negation)


def localized(test: ConvoTest, flow: Flow, language: str | None, *, label: bool = False) -> ConvoTest:
    """`test` as it runs in `language` (None: its own language, else the flow's primary): the channel's `locale`
    is that language when the test or the run chose it, its expectations are translated (see the module
    docstring), and with `label` its name carries the language. `test` itself when nothing changes."""
    chosen = language or (test.language if test.language not in (None, ALL_LANGUAGES) else None)
    code = chosen or flow.languages.primary
    translating = code != flow.languages.primary
    if chosen is None and not test.keyed and not label:
        return test
    turns = test.turns
    if translating or test.keyed:
        turns = _Translator(phrasebook(flow), flow, code, translating).turns(test.turns)
    variables = {**test.variables, "locale": code} if chosen is not None else test.variables
    name = labelled(test.name, code) if label else test.name
    return replace(test, name=name, turns=turns, variables=variables, language=code)


# --- the flow's texts ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Template:
    """A primary text with variables, and the pattern that finds what they stood for in an instance of it."""

    text: TranslatableText
    sources: tuple[str, ...]  # each placeholder as written inside its braces: `destination|toUpperCase`
    paths: tuple[str, ...]
    pattern: re.Pattern[str]


@dataclass(slots=True)
class Phrasebook:
    """A flow's primary texts by key, by text (those without variables) and as templates; made once per flow."""

    by_key: dict[str, TranslatableText] = field(default_factory=dict)
    messages: dict[str, list[str]] = field(default_factory=dict)
    templates: list[_Template] = field(default_factory=list)
    titles: dict[str, list[str]] = field(default_factory=dict)
    card_titles: dict[str, list[str]] = field(default_factory=dict)
    card_subtitles: dict[str, list[str]] = field(default_factory=dict)


_BOOKS: dict[int, tuple[Flow, Phrasebook]] = {}
_MAX_BOOKS = 64


def phrasebook(flow: Flow) -> Phrasebook:
    """The phrasebook of `flow` (made on first use; a reloaded flow gets a new one)."""
    found = _BOOKS.get(id(flow))
    if found is not None and found[0] is flow:
        return found[1]
    if len(_BOOKS) >= _MAX_BOOKS:
        _BOOKS.pop(next(iter(_BOOKS)))
    book = _BOOKS[id(flow)] = (flow, _make_book(translatable_texts(flow)))
    return book[1]


def _make_book(texts: Iterable[TranslatableText]) -> Phrasebook:
    book = Phrasebook()
    for text in texts:
        book.by_key[text.key] = text
        if text.kind in TITLE_KINDS:
            book.titles.setdefault(fold(text.text), []).append(text.key)
        elif text.kind == "card_title":
            book.card_titles.setdefault(fold(text.text), []).append(text.key)
        elif text.kind == "card_subtitle":
            book.card_subtitles.setdefault(fold(text.text), []).append(text.key)
        elif text.kind in MESSAGE_KINDS:
            template = _template(text)
            if template is None:
                book.messages.setdefault(fold(text.text), []).append(text.key)
            else:
                book.templates.append(template)
    return book


def _holes(text: str) -> tuple[str, tuple[str, ...]]:
    """`text` with each placeholder a hole, folded, and each placeholder as written inside its braces."""
    try:
        placeholders = parse(text)
    except TemplateError:
        return fold(text), ()
    pieces: list[str] = []
    sources: list[str] = []
    at = 0
    for p in placeholders:
        pieces += [text[at : p.start], _HOLE]
        sources.append("|".join((p.path, *p.modifiers)))
        at = p.end
    pieces.append(text[at:])
    return fold("".join(pieces)), tuple(sources)


def _template(text: TranslatableText) -> _Template | None:
    folded, sources = _holes(text.text)
    if not sources:
        return None
    literal = [re.escape(piece) for piece in folded.split(_HOLE)]
    pattern = re.compile("(.*?)".join(literal), re.DOTALL)
    return _Template(text, sources, tuple(s.split("|", 1)[0] for s in sources), pattern)


# --- translating a test ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A text an expectation stands for in the run's language: its key, and the text with the values known put
    in (holes where a variable's value is not known)."""

    key: str
    text: str

    @property
    def exact(self) -> bool:
        return _HOLE not in self.text


class _Translator:
    """Translates the turns of one test into one language (with `translating`; else resolves keys only)."""

    def __init__(self, book: Phrasebook, flow: Flow, language: str, translating: bool) -> None:
        self.book = book
        self.language = language
        self.name = language_name(language)
        self.translating = translating
        translation = flow.translations.get(language)
        self.texts = translation.texts if translation is not None else {}

    def turns(self, turns: Sequence[Turn]) -> tuple[Turn, ...]:
        return tuple(self.turn(turn) for turn in turns)

    def turn(self, turn: Turn) -> Turn:
        if turn.kind == "bot":
            value = self.expectation(turn.value)
        elif turn.kind == "click" and self.translating and isinstance(turn.value, str):
            value = self.title(turn.value, self.book.titles)
        else:
            return turn
        return turn if value is turn.value else replace(turn, value=value)

    def text_of(self, key: str) -> str:
        """The text of `key` in the run's language (its primary text where it has no translation)."""
        return self.texts.get(key) or self.book.by_key[key].text

    def expectation(self, expectation: BotExpectation) -> BotExpectation:
        texts = tuple(self.match(m) for m in expectation.texts)
        buttons, replies, cards = expectation.buttons, expectation.quick_replies, expectation.cards
        if self.translating:
            buttons = self.titles(buttons)
            replies = self.titles(replies)
            cards = tuple(self.card(card) for card in cards)
        negated = tuple(self.expectation(n) for n in expectation.negated)
        return replace(expectation, texts=texts, buttons=buttons, quick_replies=replies, cards=cards, negated=negated)

    def match(self, match: TextMatch) -> TextMatch:
        if match.mode == "key":
            if match.pattern not in self.book.by_key:
                return match  # check_test reports it
            return self.built([self.candidate(match.pattern, {})], anchored=True, exact_mode="exact")
        if not self.translating or match.mode not in ("exact", "contains"):
            return match
        candidates = self.candidates(match.pattern)
        if not candidates:
            return match
        return self.built(candidates, anchored=match.mode == "exact", exact_mode=match.mode)

    def candidates(self, text: str) -> list[_Candidate]:
        """What the primary text `text` (folded) is in the run's language: one candidate per flow text it is."""
        found = [self.candidate(key, {}) for key in self.book.messages.get(text, ())]
        for template in self.book.templates:
            m = template.pattern.fullmatch(text)
            if m is not None:
                values = dict(zip(template.sources, m.groups(), strict=True))
                for path, value in zip(template.paths, m.groups(), strict=True):
                    values.setdefault(path, value)
                found.append(self.candidate(template.text.key, values))
        unique: dict[str, _Candidate] = {}
        for candidate in found:
            unique.setdefault(candidate.text, candidate)
        return list(unique.values())

    def candidate(self, key: str, values: dict[str, str]) -> _Candidate:
        """The text of `key` in the run's language with `values` (by placeholder as written, or by path) put in."""
        folded, sources = _holes(self.text_of(key))
        pieces = folded.split(_HOLE)
        out = [pieces[0]]
        for source, piece in zip(sources, pieces[1:], strict=True):
            value = values.get(source, values.get(source.split("|", 1)[0]))
            out += [_HOLE if value is None else value, piece]
        return _Candidate(key, "".join(out))

    def built(self, candidates: list[_Candidate], *, anchored: bool, exact_mode: MatchMode) -> TextMatch:
        keys = ", ".join(f"`{c.key}`" for c in candidates)
        note = f"the {self.name} text of {keys}"
        if len(candidates) == 1 and candidates[0].exact:
            return TextMatch(exact_mode, fold(candidates[0].text), note=note)
        alternatives = "|".join(".*?".join(map(re.escape, c.text.split(_HOLE))) for c in candidates)
        source = f"^(?:{alternatives})$" if anchored else alternatives
        shown = " or ".join(show(c.text.replace(_HOLE, "…")) for c in candidates)
        return TextMatch("template", shown, compile_pattern(source), note=note)

    def titles(self, titles: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if titles is None:
            return None
        return tuple(self.title(t, self.book.titles) for t in titles)

    def title(self, title: str, keys_by_text: dict[str, list[str]]) -> str:
        """A title's translation (the first, when several texts have it), or the title as written."""
        if is_regex(title):
            return title
        keys = keys_by_text.get(fold(title))
        return self.text_of(keys[0]) if keys else title

    def card(self, card: Any) -> Any:
        if not isinstance(card, dict):
            return card
        translated = dict(card)
        for name, keys in (("title", self.book.card_titles), ("subtitle", self.book.card_subtitles)):
            if isinstance(card.get(name), str):
                translated[name] = self.title(card[name], keys)
        if isinstance(card.get("buttons"), list):
            translated["buttons"] = [
                self.title(b, self.book.titles) if isinstance(b, str) else b for b in card["buttons"]
            ]
        return translated
