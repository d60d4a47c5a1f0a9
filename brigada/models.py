"""Imports every package's models so the metadata is complete (Alembic, tests)."""

from core.audit import AuditEntry
from core.idempotency import IdempotencyKey
from dispatch.client_models import ClientApiKey, ClientRate
from dispatch.hours.models import TimesheetVersion
from dispatch.models import (
    Branch,
    Client,
    ClientBlock,
    ClientFavourite,
    Offer,
    Order,
    OrderPattern,
    PatternDay,
    Site,
    User,
)
from dispatch.penalties.batch_models import PayoutBatch, PayoutBatchLine
from rating.models import PenaltyEvent, Review
from sms.models import Message, TemplateOverride
from workers.applicants import Applicant, ApplicantStep, District
from workers.models import ImportRun, Worker

__all__ = [
    "Applicant",
    "ApplicantStep",
    "AuditEntry",
    "Branch",
    "Client",
    "ClientApiKey",
    "ClientBlock",
    "ClientFavourite",
    "ClientRate",
    "District",
    "IdempotencyKey",
    "ImportRun",
    "Message",
    "Offer",
    "Order",
    "OrderPattern",
    "PatternDay",
    "PayoutBatch",
    "PayoutBatchLine",
    "PenaltyEvent",
    "Review",
    "Site",
    "TemplateOverride",
    "TimesheetVersion",
    "User",
    "Worker",
]
