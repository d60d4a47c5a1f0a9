"""Clients' webhooks (subscriptions, their delivery log) and whom the client's texts reach.
Who may: dispatch/hooks/subscriptions.py client_for_hooks, the one place that decides."""

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from api.deps import CLIENT_DESK, CLIENT_DESK_READERS, DB, OFFICE, require
from api.idempotency import shown_once
from api.routes.hooks.schemas import (
    ClientTextsIn,
    ClientTextsOut,
    DeliveryOut,
    SiteContactIn,
    SiteContactOut,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
)
from api.schemas.common import IdPath
from core.clock import now
from core.tenancy import Actor
from dispatch.hooks import contacts, subscriptions

router = APIRouter(prefix="/api/v1", tags=["webhooks"])


@router.post("/clients/{client_id}/webhooks", status_code=201, response_model=WebhookCreated)
@shown_once
def create_webhook(
    client_id: IdPath,
    body: WebhookIn,
    actor: Actor = Depends(require(*CLIENT_DESK)),
    session: Session = DB,
):
    """The secret is in this answer only: keep it to verify the signatures."""
    return subscriptions.create(
        session, client_id, actor=actor, url=body.url, events=list(body.events)
    )


@router.get("/clients/{client_id}/webhooks", response_model=list[WebhookOut])
def list_webhooks(
    client_id: IdPath, actor: Actor = Depends(require(*CLIENT_DESK_READERS)), session: Session = DB
):
    return subscriptions.listed(session, client_id, actor=actor)


@router.delete("/clients/{client_id}/webhooks/{hook_id}", status_code=204)
def delete_webhook(
    client_id: IdPath,
    hook_id: IdPath,
    actor: Actor = Depends(require(*CLIENT_DESK)),
    session: Session = DB,
) -> Response:
    subscriptions.remove(session, client_id, hook_id, actor=actor, now=now())
    return Response(status_code=204)


@router.post("/clients/{client_id}/webhooks/{hook_id}/enable", response_model=WebhookOut)
def enable_webhook(
    client_id: IdPath,
    hook_id: IdPath,
    actor: Actor = Depends(require(*CLIENT_DESK)),
    session: Session = DB,
):
    """Switched back on (after a day of failures, or by hand): events recorded from now on are
    delivered; deliveries given up and events recorded while it was off are not sent again."""
    return subscriptions.enable(session, client_id, hook_id, actor=actor)


@router.post("/clients/{client_id}/webhooks/{hook_id}/disable", response_model=WebhookOut)
def disable_webhook(
    client_id: IdPath,
    hook_id: IdPath,
    actor: Actor = Depends(require(*CLIENT_DESK)),
    session: Session = DB,
):
    """Switched off by hand: no more attempts until it is switched on again."""
    return subscriptions.disable(session, client_id, hook_id, actor=actor, now=now())


@router.get("/clients/{client_id}/webhooks/{hook_id}/deliveries", response_model=list[DeliveryOut])
def webhook_deliveries(
    client_id: IdPath,
    hook_id: IdPath,
    actor: Actor = Depends(require(*CLIENT_DESK_READERS)),
    session: Session = DB,
):
    """The delivery log, newest first: attempts, the last answer, the next attempt."""
    return subscriptions.deliveries(session, client_id, hook_id, actor=actor)


@router.put("/clients/{client_id}/notifications", response_model=ClientTextsOut)
def set_client_texts(
    client_id: IdPath,
    body: ClientTextsIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    """The client's texts about their orders: on or off, and their language."""
    return contacts.set_client_texts(
        session, client_id, actor=actor, sms=body.sms, language=body.language
    )


@router.put("/sites/{site_id}/contact", response_model=SiteContactOut)
def set_site_contact(
    site_id: IdPath,
    body: SiteContactIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    """The client's person on the site, texted about its orders (else the client's contact)."""
    return contacts.set_site_contact(
        session, site_id, actor=actor, name=body.name, phone=body.phone
    )
