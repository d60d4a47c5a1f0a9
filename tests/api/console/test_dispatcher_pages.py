"""The dispatcher's console pages: the live board, an order's page, the new-order form, and
who may open them."""

import html
import json
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from core.audit import AuditEntry
from core.clock import now
from core.redis import get_redis
from core.tenancy import SYSTEM
from dispatch.fill import ranking, waves
from dispatch.models import Order
from dispatch.orders.board import local_shift
from sms.models import Message
from tests.api.console.helpers import csrf_of, htmx_headers, sign_in
from tests.builders import (
    KAZAN,
    MOSCOW,
    book,
    make_branch_site,
    make_order,
    make_user,
    make_worker,
    offset,
)

MSK = ZoneInfo("Europe/Moscow")
JOBS = "brigada:default.msgs"  # the dramatiq broker's queued messages


def local(days: int, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall-clock time `days` after today (Moscow's today)."""
    today = now().astimezone(MSK).date()
    return datetime.combine(today + timedelta(days=days), time(hour, minute), tzinfo=MSK)


def order_at(session, site, starts_at: datetime, **kwargs) -> Order:
    at = now()
    return make_order(session, site=site, now=at, starts_in=starts_at - at, **kwargs)


def row(page: str, order: Order) -> str:
    found = re.search(rf'<tr id="order-{order.id}"[^>]*>.*?</tr>', page, re.S)
    assert found, f"order {order.code} is not on the board"
    return found.group(0)


def section(page: str, day: int) -> str:
    found = re.search(rf'<section aria-labelledby="day-{day}">.*?</section>', page, re.S)
    assert found
    return found.group(0)


def orders_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Order))


@pytest.fixture
def office(session):
    branch, site = make_branch_site(session)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return branch, site, dispatcher


@pytest.fixture
def other(session):
    branch, site = make_branch_site(session, at=KAZAN, center=KAZAN)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return branch, site, dispatcher


# -- the board -----------------------------------------------------------------------------


def test_the_board_lists_todays_and_tomorrows_orders_of_the_branch_with_fill_bars(
    client, session, office, other
):
    _, site, dispatcher = office
    started = order_at(session, site, local(1, 10), headcount=3)
    started.starts_at, started.ends_at = local(0, 0), local(0, 23)  # under way, nobody booked
    filling = order_at(session, site, local(1, 10), headcount=2)
    book(session, filling, [make_worker(session, branch=office[0]) for _ in range(2)], now=now())
    flagged = order_at(session, site, local(1, 12), headcount=2)
    flagged.status, flagged.ring_dry_at = "short", now()  # nobody left at the widest radius
    adaptive = order_at(session, site, local(1, 14), overbooking_mode="adaptive")
    later = order_at(session, site, local(2, 10))
    theirs = order_at(session, other[1], local(1, 10))
    session.flush()

    sign_in(client, dispatcher)
    page = client.get("/console/?lang=en")
    assert page.status_code == 200
    text = page.text
    assert 'hx-get="/console/board/rows"' in text and 'hx-trigger="every 3s"' in text
    assert 'aria-live="polite"' in text
    assert f"order-{started.id}" in section(text, 0)
    assert all(f"order-{o.id}" in section(text, 1) for o in (filling, flagged, adaptive))
    assert f"order-{later.id}" not in text and f"order-{theirs.id}" not in text

    bar = row(text, filling)
    assert 'role="progressbar"' in bar
    assert 'aria-valuenow="2"' in bar and 'aria-valuemax="3"' in bar
    assert "2 booked of 3, 2 needed" in bar  # the bar's words for screen readers
    assert "2 / 3" in bar and "chance to fill" not in bar
    assert "chance to fill" in row(text, adaptive)
    # Short orders stand out by a class and by words (with how many), not by colour alone.
    assert 'class="short"' in row(text, started) and "⚠ short by 3" in row(text, started)
    assert 'class="short"' in row(text, flagged) and "⚠ short by 2" in row(text, flagged)
    assert 'class="short"' not in bar and "short by" not in bar


