"""Night and day-off surcharges and the minimum hours on a timesheet line (pay.py line_of by
dispatch/rates/surcharges.py): the order's snapshot of the card, the branch's clock."""

from datetime import datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from dispatch.client_models import TimesheetSignoff
from dispatch.enums import Attendance, LineState
from dispatch.hours.policy import Rules, Terms
from dispatch.models import Offer, Order
from dispatch.penalties.pay import line_of
from dispatch.rates import surcharges
from dispatch.rates.calendar import is_day_off

ZERO = D("0.00")
MSK = ZoneInfo("Europe/Moscow")


def _at(y, m, d, h, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=MSK)


def _line(
    starts,
    hours,
    *,
    rate=("300.00", "200.00"),
    pct=(0, 0),
    min_hours="0",
    attendance=Attendance.ARRIVED,
    left_after=None,
    break_min=0,
    zone="Europe/Moscow",
    settled=None,
):
    ends = starts + timedelta(hours=hours)
    order = Order(
        starts_at=starts,
        ends_at=ends,
        client_rate=D(rate[0]),
        worker_rate=D(rate[1]),
        night_pct=pct[0],
        holiday_pct=pct[1],
        min_hours=D(min_hours),
        closed_at=ends,
        work_ended_at=ends,
    )
    left = starts + left_after if left_after is not None else None
    offer = Offer(worker_id=1, attendance=attendance, arrived_at=starts, left_at=left)
    signoff = None
    if settled is not None:
        signoff = TimesheetSignoff(state=LineState.SETTLED, settled_hours=D(settled))
    hours_in = (Terms(break_min=break_min), Rules(timezone=zone))
    return line_of(order, offer, "W", [], signoff, hours_in)


def test_a_night_shift_20_to_04_has_six_night_hours_paid_and_billed_extra():
    # Wednesday 2026-04-15 20:00 to Thursday 04:00, Moscow: 22:00-04:00 is night.
    line = _line(_at(2026, 4, 15, 20), 8, pct=(20, 100))
    assert (line.night_hours, line.day_off_hours) == (D("6.00"), D("0.00"))
    # client: 8 x 300 + 6 x 300 x 20% = 2400 + 360; worker: 8 x 200 + 6 x 200 x 20% = 1600 + 240
    assert (line.client_amount, line.client_surcharge) == (D("2760.00"), D("360.00"))
    assert (line.base_pay, line.worker_surcharge, line.worker_pay) == (
        D("1600.00"),
        D("240.00"),
        D("1840.00"),
    )
    assert line.margin == D("920.00")


def test_the_night_is_the_branchs_local_night():
    # The same instants in Novosibirsk (UTC+7) are 00:00 to 08:00 there: 6 night hours too,
    # but 20:00-04:00 Moscow time starting at 16:00 Moscow is 20:00 in Novosibirsk.
    line = _line(_at(2026, 4, 15, 16), 8, pct=(20, 0), zone="Asia/Novosibirsk")
    assert line.night_hours == D("6.00")
    line = _line(_at(2026, 4, 15, 16), 8, pct=(20, 0))  # 16:00-24:00 Moscow: 2 night hours
    assert line.night_hours == D("2.00")


def test_a_holiday_shift_2026_01_02_is_paid_and_billed_the_holiday_surcharge():
    line = _line(_at(2026, 1, 2, 8), 8, pct=(20, 100))
    assert (line.night_hours, line.day_off_hours) == (D("0.00"), D("8.00"))
    assert line.client_amount == D("4800.00")  # 8 x 300, doubled
    assert line.worker_pay == D("3200.00")


def test_night_and_holiday_both_apply_to_a_minute_that_is_both():
    # 2026-01-08 (a holiday) 20:00 to 2026-01-09 (a day off) 04:00: every hour is on a day
    # off, 6 of them at night.
    line = _line(_at(2026, 1, 8, 20), 8, pct=(20, 100))
    assert (line.night_hours, line.day_off_hours) == (D("6.00"), D("8.00"))
    # 2400 + 6 x 300 x 20% + 8 x 300 x 100% = 2400 + 360 + 2400
    assert line.client_amount == D("5160.00")
    # A shift from a working day into a holiday: only the holiday's hours (after midnight).
    line = _line(_at(2025, 12, 30, 20), 8, pct=(0, 100))
    assert line.day_off_hours == D("4.00")  # 31 December 2025 is a day off


