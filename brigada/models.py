"""Imports every package's models so the metadata is complete (Alembic, tests)."""

from core.audit import AuditEntry
from core.idempotency import IdempotencyKey
from dispatch.billing.models import Invoice, InvoiceLine
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
from dispatch.rates.models import RateCard
from dispatch.reports.models import (
    ReportBranchDay,
    ReportCalibration,
    ReportDay,
    ReportWatermark,
    ReportWorkerDay,
)
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
    "Invoice",
    "InvoiceLine",
    "Message",
    "Offer",
    "Order",
    "OrderPattern",
    "PatternDay",
    "PayoutBatch",
    "PayoutBatchLine",
    "PenaltyEvent",
    "RateCard",
    "ReportBranchDay",
    "ReportCalibration",
    "ReportDay",
    "ReportWatermark",
    "ReportWorkerDay",
    "Review",
    "Site",
    "TemplateOverride",
    "TimesheetVersion",
    "User",
    "Worker",
]
