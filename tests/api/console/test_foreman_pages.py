"""The foreman's page and the worker's check-in page: the roster, marks by form and by htmx
with lateness shown, refused marks, the close, who may see what, and both languages."""

import math
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from core.settings import get_settings
from core.tenancy import SYSTEM
from dispatch.models import Offer, Order
from dispatch.shift import timesheets
from dispatch.texts import links
from tests.api.console.helpers import csrf_of, htmx_headers, sign_in
from tests.builders import (
    MOSCOW,
    make_branch,
    make_branch_site,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
    offset,
)


def _book(session, order, worker) -> Offer:
    return make_offer(session, order=order, worker=worker, booked_at=now() - timedelta(days=1))


def _started_order(session, site, *, minutes_ago=30, headcount=2):
    """An 8 h order that started `minutes_ago` (taken in yesterday)."""
    return make_order(
        session,
        site=site,
        headcount=headcount,
        now=now() - timedelta(days=1),
        starts_in=timedelta(days=1) - timedelta(minutes=minutes_ago),
        hours=8,
    )


@pytest.fixture
def shift(session):
    """A shift that started 30 min ago with three booked workers, run by the site's foreman."""
    branch, site = make_branch_site(session)
    foreman = make_user(session, role="foreman", branch=branch)
    site.foreman_id = foreman.id
    order = _started_order(session, site, headcount=2)
    workers = [
        make_worker(session, branch=branch, full_name=f"Петров Пётр {i}", language="en")
        for i in range(3)
    ]
    offers = [_book(session, order, worker) for worker in workers]
    return {
        "branch": branch,
        "site": site,
        "order": order,
        "workers": workers,
        "offers": offers,
        "foreman": foreman,
    }


def _row(html: str, order, worker) -> str:
    """The worker's row of a page (or the whole answer, if it is the row)."""
    start = html.index(f'id="w-{order.id}-{worker.id}"')
    end = html.find("</li>", start)
    return html[start:end]


def _mark(client, order, worker, status, *, htmx=False, **extra):
    data = {"worker_id": worker.id, "status": status, **extra}
    if htmx:
        return client.post(
            f"/console/foreman/orders/{order.id}/mark", data=data, headers=htmx_headers(client)
        )
    data["csrf"] = csrf_of(client)
    return client.post(
        f"/console/foreman/orders/{order.id}/mark", data=data, follow_redirects=False
    )


def _minutes_late(offer, order) -> int:
    return math.ceil((offer.arrived_at - order.starts_at).total_seconds() / 60)


def test_a_foreman_sees_the_roster_with_phones_and_the_valid_marks_each(client, session, shift):
    other_site = make_site(session, client=make_client(session, branch=shift["branch"]))
    hidden = _started_order(session, other_site)  # not this foreman's site
    tomorrow = make_order(session, site=shift["site"], now=now(), starts_in=timedelta(days=1))
    sign_in(client, shift["foreman"])
    page = client.get("/console/foreman?lang=en")
    assert page.status_code == 200
    html = page.text
    assert shift["order"].code in html and tomorrow.code in html
    assert f"Order {hidden.code}" not in html
    for worker in shift["workers"]:
        row = _row(html, shift["order"], worker)
        assert worker.full_name in row and f'href="tel:{worker.phone}"' in row
        # Unmarked after the start: arrived, no-show or released; "left early" needs an arrival.
        assert row.count('name="status"') == 3 and "Not marked" in row
        for status in ("arrived", "no_show", "released"):
            assert f'value="{status}"' in row
        assert 'value="left_early"' not in row
    assert 'href="/console/foreman/orders/{}/close"'.format(shift["order"].id) in html
    assert '<link rel="stylesheet" href="/static/console/foreman.css">' in html
    # Names and phones are a read of the worker base: audited with the ids shown.
    reads = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.list").order_by(AuditEntry.id)
    ).all()
    assert sorted(reads[-1].entity_ids) == sorted(w.id for w in shift["workers"])


def test_a_form_post_marks_and_the_row_shows_the_mark_and_lateness(client, session, shift):
    order, worker = shift["order"], shift["workers"][0]
    sign_in(client, shift["foreman"])
    answer = _mark(client, order, worker, "arrived")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/console/foreman#w-{order.id}-{worker.id}"
    offer = session.scalars(select(Offer).where(Offer.id == shift["offers"][0].id)).one()
    session.refresh(offer)
    assert offer.attendance == "arrived" and offer.attendance_by == shift["foreman"].id
    late = _minutes_late(offer, order)
    assert 30 <= late <= 32
    row = _row(client.get("/console/foreman?lang=en").text, order, worker)
    assert "Arrived" in row and f"late {late} min" in row
    # The marks valid from "arrived": not "arrived" again (it would move the arrival to now).
    assert f'id="w-{order.id}-{worker.id}-arrived"' not in row
    assert f'id="w-{order.id}-{worker.id}-left_early"' in row


