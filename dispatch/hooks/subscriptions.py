"""Clients' webhook subscriptions: who may manage them, creating one (its secret shown once),
listing, removing, switching off and on again, and the delivery log.

Switched back on (`enable`), a subscription gets the events recorded from then on. Nothing
is sent again: a delivery given up (next_attempt_at empty, not delivered) stays given up, and
an event recorded while it was off got no delivery to it at all; the log shows the former,
and the client reads the orders' state from the API for what it missed (docs/webhooks.md)."""

import ipaddress
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Forbidden, NotFound
from core.settings import get_settings
from core.tenancy import Actor
from dispatch.client_models import CLIENT_EVENTS, ClientEvent, WebhookDelivery, WebhookSubscription
from dispatch.enums import OFFICE, OFFICE_READERS
from dispatch.hooks.errors import WebhookEventsInvalid, WebhookUrlInvalid
from dispatch.hooks.signing import new_secret
from dispatch.models import Client
from dispatch.registry import clients as registry

MAX_URL = 2000


def client_for_hooks(
    session: Session, client_id: int, *, actor: Actor, read: bool = False
) -> Client:
    """The one decision of who may manage a client's webhooks: the office of the client's
    branch (an admin anywhere) and the client's own admin; read: the owner of the branch too.
    Another branch's client, or another client for a client admin, is not found, as
    everywhere."""
    office = OFFICE_READERS if read else OFFICE
    if not (actor.client_admin if actor.is_client else actor.role in office):
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
    client = client_for_hooks(session, client_id, actor=actor, read=True)
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


def get(
    session: Session, client_id: int, hook_id: int, *, actor: Actor, read: bool = False
) -> WebhookSubscription:
    client = client_for_hooks(session, client_id, actor=actor, read=read)
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


def disable(
    session: Session, client_id: int, hook_id: int, *, actor: Actor, now: datetime
) -> WebhookSubscription:
    """Switched off by hand: no more attempts (those due are given up at their claim)."""
    subscription = _locked(session, get(session, client_id, hook_id, actor=actor))
    if subscription.disabled_at is None:
        subscription.disabled_at, subscription.failing_since = now, None
        _audit(session, actor, "webhook.switch_off", subscription)
    return subscription


def enable(session: Session, client_id: int, hook_id: int, *, actor: Actor) -> WebhookSubscription:
    """On again, with a fresh day before a switch-off; events from now on are delivered,
    nothing given up or missed while off is sent again (the module's note)."""
    subscription = _locked(session, get(session, client_id, hook_id, actor=actor))
    if subscription.disabled_at is not None:
        off_since = subscription.disabled_at.isoformat()
        subscription.disabled_at, subscription.failing_since = None, None
        _audit(session, actor, "webhook.enable", subscription, off_since=off_since)
    return subscription


def _locked(session: Session, subscription: WebhookSubscription) -> WebhookSubscription:
    # The row as a delivery's record() would write it: theirs waits for ours, or ours for theirs.
    return session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.id == subscription.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _audit(
    session: Session, actor: Actor, action: str, subscription: WebhookSubscription, **detail: str
) -> None:
    client = session.get_one(Client, subscription.client_id)
    audit.log(
        session, actor, action, "client", [client.id], client.branch_id,
        webhook_id=subscription.id, url=subscription.url, **detail,
    )  # fmt: skip


class Switched(Protocol):
    """What off_reason reads: a subscription, or the API's body of one."""

    @property
    def disabled_at(self) -> datetime | None: ...

    @property
    def failing_since(self) -> datetime | None: ...


def off_reason(subscription: Switched) -> str | None:
    """Why it is off: "failing" (a day of failed deliveries, switched off by us), "by_hand"
    (the office or the client's admin), or None while on. A switch-off by hand clears the
    failure clock, a switch-off for failures needs it set."""
    if subscription.disabled_at is None:
        return None
    return "failing" if subscription.failing_since is not None else "by_hand"


@dataclass(frozen=True)
class LastDelivery:
    attempted_at: datetime | None
    status: int | None
    error: str | None
    delivered_at: datetime | None


def last_deliveries(
    session: Session, subscriptions: list[WebhookSubscription]
) -> dict[int, LastDelivery]:
    """Each subscription's most recently attempted delivery (none yet: absent)."""
    ids = [s.id for s in subscriptions]
    if not ids:
        return {}
    latest = (
        select(
            WebhookDelivery.subscription_id, func.max(WebhookDelivery.last_attempt_at).label("at")
        )
        .where(WebhookDelivery.subscription_id.in_(ids))
        .group_by(WebhookDelivery.subscription_id)
        .subquery()
    )
    rows = session.execute(
        select(WebhookDelivery)
        .join(
            latest,
            (latest.c.subscription_id == WebhookDelivery.subscription_id)
            & (latest.c.at == WebhookDelivery.last_attempt_at),
        )
        .order_by(WebhookDelivery.id)
    ).scalars()
    return {
        d.subscription_id: LastDelivery(
            d.last_attempt_at, d.last_status, d.last_error, d.delivered_at
        )
        for d in rows
    }


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
    subscription = get(session, client_id, hook_id, actor=actor, read=True)
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
