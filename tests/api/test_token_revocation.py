"""Staff tokens end: they expire, a logout voids all of the caller's, a manager (or an admin)
can void someone else's at once; every revoke is audited."""

from datetime import timedelta

import jwt
import pytest
from sqlalchemy import select

from api.auth import issue_token
from core.audit import AuditEntry
from core.clock import now
from core.settings import get_settings
from dispatch.models import User
from tests.builders import KAZAN, PASSWORD, make_branch, make_user

ME = "/api/v1/auth/me"


def login(client, user: User) -> dict[str, str]:
    answer = client.post(
        "/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def revoke(client, user_id: int, headers) -> int:
    return client.post(f"/api/v1/users/{user_id}/revoke-tokens", headers=headers).status_code


def audit_actions(session, action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(session.scalars(query))


@pytest.fixture
def branch(session):
    return make_branch(session)


def test_a_token_carries_the_users_version(client, session, branch):
    user = make_user(session, role="dispatcher", branch=branch)
    token = login(client, user)["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, get_settings().secret_key, algorithms=["HS256"])
    assert claims["ver"] == user.token_version == 0
    assert claims["exp"] - claims["iat"] == get_settings().token_ttl_min * 60


def test_a_token_past_its_expiry_is_401(client, session, branch):
    user = make_user(session, role="dispatcher", branch=branch)
    settings = get_settings()
    issued = now() - timedelta(minutes=settings.token_ttl_min + 1)
    expired = jwt.encode(
        {"sub": str(user.id), "ver": 0, "iat": issued, "exp": now() - timedelta(minutes=1)},
        settings.secret_key,
        algorithm="HS256",
    )
    answer = client.get(ME, headers=bearer(expired))
    assert answer.status_code == 401
    assert answer.json()["detail"] == "token expired"
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_a_token_without_an_expiry_is_401(client, session, branch):
    user = make_user(session, role="dispatcher", branch=branch)
    forever = jwt.encode({"sub": str(user.id), "ver": 0}, get_settings().secret_key, "HS256")
    assert client.get(ME, headers=bearer(forever)).status_code == 401


def test_logout_voids_every_token_of_the_caller_and_only_theirs(client, session, branch):
    user = make_user(session, role="dispatcher", branch=branch)
    colleague = make_user(session, role="dispatcher", branch=branch)
    laptop, phone, other = login(client, user), login(client, user), login(client, colleague)
    assert client.get(ME, headers=phone).status_code == 200

    assert client.post("/api/v1/auth/logout", headers=laptop).status_code == 204

    for headers in (laptop, phone):
        answer = client.get(ME, headers=headers)
        assert answer.status_code == 401
        assert answer.json()["detail"] == "token revoked"
    assert client.get(ME, headers=other).status_code == 200
    [entry] = audit_actions(session, "auth.logout")
    assert (entry.actor_user_id, entry.entity_ids) == (user.id, [user.id])
    fresh = login(client, user)  # signing in again works, with the new version
    assert client.get(ME, headers=fresh).status_code == 200


def test_a_revoked_token_cannot_log_out_again(client, session, branch):
    user = make_user(session, role="foreman", branch=branch)
    headers = login(client, user)
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 401
    session.refresh(user)
    assert user.token_version == 1


@pytest.mark.parametrize("role", ["dispatcher", "foreman", "manager"])
def test_a_manager_revokes_the_tokens_of_their_branchs_staff(client, session, branch, role):
    manager = make_user(session, role="manager", branch=branch)
    target = make_user(session, role=role, branch=branch)
    target_headers, manager_headers = login(client, target), login(client, manager)

    assert revoke(client, target.id, manager_headers) == 204

    assert client.get(ME, headers=target_headers).status_code == 401
    assert client.get(ME, headers=manager_headers).status_code == 200
    [entry] = audit_actions(session, "user.revoke_tokens")
    assert (entry.actor_user_id, entry.entity_ids, entry.branch_id) == (
        manager.id,
        [target.id],
        branch.id,
    )


def test_an_admin_revokes_anyones_tokens(client, session, branch):
    admin = make_user(session, role="admin")
    elsewhere = make_user(session, role="manager", branch=make_branch(session, center=KAZAN))
    other_admin = make_user(session, role="admin")
    for target in (elsewhere, other_admin):
        headers = login(client, target)
        assert revoke(client, target.id, login(client, admin)) == 204
        assert client.get(ME, headers=headers).status_code == 401


def test_a_manager_cannot_reach_another_branchs_staff_or_admins(client, session, branch):
    manager = make_user(session, role="manager", branch=branch)
    stranger = make_user(session, role="dispatcher", branch=make_branch(session, center=KAZAN))
    admin = make_user(session, role="admin")
    headers = login(client, manager)
    for target in (stranger, admin):
        target_headers = login(client, target)
        assert revoke(client, target.id, headers) == 404  # as if they did not exist
        assert client.get(ME, headers=target_headers).status_code == 200
    assert revoke(client, 2**31 - 1, headers) == 404
    assert audit_actions(session, "user.revoke_tokens") == []


@pytest.mark.parametrize("role", ["dispatcher", "foreman"])
def test_dispatchers_and_foremen_cannot_revoke(client, session, branch, role):
    caller = make_user(session, role=role, branch=branch)
    colleague = make_user(session, role="dispatcher", branch=branch)
    colleague_headers = login(client, colleague)
    assert revoke(client, colleague.id, login(client, caller)) == 403
    assert client.get(ME, headers=colleague_headers).status_code == 200


def test_revoking_without_a_token_is_401(client, session, branch):
    user = make_user(session, role="dispatcher", branch=branch)
    assert revoke(client, user.id, {}) == 401
    assert client.post("/api/v1/auth/logout").status_code == 401


def test_a_token_of_an_older_or_newer_version_is_refused(client, session, branch):
    user = make_user(session, role="dispatcher", branch=branch)
    settings = get_settings()
    assert client.get(ME, headers=bearer(issue_token(settings, user.id, 0).access_token)).is_success
    for version in (-1, 1, "0"):
        token = issue_token(settings, user.id, version).access_token
        assert client.get(ME, headers=bearer(token)).status_code == 401


def test_the_console_session_ends_with_a_revoke(client, session, branch):
    """The console's cookie holds the same token: a revoke signs the console out too."""
    user = make_user(session, role="dispatcher", branch=branch)
    token = login(client, user)["Authorization"].removeprefix("Bearer ")
    client.cookies.set("brigada_session", token)
    assert client.get("/console/", follow_redirects=False).status_code == 200
    manager = make_user(session, role="manager", branch=branch)
    assert revoke(client, user.id, login(client, manager)) == 204
    answer = client.get("/console/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/console/login")
