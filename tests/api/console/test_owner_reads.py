"""An owner reads everything of their branches in the console, read-only (issue 21): an order's
page, its live part and its timesheet, the sites, a client's page, a worker's profile, the
message log and the verdict queues; no write form or button on any of them, writes refused
(403), another organisation's things 404; each worker read audited under the worker's branch."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from tests.api.console.helpers import sign_in
from tests.api.network_helpers import make_organisation, make_owner
from tests.builders import (
    KAZAN,
    make_branch,
    make_client,
    make_closed_through_api,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)

# Any form that posts, but the sign-out form every page carries.
POSTS = re.compile(r'<form method="post" action="(?!/console/logout)')


def _branch_things(session, branch, near=None):
    client = make_client(session, branch=branch)
    site = make_site(session, client=client, **({"at": near} if near else {}))
    order = make_order(session, site=site, now=now())
    worker = make_worker(session, branch=branch, **({"near": near} if near else {}))
    make_offer(session, order=order, worker=worker)
    return {"branch": branch, "client": client, "site": site, "order": order, "worker": worker}


@pytest.fixture
def world(session):
    """An owner of branch A's organisation; branch B is another organisation's."""
    own, other = make_branch(session), make_branch(session, center=KAZAN)
    owner = make_owner(session, make_organisation(session, own))
    make_organisation(session, other)
    return {
        "owner": owner,
        "own": _branch_things(session, own),
        "other": _branch_things(session, other, near=KAZAN),
    }


def test_an_owner_reads_an_order_page_and_its_live_part_without_write_forms(client, world):
    sign_in(client, world["owner"])
    order, worker = world["own"]["order"], world["own"]["worker"]
    page = client.get(f"/console/orders/{order.id}")
    assert page.status_code == 200
    assert worker.full_name in page.text  # the roster, as a manager of the branch sees it
    assert not POSTS.search(page.text), POSTS.search(page.text)
    for write in ("/cancel", "/book", "/repeat", "/edit", "/next-wave", "/widen", "/retext"):
        assert f'/console/orders/{order.id}{write}"' not in page.text, write
    live = client.get(f"/console/orders/{order.id}/live")
    assert live.status_code == 200 and worker.full_name in live.text
    assert not POSTS.search(live.text)


def test_a_manager_still_sees_the_order_pages_write_forms(client, session, world):
    """The other side of the test above: the forms are hidden for the owner alone."""
    manager = make_user(session, role="manager", branch=world["own"]["branch"])
    sign_in(client, manager)
    page = client.get(f"/console/orders/{world['own']['order'].id}").text
    assert POSTS.search(page)


def test_an_owner_gets_404_for_another_organisations_order_and_403_for_a_write(client, world):
    form = sign_in(client, world["owner"])
    theirs = world["other"]["order"]
    for path in (f"/console/orders/{theirs.id}", f"/console/orders/{theirs.id}/live"):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/console/orders/{theirs.id}/timesheet").status_code == 404
    mine = world["own"]["order"]
    refused = client.post(f"/console/orders/{mine.id}/cancel", data={**form, "reason": "no"})
    assert refused.status_code == 403


def test_an_owner_reads_a_closed_orders_timesheet_without_sign_off_forms(client, session):
    branch, _, order, workers = make_closed_through_api(
        client, session, crew=2, started_ago=timedelta(hours=2), undo_window_s=0
    )
    owner = make_owner(session, make_organisation(session, branch))
    client.cookies.clear()
    sign_in(client, owner)
    page = client.get(f"/console/orders/{order.id}/timesheet")
    assert page.status_code == 200
    assert page.text.count('data-state="pending"') == 2
    assert all(w.full_name in page.text for w in workers)
    assert not POSTS.search(page.text)
    order_page = client.get(f"/console/orders/{order.id}").text
    assert f'href="/console/orders/{order.id}/timesheet"' in order_page
    assert f"/console/foreman/orders/{order.id}/close" not in order_page


def test_an_owner_lists_the_sites_of_one_branch_and_reads_a_site(client, world):
    sign_in(client, world["owner"])
    mine, theirs = world["own"], world["other"]
    listed = client.get("/console/sites", params={"branch": mine["branch"].id})
    assert listed.status_code == 200
    assert f'id="site-{mine["site"].id}"' in listed.text
    assert f'id="site-{theirs["site"].id}"' not in listed.text
    everything = client.get("/console/sites").text
    assert f'id="site-{theirs["site"].id}"' not in everything
    other_branch = client.get("/console/sites", params={"branch": theirs["branch"].id}).text
    assert f'id="site-{theirs["site"].id}"' not in other_branch
    site = client.get(f"/console/sites/{mine['site'].id}")
    assert site.status_code == 200 and 'id="site-read"' in site.text
    assert not POSTS.search(site.text)
    assert client.get(f"/console/sites/{theirs['site'].id}").status_code == 404
    assert 'href="/console/sites?branch=' in client.get("/console/network").text


def test_an_owner_reads_a_client_page_without_forms(client, world):
    sign_in(client, world["owner"])
    mine, theirs = world["own"], world["other"]
    page = client.get(f"/console/clients/{mine['client'].id}")
    assert page.status_code == 200 and mine["client"].name in page.text
    assert 'id="client-details"' in page.text
    assert not POSTS.search(page.text)
    assert "/sites/new" not in page.text
    assert client.get(f"/console/clients/{theirs['client'].id}").status_code == 404


def test_an_owner_reads_a_worker_profile_audited_under_the_workers_branch(client, session, world):
    sign_in(client, world["owner"])
    mine, theirs = world["own"], world["other"]
    worker = mine["worker"]
    page = client.get(f"/console/workers/{worker.id}")
    assert page.status_code == 200
    assert worker.full_name in page.text and worker.phone in page.text
    assert not POSTS.search(page.text)
    assert f"/console/workers/{worker.id}/edit" not in page.text
    assert client.get(f"/console/workers/{theirs['worker'].id}").status_code == 404
    read = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "worker.read", AuditEntry.actor_user_id == world["owner"].id
        )
    ).all()
    assert [(r.entity_ids, r.branch_id) for r in read] == [([worker.id], mine["branch"].id)]


def test_an_owners_order_page_read_is_audited_under_the_workers_branch(client, session, world):
    """show_workers audited an owner's reads under their own branch, which is none: the
    branch whose worker was read never saw the read in its audit."""
    sign_in(client, world["owner"])
    mine = world["own"]
    assert client.get(f"/console/orders/{mine['order'].id}").status_code == 200
    listed = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "worker.list", AuditEntry.actor_user_id == world["owner"].id
        )
    ).all()
    assert listed and all(r.branch_id == mine["branch"].id for r in listed)
    assert any(mine["worker"].id in r.entity_ids for r in listed)


def test_an_owner_reads_the_message_log_and_the_verdict_queues(client, world):
    sign_in(client, world["owner"])
    for path in ("/console/messages", "/console/disputes", "/console/worker-disputes"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert not POSTS.search(page.text), path
    quality = client.get("/console/quality")
    assert quality.status_code == 200 and not POSTS.search(quality.text)
    log = client.get("/console/messages", params={"worker_id": world["other"]["worker"].id})
    assert log.status_code == 200 and world["other"]["worker"].phone not in log.text
    assert "messages.csv" not in log.text
