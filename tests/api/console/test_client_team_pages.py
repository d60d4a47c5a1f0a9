"""A client's users and API keys in the console (issue 18, "clients as users"): the client
admin's /portal/team page (no such page for any other client user, nor another client's
things), the office's section of the client's page (the roles the domain lets keep them),
refusals beside their field in both languages, the last admin kept, a key shown exactly
once and stored as a hash, working until revoked, and a switched-off user kept out."""

import hashlib
import re

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from dispatch.client_models import ClientApiKey
from dispatch.models import Client, User
from tests.api.console.helpers import sign_in
from tests.builders import (
    KAZAN,
    PASSWORD,
    auth,
    make_branch,
    make_branch_site,
    make_client,
    make_client_user,
    make_user,
)

KEY = re.compile(r"brg_[A-Za-z0-9_-]{40,}")
NEW_USER = {
    "username": "Vera-Store",
    "password": "long-enough-pw",
    "full_name": "Вера Складова",
    "phone": "+79215550077",
}


@pytest.fixture
def client(client):
    """The redirects are what these pages answer: seen, not followed."""
    client.follow_redirects = False
    return client


@pytest.fixture
def world(session):
    """A branch with a client (its admin and a plain user) and another client with its own
    admin; the branch's manager and dispatcher; a manager of another branch."""
    branch, site = make_branch_site(session)
    mine = session.get_one(Client, site.client_id)
    theirs = make_client(session, branch=branch)
    return {
        "client": mine,
        "admin": make_client_user(session, client=mine, admin=True),
        "user": make_client_user(session, client=mine),
        "their_admin": make_client_user(session, client=theirs, admin=True),
        "manager": make_user(session, role="manager", branch=branch),
        "dispatcher": make_user(session, role="dispatcher", branch=branch),
        "far_manager": make_user(
            session, role="manager", branch=make_branch(session, center=KAZAN)
        ),
    }


def _key(session, client: Client) -> tuple[ClientApiKey, str]:
    from core.clock import now
    from core.tenancy import SYSTEM
    from dispatch.registry.client_side.keys import create_key

    return create_key(session, actor=SYSTEM, client_id=client.id, name="ERP", now=now())