def test_the_rows_fragment_renders_alone_and_answers_204_when_nothing_moved(
    client, session, office
):
    _, site, dispatcher = office
    order = order_at(session, site, local(1, 9))
    sign_in(client, dispatcher)
    rows = client.get("/console/board/rows", headers=htmx_headers(client))
    assert rows.status_code == 200
    assert "<html" not in rows.text and f"order-{order.id}" in rows.text
    digest = re.search(r'name="digest" value="(\w+)"', rows.text).group(1)
    same = client.get(f"/console/board/rows?digest={digest}", headers=htmx_headers(client))
    assert same.status_code == 204  # htmx swaps nothing; screen readers hear nothing new
    order.status, order.ring_dry_at = "short", now()
    session.flush()
    moved = client.get(f"/console/board/rows?digest={digest}", headers=htmx_headers(client))
    assert moved.status_code == 200 and 'class="short"' in row(moved.text, order)


def test_an_admin_sees_every_branch_on_the_board(client, session, office, other):
    mine = order_at(session, office[1], local(1, 9))
    theirs = order_at(session, other[1], local(1, 9))
    sign_in(client, make_user(session, role="admin"))
    page = client.get("/console/").text
    assert f"order-{mine.id}" in page and f"order-{theirs.id}" in page
    assert other[0].code in row(page, theirs)  # the branch column


def test_a_shift_in_local_times_ending_before_it_starts_ends_the_next_day():
    starts, ends = local_shift("Europe/Moscow", date(2026, 12, 1), time(20, 0), time(6, 0))
    assert starts.isoformat() == "2026-12-01T20:00:00+03:00"
    assert ends.isoformat() == "2026-12-02T06:00:00+03:00"


# -- an order's page -----------------------------------------------------------------------


def test_the_order_page_shows_roster_timelines_candidates_and_map(client, session, office, other):
    branch, site, dispatcher = office
    order = order_at(session, site, local(1, 8), headcount=2)
    first = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=500))
    stranger = make_worker(session, branch=other[0], near=offset(MOSCOW, east_m=700))
    book(session, order, [first, stranger], now=now())
    offer_text = session.scalars(
        select(Message).where(Message.worker_id == first.id, Message.kind == "offer")
    ).one()
    offer_text.status, offer_text.sent_at = "delivered", now()
    candidate = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=-900))
    session.flush()

    sign_in(client, dispatcher)
    page = client.get(f"/console/orders/{order.id}?lang=en")
    assert page.status_code == 200
    text = page.text
    assert f"Order {order.code}" in text and site.address in text
    assert "250.00" in text and "120.00" in text  # the rates

    roster = re.search(r'<table class="roster">.*?</table>', text, re.S).group(0)
    line = re.search(rf'<tr data-worker-id="{first.id}"[^>]*>.*?</tr>', roster, re.S).group(0)
    assert first.full_name in line
    for step in ("offered (wave 1)", "replied (by phone)", "booked", "SMS “job offer”: delivered"):
        assert step in line, step
    assert line.index("offered (wave 1)") < line.index("replied (by phone)")
    # Another branch's worker booked here is named, the branch pays them
    # (dispatch/access/privacy.py; one only offered is not named: tests/api/test_worker_privacy.py).
    assert stranger.full_name in roster and stranger.phone not in text

    candidates = re.search(r'<table class="candidates">.*?</table>', text, re.S).group(0)
    assert candidate.full_name in candidates
    (ranked, _), *_ = waves.preview_candidates(session, order, now(), 20, actor=SYSTEM)
    assert ranked.worker_id == candidate.id
    assert ranking.reason(ranked.rating, ranked.reliability, ranked.distance_m) in candidates

    assert "data-map" in text and f'data-site-lat="{MOSCOW.lat}"' in text
    assert f'data-site-lon="{MOSCOW.lon}"' in text and 'data-tiles=""' in text
    points = json.loads(html.unescape(re.search(r"data-points='([^']*)'", text).group(1)))
    by_status = {(p["status"], round(p["lat"], 4)) for p in points}
    assert ("booked", round(offset(MOSCOW, north_m=500).lat, 4)) in by_status
    assert len(points) == 2 and all(p["status"] == "booked" for p in points)
    rough = [p for p in points if p["label"].startswith(stranger.full_name)][0]
    assert rough["lat"] == round(rough["lat"], 2)  # another branch's home only to ~1 km
    assert '<script src="/static/vendor/leaflet/leaflet.js"' in text
    assert '<script src="/static/console/map.js"' in text
    # Names shown are a read of the workers: audited like any list.
    audited = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "worker.list", AuditEntry.entity == "worker")
        .order_by(AuditEntry.id)
    ).all()
    assert any({first.id, candidate.id, stranger.id} <= set(a.entity_ids) for a in audited)
    assert any(a.detail.get("masked") == [stranger.id] for a in audited)


