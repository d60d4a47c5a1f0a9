"""An owner through the JSON API (issue 21): who they are (/auth/me names their organisation
and its branches, as they are now), their branches' sites one branch at a time, an order's
timesheet read like a manager of the branch, each worker read audited under the worker's
branch."""

from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from tests.api.console.helpers import sign_in
from tests.api.network_helpers import make_organisation, make_owner
from tests.builders import (
    KAZAN,
    auth,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)

API = "/api/v1"


def test_me_names_an_owners_organisation_and_its_branches(client, session):
    a1, a2, other = make_branch(session), make_branch(session), make_branch(session)
    organisation = make_organisation(session, a1, a2)
    owner = make_owner(session, organisation)
    me = client.get(f"{API}/auth/me", headers=auth(owner)).json()
    assert me["role"] == "owner" and me["branch_id"] is None
    assert me["organisation_id"] == organisation.id
    assert me["branch_ids"] == sorted([a1.id, a2.id])
    other.organisation_id = organisation.id  # a branch joining the organisation: seen at once
    session.flush()
    me = client.get(f"{API}/auth/me", headers=auth(owner)).json()
    assert me["branch_ids"] == sorted([a1.id, a2.id, other.id])
    manager = client.get(
        f"{API}/auth/me", headers=auth(make_user(session, role="manager", branch=a1))
    )
    assert manager.json()["organisation_id"] is None and manager.json()["branch_ids"] is None


def test_an_owner_lists_the_sites_of_one_of_their_branches(client, session):
    a1, a2, theirs = make_branch(session), make_branch(session), make_branch(session, center=KAZAN)
    owner = make_owner(session, make_organisation(session, a1, a2))
    make_organisation(session, theirs)
    site = {
        b.id: make_site(session, client=make_client(session, branch=b)) for b in (a1, a2, theirs)
    }
    headers = auth(owner)

    def listed(**params) -> set[int]:
        answer = client.get(f"{API}/sites", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return {s["id"] for s in answer.json()}

    assert listed(branch_id=a1.id) == {site[a1.id].id}
    assert listed(branch_id=a2.id) == {site[a2.id].id}
    assert listed() == {site[a1.id].id, site[a2.id].id}
    assert listed(branch_id=theirs.id) == set()  # another organisation's: nothing
    bad = client.get(f"{API}/sites", params={"branch_id": "x"}, headers=headers)
    assert bad.status_code == 422 and "branch_id" in bad.text


def test_an_owners_timesheet_read_is_audited_under_each_workers_branch(client, session):
    """Names an owner reads were audited under the order's branch, or none at all (the
    owner's own): a worker of their other branch, booked here, went unseen by that branch's
    audit. Each is audited under the worker's branch."""
    a1, a2 = make_branch(session), make_branch(session)
    owner = make_owner(session, make_organisation(session, a1, a2))
    site = make_site(session, client=make_client(session, branch=a1))
    order = make_order(session, site=site, now=now())
    home, lent = make_worker(session, branch=a1), make_worker(session, branch=a2)
    for worker in (home, lent):
        make_offer(session, order=order, worker=worker)
    answer = client.get(f"{API}/orders/{order.id}/timesheet", headers=auth(owner))
    assert answer.status_code == 200
    names = {line["full_name"] for line in answer.json()["lines"]}
    assert names == {home.full_name, lent.full_name}
    rows = session.scalars(
        select(AuditEntry).where(
            AuditEntry.actor_user_id == owner.id, AuditEntry.entity == "worker"
        )
    ).all()
    audited = {(worker_id, row.branch_id) for row in rows for worker_id in row.entity_ids}
    assert audited == {(home.id, a1.id), (lent.id, a2.id)}


def test_an_owners_lists_and_searches_of_workers_are_audited_under_each_workers_branch(
    client, session
):
    """GET /workers and the console's search logged an owner's reads under no branch."""
    a1, a2 = make_branch(session), make_branch(session)
    owner = make_owner(session, make_organisation(session, a1, a2))
    first, second = make_worker(session, branch=a1), make_worker(session, branch=a2)
    listed = client.get(f"{API}/workers", headers=auth(owner))
    assert listed.status_code == 200
    assert {w["id"] for w in listed.json()} >= {first.id, second.id}
    sign_in(client, owner)
    assert client.get("/console/workers", params={"q": "Иванов"}).status_code == 200
    rows = session.scalars(select(AuditEntry).where(AuditEntry.actor_user_id == owner.id)).all()
    for action in ("worker.list", "worker.search"):
        audited = {(i, r.branch_id) for r in rows if r.action == action for i in r.entity_ids}
        assert {(first.id, a1.id), (second.id, a2.id)} <= audited, action
        assert all(branch is not None for _, branch in audited), action