def _team_user(session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def test_only_a_client_admin_has_the_team_page(client, session, world):
    form = sign_in(client, world["user"])
    assert 'href="/portal/team"' not in client.get("/portal/").text
    assert client.get("/portal/team").status_code == 404
    row, _ = _key(session, world["client"])
    for path in (
        "/portal/team/users",
        f"/portal/team/users/{world['admin'].id}/remove",
        "/portal/team/keys",
        f"/portal/team/keys/{row.id}/revoke",
    ):
        assert client.post(path, data={**form, **NEW_USER, "name": "x"}).status_code == 404, path
    assert (
        world["admin"].active
        and row.revoked_at is None
        and _team_user(session, "vera-store") is None
    )
    client.cookies.clear()
    sign_in(client, world["admin"])
    assert 'href="/portal/team"' in client.get("/portal/").text
    page = client.get("/portal/team?lang=en")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert world["user"].username in page.text and world["their_admin"].username not in page.text
    client.cookies.clear()
    sign_in(client, world["dispatcher"])
    assert client.get("/portal/team").status_code == 403  # staff: not their role's page


def test_another_clients_admin_reaches_nothing_of_this_client(client, session, world):
    row, key = _key(session, world["client"])
    form = sign_in(client, world["their_admin"])
    page = client.get("/portal/team").text
    assert world["admin"].username not in page and row.prefix not in page
    remove = client.post(f"/portal/team/users/{world['user'].id}/remove", data=form)
    revoke = client.post(f"/portal/team/keys/{row.id}/revoke", data=form)
    assert (remove.status_code, revoke.status_code) == (404, 404)
    session.refresh(world["user"])
    session.refresh(row)
    assert world["user"].active and row.revoked_at is None


@pytest.mark.parametrize(
    ("lang", "changes", "field", "words"),
    [
        ("en", {"username": " "}, "username", "Fill in this field."),
        ("ru", {"username": " "}, "username", "Заполните это поле."),
        ("en", {"username": "x" * 70}, "username", "Too long: shorten it."),
        ("en", {"password": "short"}, "password", "At least 10 characters"),
        ("ru", {"password": "short"}, "password", "Не короче 10 знаков"),
        ("en", {"password": "vera-store"}, "password", "Not your username"),
        ("en", {"phone": "12"}, "phone", "Not a mobile phone number."),
        ("ru", {"phone": "12"}, "phone", "Это не номер мобильного телефона."),
        ("en", {"full_name": "Я" * 201}, "full_name", "This value is not accepted."),
    ],
)
def test_a_refused_user_is_shown_beside_its_field(
    client, session, world, lang, changes, field, words
):
    form = sign_in(client, world["admin"])
    sent = {**form, **NEW_USER, **changes}
    answer = client.post(f"/portal/team/users?lang={lang}", data=sent)
    assert answer.status_code == 422
    beside = re.search(rf'id="team-err-{field}"[^>]*>([^<]*)<', answer.text)
    assert beside is not None and beside.group(1) == words
    assert NEW_USER["password"] not in answer.text  # a typed password is never sent back
    assert _team_user(session, "vera-store") is None


def test_a_taken_username_is_refused_beside_it(client, session, world):
    form = sign_in(client, world["admin"])
    sent = {**form, **NEW_USER, "username": world["user"].username.upper()}
    answer = client.post("/portal/team/users?lang=en", data=sent)
    assert answer.status_code == 422
    assert re.search(r'id="team-err-username"[^>]*>This name is already taken.<', answer.text)


def test_a_client_admin_adds_a_colleague_who_signs_in(client, session, world):
    form = sign_in(client, world["admin"])
    added = client.post("/portal/team/users", data={**form, **NEW_USER, "client_admin": "1"})
    assert added.status_code == 303 and added.headers["location"] == "/portal/team#team-users"
    vera = _team_user(session, "vera-store")
    assert vera is not None and vera.active and vera.client_admin
    assert (vera.role, vera.client_id, vera.phone) == ("client", world["client"].id, "+79215550077")
    page = client.get("/portal/team").text
    for shown in ("vera-store", "Вера Складова", "+79215550077"):
        assert shown in page  # the client's own people: their phones too
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "user.create").order_by(AuditEntry.id)
    ).one()
    assert entry.entity_ids == [vera.id]
    client.cookies.clear()
    client.get("/console/login")
    signed = client.post(
        "/console/login",
        data={
            "username": "vera-store",
            "password": NEW_USER["password"],
            "csrf": client.cookies["brigada_csrf"],
        },
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/portal/"


def test_a_removed_user_is_signed_out_and_cannot_sign_in(client, session, world):
    colleague = world["user"]
    sign_in(client, colleague)
    assert client.get("/portal/").status_code == 200
    client.cookies.clear()
    form = sign_in(client, world["admin"])
    page = client.get("/portal/team?lang=en").text
    assert f'action="/portal/team/users/{colleague.id}/remove"' in page
    gone = client.post(f"/portal/team/users/{colleague.id}/remove", data=form)
    assert gone.status_code == 303
    session.refresh(colleague)
    assert not colleague.active
    assert 'data-active="no"' in client.get("/portal/team").text
    client.cookies.clear()
    sign_in(client, colleague)  # the old session's token
    assert client.get("/portal/", follow_redirects=False).status_code == 303  # to sign in
    token = client.post(
        "/api/v1/auth/token", data={"username": colleague.username, "password": PASSWORD}
    )
    assert token.status_code == 401


def test_a_client_keeps_its_last_admin(client, session, world):
    form = sign_in(client, world["admin"])
    refused = client.post(f"/portal/team/users/{world['admin'].id}/remove?lang=en", data=form)
    assert refused.status_code == 409
    assert "This is the client&#39;s last admin" in refused.text
    session.refresh(world["admin"])
    assert world["admin"].active
    ru = client.post(f"/portal/team/users/{world['admin'].id}/remove?lang=ru", data=form)
    assert "последний администратор клиента" in ru.text
    # The API says it by its code; a second admin makes the first removable (themselves too).
    api = f"/api/v1/clients/{world['client'].id}/users/{world['admin'].id}"
    answer = client.delete(api, headers=auth(world["manager"]))
    assert answer.status_code == 409 and answer.json()["code"] == "last_client_admin"
    second = make_client_user(session, client=world["client"], admin=True)
    assert (
        client.post(f"/portal/team/users/{world['admin'].id}/remove", data=form).status_code == 303
    )
    session.refresh(world["admin"])
    assert not world["admin"].active and second.active


def test_a_key_is_shown_once_stored_as_a_hash_and_works_until_revoked(client, session, world):
    form = sign_in(client, world["admin"])
    blank = client.post("/portal/team/keys?lang=en", data={**form, "name": " "})
    assert blank.status_code == 422
    assert re.search(r'id="team-err-key_name"[^>]*>Fill in this field.<', blank.text)
    made = client.post("/portal/team/keys?lang=en", data={**form, "name": "Warehouse ERP"})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    assert "it will not be shown again" in made.text
    [key] = set(KEY.findall(made.text))
    row = session.scalars(select(ClientApiKey).where(ClientApiKey.name == "Warehouse ERP")).one()
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in (row.prefix, row.name) and key.startswith(row.prefix)
    again = client.get("/portal/team")
    assert key not in again.text and KEY.search(again.text) is None
    assert row.prefix in again.text  # told apart by its first characters
    orders = client.get("/api/v1/orders", headers={"X-API-Key": key})
    assert orders.status_code == 200
    revoked = client.post(f"/portal/team/keys/{row.id}/revoke", data=form)
    assert revoked.status_code == 303 and revoked.headers["location"] == "/portal/team#team-keys"
    assert client.get("/api/v1/orders", headers={"X-API-Key": key}).status_code == 401
    assert 'data-revoked="yes"' in client.get("/portal/team").text
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("api_key.%")).order_by(AuditEntry.id)
    ).all()
    assert actions == ["api_key.create", "api_key.revoke"]


