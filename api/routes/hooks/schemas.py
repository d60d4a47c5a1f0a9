"""Bodies of clients' webhooks and of the client's texts (docs/webhooks.md)."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, computed_field

from api.schemas.common import Body
from dispatch.hooks import subscriptions
from dispatch.registry.sites import CONTACT_NAME_MAX, CONTACT_PHONE_TYPED_MAX


class WebhookIn(Body):
    # Checked by the domain (http/https, not our network in production): 422 naming "url".
    url: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    events: list[Annotated[str, StringConstraints(max_length=40)]]


class WebhookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    client_id: int
    url: str
    events: list[str]
    created_at: datetime
    failing_since: datetime | None = None
    disabled_at: datetime | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def off_reason(self) -> str | None:
        """Why it is off: "failing" (a day of failures), "by_hand", or null while on."""
        return subscriptions.off_reason(self)


class WebhookCreated(WebhookOut):
    secret: str  # shown this once


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
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


class ClientTextsIn(Body):
    sms: bool
    language: Annotated[str, StringConstraints(min_length=2, max_length=2)] = "ru"


class ClientTextsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    client_id: int
    sms: bool
    language: str


class SiteContactIn(Body):
    # As POST/PATCH /sites take contact_name and contact_phone: one rule (registry/sites.py).
    name: Annotated[str, StringConstraints(max_length=CONTACT_NAME_MAX)] | None = None
    phone: Annotated[str, StringConstraints(max_length=CONTACT_PHONE_TYPED_MAX)] | None = None


class SiteContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    contact_name: str | None
    contact_phone: str | None
