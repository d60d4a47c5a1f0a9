"""The client's texts about their orders (the second consumer of client events): filled, short
two hours before the start, the shift started with N of M arrived. To the site's contact, else
the client's; unless the client switched them off (clients.notify_by_sms). Through the SMS
outbox like every text, in the client's language, transliterated if the branch sends so."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dispatch.client_models import ClientEvent
from dispatch.models import Branch, Client, Order, Site
from sms import outbox, templates

SITE_CHARS = 30  # the site's name, cut: the text stays within two segments

TEXTS = {
    "ru": {
        "order.filled": "Заказ {code} ({site}, {date} {start}) набран: {booked} из {headcount}.",
        "order.short": "Заказ {code} ({site}, {date} {start}): набрано {booked} из "
        "{headcount}. Мы продолжаем обзванивать работников и сообщим о переменах.",
        "shift.started": "Заказ {code} ({site}): смена началась, на месте {arrived} из "
        "{headcount}.",
    },
    "en": {
        "order.filled": "Order {code} ({site}, {date} {start}) is filled: {booked} of {headcount}.",
        "order.short": "Order {code} ({site}, {date} {start}): {booked} of {headcount} "
        "booked. We are still calling workers and will text you of any change.",
        "shift.started": "Order {code} ({site}): the shift has started, {arrived} of "
        "{headcount} on site.",
    },
}
LANGUAGES = tuple(TEXTS)
# The message log's kind of each text.
KINDS = {
    "order.filled": "client_filled",
    "order.short": "client_short",
    "shift.started": "client_started",
}


def contact_phone(site: Site, client: Client) -> str | None:
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
    body = render(event.type, client.notify_language, event.data, branch)
    kind = KINDS[event.type]
    outbox.queue(session, kind=kind, worker_id=None, phone=phone, body=body, order_id=order.id)


def render(type: str, language: str, data: dict[str, object], branch: Branch) -> str:
    table = TEXTS.get(language) or TEXTS["ru"]
    starts = datetime.fromisoformat(str(data["starts_at"])).astimezone(ZoneInfo(branch.timezone))
    site = data["site"]
    name = str(site["name"]) if isinstance(site, dict) else ""
    values = {
        **data,
        "site": name if len(name) <= SITE_CHARS else name[: SITE_CHARS - 1] + "…",
        "date": starts.strftime("%d.%m"),
        "start": starts.strftime("%H:%M"),
    }
    # Our own text as the "override": the branch's transliteration applies as to every text.
    return templates.render(type, language, table[type], branch.sms_transliterate, **values)