def test_the_office_keeps_a_clients_users_and_keys_on_its_page(client, session, world):
    row, key = _key(session, world["client"])
    path = f"/console/clients/{world['client'].id}"
    form = sign_in(client, world["manager"])
    page = client.get(f"{path}?lang=en").text
    assert 'id="team-users"' in page and world["admin"].username in page and row.prefix in page
    assert 'id="team-key-new"' not in page  # keys are made by the client, in the portal
    refused = client.post(f"{path}/users?lang=en", data={**form, **NEW_USER, "password": "short"})
    assert refused.status_code == 422 and 'id="team-users"' in refused.text
    assert re.search(r'id="team-err-password"[^>]*>At least 10 characters<', refused.text)
    added = client.post(f"{path}/users", data={**form, **NEW_USER})
    assert added.status_code == 303 and added.headers["location"] == f"{path}#team-users"
    vera = _team_user(session, "vera-store")
    assert vera is not None and vera.client_id == world["client"].id and not vera.client_admin
    last = client.post(f"{path}/users/{world['admin'].id}/remove?lang=en", data=form)
    assert last.status_code == 409 and "last admin" in last.text
    assert client.post(f"{path}/users/{vera.id}/remove", data=form).status_code == 303
    assert client.post(f"{path}/keys/{row.id}/revoke", data=form).status_code == 303
    session.refresh(vera)
    session.refresh(row)
    assert not vera.active and row.revoked_at is not None
    assert client.get("/api/v1/orders", headers={"X-API-Key": key}).status_code == 401
    # Another client's user or key through this client's address: not found.
    theirs = world["their_admin"]
    assert client.post(f"{path}/users/{theirs.id}/remove", data=form).status_code == 404
    # The head office (an admin, of no branch) keeps them too.
    client.cookies.clear()
    form = sign_in(client, make_user(session, role="admin"))
    assert NEW_USER["username"].lower() in client.get(path).text
    first = {**form, **NEW_USER, "username": "first-admin", "client_admin": "1"}
    assert client.post(f"{path}/users", data=first).status_code == 303
    assert _team_user(session, "first-admin").client_admin


def test_the_office_roles_the_domain_refuses_see_and_do_nothing(client, session, world):
    row, _ = _key(session, world["client"])
    path = f"/console/clients/{world['client'].id}"
    form = sign_in(client, world["dispatcher"])
    page = client.get(path)
    assert page.status_code == 200 and 'id="team-users"' not in page.text
    for action in ("users", f"users/{world['user'].id}/remove", f"keys/{row.id}/revoke"):
        assert client.post(f"{path}/{action}", data={**form, **NEW_USER}).status_code == 403
    client.cookies.clear()
    form = sign_in(client, world["far_manager"])
    for action in ("users", f"users/{world['user'].id}/remove", f"keys/{row.id}/revoke"):
        assert client.post(f"{path}/{action}", data={**form, **NEW_USER}).status_code == 404
    client.cookies.clear()
    form = sign_in(client, world["admin"])  # a client admin: the office's pages are not theirs
    assert client.post(f"{path}/users", data={**form, **NEW_USER}).status_code == 403
    session.refresh(world["user"])
    session.refresh(row)
    assert world["user"].active and row.revoked_at is None
    assert _team_user(session, "vera-store") is None
