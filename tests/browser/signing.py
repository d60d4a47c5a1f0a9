"""Signing in on the console's page, in English, as the browser tests' staff and clients do."""

from tests.builders import PASSWORD


def sign_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/console/login?lang=en")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
