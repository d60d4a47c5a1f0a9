"""Every SMS in and out, kept in the database first: the outbox and the inbox."""

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, Timestamped, in_check, sql_equals
from sms.enums import MessageStatus

DIRECTIONS = ("out", "in")


class Message(Timestamped, Base):
    __tablename__ = "messages"
    __table_args__ = (
        in_check("direction", DIRECTIONS),
        in_check("status", MessageStatus),
        CheckConstraint("encoding IN ('GSM-7', 'UCS-2')", name="encoding"),
        # The sender's work list: queued outgoing messages, oldest first.
        Index(
            "ix_messages_queued",
            "id",
            postgresql_where=text(sql_equals("status", MessageStatus.QUEUED)),
        ),
        Index(
            "ix_messages_received",
            "id",
            postgresql_where=text(sql_equals("status", MessageStatus.RECEIVED)),
        ),
        # Claims a dead process left behind, for the reconciler to settle.
        Index(
            "ix_messages_sending",
            "claimed_at",
            postgresql_where=text(sql_equals("status", MessageStatus.SENDING)),
        ),
        # Inbound texts by kind and offer: the unclear-replies badge (dispatch/replies/unclear.py).
        Index(
            "ix_messages_inbound_offer",
            "kind",
            "offer_id",
            postgresql_where=text(sql_equals("direction", "in")),
        ),
        # The bodies job's work list (sms/retention.py): not yet blanked, oldest first.
        Index(
            "ix_messages_body_kept", "created_at", postgresql_where=text("body_removed_at IS NULL")
        ),
        # The message log, newest first: each month's index answers it (messaging.list_messages).
        Index("ix_messages_created_at", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Part of the key: the table is partitioned by month of `created_at` (core/partitions.py),
    # so the ORM's updates name the month. Look a text up by id with a select (the sequence
    # keeps ids unique), not session.get.
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), primary_key=True
    )
    direction: Mapped[str] = mapped_column(String(3), nullable=False)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"), index=True)
    # Plain ids: sms/ sits left of dispatch/ and knows orders only by number.
    order_id: Mapped[int | None] = mapped_column(Integer, index=True)
    offer_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    phone: Mapped[str] = mapped_column(String(16), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    encoding: Mapped[str] = mapped_column(String(5), nullable=False)
    segments: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    # Not unique: a partitioned table's unique keys carry the partition key. Inbound repeats
    # are turned away by InboundSid, an outgoing id recorded twice by SentSid.
    provider_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    error_code: Mapped[str | None] = mapped_column(String(16))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When a sender took the row ('sending') and was about to hand it to the provider.
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the body was blanked for its age (BRIGADA_MESSAGE_BODY_KEEP_DAYS); None: it is kept.
    body_removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InboundSid(Base):
    """The provider ids of inbound texts taken in: the primary key makes a repeated webhook
    (or a race of two) a no-op, written in the statement that stores the message
    (dispatch/replies/intake.py). Provider retries come within hours: an id is forgotten
    after SEEN_SIDS_KEPT (dispatch/texts/delivery.py), the message itself stays."""

    __tablename__ = "sms_inbound_sids"

    provider_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False, index=True
    )


class SentSid(Base):
    """The provider ids of outgoing texts recorded as sent, written in the transaction that
    records one (sms/sending.py `_mark_sent`): the primary key fails the second of two
    settles (or a settle and a live record) that took the same id, as messages' unique index
    did before partitioning. Forgotten after SENT_SIDS_KEPT (dispatch/texts/delivery.py):
    the races it settles are between transactions open at the same moment."""

    __tablename__ = "sms_sent_sids"

    provider_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


class EarlyStatus(Base):
    """A status callback for a provider id no row holds yet: the callback outran the send's
    record, or a dead sender's claim is still to be settled from the provider's list. Applied
    by sms.reconcile once a message holds the id; forgotten after a day."""

    __tablename__ = "sms_early_statuses"

    provider_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    error_code: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False, index=True
    )


class TemplateOverride(Base):
    """A branch's own wording of one text in one language (checked before it is saved)."""

    __tablename__ = "sms_templates"

    # sms/ knows branches only by id (dispatch/ owns them).
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )
