"""The office side of the registry: branches, staff, clients, sites and block lists."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from geoalchemy2 import Geography, WKBElement
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import Base, Timestamped, in_check, sql_equals, sql_list
from dispatch.client_models import (
    RATE_SOURCES,
    TERMS_CHECKS,
    BranchHours,  # the hours knobs
    RateSnapshot,
    SurchargeTerms,
)
from dispatch.client_models import ClientBlock as ClientBlock  # the client side's (moved)
from dispatch.client_models import ClientFavourite as ClientFavourite
from dispatch.enums import (
    BRANCHLESS,
    LIVE_OR_AWAITING,
    PUNISHING,
    ROLES,
    SENT_HOME_REASONS,
    Attendance,
    OfferStatus,
    OrderStatus,
)
from dispatch.network.models import FORMATS, BranchNetwork
from dispatch.registry.knobs import KNOBS
from workers.models import Worker

# The relationships below are lazy="raise": reading one not loaded raises instead of querying
# behind the attribute. Load what a use-case walks where it loads the row, e.g. `.options(
# immediateload(Order.branch))` (a get by key: no query for a branch already in the session,
# no join, so a FOR UPDATE never reaches the branch row).
# Only downwards: dispatch's tables point at workers', never the other way (the layers).
_AWAITING = sql_equals("status", OrderStatus.AWAITING_APPROVAL)  # SQL: held for approval


class Branch(BranchHours, BranchNetwork, Timestamped, Base):
    __tablename__ = "branches"
    __table_args__ = (
        CheckConstraint("overbook_factor BETWEEN 1.0 AND 3.0", name="overbook_factor"),
        CheckConstraint("overbooking_mode IN ('fixed', 'adaptive')", name="overbooking_mode"),
        CheckConstraint("fill_goal BETWEEN 0.5 AND 0.999", name="fill_goal"),
        CheckConstraint("search_radius_m <= max_radius_m", name="radii"),
        CheckConstraint("confirm_by_h < confirm_ask_h", name="confirm_window"),
        in_check("billing_rounding", KNOBS["billing_rounding"].choices or ()),  # BranchHours
        in_check("format", FORMATS),  # BranchNetwork
        CheckConstraint("vat_rate >= 0 AND vat_rate < 1", name="vat_rate"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    # ISO region of the office: the default for phone numbers written without +country.
    country: Mapped[str] = mapped_column(String(2), nullable=False, server_default="RU")
    center: Mapped[WKBElement] = mapped_column(
        Geography(geometry_type="POINT", srid=4326, spatial_index=False), nullable=False
    )

    # Policy knobs (dispatch/registry/knobs.py holds their defaults, bounds and meaning).
    overbook_factor: Mapped[Decimal] = mapped_column(Numeric(3, 2), nullable=False)
    overbooking_mode: Mapped[str] = mapped_column(String(10), nullable=False)
    fill_goal: Mapped[Decimal] = mapped_column(Numeric(4, 3), nullable=False)
    search_radius_m: Mapped[int] = mapped_column(Integer, nullable=False)
    max_radius_m: Mapped[int] = mapped_column(Integer, nullable=False)
    wave_timeout_min: Mapped[int] = mapped_column(Integer, nullable=False)
    confirm_ask_h: Mapped[int] = mapped_column(Integer, nullable=False)
    confirm_by_h: Mapped[int] = mapped_column(Integer, nullable=False)
    late_grace_min: Mapped[int] = mapped_column(Integer, nullable=False)
    late_as_no_show_min: Mapped[int] = mapped_column(Integer, nullable=False)
    late_cancel_h: Mapped[int] = mapped_column(Integer, nullable=False)
    no_show_suspend_days: Mapped[int] = mapped_column(Integer, nullable=False)
    strikes_to_suspend: Mapped[int] = mapped_column(Integer, nullable=False)
    strike_window_days: Mapped[int] = mapped_column(Integer, nullable=False)
    clean_shifts_per_forgiven_strike: Mapped[int] = mapped_column(Integer, nullable=False)
    geofence_m: Mapped[int] = mapped_column(Integer, nullable=False)
    wave_multiple: Mapped[Decimal] = mapped_column(Numeric(4, 2), nullable=False)
    radius_growth: Mapped[Decimal] = mapped_column(Numeric(3, 2), nullable=False)
    rating_weight: Mapped[Decimal] = mapped_column(Numeric(3, 2), nullable=False)
    distance_weight: Mapped[Decimal] = mapped_column(Numeric(3, 2), nullable=False)
    remind_h: Mapped[int] = mapped_column(Integer, nullable=False)
    sms_transliterate: Mapped[bool] = mapped_column(Boolean, nullable=False)
    strike_suspend_days: Mapped[int] = mapped_column(Integer, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    late_fine_per_min: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    no_show_fine: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    sent_home_points: Mapped[int] = mapped_column(Integer, nullable=False)
    sent_home_fine: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    show_up_pay: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    undo_window_s: Mapped[int] = mapped_column(Integer, nullable=False)
    # Ask the site's contact to rate the crew by SMS after each close (dispatch/quality/).
    quality_sms: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    # A client's order starting sooner than this after it is placed waits for approval (0: never).
    client_order_approval_h: Mapped[int] = mapped_column(Integer, server_default="0")
    paid_through: Mapped[date | None] = mapped_column(Date)  # paid up to, incl. (penalties/pay.py)
    dispute_deadline_h: Mapped[int] = mapped_column(Integer, nullable=False, server_default="48")
    invoice_after_days: Mapped[int] = mapped_column(Integer, nullable=False, server_default="3")

    @property
    def policy(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in KNOBS}


class User(Timestamped, Base):
    """A staff member: admins and the call centre see the network, an owner their
    organisation's branches, everyone else one branch."""

    __tablename__ = "users"
    __table_args__ = (
        in_check("role", ROLES),
        CheckConstraint(
            f"(role IN {sql_list(BRANCHLESS)}) = (branch_id IS NULL)", name="branch_by_role"
        ),
        CheckConstraint("(role = 'owner') = (organisation_id IS NOT NULL)", name="owner_org"),
        CheckConstraint("(role = 'client') = (client_id IS NOT NULL)", name="client_by_role"),
        CheckConstraint("NOT client_admin OR role = 'client'", name="client_admin"),
        ForeignKeyConstraint(["client_id", "branch_id"], ["clients.id", "clients.branch_id"]),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    # Carried in every token as `ver`: bumping it (logout, revoke) voids the tokens issued before.
    token_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    # Set with a one-time password: until the user picks their own, they may do nothing else.
    password_change_required: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    # How workers know them: a foreman's name and number are on the check-in page.
    full_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(16))
    client_id: Mapped[int | None] = mapped_column(Integer, index=True)  # a client user's, only
    client_admin: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)


