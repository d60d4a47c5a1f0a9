"""Texts to Latin letters for branches that pay per segment: GSM-7 fits 160, UCS-2 only 70.

Only where a scheme exists: Russian (iuliia's Wikipedia romanisation, natural to Russian
speakers: "Rabota: gruzchik"), and English and Uzbek, written in Latin already (Uzbek's ʻ and ʼ
become the GSM-7 apostrophe; Russian words in them, an address, go by the Russian scheme).
Tajik and Kyrgyz have no romanisation their readers would recognise in a library we trust:
they go as written, in UCS-2 (docs/languages.md)."""

import iuliia

_SCHEMA = iuliia.WIKIPEDIA
# A few signs that are not GSM-7 and have a plain equivalent.
_PLAIN = str.maketrans(
    {"№": "N", "«": '"', "»": '"', "—": "-", "–": "-", "…": "...", "ʻ": "'", "ʼ": "'", "‘": "'"}
)
SCHEMES = ("ru", "en", "uz")  # the languages a text can be sent in Latin letters


def to_latin(text: str, language: str = "ru") -> str:
    """The text in Latin letters, if its language has a scheme; else as it is."""
    if language not in SCHEMES:
        return text
    # Russian letters in any of them (an address, a name) go by the Russian scheme.
    latin: str = _SCHEMA.translate(text)  # iuliia is untyped
    return latin.translate(_PLAIN)
