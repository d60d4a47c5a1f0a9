"""The card has two writers (the branch's card page and a client's page): one rule for who may
write, and one lock (the branch row) so they take turns instead of mixing their rows."""

from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from core.db import session_scope
from core.tenancy import SYSTEM
from dispatch.client_models import ClientRate
from dispatch.rates.agreed import AgreedRate, replace_rates
from dispatch.rates.card import CardRow, replace_card
from dispatch.rates.errors import CardManagersOnly
from dispatch.registry.staff import actor_of
from tests.builders import make_branch, make_client, make_user
from tests.committed import purge_branch

LOADER = AgreedRate("loader", Decimal("400"), Decimal("250"))


def test_a_dispatcher_does_not_set_a_clients_rates(session, site, dispatcher):
    with pytest.raises(CardManagersOnly):
        replace_rates(session, actor=dispatcher, client_id=site.client_id, rates=[LOADER])
    assert (
        session.scalars(select(ClientRate).where(ClientRate.client_id == site.client_id)).all()
        == []
    )


def test_a_manager_sets_a_clients_rates(session, branch, site):
    manager = actor_of(make_user(session, role="manager", branch=branch))
    rows = replace_rates(session, actor=manager, client_id=site.client_id, rates=[LOADER])
    assert [(r.skill, r.client_rate) for r in rows] == [("loader", Decimal("400.00"))]


@pytest.fixture
def committed_client(engine):
    with session_scope() as s:
        branch = make_branch(s)
        client = make_client(s, branch=branch)
        ids = branch.id, client.id
    yield ids
    with session_scope() as s:
        purge_branch(s, ids[0])


def test_the_card_waits_for_a_clients_rates_being_written(factory, committed_client):
    branch_id, client_id = committed_client
    first, second = factory(), factory()
    try:
        replace_rates(first, actor=SYSTEM, client_id=client_id, rates=[LOADER])  # not committed
        second.execute(text("SET LOCAL lock_timeout = '500ms'"))
        packer = CardRow("packer", client_id, Decimal("300"), Decimal("200"))
        # Without the branch lock the card would write packer beside loader: both commit and
        # the client has rows neither writer asked for.
        with pytest.raises(OperationalError, match="lock timeout"):
            replace_card(second, actor=SYSTEM, branch_id=branch_id, rows=[packer])
    finally:
        second.rollback()
        first.rollback()
        first.close()
        second.close()
