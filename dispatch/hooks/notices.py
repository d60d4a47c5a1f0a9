"""The client's texts about their orders (the second consumer of client events): filled, short
two hours before the start, the shift started with N of M arrived. To the site's contact, else
the client's; unless the client switched them off (clients.notify_by_sms). Through the SMS
outbox like every text, in the client's language, in the branch's wording of that text
(sms/templates.py holds the defaults), transliterated if the branch sends so."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dispatch.client_models import ClientEvent
from dispatch.models import Branch, Client, Order, Site
from dispatch.registry import wording
from sms import outbox, templates

LANGUAGES = templates.CLIENT_LANGUAGES
# The text of each event: its kind in sms/templates.py, on the texts page and in the message log.
KINDS = {
    "order.filled": "client_filled",
    "order.short": "client_short",
    "shift.started": "client_started",
}


def language_of(client: Client) -> str:
    """The language a client's contacts are texted in: these notices, the quality question and
    its second asking, the webhook switch-off. The client's choice (contacts.set_client_texts;
    a new client's follows its branch's country, registry.clients), one we have texts in."""
    return client.notify_language if client.notify_language in LANGUAGES else "ru"


def contact_phone(site: Site, client: Client) -> str | None:
    """Whom a client's text goes to (these notices, the quality question): the site's own
    contact, else the client's (both E.164)."""
    return site.contact_phone or client.contact_phone


def tell_client(session: Session, order: Order, event: ClientEvent) -> None:
    """Queue the client's text for this event, if it has one and the client wants texts."""
    if event.type not in KINDS:
        return
    client = session.get_one(Client, order.client_id)
    site = session.get_one(Site, order.site_id)
    phone = contact_phone(site, client)
    if not client.notify_by_sms or phone is None:
        return
    branch = session.get_one(Branch, order.branch_id)
    kind = KINDS[event.type]
    body = render(session, kind, language_of(client), event.data, branch)
    outbox.queue(session, kind=kind, worker_id=None, phone=phone, body=body, order_id=order.id)


def render(
    session: Session, kind: str, language: str, data: dict[str, object], branch: Branch
) -> str:
    starts = datetime.fromisoformat(str(data["starts_at"])).astimezone(ZoneInfo(branch.timezone))
    site = data["site"]
    name = str(site["name"]) if isinstance(site, dict) else ""
    cut = templates.SITE_CHARS
    values = {
        **data,
        "site": name if len(name) <= cut else name[: cut - 1] + "…",
        "date": starts.strftime("%d.%m"),
        "start": starts.strftime("%H:%M"),
    }
    return wording.render(session, branch, kind, language, values)
