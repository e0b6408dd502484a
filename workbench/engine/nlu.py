"""Intent and entity matching: fuzzy, typo-tolerant and fast enough to run on every user turn.

Text is normalised (lower case, accents folded, anything but letters and digits turned into spaces) and an
example's score against the user's text, from 0 to 100, is the best of:

- the token sort ratio (rapidfuzz `fuzz.ratio` of the words sorted): tolerates word order and typos;
- only when the example is shorter than the text, its coverage: the share of the example's letters whose words
  occur in the text (a word of 5 letters or more that the text has with a typo counts for 0.85), scaled by
  `0.8 + 0.2 * len(example) / len(text)`. An example fully inside a longer sentence scores at least 80.

A text shorter than an example is scored by the token sort ratio alone, so "train" does not match
"book a train" by being a subset of it. An intent scores as its best example, divided by 100. As Chatlayer's
NLP settings page words it, the best intent is recognised when its score is above the flow's threshold (0.8
unless the flow says otherwise); at or below it the message is not understood. `understand` gives what
Chatlayer keeps in `internal.nlp` for every message: the expression and the best intent with its score, also
below the threshold.

Entities are found on whole words: values and synonyms, case-insensitive, and values of 5 letters or more also
with a typo (one edit, a swap of two letters counting as one; two edits from 9 letters; never in the first
letter). System entities (`sys.number`, `sys.time`, `sys.amount_of_money`, ...) come from
`workbench.engine.entities`, relative to the matcher's clock (the current time unless a test gives one).
"""

from __future__ import annotations

import bisect
import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import OSA

from workbench.engine.entities.system import system_entities
from workbench.flow.model import Nlu, State

_MIN_TYPO_WORD = 5
_TYPO_CREDIT = 0.85


@dataclass(frozen=True, slots=True)
class IntentMatch:
    """The intent recognised in a text, its score (0..1) and the entities found in the text."""

    intent: str
    score: float
    entities: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True, unsafe_hash=True)
class Understanding:
    """What the NLU made of one user message: the best intent (None when no intent scores) and its score
    whatever the threshold, whether that is above the threshold, and the entities found in the text. Never
    changed once made (not frozen: one is made per user message, and a frozen dataclass takes twice as long)."""

    expression: str
    intent: str | None
    score: float
    recognised: bool
    entities: dict[str, Any] = field(default_factory=dict)

    @property
    def match(self) -> IntentMatch | None:
        """The recognised intent as a match, or None."""
        if not self.recognised or self.intent is None:
            return None
        return IntentMatch(self.intent, self.score, self.entities)

    def internal(self) -> dict[str, Any]:
        """The message as Chatlayer's read-only `internal.nlp` holds it: `expression`, `intent.name`, `intent.score`."""
        return {"expression": self.expression, "intent": {"name": self.intent, "score": self.score}}


def normalise(text: str) -> str:
    """Lower case, accents folded, anything but letters and digits turned into single spaces."""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(utils.default_process(text).split())


@dataclass(frozen=True, slots=True)
class _Example:
    intent: int
    length: int
    sorted_words: str
    words: frozenset[str]
    letters: int


class _Model:
    """What a matcher knows of one `Nlu`: its examples and entity words, indexed. Built once per `Nlu` (see
    `_model`) and shared by the matchers of every conversation of that flow; never changed once built."""

    def __init__(self, nlu: Nlu) -> None:
        self.threshold: float = nlu.threshold
        self.entity_names: frozenset[str] = frozenset(nlu.entities)
        self.intents: tuple[str, ...] = tuple(nlu.intents)
        examples: list[_Example] = []
        for i, intent in enumerate(nlu.intents.values()):
            for norm in dict.fromkeys(normalise(e) for e in intent.examples):
                words = frozenset(norm.split())
                if words:
                    sorted_words = " ".join(sorted(norm.split()))
                    examples.append(_Example(i, len(norm), sorted_words, words, sum(map(len, words))))
        examples.sort(key=lambda e: e.length)
        self.examples = examples
        self.lengths = [e.length for e in examples]
        self.sorted_words = [e.sorted_words for e in examples]
        self.index: dict[str, list[int]] = {}
        for i, example in enumerate(examples):
            for word in example.words:
                self.index.setdefault(word, []).append(i)
        self.vocabulary = _by_first_letter(w for w in self.index if len(w) >= _MIN_TYPO_WORD)

        self.phrases: dict[str, list[tuple[str, str]]] = {}
        for entity in nlu.entities.values():
            for value, phrase in _entity_forms(entity.values, entity.synonyms):
                hits = self.phrases.setdefault(phrase, [])
                if all(name != entity.name for name, _ in hits):
                    hits.append((entity.name, value))
        self.word_counts = sorted({p.count(" ") + 1 for p in self.phrases}, reverse=True)
        self.fuzzy_phrases = _by_first_letter(p for p in self.phrases if len(p) >= _MIN_TYPO_WORD)
        self.reads_words = bool(examples or self.phrases)
        """Whether a text's words can match anything (no intents and no entities: only system entities)."""


