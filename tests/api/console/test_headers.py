"""Every answer says nosniff, sends no full address to other sites and may not be framed; over
https every console cookie is Secure."""

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.settings import Settings, get_settings
from tests.builders import PASSWORD, make_branch, make_user

ANSWERS = [
    "/console/login",
    "/console/",  # a redirect to sign in
    "/console/no-such-page",
    "/static/console/console.css",
    "/api/v1/auth/me",  # the API's 401
    "/healthz",
]


@pytest.mark.parametrize("path", ANSWERS)
def test_every_answer_says_nosniff_and_keeps_the_referrer_home(client, path):
    answer = client.get(path, follow_redirects=False)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    assert answer.headers["x-frame-options"] == "DENY"


def test_console_pages_may_not_be_framed_and_check_in_links_send_no_referrer(client):
    page = client.get("/console/login")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    link = client.get("/c/1-AAAAAAAAAAAA")
    assert link.headers["referrer-policy"] == "no-referrer"  # the route's own, stricter


@pytest.fixture
def https_client(session_factory):
    settings = Settings(
        **{**get_settings().model_dump(), "public_url": "https://brigada.example.org"}
    )
    with TestClient(
        create_app(settings, session_factory, warm=False), base_url="https://testserver"
    ) as c:
        yield c


def _cookies(answer) -> dict[str, str]:
    return {raw.split("=", 1)[0]: raw for raw in answer.headers.get_list("set-cookie")}


def test_over_https_every_console_cookie_is_secure(https_client, session):
    user = make_user(session, role="dispatcher", branch=make_branch(session))
    page = https_client.get("/console/login?lang=en")
    cookies = _cookies(page)
    assert {"brigada_csrf", "brigada_lang"} <= cookies.keys()
    csrf = https_client.cookies["brigada_csrf"]
    signed_in = https_client.post(
        "/console/login",
        data={"username": user.username, "password": PASSWORD, "csrf": csrf},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    cookies |= _cookies(signed_in)
    assert "brigada_session" in cookies
    insecure = [name for name, raw in cookies.items() if "; secure" not in raw.lower()]
    assert not insecure
