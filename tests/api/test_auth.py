"""Login, tokens, roles and the login rate limit."""

from datetime import timedelta

import jwt
import pytest

from api.main import create_app
from core.clock import now
from core.settings import Settings, get_settings
from tests.builders import PASSWORD, auth, make_branch, make_user


def login(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_password_login_gives_a_bearer_token_that_opens_the_api(client, session):
    branch = make_branch(session)
    user = make_user(session, role="dispatcher", branch=branch)
    answer = login(client, user.username)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "bearer"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == {
        "id": user.id,
        "username": user.username,
        "role": "dispatcher",
        "branch_id": branch.id,
        "client_id": None,  # staff act for no client (tests/api/test_client_users.py)
        "client_admin": False,
        "organisation_id": None,  # an owner's (tests/api/test_owner_reads.py)
        "branch_ids": None,
        "password_change_required": False,
    }


@pytest.mark.parametrize("password", ["wrong-password", "", PASSWORD.upper()])
def test_wrong_password_is_401(client, session, password):
    user = make_user(session, role="admin")
    assert login(client, user.username, password).status_code in (401, 422)


def test_unknown_user_and_inactive_user_are_401(client, session):
    user = make_user(session, role="admin", active=False)
    assert login(client, user.username).status_code == 401
    assert login(client, "nobody-here").status_code == 401


def test_no_token_bad_token_expired_token_are_401(client, session):
    user = make_user(session, role="admin")
    assert client.get("/api/v1/branches").status_code == 401
    bad = {"Authorization": "Bearer not-a-jwt"}
    assert client.get("/api/v1/branches", headers=bad).status_code == 401
    settings = get_settings()
    expired = jwt.encode(
        {"sub": str(user.id), "exp": now() - timedelta(seconds=1)},
        settings.secret_key,
        algorithm="HS256",
    )
    answer = client.get("/api/v1/branches", headers={"Authorization": f"Bearer {expired}"})
    assert answer.status_code == 401
    assert answer.json()["detail"] == "token expired"
    forged = jwt.encode(
        {"sub": str(user.id), "exp": now() + timedelta(hours=1)}, "x" * 40, algorithm="HS256"
    )
    assert (
        client.get("/api/v1/branches", headers={"Authorization": f"Bearer {forged}"}).status_code
        == 401
    )


def test_deactivated_user_loses_access_at_once(client, session):
    user = make_user(session, role="admin")
    headers = auth(user)
    assert client.get("/api/v1/branches", headers=headers).status_code == 200
    user.active = False
    session.flush()
    assert client.get("/api/v1/branches", headers=headers).status_code == 401


def test_login_attempts_are_rate_limited_per_username(session_factory, session):
    from fastapi.testclient import TestClient

    settings = Settings(**{**get_settings().model_dump(), "login_rate_limit": "3/minute"})
    user = make_user(session, role="admin")
    with TestClient(create_app(settings, session_factory, warm=False)) as client:
        codes = [login(client, user.username, "wrong-password").status_code for _ in range(3)]
        assert codes == [401, 401, 401]
        blocked = login(client, user.username)  # even the right password waits now
        assert blocked.status_code == 429
        assert blocked.headers["Retry-After"] == "60"


def test_settings_refuse_the_default_secret_outside_dev():
    from pydantic import ValidationError

    from core.settings import DEV_SECRET_KEY

    with pytest.raises(ValidationError, match="BRIGADA_SECRET_KEY"):
        Settings(env="prod", secret_key=DEV_SECRET_KEY)
    with pytest.raises(ValidationError, match="BRIGADA_SECRET_KEY"):
        Settings(env="test", secret_key="short")
    assert Settings(env="dev", secret_key=DEV_SECRET_KEY).env == "dev"
