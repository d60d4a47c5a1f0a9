"""A worker's self-service words by SMS, taken in and acted on as the inbox does
(dispatch/replies/inbox.handle_inbound): SHIFTS, PAY, RATING, FREE, BUSY, PAUSE, each answered
in the worker's language, lists kept within MAX_LIST_SEGMENTS, answers throttled as the other
automatic replies."""

from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.tenancy import SYSTEM
from dispatch.models import Branch
from dispatch.penalties import pay
from dispatch.registry.staff import actor_of
from dispatch.replies import inbox, intake
from dispatch.shift import timesheets
from rating import service as ledger
from sms import templates
from sms.enums import MessageStatus
from sms.models import Message
from sms.segments import measure
from tests.builders import (
    NOW,
    make_branch_site,
    make_foremans_site,
    make_offer,
    make_order,
    make_worked_shift,
    make_worker,
)
from workers import availability
from workers.models import WorkerAvailability

MOSCOW_TZ = ZoneInfo("Europe/Moscow")
TODAY = NOW.astimezone(MOSCOW_TZ).date()  # 26.11.2026
_sid = iter(range(10**6))


def text(session, worker, body, at=NOW):
    message_id = intake.receive(
        session, provider_sid=f"SMself{next(_sid):028d}", from_phone=worker.phone, body=body
    )
    return inbox.handle_inbound(session, message_id, at)


def answer(session, worker) -> Message:
    return session.scalars(
        select(Message)
        .where(Message.worker_id == worker.id, Message.direction == "out")
        .order_by(Message.id.desc())
        .limit(1)
    ).one()


@pytest.fixture
def world(session):
    return make_branch_site(session)


def said(session, worker) -> dict[date, bool]:
    rows = session.execute(
        select(WorkerAvailability.day, WorkerAvailability.free).where(
            WorkerAvailability.worker_id == worker.id
        )
    )
    return {day: free for day, free in rows}


# -- SHIFTS -----------------------------------------------------------------------------------


def test_shifts_lists_the_weeks_bookings_soonest_first_and_not_cancelled_or_later(session, world):
    branch, site = world
    worker = make_worker(session, branch=branch)
    later = make_order(session, site=site, starts_in=timedelta(days=3))
    sooner = make_order(session, site=site, starts_in=timedelta(days=1))
    beyond = make_order(session, site=site, starts_in=timedelta(days=8))
    cancelled = make_order(session, site=site, starts_in=timedelta(days=2))
    declined = make_order(session, site=site, starts_in=timedelta(days=4))
    for order in (later, sooner, beyond, cancelled):
        make_offer(session, order=order, worker=worker)
    make_offer(session, order=declined, worker=worker, status="declined")
    cancelled.status = "cancelled"
    session.flush()
    assert text(session, worker, "СМЕНЫ") == "shifts"
    body = answer(session, worker).body
    assert body.startswith("Ваши смены на 7 дней: ")
    assert body.index(sooner.code) < body.index(later.code)
    local = sooner.starts_at.astimezone(MOSCOW_TZ)
    assert f"{sooner.code} {local:%d.%m %H:%M} " in body
    for absent in (beyond, cancelled, declined):
        assert f"{absent.code} " not in body


def test_many_bookings_fit_three_segments_and_say_how_many_more(session, world):
    branch, site = world
    site.address = "Москва, Промышленная улица, дом 12, строение 4, склад Б"
    worker = make_worker(session, branch=branch, language="en")
    orders = [
        make_order(session, site=site, starts_in=timedelta(hours=20 + 10 * n), hours=2)
        for n in range(12)
    ]
    for order in orders:
        make_offer(session, order=order, worker=worker)
    assert text(session, worker, "shifts") == "shifts_more"
    body = answer(session, worker).body
    assert measure(body).segments <= templates.MAX_LIST_SEGMENTS
    listed = sum(1 for o in orders if f"{o.code} " in body)
    assert 1 <= listed < 12 and body.endswith(f"and {12 - listed} more")
    assert "Москва, Промышленная ул…" in body  # the address cut short


def test_no_bookings_says_so_in_english(session, world):
    branch, _ = world
    worker = make_worker(session, branch=branch, language="en")
    assert text(session, worker, "SHIFTS") == "shifts_none"
    assert answer(session, worker).body.startswith("You have no bookings in the next 7 days")


# -- PAY --------------------------------------------------------------------------------------