def test_an_htmx_post_answers_with_the_row_alone(client, session, shift):
    order, worker = shift["order"], shift["workers"][1]
    sign_in(client, shift["foreman"])
    answer = _mark(client, order, worker, "arrived", htmx=True)
    assert answer.status_code == 200
    assert "<html" not in answer.text and f'id="w-{order.id}-{worker.id}"' in answer.text
    offer = shift["offers"][1]
    session.refresh(offer)
    assert f"опоздание {_minutes_late(offer, order)} мин" in answer.text  # Russian by default
    assert "На месте" in answer.text
    # Left early punishes: it waits out the branch's undo window (2 min) before it counts.
    left = _mark(client, order, worker, "left_early", htmx=True)
    assert left.status_code == 200 and "Отмечен ранний уход." in left.text
    assert "Отменить ранний уход" in left.text and 'name="status"' not in left.text
    session.refresh(offer)
    assert (offer.attendance, offer.pending_mark) == ("arrived", "left_early")


def test_a_refused_mark_shows_an_alert_in_the_row_and_writes_nothing(client, session, shift):
    order, worker = shift["order"], shift["workers"][2]
    sign_in(client, shift["foreman"])
    answer = _mark(client, order, worker, "left_early", htmx=True)  # never arrived
    assert answer.status_code == 200
    assert 'role="alert"' in answer.text and "Сначала отметьте приход" in answer.text
    page = _mark(client, order, worker, "left_early")  # without htmx: the page, with a 409
    assert page.status_code == 409
    row = _row(page.text, order, worker)
    assert 'role="alert"' in row and "Сначала отметьте приход" in row
    offer = shift["offers"][2]
    session.refresh(offer)
    assert offer.attendance is None and offer.left_at is None
    marks = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "attendance.mark").order_by(AuditEntry.id)
    ).all()
    assert marks == []
    # A no-show before the start is refused too, in English when the page is.
    future = make_order(session, site=shift["site"], now=now(), starts_in=timedelta(hours=5))
    _book(session, future, worker)
    client.get("/console/foreman?lang=en")
    early = _mark(client, future, worker, "no_show", htmx=True)
    assert 'role="alert"' in early.text and "has not started" in early.text


def test_the_close_summary_lists_the_unmarked_and_closing_shows_the_timesheet(
    client, session, shift
):
    order, workers = shift["order"], shift["workers"]
    sign_in(client, shift["foreman"])
    _mark(client, order, workers[0], "arrived")
    summary = client.get(f"/console/foreman/orders/{order.id}/close?lang=en")
    assert summary.status_code == 200
    html = summary.text
    unmarked = html[html.index("become no-shows") : html.index("The timesheet so far")]
    assert workers[0].full_name not in unmarked
    assert workers[1].full_name in unmarked and workers[2].full_name in unmarked
    assert re.search(r"<dt>Not marked</dt><dd>2</dd>", html)
    assert re.search(r"<dt>Arrived</dt><dd>1</dd>", html)
    assert "Pay for hours" in html and 'action="/console/foreman/orders/' in html
    assert "Client amount" not in html and "Margin" not in html  # the office's money

    refused = client.post(f"/console/foreman/orders/{order.id}/close")  # no CSRF token
    assert refused.status_code == 403
    closed = client.post(
        f"/console/foreman/orders/{order.id}/close", data={"csrf": csrf_of(client), "end": "now"}
    )
    assert closed.status_code == 200
    assert 'role="status"' in closed.text and "The shift is closed" in closed.text
    assert "Timesheet: order" in closed.text
    for worker in workers:
        assert worker.full_name in closed.text
    session.refresh(order)
    assert order.closed_at is not None and order.status == "completed"
    for offer in shift["offers"][1:]:
        session.refresh(offer)
        assert offer.attendance == "no_show"
    again = client.post(f"/console/foreman/orders/{order.id}/close", data={"csrf": csrf_of(client)})
    assert again.status_code == 409 and 'role="alert"' in again.text
    # Closed: no more mark buttons on the page, the timesheet instead.
    row = _row(client.get("/console/foreman").text, order, workers[0])
    assert 'name="status"' not in row


def _totals(html: str, end: str) -> tuple[str, str]:
    block = html[html.index(f'data-end="{end}"') :]
    hours = re.search(r"<dt>Hours</dt><dd>([-\d.]+)</dd>", block)
    pay = re.search(r"<dt>Pay</dt><dd>([-\d.]+) ", block)
    assert hours and pay, block
    return hours.group(1), pay.group(1)


