"""An order's rules are one function that reads only: create_order runs it first, and the
console's field check runs it alone, drawing no number and writing nothing."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from core.audit import AuditEntry
from core.errors import InvalidInput, NotFound
from dispatch.models import Order
from dispatch.orders import service as orders
from dispatch.orders.service import OrderInput
from tests.builders import KAZAN, NOW, make_branch, make_client, make_site


def _input(site, **changes) -> OrderInput:
    starts_at = NOW + timedelta(days=1)
    data = OrderInput(
        site_id=site.id,
        skill="loader",
        headcount=4,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=8),
        client_rate=Decimal("250"),
        worker_rate=Decimal("120"),
    )
    return replace(data, **changes)


def _written(session) -> tuple:
    """Rows and the sequences' positions: a rolled-back INSERT still moves its sequence."""
    return (
        session.scalar(select(func.count()).select_from(Order)),
        session.scalar(select(func.count()).select_from(AuditEntry)),
        session.scalar(text("SELECT last_value FROM orders_id_seq")),
        session.scalar(text("SELECT last_value FROM audit_log_id_seq")),
    )


def test_checking_a_good_order_writes_nothing(session, site, dispatcher):
    before = _written(session)
    checked = orders.check_order(session, actor=dispatcher, data=_input(site), now=NOW)
    assert checked.site.id == site.id and checked.skill == "loader"
    assert not session.new and not session.dirty
    session.flush()
    assert _written(session) == before
    created = orders.create_order(session, actor=dispatcher, data=_input(site), now=NOW)
    assert created.id is not None and _written(session) != before  # the measure can see writes


BAD = [
    ({"headcount": 0}, "headcount", "headcount_out_of_range"),
    ({"skill": "astronaut"}, "skill", "unknown_skill"),
    ({"starts_at": NOW - timedelta(hours=1)}, "starts_at", "shift_in_past"),
    ({"ends_at": NOW + timedelta(hours=2)}, "ends_at", "shift_ends_before_start"),
    ({"ends_at": NOW + timedelta(days=3)}, "ends_at", "shift_too_long"),
    ({"worker_rate": Decimal("-1")}, "worker_rate", "negative_rate"),
    ({"foreman_id": 2147483000}, "foreman_id", "not_a_foreman"),
    ({"overbooking_mode": "greedy"}, "overbooking_mode", "policy_invalid"),
]


@pytest.mark.parametrize("changes, field, code", BAD)
def test_bad_input_gets_the_same_refusal_from_the_check_and_from_create(
    session, site, dispatcher, changes, field, code
):
    data = _input(site, **changes)
    before = _written(session)
    with pytest.raises(InvalidInput) as checked:
        orders.check_order(session, actor=dispatcher, data=data, now=NOW)
    with pytest.raises(InvalidInput) as created:
        orders.create_order(session, actor=dispatcher, data=data, now=NOW)
    assert checked.value.loc[-1] == created.value.loc[-1] == field
    assert checked.value.code == created.value.code == code
    assert checked.value.msg == created.value.msg
    assert _written(session) == before


def test_another_branchs_site_is_not_found_by_the_check(session, dispatcher):
    elsewhere = make_site(
        session, client=make_client(session, branch=make_branch(session)), at=KAZAN
    )
    with pytest.raises(NotFound):
        orders.check_order(session, actor=dispatcher, data=_input(elsewhere), now=NOW)
