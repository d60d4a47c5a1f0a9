"""What an order tells its workers: texts filled from the order, queued in the outbox."""

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, ScalarSelect, func, literal_column, or_, select
from sqlalchemy.orm import Session

from core.audit import SLACK
from core.logmask import masked_phone
from core.settings import get_settings
from core.tenancy import Actor
from dispatch.access.privacy import ShownWorker, Sight, contact_phone_shown, show_workers
from dispatch.models import Branch, Offer, Order, Site
from dispatch.registry import wording
from dispatch.texts import links
from sms import outbox, templates
from sms.models import Message
from sms.segments import measure
from workers.models import Worker

ADDRESS_CHARS = 40  # keeps an offer within two segments


def _values(order: Order, branch: Branch, site: Site, language: str) -> dict[str, str]:
    zone = ZoneInfo(branch.timezone)
    start, end = order.starts_at.astimezone(zone), order.ends_at.astimezone(zone)
    address = (
        site.address
        if len(site.address) <= ADDRESS_CHARS
        else (site.address[: ADDRESS_CHARS - 1] + "…")
    )
    pay = order.worker_rate.normalize()
    return {
        "code": order.code,
        "skill": templates.skill_name(order.skill, language),
        "date": start.strftime("%d.%m"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "address": address,
        "pay": f"{pay:f}",
    }


def notify(
    session: Session, order: Order, offer: Offer, kind: str, deadline: datetime | None = None
) -> None:
    """Queue one text of this kind to the offer's worker, in their language.

    The branch and the site are read by key here, once, not walked as order.branch: the
    order comes from many loaders (the inbox's after a rolled-back savepoint among them) and
    a get by key costs nothing for a row already in the session."""
    worker = session.get_one(Worker, offer.worker_id)
    branch = session.get_one(Branch, order.branch_id)
    site = session.get_one(Site, order.site_id)
    values = _values(order, branch, site, worker.language)
    if deadline is not None:
        zone = ZoneInfo(branch.timezone)
        values["deadline"] = deadline.astimezone(zone).strftime("%d.%m %H:%M")
    if kind == "booked":
        body = _booking_text(session, branch, site, offer, worker.language, values)
    else:  # an offer of an order topped up after its start says "now" (still kind "offer")
        urgent = kind == "offer" and order.topped_up_at is not None
        body = wording.render(
            session, branch, "offer_now" if urgent else kind, worker.language, values
        )
    outbox.queue(
        session,
        kind=kind,
        worker_id=worker.id,
        phone=worker.phone,
        body=body,
        order_id=order.id,
        offer_id=offer.id,
    )


def _booking_text(
    session: Session,
    branch: Branch,
    site: Site,
    offer: Offer,
    language: str,
    values: dict[str, str],
) -> str:
    """The check-in link, signed for this offer, and the site's whole address when the text
    keeps within MAX_BOOKED_SEGMENTS; else the link alone (its page shows the address)."""
    settings = get_settings()
    values["link"] = links.checkin_link(offer, settings.public_url, settings.secret_key)
    values["address"] = site.address
    body = wording.render(session, branch, "booked", language, values)
    if measure(body).segments <= templates.MAX_BOOKED_SEGMENTS:
        return body
    return wording.render(session, branch, "booked_link_only", language, values)


def withdraw_order_texts(session: Session, order_id: int) -> set[int]:
    """Withdraw the order's texts still waiting to be sent; the offers whose offer text it was."""
    withdrawn = outbox.withdraw_order(session, order_id)
    return {m.offer_id for m in withdrawn if m.kind == "offer" and m.offer_id is not None}


def since(made: Any) -> ColumnElement[bool]:
    """Texts of an order or a worker: made since its creation (`made`, a value or a subquery)
    less SLACK (a text's time is its transaction's start, which may come a little before),
    so a read opens only those months of the partitioned messages."""
    made_since: ColumnElement[bool] = Message.created_at >= made - SLACK
    return made_since


def _since_row(made: ScalarSelect[datetime]) -> ColumnElement[bool]:
    """since() a subquery's row; none (an order id no order holds): no bound."""
    return since(func.coalesce(made, literal_column("'-infinity'::timestamptz")))


@dataclass(frozen=True)
class MessageLine:
    """A message as staff see it in the log."""

    id: int
    worker_id: int | None
    order_id: int | None
    direction: str
    kind: str
    phone: str | None  # as dispatch/access/privacy.py allows: masked, or None (a contact's: masked)
    body: str
    status: str
    segments: int
    encoding: str
    error_code: str | None
    created_at: datetime
    sent_at: datetime | None
    body_removed_at: datetime | None  # the body was blanked for its age (sms/retention.py)
    name: str | None = None  # the worker's, as dispatch/access/privacy.py allows
    order_code: str | None = None  # the code staff know the order by


_OWN = ("name", "order_code")  # not the message's own columns


def _line(message: Message, shown: ShownWorker | None, order_code: str | None) -> MessageLine:
    values = {f.name: getattr(message, f.name) for f in fields(MessageLine) if f.name not in _OWN}
    if shown is None:  # no worker's: a client's contact (or a stranger), masked to everyone
        values["phone"] = contact_phone_shown(message.phone)
    elif shown.sight is Sight.PAYING:
        values["phone"] = masked_phone(message.phone)
    elif shown.sight is Sight.NONE:
        values["phone"] = None
    name = shown.name if shown is not None else None
    return MessageLine(**values, name=name, order_code=order_code)


def list_messages(
    session: Session,
    *,
    actor: Actor,
    order_id: int | None = None,
    order_code: str | None = None,
    worker_id: int | None = None,
    direction: str | None = None,
    limit: int = 200,
) -> list[MessageLine]:
    """Newest first; branch staff see messages of their branch's workers and orders. A phone
    is a worker's personal detail: on texts about this branch's orders, another branch's
    worker's number is shown as dispatch/access/privacy.py allows (masked, or not at all), and a
    client contact's is masked to everyone; the read is audited with the workers it named.

    Ordered by (created_at, id), which each month's index answers; a read by order or worker
    starts at its creation less SLACK (a text is made after its order and its worker, in a
    transaction that may have started a little before), so only those months are opened."""
    query = select(Message).order_by(Message.created_at.desc(), Message.id.desc()).limit(limit)
    if not actor.whole_network:  # a branch's staff, an owner: their branches'
        mine = select(Worker.id).where(actor.branch_filter(Worker.branch_id))
        their_orders = select(Order.id).where(actor.branch_filter(Order.branch_id))
        query = query.where(or_(Message.worker_id.in_(mine), Message.order_id.in_(their_orders)))
    if order_id is not None:
        made = select(Order.created_at).where(Order.id == order_id).scalar_subquery()
        query = query.where(Message.order_id == order_id, _since_row(made))
    if order_code is not None:  # codes repeat once orders close: every order of that code
        coded = select(Order.id).where(Order.code == order_code)
        first = select(func.min(Order.created_at)).where(Order.code == order_code)
        query = query.where(Message.order_id.in_(coded), _since_row(first.scalar_subquery()))
    if worker_id is not None:
        made = select(Worker.created_at).where(Worker.id == worker_id).scalar_subquery()
        query = query.where(Message.worker_id == worker_id, _since_row(made))
    if direction is not None:
        query = query.where(Message.direction == direction)
    messages = list(session.scalars(query))
    shown = show_workers(
        session,
        actor=actor,
        worker_ids=[m.worker_id for m in messages if m.worker_id is not None],
        via="messages",
        order_id=order_id,
        worker_id=worker_id,
    )
    order_ids = {m.order_id for m in messages if m.order_id is not None}
    found = session.execute(select(Order.id, Order.code).where(Order.id.in_(order_ids))).all()
    codes: dict[int | None, str] = dict(found)  # a text on no order has no code
    return [
        _line(m, None if m.worker_id is None else shown.get(m.worker_id), codes.get(m.order_id))
        for m in messages
    ]


def text_for(session: Session, worker: Worker, kind: str, **values: object) -> str:
    """A text about the worker, in their language and their branch's wording (the worker's
    home branch: read by key, workers' rows know nothing of dispatch's)."""
    branch = session.get_one(Branch, worker.branch_id)
    return wording.render(session, branch, kind, worker.language, values)


def tell(
    session: Session, worker: Worker, kind: str, order_id: int | None = None, **values: object
) -> None:
    """Queue a text that is about the worker rather than one offer (help, opt-out, questions)."""
    body = text_for(session, worker, kind, **values)
    outbox.queue(
        session, kind=kind, worker_id=worker.id, phone=worker.phone, body=body, order_id=order_id
    )