KEPT_MODELS = 16
"""How many flows' (and languages') NLU models are kept built for the next conversation."""
_models: dict[int, tuple[Nlu, _Model]] = {}


def _model(nlu: Nlu) -> _Model:
    """The model of `nlu`, built on first use: a suite replays thousands of conversations of a few flows, and
    building the model is most of what starting a conversation costs for a flow with intents. Kept by the
    identity of the (immutable) `Nlu`, which stays alive while kept, so its id cannot be taken by another."""
    kept = _models.get(id(nlu))
    if kept is None or kept[0] is not nlu:
        if len(_models) >= KEPT_MODELS:
            del _models[next(iter(_models))]
        kept = _models[id(nlu)] = (nlu, _Model(nlu))
    return kept[1]


class NluMatcher:
    """Matches user text against a flow's intents and entities; cheap to make, as what it knows of the flow's
    NLU is built once (`_model`).

    `clock` tells the moment relative dates and times (`tomorrow`, `3 pm`) are read from: a test fixes it.
    """

    def __init__(self, nlu: Nlu, clock: Callable[[], dt.datetime] = dt.datetime.now) -> None:
        self.clock = clock
        self._model = _model(nlu)
        self.threshold = self._model.threshold
        self.entity_names = self._model.entity_names

    # --- intents -------------------------------------------------------------------------------------------

    def scores(self, text: str) -> list[tuple[str, float]]:
        """Every intent with its score (0..1) for `text`, best first; ties keep the flow's order."""
        best = self._intent_scores(normalise(text))
        ranked = sorted(range(len(best)), key=lambda i: -best[i])
        return [(self._model.intents[i], best[i]) for i in ranked]

    def match(self, text: str) -> IntentMatch | None:
        """The best intent when its score is above the flow's threshold, with the entities in `text`; else None."""
        norm = normalise(text)
        intent, score = self._best(norm)
        if intent is None or score <= self.threshold:
            return None
        return IntentMatch(intent, score, self._entities(text, norm))

    def understand(self, text: str) -> Understanding:
        """The best intent for `text` and its score, whether it is recognised, and the entities in `text`."""
        norm = normalise(text) if self._model.reads_words else ""  # no words to read: no intent, no entity
        intent, score = self._best(norm) if norm else (None, 0.0)  # no word scores anything
        recognised = intent is not None and score > self.threshold
        return Understanding(text, intent, score, recognised, self._entities(text, norm))

    def _best(self, norm: str) -> tuple[str | None, float]:
        """The best-scoring intent for a normalised text and its score; `(None, 0.0)` when no intent scores."""
        best = self._intent_scores(norm)
        top = max(range(len(best)), key=best.__getitem__) if best else None
        if top is None or best[top] == 0.0:
            return None, 0.0
        return self._model.intents[top], best[top]

    def _intent_scores(self, norm: str) -> list[float]:
        best = [0.0] * len(self._model.intents)
        if not norm or not self._model.examples:
            return best
        words = norm.split()
        examples = self._model.examples
        for _, score, i in process.extract(
            " ".join(sorted(words)), self._model.sorted_words, scorer=fuzz.ratio, limit=None
        ):
            if score > best[examples[i].intent]:
                best[examples[i].intent] = score
        n = len(norm)
        shorter = bisect.bisect_left(self._model.lengths, n)
        covered = [0.0] * shorter
        for word, credit in self._known_words(words).items():
            for i in self._model.index.get(word, ()):
                if i < shorter:
                    covered[i] += credit * len(word)
        for i, letters in enumerate(covered):
            if letters:
                example = examples[i]
                score = 100.0 * letters / example.letters * (0.8 + 0.2 * self._model.lengths[i] / n)
                if score > best[example.intent]:
                    best[example.intent] = score
        return [min(score / 100.0, 1.0) for score in best]

    def _known_words(self, words: list[str]) -> dict[str, float]:
        """The example words in `words`: credit 1 for an exact word, less for one that differs by a typo."""
        known: dict[str, float] = {}
        for word in words:
            if word in self._model.index:
                known[word] = 1.0
            elif len(word) >= _MIN_TYPO_WORD - 1:
                for typo in _typo_matches(word, self._model.vocabulary.get(word[0], ()))[:1]:
                    known.setdefault(typo, _TYPO_CREDIT)
        return known

    # --- entities ------------------------------------------------------------------------------------------

    def extract_entities(self, text: str) -> dict[str, Any]:
        """`{entity_name: canonical_value}` for the flow's entities in `text`, then the system entities."""
        return self._entities(text, normalise(text))

    def _entities(self, text: str, norm: str) -> dict[str, Any]:
        # The clock is asked only for a date or time.
        if not self._model.phrases:  # a flow without entities: the system entities alone
            return system_entities(text, self.clock)
        found: dict[str, Any] = {}
        for name, value in self._find(norm.split()):
            found.setdefault(name, value)
        found.update(system_entities(text, self.clock))
        return found

    def entity_value(self, entity: str, text: str) -> str | None:
        """The canonical value of `entity` when `text` (or a word in it) is one of its values or synonyms."""
        if entity not in self.entity_names:
            return None
        hits = self._find(normalise(text).split(), only=entity)
        return hits[0][1] if hits else None

    def _find(self, words: list[str], only: str | None = None) -> list[tuple[str, str]]:
        """Entity hits `(name, value)` in `words` in text order, longest phrases first; `only`: one entity."""
        used = [False] * len(words)
        hits: list[tuple[int, str, str]] = []
        for count in self._model.word_counts:
            for start in range(len(words) - count + 1):
                if any(used[start : start + count]):
                    continue
                window = " ".join(words[start : start + count])
                found = _restrict(self._model.phrases.get(window, []), only)
                if not found and len(window) >= _MIN_TYPO_WORD - 1:
                    for phrase in _typo_matches(window, self._model.fuzzy_phrases.get(window[0], ())):
                        found = _restrict(self._model.phrases[phrase], only)
                        if found:
                            break
                if found:
                    used[start : start + count] = [True] * count
                    hits.extend((start, name, value) for name, value in found)
        hits.sort(key=lambda hit: hit[0])
        return [(name, value) for _, name, value in hits]


