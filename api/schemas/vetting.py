"""Request and response bodies of vetting a worker, blocking and unblocking them, and
opting them back in to SMS at their request."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from api.schemas.common import Body, Reason
from workers.models import VettingDocument, Worker, WorkerVetting
from workers.vetting import NOTE_MAX, NUMBER_MAX, Document

Note = Annotated[str, StringConstraints(max_length=NOTE_MAX)]


class DocumentIn(Body):
    kind: Literal["passport", "patent"]
    number: Annotated[str, StringConstraints(min_length=1, max_length=NUMBER_MAX)]
    expires_on: date | None = Field(default=None, description="required for a patent")

    def to_document(self) -> Document:
        return Document(kind=self.kind, number=self.number, expires_on=self.expires_on)


class VettingIn(Body):
    result: Literal["approved", "rejected"]
    note: Note = Field(default="", description="required when rejected: why")
    documents: list[DocumentIn] = Field(default_factory=list, max_length=2)


class DocumentOut(BaseModel):
    kind: str
    number: str
    expires_on: date | None

    @classmethod
    def of(cls, doc: VettingDocument) -> "DocumentOut":
        return cls(kind=doc.kind, number=doc.number, expires_on=doc.expires_on)


class VettingOut(BaseModel):
    id: int
    worker_id: int
    vetted_by: int | None
    vetted_at: datetime
    result: str
    note: str
    documents: list[DocumentOut]
    vetted: bool  # the worker's standing after it
    patent_expires_on: date | None

    @classmethod
    def of(
        cls, worker: Worker, vetting: WorkerVetting, documents: list[VettingDocument]
    ) -> "VettingOut":
        return cls(
            id=vetting.id,
            worker_id=worker.id,
            vetted_by=vetting.vetted_by,
            vetted_at=vetting.vetted_at,
            result=vetting.result,
            note=vetting.note,
            documents=[DocumentOut.of(d) for d in documents],
            vetted=worker.vetted,
            patent_expires_on=worker.patent_expires_on,
        )


class ReasonIn(Body):
    reason: Reason


class OptInIn(Body):
    note: Reason = Field(description="how the worker asked (a call, a visit) and when")


class StandingOut(BaseModel):
    """A worker's standing after a block, an unblock or an opt-in."""

    id: int
    status: Literal["active", "blocked"]
    opted_out: bool
    vetted: bool
    patent_expires_on: date | None

    @classmethod
    def of(cls, worker: Worker) -> "StandingOut":
        return cls(
            id=worker.id,
            status="blocked" if worker.status == "blocked" else "active",
            opted_out=worker.opted_out,
            vetted=worker.vetted,
            patent_expires_on=worker.patent_expires_on,
        )


class ReleasedOut(BaseModel):
    """An order the block let the worker go from."""

    order_id: int
    code: str
    was: str = Field(description="booked, standby, queued or sent")


class UnderWayOut(BaseModel):
    """A booking the block left: its order has begun; the dispatcher decides."""

    order_id: int
    code: str
    starts_at: datetime


class BlockedOut(StandingOut):
    """A block's answer: the standing, the orders released from, the bookings left."""

    released: list[ReleasedOut]
    under_way: list[UnderWayOut]
