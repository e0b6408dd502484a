"""Translation files and the flow in each of its languages.

A flow with secondary languages has, for each language `xx`, a translation file `<flow file stem>.xx.yaml` beside
it:

    language: nl
    texts:                      # translation key -> text in this language
      welcome.say[0]: Welkom!
    intents:                    # per-language expressions (the intents themselves are the flow's)
      book_ticket: [ik wil een ticket]
    entities:                   # per-language words for the flow's canonical values
      city:
        Brussels: [Brussel, Bxl]

In a language, a text without a translation is the primary text, an intent without expressions in that language
has the primary's, and an entity value without words in that language matches its primary words; the canonical
values (what is saved) are the same in every language, so the logic is shared. `in_language` gives the flow in a
language, built once at load time, so a conversation in any language costs the same per turn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from workbench.flow.build import Builder, kind_name, quoted
from workbench.flow.documents import UnreadableFile, read_mapping, read_text
from workbench.flow.languages import language_name
from workbench.flow.model import Entity, Flow, Intent, Loc, Nlu, Translation
from workbench.flow.problems import Problem, Reporter, did_you_mean
from workbench.flow.template import TemplateError, parse
from workbench.flow.translation_keys import TranslatableText, translatable_texts, translated_state
from workbench.flow.validate import column_in_file, near_names
from workbench.flow.yaml_source import Pos, YMap

TRANSLATION_KEYS = ("language", "texts", "intents", "entities")
WHAT = "translation file"


def translation_file(flow_file: str | Path, language: str) -> Path:
    """The translation file of `language` beside a flow file: train_ticket.yaml → train_ticket.nl.yaml."""
    path = Path(flow_file)
    return path.with_name(f"{path.stem}.{language}.yaml")


def in_language(flow: Flow, language: str) -> Flow:
    """`flow` with its texts and NLU in `language`: the same states and logic. The primary language gives the
    flow in its own texts; a language the flow does not declare is refused with `ValueError`."""
    if language == flow.language:
        return flow
    if language in flow.variants:
        return flow.variants[language]
    if language not in flow.languages.all:
        languages = ", ".join(flow.languages.all)
        raise ValueError(f"'{language}' is not one of the flow's languages ({languages})")
    if language == flow.languages.primary:
        return flow  # a flow built without the loader: its own texts are the primary's
    return _localized(flow, language)


def with_translations(
    flow: Flow,
    declared_at: Mapping[str, Pos],
    reporter: Reporter,
    sources: Mapping[str, str] | None = None,
) -> tuple[Flow, list[Problem]]:
    """`flow` with its translation files read and its variants built, and the translation files' problems.

    The files are read beside the flow file (`reporter.file`), or taken from `sources` (text by language) when it
    is given. A text without a translation is reported on `reporter` at the primary text; a missing translation
    file, once, where its language is declared (`declared_at`)."""
    texts = translatable_texts(flow)
    by_key = {text.key: text for text in texts}
    translations: dict[str, Translation] = {}
    problems: list[Problem] = []
    for language in flow.languages.secondary:
        file = translation_file(reporter.file, language)
        own = Reporter(str(file))
        try:
            source = _source(file, language, sources)
        except UnreadableFile as exc:
            own.error(1, 1, str(exc))
            translations[language] = Translation(language, own.file)
            problems.extend(own.problems)
            continue
        if source is None:
            translations[language] = Translation(language, own.file, found=False)
            at = declared_at.get(language, Pos(1, 1, 1, 1))
            primary = language_name(flow.languages.primary)
            reporter.warning(
                at.line,
                at.column,
                f"no {language_name(language)} translation file {own.file} (every text falls back to {primary})",
            )
            continue
        translation, readable = _Reader(flow, language, by_key, own).read(source)
        translations[language] = translation
        if readable:  # a file that could not be read at all says so itself, once
            _report_missing(texts, translation, reporter)
        problems.extend(own.sorted())
    variants: dict[str, Flow] = {}
    primary_flow = replace(flow, translations=translations, variants=variants)
    variants[flow.language] = primary_flow
    for language in flow.languages.secondary:
        variants[language] = _localized(primary_flow, language)
    return primary_flow, problems


def _source(file: Path, language: str, sources: Mapping[str, str] | None) -> str | None:
    """The translation file's text, or None when there is none; raises `UnreadableFile`."""
    if sources is not None:
        return sources.get(language)
    return read_text(file, WHAT) if file.is_file() else None


def _report_missing(texts: tuple[TranslatableText, ...], translation: Translation, reporter: Reporter) -> None:
    name = language_name(translation.language)
    for text in texts:
        if text.key not in translation.texts:
            reporter.warning(text.loc.line, text.loc.column, f"no {name} translation for `{text.key}`")


