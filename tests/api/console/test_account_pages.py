"""The console's staff page (a manager switches their branch's staff off and on, gives a
one-time password) and everyone's change-password page: issue 13, item 9."""

import re

from api.console.i18n import TEXTS
from api.console.words.staff import WORDS
from tests.api.console.helpers import csrf_of, sign_in
from tests.builders import KAZAN, PASSWORD, make_branch, make_user

NEW_PASSWORD = "chosen-in-the-console"


def _login(client, username: str, password: str):
    client.cookies.clear()
    client.get("/console/login")
    csrf = client.cookies["brigada_csrf"]
    return client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf": csrf, "next": ""},
        follow_redirects=False,
    )


def test_every_staff_word_is_in_russian_and_english():
    for key in WORDS:
        assert TEXTS["ru"][key] and TEXTS["en"][key], key


def test_a_manager_sees_their_branchs_staff_and_switches_one_off(client, session):
    branch, other = make_branch(session), make_branch(session, center=KAZAN)
    manager = make_user(session, role="manager", branch=branch)
    leaver = make_user(session, role="foreman", branch=branch)
    peer = make_user(session, role="manager", branch=branch)
    stranger = make_user(session, role="dispatcher", branch=other)
    form = sign_in(client, manager)

    page = client.get("/console/staff?lang=en")

    assert page.status_code == 200
    assert leaver.username in page.text and peer.username in page.text
    assert stranger.username not in page.text
    assert f"/console/staff/{leaver.id}/deactivate" in page.text
    assert f"/console/staff/{peer.id}/deactivate" not in page.text  # an admin's to do
    leavers_token = make_session_token(leaver)

    done = client.post(f"/console/staff/{leaver.id}/deactivate", data=form)

    assert done.status_code == 200
    assert "is switched off" in done.text
    assert f"/console/staff/{leaver.id}/activate" in done.text
    session.refresh(leaver)
    assert leaver.active is False
    client.cookies.set("brigada_session", leavers_token)  # the leaver's browser
    kicked = client.get("/console/foreman", follow_redirects=False)
    assert kicked.status_code == 303 and "/console/login" in kicked.headers["location"]

    form = sign_in(client, manager)  # a new session: its own form token
    back = client.post(f"/console/staff/{leaver.id}/activate", data=form)
    assert back.status_code == 200 and "may sign in again" in back.text
    assert client.post(f"/console/staff/{stranger.id}/deactivate", data=form).status_code == 404
    refused = client.post(f"/console/staff/{peer.id}/deactivate", data=form)
    assert refused.status_code == 403
    assert "dispatchers and foremen" in refused.text
    session.refresh(peer)
    assert peer.active is True


def make_session_token(user) -> str:
    from tests.builders import auth

    return auth(user)["Authorization"].removeprefix("Bearer ")


def test_the_staff_page_needs_a_manager_and_a_form_token(client, session):
    branch = make_branch(session)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    target = make_user(session, role="foreman", branch=branch)
    form = sign_in(client, dispatcher)
    assert client.get("/console/staff").status_code == 403
    assert client.post(f"/console/staff/{target.id}/deactivate", data=form).status_code == 403
    manager = make_user(session, role="manager", branch=branch)
    sign_in(client, manager)
    forged = client.post(f"/console/staff/{target.id}/deactivate", data={"csrf": "guessed"})
    assert forged.status_code == 403
    session.refresh(target)
    assert target.active is True


def test_the_last_active_admin_is_refused_on_the_page(client, session):
    from sqlalchemy import update

    from dispatch.models import User

    session.execute(update(User).where(User.role == "admin").values(active=False))
    admin = make_user(session, role="admin")
    form = sign_in(client, admin)
    refused = client.post(f"/console/staff/{admin.id}/deactivate?lang=en", data=form)
    assert refused.status_code == 409
    assert "last active admin" in refused.text
    session.refresh(admin)
    assert admin.active is True


def test_a_one_time_password_leads_to_the_change_password_page_first(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    user = make_user(session, role="dispatcher", branch=branch)
    form = sign_in(client, manager)

    made = client.post(f"/console/staff/{user.id}/one-time-password?lang=en", data=form)

    assert made.status_code == 200
    assert made.headers["cache-control"] == "no-store"
    one_time = re.search(rf"One-time password for {user.username}: (\S+) ", made.text)[1]
    assert _login(client, user.username, PASSWORD).status_code == 401
    signed_in = _login(client, user.username, one_time)
    assert signed_in.headers["location"] == "/console/password"
    board = client.get("/console/", follow_redirects=False)
    assert board.status_code == 303 and board.headers["location"] == "/console/password"
    htmx = client.get("/console/board/rows", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"] == "/console/password"
    page = client.get("/console/password?lang=en")
    assert page.status_code == 200 and "one-time password" in page.text
    csrf = csrf_of(client)  # the signed-in form token is the session's own

    changed = client.post(
        "/console/password",
        data={
            "csrf": csrf,
            "old_password": one_time,
            "new_password": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
        },
        follow_redirects=False,
    )

    assert changed.status_code == 303, changed.text
    assert "brigada_session=" in changed.headers["set-cookie"]  # a new session: the old ended
    assert client.get("/console/", follow_redirects=False).status_code == 200
    assert _login(client, user.username, NEW_PASSWORD).headers["location"] == "/console/"


def test_a_bad_password_change_shows_the_field_and_changes_nothing(client, session):
    user = make_user(session, role="foreman", branch=make_branch(session))
    form = sign_in(client, user)
    cases = [
        ({"old_password": "not-it", "new_password": NEW_PASSWORD}, "old_password", "is wrong"),
        ({"old_password": PASSWORD, "new_password": "short"}, "new_password", "10 characters"),
        ({"old_password": PASSWORD, "new_password": PASSWORD}, "new_password", "the same"),
    ]
    for fields, field, words in cases:
        data = {**form, "repeat": fields["new_password"], **fields}
        answer = client.post("/console/password?lang=en", data=data)
        assert answer.status_code == 422, fields
        assert f'id="{field}-error"' in answer.text and words in answer.text, answer.text
    mismatch = client.post(
        "/console/password?lang=en",
        data={**form, "old_password": PASSWORD, "new_password": NEW_PASSWORD, "repeat": "other"},
    )
    assert mismatch.status_code == 422 and 'id="repeat-error"' in mismatch.text
    assert client.get("/console/foreman", follow_redirects=False).status_code == 200
    assert _login(client, user.username, PASSWORD).status_code == 303