def test_pay_owed_is_the_timesheets_pay_after_paid_through_with_the_fines_listed(session):
    branch, site, foreman_user = make_foremans_site(session)
    foreman = actor_of(foreman_user)
    first, crew = make_worked_shift(session, site=site, foreman=foreman, crew=2, close="scheduled")
    second = make_order(session, site=site, headcount=2, starts_in=timedelta(days=3))
    for worker in crew:
        make_offer(
            session, order=second, worker=worker, attendance="arrived", arrived_at=second.starts_at
        )
    from dispatch.shift import onsite

    onsite.close_shift(session, second.id, actor=foreman, now=second.ends_at, end="scheduled")
    worker = crew[0]
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
    at = NOW + timedelta(days=5)
    _, rows = timesheets.payouts(
        session, branch.id, actor=SYSTEM, date_from=TODAY, date_to=TODAY + timedelta(days=5)
    )
    expected = next(row for row in rows if row.worker_id == worker.id)
    assert expected.fines == Decimal("300.00")

    assert text(session, worker, "ДЕНЬГИ", at=at) == "pay_fined"
    body = answer(session, worker).body
    assert f"К выплате {expected.worker_pay:f} RUB" in body and "(смен: 2)" in body
    assert f"{second.code} опоздание 300.00" in body

    # Paid through the first shift's day: the second's pay is what is left.
    pay.set_paid_through(
        session,
        branch.id,
        actor=SYSTEM,
        through=first.starts_at.astimezone(MOSCOW_TZ).date(),
        today=at.date(),
    )
    owed = pay.owed(session, worker, at)
    sheet = timesheets.timesheet(session, second.id, actor=SYSTEM)
    line = next(line for line in sheet.lines if line.worker_id == worker.id)
    assert [o.id for o, _ in owed.lines] == [second.id] and owed.total == line.worker_pay


def test_paid_through_never_goes_backwards_and_is_the_offices(session, world):
    from core.errors import Forbidden
    from dispatch.registry.staff import actor_of as staff_actor
    from tests.builders import make_user

    branch, _ = world
    dispatcher = staff_actor(make_user(session, role="dispatcher", branch=branch))
    foreman = staff_actor(make_user(session, role="foreman", branch=branch))
    pay.set_paid_through(session, branch.id, actor=dispatcher, through=TODAY, today=TODAY)
    with pytest.raises(pay.PaidThroughBackwards):
        pay.set_paid_through(
            session, branch.id, actor=dispatcher, through=TODAY - timedelta(days=1), today=TODAY
        )
    with pytest.raises(Forbidden):
        pay.set_paid_through(session, branch.id, actor=foreman, through=TODAY, today=TODAY)
    assert session.get_one(Branch, branch.id).paid_through == TODAY


def test_nothing_owed(session, world):
    branch, _ = world
    worker = make_worker(session, branch=branch, language="en")
    assert text(session, worker, "pay") == "pay_none"


# -- RATING -----------------------------------------------------------------------------------


def test_rating_tells_the_figures_and_the_last_three_entries_in_words(session, world):
    branch, site = world
    worker = make_worker(session, branch=branch, rating=4.25, reliability=0.9, strikes=2)
    orders = [
        make_order(session, site=site, now=NOW - timedelta(days=10), starts_in=timedelta(days=n))
        for n in (4, 5, 6, 7)
    ]
    kinds = ("complaint", "no_show", "late", "left_early")
    for order, kind in zip(orders, kinds, strict=True):
        ledger.record(
            session,
            worker_id=worker.id,
            order_id=order.id,
            kind=kind,
            currency="RUB",
            occurred_at=order.starts_at,
            reason="x",
            fine=Decimal("100"),
        )
    assert text(session, worker, "рейтинг") == "rating"
    body = answer(session, worker).body
    assert body.startswith("Рейтинг 4.25 из 5, выходы 90%, нарушений 2.")
    assert "ранний уход" in body and "опоздание" in body and "неявка" in body
    assert "жалоба" not in body  # the fourth newest is left out
    assert orders[3].code in body and "-100" in body


def test_rating_of_a_suspended_worker_says_until_when(session, world):
    branch, _ = world
    worker = make_worker(
        session, branch=branch, language="en", suspended_until=NOW + timedelta(days=2)
    )
    assert text(session, worker, "RATING") == "rating_suspended"
    until = (NOW + timedelta(days=2)).astimezone(MOSCOW_TZ)
    assert f"No offers until {until:%d.%m %H:%M}. Latest: -" in answer(session, worker).body


# -- FREE / BUSY ------------------------------------------------------------------------------


def test_free_days_are_recorded_and_confirmed(session, world):
    branch, _ = world
    worker = make_worker(session, branch=branch)
    assert text(session, worker, "СВОБОДЕН 01.12 02.12") == "free 01.12, 02.12"
    assert answer(session, worker).body.startswith("Записано: свободен 01.12, 02.12.")
    assert said(session, worker) == {date(2026, 12, 1): True, date(2026, 12, 2): True}


