"""Read a worker's SMS reply: an answer word (yes, no, stop...) and, maybe, an order code.

The first word decides, and only the first few words are read, with one exception: a refusal
may follow a few words that set it up ("завтра не могу", "sorry, can't"), so a NO is read
after the lead words of LEADS. YES stays strict: only the first word, and never with a
refusal anywhere in the text ("да, но не смогу"). "нет проблем" and "no problem" say yes in
words that start like a no: they are neither ("unknown"), so the worker is asked again. A
reply that is not clearly one answer is "unknown": the caller asks again, which is cheaper
than booking the wrong worker or turning away one who wanted the job.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sms.letters import fold, plain

Kind = Literal["yes", "no", "stop", "start", "help", "cancel", "unknown"]
KINDS_READ: tuple[Kind, ...] = ("yes", "no", "stop", "start", "help", "cancel")


@dataclass(frozen=True)
class Reply:
    kind: Kind
    code: str | None  # the order code given with the answer, digits only ("482"), else None


# Every word understood, per language, in lower case, compared folded (sms/letters.py: "HET"
# is "нет", "ха" is "ҳа", "yo'q" is "yoq"). Deliberately left out: "давай" (also "bye", "let
# me think"), "буду", emoji such as 👍, and keyboard-layout slips ("lf" for "да"). A word in
# two languages must mean the same in both (checked when the table is built).
WORDS: dict[str, dict[Kind, tuple[str, ...]]] = {
    "ru": {
        "yes": ("да", "da", "ага", "конечно", "ок", "окей"),
        "no": ("нет", "нету", "неа", "не", "никак", "net"),
        "stop": ("стоп", "отписаться"),
        "start": ("старт",),
        "help": ("помощь", "справка"),
        "cancel": ("отмена", "отменить"),
    },
    "en": {
        "yes": ("yes", "y", "yeah", "yep", "ok", "okay"),
        "no": ("no", "n", "nope", "cannot", "cant", "wont", "couldnt", "unable"),
        # Twilio's opt-out keywords; CANCEL is under "cancel", see _BARE_CANCEL.
        "stop": ("stop", "stopall", "unsubscribe", "end", "quit", "revoke", "optout"),
        # YES is an opt-in word for Twilio too, but to us it stays an answer to the offer.
        "start": ("start", "unstop"),
        "help": ("help", "info"),
        "cancel": ("cancel",),
    },
    "uz": {  # Latin, and the Cyrillic forms older phones type
        "yes": ("xa", "ҳа", "хоп", "xop"),
        "no": ("yoq", "yuq", "yok", "йўқ"),
        "help": ("yordam", "ёрдам"),
        "cancel": ("bekor", "бекор"),
    },
    "tg": {
        "yes": ("ҳа", "бале"),
        "no": ("не",),
        "help": ("ёрӣ",),
        "cancel": ("бекор",),
    },
    "ky": {
        "yes": ("ооба", "ooba"),
        "no": ("жок", "jok", "zhok"),
        "help": ("жардам",),
        "cancel": ("жокко",),
    },
}
# Words read only as typed, never through the look-alike fold: the Uzbek "ha" folds like the
# Russian "на" ("on", "here"), which no Russian speaker means as a yes.
EXACT: dict[str, dict[Kind, tuple[str, ...]]] = {"uz": {"yes": ("ha",)}}
# Phone keyboards make these quicker to type than any word.
SHORTCUTS: dict[str, Kind] = {"1": "yes", "+": "yes", "0": "no", "-": "no"}
# "не" refuses alone or before one of these; "не знаю", "не вопрос" (= "sure") are not refusals.
NOT_VERBS = ("могу", "смогу", "буду", "приду", "выйду", "поеду", "успею", "получится", "хочу")
# "нет проблем", "no problem": a NO word followed by one of these says yes-ish; we ask again.
NO_BUT_YES = ("проблем", "проблема", "вопросов", "problem", "problems", "prob", "worries")
# Words that may come before a refusal: when, sorry, and the speaker ("завтра не могу",
# "к сожалению, не смогу", "у меня не получится", "sorry, can't", "i can't tomorrow").
# A condition is not among them: "если не смогу, напишу" is not a refusal.
LEADS = (
    "завтра",
    "сегодня",
    "послезавтра",
    "утром",
    "днём",
    "днем",
    "вечером",
    "ночью",
    "сейчас",
    "тогда",
    "я",
    "к",
    "сожалению",
    "извините",
    "простите",
    "извиняюсь",
    "увы",
    "у",
    "меня",
    "sorry",
    "unfortunately",
    "sadly",
    "i",
    "im",
    "am",
    "afraid",
    "tomorrow",
    "today",
    "tonight",
)
# Marks of a refusal that no reply with a YES may carry: "да, не смогу", "yes but I can't".
_NEGATION_MARKS = ("not", "dont")

# Twilio opts the number out on a bare CANCEL before we see it, so we agree and call it a stop;
# with anything after it ("CANCEL 482", "cancel please") it cannot be an opt-out: a booking.
_BARE_CANCEL = "cancel"
# Codes are ASCII digits (other digits stay in words, unread); a sign: see _tokens.
_TOKEN = re.compile(r"[0-9]+|[^\W_0-9]+|[+-]+")
_CODE = re.compile(r"[0-9]{3,6}")
_DASHES = str.maketrans("–—−", "---")
_WINDOW = 3  # tokens read, codes included: "да, буду 482" is the longest form we expect
_MAX_LEADS = 3  # lead words read before a refusal: "к сожалению я не смогу"
_UNKNOWN = Reply("unknown", None)


_key = fold


Table = dict[str, dict[Kind, tuple[str, ...]]]


def words_of(kind: Kind, table: Table = WORDS) -> list[str]:
    """Every language's words of this kind."""
    return [w for kinds in table.values() for w in kinds.get(kind, ())]


