"""Who sees a worker's personal details (the name and the phone): the one rule every read path
calls, and the audit of every read that shows any of them.

- Staff of the worker's home branch, and admins: the full name and the phone.
- Staff of a branch that engaged the worker (booked on one of its orders, or paid on one: a
  released extra, a late cancellation's show-up pay), so that they can tick and pay them:
  the full name, as the worker gave it (a clerk pays, and a foreman calls out, a person by
  name; a shortened name would not tell two Ivanovs apart), and the phone masked to its
  last two digits.
- A client (a client user or key), of the workers on its own orders (the only ones its reads
  reach): the first name and the surname's initial ("Иван П."), never the phone, the home or
  the rating history, whichever branch the worker is of.
- The call centre (every branch's clients and orders, no branch's workers): nothing of the
  worker but the id, the strictest rule, on every path (a caller is told "booked", not who).
- An owner sees as a manager of each of their organisation's branches would: the full name
  and phone of those branches' workers, a masked phone of others those branches engaged.
- Everyone else: nothing of the worker but the id.

Where a worker lives is seen only by the home branch and admins; what the others see of it
(a rough position, rough distances) is dispatch/fill/whereabouts.py.

A number that is no worker's (a client's contact: the site's person or the client's own, texted
about orders and asked for ratings; or a stranger who texted us) is whole only on the record
that keeps it (the client's and the site's pages, API and the clients' CSV: the office of the
client's branch edits it there, a client user sees its own). Every other read path (the
message log, its CSV, the ratings) shows it masked to its last two digits, to every reader,
admins included: contact_phone_shown.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from core import audit
from core.logmask import masked_phone
from core.tenancy import Actor
from dispatch.enums import CALL_CENTRE, OfferStatus
from dispatch.models import Offer, Order
from rating.models import PenaltyEvent
from workers.models import Worker


class Sight(StrEnum):
    FULL = "full"  # home branch, admins
    PAYING = "paying"  # a branch the worker was booked or paid by
    CLIENT = "client"  # the client the worker works for: the first name and an initial
    NONE = "none"


@dataclass(frozen=True)
class ShownWorker:
    """A worker as one reader may see them; name and phone are None when they may not."""

    worker_id: int
    sight: Sight
    name: str | None
    phone: str | None  # masked for a paying branch

    @property
    def named(self) -> bool:
        return self.sight is not Sight.NONE


def phone_tail(shown: ShownWorker) -> str | None:
    """The last digits of the phone this reader may see, to tell two workers of one name
    apart: four of a number they see whole, the two a masked one keeps, none otherwise."""
    if shown.phone is None:
        return None
    digits = "".join(c for c in shown.phone if c.isdigit())
    return "…" + digits[-(4 if shown.sight is Sight.FULL else 2) :]


def contact_phone_shown(phone: str | None) -> str | None:
    """A client contact's (or a stranger's) number off its record: the last two digits, which
    tell two contacts apart (see the module)."""
    return masked_phone(phone) if phone else None


def _engaged(session: Session, actor: Actor, worker_ids: set[int]) -> set[int]:
    """Those of the workers booked on, or paid on, an order of the actor's branches."""
    booked = (
        select(Offer.worker_id)
        .join(Order, Order.id == Offer.order_id)
        .where(
            actor.branch_filter(Order.branch_id),
            Offer.worker_id.in_(worker_ids),
            Offer.status == OfferStatus.BOOKED,
        )
    )
    paid = (
        select(PenaltyEvent.worker_id)
        .join(Order, Order.id == PenaltyEvent.order_id)
        .where(
            actor.branch_filter(Order.branch_id),
            PenaltyEvent.worker_id.in_(worker_ids),
            PenaltyEvent.payout > 0,
            PenaltyEvent.kind != "reversal",
            PenaltyEvent.reversed_at.is_(None),
        )
    )
    return set(session.scalars(union(booked, paid)))


