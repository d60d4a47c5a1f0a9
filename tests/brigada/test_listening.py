"""Where the API listens (issue 13, item 12): this machine only unless BRIGADA_HOST says
otherwise, and never with a published credential on an address other machines can reach.
No test binds a socket: uvicorn.run is replaced by a recorder."""

import uuid

import pytest
import uvicorn
from pydantic import ValidationError
from sqlalchemy import delete
from typer.testing import CliRunner

import brigada.cli
from brigada.cli import app
from core.audit import AuditEntry
from core.db import session_scope
from core.settings import DEV_SECRET_KEY, Settings, is_loopback
from dispatch.models import Branch, User
from dispatch.registry import demo
from dispatch.registry.staff import hash_password
from geo.points import Point
from tests.builders import make_branch

SECRET = "a-random-secret-for-these-tests-0123456789"


@pytest.fixture
def served(monkeypatch):
    """`brigada api` with the given settings; answers the host uvicorn was asked for."""
    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))

    def serve(**settings):
        values = {"env": "test", "secret_key": SECRET, "web_concurrency": 1, **settings}
        monkeypatch.setattr(brigada.cli, "get_settings", lambda: Settings(**values))
        result = CliRunner().invoke(app, ["api"])
        return result, (calls[-1]["host"] if calls else None)

    return serve


def test_the_api_listens_on_this_machine_only_by_default(served):
    assert Settings(env="test", secret_key=SECRET).host == "127.0.0.1"
    result, host = served()
    assert result.exit_code == 0, result.output
    assert host == "127.0.0.1"


def test_brigada_host_chooses_the_address(served, monkeypatch):
    monkeypatch.setenv("BRIGADA_HOST", "::1")
    assert Settings(env="test", secret_key=SECRET).host == "::1"
    result, host = served(host="::1")
    assert result.exit_code == 0, result.output
    assert host == "::1"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("brigada.example", False),
    ],
)
def test_which_hosts_are_this_machine_only(host, loopback):
    assert is_loopback(host) is loopback


def test_the_published_secret_is_refused_off_loopback_even_in_dev():
    with pytest.raises(ValidationError, match="BRIGADA_HOST=0.0.0.0"):
        Settings(env="dev", secret_key=DEV_SECRET_KEY, host="0.0.0.0")
    assert Settings(env="dev", secret_key=DEV_SECRET_KEY, host="127.0.0.1").host_is_loopback
    assert not Settings(env="dev", secret_key=SECRET, host="0.0.0.0").host_is_loopback


@pytest.fixture
def demo_manager():
    """A committed login named like the demo's, with its published password."""
    tag = uuid.uuid4().hex[:6].upper()
    with session_scope() as session:
        branch = make_branch(session, center=Point(lat=56.0, lon=92.9), code=f"NET-{tag}")
        user = User(
            username="manager",
            password_hash=hash_password(demo.DEV_PASSWORD.format(role="manager")),
            role="manager",
            branch_id=branch.id,
        )
        session.add(user)
        session.flush()
        ids = (branch.id, user.id)
    yield ids
    with session_scope() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.entity_ids.contains([ids[1]])))
        session.execute(delete(User).where(User.branch_id == ids[0]))
        session.execute(delete(Branch).where(Branch.id == ids[0]))


def test_the_api_will_not_serve_the_demo_passwords_to_other_machines(served, demo_manager):
    refused, host = served(env="dev", host="0.0.0.0")

    assert refused.exit_code == 2
    assert host is None  # never asked to listen
    assert "manager" in refused.output and "published demo password" in refused.output

    loopback, host = served(env="dev")  # this machine only: the demo as before
    assert loopback.exit_code == 0 and host == "127.0.0.1"

    changed = CliRunner().invoke(
        app, ["user", "set-password", "manager", "--password", "a-private-password"]
    )
    assert changed.exit_code == 0, changed.output
    networked, host = served(env="dev", host="0.0.0.0")
    assert networked.exit_code == 0, networked.output
    assert host == "0.0.0.0"
