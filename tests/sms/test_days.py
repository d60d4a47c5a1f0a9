"""The days after FREE and BUSY (sms/days.py): today, tomorrow, dates, weekday names and
"until", in Russian and English and the other languages' cheap words; refusals for the past,
too far ahead and nonsense."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms.days import MAX_AHEAD_DAYS, WEEKDAY_SPAN_DAYS, read_days, shown

TODAY = date(2026, 12, 3)  # a Thursday


def days(*args: str, today: date = TODAY) -> tuple[date, ...]:
    read = read_days(args, today)
    assert read.ok, read.refusal
    return read.days


def d(day: int, month: int = 12, year: int = 2026) -> date:
    return date(year, month, day)


def test_no_word_is_today_and_tomorrow_is_tomorrow_in_every_language():
    assert days() == (TODAY,)
    for word in ("завтра", "ЗАВТРА", "tomorrow", "ertaga", "пагоҳ", "эртең"):
        assert days(word) == (d(4),), word
    assert days("сегодня") == days("today") == (TODAY,)


@pytest.mark.parametrize("typed", ["15.12", "15.12.2026", "15.12.26", "15/12", "15-12"])
def test_a_date_in_any_usual_spelling(typed):
    assert days(typed) == (d(15),)


def test_a_day_and_month_whose_day_has_passed_this_year_is_next_years():
    assert days("05.01", today=d(20)) == (date(2027, 1, 5),)


def test_weekday_names_are_those_days_within_two_weeks_counting_today():
    assert days("пн", "ср", "пт") == (d(4), d(7), d(9), d(11), d(14), d(16))
    assert days("mon", "wed") == days("понедельник", "среда") == (d(7), d(9), d(14), d(16))
    assert days("чт") == (d(3), d(10))  # today is one of them
    assert all((day - TODAY).days < WEEKDAY_SPAN_DAYS for day in days("вс", "sat"))


@pytest.mark.parametrize(
    "friday, monday",
    [
        ("juma", "dushanba"),
        ("жума", "душанба"),  # Uzbek in Cyrillic; Kyrgyz "жума" is Friday too
        ("ҷумъа", "душанбе"),
        ("ЧУМЪА", "ДУШАНБЕ"),  # a Russian keyboard's Ч for Ҷ
        ("жума", "дүйшөмбү"),
        ("жума", "дуйшомбу"),  # Kyrgyz typed without ү ө
    ],
)
def test_weekday_names_of_uzbek_tajik_and_kyrgyz(friday, monday):
    assert days(friday, monday) == (d(4), d(7), d(11), d(14))


def test_until_a_date_is_today_through_it_before_or_after_the_date():
    through = tuple(TODAY + timedelta(days=n) for n in range(13))
    for words in (("до", "15.12"), ("until", "15.12"), ("15.12", "gacha"), ("то", "15.12")):
        assert days(*words) == through, words
    assert days("15.12", "чейин") == through


def test_several_words_mix_and_repeat_once():
    assert days("завтра", "15.12", "15.12", "пт") == (d(4), d(11), d(15))  # 04.12 a Friday


@pytest.mark.parametrize(
    "words, refusal",
    [
        (("01.12.2026",), "past"),
        (("до", "01.12.2026"), "past"),
        (("05.02",), "too_far"),  # next February: beyond 60 days
        (("01.12",), "too_far"),  # this year's passed: next year's, too far
        ((f"{TODAY + timedelta(days=MAX_AHEAD_DAYS + 1):%d.%m.%Y}",), "too_far"),
        (("abc",), "unreadable"),
        (("31.02",), "unreadable"),
        (("32.12",), "unreadable"),
        (("завтра", "abc"), "unreadable"),
        (("до",), "unreadable"),
        (("до", "15.12", "16.12"), "unreadable"),
    ],
)
def test_refusals(words, refusal):
    read = read_days(words, TODAY)
    assert (read.ok, read.refusal, read.days) == (False, refusal, ())


def test_the_last_day_within_reach_is_taken():
    last = TODAY + timedelta(days=MAX_AHEAD_DAYS)
    assert days(f"{last:%d.%m.%Y}") == (last,)


def test_shown_lists_days_and_a_run_of_four_or_more_as_a_span():
    assert shown((d(15), d(16))) == "15.12, 16.12"
    assert shown(tuple(d(n) for n in (3, 4, 5, 6, 9))) == "03.12-06.12, 09.12"


@given(
    today=st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31)),
    ahead=st.integers(0, MAX_AHEAD_DAYS),
)
def test_any_day_within_reach_written_dd_mm_round_trips(today, ahead):
    day = today + timedelta(days=ahead)
    assert read_days((f"{day:%d.%m}",), today).days == (day,)
    assert read_days((f"{day:%d.%m.%Y}",), today).days == (day,)
    assert shown(read_days((f"{day:%d.%m}",), today).days) == f"{day:%d.%m}"


@given(
    today=st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31)),
    back=st.integers(1, 3000),
)
def test_any_day_before_today_with_its_year_is_refused_as_past(today, back):
    day = today - timedelta(days=back)
    assert read_days((f"{day:%d.%m.%Y}",), today).refusal == "past"


@given(
    today=st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31)),
    last=st.integers(0, MAX_AHEAD_DAYS),
)
def test_until_covers_every_day_from_today_through_the_date(today, last):
    end = today + timedelta(days=last)
    read = read_days(("до", f"{end:%d.%m}"), today)
    assert read.days == tuple(today + timedelta(days=n) for n in range(last + 1))


@given(st.text(min_size=1, max_size=12))
def test_nothing_typed_breaks_the_reader(word):
    read = read_days((word,), TODAY)
    assert read.ok or read.refusal in ("unreadable", "past", "too_far")
    assert all(TODAY <= day <= TODAY + timedelta(days=MAX_AHEAD_DAYS) for day in read.days)
