"""The console for issue 21's network roles: an owner lands on their branches and reads each
one's board, clients and workers with no write button; the call centre lands on its page;
the staff page adds owners (an admin) and managers (an owner)."""

from core.clock import now
from tests.api.console.helpers import sign_in
from tests.api.network_helpers import make_call_centre, make_organisation, make_owner
from tests.builders import (
    KAZAN,
    PASSWORD,
    make_branch,
    make_client,
    make_order,
    make_site,
    make_user,
    make_worker,
)


def _world(session):
    a1, a2, b1 = make_branch(session), make_branch(session), make_branch(session, center=KAZAN)
    things = {}
    for name, branch in (("a1", a1), ("a2", a2), ("b1", b1)):
        client = make_client(session, branch=branch, name=f"Клиент {name} {branch.id}")
        order = make_order(session, site=make_site(session, client=client), now=now())
        worker = make_worker(session, branch=branch)
        things[name] = {"branch": branch, "client": client, "order": order, "worker": worker}
    owner = make_owner(session, make_organisation(session, a1, a2))
    make_organisation(session, b1)
    return owner, things


def _login(client, user):
    client.get("/console/login")
    form = {"username": user.username, "password": PASSWORD, "next": "/console/"}
    form["csrf"] = client.cookies["brigada_csrf"]
    return client.post("/console/login", data=form, follow_redirects=False)


def test_an_owner_lands_on_their_branches(client, session):
    owner, things = _world(session)
    answer = _login(client, owner)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/network"
    page = client.get("/console/network")
    assert page.status_code == 200
    for name in ("a1", "a2"):
        assert f'id="branch-{things[name]["branch"].id}"' in page.text
    assert f'id="branch-{things["b1"]["branch"].id}"' not in page.text
    assert 'id="branch-pick"' in page.text


def test_an_owner_reads_a_branch_board_clients_and_workers_without_write_buttons(client, session):
    owner, things = _world(session)
    sign_in(client, owner)
    a1, a2, b1 = (things[n] for n in ("a1", "a2", "b1"))
    board = client.get("/console/", params={"branch": a1["branch"].id})
    assert board.status_code == 200

    def link(thing):  # the order's link, not its 3-digit code (which a phone or sum may hold)
        return f'href="/console/orders/{thing["order"].id}"'

    assert link(a1) in board.text and link(a2) not in board.text
    assert "/console/orders/new" not in board.text and "board.csv" not in board.text
    everything = client.get("/console/").text
    assert link(a1) in everything and link(a2) in everything
    assert link(b1) not in everything
    theirs = client.get("/console/", params={"branch": b1["branch"].id}).text
    assert link(b1) not in theirs and link(a1) not in theirs
    clients = client.get("/console/clients", params={"branch": a2["branch"].id})
    assert clients.status_code == 200
    assert a2["client"].name in clients.text and a1["client"].name not in clients.text
    assert "/console/clients/new" not in clients.text
    assert b1["client"].name not in client.get("/console/clients").text
    workers = client.get("/console/workers", params={"branch": a1["branch"].id})
    assert workers.status_code == 200
    assert a1["worker"].full_name in workers.text
    assert b1["worker"].full_name not in client.get("/console/workers").text
    assert "/console/workers/new" not in workers.text
    refused = client.get("/console/orders/new")
    assert refused.status_code == 403


def test_the_call_centre_lands_on_its_page_and_reads_any_branchs_clients(client, session):
    _, things = _world(session)
    user = make_call_centre(session)
    answer = _login(client, user)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/call-centre"
    listed = client.get("/console/clients", params={"branch": things["b1"]["branch"].id})
    assert listed.status_code == 200 and things["b1"]["client"].name in listed.text
    assert things["a1"]["client"].name not in listed.text
    assert client.get("/console/workers").status_code == 403
    assert client.get("/console/staff").status_code == 403


def test_an_admin_adds_an_owner_and_an_owner_adds_a_manager_on_the_staff_page(client, session):
    owner, things = _world(session)
    organisation_id = owner.organisation_id
    form = sign_in(client, make_user(session, role="admin"))
    page = client.get("/console/staff/new").text
    assert 'name="organisation_id"' in page and 'value="owner"' in page
    missing = client.post(
        "/console/staff/new", data={**form, "username": "new-owner", "role": "owner"}
    )
    assert missing.status_code == 422
    made = client.post(
        "/console/staff/new",
        data={**form, "username": "new-owner", "role": "owner", "organisation_id": organisation_id},
    )
    assert made.status_code == 200, made.text
    client.cookies.clear()
    form = sign_in(client, owner)
    page = client.get("/console/staff/new").text
    assert 'value="manager"' in page and 'value="dispatcher"' not in page
    picker = page.split('name="branch_id"')[1].split("</select>")[0]
    assert f'value="{things["a1"]["branch"].id}"' in picker
    assert f'value="{things["b1"]["branch"].id}"' not in picker
    a1 = things["a1"]["branch"].id
    added = client.post(
        "/console/staff/new",
        data={**form, "username": "owners-manager", "role": "manager", "branch_id": a1},
    )
    assert added.status_code == 200, added.text
    refused = client.post(
        "/console/staff/new",
        data={
            **form,
            "username": "x-manager",
            "role": "manager",
            "branch_id": things["b1"]["branch"].id,
        },
    )
    assert refused.status_code in (403, 404, 422)
    staff_page = client.get("/console/staff").text
    assert "owners-manager" in staff_page and "x-manager" not in staff_page
