"""Whom the client's texts go to: the client's switch and language, and each site's contact."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from core import audit
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.hooks.notices import LANGUAGES
from dispatch.hooks.subscriptions import client_for_hooks
from dispatch.models import Branch, Client, Site
from dispatch.registry.sites import clean_contact, get_site

NAMED = ("name", "phone")  # the fields as PUT /sites/{id}/contact names them


@dataclass(frozen=True)
class ClientTexts:
    client_id: int
    sms: bool
    language: str


def set_client_texts(
    session: Session, client_id: int, *, actor: Actor, sms: bool, language: str
) -> ClientTexts:
    """Switch the client's texts on or off and choose their language."""
    if language not in LANGUAGES:
        raise InvalidInput("language", f"one of {', '.join(LANGUAGES)}")
    client = client_for_hooks(session, client_id, actor=actor)
    client.notify_by_sms, client.notify_language = sms, language
    audit.log(
        session, actor, "client.texts", "client", [client.id], client.branch_id, sms=sms,
        language=language,
    )  # fmt: skip
    return ClientTexts(client.id, sms, language)


def set_site_contact(
    session: Session, site_id: int, *, actor: Actor, name: str | None, phone: str | None
) -> Site:
    """The client's person on the site, cleaned by the sites' one rule (registry.sites)."""
    site = get_site(session, site_id, actor=actor)
    client = session.get_one(Client, site.client_id)
    client_for_hooks(session, client.id, actor=actor)  # the same people as the client's texts
    branch = session.get_one(Branch, client.branch_id)
    contact = clean_contact(
        {"contact_name": name, "contact_phone": phone}, country=branch.country, named=NAMED
    )
    site.contact_name, site.contact_phone = contact["contact_name"], contact["contact_phone"]
    # The contact's number is personal data: the write is audited, the number is not logged.
    audit.log(session, actor, "site.contact", "site", [site.id], client.branch_id)
    return site
