"""What the office sees of the reviews: the list (open cases first), the case badge of an
order, and the dispatcher closing a case with a note (audited, as its opening is)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.errors import FieldRequired, check_length
from core.tenancy import Actor
from dispatch.access.privacy import contact_phone_shown
from dispatch.client_models import QualityReview
from dispatch.models import Branch, Client, Order, Site
from dispatch.orders.service import get_order, visible_orders
from dispatch.quality.errors import CaseClosed, CaseNotFound

NOTE_MAX = 2000


@dataclass(frozen=True)
class ReviewLine:
    review: QualityReview
    order_code: str
    client: str
    site: str
    timezone: str  # the branch's: times are shown in it

    @property
    def phone(self) -> str:
        """The contact asked, as every read but the site's record shows it: masked."""
        return contact_phone_shown(self.review.phone) or ""

    @property
    def case_open(self) -> bool:
        return self.review.case_opened_at is not None and self.review.case_closed_at is None


def list_reviews(
    session: Session, *, actor: Actor, open_cases: bool = False, limit: int = 200
) -> list[ReviewLine]:
    """Reviews of the orders the actor sees, open cases first, then the newest questions."""
    wanted = (
        QualityReview.case_opened_at.is_not(None) & QualityReview.case_closed_at.is_(None)
        if open_cases
        else true()
    )
    return _lines(session, actor, wanted, limit)


def _lines(
    session: Session, actor: Actor, wanted: ColumnElement[bool], limit: int
) -> list[ReviewLine]:
    seen = visible_orders(select(Order), actor).with_only_columns(Order.id)
    query = (
        select(QualityReview, Order.code, Client.name, Site.name, Branch.timezone)
        .join(Order, Order.id == QualityReview.order_id)
        .join(Branch, Branch.id == Order.branch_id)
        .join(Client, Client.id == Order.client_id)
        .join(Site, Site.id == Order.site_id)
        .where(QualityReview.order_id.in_(seen), wanted)
    )
    query = query.order_by(
        (QualityReview.case_opened_at.is_not(None) & QualityReview.case_closed_at.is_(None)).desc(),
        QualityReview.asked_at.desc(),
        QualityReview.id.desc(),
    ).limit(limit)
    return [ReviewLine(*row) for row in session.execute(query)]


def open_cases_by_order(session: Session, order_ids: list[int]) -> dict[int, int | None]:
    """Order id -> the score of its open case (orders with none left out): the badge."""
    if not order_ids:
        return {}
    rows = session.execute(
        select(QualityReview.order_id, QualityReview.score).where(
            QualityReview.order_id.in_(order_ids),
            QualityReview.case_opened_at.is_not(None),
            QualityReview.case_closed_at.is_(None),
        )
    )
    return {order_id: score for order_id, score in rows}


def answered_review(session: Session, order_id: int) -> QualityReview | None:
    """The order's review once the client has scored it (the order page shows it); the
    caller has already been allowed to see the order."""
    return session.scalars(
        select(QualityReview).where(
            QualityReview.order_id == order_id, QualityReview.score.is_not(None)
        )
    ).first()


def review_line(session: Session, order_id: int, *, actor: Actor) -> ReviewLine:
    """One order's review as the list shows it; CaseNotFound if it was never asked."""
    lines = _lines(session, actor, QualityReview.order_id == order_id, 1)
    if not lines:
        raise CaseNotFound(order_id)
    return lines[0]


def close_case(
    session: Session, order_id: int, *, actor: Actor, note: str, now: datetime
) -> QualityReview:
    """The dispatcher dealt with the complaint: the case closes with what was done."""
    note = note.strip()
    if not note:
        raise FieldRequired("note", "say what was done")
    check_length("note", note, NOTE_MAX)
    order = get_order(session, order_id, actor=actor, lock=True)
    review = session.scalars(
        locked(select(QualityReview).where(QualityReview.order_id == order.id))
    ).first()
    if review is None or review.case_opened_at is None:
        raise CaseNotFound(order_id)
    if review.case_closed_at is not None:
        raise CaseClosed(f"the case of order {order.code} is closed already")
    review.case_closed_at, review.case_closed_by, review.case_note = now, actor.user_id, note
    session.flush()
    audit.log(
        session,
        actor,
        "quality.case_close",
        "order",
        [order.id],
        order.branch_id,
        score=review.score,
        note=note,
    )
    return review