def test_the_latest_word_for_a_day_wins_and_busy_until_covers_today_through_it(session, world):
    branch, _ = world
    worker = make_worker(session, branch=branch, language="en")
    text(session, worker, "free tomorrow")
    assert text(session, worker, "BUSY until 30.11") == "busy 26.11-30.11"
    assert answer(session, worker).body == "Noted: busy 26.11-30.11. No offers for those days."
    assert said(session, worker) == {TODAY + timedelta(days=n): False for n in range(5)}


def test_free_with_no_day_is_today(session, world):
    branch, _ = world
    worker = make_worker(session, branch=branch)
    assert text(session, worker, "свободна") == "free 26.11"
    assert said(session, worker) == {TODAY: True}


def test_a_bare_free_while_an_offer_is_open_is_asked_about_the_offer(session, world):
    """ "Свободен" in answer to an offer means "I can", not a free day: the offer's own
    question, never a confirmation the worker could take for a booking."""
    branch, site = world
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=site)
    make_offer(session, order=order, worker=worker)
    assert text(session, worker, "Свободен") == "not understood"
    assert said(session, worker) == {}
    assert answer(session, worker).kind == "not_understood"
    assert text(session, worker, "свободен завтра").startswith("free ")  # a day named: noted


@pytest.mark.parametrize(
    "body, kind, starts",
    [
        ("СВОБОДЕН когда-нибудь", "days_unreadable", "Не понял дни. Пример: СВОБОДЕН завтра"),
        ("СВОБОДЕН 01.11.2026", "days_past", "Этот день уже прошёл"),
        ("ЗАНЯТ до 30.01.2027", "days_too_far", "Отметить можно дни не дальше 25.01"),
    ],
)
def test_days_not_read_are_asked_again_with_an_example_and_nothing_is_recorded(
    session, world, body, kind, starts
):
    branch, _ = world
    worker = make_worker(session, branch=branch)
    assert text(session, worker, body) == kind
    reply = answer(session, worker)
    assert reply.kind == kind and reply.body.startswith(starts) and "27.11" in reply.body
    assert said(session, worker) == {}


def test_answers_are_throttled_like_other_automatic_replies(session, world):
    branch, _ = world
    worker = make_worker(session, branch=branch)
    outcomes = [text(session, worker, "СВОБОДЕН завтра") for _ in range(7)]
    assert outcomes[:5] == ["free 27.11"] * 5
    assert outcomes[5:] == ["free 27.11, reply withheld"] * 2
    assert said(session, worker) == {TODAY + timedelta(days=1): True}  # still recorded
    withheld = session.scalars(
        select(Message).where(
            Message.worker_id == worker.id, Message.status == MessageStatus.WITHHELD
        )
    ).all()
    assert len(withheld) == 1


# -- PAUSE ------------------------------------------------------------------------------------


def test_pause_n_days_and_pause_0_ends_it(session, world):
    branch, _ = world
    worker = make_worker(session, branch=branch)
    outcome = text(session, worker, "ПАУЗА 3")
    until = NOW + timedelta(days=3)
    assert outcome == f"paused until {until.astimezone(MOSCOW_TZ):%d.%m %H:%M}"
    assert worker.paused_until == until
    assert "до 29.11 15:00" in answer(session, worker).body
    assert text(session, worker, "пауза 0") == "pause ended"
    assert worker.paused_until is None
    assert answer(session, worker).kind == "pause_ended"


@pytest.mark.parametrize("body", ["PAUSE", "PAUSE 61", "PAUSE -1", "PAUSE week", "PAUSE 3 4"])
def test_a_pause_not_read_is_asked_again(session, world, body):
    branch, _ = world
    worker = make_worker(session, branch=branch, language="en")
    assert text(session, worker, body) == "pause unreadable"
    assert answer(session, worker).body.startswith("Text PAUSE and a number of days from 1 to 60")
    assert worker.paused_until is None


def test_the_office_clears_a_pause_audited(session, world):
    from core.audit import AuditEntry
    from workers.errors import NotPaused

    branch, _ = world
    worker = make_worker(session, branch=branch, paused_until=NOW + timedelta(days=5))
    availability.clear_pause(session, worker, actor=SYSTEM, now=NOW)
    assert worker.paused_until is None
    assert session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.pause_cleared")
    ).all()
    with pytest.raises(NotPaused):
        availability.clear_pause(session, worker, actor=SYSTEM, now=NOW)
