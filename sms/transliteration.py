"""Cyrillic to Latin for branches that pay per segment: GSM-7 fits 160, UCS-2 only 70."""

import iuliia

# Wikipedia's romanisation reads naturally to Russian speakers ("Rabota: gruzchik").
_SCHEMA = iuliia.WIKIPEDIA
# A few signs that are not GSM-7 and have a plain equivalent.
_PLAIN = str.maketrans({"№": "N", "«": '"', "»": '"', "—": "-", "–": "-", "…": "..."})


def to_latin(text: str) -> str:
    latin: str = _SCHEMA.translate(text)  # iuliia is untyped
    return latin.translate(_PLAIN)