def sees_home(actor: Actor, home_branch_id: int) -> bool:
    """Whether the actor may see where the worker lives (and so how far from anywhere): never
    a client, though it belongs to the worker's branch."""
    return not blind(actor) and actor.sees_branch(home_branch_id)


def blind(actor: Actor) -> bool:
    """Sees no worker's person at all, or only as a client does: a client, the call centre."""
    return actor.is_client or actor.role == CALL_CENTRE


def short_name(full_name: str) -> str:
    """The first name and the surname's initial, as a client sees a worker. Names are kept
    "Surname First [Patronymic]" (Russian order): "Петров Иван Ильич" -> "Иван П."."""
    parts = full_name.split()
    if len(parts) < 2:
        return parts[0] if parts else ""
    return f"{parts[1]} {parts[0][0]}."


def sight_of(actor: Actor, home_branch_id: int, engaged: bool) -> Sight:
    """The rule itself, on plain values."""
    if actor.is_client:
        return Sight.CLIENT
    if actor.role == CALL_CENTRE:
        return Sight.NONE
    if sees_home(actor, home_branch_id):
        return Sight.FULL
    return Sight.PAYING if engaged else Sight.NONE


def show_workers(
    session: Session,
    *,
    actor: Actor,
    worker_ids: list[int],
    via: str,
    branch_id: int | None = None,
    **detail: Any,
) -> dict[int, ShownWorker]:
    """The workers as the actor may see them, by id (unknown ids are left out). The read is
    audited with the ids it named (`masked`: those shown with a masked phone) under the
    branch it was about (the actor's, unless given); `via` names the path (a page, a
    report), `detail` what it was about (an order, dates)."""
    ids = set(worker_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Worker.id, Worker.full_name, Worker.phone, Worker.branch_id).where(
            Worker.id.in_(ids)
        )
    ).all()
    strangers = {worker_id for worker_id, _, _, home in rows if not sees_home(actor, home)}
    engaged = (
        _engaged(session, actor, strangers)
        if strangers and not actor.whole_network and not blind(actor)
        else set()
    )
    shown: dict[int, ShownWorker] = {}
    for worker_id, name, phone, home in rows:
        sight = sight_of(actor, home, worker_id in engaged)
        if sight is Sight.FULL:
            shown[worker_id] = ShownWorker(worker_id, sight, name, phone)
        elif sight is Sight.PAYING:
            shown[worker_id] = ShownWorker(worker_id, sight, name, masked_phone(phone))
        elif sight is Sight.CLIENT:
            shown[worker_id] = ShownWorker(worker_id, sight, short_name(name), None)
        else:
            shown[worker_id] = ShownWorker(worker_id, sight, None, None)
    homes = {worker_id: home for worker_id, _, _, home in rows}
    for about, named in _audited_branches(actor, shown, homes, branch_id).items():
        masked = [i for i in named if shown[i].sight is Sight.PAYING]
        audit.log(
            session, actor, "worker.list", "worker", named, about, via=via, masked=masked, **detail
        )
    return shown


def _audited_branches(
    actor: Actor, shown: dict[int, ShownWorker], homes: dict[int, int], branch_id: int | None
) -> dict[int | None, list[int]]:
    """The named workers by the branch their read is audited under: the one given, else the
    actor's; an owner's (no one branch) under each worker's home branch, so that branch's
    audit tells whose people the owner read."""
    named = sorted(w.worker_id for w in shown.values() if w.named)
    if actor.branch_ids is None:
        return {actor.branch_id if branch_id is None else branch_id: named} if named else {}
    by_home: dict[int | None, list[int]] = {}
    for worker_id in named:
        by_home.setdefault(homes[worker_id], []).append(worker_id)
    return by_home


def on_the_day(arrived_at: datetime | None, starts_at: datetime, now: datetime) -> str:
    """All a client sees of a booked worker's day: "arrived", "late" (the start passed
    without them) or "not_yet"; never the marks themselves (a no-show, a fine)."""
    if arrived_at is not None:
        return "arrived"
    return "late" if now > starts_at else "not_yet"