class Client(Timestamped, Base):
    __tablename__ = "clients"
    __table_args__ = (
        UniqueConstraint("branch_id", "name", name="uq_clients_branch_name"),
        UniqueConstraint("id", "branch_id", name="uq_clients_id_branch"),  # users' client key
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    # Whom the office calls, and the legal details for contracts and invoices (checked by
    # dispatch/registry/clients.py: INN and OGRN with their check digits, KPP's shape).
    contact_person: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    inn: Mapped[str | None] = mapped_column(String(12), index=True)
    kpp: Mapped[str | None] = mapped_column(String(9))
    ogrn: Mapped[str | None] = mapped_column(String(15))
    legal_address: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    # Texts to the client's contacts about their orders (dispatch/hooks/notices.py): on unless
    # switched off, in this language.
    notify_by_sms: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=True, server_default=text("true")
    )
    notify_language: Mapped[str] = mapped_column(
        String(2), nullable=False, default="ru", server_default="ru"
    )

    branch: Mapped[Branch] = relationship(lazy="raise")


class Site(Timestamped, Base):
    """Where the work is: a point, an address for the SMS and a check-in geofence."""

    __tablename__ = "sites"
    __table_args__ = (CheckConstraint("geofence_m BETWEEN 50 AND 5000", name="geofence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    address: Mapped[str] = mapped_column(String(300), nullable=False)
    location: Mapped[WKBElement] = mapped_column(
        Geography(geometry_type="POINT", srid=4326, spatial_index=True), nullable=False
    )
    geofence_m: Mapped[int] = mapped_column(Integer, nullable=False)
    # The site's usual foreman: sees (and marks) every order here unless one names another.
    foreman_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The client's person on this site: texted about its orders (else the client's contact).
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(20))  # E.164

    client: Mapped[Client] = relationship(lazy="raise")


