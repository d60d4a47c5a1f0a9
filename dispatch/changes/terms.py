"""What changing an order would do, told before it is confirmed (the client's portal shows it
as it shows a cancellation's cost: dispatch/orders/client_view.py cancel_terms).

The change itself runs in a savepoint that is rolled back (its row locks, texts, audit entries
and queued jobs go with it), so what is told and what is done cannot disagree: the same
lower_headcount picks who is released and who is paid show-up pay, the same move_shift who is
asked to confirm again and who can no longer come (as the foreman's preview of a close,
dispatch/shift/onsite.py preview_close). A refusal is the change's own (the same codes)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.changes.patch import OrderChange, apply_change


@dataclass(frozen=True)
class ChangeTerms:
    """What the change would do now; all zero and `changed` empty: it changes nothing."""

    changed: tuple[str, ...]  # the fields whose values really change
    released_booked: int  # bookings let go by a lower headcount, the newest first
    released_standby: int
    paid_late: int  # of the bookings let go, those paid show-up pay (inside late_cancel_h)
    pay_each: Decimal  # the branch's show-up pay
    currency: str
    window_h: int  # the branch's late_cancel_h
    moved: bool  # the shift's times change
    asked_to_confirm: int  # booked workers asked to confirm the new times
    confirm_by_h: int  # ...by this many hours before the new start, else replaced
    released_on_move: int  # booked or on standby, let go: they cannot work the new times
    offered: int  # offers sent at once for a higher headcount

    @property
    def total(self) -> Decimal:
        return self.pay_each * self.paid_late


def change_terms(
    session: Session, order_id: int, *, actor: Actor, change: OrderChange, now: datetime
) -> ChangeTerms:
    """What change_order would do if run now, writing nothing (refused as it would be)."""
    savepoint = session.begin_nested()
    try:
        order, done = apply_change(session, order_id, actor=actor, change=change, now=now)
        branch = order.branch
        terms = ChangeTerms(
            changed=tuple(done["before"]),
            released_booked=len(done.get("released_booked", [])),
            released_standby=len(done.get("released_standby", [])),
            paid_late=len(done.get("paid_late", [])),
            pay_each=branch.show_up_pay,
            currency=branch.currency,
            window_h=branch.late_cancel_h,
            moved="starts_at" in done["before"] or "ends_at" in done["before"],
            asked_to_confirm=len(done.get("asked_to_confirm", [])),
            confirm_by_h=branch.confirm_by_h,
            released_on_move=len(done.get("released_on_move", [])),
            offered=int(done.get("offered", 0)),
        )
    finally:
        savepoint.rollback()
    return terms
