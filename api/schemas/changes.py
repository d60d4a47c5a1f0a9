"""The body of a change to a placed order (PATCH /api/v1/orders/{id})."""

from pydantic import AwareDatetime, Field

from api.schemas.common import Body, Id, Money, Patch

NOTES_MAX = 1000  # dispatch/changes/patch.py checks it again for the console


class OrderPatch(Body):
    """Any of these; a field left out stays. foreman_id null: the site's foreman runs it;
    notes null or blank: none."""

    headcount: Patch[int] = Field(default=None, ge=1, le=500, strict=True)
    starts_at: Patch[AwareDatetime] = None
    ends_at: Patch[AwareDatetime] = None
    client_rate: Patch[Money] = Field(default=None, examples=["260.00"])
    worker_rate: Patch[Money] = Field(default=None, examples=["130.00"])
    foreman_id: Id | None = None
    notes: str | None = Field(default=None, max_length=NOTES_MAX, examples=["Bring gloves"])
