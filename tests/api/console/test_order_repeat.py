"""The order page's Repeat section (api/console/office/order_repeat.py): loaded into the order
page, a copy and a weekly pattern made from forms, refusals beside the field with the values
kept, the patterns listed and deleted, and another branch's order or pattern a 404."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dispatch.models import Order, OrderPattern
from dispatch.registry.staff import actor_of
from dispatch.repeat import patterns
from dispatch.repeat.patterns import PatternInput
from tests.api.console.helpers import sign_in
from tests.api.console.test_dispatcher_pages import local, order_at
from tests.builders import make_branch_site, make_user

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def office(session, client):
    branch, site = make_branch_site(session)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    order = order_at(session, site, local(1, 8))  # tomorrow 08:00 in Moscow
    return order, dispatcher, sign_in(client, dispatcher)


def copies_of(session, order):
    return list(session.scalars(select(Order).where(Order.repeat_of_id == order.id)))


def test_the_order_page_loads_the_section_with_its_defaults(client, office):
    order, _, _ = office
    page = client.get(f"/console/orders/{order.id}")
    assert f'hx-get="/console/orders/{order.id}/repeat"' in page.text
    section = client.get(f"/console/orders/{order.id}/repeat", headers={"HX-Request": "true"})
    assert section.status_code == 200 and "<html" not in section.text
    day_after = (order.starts_at.astimezone(MSK) + timedelta(days=1)).date().isoformat()
    assert f'name="date" type="date" required value="{day_after}"' in section.text
    assert 'value="08:00"' in section.text
    weekday = order.starts_at.astimezone(MSK).isoweekday()
    assert f'value="{weekday}" checked' in section.text
    alone = client.get(f"/console/orders/{order.id}/repeat?lang=en")
    assert "<html" in alone.text and "A copy for another day" in alone.text


def test_a_copy_from_the_form_opens_the_new_order(client, session, office):
    order, _, form = office
    day = (order.starts_at.astimezone(MSK) + timedelta(days=7)).date()
    answer = client.post(
        f"/console/orders/{order.id}/repeat/copy",
        data={**form, "date": day.strftime("%d.%m.%Y"), "start": "09:30"},
        follow_redirects=False,
    )
    [copy] = copies_of(session, order)
    assert answer.status_code == 303 and answer.headers["location"] == f"/console/orders/{copy.id}"
    assert copy.starts_at == datetime.combine(day, datetime.min.time(), MSK) + timedelta(
        hours=9, minutes=30
    )


@pytest.mark.parametrize(
    ("sent", "field", "words"),
    [
        ({"date": "31.02.2027", "start": "08:00"}, "date", "Дата пишется как"),
        ({"date": "2020-01-01", "start": "08:00"}, "date", "Этот день уже прошёл"),
        ({"date": "", "start": "08:00"}, "date", "Заполните это поле"),
        ({"date": "2027-01-10", "start": "25:00"}, "start", "Время пишется как"),
    ],
)
def test_a_refused_copy_says_why_beside_the_field_and_keeps_the_values(
    client, session, office, sent, field, words
):
    order, _, form = office
    answer = client.post(f"/console/orders/{order.id}/repeat/copy", data={**form, **sent})
    assert answer.status_code == 422
    error = answer.text.split(f'id="rp-copy-{field}-err"')[1].split("</p>")[0]
    assert words in error
    assert f'value="{sent["date"]}"' in answer.text and f'value="{sent["start"]}"' in answer.text
    assert copies_of(session, order) == []


def test_a_copy_refused_by_the_domain_names_the_field(client, session, office):
    order, _, form = office
    today = datetime.now(MSK).date().isoformat()
    answer = client.post(
        f"/console/orders/{order.id}/repeat/copy", data={**form, "date": today, "start": "00:00"}
    )
    assert answer.status_code == 422
    error = answer.text.split('id="rp-copy-start-err"')[1].split("</p>")[0]
    assert "смена должна начинаться в будущем" in error


def test_a_pattern_from_the_form_is_listed_then_deleted(client, session, office):
    order, dispatcher, form = office
    until = (order.starts_at.astimezone(MSK) + timedelta(days=21)).date().isoformat()
    made = client.post(
        f"/console/orders/{order.id}/repeat/patterns",
        data={**form, "weekdays": ["1", "5"], "until": until, "lead_h": "36"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert made.headers["location"] == f"/console/orders/{order.id}#repeat"
    [pattern] = patterns.list_patterns(session, actor=actor_of(dispatcher), order_id=order.id)
    assert (pattern.weekdays, pattern.lead_h) == ([1, 5], 36)
    section = client.get(f"/console/orders/{order.id}/repeat?lang=en").text
    assert "Monday, Friday until" in section and "36 h before the start" in section
    gone = client.post(
        f"/console/orders/{order.id}/repeat/patterns/{pattern.id}/delete",
        data=form,
        follow_redirects=False,
    )
    assert gone.status_code == 303
    session.expire_all()
    assert session.get(OrderPattern, pattern.id).stopped_at is not None
    assert "No weekly repeats" in client.get(f"/console/orders/{order.id}/repeat?lang=en").text


@pytest.mark.parametrize(
    ("sent", "field", "words"),
    [
        ({"until": "2027-01-10", "lead_h": "24"}, "weekdays", "Отметьте хотя бы один день"),
        ({"weekdays": ["9"], "until": "2027-01-10", "lead_h": "24"}, "weekdays", "Отметьте"),
        ({"weekdays": ["2"], "until": "2020-01-01", "lead_h": "24"}, "until", "уже прошёл"),
        ({"weekdays": ["2"], "until": "2027-01-10", "lead_h": "two"}, "lead_h", "целое число"),
        ({"weekdays": ["2"], "until": "2027-01-10", "lead_h": "500"}, "lead_h", "от 1 до 168"),
    ],
)
def test_a_refused_pattern_says_why_beside_the_field(client, session, office, sent, field, words):
    order, _, form = office
    answer = client.post(f"/console/orders/{order.id}/repeat/patterns", data={**form, **sent})
    assert answer.status_code == 422
    error = answer.text.split(f'id="rp-pattern-{field}-err"')[1].split("</p>")[0]
    assert words in error
    assert f'value="{sent["lead_h"]}"' in answer.text
    assert session.scalars(select(OrderPattern)).all() == []


def test_another_branch_gets_404_for_the_section_the_forms_and_the_delete(client, session, office):
    order, dispatcher, _ = office
    pattern = patterns.create_pattern(
        session,
        actor=actor_of(dispatcher),
        data=PatternInput(order.id, [3], order.starts_at.date() + timedelta(days=14), 24),
        now=datetime.now(MSK),
    )
    other, other_site = make_branch_site(session)
    form = sign_in(client, make_user(session, role="dispatcher", branch=other))
    assert client.get(f"/console/orders/{order.id}/repeat").status_code == 404
    copy = {**form, "date": "2027-01-10", "start": "08:00"}
    assert client.post(f"/console/orders/{order.id}/repeat/copy", data=copy).status_code == 404
    weekly = {**form, "weekdays": ["1"], "until": "2027-01-10", "lead_h": "24"}
    made = client.post(f"/console/orders/{order.id}/repeat/patterns", data=weekly)
    assert made.status_code == 404
    delete = f"/console/orders/{order.id}/repeat/patterns/{pattern.id}/delete"
    assert client.post(delete, data=form).status_code == 404
    # Their own order's address with this branch's pattern: not theirs either.
    theirs = order_at(session, other_site, local(2, 8))
    delete = f"/console/orders/{theirs.id}/repeat/patterns/{pattern.id}/delete"
    assert client.post(delete, data=form).status_code == 404
    session.expire_all()
    assert session.get(OrderPattern, pattern.id).stopped_at is None
    assert copies_of(session, order) == []