def _localized(flow: Flow, language: str) -> Flow:
    translation = flow.translations.get(language) or Translation(language, "")
    states = flow.states
    if translation.texts:
        states = {name: translated_state(state, translation.texts) for name, state in flow.states.items()}
    return replace(flow, states=states, nlu=language_nlu(flow.nlu, translation), language=language)


def language_nlu(nlu: Nlu, translation: Translation) -> Nlu:
    """The flow's NLU in a translation's language: its expressions per intent and its words per entity value,
    the primary's where it has none."""
    intents: dict[str, Intent] = {
        name: replace(intent, examples=translation.intents[name]) if translation.intents.get(name) else intent
        for name, intent in nlu.intents.items()
    }
    entities: dict[str, Entity] = {
        name: replace(entity, synonyms={**entity.synonyms, **translation.entities[name]})
        if translation.entities.get(name)
        else entity
        for name, entity in nlu.entities.items()
    }
    return replace(nlu, intents=intents, entities=entities)


def key_hint(key: object, texts: Iterable[TranslatableText]) -> str:
    """`; did you mean `x`?` for a translation key the flow does not have: among the keys of its state, or the same
    key in the state whose name is closest; empty when neither is close."""
    if not isinstance(key, str):
        return ""
    by_state: dict[str, list[str]] = {}
    for text in texts:
        by_state.setdefault(text.state, []).append(text.key)
    state = next((name for name in by_state if key.startswith(f"{name}.")), None)
    if state is not None:
        return did_you_mean(key, by_state[state], "`")
    written, _, rest = key.partition(".")
    near = near_names(written, list(by_state))
    meant = [f"{name}.{rest}" for name in near if f"{name}.{rest}" in by_state[name]]
    return did_you_mean(key, meant, "`")


@dataclass(frozen=True, slots=True)
class VariableDifference:
    """A `{variable}` that a translation uses and its primary text does not (`start`: where in the translation),
    or that it drops (`start` None)."""

    message: str
    start: int | None


def variable_differences(
    key: str, text: str, primary: str, language: str, primary_language: str
) -> list[VariableDifference]:
    """How the variables of a translation differ from its primary text's; raises `TemplateError` when the
    translation is no valid template."""
    used: dict[str, int] = {}
    for placeholder in parse(text):
        used.setdefault(placeholder.path, placeholder.start)
    wanted = {p.path for p in parse(primary)}
    name, primary_name = language_name(language), language_name(primary_language)
    found = [
        VariableDifference(f"the {name} text of `{key}` uses {{{path}}}, which the {primary_name} text does not", start)
        for path, start in used.items()
        if path not in wanted
    ]
    found.extend(
        VariableDifference(f"the {name} text of `{key}` drops {{{path}}}, which the {primary_name} text uses", None)
        for path in sorted(wanted - set(used))
    )
    return found


@dataclass(frozen=True, slots=True)
class Coverage:
    """How many of a flow's texts one language has."""

    language: str
    texts: int
    translated: int

    @property
    def missing(self) -> int:
        """The texts without a translation in this language."""
        return self.texts - self.translated

    @property
    def percent(self) -> int:
        """The translated share, rounded down (so 100 means every text)."""
        return 100 if not self.texts else self.translated * 100 // self.texts


def coverage(flow: Flow) -> list[Coverage]:
    """The translated texts of each of the flow's languages, the primary first (it has them all)."""
    keys = [text.key for text in translatable_texts(flow)]
    found = [Coverage(flow.languages.primary, len(keys), len(keys))]
    for language in flow.languages.secondary:
        translation = flow.translations.get(language)
        done = sum(1 for key in keys if translation is not None and key in translation.texts)
        found.append(Coverage(language, len(keys), done))
    return found


