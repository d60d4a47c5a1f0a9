"""The statuses are enums, each named set is defined once beside its enum (dispatch/enums.py,
sms/enums.py, workers/enums.py) and fits it, and the database's CHECKs allow exactly them."""

import ast
import re
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import get_args

import pytest
from sqlalchemy import text

from api.schemas.registry import WorkerOut, WorkerPatch
from api.schemas.shift import AttendanceIn
from dispatch import enums
from dispatch.enums import (
    ANSWERABLE,
    ATTENDANCE,
    CAME,
    CLOSED,
    ENDED,
    FILLABLE,
    IN_PLAY,
    LEFT_BEFORE_END,
    LIVE,
    LIVE_OR_AWAITING,
    NOT_CLOSED,
    OFFER_STATUSES,
    ORDER_STATUSES,
    OUTSTANDING,
    PUNISHING,
    SAID_YES,
    WORKED,
    Attendance,
    LineState,
    OfferStatus,
    OrderStatus,
    SentHomeReason,
)
from dispatch.orders import roster
from sms import enums as sms_enums
from sms.enums import FINISHED, INBOUND, STATUS_RANK, UNSENT, MessageStatus
from workers import enums as worker_enums
from workers.enums import STORED_STATUSES, ImportStatus, WorkerStatus

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("core", "geo", "workers", "rating", "sms", "dispatch", "api")
ENUMS = (
    OrderStatus,
    OfferStatus,
    Attendance,
    MessageStatus,
    WorkerStatus,
    LineState,
    SentHomeReason,
)
STATUS_WORDS = {status.value for enum in ENUMS for status in enum}

# Each status column's CHECK, and what it must allow: the enum, or the stored part of it.
CHECKS = [
    ("orders", "ck_orders_status", OrderStatus),
    ("offers", "ck_offers_status", OfferStatus),
    ("offers", "ck_offers_attendance", Attendance),
    ("offers", "ck_offers_pending_mark", PUNISHING),
    ("offers", "ck_offers_sent_home_reason", SentHomeReason),
    ("offers", "ck_offers_pending_reason", SentHomeReason),
    ("messages", "ck_messages_status", MessageStatus),
    ("workers", "ck_workers_status", STORED_STATUSES),
    # A pending line has no row (dispatch/shift/signoff.py).
    ("timesheet_signoffs", "ck_timesheet_signoffs_state", tuple(LineState)[1:]),
]


def test_every_order_is_either_closed_or_not_and_fillable_ones_are_not_closed():
    # An order awaiting approval is neither: nothing of the shift runs until it is approved.
    assert set(LIVE_OR_AWAITING) | set(CLOSED) == set(ORDER_STATUSES)
    assert set(LIVE_OR_AWAITING) - set(NOT_CLOSED) == {OrderStatus.AWAITING_APPROVAL}
    assert not set(LIVE_OR_AWAITING) & set(CLOSED)
    assert set(FILLABLE) == set(NOT_CLOSED) - {OrderStatus.IN_PROGRESS}
    assert set(OUTSTANDING) <= set(OFFER_STATUSES)


def test_the_offer_sets_fit_together():
    assert set(LIVE) == {*ANSWERABLE, OfferStatus.BOOKED}
    assert set(OUTSTANDING) <= set(ANSWERABLE)
    assert set(IN_PLAY) == {*OUTSTANDING, *SAID_YES}
    # Every offer is answerable, said yes or taken back (standby is both of the first two:
    # its NO is still heard); nothing taken back is either.
    assert set(ANSWERABLE) | set(SAID_YES) | set(ENDED) == set(OfferStatus)
    assert not (set(ANSWERABLE) | set(SAID_YES)) & set(ENDED)


