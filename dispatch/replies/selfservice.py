"""A worker's questions by SMS (sms/commands.py reads the word): СМЕНЫ / SHIFTS, ДЕНЬГИ / PAY,
РЕЙТИНГ / RATING. Each answer is an automatic reply (dispatch/texts/autoreply.py: throttled
per worker like the others), in the worker's language and their branch's wording.

A list in an answer (bookings, fines, ledger entries) takes as many entries as keep the text
within sms/templates.py MAX_LIST_SEGMENTS; the bookings' list then says how many more there are.
Times and days are the order's branch's local ones; "today" is the worker's home branch's.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.enums import OfferStatus, OrderStatus
from dispatch.models import Branch, Offer, Order, Site
from dispatch.penalties import batches, pay
from dispatch.texts import autoreply, messaging
from rating import service as ledger
from rating.models import PenaltyEvent
from sms import templates
from sms.commands import Command
from sms.models import Message
from sms.segments import measure
from workers.models import Worker

SHIFT_DAYS = 7  # СМЕНЫ: the bookings starting within this many days (and any under way)
ADDRESS_CHARS = 24  # a booking's address in the list, cut
HISTORY = 3  # РЕЙТИНГ: the newest ledger entries told
NONE = "-"  # an empty list in a text


def fitted(
    session: Session,
    worker: Worker,
    kind: str,
    entries: list[str],
    *,
    values: dict[str, object] | None = None,
    field: str = "list",
    more_kind: str | None = None,
    sep: str = "; ",
) -> tuple[str, dict[str, object]]:
    """The kind and values of a text listing as many entries as fit MAX_LIST_SEGMENTS: the
    rest counted in more_kind's {more}, or cut with "…" when there is no such kind."""
    values = values or {}
    for shown in range(len(entries), 0, -1):
        rest = len(entries) - shown
        chosen = kind if rest == 0 or more_kind is None else more_kind
        listed = sep.join(entries[:shown]) + ("…" if rest and more_kind is None else "")
        trial = {**values, field: listed, **({"more": rest} if chosen == more_kind else {})}
        body = messaging.text_for(session, worker, chosen, **trial)
        if measure(body).segments <= templates.MAX_LIST_SEGMENTS or shown == 1:
            return chosen, trial
    return kind, {**values, field: NONE}


def _answered(session: Session, worker: Worker, kind: str, **values: object) -> str:
    sent = autoreply.reply(session, worker, kind, None, **values)
    return kind if sent else f"{kind}, reply withheld"


# -- СМЕНЫ / SHIFTS ---------------------------------------------------------------------------


def shifts(
    session: Session, message: Message, worker: Worker, command: Command, now: datetime
) -> str:
    """The worker's bookings under way or starting within SHIFT_DAYS, soonest first."""
    rows = session.execute(
        select(Order.code, Order.starts_at, Site.address, Branch.timezone)
        .join(Offer, Offer.order_id == Order.id)
        .join(Site, Site.id == Order.site_id)
        .join(Branch, Branch.id == Order.branch_id)
        .where(
            Offer.worker_id == worker.id,
            Offer.status == OfferStatus.BOOKED,
            Order.status != OrderStatus.CANCELLED,
            Order.ends_at > now,
            Order.starts_at < now + timedelta(days=SHIFT_DAYS),
        )
        .order_by(Order.starts_at, Order.id)
    ).all()
    if not rows:
        return _answered(session, worker, "shifts_none")
    entries = []
    for code, starts_at, address, zone in rows:
        start = starts_at.astimezone(ZoneInfo(zone))
        short = address if len(address) <= ADDRESS_CHARS else address[: ADDRESS_CHARS - 1] + "…"
        entries.append(f"{code} {start:%d.%m %H:%M} {short}")
    kind, values = fitted(session, worker, "shifts", entries, more_kind="shifts_more")
    return _answered(session, worker, kind, **values)


# -- ДЕНЬГИ / PAY -----------------------------------------------------------------------------


