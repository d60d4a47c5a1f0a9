"""An order's rates from the rate card at placement and on a change (dispatch/rates/
order_rates.py): the client's row wins over the branch's, the order keeps a snapshot, typed
rates other than the card's need a reason (audited), a client never sends rates."""

from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.tenancy import SYSTEM, Actor
from dispatch.changes.patch import OrderChange, change_order
from dispatch.orders.errors import NoAgreedRate
from dispatch.rates.card import CardRow, lookup, replace_card
from dispatch.rates.errors import RateReasonMissing
from tests.builders import NOW, make_branch_site, make_client, make_order, make_site, make_user


@pytest.fixture
def world(session):
    branch, site = make_branch_site(session)
    other_site = make_site(session, client=make_client(session, branch=branch))
    replace_card(
        session,
        actor=SYSTEM,
        branch_id=branch.id,
        rows=[
            CardRow("loader", None, D("300"), D("200"), 20, 100, D("4")),
            CardRow("loader", site.client_id, D("350"), D("210"), 30, 50, D("0")),
        ],
    )
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    actor = Actor(user_id=dispatcher.id, name="d", role="dispatcher", branch_id=branch.id)
    return {"branch": branch, "site": site, "other_site": other_site, "actor": actor}


def _audits(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_no_rates_typed_take_the_card_the_clients_row_first(session, world):
    own = make_order(session, site=world["site"], client_rate=None, worker_rate=None)
    assert (own.client_rate, own.worker_rate, own.rate_source) == (D("350"), D("210"), "client")
    assert (own.night_pct, own.holiday_pct, own.min_hours) == (30, 50, D("0"))
    branchs = make_order(session, site=world["other_site"], client_rate=None, worker_rate=None)
    assert (branchs.client_rate, branchs.rate_source) == (D("300"), "card")
    assert (branchs.night_pct, branchs.holiday_pct, branchs.min_hours) == (20, 100, D("4"))
    found = lookup(session, world["branch"].id, world["site"].client_id, "loader")
    assert found is not None and found.source == "client"


def test_no_card_row_and_no_rates_is_refused_as_before(session, world):
    with pytest.raises(NoAgreedRate) as refused:
        make_order(session, site=world["site"], skill="packer", client_rate=None, worker_rate=None)
    assert refused.value.loc == ("body", "client_rate")
    typed = make_order(session, site=world["site"], skill="packer", rate_reason=None)
    assert (typed.client_rate, typed.rate_source, typed.night_pct) == (D("250"), "manual", 0)


def test_rates_other_than_the_cards_need_a_reason_and_are_audited(session, world):
    with pytest.raises(RateReasonMissing) as refused:
        make_order(session, site=world["other_site"], rate_reason="  ")
    assert refused.value.loc == ("body", "rate_reason")
    # The card's own rates typed need no reason.
    same = make_order(
        session,
        site=world["other_site"],
        client_rate=D("300"),
        worker_rate=D("200"),
        rate_reason=None,
    )
    assert same.rate_source == "card" and not _audits(session, "order.rates_override")
    typed = make_order(session, site=world["other_site"], rate_reason="a rush job")
    assert (typed.client_rate, typed.rate_source, typed.night_pct) == (D("250"), "manual", 20)
    [entry] = _audits(session, "order.rates_override")
    assert entry.entity_ids == [typed.id]
    assert entry.detail == {
        "card": {"client_rate": "300.00", "worker_rate": "200.00"},
        "typed": {"client_rate": "250.00", "worker_rate": "120.00"},
        "reason": "a rush job",
    }


def test_a_change_of_rates_follows_the_same_rule(session, world):
    order = make_order(session, site=world["other_site"], client_rate=None, worker_rate=None)
    now: datetime = NOW + timedelta(hours=1)
    change = OrderChange.of(client_rate=D("320"))
    with pytest.raises(RateReasonMissing):
        change_order(session, order.id, actor=world["actor"], change=change, now=now)
    change = OrderChange.of(client_rate=D("320"), rate_reason="night work agreed by phone")
    change_order(session, order.id, actor=world["actor"], change=change, now=now)
    assert (order.client_rate, order.worker_rate, order.rate_source) == (
        D("320"),
        D("200"),
        "manual",
    )
    assert len(_audits(session, "order.rates_override")) == 1
