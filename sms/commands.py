"""Read a worker's or an applicant's command word: what they ask of us rather than an answer
to an offer (СМЕНЫ, ДЕНЬГИ, СПОР 482...), in any of the five languages, and the words after
it, for the caller to read (a date, a number of days, an order code, a reason).

The first word decides. Answers to offers (ДА, НЕТ, ОТМЕНА, СТОП) are sms/replies.py's, and
no word here is one of them (a test checks both tables): a command is never read as an
answer, nor an answer as a command, in any language.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from sms.letters import fold

CommandKind = Literal[
    "shifts",  # the next 7 days' bookings
    "pay",  # what is owed for closed shifts not yet paid out
    "rating",  # the figures and the last ledger entries
    "free",  # FREE [завтра | дата | дни недели]: days the worker wants work
    "busy",  # BUSY [до даты]: days they do not
    "pause",  # PAUSE N: no offers for N days
    "dispute",  # DISPUTE <code> [reason]: a case against that order's penalty
    "delete",  # DELETE [confirmation]: forget me
    "work",  # an applicant's first word: I want work
    "language",  # a language's own name: text me in it
    "arrived",  # ARRIVED <the site's code>: a check-in by code (issue 20)
]

# Per language, lower case. Words are compared folded (sms/letters.py: look-alikes, stand-ins
# and apostrophes), so "O'ZBEK" is "ozbek" and "ТОЧИКИ" is "тоҷикӣ".
WORDS: dict[str, dict[CommandKind, tuple[str, ...]]] = {
    "ru": {
        "shifts": ("смены", "смена", "мои"),
        "pay": ("деньги", "оплата", "зарплата"),
        "rating": ("рейтинг",),
        "free": ("свободен", "свободна", "свободный"),
        "busy": ("занят", "занята"),
        "pause": ("пауза",),
        "dispute": ("спор", "оспорить"),
        "delete": ("удалить", "удалите"),
        "work": ("работа", "работу"),
        "language": ("русский", "рус", "russkiy", "russian"),
        "arrived": ("пришел", "пришла", "прибыл", "прибыла"),
    },
    "en": {
        "shifts": ("shifts", "shift"),
        "pay": ("pay", "money"),
        "rating": ("rating",),
        "free": ("free", "available"),
        "busy": ("busy",),
        "pause": ("pause",),
        "dispute": ("dispute",),
        "delete": ("delete", "forget"),
        "work": ("work", "job"),
        "language": ("english",),
        "arrived": ("here", "arrived", "checkin"),
    },
    "uz": {  # Latin script, the official one; the Cyrillic forms many phones still type
        "shifts": ("smenalar", "smena", "сменалар"),
        "pay": ("pul", "maosh"),
        "rating": ("reyting",),
        "free": ("boshman", "bosh"),
        "busy": ("bandman", "band"),
        "pause": ("pauza", "tanaffus"),
        "dispute": ("nizo", "низо"),
        "delete": ("ochirish", "ўчириш"),
        "work": ("ish", "иш"),
        "language": ("ozbek", "ozbekcha", "uzbek", "ўзбек", "узбек"),
        "arrived": ("keldim", "келдим"),
    },
    "tg": {
        "shifts": ("сменаҳо",),
        "pay": ("пул", "музд"),
        "rating": ("рейтинг",),
        "free": ("озод", "холӣ"),
        "busy": ("банд",),
        "pause": ("танаффус",),
        "dispute": ("баҳс",),
        "delete": ("ҳазф",),
        "work": ("кор",),
        "language": ("тоҷикӣ", "тоҷик", "таджик", "tojiki", "tajik"),
        "arrived": ("омадам", "расидам"),
    },
    "ky": {
        "shifts": ("сменалар", "смендер"),
        "pay": ("акча", "айлык"),
        "rating": ("рейтинг",),
        "free": ("бошмун", "бош"),
        "busy": ("алек", "бошэмес"),
        "pause": ("тыныгуу",),
        "dispute": ("талаш",),
        "delete": ("өчүрүү",),
        "work": ("жумуш",),
        "language": ("кыргыз", "кыргызча", "киргиз", "kyrgyz"),
        "arrived": ("келдим", "жеттим"),
    },
}
LANGUAGES = tuple(WORDS)

# An inbound ARRIVED text is handed on to the check-in job (dispatch/shift/codes.py): its kind
# says it waits for that job, then that the job read it (once: dramatiq may deliver twice).
CHECKIN_WAITING = "checkin_code"
CHECKIN_READ = "checkin_read"


@dataclass(frozen=True)
class Command:
    kind: CommandKind
    language: str  # whose word it was; for "language", the language asked for
    args: tuple[str, ...]  # the words after it, lower case, as typed ("15.12", "482", "3")


_TOKEN = re.compile(r"[^\s,;:!?()]+")


def _table() -> dict[str, tuple[CommandKind, str]]:
    table: dict[str, tuple[CommandKind, str]] = {}
    for language, kinds in WORDS.items():
        for kind, words in kinds.items():
            for word in words:
                key = fold(word)
                seen = table.get(key)
                if seen is not None and seen[0] != kind:
                    raise ValueError(f"{word!r} ({language}) is both {seen[0]} and {kind}")
                # The same word in two languages ("рейтинг"): the first language's keeps it.
                table.setdefault(key, (kind, language))
    return table


_KINDS = _table()


def read(body: str) -> Command | None:
    """The command the text starts with, or None (an answer, or nothing we know)."""
    text = "".join(ch for ch in body if unicodedata.category(ch) != "Cf")
    tokens = _TOKEN.findall(text.strip().strip(".!").casefold())
    if not tokens:
        return None
    found = _KINDS.get(fold(tokens[0].strip(".")))
    if found is None:
        return None
    kind, language = found
    if kind == "language":
        language = next(code for code, kinds in WORDS.items() if _has(kinds, tokens[0]))
    return Command(kind, language, tuple(t.strip(".") for t in tokens[1:]))


def _has(kinds: dict[CommandKind, tuple[str, ...]], word: str) -> bool:
    return fold(word.strip(".")) in {fold(w) for w in kinds["language"]}