def _table(words: Table, key: Callable[[str], str]) -> dict[str, Kind]:
    table: dict[str, Kind] = {}
    for language, kinds in words.items():
        for kind, listed in kinds.items():
            for word in listed:
                if table.setdefault(key(word), kind) != kind:
                    raise ValueError(f"{word!r} ({language}) is {table[key(word)]} elsewhere")
    return table


_EXACTLY = "="  # marks an exact word's key: no folded key starts with it


def _exactly(word: str) -> str:
    return _EXACTLY + plain(word)


_KINDS: dict[str, Kind] = _table(WORDS, _key) | SHORTCUTS | _table(EXACT, _exactly)
_NE = _key("не")
_NOT_VERBS = frozenset(map(_key, NOT_VERBS))
_NO_BUT_YES = frozenset(map(_key, NO_BUT_YES))
_LEADS = frozenset(map(_key, LEADS))
_NEGATIONS = frozenset(map(_key, (*_NEGATION_MARKS, *words_of("no"), *words_of("no", EXACT))))
_OPPOSITE = {"yes": "no", "no": "yes"}


def parse(body: str) -> Reply:
    tokens = _tokens(body)
    reply = _parse(tokens[:_WINDOW])
    if reply.kind == "yes" and _refuses(tokens[1:]):
        return _UNKNOWN
    if reply.kind != "unknown":
        return reply
    leads = 0
    while leads < min(_MAX_LEADS, len(tokens) - 1) and _key(tokens[leads]) in _LEADS:
        leads += 1
    if leads:  # "завтра не могу": after the lead words only a refusal counts
        after = _parse(tokens[leads : leads + _WINDOW])
        if after.kind == "no":
            return after
    return _UNKNOWN


def _refuses(tokens: list[str]) -> bool:
    """Anything in these words that reads as a refusal: a NO word, "не", "not", "can't"."""
    return any(_key(t) in _NEGATIONS for t in tokens)


def _parse(tokens: list[str]) -> Reply:
    words = [
        _exactly(t) if _exactly(t) in _KINDS else _key(t) for t in tokens if not _CODE.fullmatch(t)
    ]
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
    tokens = _TOKEN.findall(plain(text).translate(_DASHES))
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
    if kind == "no" and rest[:1] and rest[0] in _NO_BUT_YES:  # "нет проблем", "no problem"
        return "unknown"
    # "да нет" is Russian for "not really"; any yes and no together is left to a human.
    if kind in _OPPOSITE and any(_KINDS.get(w) == _OPPOSITE[kind] for w in rest):
        return "unknown"
    return kind