def _restrict(hits: list[tuple[str, str]], only: str | None) -> list[tuple[str, str]]:
    return hits if only is None else [hit for hit in hits if hit[0] == only]


def _by_first_letter(words: Iterable[str]) -> dict[str, list[str]]:
    """Words grouped by their first letter: a typo is tolerated anywhere but there."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word)
    return groups


def _typo_matches(word: str, candidates: Sequence[str]) -> list[str]:
    """The candidates `word` is a typo of, closest first: one edit (a swap of two letters counts as one), two
    from 9 letters. Candidates are at least 5 letters long and start with the same letter as `word`."""
    if not candidates:
        return []
    return [
        candidate
        for candidate, distance, _ in process.extract(word, candidates, scorer=OSA.distance, score_cutoff=2, limit=None)
        if distance <= (2 if len(candidate) >= 9 else 1)
    ]


def _entity_forms(values: Iterable[str], synonyms: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(canonical value, normalised phrase) for every value and synonym of an entity."""
    forms: list[tuple[str, str]] = []
    for value in [*values, *(v for v in synonyms if v not in values)]:
        for phrase in (value, *synonyms.get(value, ())):
            words = normalise(str(phrase))
            if words:
                forms.append((value, words))
    return forms


def state_for_intent(states: Iterable[State], contexts: Mapping[str, int]) -> State | None:
    """Which of the states linked to one intent the conversation goes to, given the active contexts (name →
    remaining lifespan, in the order they were set), as Chatlayer decides: a state whose required contexts are
    not all active is out; of the others, the one whose required context has the highest lifespan wins. The docs
    leave the rest open; here a state without required context ranks below any whose context is active, a tie
    goes to the context set last (the question asked last), then to the state declared first."""
    order = {name: index for index, name in enumerate(contexts)}
    best: State | None = None
    best_rank = (0, -1)
    for state in states:
        if not all(name in contexts for name in state.required_context):
            continue
        rank = max(((contexts[name], order[name]) for name in state.required_context), default=(0, -1))
        if best is None or rank > best_rank:
            best, best_rank = state, rank
    return best
