"""A night shift placed at the card's rates, worked and closed through the real engine: its
timesheet lines carry the night surcharge by the branch's clock (the hours rule's Rules bring
the branch's timezone), in the amounts invoices and payouts read."""

from datetime import timedelta
from decimal import Decimal as D

from core.tenancy import SYSTEM
from dispatch.rates.card import CardRow, replace_card
from dispatch.registry.staff import actor_of
from dispatch.shift import timesheets
from tests.builders import make_user, make_worked_shift


def test_a_closed_night_shift_bills_and_pays_the_night(session, branch, site, dispatcher):
    replace_card(
        session,
        actor=SYSTEM,
        branch_id=branch.id,
        rows=[CardRow("loader", None, D("300"), D("200"), 20, 100)],
    )
    user = make_user(session, role="foreman", branch=branch)
    site.foreman_id = user.id
    session.flush()
    # NOW is 2026-11-26 15:00 in Moscow: 20:00 to 04:00 (Thursday night, no day off).
    order, _ = make_worked_shift(
        session,
        site=site,
        foreman=actor_of(user),
        crew=2,
        close="scheduled",
        starts_in=timedelta(hours=5),
        client_rate=None,
        worker_rate=None,
    )
    assert (order.rate_source, order.night_pct) == ("card", 20)
    sheet = timesheets.timesheet(session, order.id, actor=dispatcher)
    assert [(line.night_hours, line.day_off_hours) for line in sheet.lines] == [
        (D("6.00"), D("0.00"))
    ] * 2
    line = sheet.lines[0]
    assert (line.client_amount, line.client_surcharge) == (D("2760.00"), D("360.00"))
    assert (line.base_pay, line.worker_surcharge, line.worker_pay) == (
        D("1600.00"),
        D("240.00"),
        D("1840.00"),
    )
    assert sheet.totals["client_amount"] == D("5520.00")
    assert sheet.totals["worker_pay"] == D("3680.00")
