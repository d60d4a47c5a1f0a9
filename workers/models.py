"""A worker: a person on the common base, owned by a home branch."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, get_args

from geoalchemy2 import Geography, WKBElement
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, Timestamped, in_check, sql_equals
from workers.enums import IMPORT_STATUSES, STORED_STATUSES, WorkerStatus
from workers.priors import NEWCOMER_RATING, NEWCOMER_RELIABILITY

# The languages a worker is texted in (sms/templates.py has a data file for each).
Language = Literal["ru", "en", "uz", "tg", "ky"]
LANGUAGES: tuple[str, ...] = get_args(Language)


class Worker(Timestamped, Base):
    __tablename__ = "workers"
    __table_args__ = (
        in_check("status", STORED_STATUSES),
        in_check("language", LANGUAGES),
        CheckConstraint("rating >= 0 AND rating <= 5", name="rating_range"),
        CheckConstraint("reliability >= 0 AND reliability <= 1", name="reliability_range"),
        Index("ix_workers_skills", "skills", postgresql_using="gin"),
        # The matcher's walk: grid cell, then rating; covering, for index-only scans
        # (brigada_cell() is created by migration 0003, this WHERE by 0014; see
        # dispatch/fill/matcher.py).
        Index(
            "ix_workers_cell_rating",
            text("brigada_cell(home)"),
            text("rating DESC"),
            postgresql_include=[
                "id",
                "reliability",
                "skills",
                "suspended_until",
                "home",
                "no_show_at",
                "no_show_until",
                "patent_expires_on",
                "paused_until",
            ],
            postgresql_where=text(
                sql_equals("status", WorkerStatus.ACTIVE)
                + " AND vetted AND NOT opted_out AND NOT phone_invalid"
            ),
        ),
        # The job that gives the figures back once a no-show leaves the window (migration 0014).
        Index(
            "ix_workers_no_show_until",
            "no_show_until",
            postgresql_where=text("no_show_until IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200), nullable=False)
    phone: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    home: Mapped[WKBElement] = mapped_column(
        Geography(geometry_type="POINT", srid=4326, spatial_index=True), nullable=False
    )
    skills: Mapped[list[str]] = mapped_column(ARRAY(String(40)), nullable=False)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, server_default=WorkerStatus.ACTIVE.value
    )
    language: Mapped[str] = mapped_column(String(2), nullable=False, server_default="ru")
    vetted: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    opted_out: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    suspended_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rating: Mapped[Decimal] = mapped_column(
        Numeric(3, 2), nullable=False, server_default=str(NEWCOMER_RATING)
    )
    reliability: Mapped[Decimal] = mapped_column(
        Numeric(4, 3), nullable=False, server_default=str(NEWCOMER_RELIABILITY)
    )
    strikes: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    # The latest unreversed no-show still in the home branch's strike window, and when it
    # leaves it: until then the rating is capped and the matcher ranks the worker last.
    no_show_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    no_show_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The SMS provider refused the number (invalid, landline, unreachable): a dispatcher fixes it.
    phone_invalid: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )

    # The work patent of the latest approving vetting (workers/vetting.py); none: not needed.
    # The matcher reads it here: a patent expired by the shift's day is not offered work.
    patent_expires_on: Mapped[date | None] = mapped_column(Date)
    # The worker's own PAUSE (dispatch/replies/selfservice.py): no offers until then, without
    # opting out. Not a penalty: nothing on the ledger, and the office can clear it.
    paused_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Deletion on request (dispatch/registry/forget.py): the one-time code's hash and expiry
    # while a worker is asked to confirm, and when their personal data went.
    forget_code_hash: Mapped[str | None] = mapped_column(String(64))
    forget_code_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    forgotten_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def shown_status(self, now: datetime) -> WorkerStatus:
        """The one status staff see: blocked, then opted out, then suspended, else active."""
        if self.status == WorkerStatus.BLOCKED:
            return WorkerStatus.BLOCKED
        if self.opted_out:
            return WorkerStatus.OPTED_OUT
        if self.suspended_until is not None and self.suspended_until > now:
            return WorkerStatus.SUSPENDED
        return WorkerStatus.ACTIVE


class WorkerAvailability(Base):
    """A day the worker said by SMS they are free (FREE) or busy (BUSY): the matcher offers a
    free day's work first and a busy day's none (dispatch/fill/eligibility.py). One row a
    day: the latest word wins (workers/availability.py)."""

    __tablename__ = "worker_availability"
    __table_args__ = (
        UniqueConstraint("worker_id", "day", name="uq_worker_availability_day"),
        # The matcher's look at the order's day: who said free, who said busy (index-only).
        Index("ix_worker_availability_day", "day", "free", "worker_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    worker_id: Mapped[int] = mapped_column(
        ForeignKey("workers.id", ondelete="CASCADE"), nullable=False
    )
    day: Mapped[date] = mapped_column(Date, nullable=False)
    free: Mapped[bool] = mapped_column(Boolean, nullable=False)
    said_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


VETTING_RESULTS = ("approved", "rejected")
DOCUMENT_KINDS = ("passport", "patent")


class WorkerVetting(Base):
    """A vetting as a recorded act: who looked at the worker and their papers, when, and
    what they decided. Users are dispatch's table: named by its key only (the layers)."""

    __tablename__ = "worker_vettings"
    __table_args__ = (in_check("result", VETTING_RESULTS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    worker_id: Mapped[int] = mapped_column(
        ForeignKey("workers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    vetted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    vetted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    result: Mapped[str] = mapped_column(String(10), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, server_default="")


class VettingDocument(Base):
    """A document seen at a vetting; a patent always says when it expires."""

    __tablename__ = "vetting_documents"
    __table_args__ = (
        in_check("kind", DOCUMENT_KINDS),
        CheckConstraint("kind <> 'patent' OR expires_on IS NOT NULL", name="patent_expiry"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vetting_id: Mapped[int] = mapped_column(
        ForeignKey("worker_vettings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    number: Mapped[str] = mapped_column(String(40), nullable=False)
    expires_on: Mapped[date | None] = mapped_column(Date)


class ImportRun(Timestamped, Base):
    """A CSV import the console runs as a job: the file itself until it is done (so the job
    needs no shared disk), then the progress and the report the page polls and offers."""

    __tablename__ = "import_runs"
    __table_args__ = (
        in_check("status", IMPORT_STATUSES),
        CheckConstraint("processed >= 0 AND processed <= total", name="progress"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    # Who started it, as the job acts (and audits) in their name.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64), nullable=False)
    actor_role: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_branch_id: Mapped[int | None] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(2), nullable=False)  # how phones are read
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)  # dropped once done
    total: Mapped[int] = mapped_column(Integer, nullable=False)
    processed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rejected: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    error: Mapped[str | None] = mapped_column(String(500))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
