"""Order, offer and attendance statuses, and the named sets of them the rules ask about: each
set once, here, beside its enum.

The members are `StrEnum`s: each is its plain string ("booked"), so it reads the same in SQL
(`Offer.status == OfferStatus.BOOKED`, `Order.status.in_(FILLABLE)`), in Python
(`order.status in FILLABLE`) and in the database, whose CHECKs are built from these enums
(`core.models.in_check`). Where a hand-written SQL string needs a list, `core.models.sql_list`
writes it."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dispatch.models import Order


class OrderStatus(StrEnum):
    # A client's order starting inside the branch's client_order_approval_h: nothing is sent
    # until the office approves it (dispatch/orders/approval.py).
    AWAITING_APPROVAL = "awaiting_approval"
    OPEN = "open"
    FILLING = "filling"
    FILLED = "filled"
    SHORT = "short"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class OfferStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    BOOKED = "booked"
    STANDBY = "standby"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    RELEASED = "released"


class Attendance(StrEnum):
    """A booked worker on site, as the foreman marked it (or the no-show sweep)."""

    ARRIVED = "arrived"
    LEFT_EARLY = "left_early"
    NO_SHOW = "no_show"
    RELEASED = "released"  # came, but not needed: sent home with show-up pay
    SENT_HOME = "sent_home"  # came, but unfit to work (a reason, SENT_HOME_REASONS): a penalty


class SentHomeReason(StrEnum):
    """Why a foreman sent a worker home unfit (offers.sent_home_reason): stable codes, said in
    the console's and the worker's language."""

    INTOXICATED = "intoxicated"
    NO_SAFETY_GEAR = "no_safety_gear"
    REFUSED_TASK = "refused_task"
    OTHER = "other"


class CheckInMethod(StrEnum):
    """How a worker checked in: the link's geofence, or the site's code by SMS (issue 20)."""

    LINK = "link"
    CODE = "code"


class LineState(StrEnum):
    """A timesheet line's sign-off by the client (dispatch/shift/signoff.py); pending has no
    row in timesheet_signoffs."""

    PENDING = "pending"
    APPROVED = "approved"
    DISPUTED = "disputed"
    SETTLED = "settled"


LINE_STATES = tuple(LineState)
ORDER_STATUSES = tuple(OrderStatus)
OFFER_STATUSES = tuple(OfferStatus)
ATTENDANCE = tuple(Attendance)
SENT_HOME_REASONS = tuple(SentHomeReason)

# --- orders
# Before the shift: offers go out, answers book, waves run, confirmations are asked.
FILLABLE = (OrderStatus.OPEN, OrderStatus.FILLING, OrderStatus.FILLED, OrderStatus.SHORT)
# Not yet closed: the shift is ahead or under way (marks, the sweep, the close).
NOT_CLOSED = (*FILLABLE, OrderStatus.IN_PROGRESS)
# Not closed, or not yet begun at all: awaiting the office's approval (unique codes, a site's
# orders).
LIVE_OR_AWAITING = (OrderStatus.AWAITING_APPROVAL, *NOT_CLOSED)
# Done with: completed or cancelled.
CLOSED = (OrderStatus.COMPLETED, OrderStatus.CANCELLED)

# --- offers
# Still waiting for an answer.
OUTSTANDING = (OfferStatus.QUEUED, OfferStatus.SENT)
# Said yes: booked, or on standby for a place that frees up (an order's roster).
SAID_YES = (OfferStatus.BOOKED, OfferStatus.STANDBY)
# Taken back (by the worker, the office or the deadline): a later YES does not revive them.
ENDED = (OfferStatus.CANCELLED, OfferStatus.RELEASED)
# Still in play: waiting for an answer, booked or on standby (told when the order is off).
IN_PLAY = (*OUTSTANDING, *SAID_YES)
# A worker's YES or NO can still be about these (the expired and the declined may still book).
ANSWERABLE = (
    OfferStatus.QUEUED,
    OfferStatus.SENT,
    OfferStatus.STANDBY,
    OfferStatus.EXPIRED,
    OfferStatus.DECLINED,
)
# Offers a reply can be about: still waiting on the worker's word, or the worker's booking.
LIVE = (*ANSWERABLE, OfferStatus.BOOKED)
# Counted apart in an order's state (besides every offer made).
COUNTED = (OfferStatus.BOOKED, OfferStatus.STANDBY, OfferStatus.DECLINED, OfferStatus.CANCELLED)

# --- attendance
# Marks that punish (a penalty text, a fine, a suspension): a person's such mark waits out
# the branch's undo_window_s as pending before it counts (dispatch/shift/onsite.py).
PUNISHING = (Attendance.NO_SHOW, Attendance.LEFT_EARLY, Attendance.SENT_HOME)
# Came at all (left early, released extras and the sent home included): the worker may be
# reviewed.
CAME = (Attendance.ARRIVED, Attendance.LEFT_EARLY, Attendance.RELEASED, Attendance.SENT_HOME)
# Came and worked (left early and sent home included: until they left): an arrival to judge,
# hours to pay.
WORKED = (Attendance.ARRIVED, Attendance.LEFT_EARLY, Attendance.SENT_HOME)
# Ended before the end of the shift, at left_at: hours are paid until then.
LEFT_BEFORE_END = (Attendance.LEFT_EARLY, Attendance.SENT_HOME)


def filling_open(order: "Order", now: datetime) -> bool:
    """Before the shift, while it fills: answers book, offers and waves go out, bookings
    change. The one test of "filling is still open" (the office, the pushes, the answers).
    An order topped up after its start (dispatch/changes/topup.py) fills until its end."""
    if order.status in FILLABLE and now < order.starts_at:
        return True
    return (
        order.topped_up_at is not None
        and order.status in NOT_CLOSED
        and order.closed_at is None
        and now < order.ends_at
    )


# -- staff roles and who may reach what: every route, page and rule asks these sets ----------
# admin: the whole network; manager, dispatcher, recruiter: one branch; foreman: the orders
# assigned to them. A recruiter registers and vets workers (lists, reads, creates, edits and
# imports them) and reaches no order, client or site. A client user (and a client's API key)
# is bound to one client of one branch: that client's sites (read), orders, timesheets,
# favourites and blocks, nothing else (dispatch/registry/client_side/tenancy.py); a client
# admin also keeps the client's users and keys.

CLIENT = "client"
OWNER = "owner"
CALL_CENTRE = "call_centre"
# owner: an organisation's branches (read, and their managers); call_centre: places orders for
# any branch (issue 21).
ROLES = ("admin", "owner", "call_centre", "manager", "dispatcher", "foreman", "recruiter", CLIENT)
# Roles of no one branch (users.branch_id empty): the network's, or an organisation's.
BRANCHLESS = ("admin", "owner", "call_centre")
# Those who see orders (a foreman only the ones assigned to them).
STAFF = ("admin", "manager", "dispatcher", "foreman")
# The office: clients, sites, orders and the workers' base.
OFFICE = ("admin", "manager", "dispatcher")
# Those who tune a branch and keep its staff.
MANAGERS = ("admin", "manager")
# Those who keep the workers' base: the office and the branch's recruiters.
WORKER_DESK = (*OFFICE, "recruiter")
# Every staff member (reading their own branch, say).
EVERYONE = (*STAFF, "recruiter")
# The roles a manager adds and manages in their own branch; the rest are an admin's (client
# users are added on their client's page: dispatch/registry/client_side/users.py).
MANAGED_BY_MANAGERS = ("dispatcher", "foreman", "recruiter")
# Those who place, change and cancel a client's orders: the office, and the client itself.
ORDERING = (*OFFICE, CLIENT)
# Those who read orders and their timesheets (a foreman, a client: only their own orders).
ORDER_READERS = (*STAFF, CLIENT)
# A client's own things (sites to read, favourites, blocks): the office and the client.
CLIENT_DESK = (*OFFICE, CLIENT)

# Issue 21's network roles READ what the office reads (an owner: their organisation's branches,
# like a manager of them; the call centre: clients, sites and orders of every branch, never a
# worker's person) and write nothing of the daily work. These are the read routes' sets.
OFFICE_READERS = (*OFFICE, OWNER)
MANAGER_READERS = (*MANAGERS, OWNER)
WORKER_DESK_READERS = (*WORKER_DESK, OWNER)
STAFF_READERS = (*STAFF, OWNER)
EVERYONE_READERS = (*EVERYONE, OWNER, CALL_CENTRE)
CLIENT_DESK_READERS = (*CLIENT_DESK, OWNER)
SHEET_READERS = (*ORDER_READERS, OWNER)  # an order's timesheet
# Orders, clients and sites: the call centre too (to find a caller's client and their orders).
ORDER_LOOKERS = (*ORDER_READERS, OWNER, CALL_CENTRE)
CLIENT_LOOKERS = (*OFFICE, OWNER, CALL_CENTRE)
SITE_LOOKERS = (*CLIENT_DESK, OWNER, CALL_CENTRE)
# An owner adds, switches off and on, and gives passwords to their branches' managers.
USER_KEEPERS = (*MANAGERS, OWNER)