@pytest.mark.parametrize("end", ["now", "scheduled"])
def test_an_early_close_asks_when_the_shift_ends_and_closes_with_the_figures_shown(
    client, session, shift, end
):
    """Issue 15 item 1: before the scheduled end the close asks "now or at the end?", each
    choice shows its own figures, and the close gives exactly the chosen one's."""
    order, workers = shift["order"], shift["workers"]
    sign_in(client, shift["foreman"])
    _mark(client, order, workers[0], "arrived")
    html = client.get(f"/console/foreman/orders/{order.id}/close?lang=en").text
    assert "End it now for everyone" in html
    assert 'name="end" value="now"' in html and 'name="end" value="scheduled"' in html
    shown = _totals(html, end)
    assert _totals(html, "now") != _totals(html, "scheduled")  # the choice matters
    # No choice: refused, nothing closed.
    refused = client.post(
        f"/console/foreman/orders/{order.id}/close", data={"csrf": csrf_of(client)}
    )
    assert refused.status_code == 422 and "choose whether it ends now" in refused.text
    session.refresh(order)
    assert order.closed_at is None
    closed = client.post(
        f"/console/foreman/orders/{order.id}/close", data={"csrf": csrf_of(client), "end": end}
    )
    assert closed.status_code == 200
    session.expire_all()  # the page's session wrote it
    sheet = timesheets.timesheet(session, order.id, actor=SYSTEM)
    assert (str(sheet.totals["hours"]), str(sheet.totals["worker_pay"])) == shown


def test_other_foremen_and_other_branches_get_404_and_change_nothing(client, session, shift):
    order, worker = shift["order"], shift["workers"][0]
    stranger = make_user(session, role="foreman", branch=shift["branch"])
    elsewhere = make_user(session, role="dispatcher", branch=make_branch(session))
    for user in (stranger, elsewhere):
        csrf = sign_in(client, user)
        assert _mark(client, order, worker, "arrived").status_code == 404
        assert _mark(client, order, worker, "arrived", htmx=True).status_code == 404
        assert client.get(f"/console/foreman/orders/{order.id}/close").status_code == 404
        post = client.post(f"/console/foreman/orders/{order.id}/close", data=csrf)
        assert post.status_code == 404
        assert f"/console/foreman/orders/{order.id}/" not in client.get("/console/foreman").text
    session.refresh(order)
    offer = shift["offers"][0]
    session.refresh(offer)
    assert offer.attendance is None and order.closed_at is None
    # The branch's dispatcher may mark for the foreman.
    sign_in(client, make_user(session, role="dispatcher", branch=shift["branch"]))
    assert _mark(client, order, worker, "released", htmx=True).status_code == 200
    session.refresh(offer)
    assert offer.attendance == "released"


def _token(offer) -> str:
    return links.token_for(offer.id, get_settings().secret_key)


def test_the_check_in_page_asks_for_the_location_in_the_workers_language(client, shift):
    client.cookies.clear()  # no session: the token is the credential
    offer, order = shift["offers"][0], shift["order"]
    page = client.get(f"/c/{_token(offer)}")
    assert page.status_code == 200
    assert 'lang="en"' in page.text and "I am here" in page.text  # the worker reads English
    assert order.code in page.text and shift["site"].address in page.text
    assert '<script src="/static/console/checkin.js" defer></script>' in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "Я на месте" in client.get(f"/c/{_token(offer)}?lang=ru").text
    assert client.get("/static/console/checkin.js").status_code == 200
    client.cookies.clear()
    bad = client.get(f"/c/{offer.id}-AAAAAAAAAAAA")
    assert bad.status_code == 404 and 'role="alert"' in bad.text


def test_checking_in_inside_records_it_and_outside_says_how_far(client, session, shift):
    client.cookies.clear()
    offer = shift["offers"][0]
    token = _token(offer)
    far = offset(MOSCOW, north_m=1200)
    outside = client.post(f"/c/{token}", json={"lat": far.lat, "lon": far.lon})
    assert outside.status_code == 200
    assert "You are 1.2 km from the site (need 250 m or less)" in outside.text
    session.refresh(offer)
    assert offer.checked_in_at is None
    near = offset(MOSCOW, east_m=80)
    inside = client.post(f"/c/{token}", data={"lat": str(near.lat), "lon": str(near.lon)})
    assert inside.status_code == 200 and "Recorded" in inside.text
    assert 'role="status"' in inside.text and "I am here" not in inside.text
    session.refresh(offer)
    assert offer.checked_in_at is not None and 75 < offer.checkin_distance_m < 85
    for nonsense in ({"lat": "91", "lon": "37"}, {"lat": "nan", "lon": "37"}, {"lat": "55"}):
        assert client.post(f"/c/{token}", data=nonsense).status_code == 422
    assert client.get(f"/c/{token}").status_code == 200
    assert client.put(f"/c/{token}", data={"lat": 1, "lon": 1}).status_code == 405


