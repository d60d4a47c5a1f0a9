"""Read a worker's SMS reply: an answer word (yes, no, stop...) and, maybe, an order code.

The first word decides, and only the first few words are read. A reply that is not clearly
one answer is "unknown": the caller asks again, which is cheaper than booking the wrong
worker or turning away one who wanted the job.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal["yes", "no", "stop", "start", "help", "cancel", "unknown"]


@dataclass(frozen=True)
class Reply:
    kind: Kind
    code: str | None  # the order code given with the answer, digits only ("482"), else None


# Every word understood, written in lower case. Deliberately left out: "давай" (also "bye",
# "let me think"), "буду", emoji such as 👍, and keyboard-layout slips ("lf" for "да").
WORDS: dict[str, tuple[str, ...]] = {
    "yes": ("да", "da", "yes", "y", "yeah", "yep", "ok", "okay", "ок", "окей", "ага", "конечно"),
    "no": ("нет", "нету", "неа", "не", "net", "no", "n", "nope"),
    # Twilio's opt-out keywords and the Russian ones; CANCEL is under "cancel", see _BARE_CANCEL.
    "stop": (
        "stop",
        "stopall",
        "unsubscribe",
        "end",
        "quit",
        "revoke",
        "optout",
        "стоп",
        "отписаться",
    ),
    # YES is an opt-in word for Twilio too, but to us it stays an answer to the offer.
    "start": ("start", "unstop", "старт"),
    "help": ("help", "info", "помощь", "справка"),
    "cancel": ("cancel", "отмена", "отменить"),
}
# Phone keyboards make these quicker to type than any word.
SHORTCUTS: dict[str, Kind] = {"1": "yes", "+": "yes", "0": "no", "-": "no"}
# "не" refuses alone or before one of these; "не знаю", "не вопрос" (= "sure") are not refusals.
NOT_VERBS = ("могу", "смогу", "буду", "приду", "выйду", "поеду", "успею", "получится", "хочу")

# Twilio opts the number out on a bare CANCEL before we see it, so we agree and call it a stop;
# with anything after it ("CANCEL 482", "cancel please") it cannot be an opt-out: a booking.
_BARE_CANCEL = "cancel"
# Cyrillic letters that look like Latin ones in either case (НЕТ/HET, дa, CTOП), after casefold;
# only those that occur in WORDS, plus the Ukrainian and Kazakh і.
_LOOK_ALIKES = str.maketrans("авекмнорстуі", "abekmhopctyi")
# Codes are ASCII digits (other digits stay in words, unread); a sign: see _tokens.
_TOKEN = re.compile(r"[0-9]+|[^\W_0-9]+|[+-]+")
_CODE = re.compile(r"[0-9]{3,6}")
_DASHES = str.maketrans("–—−", "---")
_WINDOW = 3  # tokens read, codes included: "да, буду 482" is the longest form we expect
_UNKNOWN = Reply("unknown", None)


def _key(word: str) -> str:
    # A lone Cyrillic "у" is the preposition ("у меня не получится"), not Latin "y" for yes.
    return word if len(word) == 1 else word.translate(_LOOK_ALIKES)


_KINDS: dict[str, Kind] = {_key(w): kind for kind, ws in WORDS.items() for w in ws} | SHORTCUTS
_NE = _key("не")
_NOT_VERBS = frozenset(map(_key, NOT_VERBS))
_OPPOSITE = {"yes": "no", "no": "yes"}


def parse(body: str) -> Reply:
    tokens = _tokens(body)[:_WINDOW]
    words = [_key(t) for t in tokens if not _CODE.fullmatch(t)]
    codes = {t for t in tokens if _CODE.fullmatch(t)}
    # Two codes ("да 482 483") may mean two orders; a number too short or long for a code
    # ("да 48", "+7 916...") may be a mistyped code or a phone number: ask again.
    if not words or len(codes) > 1 or any(w.isdigit() for w in words[1:]):
        return _UNKNOWN
    kind = _kind(words, bare=len(tokens) == 1)
    if kind == "unknown":
        return _UNKNOWN
    return Reply(kind, next(iter(codes), None))


def _tokens(body: str) -> list[str]:
    # Invisible format characters (zero-width space, soft hyphen) would split a word in two.
    text = "".join(ch for ch in body if unicodedata.category(ch) != "Cf")
    tokens = _TOKEN.findall(text.casefold().translate(_DASHES))
    # A sign answers only at the start ("+", "-482"); later it is a separator, as in "да-482".
    tokens = [t for i, t in enumerate(tokens) if i == 0 or t[0] not in "+-"]
    if tokens and set(tokens[0]) in ({"+"}, {"-"}):
        tokens[0] = tokens[0][0]  # "+++" is an emphatic "+"
    return tokens


def _kind(words: list[str], *, bare: bool) -> Kind:
    first, rest = words[0], words[1:]
    kind = _KINDS.get(first, "unknown")
    if first == _BARE_CANCEL and bare:
        return "stop"
    if first == _NE and rest and rest[0] not in _NOT_VERBS:
        return "unknown"
    # "да нет" is Russian for "not really"; any yes and no together is left to a human.
    if kind in _OPPOSITE and any(_KINDS.get(w) == _OPPOSITE[kind] for w in rest):
        return "unknown"
    return kind
