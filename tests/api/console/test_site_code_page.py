"""The site check-in code on the foreman's page: the page asks for the fragment; the fragment
shows the code of now in big digits, when it changes, and a QR code (SVG, made server-side)
of the sms: link with the word and the code; a code checked-in worker's card says "by code";
another foreman gets 404."""

from datetime import timedelta
from urllib.parse import quote

import pytest

from api.console.site import site_code
from core.clock import now
from dispatch.models import Branch, Site
from dispatch.shift import codes
from tests.api.console.helpers import sign_in
from tests.builders import make_branch_site, make_offer, make_order, make_user, make_worker

NUMBER = "+79990000001"


@pytest.fixture
def shift(session, app):
    """A shift starting in an hour, run by the site's foreman, one worker booked."""
    branch, site = make_branch_site(session)
    foreman = make_user(session, role="foreman", branch=branch)
    site.foreman_id = foreman.id
    order = make_order(
        session, site=site, headcount=1, now=now(), starts_in=timedelta(hours=1), hours=4
    )
    worker = make_worker(session, branch=branch)
    offer = make_offer(session, order=order, worker=worker, booked_at=now())
    app.state.settings = app.state.settings.model_copy(update={"twilio_from": NUMBER})
    return order, foreman, offer


def test_the_page_asks_for_the_code_and_the_fragment_shows_it_with_a_qr(client, session, shift):
    order, foreman, _ = shift
    sign_in(client, foreman)
    page = client.get("/console/foreman").text
    assert f'hx-get="/console/foreman/orders/{order.id}/checkin-code"' in page
    answer = client.get(f"/console/foreman/orders/{order.id}/checkin-code")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    html = answer.text
    session.refresh(order)
    code = codes.current(session, order, now())
    if code.code not in html.replace(" ", ""):  # the step turned between the two reads
        code = codes.current(session, order, now() - timedelta(seconds=codes.STEP_S))
    assert f"{code.code[:3]} {code.code[3:]}" in html
    link = f"sms:{NUMBER}?body={quote('ПРИШЕЛ ' + code.code)}"
    assert f'data-link="{link}"' in html
    assert "<svg" in html and "</svg>" in html  # drawn here, no image service
    assert link.startswith("sms:+79990000001?body=%D0%9F%D0%A0%D0%98") and "%20" in link
    english = client.get(f"/console/foreman/orders/{order.id}/checkin-code?lang=en").text
    assert "?body=HERE%20" in english


def test_the_qr_is_made_from_the_link():
    assert site_code.sms_link(NUMBER, "HERE", "123456") == f"sms:{NUMBER}?body=HERE%20123456"
    one = site_code.qr_svg(site_code.sms_link(NUMBER, "HERE", "123456"))
    two = site_code.qr_svg(site_code.sms_link(NUMBER, "HERE", "654321"))
    assert one.startswith("<svg") and one != two  # another code, another picture


def test_a_code_check_in_shows_as_such_on_the_card(client, session, shift):
    order, foreman, offer = shift
    offer.checked_in_at, offer.checkin_method = now(), "code"
    session.flush()
    sign_in(client, foreman)
    page = client.get("/console/foreman").text
    assert "Отметка по коду в" in page and "Отметка по ссылке" not in page
    assert f'id="w-{order.id}-{offer.worker_id}-confirm"' in page  # awaiting the foreman


def test_another_foreman_gets_404_and_no_code_outside_the_window(client, session, shift):
    order, foreman, _ = shift
    other = make_user(session, role="foreman", branch=session.get_one(Branch, order.branch_id))
    sign_in(client, other)
    assert client.get(f"/console/foreman/orders/{order.id}/checkin-code").status_code == 404
    later = make_order(
        session,
        site=session.get_one(Site, order.site_id),
        headcount=1,
        now=now(),
        starts_in=timedelta(hours=6),
    )
    sign_in(client, foreman)
    html = client.get(f"/console/foreman/orders/{later.id}/checkin-code").text
    assert "code-closed" in html and "<svg" not in html
