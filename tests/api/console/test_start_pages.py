"""Each role lands on its own start page, and a console page a role may not open says so in
the user's language, with the navigation and a link to their start page (issue 15, item 6)."""

import pytest

from tests.api.console.helpers import sign_in
from tests.builders import PASSWORD, make_branch, make_user

START = {
    "foreman": "/console/foreman",
    "dispatcher": "/console/",
    "manager": "/console/",
    "admin": "/console/",
}


@pytest.mark.parametrize("role", list(START))
def test_signing_in_at_the_console_lands_on_the_roles_start_page(client, session, role):
    user = make_user(session, role=role, branch=None if role == "admin" else make_branch(session))
    first = client.get("/console/", follow_redirects=False)  # signed out: the form, then back
    assert first.status_code == 303 and first.headers["location"] == "/console/login?next=/console/"
    client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrf": client.cookies["brigada_csrf"],
            "next": "/console/",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == START[role]
    landed = client.get(answer.headers["location"], follow_redirects=False)
    assert landed.status_code == 200, landed.text


def test_a_signed_in_foreman_at_the_console_root_goes_to_the_shift_page(client, session):
    sign_in(client, make_user(session, role="foreman", branch=make_branch(session)))
    answer = client.get("/console/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/foreman"


@pytest.mark.parametrize(
    ("lang", "words", "link"),
    [
        ("ru", "Эта страница не для вашей роли.", "На вашу начальную страницу"),
        ("en", "This page is not open to your role.", "To your start page"),
    ],
)
@pytest.mark.parametrize(
    ("role", "page"), [("foreman", "/console/orders/new"), ("dispatcher", "/console/staff")]
)
def test_a_page_not_for_the_role_says_so_with_the_navigation_and_a_link(
    client, session, lang, words, link, role, page
):
    sign_in(client, make_user(session, role=role, branch=make_branch(session)))
    answer = client.get(f"{page}?lang={lang}")
    assert answer.status_code == 403 and "text/html" in answer.headers["content-type"]
    html = answer.text
    assert words in html and "may not open" not in html
    assert f'<a href="{START[role]}">{link}</a>' in html
    assert '<nav aria-label="' in html and "/console/logout" in html  # a page, not a bare error
