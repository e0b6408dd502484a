"""Language codes: the two-letter ISO 639-1 codes a flow declares its languages with, their English names for
messages, and the one place that turns what a channel or a variable gives (`nl-BE`, `NL`, `nl-nl`) into a code."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

# ISO 639-1, as "code name" pairs; the names are only for messages ("no Dutch (nl) translation for …").
_TABLE = """
aa Afar|ab Abkhazian|af Afrikaans|ak Akan|am Amharic|an Aragonese|ar Arabic|as Assamese|av Avaric|ay Aymara
az Azerbaijani|ba Bashkir|be Belarusian|bg Bulgarian|bi Bislama|bm Bambara|bn Bengali|bo Tibetan|br Breton
bs Bosnian|ca Catalan|ce Chechen|ch Chamorro|co Corsican|cr Cree|cs Czech|cu Church Slavic|cv Chuvash|cy Welsh
da Danish|de German|dv Divehi|dz Dzongkha|ee Ewe|el Greek|en English|eo Esperanto|es Spanish|et Estonian
eu Basque|fa Persian|ff Fulah|fi Finnish|fj Fijian|fo Faroese|fr French|fy Western Frisian|ga Irish
gd Scottish Gaelic|gl Galician|gn Guarani|gu Gujarati|gv Manx|ha Hausa|he Hebrew|hi Hindi|ho Hiri Motu
hr Croatian|ht Haitian|hu Hungarian|hy Armenian|hz Herero|ia Interlingua|id Indonesian|ie Interlingue|ig Igbo
ii Sichuan Yi|ik Inupiaq|io Ido|is Icelandic|it Italian|iu Inuktitut|ja Japanese|jv Javanese|ka Georgian
kg Kongo|ki Kikuyu|kj Kuanyama|kk Kazakh|kl Kalaallisut|km Central Khmer|kn Kannada|ko Korean|kr Kanuri
ks Kashmiri|ku Kurdish|kv Komi|kw Cornish|ky Kyrgyz|la Latin|lb Luxembourgish|lg Ganda|li Limburgish
ln Lingala|lo Lao|lt Lithuanian|lu Luba-Katanga|lv Latvian|mg Malagasy|mh Marshallese|mi Maori|mk Macedonian
ml Malayalam|mn Mongolian|mr Marathi|ms Malay|mt Maltese|my Burmese|na Nauru|nb Norwegian Bokmål
nd North Ndebele|ne Nepali|ng Ndonga|nl Dutch|nn Norwegian Nynorsk|no Norwegian|nr South Ndebele|nv Navajo
ny Chichewa|oc Occitan|oj Ojibwa|om Oromo|or Oriya|os Ossetian|pa Punjabi|pi Pali|pl Polish|ps Pashto
pt Portuguese|qu Quechua|rm Romansh|rn Rundi|ro Romanian|ru Russian|rw Kinyarwanda|sa Sanskrit|sc Sardinian
sd Sindhi|se Northern Sami|sg Sango|si Sinhala|sk Slovak|sl Slovenian|sm Samoan|sn Shona|so Somali
sq Albanian|sr Serbian|ss Swati|st Southern Sotho|su Sundanese|sv Swedish|sw Swahili|ta Tamil|te Telugu
tg Tajik|th Thai|ti Tigrinya|tk Turkmen|tl Tagalog|tn Tswana|to Tonga|tr Turkish|ts Tsonga|tt Tatar|tw Twi
ty Tahitian|ug Uighur|uk Ukrainian|ur Urdu|uz Uzbek|ve Venda|vi Vietnamese|vo Volapük|wa Walloon|wo Wolof
xh Xhosa|yi Yiddish|yo Yoruba|za Zhuang|zh Chinese|zu Zulu
"""
LANGUAGE_NAMES: dict[str, str] = dict(
    entry.strip().split(" ", 1) for line in _TABLE.strip().splitlines() for entry in line.split("|")
)
"""Every ISO 639-1 code, with the language's English name."""

_BY_NAME = {name.casefold(): code for code, name in LANGUAGE_NAMES.items()}
_TAGGED = re.compile(r"^\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*\s*$")
"""A language tag as channels give it: `nl`, `NL`, `nl-BE`, `nl_be`, `nl-nl`, `zh-Hant-TW`."""


def language_name(code: str) -> str:
    """`Dutch (nl)`: how messages name a language."""
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


def code_problem(value: Any) -> str | None:
    """Why `value` is not a language code a flow may declare (two lower-case letters of ISO 639-1), or None."""
    if isinstance(value, str) and value in LANGUAGE_NAMES:
        return None
    shown = f"'{value}'" if isinstance(value, str) else "that"
    meant = _meant(value)
    if meant is not None:
        return f"{shown} is not a language code; write the two-letter code `{meant}`"
    return f"{shown} is not a language code (two lower-case letters, such as en, nl, fr, de)"


def _meant(value: Any) -> str | None:
    """The code `value` most likely means: `EN` → en, `nl-BE` → nl, `Dutch` → nl."""
    if not isinstance(value, str):
        return None
    if m := _TAGGED.match(value):
        code = m[1].lower()
        return code if code in LANGUAGE_NAMES else None
    return _BY_NAME.get(value.strip().casefold())


def declared_language(value: Any, declared: Collection[str]) -> str | None:
    """The declared code that a channel's or a variable's language (`nl-BE`, `NL`, `nl-nl`, `nl`) names, or None
    when it names no language of `declared` (or is no language tag at all)."""
    if not isinstance(value, str) or not (m := _TAGGED.match(value)):
        return None
    code = m[1].lower()
    return code if code in declared else None