def pay_owed(
    session: Session, message: Message, worker: Worker, command: Command, now: datetime
) -> str:
    """What the worker is owed for closed shifts not yet paid out (dispatch/penalties/pay.py:
    the timesheets' rule), the fines on them listed; and the last payout batch that paid them
    (dispatch/penalties/batches.py), said in the *_paid kinds."""
    owed = pay.owed(session, worker, now)
    last = batches.last_paid(session, worker.id)
    paid: dict[str, object] = {}
    if last is not None:
        paid = {
            "paid": f"{last.amount:f}",
            "paid_on": f"{last.paid_on:%d.%m}",
            "method": templates.payout_method_words(last.method, worker.language),
        }
    suffix = "_paid" if paid else ""
    if not owed.lines or owed.since is None:
        if last is not None:
            return _answered(session, worker, "pay_none_paid", currency=last.currency, **paid)
        return _answered(session, worker, "pay_none")
    values: dict[str, object] = {
        "owed": f"{owed.total:f}",
        "currency": owed.currency,
        "since": f"{owed.since:%d.%m}",
        "shifts": len(owed.lines),
        **paid,
    }
    fined = [order for order, _ in owed.fined]
    if not fined:
        return _answered(session, worker, "pay" + suffix, **values)
    codes = {order.id: order.code for order in fined}
    events = session.scalars(
        select(PenaltyEvent)
        .where(
            PenaltyEvent.worker_id == worker.id,
            PenaltyEvent.order_id.in_(codes),
            PenaltyEvent.kind != "reversal",
            PenaltyEvent.reversed_at.is_(None),
            PenaltyEvent.fine > 0,
        )
        .order_by(PenaltyEvent.occurred_at, PenaltyEvent.id)
    )
    entries = [
        f"{codes[e.order_id]} {templates.ledger_words(e.kind, worker.language)} {e.fine:f}"
        for e in events
        if e.order_id is not None
    ]
    kind, values = fitted(
        session, worker, f"pay_fined{suffix}", entries, values=values, field="fines"
    )
    return _answered(session, worker, kind, **values)


# -- РЕЙТИНГ / RATING -------------------------------------------------------------------------


def rating(
    session: Session, message: Message, worker: Worker, command: Command, now: datetime
) -> str:
    """The worker's figures, a suspension if any, and the newest HISTORY ledger entries."""
    zone = ZoneInfo(session.get_one(Branch, worker.branch_id).timezone)
    newest = ledger.history(session, worker.id)[:HISTORY]
    order_ids = {e.order_id for e in newest if e.order_id is not None}
    found = session.execute(select(Order.id, Order.code).where(Order.id.in_(order_ids)))
    codes = {order_id: code for order_id, code in found}
    entries = [_entry(e, codes.get(e.order_id or 0), worker.language, zone) for e in newest]
    values: dict[str, object] = {
        "rating": f"{worker.rating:.2f}",
        "reliability": f"{worker.reliability * 100:.0f}",
        "strikes": worker.strikes,
    }
    kind = "rating"
    if worker.suspended_until is not None and worker.suspended_until > now:
        kind = "rating_suspended"
        values["until"] = f"{worker.suspended_until.astimezone(zone):%d.%m %H:%M}"
    if not entries:
        return _answered(session, worker, kind, history=NONE, **values)
    kind, values = fitted(session, worker, kind, entries, values=values, field="history")
    return _answered(session, worker, kind, **values)


def _entry(event: PenaltyEvent, code: str | None, language: str, zone: ZoneInfo) -> str:
    """One ledger entry in words: "02.12 опоздание 482 -500"."""
    parts = [
        f"{event.occurred_at.astimezone(zone):%d.%m}",
        templates.ledger_words(event.kind, language),
    ]
    if code is not None:
        parts.append(code)
    if event.fine:
        parts.append(f"-{event.fine:f}")
    if event.payout:
        parts.append(f"+{event.payout:f}")
    if event.reversed_at is not None and event.kind != "reversal":
        parts.append(f"({templates.ledger_words('reversal', language)})")
    return " ".join(parts)