class Order(RateSnapshot, SurchargeTerms, Timestamped, Base):
    """A client's request for a crew: N workers of a skill at a site for a shift."""

    __tablename__ = "orders"
    __table_args__ = (
        in_check("status", OrderStatus),
        CheckConstraint("headcount BETWEEN 1 AND 500", name="headcount"),
        CheckConstraint("ends_at > starts_at", name="shift"),
        CheckConstraint("client_rate >= 0 AND worker_rate >= 0", name="rates"),
        *(CheckConstraint(check, name=name) for name, check in TERMS_CHECKS.items()),
        in_check("rate_source", RATE_SOURCES),  # RateSnapshot
        CheckConstraint("overbook_factor BETWEEN 1.0 AND 3.0", name="overbook_factor"),
        CheckConstraint("booking_target >= headcount", name="booking_target"),
        CheckConstraint("topped_up_by >= 0 AND topped_up_by < headcount", name="topped_up_by"),
        CheckConstraint("mode_before_top_up IN ('fixed', 'adaptive')", name="mode_before_top_up"),
        Index(
            "uq_orders_active_code",
            "code",
            unique=True,
            postgresql_where=text(f"status IN {sql_list(LIVE_OR_AWAITING)}"),
        ),
        Index(
            "ix_orders_next_wave_at",
            "next_wave_at",
            postgresql_where=text("next_wave_at IS NOT NULL"),
        ),
        # The board's today-and-tomorrow window and the no-show sweep's lookback.
        Index("ix_orders_starts_at", "starts_at"),
        # The reconciler's minute look for held orders whose start came (orders/approval.py).
        Index("ix_orders_awaiting_starts_at", "starts_at", postgresql_where=text(_AWAITING)),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), nullable=False)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), nullable=False, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    skill: Mapped[str] = mapped_column(String(40), nullable=False)
    headcount: Mapped[int] = mapped_column(Integer, nullable=False)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    client_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    worker_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    overbook_factor: Mapped[Decimal] = mapped_column(Numeric(3, 2), nullable=False)
    overbooking_mode: Mapped[str] = mapped_column(String(10), nullable=False)
    fill_goal: Mapped[Decimal] = mapped_column(Numeric(4, 3), nullable=False)
    booking_target: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(
        String(20), nullable=False, server_default=OrderStatus.OPEN.value
    )
    wave: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    radius_m: Mapped[int] = mapped_column(Integer, nullable=False)
    # When the current wave times out; the reconciler re-enqueues any order past it.
    next_wave_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the matcher last found nobody more to offer within radius_m (None: it may still
    # have someone); with fewer booked than the headcount the order is short
    # (dispatch/orders/shortage.py).
    ring_dry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)  # for the workers: what to bring, where to meet
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    foreman_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The shift was closed: attendance is final and the timesheet stands.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When work ended, as chosen at the close (now, or the scheduled end): hours run to it.
    work_ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # More workers asked for after the start (dispatch/changes/topup.py): offers say "now",
    # answers book until the end.
    topped_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Of the headcount, the workers the top-ups added, and the overbooking mode the order
    # was placed with (a top-up makes it fixed): a copy takes the order as it was placed.
    topped_up_by: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    mode_before_top_up: Mapped[str | None] = mapped_column(String(10))
    # The order this one was copied from (by hand or by a weekly pattern): last time's crew.
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    checkin_secret: Mapped[str | None] = mapped_column(String(32))  # shift/codes.py: never shown

    branch: Mapped[Branch] = relationship(lazy="raise")
    client: Mapped[Client] = relationship(lazy="raise")
    site: Mapped[Site] = relationship(lazy="raise")


_BOOKED = sql_equals("status", OfferStatus.BOOKED)  # SQL: the offer is a booking
_PENDING = "pending_until IS NOT NULL"  # SQL: a mark waits out its undo window
_SAYS_WHY = "(attendance IS NOT DISTINCT FROM 'sent_home') = (sent_home_reason IS NOT NULL)"