def test_the_attendance_and_message_sets_fit_together():
    assert set(ATTENDANCE) == set(Attendance)
    assert set(PUNISHING) <= set(ATTENDANCE)
    assert set(CAME) == set(Attendance) - {Attendance.NO_SHOW}
    assert set(WORKED) <= set(CAME)
    assert set(LEFT_BEFORE_END) <= set(WORKED) & set(PUNISHING)
    assert set(UNSENT) | set(FINISHED) <= set(STATUS_RANK)
    assert min(STATUS_RANK[s] for s in FINISHED) > max(STATUS_RANK[s] for s in UNSENT)
    assert not set(INBOUND) & set(STATUS_RANK)
    assert set(STORED_STATUSES) <= set(WorkerStatus)


def test_every_offer_status_but_booked_is_a_standing_word():
    """An offer not booked stands where its status says (dispatch/orders/roster.py)."""
    assert set(OfferStatus) - {OfferStatus.BOOKED} <= set(roster.STANDINGS)
    assert set(Attendance) - {Attendance.RELEASED} <= set(roster.STANDINGS)
    assert {f"{mark}_pending" for mark in PUNISHING} <= set(roster.STANDINGS)


def _named_sets(module: ModuleType) -> dict[str, tuple[object, ...] | dict[object, object]]:
    return {
        name: value
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, tuple | dict)
    }


@pytest.mark.parametrize("module", [enums, sms_enums, worker_enums], ids=lambda m: m.__name__)
def test_each_named_set_is_made_of_one_enum_without_repeats(module):
    sets = _named_sets(module)
    assert sets
    for name, members in sets.items():
        kinds = {type(member) for member in members}
        if kinds == {str}:  # the staff roles' sets (dispatch/enums.py): plain names of ROLES
            assert set(members) <= set(enums.ROLES), f"{name} names an unknown role"
        else:
            assert len(kinds) == 1 and kinds <= {*ENUMS, ImportStatus}, f"{name} mixes {kinds}"
        assert len(set(members)) == len(members), f"{name} repeats a status"


def test_the_api_literals_are_the_enums():
    """The schemas spell the statuses out for the type checker; they must not drift."""
    assert get_args(AttendanceIn.model_fields["status"].annotation) == ATTENDANCE
    reason, nothing = get_args(AttendanceIn.model_fields["reason"].annotation)
    assert get_args(reason) == tuple(SentHomeReason) and nothing is type(None)
    assert get_args(WorkerPatch.model_fields["status"].annotation) == STORED_STATUSES
    assert set(get_args(WorkerOut.model_fields["status"].annotation)) == set(WorkerStatus)


def _allowed(definition: str) -> list[str]:
    """The values a CHECK of `column IN (...)` allows, as Postgres shows it back."""
    return re.findall(r"'([^']*)'::", definition)


@pytest.mark.parametrize("table, name, values", CHECKS, ids=[name for _, name, _ in CHECKS])
def test_the_database_check_allows_exactly_the_enum(session, table, name, values):
    definition = session.execute(
        text(
            "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = :table AND c.conname = :name"
        ),
        {"table": table, "name": name},
    ).scalar_one()
    allowed = _allowed(definition)
    assert sorted(allowed) == sorted(values), definition


def _status_collections(path: Path, enum: type[StrEnum]) -> list[int]:
    """Lines holding a hand-written tuple, list or set of two or more statuses of the enum and
    no word but statuses (a list of words that shares some, like the roster's, is not one);
    `Literal[...]` types are left to test_the_api_literals_are_the_enums."""
    tree = ast.parse(path.read_text(), str(path))
    literal_types = {
        id(node.slice)
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "Literal"
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and id(node) not in literal_types:
            words = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            own = [w for w in words if w in set(enum)]
            if len(own) >= 2 and all(w in STATUS_WORDS for w in words):
                found.append(node.lineno)
    return found


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_no_module_writes_its_own_set_of_statuses(enum):
    own = {
        str(path.relative_to(ROOT)): lines
        for package in SOURCES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "enums.py" and (lines := _status_collections(path, enum))
    }
    assert own == {}