class _Reader:
    """Reads one translation file against the flow, reporting on the file's own reporter."""

    def __init__(self, flow: Flow, language: str, texts: Mapping[str, TranslatableText], reporter: Reporter) -> None:
        self.flow = flow
        self.language = language
        self.name = language_name(language)
        self.primary = language_name(flow.languages.primary)
        self.texts = texts
        self.rep = reporter
        self.lines: list[str] = []
        self.build = Builder(reporter.file, [], reporter)

    def read(self, source: str) -> tuple[Translation, bool]:
        """The translation, and whether the file could be read as a mapping at all."""
        empty = Translation(self.language, self.rep.file)
        read = read_mapping(source, self.rep, WHAT)
        if read is None:
            return empty, False
        top, pos, self.lines = read
        self.build.lines = self.lines
        self.build.check_keys(top, TRANSLATION_KEYS, "the translation file")
        self.check_language(top, pos)
        texts, locs = self.texts_of(top)
        intents, entities = self.intents_of(top), self.entities_of(top)
        return Translation(self.language, self.rep.file, texts, intents, entities, locs), True

    def error(self, pos: Pos, message: str) -> None:
        self.rep.error(pos.line, pos.column, message)

    def check_language(self, top: YMap, pos: Pos) -> None:
        if "language" not in top:
            self.error(pos, f"missing required key 'language' in the translation file (its language: {self.language})")
            return
        code = self.build.language_code(top["language"], top.value_pos["language"], "'language'")
        if code is not None and code != self.language:
            self.error(
                top.value_pos["language"],
                f"'language' is {code}, but the file's name says it holds the {self.name} translation",
            )

    def section(self, top: YMap, key: str) -> YMap | None:
        if key not in top or top[key] is None:
            return None
        return self.build.mapping(top[key], top.value_pos[key], f"'{key}' in the translation file")

    def texts_of(self, top: YMap) -> tuple[dict[str, str], dict[str, Loc]]:
        texts: dict[str, str] = {}
        locs: dict[str, Loc] = {}
        section = self.section(top, "texts")
        for key, value in (section or {}).items():
            key_pos, pos = section.key_pos[key], section.value_pos[key]
            primary = self.texts.get(key) if isinstance(key, str) else None
            if primary is None:
                hint = key_hint(key, self.texts.values())
                self.error(key_pos, f"translation of a text that no longer exists: `{key}`{hint}")
                continue
            if value is None or (isinstance(value, str) and not value.strip()):
                continue  # not translated yet: the primary text stands, and the flow file's warning says so
            if not isinstance(value, str):
                hint = "" if isinstance(value, YMap | list) else "; put it in quotes"
                self.error(pos, f"the translation of `{key}` must be a string, not {kind_name(value)}{hint}")
                continue
            if self.check_variables(key, value, primary.text, pos):
                texts[key] = value
                locs[key] = Loc(self.rep.file, pos.line, pos.column)
        return texts, locs

    def check_variables(self, key: str, text: str, primary: str, pos: Pos) -> bool:
        """Report a malformed template (False) and the variables the translation adds or drops (warnings)."""
        try:
            differences = variable_differences(key, text, primary, self.language, self.flow.languages.primary)
        except TemplateError as exc:
            self.error(pos._replace(column=column_in_file(pos, text, exc.column - 1, self.lines)), str(exc))
            return False
        for difference in differences:
            column = pos.column if difference.start is None else column_in_file(pos, text, difference.start, self.lines)
            self.rep.warning(pos.line, column, difference.message)
        return True

    def intents_of(self, top: YMap) -> dict[str, tuple[str, ...]]:
        intents: dict[str, tuple[str, ...]] = {}
        section = self.section(top, "intents")
        known = self.flow.nlu.intents
        for name, expressions in (section or {}).items():
            if name not in known:
                hint = did_you_mean(name, known) if isinstance(name, str) else ""
                self.error(
                    section.key_pos[name], f"expressions for intent {quoted(name)}, which the flow does not have{hint}"
                )
                continue
            if expressions is not None:
                what = f"the {self.name} expressions of intent '{name}'"
                intents[name] = self.build.string_list(expressions, section.value_pos[name], what)
        return intents

    def entities_of(self, top: YMap) -> dict[str, dict[str, tuple[str, ...]]]:
        entities: dict[str, dict[str, tuple[str, ...]]] = {}
        section = self.section(top, "entities")
        known = self.flow.nlu.entities
        for name, body in (section or {}).items():
            if name not in known:
                hint = did_you_mean(name, known) if isinstance(name, str) else ""
                self.error(
                    section.key_pos[name], f"words for entity {quoted(name)}, which the flow does not have{hint}"
                )
                continue
            words = self.build.mapping(body, section.value_pos[name], f"the {self.name} words of entity '{name}'")
            if words is not None:
                entities[name] = self.entity_words(known[name], words)
        return entities

    def entity_words(self, entity: Entity, words: YMap) -> dict[str, tuple[str, ...]]:
        found: dict[str, tuple[str, ...]] = {}
        for value, body in words.items():
            if value not in entity.values:
                hint = did_you_mean(value, entity.values)
                self.error(
                    words.key_pos[value],
                    f"words for {quoted(value)}, which is not one of the values of entity '{entity.name}'{hint}",
                )
            elif body is not None:
                found[value] = self.build.string_list(
                    body, words.value_pos[value], f"the {self.name} words of {quoted(value)}"
                )
        return found
