"""The branch is told by SMS: a call-centre order texts the routed branch's active managers and
dispatchers who have a phone. Rows in the SMS outbox in the order's own transaction, so a
refused or rolled-back order texts no one; sent after the commit like every text."""

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.models import Branch, Client, Order, Site, User
from dispatch.registry import wording
from dispatch.registry.clients import RUSSIAN
from sms import outbox, templates

KIND = "staff_call_centre_order"
TOLD_ROLES = ("manager", "dispatcher")


def _cut(text: str, chars: int = templates.SITE_CHARS) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def told_staff(session: Session, branch_id: int) -> list[User]:
    """Whom the branch's text goes to: its active managers and dispatchers with a phone."""
    query = select(User).where(
        User.branch_id == branch_id,
        User.role.in_(TOLD_ROLES),
        User.active.is_(True),
        User.phone.is_not(None),
        User.phone != "",
    )
    return list(session.scalars(query.order_by(User.id)))


def tell_branch(
    session: Session, *, order: Order, branch: Branch, client: Client, site: Site
) -> None:
    """Queue the call-centre order's text to each of the branch's told staff."""
    starts = order.starts_at.astimezone(ZoneInfo(branch.timezone))
    values = {
        "code": order.code,
        "client": _cut(client.name),
        "site": _cut(site.name),
        "date": starts.strftime("%d.%m"),
        "start": starts.strftime("%H:%M"),
        "headcount": order.headcount,
    }
    language = "ru" if branch.country in RUSSIAN else "en"  # as a new client's texts
    body = wording.render(session, branch, KIND, language, values)
    for user in told_staff(session, branch.id):
        assert user.phone is not None
        outbox.queue(
            session, kind=KIND, worker_id=None, phone=user.phone, body=body, order_id=order.id
        )