@pytest.mark.parametrize(
    "lang, words",
    [
        ("en", "no-show on {day:%d.%m}, within 30 days: ranked last; rating 2.50/5"),
        ("ru", "неявка {day:%d.%m}, в пределах 30 дн.: в конце списка; рейтинг 2.50/5"),
    ],
)
def test_the_order_page_says_a_candidate_is_ranked_last_for_a_recent_no_show(
    client, session, office, lang, words
):
    branch, site, dispatcher = office
    order = order_at(session, site, local(1, 8), headcount=2)
    at = now() - timedelta(days=2)
    flaky = make_worker(
        session,
        branch=branch,
        full_name="Pyotr Flaky",
        rating=2.5,
        near=offset(MOSCOW, north_m=100),
        no_show_at=at,
        no_show_until=at + timedelta(days=30),
    )
    newcomer = make_worker(
        session, branch=branch, full_name="Ivan Newcomer", near=offset(MOSCOW, north_m=9_000)
    )
    sign_in(client, dispatcher)
    text = client.get(f"/console/orders/{order.id}?lang={lang}").text
    candidates = re.search(r'<table class="candidates">.*?</table>', text, re.S).group(0)
    assert candidates.index(newcomer.full_name) < candidates.index(flaky.full_name)
    assert html.escape(words.format(day=at.astimezone(MSK)), quote=False) in candidates


def test_the_map_uses_the_configured_tiles(app, client, session, office):
    url = "http://tiles.local/{z}/{x}/{y}.png"
    app.state.settings = app.state.settings.model_copy(update={"map_tiles_url": url})
    order = order_at(session, office[1], local(1, 8))
    sign_in(client, office[2])
    assert f'data-tiles="{url}"' in client.get(f"/console/orders/{order.id}").text


