"""The workers a client has had (booked on one of its orders: dispatch/registry/clients.py
had_offers, the same rule that lets a client user favour or block them), as the client may see
them (privacy.py Sight.CLIENT: the first name and the surname's initial, never a phone, a home
or a rating history): their skills, their last shift with the client, the stars the client gave
them, and whether the client favours or blocks them. The read is audited as any read of
workers' names."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.access.privacy import show_workers
from dispatch.models import ClientBlock, ClientFavourite, Order
from dispatch.registry.clients import get_client, had_offers
from rating.models import Review
from workers.models import Worker

MAX_SHOWN = 500  # the most recent ones; a portal page, not an export


@dataclass(frozen=True)
class HadWorker:
    worker_id: int
    name: str  # "Иван П."
    skills: list[str]
    last_shift: datetime  # the latest start among their shifts with the client
    shifts: int  # the client's orders they were booked on
    stars: Decimal | None  # the average of the client's own reviews of them, if any
    favourite: bool
    blocked: bool


def had_workers(session: Session, *, actor: Actor, client_id: int) -> list[HadWorker]:
    """The client's workers, the most recent shift first (another client's: not found)."""
    client = get_client(session, client_id, actor=actor)
    booked = had_offers(client.id).subquery()
    rows = session.execute(
        select(booked.c.worker_id, func.max(Order.starts_at), func.count(Order.id.distinct()))
        .join(Order, Order.id == booked.c.order_id)
        .group_by(booked.c.worker_id)
        .order_by(func.max(Order.starts_at).desc(), booked.c.worker_id)
        .limit(MAX_SHOWN)
    ).all()
    ids = [row[0] for row in rows]
    if not ids:
        return []
    stars: dict[int, Decimal] = dict(
        session.execute(
            select(Review.worker_id, func.avg(Review.stars))
            .join(Order, Order.id == Review.order_id)
            .where(
                Order.client_id == client.id,
                Review.source == "client",
                Review.worker_id.in_(ids),
            )
            .group_by(Review.worker_id)
        ).all()
    )
    skills = dict(session.execute(select(Worker.id, Worker.skills).where(Worker.id.in_(ids))).all())
    favoured = _marked(session, ClientFavourite, client.id, ids)
    blocked = _marked(session, ClientBlock, client.id, ids)
    shown = show_workers(
        session, actor=actor, worker_ids=ids, via="portal.workers", branch_id=client.branch_id
    )
    return [
        HadWorker(
            worker_id=worker_id,
            name=shown[worker_id].name or "",
            skills=list(skills.get(worker_id, [])),
            last_shift=last,
            shifts=count,
            stars=round(Decimal(stars[worker_id]), 1) if worker_id in stars else None,
            favourite=worker_id in favoured,
            blocked=worker_id in blocked,
        )
        for worker_id, last, count in rows
        if worker_id in shown
    ]


def _marked(
    session: Session,
    model: type[ClientFavourite] | type[ClientBlock],
    client_id: int,
    ids: list[int],
) -> set[int]:
    query = select(model.worker_id).where(model.client_id == client_id, model.worker_id.in_(ids))
    return set(session.scalars(query))