def test_min_hours_lift_a_short_stay_but_not_an_early_leaver():
    stayed = _line(_at(2026, 4, 15, 8), 2, min_hours="4")
    assert (stayed.hours, stayed.billed_hours) == (D("4.00"), D("4.00"))
    assert (stayed.client_amount, stayed.base_pay) == (D("1200.00"), D("800.00"))
    left = _line(
        _at(2026, 4, 15, 8),
        8,
        min_hours="4",
        attendance=Attendance.LEFT_EARLY,
        left_after=timedelta(hours=2),
    )
    assert (left.hours, left.client_amount, left.base_pay) == (D("2.00"), D("600.00"), D("400.00"))
    released = _line(_at(2026, 4, 15, 8), 8, min_hours="4", attendance=Attendance.RELEASED)
    assert released.hours == D("0.00")  # the show-up pay rule's, on the ledger


def test_amounts_round_to_the_kopeck_once_per_line():
    # 2026-01-08 (a holiday) 21:53-22:53 at 333.33, night 20 %, holiday 50 %: 53 night
    # minutes, 60 day-off ones. 333.33 + 58.8883 + 166.665 = 558.8833 -> 558.88 (rounding each
    # part first would give 333.33 + 58.89 + 166.67 = 558.89).
    line = _line(_at(2026, 1, 8, 21, 53), 1, rate=("333.33", "111.11"), pct=(20, 50))
    assert (line.night_hours, line.day_off_hours) == (D("0.88"), D("1.00"))
    assert line.client_amount == D("558.88")
    assert line.client_surcharge == D("225.55")  # the amount less hours x rate
    # worker: 111.11 + 53/60 x 111.11 x 20 % + 111.11 x 50 % = 111.11 + 19.6294 + 55.555
    assert (line.base_pay, line.worker_surcharge, line.worker_pay) == (
        D("111.11"),
        D("75.18"),
        D("186.29"),
    )


def test_a_break_takes_its_share_of_the_night_pro_rata():
    # 20:00-04:00 with a 60-minute break: 420 of 480 minutes worked, night 360 x 420/480 = 315.
    line = _line(_at(2026, 4, 15, 20), 8, pct=(20, 0), break_min=60)
    assert (line.hours, line.night_hours) == (D("7.00"), D("5.25"))
    assert line.client_amount == D("2100.00") + D("5.25") * D("300") * D("0.2")


def test_split_span_counts_whole_minutes():
    split = surcharges.split_span(
        _at(2026, 5, 8, 23, 30), _at(2026, 5, 9, 6, 30), "Europe/Moscow", is_day_off
    )
    assert split == surcharges.Split(night_min=390, day_off_min=390)  # 9 May: a holiday
    assert surcharges.apportion(split, 420, 210) == surcharges.Split(195, 195)


def test_a_night_shift_settled_at_no_hours_bills_and_pays_no_surcharge():
    # 22:00-06:00, all night, settled with the client at 0 h: no hour, no night hour.
    line = _line(_at(2026, 4, 15, 22), 8, pct=(20, 0), settled="0")
    assert (line.hours, line.billed_hours, line.night_hours) == (D("0.00"), D("0.00"), D("0.00"))
    assert (line.client_amount, line.client_surcharge) == (D("0.00"), D("0.00"))
    assert (line.base_pay, line.worker_surcharge, line.worker_pay) == (ZERO, ZERO, ZERO)


def test_settled_hours_take_the_nights_share_of_the_worked_ones():
    # 20:00-04:00: 360 of 480 minutes at night; settled at 4 h: 240 x 360/480 = 180 night.
    line = _line(_at(2026, 4, 15, 20), 8, pct=(20, 0), settled="4")
    assert (line.hours, line.night_hours) == (D("4.00"), D("3.00"))
    assert line.client_amount == D("1200.00") + D("3") * D("300") * D("0.2")  # 1380.00
    assert (line.base_pay, line.worker_surcharge, line.worker_pay) == (
        D("800.00"),
        D("120.00"),
        D("920.00"),
    )


def test_settled_above_the_worked_hours_keeps_the_nights_share():
    # Left after 2 h of night (22:00-00:00), settled at the full 8 h: all of them at night.
    line = _line(
        _at(2026, 4, 15, 22),
        8,
        pct=(20, 0),
        attendance=Attendance.LEFT_EARLY,
        left_after=timedelta(hours=2),
        settled="8",
    )
    assert (line.hours, line.night_hours) == (D("8.00"), D("8.00"))
    assert (line.client_surcharge, line.worker_surcharge) == (D("480.00"), D("320.00"))


def test_apportion_scales_each_kind_and_nothing_worked_earns_nothing():
    split = surcharges.Split(night_min=360, day_off_min=480)
    assert surcharges.apportion(split, 480, 240) == surcharges.Split(180, 240)
    assert surcharges.apportion(split, 480, 600) == surcharges.Split(450, 600)
    assert surcharges.apportion(split, 0, 240) == surcharges.NO_SPLIT
