"""Applicants: people who text us from a number that is no worker's and register by SMS
(dispatch/applicants/ holds the dialogue and the recruiter's acts), and the districts a branch
lists so an applicant can say where they live in a word.

Before consent (Federal Law 152-FZ) an applicant's row holds the phone, the step and the
language of the dialogue only; a "no" deletes it. Branches and users are dispatch's tables:
named by key only (the layers)."""

from datetime import datetime

from geoalchemy2 import Geography, WKBElement
from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, Timestamped, in_check, message_link, sql_equals

# The dialogue's steps, in order; "done" once every answer is in.
STEPS = ("consent", "name", "skills", "home", "language", "done")
# talking: the dialogue is under way; queued: in the branch's recruiting queue; invited: to an
# interview; approved: a worker now (worker_id); refused: by a recruiter; ended: three failed
# tries on a step or 48 h of silence (the personal data is wiped, the consent record kept).
STATUSES = ("talking", "queued", "invited", "approved", "refused", "ended")
OPEN = ("talking", "queued", "invited")


class District(Base):
    """A district of a branch's city, with a centre: "where do you live" in a word."""

    __tablename__ = "districts"
    __table_args__ = (UniqueConstraint("branch_id", "name", name="uq_districts_branch_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    centre: Mapped[WKBElement] = mapped_column(
        Geography(geometry_type="POINT", srid=4326, spatial_index=False), nullable=False
    )


class Applicant(Timestamped, Base):
    __tablename__ = "applicants"
    __table_args__ = (
        in_check("status", STATUSES),
        in_check("step", STEPS),
        *message_link("consent_message_id", "consent_message_at"),
        # The sweep's walk: dialogues under way, by their last text.
        Index(
            "ix_applicants_talking",
            "last_message_at",
            postgresql_where=text(sql_equals("status", "talking")),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, server_default="talking")
    step: Mapped[str] = mapped_column(String(10), nullable=False, server_default="consent")
    language: Mapped[str] = mapped_column(String(2), nullable=False, server_default="ru")
    tries: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    last_message_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # The consent: which text was agreed to, when, by which inbound message.
    consent_version: Mapped[str | None] = mapped_column(String(16))
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_message_id: Mapped[int | None] = mapped_column(Integer)
    consent_message_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    full_name: Mapped[str | None] = mapped_column(String(200))
    skills: Mapped[list[str] | None] = mapped_column(ARRAY(String(40)))
    home: Mapped[WKBElement | None] = mapped_column(
        Geography(geometry_type="POINT", srid=4326, spatial_index=False)
    )
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    # The recruiter's part: the interview as texted, the decision, the worker it made.
    interview: Mapped[str | None] = mapped_column(String(200))
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Deletion on request (dispatch/applicants/forget.py): the one-time code's hash and expiry.
    forget_code_hash: Mapped[str | None] = mapped_column(String(64))
    forget_code_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApplicantStep(Base):
    """Append-only: each inbound text of the dialogue, the step it answered and what came of
    it ("taken", "retry", "declined"...); the text itself stays in messages."""

    __tablename__ = "applicant_steps"
    __table_args__ = message_link("message_id", "message_at")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[int] = mapped_column(
        ForeignKey("applicants.id", ondelete="CASCADE"), nullable=False, index=True
    )
    step: Mapped[str] = mapped_column(String(10), nullable=False)
    message_id: Mapped[int | None] = mapped_column(Integer)
    message_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # its created_at
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
