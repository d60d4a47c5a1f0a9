"""Signing in to the console: a form with a CSRF token, a session cookie, no open redirect."""

from tests.builders import PASSWORD, make_branch, make_user


def _form(client) -> str:
    page = client.get("/console/login")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    return client.cookies["brigada_csrf"]


def test_sign_in_sets_an_httponly_session_and_goes_to_the_board(client, session):
    user = make_user(session, role="dispatcher", branch=make_branch(session))
    csrf = _form(client)
    answer = client.post(
        "/console/login",
        data={"username": user.username, "password": PASSWORD, "csrf": csrf, "next": ""},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/console/"
    cookie = answer.headers["set-cookie"]
    assert "brigada_session=" in cookie and "HttpOnly" in cookie


def test_a_foreman_lands_on_the_shift_page_and_next_never_leaves_the_console(client, session):
    user = make_user(session, role="foreman", branch=make_branch(session))
    for target in ("https://evil.example/", "//evil.example/x", "/api/v1/workers"):
        client.cookies.clear()  # signed out: the form's token is the sign-in page's
        csrf = _form(client)
        answer = client.post(
            "/console/login",
            data={"username": user.username, "password": PASSWORD, "csrf": csrf, "next": target},
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/console/foreman", target


def test_wrong_password_or_missing_csrf_sign_nobody_in(client, session):
    user = make_user(session, role="dispatcher", branch=make_branch(session))
    csrf = _form(client)
    wrong = client.post(
        "/console/login",
        data={"username": user.username, "password": "not-it-at-all", "csrf": csrf},
        follow_redirects=False,
    )
    assert wrong.status_code == 401 and "brigada_session" not in wrong.headers.get("set-cookie", "")
    assert 'role="alert"' in wrong.text
    forged = client.post(
        "/console/login",
        data={"username": user.username, "password": PASSWORD, "csrf": "guessed"},
        follow_redirects=False,
    )
    assert forged.status_code == 403 and "brigada_session" not in forged.headers.get(
        "set-cookie", ""
    )


def test_signing_out_revokes_the_token_not_only_the_cookie(client, session):
    from tests.api.console.helpers import sign_in

    user = make_user(session, role="dispatcher", branch=make_branch(session))
    form = sign_in(client, user)
    token = client.cookies["brigada_session"]
    assert client.get("/console/", follow_redirects=False).status_code == 200

    answer = client.post("/console/logout", data=form, follow_redirects=False)

    assert answer.status_code == 303 and answer.headers["location"] == "/console/login"
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401
    client.cookies.set("brigada_session", token)  # a copy of the cookie kept somewhere
    again = client.get("/console/", follow_redirects=False)
    assert again.status_code in (302, 303) and "/console/login" in again.headers["location"]


def test_pages_without_a_session_send_you_to_sign_in(client):
    client.cookies.clear()
    answer = client.post("/console/logout", follow_redirects=False)
    assert answer.status_code == 403  # no CSRF token: refused before anything else
    assert client.get("/console/login?lang=en").text.count("Sign in") >= 2


def test_nul_characters_in_console_forms_and_queries_are_refused_not_500(client, session):
    from tests.api.console.helpers import sign_in

    user = make_user(session, role="dispatcher", branch=make_branch(session))
    csrf = _form(client)
    login = client.post(
        "/console/login",
        data={"username": "a\x00b", "password": PASSWORD, "csrf": csrf},
        follow_redirects=False,
    )
    assert login.status_code == 422
    api_login = client.post("/api/v1/auth/token", data={"username": "a\x00", "password": "x"})
    assert api_login.status_code == 401
    sign_in(client, user)
    assert client.get("/console/workers", params={"q": "Ив\x00"}).status_code == 422


def test_console_pages_carry_a_content_security_policy(client, session):
    from api.console.web import content_policy

    for path in ("/console/login", "/console/no-such-page"):
        policy = client.get(path).headers["content-security-policy"]
        directives = dict(d.split(" ", 1) for d in policy.split("; "))
        assert directives["script-src"] == "'self'", path  # no inline script, no eval
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert directives["img-src"] == "'self' data:"  # no tile server configured
    tiles = content_policy("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tile.openstreetmap.org;" in tiles


def test_a_wrong_password_keeps_the_username_and_asks_for_the_password_again(client, session):
    user = make_user(session, role="dispatcher", branch=make_branch(session))
    csrf = _form(client)
    wrong = client.post(
        "/console/login",
        data={"username": user.username, "password": "not-it-at-all", "csrf": csrf},
        follow_redirects=False,
    )
    assert wrong.status_code == 401
    assert f'value="{user.username}"' in wrong.text
    field = wrong.text[wrong.text.index('id="password"') :].split(">", 1)[0]
    assert "autofocus" in field  # the password is what to type again
    odd = client.post(
        "/console/login",
        data={"username": '"><script>x</script>', "password": "no", "csrf": csrf},
        follow_redirects=False,
    )
    assert "<script>x</script>" not in odd.text  # kept, but as text
