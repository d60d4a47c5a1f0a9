"""Signing a test client in to the console without the form: the same cookies it sets."""

from fastapi.testclient import TestClient

from api.console.web import SESSION_COOKIE, session_csrf
from core.settings import get_settings
from tests.builders import auth


def csrf_of(client: TestClient) -> str:
    """The form token of the client's session, as the pages carry it."""
    return session_csrf(get_settings().secret_key, client.cookies[SESSION_COOKIE])


def sign_in(client: TestClient, user) -> dict[str, str]:
    """Cookies for `user`; returns the form field to send with posts."""
    token = auth(user)["Authorization"].removeprefix("Bearer ")
    client.cookies.set(SESSION_COOKIE, token)
    return {"csrf": csrf_of(client)}


def htmx_headers(client: TestClient) -> dict[str, str]:
    return {"HX-Request": "true", "X-CSRF-Token": csrf_of(client)}
