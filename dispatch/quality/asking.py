"""The question after the close: "rate today's crew 1-5", texted once per order to the site's
contact (else the client's), in the client's language and the branch's wording, when the
branch has it switched on."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from core import audit
from core.tenancy import SYSTEM
from dispatch.client_models import QualityReview
from dispatch.hooks.notices import contact_phone, language_of
from dispatch.models import Branch, Client, Order, Site
from dispatch.registry import wording
from sms import outbox, templates

ADDRESS_CHARS = 40  # as the offers cut it: the question stays within two segments


def render(session: Session, branch: Branch, kind: str, language: str, **values: object) -> str:
    return wording.render(session, branch, kind, language, values)


def ask_after_close(session: Session, order: Order, now: datetime) -> QualityReview | None:
    """Queue the question for a closed order, once (the review row's unique order settles two
    closes racing); None when the branch has it off or nobody is there to ask."""
    branch = session.get_one(Branch, order.branch_id)
    if not branch.quality_sms:
        return None
    site = session.get_one(Site, order.site_id)
    client = session.get_one(Client, order.client_id)
    phone = contact_phone(site, client)
    if phone is None:
        return None
    language = language_of(client)  # its second asking reads it from the review
    review_id = session.scalar(
        insert(QualityReview)
        .values(
            order_id=order.id,
            branch_id=order.branch_id,
            phone=phone,
            language=language,
            asked_at=now,
        )
        .on_conflict_do_nothing(index_elements=["order_id"])
        .returning(QualityReview.id)
    )
    if review_id is None:  # asked already
        return None
    review = session.scalars(select(QualityReview).where(QualityReview.id == review_id)).one()
    address = site.address
    if len(address) > ADDRESS_CHARS:
        address = address[: ADDRESS_CHARS - 1] + "…"
    body = render(
        session,
        branch,
        "quality_ask",
        language,
        code=order.code,
        skill=templates.skill_name(order.skill, language),
        address=address,
    )
    message = outbox.queue(
        session, kind="quality_ask", worker_id=None, phone=phone, body=body, order_id=order.id
    )
    review.ask_message_id = message.id
    audit.log(session, SYSTEM, "quality.ask", "order", [order.id], order.branch_id)
    return review
