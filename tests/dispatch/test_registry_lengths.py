"""Texts longer than their columns are refused by the domain, naming the field (TextTooLong),
never cut and never a database error: sites' name and address, clients' name, details and
block reasons."""

import pytest

from core.errors import TextTooLong
from core.tenancy import Actor
from dispatch.registry import clients, sites
from dispatch.registry.sites import SITE_CLIENT
from geo.points import Point
from tests.builders import make_branch, make_client, make_site, make_user, make_worker


@pytest.fixture
def desk(session):
    branch = make_branch(session)
    user = make_user(session, role="dispatcher", branch=branch)
    return branch, Actor(user.id, user.username, "dispatcher", branch.id)


@pytest.mark.parametrize(
    "field, value", [("name", "С" * 201), ("address", "у" * 301)], ids=["name", "address"]
)
def test_a_site_text_longer_than_its_column_is_refused_by_name(session, desk, field, value):
    branch, actor = desk
    owner = make_client(session, branch=branch)
    texts = {"name": "Ворота", "address": "ул. Ленина, 5", field: value}
    with pytest.raises(TextTooLong) as refused:
        sites.create_site(
            session, actor=actor, client_id=owner.id, location=Point(55.75, 37.62), **texts
        )
    assert refused.value.loc == ("body", field)
    site = sites.get_site(
        session, make_site(session, client=owner).id, actor=actor, options=SITE_CLIENT
    )
    with pytest.raises(TextTooLong) as refused:
        sites.update_site(session, site, actor=actor, changes={field: value})
    assert refused.value.loc == ("body", field)
    fits = {"name": "С" * 200, "address": "у" * 300}[field]  # the longest that fits is kept
    sites.update_site(session, site, actor=actor, changes={field: fits})
    session.flush()


def test_a_client_name_detail_or_block_reason_too_long_is_refused_by_name(session, desk):
    branch, actor = desk
    with pytest.raises(TextTooLong) as refused:
        clients.create_client(session, actor=actor, branch_id=branch.id, name="К" * 201)
    assert refused.value.loc == ("body", "name")
    owner = clients.create_client(session, actor=actor, branch_id=branch.id, name="К" * 200)
    with pytest.raises(TextTooLong) as refused:
        clients.update_client(session, owner, actor=actor, changes={"name": "К" * 201})
    assert refused.value.loc == ("body", "name")
    with pytest.raises(TextTooLong) as refused:
        clients.update_client(session, owner, actor=actor, changes={"legal_address": "а" * 501})
    assert refused.value.loc == ("body", "legal_address")
    worker = make_worker(session, branch=branch)
    with pytest.raises(TextTooLong) as refused:
        clients.block_worker(
            session, actor=actor, client_id=owner.id, worker_id=worker.id, reason="п" * 1001
        )
    assert refused.value.loc == ("body", "reason")
