"""ДЕНЬГИ / PAY after a payout batch (dispatch/replies/selfservice.py pay_owed), through the
inbox as a worker's text is handled: a paid batch's lines are paid (owed no more, whatever
paid_through says) and the answer says what was paid last, when and how; a draft pays nothing."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.tenancy import SYSTEM
from dispatch.penalties import batches, pay
from dispatch.registry.staff import actor_of
from dispatch.replies import inbox, intake
from dispatch.shift import onsite, timesheets
from rating import service as ledger
from sms.models import Message
from tests.builders import NOW, make_foremans_site, make_offer, make_order, make_worked_shift

MOSCOW_TZ = ZoneInfo("Europe/Moscow")
_sid = iter(range(10**6))


def text(session, worker, body, at):
    message_id = intake.receive(
        session, provider_sid=f"SMpayb{next(_sid):028d}", from_phone=worker.phone, body=body
    )
    return inbox.handle_inbound(session, message_id, at)


def answer(session, worker) -> str:
    return session.scalars(
        select(Message.body)
        .where(Message.worker_id == worker.id, Message.direction == "out")
        .order_by(Message.id.desc())
        .limit(1)
    ).one()


def pay_of(session, order, worker):
    sheet = timesheets.timesheet(session, order.id, actor=SYSTEM)
    return next(line.worker_pay for line in sheet.lines if line.worker_id == worker.id)


def test_a_paid_batch_is_paid_in_the_pay_answer_and_a_draft_is_not(session):
    branch, site, foreman_user = make_foremans_site(session)
    foreman = actor_of(foreman_user)
    first, crew = make_worked_shift(session, site=site, foreman=foreman, crew=2, close="scheduled")
    worker, other = crew
    other.language = "en"
    day = first.starts_at.astimezone(MOSCOW_TZ).date()
    at = NOW + timedelta(days=5)
    batch = batches.make_batch(session, branch.id, actor=SYSTEM, date_from=day, date_to=day, now=at)
    owed_first = pay_of(session, first, worker)

    # A draft pays nothing: still owed.
    assert text(session, worker, "ДЕНЬГИ", at) == "pay"
    assert f"К выплате {owed_first:f} RUB" in answer(session, worker)

    paid_at = at - timedelta(hours=1)
    batches.mark_paid(session, batch.id, actor=SYSTEM, paid_at=paid_at, method="bank", now=at)
    paid_on = paid_at.astimezone(MOSCOW_TZ)
    assert pay.owed(session, worker, at + timedelta(hours=2)).lines == []
    assert text(session, worker, "ДЕНЬГИ", at + timedelta(hours=2)) == "pay_none_paid"
    assert answer(session, worker) == (
        f"Неоплаченных закрытых смен нет. Выплачено {owed_first:f} RUB {paid_on:%d.%m} (банк)."
    )
    assert text(session, other, "PAY", at + timedelta(hours=2)) == "pay_none_paid"
    assert f"Paid {pay_of(session, first, other):f} RUB {paid_on:%d.%m} (bank)." in answer(
        session, other
    )

    # A later shift, in no batch: owed, and the last payment said beside it.
    second = make_order(session, site=site, headcount=2, starts_in=timedelta(days=3))
    for member in crew:
        make_offer(
            session, order=second, worker=member, attendance="arrived", arrived_at=second.starts_at
        )
    onsite.close_shift(session, second.id, actor=foreman, now=second.ends_at, end="scheduled")
    later = at + timedelta(hours=4)
    assert text(session, worker, "ДЕНЬГИ", later) == "pay_paid"
    body = answer(session, worker)
    assert f"К выплате {pay_of(session, second, worker):f} RUB" in body and "(смен: 1)" in body
    assert f"Выплачено {owed_first:f} RUB {paid_on:%d.%m} (банк)." in body

    # A fine on the owed shift: listed, the last payment still said (pay_fined_paid).
    ledger.record(
        session,
        worker_id=worker.id,
        order_id=second.id,
        kind="late",
        occurred_at=second.starts_at,
        currency="RUB",
        reason="late 30 min",
        fine=Decimal("300.00"),
        points=1,
    )
    assert text(session, worker, "ДЕНЬГИ", later + timedelta(hours=2)) == "pay_fined_paid"
    body = answer(session, worker)
    assert f"К выплате {pay_of(session, second, worker):f} RUB" in body
    assert f"штрафы: {second.code} опоздание 300.00." in body
    assert body.endswith(f"Выплачено {owed_first:f} RUB {paid_on:%d.%m} (банк).")


def test_paid_through_and_a_paid_batch_both_pay_a_line(session):
    """paid_through keeps its rule: a line on or before it is paid, and no batch takes it (it
    would be paid twice); a line after it is paid once its batch is."""
    branch, site, foreman_user = make_foremans_site(session)
    foreman = actor_of(foreman_user)
    first, crew = make_worked_shift(session, site=site, foreman=foreman, crew=1, close="scheduled")
    worker = crew[0]
    second = make_order(session, site=site, headcount=1, starts_in=timedelta(days=2))
    make_offer(
        session, order=second, worker=worker, attendance="arrived", arrived_at=second.starts_at
    )
    onsite.close_shift(session, second.id, actor=foreman, now=second.ends_at, end="scheduled")
    at = NOW + timedelta(days=5)
    days = [o.starts_at.astimezone(MOSCOW_TZ).date() for o in (first, second)]
    pay.set_paid_through(session, branch.id, actor=SYSTEM, through=days[0], today=at.date())
    assert [o.id for o, _ in pay.owed(session, worker, at).lines] == [second.id]

    batch = batches.make_batch(
        session, branch.id, actor=SYSTEM, date_from=days[0], date_to=days[1], now=at
    )
    view = batches.batch_view(session, batch.id, actor=SYSTEM)
    assert [(w.worker_id, w.lines) for w in view.workers] == [(worker.id, 1)]
    assert batch.total == pay_of(session, second, worker)
    assert [o.id for o, _ in pay.owed(session, worker, at).lines] == [second.id]  # a draft
    batches.mark_paid(session, batch.id, actor=SYSTEM, paid_at=at, method="card", now=at)
    assert pay.owed(session, worker, at).lines == []
