"""The production calendar (dispatch/rates/calendar.py) against the government's decrees."""

from datetime import date, timedelta

import pytest

from dispatch.rates.calendar import is_day_off, years


@pytest.mark.parametrize("day", [date(2026, 1, 1) + timedelta(days=i) for i in range(8)])
def test_the_new_year_holidays_are_off(day):
    assert is_day_off(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 9),  # moved from Saturday 3 January
        date(2026, 2, 23),
        date(2026, 3, 9),  # 8 March was a Sunday
        date(2026, 5, 1),
        date(2026, 5, 9),  # a Saturday and a holiday
        date(2026, 5, 11),  # moved from it
        date(2026, 6, 12),
        date(2026, 11, 4),
        date(2026, 12, 31),  # moved from Sunday 4 January
        date(2025, 5, 2),
        date(2025, 5, 8),
        date(2025, 6, 13),
        date(2025, 11, 3),
        date(2027, 1, 7),
    ],
)
def test_holidays_and_moved_days_off(day):
    assert is_day_off(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 12),  # the first working Monday
        date(2026, 5, 12),
        date(2026, 11, 5),
        date(2025, 2, 24),  # 23 February 2025 (Sunday) was moved to 8 May, not to the Monday
        date(2025, 11, 1),  # a working Saturday (for Monday 3 November)
    ],
)
def test_working_days(day):
    assert not is_day_off(day)


def test_ordinary_weekends_are_off_and_weekdays_not():
    assert is_day_off(date(2026, 4, 18)) and is_day_off(date(2026, 4, 19))  # Sat, Sun
    assert not is_day_off(date(2026, 4, 20))
    assert {2025, 2026, 2027} <= years()
