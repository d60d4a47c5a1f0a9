"""The days after FREE and BUSY (sms/commands.py reads the word, this module the rest): pure,
no database, each language's day words in one table.

What a worker can say (any language's words, mixed; case and look-alike letters folded):
- nothing: today;
- "завтра" / "tomorrow" (uz ertaga, tg пагоҳ, ky эртең), "сегодня" / "today";
- dates: "15.12", "15.12.2026", "15.12.26" ("/" or "-" instead of "." too); a day and month
  without a year is this year's, or next year's when this year's has passed ("05.01" said
  on 20.12; "01.12" said on 03.12 is next year's, too far ahead: refused);
- weekday names: "пн ср пт", "mon wed", full names too (uz "juma", tg "ҷумъа", ky "жума"):
  each such day within the next WEEKDAY_SPAN_DAYS days counting today (two weeks: every
  named day twice);
- "до 15.12" / "until 15.12" (uz "15.12 gacha", tg "то 15.12", ky "15.12 чейин"; the word
  before or after the date): today through that date.
Several day words may follow one another ("завтра 15.12 пт"). A day before today is refused
("past"), one more than MAX_AHEAD_DAYS ahead too ("too_far"), anything else unread
("unreadable"): the caller re-asks with an example.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from sms.letters import fold

MAX_AHEAD_DAYS = 60  # the farthest day a worker can speak for, counting from today
WEEKDAY_SPAN_DAYS = 14  # weekday names mean those days from today through 13 days ahead

# Per language, lower case. Another language adds its own entry in each table.
TODAY = {"ru": ("сегодня",), "en": ("today",), "uz": ("bugun",), "tg": ("имрӯз",), "ky": ("бүгүн",)}
TOMORROW = {
    "ru": ("завтра",),
    "en": ("tomorrow", "tmrw"),
    "uz": ("ertaga",),
    "tg": ("пагоҳ", "фардо"),
    "ky": ("эртең",),
}
UNTIL = {
    "ru": ("до", "по"),
    "en": ("until", "till", "to", "through"),
    "uz": ("gacha", "гача"),
    "tg": ("то",),
    "ky": ("чейин",),
}
# Monday first (date.weekday()'s order), each day's short and long names.
WEEKDAYS = {
    "ru": (
        ("пн", "пон", "понедельник"),
        ("вт", "вто", "вторник"),
        ("ср", "сре", "среда", "среду"),
        ("чт", "чет", "четверг"),
        ("пт", "пят", "пятница", "пятницу"),
        ("сб", "суб", "суббота", "субботу"),
        ("вс", "вос", "воскресенье"),
    ),
    "en": (
        ("mon", "monday"),
        ("tue", "tues", "tuesday"),
        ("wed", "wednesday"),
        ("thu", "thur", "thurs", "thursday"),
        ("fri", "friday"),
        ("sat", "saturday"),
        ("sun", "sunday"),
    ),
    # Full names only: short forms in these languages would be ordinary words. Uzbek in both
    # scripts.
    "uz": (
        ("dushanba", "душанба"),
        ("seshanba", "сешанба"),
        ("chorshanba", "чоршанба"),
        ("payshanba", "пайшанба"),
        ("juma", "жума"),
        ("shanba", "шанба"),
        ("yakshanba", "якшанба"),
    ),
    "tg": (
        ("душанбе",),
        ("сешанбе",),
        ("чоршанбе",),
        ("панҷшанбе",),
        ("ҷумъа", "ҷума"),
        ("шанбе",),
        ("якшанбе",),
    ),
    "ky": (
        ("дүйшөмбү",),
        ("шейшемби",),
        ("шаршемби",),
        ("бейшемби",),
        ("жума",),
        ("ишемби",),
        ("жекшемби",),
    ),
}

Refusal = Literal["unreadable", "past", "too_far"]


@dataclass(frozen=True)
class Days:
    days: tuple[date, ...]  # sorted, each once
    refusal: Refusal | None = None  # why nothing was read

    @property
    def ok(self) -> bool:
        return self.refusal is None


def _folded(table: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    return frozenset(fold(word) for words in table.values() for word in words)


_TODAY, _TOMORROW, _UNTIL = _folded(TODAY), _folded(TOMORROW), _folded(UNTIL)


def _weekdays() -> dict[str, int]:
    """Folded name -> weekday; refuses to load if a name means two days or is another day word
    (Uzbek and Kyrgyz share "жума", Friday in both)."""
    table: dict[str, int] = {}
    for names in WEEKDAYS.values():
        for index, words in enumerate(names):
            for key in map(fold, words):
                if table.get(key, index) != index or key in _TODAY | _TOMORROW | _UNTIL:
                    raise ValueError(f"day word {key!r} means two things")
                table[key] = index
    return table


_WEEKDAY = _weekdays()
_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?$")


class _Refused(Exception):
    def __init__(self, refusal: Refusal):
        self.refusal = refusal


def _date(token: str, today: date) -> date | None:
    """A dd.mm[.yyyy] date, or None if the token is not one; _Refused if it is no real day."""
    found = _DATE.match(token)
    if found is None:
        return None
    day, month, year = int(found[1]), int(found[2]), found[3]
    try:
        if year is not None:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        this_year = _in_year(today.year, month, day)
        if this_year is not None and this_year >= today:
            return this_year
        next_year = _in_year(today.year + 1, month, day)
        if next_year is not None:  # beyond reach: refused as too far by the caller
            return next_year
        if this_year is None:
            raise _Refused("unreadable")
        return this_year  # passed: refused as past by the caller
    except ValueError:
        raise _Refused("unreadable") from None


def _in_year(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # 29.02 in a common year, 31.04
        return None


def _check(day: date, today: date) -> date:
    if day < today:
        raise _Refused("past")
    if (day - today).days > MAX_AHEAD_DAYS:
        raise _Refused("too_far")
    return day


def read_days(args: tuple[str, ...], today: date) -> Days:
    """The days the words after FREE or BUSY name (see the module's note), or a refusal."""
    words = [fold(arg) for arg in args if arg.strip(".,")]
    if not words:
        return Days((today,))
    try:
        if any(word in _UNTIL for word in words):
            return _until(words, today)
        days: set[date] = set()
        for word in words:
            days.update(_one(word, today))
    except _Refused as refused:
        return Days((), refused.refusal)
    return Days(tuple(sorted(days)))


def _until(words: list[str], today: date) -> Days:
    rest = [word for word in words if word not in _UNTIL]
    last = _date(rest[0], today) if len(rest) == 1 else None
    if last is None:  # "до завтра" and the like: only a date ends a span
        if len(rest) == 1 and rest[0] in _TOMORROW:
            last = today + timedelta(days=1)
        else:
            raise _Refused("unreadable")
    _check(last, today)
    return Days(tuple(today + timedelta(days=n) for n in range((last - today).days + 1)))


def _one(word: str, today: date) -> list[date]:
    if word in _TODAY:
        return [today]
    if word in _TOMORROW:
        return [today + timedelta(days=1)]
    if word in _WEEKDAY:
        first = today + timedelta(days=(_WEEKDAY[word] - today.weekday()) % 7)
        return [
            first + timedelta(days=7 * n)
            for n in range(WEEKDAY_SPAN_DAYS // 7 + 1)
            if (first + timedelta(days=7 * n) - today).days < WEEKDAY_SPAN_DAYS
        ]
    found = _date(word, today)
    if found is None:
        raise _Refused("unreadable")
    return [_check(found, today)]


def shown(days: tuple[date, ...]) -> str:
    """Days as a text lists them: "15.12, 16.12"; a run of four or more as "15.12-20.12"."""
    parts: list[str] = []
    run: list[date] = []
    for day in (*days, None):
        if run and (day is None or (day - run[-1]).days != 1):
            if len(run) >= 4:
                parts.append(f"{run[0]:%d.%m}-{run[-1]:%d.%m}")
            else:
                parts.extend(f"{d:%d.%m}" for d in run)
            run = []
        if day is not None:
            run.append(day)
    return ", ".join(parts)
