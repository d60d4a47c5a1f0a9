"""Clients' webhook subscriptions: who may manage them, creating one (its secret shown once),
listing, removing, and the delivery log."""

import ipaddress
import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Forbidden, NotFound
from core.settings import get_settings
from core.tenancy import Actor
from dispatch.client_models import CLIENT_EVENTS, ClientEvent, WebhookDelivery, WebhookSubscription
from dispatch.enums import OFFICE
from dispatch.hooks.errors import WebhookEventsInvalid, WebhookUrlInvalid
from dispatch.hooks.signing import new_secret
from dispatch.models import Client
from dispatch.registry import clients as registry

MAX_URL = 2000


def client_for_hooks(session: Session, client_id: int, *, actor: Actor) -> Client:
    """The one decision of who may manage a client's webhooks: the office of the client's
    branch (an admin anywhere) and the client's own admin. Another branch's client, or
    another client for a client admin, is not found, as everywhere."""
    if not (actor.client_admin if actor.is_client else actor.role in OFFICE):
        raise Forbidden(f"{actor.role} may not manage webhooks")
    return registry.get_client(session, client_id, actor=actor)


def check_url(url: str) -> str:
    """An http(s) URL with a host; outside test and dev, no loopback, private or link-local
    address written as an IP (our own network is no client's system)."""
    url = url.strip()
    if len(url) > MAX_URL:
        raise WebhookUrlInvalid("url", f"at most {MAX_URL} characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookUrlInvalid("url", "must be an http:// or https:// URL with a host")
    if get_settings().env in ("test", "dev"):
        return url
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        raise WebhookUrlInvalid("url", "must not point at this machine")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return url
    if not address.is_global:
        raise WebhookUrlInvalid("url", "must be a public address, not a private or loopback one")
    return url


def check_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in CLIENT_EVENTS]
    if not events or unknown:
        raise WebhookEventsInvalid(
            "events", f"one or more of {', '.join(CLIENT_EVENTS)}; unknown: {unknown}"
        )
    return sorted(set(events), key=CLIENT_EVENTS.index)


def create(
    session: Session, client_id: int, *, actor: Actor, url: str, events: list[str]
) -> WebhookSubscription:
    client = client_for_hooks(session, client_id, actor=actor)
    subscription = WebhookSubscription(
        client_id=client.id,
        url=check_url(url),
        events=check_events(events),
        secret=new_secret(),
        created_by=actor.user_id,
    )
    session.add(subscription)
    session.flush()
    audit.log(
        session,
        actor,
        "webhook.create",
        "client",
        [client.id],
        client.branch_id,
        webhook_id=subscription.id,
        url=subscription.url,
        events=subscription.events,
    )
    return subscription


def listed(session: Session, client_id: int, *, actor: Actor) -> list[WebhookSubscription]:
    client = client_for_hooks(session, client_id, actor=actor)
    return list(
        session.scalars(
            select(WebhookSubscription)
            .where(
                WebhookSubscription.client_id == client.id,
                WebhookSubscription.deleted_at.is_(None),
            )
            .order_by(WebhookSubscription.id)
        )
    )


def get(session: Session, client_id: int, hook_id: int, *, actor: Actor) -> WebhookSubscription:
    client = client_for_hooks(session, client_id, actor=actor)
    subscription = session.scalars(
        select(WebhookSubscription).where(
            WebhookSubscription.id == hook_id,
            WebhookSubscription.client_id == client.id,
            WebhookSubscription.deleted_at.is_(None),
        )
    ).first()
    if subscription is None:
        raise NotFound("webhook", hook_id)
    return subscription


def remove(session: Session, client_id: int, hook_id: int, *, actor: Actor, now: datetime) -> None:
    """No more deliveries; the log stays for the record."""
    subscription = get(session, client_id, hook_id, actor=actor)
    subscription.deleted_at = now
    client = session.get_one(Client, subscription.client_id)
    audit.log(
        session,
        actor,
        "webhook.delete",
        "client",
        [client.id],
        client.branch_id,
        webhook_id=hook_id,
    )


@dataclass(frozen=True)
class DeliveryLine:
    id: int
    event_id: uuid.UUID
    type: str
    order_id: int
    attempts: int
    last_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime


def deliveries(
    session: Session, client_id: int, hook_id: int, *, actor: Actor, limit: int = 200
) -> list[DeliveryLine]:
    """The subscription's delivery log, newest first."""
    subscription = get(session, client_id, hook_id, actor=actor)
    rows = session.execute(
        select(WebhookDelivery, ClientEvent.type, ClientEvent.order_id)
        .join(ClientEvent, ClientEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.subscription_id == subscription.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    ).all()
    return [
        DeliveryLine(
            d.id,
            d.event_id,
            type,
            order_id,
            d.attempts,
            d.last_attempt_at,
            d.last_status,
            d.last_error,
            d.next_attempt_at,
            d.delivered_at,
            d.created_at,
        )
        for d, type, order_id in rows
    ]
