"""Payout batches (dispatch/penalties/batches.py): each payable line taken once, at its pay,
to the kopeck, debts netted; marked paid once; the bank's rows shown as the privacy rule
allows, the read audited; refusals write nothing."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from api.exports import write_csv
from core.audit import AuditEntry
from core.errors import Forbidden, InvalidInput
from dispatch.penalties import batches
from dispatch.penalties.batch_models import PayoutBatch, PayoutBatchLine
from dispatch.penalties.errors import NothingToPay, PayoutBatchAlreadyPaid
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite, timesheets
from tests.builders import (
    MOSCOW,
    NOW,
    book,
    make_branch,
    make_order,
    make_user,
    make_worker,
    offset,
)
from tests.csv_reading import read_csv

MIN = timedelta(minutes=1)
D = Decimal
MOSCOW_TZ = ZoneInfo("Europe/Moscow")
LATER = NOW + timedelta(days=10)
# worker_pay of the shift's lines (tests/dispatch/test_timesheets.py works them out): on time,
# late (fined), left early, released (show-up pay), a no-show (a debt: the fine, no pay).
PAYS = {"A": D("960.00"), "B": D("834.60"), "C": D("600.00"), "D": D("300.00"), "E": D("-300.00")}


def mark(session, order, worker, status, actor, at, now):
    onsite.mark_attendance(
        session, order.id, actor=actor, worker_id=worker.id, status=status, at=at, now=now
    )


def closed_shift(session, site, dispatcher, workers, starts_in=timedelta(days=1)):
    order = make_order(session, site=site, headcount=4, starts_in=starts_in)
    book(session, order, workers)
    start, end = order.starts_at, order.ends_at
    on_time, late, left, released, _ = workers
    mark(session, order, on_time, "arrived", dispatcher, start - 5 * MIN, start)
    mark(session, order, late, "arrived", dispatcher, start + 25 * MIN, start + 30 * MIN)
    mark(session, order, left, "arrived", dispatcher, start, start)
    mark(session, order, left, "left_early", dispatcher, start + timedelta(hours=5), end)
    mark(session, order, released, "released", dispatcher, start, start)
    onsite.close_shift(session, order.id, actor=dispatcher, now=end)  # E: a no-show
    return order


def make_crew(session, branch, east_m=0):
    return [
        make_worker(
            session, branch=branch, near=offset(MOSCOW, east_m=east_m + 10 * i), full_name=name
        )
        for i, name in enumerate(PAYS)
    ]


@pytest.fixture
def crew(session, branch):
    return make_crew(session, branch)


@pytest.fixture
def shift(session, site, dispatcher, crew):
    return closed_shift(session, site, dispatcher, crew)


def day_of(order):
    return order.starts_at.astimezone(MOSCOW_TZ).date()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def audits(session, action):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_batch_takes_each_payable_line_once_at_its_pay_debts_netted(
    session, branch, dispatcher, shift, crew
):
    day = day_of(shift)
    batch = batches.make_batch(
        session, branch.id, actor=dispatcher, date_from=day, date_to=day, now=LATER
    )
    sheet = timesheets.timesheet(session, shift.id, actor=dispatcher)
    assert batch.total == sum(line.worker_pay for line in sheet.lines) == D("2394.60")
    lines = session.scalars(select(PayoutBatchLine).where(PayoutBatchLine.batch_id == batch.id))
    by_worker = {line.worker_id: line.amount for line in lines}
    assert by_worker == {w.id: PAYS[w.full_name] for w in crew}  # the debt carried in
    assert (batch.status, batch.created_by_name, batch.currency) == (
        "draft",
        dispatcher.name,
        "RUB",
    )
    [entry] = audits(session, "payout_batch.create")
    assert entry.entity_ids == [batch.id] and entry.detail["total"] == "2394.60"

    # A second batch over the same days finds nothing: 422, nothing written.
    with pytest.raises(NothingToPay):
        batches.make_batch(
            session, branch.id, actor=dispatcher, date_from=day, date_to=day, now=LATER
        )
    assert count(session, PayoutBatch) == 1 and count(session, PayoutBatchLine) == 5
    assert len(audits(session, "payout_batch.create")) == 1


def test_a_later_shift_makes_the_next_batch_and_a_deleted_draft_frees_its_lines(
    session, branch, site, dispatcher, shift, crew
):
    day = day_of(shift)
    first = batches.make_batch(
        session, branch.id, actor=dispatcher, date_from=day, date_to=day, now=LATER
    )
    others = make_crew(session, branch, east_m=100)
    second_shift = closed_shift(session, site, dispatcher, others, starts_in=timedelta(days=3))
    week = batches.make_batch(
        session,
        branch.id,
        actor=dispatcher,
        date_from=day,
        date_to=day_of(second_shift),
        now=LATER,
    )
    taken = session.scalars(
        select(PayoutBatchLine.order_id).where(PayoutBatchLine.batch_id == week.id)
    )
    assert set(taken) == {second_shift.id} and week.total == D("2394.60")

    batches.delete_batch(session, first.id, actor=dispatcher)
    assert session.get(PayoutBatch, first.id) is None
    again = batches.make_batch(
        session, branch.id, actor=dispatcher, date_from=day, date_to=day, now=LATER
    )
    assert again.total == D("2394.60") and len(audits(session, "payout_batch.delete")) == 1


def test_refusals_write_nothing(session, branch, dispatcher, shift):
    day = day_of(shift)
    foreman = actor_of(make_user(session, role="foreman", branch=branch))
    with pytest.raises(NothingToPay):  # a period without a closed shift
        batches.make_batch(
            session,
            branch.id,
            actor=dispatcher,
            date_from=day + timedelta(days=1),
            date_to=day + timedelta(days=2),
            now=LATER,
        )
    with pytest.raises(InvalidInput) as refused:
        batches.make_batch(
            session,
            branch.id,
            actor=dispatcher,
            date_from=day,
            date_to=day - timedelta(1),
            now=LATER,
        )
    assert refused.value.loc == ("body", "to")
    with pytest.raises(Forbidden):
        batches.make_batch(session, branch.id, actor=foreman, date_from=day, date_to=day, now=LATER)
    other = actor_of(make_user(session, role="dispatcher", branch=make_branch(session)))
    with pytest.raises(Exception) as hidden:
        batches.make_batch(session, branch.id, actor=other, date_from=day, date_to=day, now=LATER)
    assert hidden.value.code == "branch_not_found"
    assert count(session, PayoutBatch) == 0 and audits(session, "payout_batch.create") == []


def test_marked_paid_once_with_who_when_how(session, branch, dispatcher, shift):
    day = day_of(shift)
    batch = batches.make_batch(
        session, branch.id, actor=dispatcher, date_from=day, date_to=day, now=LATER
    )
    manager = actor_of(make_user(session, role="manager", branch=branch))
    with pytest.raises(InvalidInput) as future:
        batches.mark_paid(
            session, batch.id, actor=manager, paid_at=LATER + MIN, method="bank", now=LATER
        )
    assert future.value.loc == ("body", "paid_at")
    with pytest.raises(InvalidInput) as unknown:
        batches.mark_paid(session, batch.id, actor=manager, paid_at=LATER, method="iou", now=LATER)
    assert unknown.value.loc == ("body", "method")
    assert batch.status == "draft" and audits(session, "payout_batch.paid") == []

    paid_at = LATER - timedelta(hours=2)
    batches.mark_paid(session, batch.id, actor=manager, paid_at=paid_at, method="cash", now=LATER)
    session.expire_all()
    stored = session.get_one(PayoutBatch, batch.id)
    assert (stored.status, stored.paid_at, stored.method) == ("paid", paid_at, "cash")
    assert (stored.paid_by_user_id, stored.paid_by_name) == (manager.user_id, manager.name)
    with pytest.raises(PayoutBatchAlreadyPaid) as twice:
        batches.mark_paid(
            session, batch.id, actor=dispatcher, paid_at=LATER, method="bank", now=LATER
        )
    assert twice.value.code == "batch_already_paid"
    with pytest.raises(PayoutBatchAlreadyPaid):
        batches.delete_batch(session, batch.id, actor=dispatcher)
    [entry] = audits(session, "payout_batch.paid")
    assert entry.detail["method"] == "cash" and entry.actor_user_id == manager.user_id


def test_the_bank_rows_follow_the_privacy_rule_and_the_read_is_audited(
    session, branch, site, dispatcher, crew
):
    # A worker of another branch works this one's shift: engaged, so named, the phone masked.
    stranger_home = make_branch(session)
    crew[0].branch_id = stranger_home.id
    session.flush()
    shift = closed_shift(session, site, dispatcher, crew)
    day = day_of(shift)
    batch = batches.make_batch(
        session, branch.id, actor=dispatcher, date_from=day, date_to=day, now=LATER
    )
    view = batches.batch_view(session, batch.id, actor=dispatcher)
    rows = read_csv(write_csv(batches.bank_table(view), "ru"), "ru")
    by_name = {row["full_name"]: row for row in rows}
    assert set(by_name) == set(PAYS)
    own, stranger = crew[1], crew[0]
    assert by_name[own.full_name]["phone"].lstrip("'") == own.phone
    assert by_name[stranger.full_name]["phone"].lstrip("'") != stranger.phone
    assert by_name[stranger.full_name]["phone"].endswith(stranger.phone[-2:])
    assert by_name["A"]["amount"] == "960,00" and by_name["E"]["amount"] == "-300,00"
    assert by_name["A"]["purpose"] == (f"Оплата работ за период {day:%d.%m.%Y}-{day:%d.%m.%Y}")
    [read] = [e for e in audits(session, "worker.list") if e.detail.get("via") == "payout_batch"]
    assert sorted(read.entity_ids) == sorted(w.id for w in crew)
    assert read.detail["masked"] == [stranger.id] and read.detail["batch_id"] == batch.id


def test_an_office_of_another_branch_sees_no_batch(session, branch, dispatcher, shift):
    """Its workers' names included: the batch is not found (as the branch's payouts are)."""
    day = day_of(shift)
    batch = batches.make_batch(
        session, branch.id, actor=dispatcher, date_from=day, date_to=day, now=LATER
    )
    other = actor_of(make_user(session, role="dispatcher", branch=make_branch(session)))
    with pytest.raises(Exception) as hidden:
        batches.batch_view(session, batch.id, actor=other)
    assert hidden.value.code == "payout_batch_not_found"
    assert [e for e in audits(session, "worker.list") if e.actor_user_id == other.user_id] == []
