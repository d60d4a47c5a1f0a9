"""Who read or changed what: admins see the network's log, managers their branch's."""

from tests.builders import KAZAN, auth, make_branch, make_user, make_worker


def test_worker_reads_are_logged_and_visible_to_the_branch_manager(client, session):
    own, other = make_branch(session), make_branch(session, center=KAZAN)
    worker = make_worker(session, branch=own)
    stranger = make_worker(session, branch=other)
    dispatcher = make_user(session, role="dispatcher", branch=own)
    assert client.get(f"/api/v1/workers/{worker.id}", headers=auth(dispatcher)).status_code == 200
    admin = make_user(session, role="admin")
    assert client.get(f"/api/v1/workers/{stranger.id}", headers=auth(admin)).status_code == 200

    manager = make_user(session, role="manager", branch=own)
    entries = client.get(
        "/api/v1/audit?entity=worker&action=worker.read", headers=auth(manager)
    ).json()
    assert [(e["actor"], e["entity_ids"]) for e in entries] == [(dispatcher.username, [worker.id])]
    network = client.get(
        f"/api/v1/audit?entity_id={stranger.id}&action=worker.read", headers=auth(admin)
    ).json()
    assert [(e["actor"], e["branch_id"]) for e in network] == [(admin.username, other.id)]


def test_dispatchers_and_foremen_cannot_read_the_log(client, session):
    branch = make_branch(session)
    for role in ("dispatcher", "foreman"):
        user = make_user(session, role=role, branch=branch)
        assert client.get("/api/v1/audit", headers=auth(user)).status_code == 403


def test_logins_are_logged(client, session):
    from tests.builders import PASSWORD

    user = make_user(session, role="admin")
    form = {"username": user.username, "password": PASSWORD}
    assert client.post("/api/v1/auth/token", data=form).status_code == 200
    entries = client.get("/api/v1/audit?action=auth.login", headers=auth(user)).json()
    assert [e["actor_user_id"] for e in entries] == [user.id]
