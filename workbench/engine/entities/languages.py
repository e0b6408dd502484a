"""The `language` input type: the NLP languages a user may name, with the words Chatlayer's input-validation
page lists for each, stored as the language's code (`Dutch` → `nl-nl`)."""

from __future__ import annotations

import re
import unicodedata

# As the page writes them: 'ned' is listed twice for Dutch, 'be' (Belgium) counts as Dutch.
LANGUAGE_WORDS: dict[str, tuple[str, ...]] = {
    "en-us": ("engels", "english", "en", "anglais"),
    "nl-nl": ("nederlands", "dutch", "ned", "nl", "vlaams", "hollands", "be", "néerlandais", "belgisch"),
    "fr-fr": ("french", "français", "frans", "fr", "francais"),
    "zh-cn": ("chinese", "cn", "zh", "chinees"),
    "es-es": ("spanish", "español", "es", "spaans"),
    "it-it": ("italian", "italiaans", "italiano", "it"),
    "de-de": ("german", "duits", "de", "deutsch"),
    "ja-jp": ("japanese", "japans", "jp", "日本の"),
    "pt-br": ("brazil portugese", "portugese", "portugees", "braziliaans portugees", "português"),
}
# Inside a longer answer only names of 4 letters or more count: 'it', 'be', 'de' and 'es' are ordinary words.
_MIN_WORD_IN_SENTENCE = 4


def _fold(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


_BY_WORD: dict[str, str] = {_fold(word): code for code, words in LANGUAGE_WORDS.items() for word in words}
_IN_SENTENCE = re.compile(
    r"\b(" + "|".join(sorted((w for w in _BY_WORD if len(w) >= _MIN_WORD_IN_SENTENCE), key=len, reverse=True)) + r")\b"
)


def parse_language(answer: str) -> str | None:
    """The code of the language `answer` names (`English`, `nl`, `I prefer Dutch`), or None."""
    folded = _fold(answer)
    if folded in _BY_WORD:
        return _BY_WORD[folded]
    m = _IN_SENTENCE.search(folded)
    return _BY_WORD[m[1]] if m else None
