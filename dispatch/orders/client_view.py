"""What a client sees of its own order: who is coming (dispatch/access/privacy.py's first name
and initial) with the day's word (arrived, late, not yet, absent), and what cancelling it now
would cost (the one late-cancel rule, service.cancels_late, as cancel_order applies it)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.access.privacy import show_workers
from dispatch.enums import OfferStatus
from dispatch.models import Offer, Order
from dispatch.orders import roster
from dispatch.orders.service import cancels_late, order_state

# The roster's standing (dispatch/orders/roster.py) said in the client's few words.
ARRIVED = frozenset(
    {
        "arrived",
        "left_early",
        "left_early_pending",
        "sent_home",
        "sent_home_pending",
        "released_on_site",
    }
)
ABSENT = frozenset({"no_show", "no_show_pending"})


def day_word(standing: str) -> str:
    if standing in ARRIVED:
        return "arrived"
    if standing == "late":
        return "late"
    return "absent" if standing in ABSENT else "not_yet"


@dataclass(frozen=True)
class CrewLine:
    worker_id: int
    name: str  # "Иван П.": never the full name, the phone or the home
    word: str  # arrived, late, not_yet, absent


def crew(session: Session, order: Order, *, actor: Actor) -> list[CrewLine]:
    """The booked workers as the actor may see them (the order comes with its branch)."""
    booked = [o for o in order_state(session, order).roster if o.status == OfferStatus.BOOKED]
    shown = show_workers(
        session,
        actor=actor,
        worker_ids=[o.worker_id for o in booked],
        via="portal.order",
        branch_id=order.branch_id,
        order_id=order.id,
    )
    lines = [
        CrewLine(
            o.worker_id,
            shown[o.worker_id].name or "",
            day_word(roster.standing(order, order.branch, o).word),
        )
        for o in booked
        if o.worker_id in shown
    ]
    return sorted(lines, key=lambda line: (line.name, line.worker_id))


@dataclass(frozen=True)
class CancelTerms:
    """Cancelling now: late or not, and then each booked worker's show-up pay."""

    late: bool
    window_h: int  # the branch's late_cancel_h
    paid_workers: int
    pay_each: Decimal
    currency: str

    @property
    def total(self) -> Decimal:
        return self.pay_each * self.paid_workers


def cancel_terms(session: Session, order: Order, now: datetime) -> CancelTerms:
    """What cancel_order would pay if run now (the order comes with its branch)."""
    late = cancels_late(order, now)
    booked = session.scalar(
        select(func.count())
        .select_from(Offer)
        .where(Offer.order_id == order.id, Offer.status == OfferStatus.BOOKED)
    )
    branch = order.branch
    paid = int(booked or 0) if late else 0
    return CancelTerms(late, branch.late_cancel_h, paid, branch.show_up_pay, branch.currency)
