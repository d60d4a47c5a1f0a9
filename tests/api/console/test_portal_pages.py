"""The client's portal (/portal/): a client user's own orders only, a new order at the agreed
rates with bad input refused beside the field, the order followed with the crew by first name
and initial, the late-cancel consequence shown before cancelling, and the closed order's
timesheet approved, disputed and its crew rated (issue 18, item 2)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.clock import now
from core.tenancy import SYSTEM
from dispatch.client_models import TimesheetSignoff
from dispatch.models import Client, Order
from dispatch.rates.agreed import AgreedRate, replace_rates
from rating.models import Review
from tests.api.console.helpers import sign_in
from tests.builders import (
    PASSWORD,
    close_through_api,
    make_branch_site,
    make_client,
    make_client_user,
    make_offer,
    make_order,
    make_site,
    make_started_order,
    make_user,
    make_worker,
)


@pytest.fixture
def world(session):
    """A branch, a client with a site, an agreed rate for loaders, one of its users and a
    dispatcher; another client of the same branch with an order of its own."""
    branch, site = make_branch_site(session)
    client_row = session.get_one(Client, site.client_id)
    rate = AgreedRate("loader", Decimal("310.00"), Decimal("190.00"))
    replace_rates(session, actor=SYSTEM, client_id=client_row.id, rates=[rate])
    other_site = make_site(session, client=make_client(session, branch=branch))
    return {
        "branch": branch,
        "site": site,
        "user": make_client_user(session, client=client_row),
        "dispatcher": make_user(session, role="dispatcher", branch=branch),
        "foreign": make_order(session, site=other_site, now=now()),
    }


def _orders(session) -> int:
    return session.scalar(select(func.count()).select_from(Order))


def test_a_client_signs_in_to_the_portal_and_staff_and_clients_keep_to_their_sides(
    client, session, world
):
    client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={
            "username": world["user"].username,
            "password": PASSWORD,
            "csrf": client.cookies["brigada_csrf"],
            "next": "/console/",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    root = client.get("/console/", follow_redirects=False)  # the console's root: their start
    assert root.status_code == 303 and root.headers["location"] == "/portal/"
    assert client.get("/console/orders/new").status_code == 403
    client.cookies.clear()
    sign_in(client, world["dispatcher"])
    assert client.get("/portal/").status_code == 403
    assert client.get("/portal/orders/new").status_code == 403


def test_a_client_sees_only_its_own_orders(client, session, world):
    own = make_order(session, site=world["site"], now=now())
    sign_in(client, world["user"])
    page = client.get("/portal/?lang=en").text
    assert f"/portal/orders/{own.id}" in page
    assert f'href="/portal/orders/{world["foreign"].id}"' not in page
    assert client.get(f"/portal/orders/{world['foreign'].id}").status_code == 404
    assert client.get(f"/portal/orders/{world['foreign'].id}/cancel").status_code == 404
    assert client.get(f"/portal/orders/{world['foreign'].id}/live").status_code == 404


def _order_form(world, **changes) -> dict[str, str]:
    tomorrow = (now() + timedelta(days=2)).date().isoformat()
    form = {
        "site_id": str(world["site"].id),
        "skill": "loader",
        "headcount": "8",
        "date": tomorrow,
        "start": "08:00",
        "end": "17:00",
    }
    return {**form, **changes}


def test_an_order_placed_in_the_portal_takes_the_agreed_rates(client, session, world):
    form = sign_in(client, world["user"])
    page = client.get("/portal/orders/new?lang=en").text
    assert 'name="client_rate"' not in page and 'name="worker_rate"' not in page
    assert 'value="310' not in page  # rates are never a field to type into (ids may hold "310")
    answer = client.post(
        "/portal/orders/new", data={**form, **_order_form(world)}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    order_id = int(answer.headers["location"].rsplit("/", 1)[1])
    order = session.get_one(Order, order_id)
    assert (order.client_rate, order.worker_rate, order.headcount) == (
        Decimal("310.00"),
        Decimal("190.00"),
        8,
    )
    assert client.get(answer.headers["location"]).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("headcount", "много", "a whole number is needed"),
        ("headcount", "0", None),  # the domain's refusal, beside the field
        ("date", "завтра", None),
        ("start", "8 утра", "a time like 08:00"),
        ("site_id", "999999", "no such site"),
        ("skill", "mover", "No rate is agreed for this skill: ask the office."),
        ("skill", "welder", None),  # no such skill
        ("skill", "", "fill in this field"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_written(
    client, session, world, field, value, words
):
    form = sign_in(client, world["user"])
    before = _orders(session)
    data = {**form, **_order_form(world, **{field: value})}
    answer = client.post("/portal/orders/new?lang=en", data=data)
    assert answer.status_code == 422
    error = re.search(rf'<p class="error" id="err-{field}"[^>]*>([^<]*)</p>', answer.text)
    assert error and error.group(1).strip(), answer.text
    if words:
        assert error.group(1) == words
    assert _orders(session) == before


def test_a_site_of_another_client_is_refused(client, session, world):
    form = sign_in(client, world["user"])
    data = {**form, **_order_form(world, site_id=str(world["foreign"].site_id))}
    answer = client.post("/portal/orders/new?lang=en", data=data)
    assert answer.status_code == 422 and "no such site" in answer.text


def test_the_crew_shows_first_name_and_initial_never_a_phone_or_full_name(client, session, world):
    order = make_order(session, site=world["site"], now=now())
    workers = [make_worker(session, branch=world["branch"]) for _ in range(2)]
    for worker in workers:
        make_offer(session, order=order, worker=worker, booked_at=now())
    sign_in(client, world["user"])
    for path in (f"/portal/orders/{order.id}", f"/portal/orders/{order.id}/live", "/portal/"):
        page = client.get(path + "?lang=en").text
        for worker in workers:
            assert worker.full_name not in page and worker.phone not in page
            assert worker.phone[-7:] not in page
    page = client.get(f"/portal/orders/{order.id}?lang=en").text
    first = workers[0].full_name.split()
    assert f"{first[1]} {first[0][0]}." in page
    assert page.count('data-word="not_yet"') == 2
    assert "2 of 2" in page


def test_cancelling_inside_the_window_shows_the_show_up_pay_first(client, session, world):
    branch = world["branch"]
    soon = make_order(session, site=world["site"], now=now(), starts_in=timedelta(hours=3))
    make_offer(session, order=soon, worker=make_worker(session, branch=branch), booked_at=now())
    far = make_order(session, site=world["site"], now=now(), starts_in=timedelta(days=3))
    form = sign_in(client, world["user"])
    page = client.get(f"/portal/orders/{soon.id}/cancel?lang=en").text
    pay = f"{branch.show_up_pay}"
    expected = f"Inside {branch.late_cancel_h} h of the start: each booked worker is paid {pay}"
    assert expected in page and f"Booked: 1, in all {pay}" in page
    assert soon.status != "cancelled"  # showing it cancels nothing
    far_page = client.get(f"/portal/orders/{far.id}/cancel?lang=en").text
    assert "cancelling costs nothing" in far_page
    refused = client.post(f"/portal/orders/{soon.id}/cancel?lang=en", data={**form, "reason": " "})
    assert refused.status_code == 422 and 'id="reason-error"' in refused.text
    done = client.post(
        f"/portal/orders/{soon.id}/cancel",
        data={**form, "reason": "no lorry"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.expire_all()
    assert session.get_one(Order, soon.id).status == "cancelled"


@pytest.fixture
def closed(client, session, world):
    """A closed order of the client: two workers who came on time."""
    foreman = make_user(session, role="foreman", branch=world["branch"])
    world["site"].foreman_id = foreman.id
    workers = [make_worker(session, branch=world["branch"]) for _ in range(2)]
    order, _ = make_started_order(
        session, site=world["site"], workers=workers, started_ago=timedelta(hours=10)
    )
    close_through_api(client, order, workers, foreman=foreman)
    return order, workers


def test_the_client_disputes_a_line_approves_the_rest_and_rates_the_crew(
    client, session, world, closed
):
    order, (w0, w1) = closed
    form = sign_in(client, world["user"])
    page = client.get(f"/portal/orders/{order.id}?lang=en").text
    assert page.count('data-state="pending"') == 2 and "Approve the hours" in page
    base = f"/portal/orders/{order.id}/lines"
    refused = client.post(f"{base}/{w0.id}/dispute?lang=en", data={**form, "reason": " "})
    assert refused.status_code == 422 and session.get(TimesheetSignoff, (order.id, w0.id)) is None
    answer = client.post(
        f"{base}/{w0.id}/dispute", data={**form, "reason": "left at noon"}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert client.post(f"/portal/orders/{order.id}/approve", data=form).status_code == 200
    session.expire_all()
    assert session.get_one(TimesheetSignoff, (order.id, w0.id)).state == "disputed"
    assert session.get_one(TimesheetSignoff, (order.id, w1.id)).state == "approved"

    complaint = {**form, "stars": "2", "complaint": "true", "complaint_reason": "rude"}
    bare = client.post(f"{base}/{w0.id}/review?lang=en", data=complaint)  # no comment
    assert bare.status_code == 422 and 'role="alert"' in bare.text
    said = {**complaint, "comment": "shouted at the storekeeper"}
    assert client.post(f"{base}/{w0.id}/review", data=said).status_code == 200
    assert client.post(f"{base}/{w1.id}/review", data={**form, "stars": "5"}).status_code == 200
    reviews = session.scalars(select(Review).where(Review.order_id == order.id)).all()
    assert {(r.worker_id, r.stars, r.complaint, r.source) for r in reviews} == {
        (w0.id, 2, True, "client"),
        (w1.id, 5, False, "client"),
    }
    page = client.get(f"/portal/orders/{order.id}?lang=en").text
    assert "Your rating: 2 of 5" in page and w0.full_name not in page


def test_another_clients_user_cannot_sign_off_or_rate(client, session, world, closed):
    order, (w0, _) = closed
    stranger = make_client_user(session, client=make_client(session, branch=world["branch"]))
    form = sign_in(client, stranger)
    base = f"/portal/orders/{order.id}"
    assert client.post(f"{base}/approve", data=form).status_code == 404
    dispute = {**form, "reason": "x"}
    assert client.post(f"{base}/lines/{w0.id}/dispute", data=dispute).status_code == 404
    assert session.scalar(select(func.count()).select_from(TimesheetSignoff)) == 0


CYRILLIC, LATIN = re.compile(r"[А-Яа-яЁё]{2,}"), re.compile(r"[A-Za-z]{2,}")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_portal_speaks_only_the_users_language(client, session, world, closed, lang):
    from tests.api.console.test_untranslated import visible_text

    order, workers = closed
    sign_in(client, world["user"])
    client.cookies.set("brigada_lang", lang)
    other = LATIN if lang == "ru" else CYRILLIC
    seeded = {world["site"].name, world["site"].address, order.code, "RUB", "RU", "EN"}
    seeded |= {world["user"].username, *(w.full_name.split()[1] for w in workers)}
    pages = {
        "/portal/": 200,
        "/portal/orders/new": 200,
        f"/portal/orders/{order.id}": 200,
        f"/portal/orders/{order.id}/live": 200,
        f"/portal/orders/{order.id}/cancel": 200,
        f"/portal/orders/{order.id}/change": 200,
        "/portal/workers": 200,
        "/portal/orders/2147483000": 404,  # the error pages speak the portal's language too
        "/portal/orders/abc": 422,
        "/console/workers": 403,
    }
    for path, status in pages.items():
        page = client.get(path)
        assert page.status_code == status, path
        assert "text/html" in page.headers["content-type"], path
        for text in visible_text(page.text):
            for value in seeded:
                text = text.replace(value, " ")
            assert not other.findall(text), (path, text)