def test_check_in_is_refused_for_a_cancelled_order(client, session, shift):
    client.cookies.clear()
    order = shift["order"]
    order.status = "cancelled"
    session.flush()
    answer = client.post(f"/c/{_token(shift['offers'][0])}", json={"lat": 55.754, "lon": 37.62})
    assert answer.status_code == 409 and "The order is cancelled" in answer.text


def test_the_foreman_confirms_a_check_in_at_its_time(client, session, shift):
    order, offer, worker = shift["order"], shift["offers"][0], shift["workers"][0]
    client.cookies.clear()
    near = offset(MOSCOW, north_m=40)
    client.post(f"/c/{_token(offer)}", json={"lat": near.lat, "lon": near.lon})
    session.refresh(offer)
    checked_in_at = offer.checked_in_at
    sign_in(client, shift["foreman"])
    row = _row(client.get("/console/foreman?lang=en").text, order, worker)
    assert re.search(r"Checked in at \d\d:\d\d, 4\d m from the site", row)
    assert 'name="checkin" value="true"' in row and "Confirm arrival at" in row
    # The minutes pass; the arrival still counts from the check-in.
    answer = _mark(client, order, worker, "arrived", htmx=True, checkin="true")
    assert answer.status_code == 200 and "Confirm arrival" not in answer.text
    session.refresh(offer)
    assert offer.attendance == "arrived" and offer.arrived_at == checked_in_at
    # Confirming someone who never checked in is refused, and writes nothing.
    other = shift["workers"][1]
    refused = _mark(client, order, other, "arrived", htmx=True, checkin="true")
    assert 'role="alert"' in refused.text and "has not checked in" in refused.text
    second = shift["offers"][1]
    session.refresh(second)
    assert second.attendance is None


@pytest.mark.parametrize(
    "lang, words",
    [
        ("ru", ("Смена на объекте", "На месте", "Ранний уход", "Неявка", "Отпустить")),
        ("en", ("Shift on site", "Arrived", "Left early", "No-show", "Released")),
    ],
)
def test_the_foreman_page_speaks_russian_and_english(client, shift, lang, words):
    sign_in(client, shift["foreman"])
    _mark(client, shift["order"], shift["workers"][0], "arrived")  # now "left early" is valid
    html = client.get(f"/console/foreman?lang={lang}").text
    assert f'<html lang="{lang}">' in html
    for word in words:
        assert word in html
    closing = client.get(f"/console/foreman/orders/{shift['order'].id}/close?lang={lang}").text
    assert ("Закрыть смену окончательно" if lang == "ru" else "Close the shift for good") in closing


def test_an_order_naming_another_foreman_is_theirs_not_the_sites(client, session, shift):
    """An order naming another foreman leaves the site's foreman out of it."""
    other = make_user(session, role="foreman", branch=shift["branch"])
    order = make_order(
        session, site=shift["site"], now=now(), starts_in=timedelta(hours=4), foreman_id=other.id
    )
    sign_in(client, shift["foreman"])
    theirs = f"/console/foreman/orders/{order.id}/"  # its link: a 3-digit code may be in a phone
    assert theirs not in client.get("/console/foreman").text
    sign_in(client, other)
    assert theirs in client.get("/console/foreman").text
    assert session.get(Order, order.id).foreman_id == other.id


@pytest.mark.parametrize(
    "starts, closed, at, day",
    [
        ("2026-12-02 23:40", None, "2026-12-03 00:10", "under_way"),  # a night shift, open
        ("2026-12-02 23:40", "2026-12-03 00:10", "2026-12-03 00:15", "today"),  # closed today
        ("2026-12-02 08:00", "2026-12-02 17:00", "2026-12-03 00:15", None),  # yesterday's
        ("2026-12-03 08:00", None, "2026-12-03 00:15", "today"),
        ("2026-12-04 08:00", None, "2026-12-03 00:15", "tomorrow"),
        ("2026-12-05 08:00", None, "2026-12-03 00:15", None),
    ],
)
def test_a_night_shift_closed_after_midnight_stays_on_the_page_that_day(starts, closed, at, day):
    from api.console.site.foreman_shifts import _day
    from dispatch.models import Branch, Order

    def moscow(text):
        return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Moscow"))

    order = Order(starts_at=moscow(starts), closed_at=moscow(closed) if closed else None)
    assert _day(order, Branch(timezone="Europe/Moscow"), moscow(at)) == day
