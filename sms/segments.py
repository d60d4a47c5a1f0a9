"""How an SMS is encoded and how many parts it is billed as."""

from dataclasses import dataclass

# GSM 03.38 basic set; the extension set costs two septets (escape + char).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class Encoded:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int


def _parts(units: list[int], single: int, multi: int) -> int:
    """Parts a carrier bills: one if it all fits, else greedy parts of `multi` units where a
    character's units (an escape pair, a surrogate pair) are never split across parts."""
    if sum(units) <= single:
        return 1
    parts, used = 1, 0
    for size in units:
        if used + size > multi:
            parts, used = parts + 1, 0
        used += size
    return parts


def measure(body: str) -> Encoded:
    """GSM-7: 160 a single part, 153 per part when split; anything else (any Cyrillic
    letter) is UCS-2: 70, then 67 per part."""
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in body):
        units = [2 if ch in _GSM_EXTENDED else 1 for ch in body]
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = [2 if ord(ch) > 0xFFFF else 1 for ch in body]  # UTF-16 code units
        single, multi, encoding = 70, 67, "UCS-2"
    return Encoded(encoding=encoding, units=sum(units), segments=_parts(units, single, multi))
