"""The order page's "Change the order" form: filled in from the order in the branch's time,
a change applied and back to the order page, refusals beside the named field with the values
kept, ru/en words, CSRF, and another branch's order a 404."""

import html
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.clock import now
from dispatch.models import Order
from sms.models import Message
from tests.api.console.helpers import csrf_of, sign_in
from tests.builders import (
    MOSCOW,
    book,
    make_branch_site,
    make_order,
    make_user,
    make_worker,
    offset,
)


@pytest.fixture
def scene(session):
    branch, site = make_branch_site(session)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    foreman = make_user(session, role="foreman", branch=branch, full_name="Пётр Бригадиров")
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=50 * i)) for i in range(8)
    ]
    order = make_order(session, site=site, headcount=2, now=now())
    return branch, order, dispatcher, foreman, workers


def _value(page: str, name: str) -> str:
    tag = re.search(rf'<(input|textarea)\s+id="chg-{name}"[^>]*>([^<]*)', page, re.S)
    assert tag, page
    if tag.group(1) == "textarea":
        return html.unescape(tag.group(2))
    value = re.search(r'value="([^"]*)"', tag.group(0))
    assert value, tag.group(0)
    return html.unescape(value.group(1))


def _form(client, order, **changes) -> dict[str, str]:
    local = order.starts_at.astimezone(ZoneInfo("Europe/Moscow"))
    end = order.ends_at.astimezone(ZoneInfo("Europe/Moscow"))
    return {
        "csrf": csrf_of(client),
        "headcount": str(order.headcount),
        "date": local.date().isoformat(),
        "start": local.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "client_rate": "250",
        "worker_rate": "120",
        "foreman_id": "",
        "notes": "",
        **changes,
    }


def test_the_order_page_fetches_the_form_filled_in(client, session, scene):
    _, order, dispatcher, foreman, _ = scene
    sign_in(client, dispatcher)
    page = client.get(f"/console/orders/{order.id}").text
    assert f'hx-get="/console/orders/{order.id}/edit"' in page
    form = client.get(f"/console/orders/{order.id}/edit", headers={"HX-Request": "true"})
    assert form.status_code == 200 and "<html" not in form.text
    local = order.starts_at.astimezone(ZoneInfo("Europe/Moscow"))
    assert _value(form.text, "headcount") == "2"
    assert _value(form.text, "start") == local.strftime("%H:%M")
    assert _value(form.text, "client_rate") == "250,00"  # Russian by default
    assert "Пётр Бригадиров" in form.text and "Изменить заказ" in page
    english = client.get(f"/console/orders/{order.id}/edit?lang=en").text
    assert "Save the changes" in english and "<html" in english  # its own page, no script


def test_a_change_is_applied_and_the_page_shows_the_notes(client, session, scene):
    _, order, dispatcher, foreman, workers = scene
    book(session, order, workers[:3], now=now())
    sign_in(client, dispatcher)
    later = order.starts_at.astimezone(ZoneInfo("Europe/Moscow")) + timedelta(hours=1)
    answer = client.post(
        f"/console/orders/{order.id}/edit",
        data=_form(
            client,
            order,
            headcount="3",
            date=later.date().isoformat(),  # an hour later may be past midnight
            start=later.strftime("%H:%M"),
            end=(later + timedelta(hours=8)).strftime("%H:%M"),
            foreman_id=str(foreman.id),
            notes="Вход со двора",
        ),
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/console/orders/{order.id}#order-edit"
    session.expire_all()
    stored = session.get(Order, order.id)
    assert (stored.headcount, stored.foreman_id, stored.notes) == (3, foreman.id, "Вход со двора")
    assert stored.starts_at == later.replace(second=0, microsecond=0)
    moved = session.scalars(
        select(Message.worker_id).where(Message.order_id == order.id, Message.kind == "order_moved")
    ).all()
    assert sorted(moved) == sorted(w.id for w in workers[:3])
    assert "Вход со двора" in client.get(f"/console/orders/{order.id}").text
    sign_in(client, foreman)
    assert "Вход со двора" in client.get("/console/foreman").text


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"headcount": "0"}, "headcount", "от 1 до 500"),
        ({"headcount": "много"}, "headcount", "нужно целое число"),
        ({"start": "25:00"}, "start", "ЧЧ:ММ"),
        ({"worker_rate": ""}, "worker_rate", "заполните это поле"),
        ({"notes": "x" * 1001}, "notes", "не длиннее 1000"),
    ],
)
def test_refusals_stand_beside_the_field_with_the_values_kept(
    client, session, scene, changes, field, words
):
    _, order, dispatcher, _, _ = scene
    sign_in(client, dispatcher)
    answer = client.post(
        f"/console/orders/{order.id}/edit",
        data=_form(client, order, client_rate="261", **changes),
    )
    assert answer.status_code == 422, answer.text
    error = re.search(rf'id="chg-err-{field}"[^>]*>([^<]*)<', answer.text).group(1)
    assert words in html.unescape(error)
    assert _value(answer.text, "client_rate") == "261"  # kept as typed
    assert session.get(Order, order.id).client_rate == 250


def test_the_past_is_refused_beside_the_start(client, session, scene):
    _, order, dispatcher, _, _ = scene
    sign_in(client, dispatcher)
    yesterday = (now() - timedelta(days=1)).astimezone(ZoneInfo("Europe/Moscow")).date()
    answer = client.post(
        f"/console/orders/{order.id}/edit", data=_form(client, order, date=yesterday.isoformat())
    )
    assert answer.status_code == 422
    assert re.search(r'id="chg-err-start"[^>]*>[^<]+<', answer.text)


def test_a_cancelled_order_says_so(client, session, scene):
    from dispatch.orders import service as orders
    from dispatch.registry.staff import actor_of

    _, order, dispatcher, _, _ = scene
    orders.cancel_order(session, order.id, actor=actor_of(dispatcher), reason="off", now=now())
    sign_in(client, dispatcher)
    answer = client.post(
        f"/console/orders/{order.id}/edit", data=_form(client, order, headcount="5")
    )
    assert answer.status_code == 409
    assert "уже не изменить" in answer.text


def test_csrf_and_another_branch(client, session, scene):
    _, order, dispatcher, _, _ = scene
    other_branch, _ = make_branch_site(session)
    sign_in(client, make_user(session, role="dispatcher", branch=other_branch))
    assert client.get(f"/console/orders/{order.id}/edit").status_code == 404
    refused = client.post(f"/console/orders/{order.id}/edit", data=_form(client, order))
    assert refused.status_code == 404
    sign_in(client, dispatcher)
    form = _form(client, order, headcount="4")
    form["csrf"] = "forged"
    assert client.post(f"/console/orders/{order.id}/edit", data=form).status_code == 403
    assert session.get(Order, order.id).headcount == 2


def test_times_left_as_shown_are_no_move(client, session, scene):
    """The order's start carries seconds; the form shows minutes: sent back untouched, the
    shift has not moved and nobody is asked to confirm again."""
    _, order, dispatcher, _, workers = scene
    assert order.starts_at.second or order.starts_at.microsecond
    book(session, order, workers[:3], now=now())
    sign_in(client, dispatcher)
    answer = client.post(
        f"/console/orders/{order.id}/edit",
        data=_form(client, order, headcount="3"),
        follow_redirects=False,
    )
    assert answer.status_code == 303
    moved = session.scalars(
        select(Message.id).where(Message.order_id == order.id, Message.kind == "order_moved")
    ).all()
    assert moved == []
    session.expire_all()
    assert session.get(Order, order.id).headcount == 3