def test_cancelling_needs_a_reason_and_then_cancels(client, session, office):
    order = order_at(session, office[1], local(1, 8))
    form = sign_in(client, office[2])
    empty = client.post(f"/console/orders/{order.id}/cancel?lang=en", data={**form, "reason": " "})
    assert empty.status_code == 422
    assert 'aria-invalid="true"' in empty.text and "a reason is required" in empty.text
    assert session.get(Order, order.id).status == "open"
    done = client.post(
        f"/console/orders/{order.id}/cancel",
        data={**form, "reason": "the client called it off"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/console/orders/{order.id}"
    session.expire_all()
    assert session.get(Order, order.id).status == "cancelled"
    page = client.get(f"/console/orders/{order.id}?lang=en").text
    assert "Cancelled: the client called it off" in page and "/cancel" not in page


# -- the new-order form --------------------------------------------------------------------


def form_for(client, site, **changes) -> dict[str, str]:
    tomorrow = (now().astimezone(MSK).date() + timedelta(days=1)).isoformat()
    values = {
        "csrf": csrf_of(client),
        "site_id": str(site.id),
        "skill": "loader",
        "headcount": "4",
        "date": tomorrow,
        "start": "08:00",
        "end": "16:00",
        "client_rate": "250",
        "worker_rate": "120,50",
        "overbooking_mode": "",
    }
    return {**values, **changes}


def test_the_new_order_form_labels_every_input(client, session, office):
    sign_in(client, office[2])
    page = client.get("/console/orders/new?lang=en")
    assert page.status_code == 200
    for name in ("site_id", "skill", "headcount", "date", "start", "end", "client_rate"):
        assert f'<label for="f-{name}">' in page.text and f'id="f-{name}"' in page.text
    assert f'<option value="{office[1].id}"' in page.text
    assert '<option value="snow_clearing"' in page.text


def test_the_new_order_form_creates_the_order_and_goes_to_its_page(client, session, office):
    sign_in(client, office[2])
    before = orders_count(session)
    answer = client.post(
        "/console/orders/new", data=form_for(client, office[1]), follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    assert orders_count(session) == before + 1
    order = session.scalars(select(Order).order_by(Order.id.desc())).first()
    assert answer.headers["location"] == f"/console/orders/{order.id}"
    assert order.starts_at == local(1, 8) and order.ends_at == local(1, 16)
    assert order.headcount == 4 and str(order.worker_rate) == "120.50"
    assert client.get(answer.headers["location"]).status_code == 200
    assert b"dispatch.fill" in b"".join(get_redis().hvals(JOBS))  # filling starts


def test_a_night_shift_ends_the_next_morning(client, session, office):
    sign_in(client, office[2])
    data = form_for(client, office[1], start="22:00", end="06:00")
    assert client.post("/console/orders/new", data=data, follow_redirects=False).status_code == 303
    order = session.scalars(select(Order).order_by(Order.id.desc())).first()
    assert order.ends_at - order.starts_at == timedelta(hours=8)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"headcount": "0"}, "headcount", "1 to 500 workers"),
        ({"headcount": "many"}, "headcount", "a whole number is needed"),
        ({"end": "08:00"}, "end", "the shift must end after it starts"),
        ({"site_id": "999999"}, "site_id", "no such site"),
        ({"site_id": "99999999999"}, "site_id", "no such site"),  # past int: was a 500
        ({"start": "25:00"}, "start", "a time like 08:00"),
        ({"date": ""}, "date", "fill in this field"),
        ({"client_rate": "-5"}, "client_rate", "a sum like 250"),
        ({"skill": "astronaut"}, "skill", "unknown skill"),
    ],
)
def test_a_bad_field_is_named_beside_its_input_and_nothing_is_written(
    client, session, office, changes, field, message
):
    sign_in(client, office[2])
    before = orders_count(session)
    data = form_for(client, office[1], **changes)
    answer = client.post("/console/orders/new?lang=en", data=data, follow_redirects=False)
    assert answer.status_code == 422
    assert orders_count(session) == before and get_redis().hlen(JOBS) == 0
    text = answer.text
    tag = re.search(rf'<(input|select)\s+id="f-{field}"[^>]*>', text, re.S).group(0)
    assert 'aria-invalid="true"' in tag and f'aria-describedby="err-{field}"' in tag
    error = re.search(rf'<p class="error" id="err-{field}"[^>]*>(.*?)</p>', text, re.S).group(1)
    assert message in error
    assert f'href="#f-{field}"' in text  # the summary links to the field
    assert 'value="120,50"' in text  # what was typed is kept


def test_another_branchs_site_is_no_such_site(client, session, office, other):
    sign_in(client, office[2])
    before = orders_count(session)
    answer = client.post("/console/orders/new?lang=en", data=form_for(client, other[1]))
    assert answer.status_code == 422 and "no such site" in answer.text
    assert orders_count(session) == before


