"""Signing a test client in to the console without the form: the same cookies it sets."""

from fastapi.testclient import TestClient

from api.console.web import CSRF_COOKIE, SESSION_COOKIE
from tests.builders import auth

# No digits: pages carry it, and a test that an order code is absent from a page would find
# a code like 345 inside it.
CSRF = "test-csrf-token-of-letters-only"


def sign_in(client: TestClient, user) -> dict[str, str]:
    """Cookies for `user`; returns the form field / header to send with posts."""
    token = auth(user)["Authorization"].removeprefix("Bearer ")
    client.cookies.set(SESSION_COOKIE, token)
    client.cookies.set(CSRF_COOKIE, CSRF)
    return {"csrf": CSRF}


def htmx_headers() -> dict[str, str]:
    return {"HX-Request": "true", "X-CSRF-Token": CSRF}