class Offer(Timestamped, Base):
    """One worker offered one order: the answer, and the ranking at the time of the offer."""

    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("order_id", "worker_id", name="uq_offers_order_worker"),
        in_check("status", OfferStatus),
        Index("ix_offers_order_status", "order_id", "status"),
        # The matcher's "booked on an overlapping shift" test looks up a worker's bookings.
        Index("ix_offers_worker_booked", "worker_id", postgresql_where=text(_BOOKED)),
        Index("ix_offers_booked_order", "order_id", postgresql_where=text(_BOOKED)),
        in_check("attendance", Attendance),
        CheckConstraint(f"attendance IS NULL OR {_BOOKED}", name="attendance_booked"),
        in_check("pending_mark", PUNISHING),
        # A sent-home mark, in force or pending, says why (and only it).
        in_check("sent_home_reason", SENT_HOME_REASONS),
        in_check("pending_reason", SENT_HOME_REASONS),
        CheckConstraint(_SAYS_WHY, name="sent_home_reason_whole"),
        CheckConstraint(
            "(pending_mark IS NULL) = (pending_until IS NULL)"
            " AND (pending_mark IS NULL) = (pending_at IS NULL)"
            " AND (pending_mark IS NOT DISTINCT FROM 'sent_home') = (pending_reason IS NOT NULL)",
            name="pending_whole",
        ),
        # The settle sweep's look-up of pending marks whose undo window is over.
        Index("ix_offers_pending_until", "pending_until", postgresql_where=text(_PENDING)),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(
        String(12), nullable=False, server_default=OfferStatus.QUEUED.value
    )
    wave: Mapped[int] = mapped_column(Integer, nullable=False)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    distance_m: Mapped[float] = mapped_column(Float, nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    rating: Mapped[Decimal] = mapped_column(Numeric(3, 2), nullable=False)
    reliability: Mapped[Decimal] = mapped_column(Numeric(4, 3), nullable=False)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answer_source: Mapped[str | None] = mapped_column(String(10))
    booked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirm_asked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The office moved the shift after this booking: a NO then is no late cancellation.
    shift_moved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Cancelled by the worker inside the branch's late_cancel_h: a late-cancellation penalty.
    cancelled_late: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )
    # On site, as the foreman marked it (or the no-show sweep, with attendance_by empty).
    attendance: Mapped[str | None] = mapped_column(String(12))
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attendance_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_home_reason: Mapped[str | None] = mapped_column(String(20))  # left_at: when
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checkin_distance_m: Mapped[float | None] = mapped_column(Float)  # None: by code
    checkin_method: Mapped[str | None] = mapped_column(String(8))  # CheckInMethod (None: link)
    # A punishing mark inside its undo window: not yet the attendance, nothing texted or
    # fined; at pending_until it is applied (by whom, at what time) unless undone first.
    pending_mark: Mapped[str | None] = mapped_column(String(12))
    pending_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pending_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    pending_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pending_reason: Mapped[str | None] = mapped_column(String(20))  # a pending sent_home's

    order: Mapped[Order] = relationship(lazy="raise")
    worker: Mapped[Worker] = relationship(lazy="raise")


class OrderPattern(Timestamped, Base):
    """An order repeated every week on some weekdays until a date: each day's copy is placed
    lead_h hours before its start (dispatch/repeat/patterns.py). Deleting it stops it."""

    __tablename__ = "order_patterns"
    __table_args__ = (
        CheckConstraint("lead_h BETWEEN 1 AND 168", name="lead_h"),
        CheckConstraint(
            "cardinality(weekdays) BETWEEN 1 AND 7"
            " AND weekdays <@ ARRAY[1,2,3,4,5,6,7]::smallint[]",
            name="weekdays",
        ),
        # The job's sweep reads the live patterns only.
        Index("ix_order_patterns_live", "until", postgresql_where=text("stopped_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False, index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    weekdays: Mapped[list[int]] = mapped_column(ARRAY(SmallInteger), nullable=False)  # ISO, Mon=1
    until: Mapped[date] = mapped_column(Date, nullable=False)  # the last day, in branch time
    lead_h: Mapped[int] = mapped_column(Integer, nullable=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    stopped_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PatternDay(Base):
    """One day of a pattern, claimed once: the unique (pattern_id, day) lets one job place it."""

    __tablename__ = "order_pattern_days"
    __table_args__ = (UniqueConstraint("pattern_id", "day", name="uq_order_pattern_days_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pattern_id: Mapped[int] = mapped_column(ForeignKey("order_patterns.id"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    # The day's order, or none with the code of the rule that refused it (skipped for good).
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    refused: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
