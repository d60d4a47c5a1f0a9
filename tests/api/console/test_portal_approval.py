"""The portal's side of approving orders placed inside the lead time: the new-order form says
beforehand when approval is needed; a held order is shown awaiting the office's approval (list,
page, live part), can be cancelled at no cost, and once declined says so with the reason; in
the user's language only."""

import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.clock import now
from core.tenancy import SYSTEM
from dispatch.models import Client, Order
from dispatch.orders import approval
from dispatch.rates.agreed import AgreedRate, replace_rates
from dispatch.registry.staff import actor_of
from tests.api.console.helpers import sign_in
from tests.api.console.test_portal_change import _fields
from tests.api.console.test_untranslated import visible_text
from tests.builders import make_branch_site, make_client_user, make_order, make_user

WEEK_H = 168


@pytest.fixture
def world(session):
    branch, site = make_branch_site(session, client_order_approval_h=WEEK_H)
    client_row = session.get_one(Client, site.client_id)
    rate = AgreedRate("loader", Decimal("310.00"), Decimal("190.00"))
    replace_rates(session, actor=SYSTEM, client_id=client_row.id, rates=[rate])
    return {
        "branch": branch,
        "site": site,
        "user": make_client_user(session, client=client_row),
        "dispatcher": make_user(session, role="dispatcher", branch=branch),
    }


def _place(client, world, form) -> int:
    day = (now() + timedelta(days=2)).date().isoformat()
    data = {"site_id": str(world["site"].id), "skill": "loader", "headcount": "3"}
    data |= {"date": day, "start": "08:00", "end": "17:00"}
    answer = client.post("/portal/orders/new", data={**form, **data}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def test_the_form_says_beforehand_when_approval_is_needed(client, session, world):
    sign_in(client, world["user"])
    page = client.get("/portal/orders/new?lang=en").text
    assert re.search(r'id="approval-note"[^>]*>Orders starting within 168 h need the office', page)
    assert "Заказ с началом ближе чем через 168 ч" in client.get("/portal/orders/new?lang=ru").text
    world["branch"].client_order_approval_h = 0
    session.flush()
    assert 'id="approval-note"' not in client.get("/portal/orders/new").text


def test_a_held_order_shows_awaiting_then_filling_once_approved(client, session, world):
    form = sign_in(client, world["user"])
    order_id = _place(client, world, form)
    order = session.get_one(Order, order_id)
    assert order.status == "awaiting_approval"
    listed = client.get("/portal/?lang=en").text
    assert re.search(rf'id="order-{order_id}".*?badge warn">awaiting the office', listed, re.S)
    page = client.get(f"/portal/orders/{order_id}?lang=en").text
    assert 'id="awaiting-note"' in page and "Nothing has been sent to workers" in page
    cancel = client.get(f"/portal/orders/{order_id}/cancel?lang=en").text
    assert "not approved yet" in cancel and "cancelling costs nothing" in cancel
    dispatcher = actor_of(world["dispatcher"])
    approval.approve_order(session, order_id, actor=dispatcher, now=now())
    live = client.get(f"/portal/orders/{order_id}/live?lang=en").text
    assert 'id="awaiting-note"' not in live and ">open<" in live


def test_a_declined_order_says_so_with_the_reason(client, session, world):
    form = sign_in(client, world["user"])
    order_id = _place(client, world, form)
    dispatcher = actor_of(world["dispatcher"])
    approval.decline_order(session, order_id, actor=dispatcher, reason="no crew so soon", now=now())
    session.flush()  # the audit's decline, as the request's commit would write it
    listed = client.get("/portal/?lang=en").text
    assert re.search(rf'id="order-{order_id}".*?badge bad">declined by the office', listed, re.S)
    page = client.get(f"/portal/orders/{order_id}?lang=en").text
    assert re.search(r'id="declined"><strong>The office declined: no crew so soon', page)


def test_an_order_the_start_overtook_says_so_in_the_users_language(client, session, world):
    form = sign_in(client, world["user"])
    order_id = _place(client, world, form)
    starts_at = session.get_one(Order, order_id).starts_at
    assert approval.decline_expired(session, order_id, starts_at) is not None
    session.flush()
    page = client.get(f"/portal/orders/{order_id}?lang=en").text
    assert 'id="declined"><strong>The office declined: not approved before the start' in page
    page = client.get(f"/portal/orders/{order_id}?lang=ru").text
    assert 'id="declined"><strong>Офис отклонил заказ: не одобрен до начала смены' in page


def test_the_client_cancels_a_held_order(client, session, world):
    form = sign_in(client, world["user"])
    order_id = _place(client, world, form)
    done = client.post(
        f"/portal/orders/{order_id}/cancel",
        data={**form, "reason": "changed plans"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert session.get_one(Order, order_id).status == "cancelled"
    listed = client.get("/portal/?lang=en").text
    assert "declined by the office" not in listed and ">cancelled<" in listed


CYRILLIC, LATIN = re.compile(r"[А-Яа-яЁё]{2,}"), re.compile(r"[A-Za-z]{2,}")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_awaiting_pages_speak_only_the_users_language(client, session, world, lang):
    form = sign_in(client, world["user"])
    order_id = _place(client, world, form)
    code = session.get_one(Order, order_id).code
    client.cookies.set("brigada_lang", lang)
    other = LATIN if lang == "ru" else CYRILLIC
    seeded = {world["site"].name, world["site"].address, code, world["user"].username, "RU", "EN"}
    for path in ("/portal/", "/portal/orders/new", f"/portal/orders/{order_id}",
                 f"/portal/orders/{order_id}/cancel"):  # fmt: skip
        page = client.get(path)
        assert page.status_code == 200, path
        for text in visible_text(page.text):
            for value in seeded:
                text = text.replace(value, " ")
            assert not other.findall(text), (path, text)


def test_a_move_inside_the_lead_time_is_refused_beside_the_start(client, session, world):
    world["branch"].client_order_approval_h = 6
    order = make_order(session, site=world["site"], now=now(), starts_in=timedelta(hours=48))
    csrf = sign_in(client, world["user"])
    soon = (now() + timedelta(hours=2)).astimezone(ZoneInfo("Europe/Moscow"))
    values = _fields(client.get(f"/portal/orders/{order.id}/change").text)
    values |= {"date": soon.date().isoformat(), "start": soon.strftime("%H:%M")}
    values["end"] = (soon + timedelta(hours=4)).strftime("%H:%M")
    answer = client.post(f"/portal/orders/{order.id}/change?lang=en", data={**csrf, **values})
    assert answer.status_code == 422
    error = answer.text.split('id="err-start"', 1)[1].split("</p>", 1)[0]
    assert "only the office can do this" in error
    session.expire_all()
    assert session.get_one(Order, order.id).starts_at == order.starts_at