def test_inline_check_names_one_field_and_writes_nothing(client, session, office):
    sign_in(client, office[2])
    before = orders_count(session)
    url = "/console/orders/new/check?lang=en"
    bad = client.post(url, data=form_for(client, office[1], headcount="0", field="headcount"))
    assert bad.status_code == 200 and bad.text.strip() == "1 to 500 workers"
    other_field = client.post(url, data=form_for(client, office[1], headcount="0", field="date"))
    assert other_field.text.strip() == ""
    fine = client.post(url, data=form_for(client, office[1], field="headcount"))
    assert fine.status_code == 200 and fine.text.strip() == ""
    assert orders_count(session) == before and get_redis().hlen(JOBS) == 0


def test_inline_check_of_a_good_form_draws_no_order_number_and_writes_no_row(
    client, session, office
):
    sign_in(client, office[2])

    def written():
        return (
            orders_count(session),
            session.scalar(select(func.count()).select_from(AuditEntry)),
            session.scalar(text("SELECT last_value FROM orders_id_seq")),
            session.scalar(text("SELECT last_value FROM audit_log_id_seq")),
        )

    before = written()
    url = "/console/orders/new/check?lang=ru"
    for field in ("site_id", "headcount", "date", "end", "client_rate"):
        answer = client.post(url, data=form_for(client, office[1], field=field))
        assert answer.status_code == 200 and answer.text.strip() == ""
    assert written() == before  # not even a rolled-back INSERT: no number was drawn
    bad = client.post(url, data=form_for(client, office[1], end="08:00", field="end"))
    assert bad.text.strip() == "смена должна заканчиваться позже, чем начинается"
    assert written() == before and get_redis().hlen(JOBS) == 0


# -- who may open what ---------------------------------------------------------------------


def test_another_branchs_dispatcher_gets_404_and_does_not_see_the_order(
    client, session, office, other
):
    order = order_at(session, office[1], local(1, 8))
    form = sign_in(client, other[2])
    page = client.get(f"/console/orders/{order.id}")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert order.code not in page.text
    cancel = client.post(f"/console/orders/{order.id}/cancel", data={**form, "reason": "mine now"})
    assert cancel.status_code == 404
    assert session.get(Order, order.id).status == "open"
    assert f"order-{order.id}" not in client.get("/console/").text
    assert f"order-{order.id}" not in client.get("/console/board/rows").text


def test_a_foreman_gets_403(client, session, office):
    order = order_at(session, office[1], local(1, 8))
    form = sign_in(client, make_user(session, role="foreman", branch=office[0]))
    for url in ("/console/board/rows", f"/console/orders/{order.id}"):
        assert client.get(url).status_code == 403, url
    assert client.get("/console/orders/new").status_code == 403
    answer = client.post(f"/console/orders/{order.id}/cancel", data={**form, "reason": "x"})
    assert answer.status_code == 403


def test_pages_answer_in_english_or_russian(client, session, office):
    order = order_at(session, office[1], local(1, 8))
    sign_in(client, office[2])
    assert "Orders for today and tomorrow" in client.get("/console/?lang=en").text
    assert "Заказы на сегодня и завтра" in client.get("/console/?lang=ru").text
    assert "Roster" in client.get(f"/console/orders/{order.id}?lang=en").text
    assert "Workers needed" in client.get("/console/orders/new?lang=en").text


def test_posts_without_the_csrf_token_get_403(client, session, office):
    order = order_at(session, office[1], local(1, 8))
    sign_in(client, office[2])
    before = orders_count(session)
    data = {k: v for k, v in form_for(client, office[1]).items() if k != "csrf"}
    assert client.post("/console/orders/new", data=data).status_code == 403
    assert client.post("/console/orders/new/check", data=data).status_code == 403
    cancel = client.post(f"/console/orders/{order.id}/cancel", data={"reason": "no token"})
    assert cancel.status_code == 403
    assert orders_count(session) == before
    assert session.get(Order, order.id).status == "open"
