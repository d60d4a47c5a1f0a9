"""Staff who leave are switched off (every session ends at once) and back on; passwords are
changed by their owner (the old one required) or reset by an admin or a manager to a
one-time password that confines the user to choosing their own (issue 13, item 9)."""

import threading
import time
import uuid

import pytest
from sqlalchemy import delete, select, text, update

from core.audit import AuditEntry
from core.db import session_scope
from dispatch.models import User
from dispatch.registry import accounts
from dispatch.registry.errors import LastActiveAdmin
from dispatch.registry.staff import actor_of, hash_password
from tests.api.console.helpers import sign_in
from tests.builders import KAZAN, PASSWORD, auth, make_branch, make_user

API = "/api/v1"
ME = f"{API}/auth/me"
NEW_PASSWORD = "a-brand-new-passphrase"


def login(client, username: str, password: str = PASSWORD):
    return client.post(f"{API}/auth/token", data={"username": username, "password": password})


def bearer(answer) -> dict[str, str]:
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def actions(session, action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(session.scalars(query))


@pytest.fixture
def branch(session):
    return make_branch(session)


@pytest.fixture
def only_admins(session):
    """Admins of this test alone are active (others committed by no one, but be sure)."""
    session.execute(update(User).where(User.role == "admin").values(active=False))

    def make(n: int) -> list[User]:
        return [make_user(session, role="admin") for _ in range(n)]

    return make


# -- switching off and on ------------------------------------------------------------------


def test_a_deactivated_users_token_and_console_session_end_at_once(client, session, branch):
    manager = make_user(session, role="manager", branch=branch)
    leaver = make_user(session, role="dispatcher", branch=branch)
    token = bearer(login(client, leaver.username))
    assert client.get(ME, headers=token).status_code == 200
    sign_in(client, leaver)
    assert client.get("/console/", follow_redirects=False).status_code == 200

    answer = client.post(f"{API}/users/{leaver.id}/deactivate", headers=auth(manager))

    assert answer.status_code == 204, answer.text
    assert client.get(ME, headers=token).status_code == 401
    page = client.get("/console/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/console/login")
    assert login(client, leaver.username).status_code == 401
    session.refresh(leaver)
    assert leaver.active is False and leaver.token_version == 1
    [entry] = actions(session, "user.deactivate")
    assert (entry.actor_user_id, entry.entity_ids, entry.branch_id) == (
        manager.id,
        [leaver.id],
        branch.id,
    )


def test_reactivation_lets_them_sign_in_again_but_not_with_old_tokens(client, session, branch):
    manager = make_user(session, role="manager", branch=branch)
    leaver = make_user(session, role="foreman", branch=branch)
    old = bearer(login(client, leaver.username))
    assert client.post(f"{API}/users/{leaver.id}/deactivate", headers=auth(manager)).status_code
    assert (
        client.post(f"{API}/users/{leaver.id}/deactivate", headers=auth(manager)).status_code == 204
    )

    assert (
        client.post(f"{API}/users/{leaver.id}/activate", headers=auth(manager)).status_code == 204
    )

    assert client.get(ME, headers=old).status_code == 401
    assert client.get(ME, headers=bearer(login(client, leaver.username))).status_code == 200
    assert len(actions(session, "user.deactivate")) == 1  # the second was a no-op
    assert len(actions(session, "user.activate")) == 1


def test_who_may_switch_whom_off(client, session, branch):
    other = make_branch(session, center=KAZAN)
    manager = make_user(session, role="manager", branch=branch)
    peer = make_user(session, role="manager", branch=branch)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    stranger = make_user(session, role="dispatcher", branch=other)
    admin = make_user(session, role="admin")

    def off(user, headers):
        return client.post(f"{API}/users/{user.id}/deactivate", headers=headers)

    assert off(stranger, auth(manager)).status_code == 404  # another branch's: not there
    assert off(admin, auth(manager)).status_code == 404
    refused = off(peer, auth(manager))
    assert refused.status_code == 403
    assert refused.json()["code"] == "may_not_manage_user"
    assert off(manager, auth(dispatcher)).status_code == 403  # not a manager at all
    assert off(peer, auth(admin)).status_code == 204
    assert off(stranger, auth(admin)).status_code == 204
    assert client.post(f"{API}/users/2147483647/deactivate", headers=auth(admin)).status_code == 404
    session.refresh(dispatcher)
    assert dispatcher.active is True


def test_the_last_active_admin_cannot_be_switched_off(client, session, only_admins):
    first, second = only_admins(2)

    assert (
        client.post(f"{API}/users/{second.id}/deactivate", headers=auth(first)).status_code == 204
    )
    refused = client.post(f"{API}/users/{first.id}/deactivate", headers=auth(first))

    assert refused.status_code == 409
    assert refused.json()["code"] == "last_active_admin"
    assert "last active admin" in refused.json()["detail"]
    session.refresh(first)
    assert first.active is True
    assert client.get(ME, headers=auth(first)).status_code == 200  # nothing of it was written


def _waiting_for_a_lock(timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with session_scope() as session:
            waiting = session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
            )
        if waiting:
            return True
        time.sleep(0.02)
    return False


def test_two_admins_switching_each_other_off_at_once_leave_one_active():
    """Two transactions on their own connections: each would see two active admins if it
    only counted; the locked rows make the second wait, then see one, and refuse."""
    tag = uuid.uuid4().hex[:8]
    with session_scope() as session:
        others = session.scalar(
            select(User.id).where(User.role == "admin", User.active.is_(True)).limit(1)
        )
        assert others is None, "this test needs a database with no committed active admin"
        a = User(username=f"race-a-{tag}", password_hash=hash_password(PASSWORD), role="admin")
        b = User(username=f"race-b-{tag}", password_hash=hash_password(PASSWORD), role="admin")
        session.add_all([a, b])
        session.flush()
        actor_a, actor_b, ids = actor_of(a), actor_of(b), (a.id, b.id)
    first_holds_locks, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with session_scope() as session:
                accounts.deactivate(session, actor=actor_a, user_id=ids[1])
                first_holds_locks.set()
                release.wait(10)  # commits only once the second is queued behind it
            outcome["first"] = "deactivated"
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            outcome["first"] = exc
            first_holds_locks.set()

    def second() -> None:
        first_holds_locks.wait(10)
        try:
            with session_scope() as session:
                accounts.deactivate(session, actor=actor_b, user_id=ids[0])
            outcome["second"] = "deactivated"
        except Exception as exc:
            outcome["second"] = exc

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    try:
        for thread in threads:
            thread.start()
        first_holds_locks.wait(10)
        queued = _waiting_for_a_lock(3)
        release.set()
        for thread in threads:
            thread.join(20)
        assert outcome["first"] == "deactivated"
        assert isinstance(outcome["second"], LastActiveAdmin), outcome["second"]
        assert queued, "the second deactivation never waited for the first's row locks"
        with session_scope() as session:
            active = session.scalars(select(User.id).where(User.id.in_(ids), User.active))
            assert list(active) == [ids[0]]
    finally:
        release.set()
        with session_scope() as session:
            session.execute(delete(AuditEntry).where(AuditEntry.entity_ids.contains([ids[0]])))
            session.execute(delete(AuditEntry).where(AuditEntry.entity_ids.contains([ids[1]])))
            session.execute(delete(User).where(User.id.in_(ids)))


# -- changing one's own password -----------------------------------------------------------


def _change(client, headers, old: str, new: str):
    return client.post(
        f"{API}/auth/password", json={"old_password": old, "new_password": new}, headers=headers
    )


@pytest.mark.parametrize(
    ("old", "new", "field", "code"),
    [
        ("not-my-password", NEW_PASSWORD, "old_password", "wrong_password"),
        ("", NEW_PASSWORD, "old_password", "field_required"),
        (PASSWORD, "", "new_password", "weak_password"),
        (PASSWORD, "          ", "new_password", "weak_password"),
        (PASSWORD, "short", "new_password", "weak_password"),
        (PASSWORD, PASSWORD, "new_password", "weak_password"),
        (PASSWORD, "USERNAME", "new_password", "weak_password"),
    ],
)
def test_a_bad_password_change_names_the_field_and_writes_nothing(
    client, session, branch, old, new, field, code
):
    user = make_user(
        session, role="dispatcher", branch=branch, username=f"user-{uuid.uuid4().hex[:6]}"
    )
    headers = bearer(login(client, user.username))
    new = user.username if new == "USERNAME" else new

    answer = _change(client, headers, old, new)

    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", field]
    assert answer.json()["code"] == code
    assert client.get(ME, headers=headers).status_code == 200  # no session ended
    assert login(client, user.username).status_code == 200
    assert actions(session, "auth.password_change") == []


def test_changing_ones_password_needs_the_old_one_and_ends_every_session(client, session, branch):
    user = make_user(session, role="foreman", branch=branch)
    laptop, phone = bearer(login(client, user.username)), bearer(login(client, user.username))

    assert _change(client, laptop, PASSWORD, NEW_PASSWORD).status_code == 204

    assert client.get(ME, headers=phone).status_code == 401
    assert client.get(ME, headers=laptop).status_code == 401
    assert login(client, user.username).status_code == 401
    assert (
        client.get(ME, headers=bearer(login(client, user.username, NEW_PASSWORD))).status_code
        == 200
    )
    [entry] = actions(session, "auth.password_change")
    assert (entry.actor_user_id, entry.entity_ids) == (user.id, [user.id])


# -- one-time passwords --------------------------------------------------------------------


def test_a_one_time_password_allows_nothing_but_choosing_ones_own(client, session, branch):
    manager = make_user(session, role="manager", branch=branch)
    user = make_user(session, role="dispatcher", branch=branch)
    before = bearer(login(client, user.username))

    answer = client.post(f"{API}/users/{user.id}/one-time-password", headers=auth(manager))

    assert answer.status_code == 200, answer.text
    one_time = answer.json()["password"]
    assert len(one_time) >= 16
    assert client.get(ME, headers=before).status_code == 401  # their sessions ended
    assert login(client, user.username).status_code == 401  # the old password is gone
    confined = bearer(login(client, user.username, one_time))
    refused = client.get(f"{API}/orders", headers=confined)
    assert refused.status_code == 403
    assert refused.json()["code"] == "password_change_required"
    assert "/api/v1/auth/password" in refused.json()["detail"]
    assert client.get(ME, headers=confined).json()["password_change_required"] is True

    assert _change(client, confined, one_time, NEW_PASSWORD).status_code == 204

    fresh = bearer(login(client, user.username, NEW_PASSWORD))
    assert client.get(f"{API}/orders", headers=fresh).status_code == 200
    assert client.get(ME, headers=fresh).json()["password_change_required"] is False
    [entry] = actions(session, "user.set_password")
    assert (entry.actor_user_id, entry.entity_ids, entry.detail) == (
        manager.id,
        [user.id],
        {"one_time": True},
    )
    assert one_time not in str(entry.detail)


def test_a_one_time_password_follows_the_same_reach_as_switching_off(client, session, branch):
    other = make_branch(session, center=KAZAN)
    manager = make_user(session, role="manager", branch=branch)
    stranger = make_user(session, role="dispatcher", branch=other)
    peer = make_user(session, role="manager", branch=branch)
    for target, status in ((stranger, 404), (peer, 403)):
        answer = client.post(f"{API}/users/{target.id}/one-time-password", headers=auth(manager))
        assert answer.status_code == status
    assert login(client, peer.username).status_code == 200
    assert actions(session, "user.set_password") == []
