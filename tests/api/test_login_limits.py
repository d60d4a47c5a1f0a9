"""Login limits count a username's attempts per client address, and each address's attempts
at any username: a stranger's wrong passwords never lock the real user out of their own
address, and an admin can unlock a user (`brigada user unlock`)."""

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from brigada.cli import app as cli
from core.settings import Settings, get_settings
from tests.builders import PASSWORD, make_branch, make_user

STRANGER, OFFICE = "203.0.113.66", "198.51.100.10"


@pytest.fixture
def clients(session_factory):
    settings = Settings(
        **{
            **get_settings().model_dump(),
            "login_rate_limit": "3/minute",
            "login_address_rate_limit": "6/minute",
        }
    )
    app = create_app(settings, session_factory, warm=False)
    return {address: TestClient(app, client=(address, 40000)) for address in (STRANGER, OFFICE)}


@pytest.fixture
def user(session):
    return make_user(session, role="dispatcher", branch=make_branch(session))


def api_login(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def console_login(client, username, password=PASSWORD):
    client.get("/console/login")
    form = {"username": username, "password": password, "csrf": client.cookies["brigada_csrf"]}
    return client.post("/console/login", data=form, follow_redirects=False)


def test_a_strangers_wrong_passwords_do_not_lock_the_user_out(clients, user):
    stranger, office = clients[STRANGER], clients[OFFICE]
    codes = [api_login(stranger, user.username, f"guess-{n}").status_code for n in range(4)]
    assert codes == [401, 401, 401, 429]  # the stranger is held
    assert console_login(stranger, user.username).status_code == 429
    assert api_login(office, user.username).status_code == 200  # the user is not
    assert console_login(office, user.username).status_code == 303


def test_one_address_trying_many_usernames_is_held(clients, user):
    stranger = clients[STRANGER]
    codes = [api_login(stranger, f"someone-{n}", "guess").status_code for n in range(7)]
    assert codes == [401] * 6 + [429]
    assert api_login(clients[OFFICE], user.username).status_code == 200


def test_an_admin_unlocks_a_user_who_locked_themselves_out(clients, user):
    office = clients[OFFICE]
    for n in range(3):
        assert console_login(office, user.username.upper(), f"typo-{n}").status_code == 401
    assert api_login(office, user.username).status_code == 429
    done = CliRunner().invoke(cli, ["user", "unlock", "--username", user.username])
    assert done.exit_code == 0, done.output
    assert f"unlocked {user.username} (1 address" in done.output
    assert api_login(office, user.username).status_code == 200
