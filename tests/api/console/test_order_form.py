"""The new-order form as a newcomer meets it: filled in (tomorrow in the branch's time, the
branch's usual shift, the client's last rates), sites by client, the overbooking choice in
plain words, a warning (not a refusal) for a worker's rate above the client's, a past date
flagged under the date, and dates typed 01.12.2026 or 2026-12-01."""

import html
import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.clock import now
from dispatch.models import Order
from dispatch.orders.defaults import DEFAULT_SHIFT, RECENT
from tests.api.console.helpers import csrf_of, htmx_headers, sign_in
from tests.builders import MOSCOW, make_branch, make_client, make_order, make_site, make_user

FAR = "Asia/Vladivostok"  # UTC+10: its tomorrow starts while Moscow is still on today


@pytest.fixture
def far(session):
    branch = make_branch(session, timezone=FAR)
    client = make_client(session, branch=branch, name="Склад Восток")
    site = make_site(session, client=client, at=MOSCOW, name="Ангар 3")
    return branch, client, site, make_user(session, role="dispatcher", branch=branch)


def _order_at(session, site, day_offset: int, start: time, hours: int, **rates) -> Order:
    """An order starting `day_offset` days from the branch's today at a local time."""
    zone = ZoneInfo(FAR)
    at = now()
    day = at.astimezone(zone).date() + timedelta(days=day_offset)
    starts_at = datetime.combine(day, start, tzinfo=zone)
    return make_order(session, site=site, now=at, starts_in=starts_at - at, hours=hours, **rates)


def _value(page: str, name: str) -> str:
    tag = re.search(rf'<input\s+id="f-{name}"[^>]*>', page, re.S).group(0)
    return html.unescape(re.search(r'value="([^"]*)"', tag).group(1))


def _form(client, site, **changes) -> dict[str, str]:
    day = now().astimezone(ZoneInfo(FAR)).date() + timedelta(days=1)
    values = {
        "csrf": csrf_of(client),
        "site_id": str(site.id),
        "skill": "loader",
        "headcount": "3",
        "date": day.isoformat(),
        "start": "09:00",
        "end": "18:00",
        "client_rate": "250",
        "worker_rate": "120",
        "overbooking_mode": "",
    }
    return {**values, **changes}


def _orders(session) -> int:
    return session.scalar(select(func.count()).select_from(Order))


def test_a_fresh_form_offers_tomorrow_in_the_branchs_time_and_the_default_shift(client, far):
    sign_in(client, far[3])
    page = client.get("/console/orders/new?lang=en").text
    tomorrow = now().astimezone(ZoneInfo(FAR)).date() + timedelta(days=1)
    assert _value(page, "date") == tomorrow.isoformat()
    assert (_value(page, "start"), _value(page, "end")) == tuple(
        t.strftime("%H:%M") for t in DEFAULT_SHIFT
    )  # no orders yet
    assert _value(page, "headcount") == "1"
    assert _value(page, "client_rate") == "" and "data-client-rate" not in page


def test_the_usual_shift_is_the_branchs_most_frequent_recent_one(client, session, far):
    site = far[2]
    for day in (1, 2, 3):
        _order_at(session, site, day, time(7, 30), 12)  # 07:30-19:30, three times
    _order_at(session, site, 4, time(9, 0), 8)  # the newest, once
    sign_in(client, far[3])
    page = client.get("/console/orders/new").text
    assert (_value(page, "start"), _value(page, "end")) == ("07:30", "19:30")
    assert RECENT >= 4


def test_a_site_carries_its_clients_last_rates_and_a_link_fills_them(client, session, far):
    branch, customer, site, dispatcher = far
    second_site = make_site(session, client=customer, at=MOSCOW, name="Ангар 5")
    _order_at(session, site, 1, time(8), 8, client_rate=Decimal("230"), worker_rate=Decimal("110"))
    _order_at(
        session,
        second_site,
        2,
        time(8),
        8,
        client_rate=Decimal("260.50"),
        worker_rate=Decimal("125"),
    )  # the client's newest, at its other site
    newcomer = make_site(
        session, client=make_client(session, branch=branch, name="Новый"), at=MOSCOW, name="Двор"
    )
    sign_in(client, dispatcher)
    page = client.get("/console/orders/new?lang=ru").text
    for each in (site, second_site):
        option = re.search(rf'<option value="{each.id}"[^>]*>', page).group(0)
        assert 'data-client-rate="260,50"' in option and 'data-worker-rate="125,00"' in option
    newcomer_option = re.search(rf'<option value="{newcomer.id}"[^>]*>', page).group(0)
    assert "data-client-rate" not in newcomer_option  # no orders yet: nothing to offer
    linked = client.get(f"/console/orders/new?lang=en&site_id={site.id}").text
    assert (_value(linked, "client_rate"), _value(linked, "worker_rate")) == ("260.50", "125.00")
    assert re.search(rf'<option value="{site.id}"[^>]*selected', linked)


def test_sites_are_grouped_by_client_without_repeating_its_name(client, session, far):
    branch, customer, site, dispatcher = far
    other = make_client(session, branch=branch, name="Альфа Логистик")
    make_site(session, client=other, at=MOSCOW, name="Терминал", address="ул. Ленина, 1")
    sign_in(client, dispatcher)
    page = client.get("/console/orders/new").text
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', page, re.S)
    labels = [html.unescape(label) for label, _ in groups]
    assert labels == ["Альфа Логистик", "Склад Восток"]  # by client name
    for label, options in groups:
        texts = [
            html.unescape(t).strip()
            for t in re.findall(r"<option[^>]*>(.*?)</option>", options, re.S)
        ]
        assert texts and all(html.unescape(label) not in text for text in texts)
    assert "Терминал, ул. Ленина, 1" in html.unescape(page)


def test_the_overbooking_choice_says_what_it_means_in_both_languages(client, session, far):
    branch = far[0]
    branch.overbook_factor, branch.fill_goal = Decimal("1.50"), Decimal("0.950")
    sign_in(client, far[3])
    ru = html.unescape(client.get("/console/orders/new?lang=ru").text)
    assert "Сколько записать про запас (на случай неявок)" in ru
    assert "в 1,5 раза больше: нужно 10 — записываем 15" in ru
    assert "пока шанс, что придут все нужные, не дойдёт до 95%" in ru
    assert "как настроено в филиале (в 1,5 раза больше)" in ru
    assert 'aria-describedby="err-overbooking_mode hint-overbooking_mode"' in ru
    en = html.unescape(client.get("/console/orders/new?lang=en").text)
    assert "How many extra workers to book (for no-shows)" in en
    assert "1.5 times the number needed: 10 needed, 15 booked" in en
    assert "book until the chance that enough turn up reaches 95%" in en
    assert "Some who say yes never come" in en
    assert "Режим перебора" not in ru and "Overbooking mode" not in en


def test_a_worker_rate_above_the_clients_warns_but_does_not_refuse(client, session, far):
    site = far[2]
    sign_in(client, far[3])
    url = "/console/orders/new/warnings?lang=en"
    warned = client.post(url, data=_form(client, site, worker_rate="300", field="worker_rate"))
    assert warned.status_code == 200
    expected = "the worker's rate (300.00) is above the client's rate (250.00)"
    assert expected in html.unescape(warned.text)
    fine = client.post(url, data=_form(client, site, field="worker_rate"))
    assert fine.status_code == 200 and fine.text.strip() == ""
    ru = client.post(
        "/console/orders/new/warnings?lang=ru",
        data=_form(client, site, worker_rate="300,5", field="worker_rate"),
    )
    assert "ставка работнику (300,50) выше ставки клиента (250,00)" in html.unescape(ru.text)
    # Beside an error elsewhere, the page shows the warning under the worker's rate.
    page = client.post(
        "/console/orders/new?lang=en", data=_form(client, site, worker_rate="300", headcount="0")
    )
    assert page.status_code == 422
    warning = re.search(r'<p class="warning" id="warn-worker_rate"[^>]*>(.*?)</p>', page.text, re.S)
    assert "above the client's rate" in html.unescape(warning.group(1))
    # And the order is taken all the same.
    before = _orders(session)
    taken = client.post(
        "/console/orders/new", data=_form(client, site, worker_rate="300"), follow_redirects=False
    )
    assert taken.status_code == 303 and _orders(session) == before + 1


def test_a_past_date_is_flagged_under_the_date_as_you_leave_and_when_sent(client, session, far):
    site = far[2]
    sign_in(client, far[3])
    yesterday = now().astimezone(ZoneInfo(FAR)).date() - timedelta(days=1)
    check = client.post(
        "/console/orders/new/check?lang=en",
        data=_form(client, site, date=yesterday.isoformat(), field="date"),
    )
    assert check.text.strip() == "this date has passed: choose today or later"
    dotted = client.post(
        "/console/orders/new/check?lang=ru",
        data=_form(client, site, date=f"{yesterday:%d.%m.%Y}", field="date"),
    )
    assert dotted.text.strip() == "эта дата уже прошла: выберите сегодня или позже"
    before = _orders(session)
    sent = client.post("/console/orders/new?lang=en", data=_form(client, site, date=str(yesterday)))
    assert sent.status_code == 422 and _orders(session) == before
    error = re.search(r'<p class="error" id="err-date"[^>]*>(.*?)</p>', sent.text, re.S).group(1)
    assert "this date has passed" in error
    start_error = re.search(r'<p class="error" id="err-start"[^>]*>(.*?)</p>', sent.text, re.S)
    assert start_error.group(1).strip() == ""  # flagged once, where the mistake is


def test_the_date_may_be_typed_the_russian_way(client, session, far):
    site = far[2]
    sign_in(client, far[3])
    tomorrow = now().astimezone(ZoneInfo(FAR)).date() + timedelta(days=1)
    before = _orders(session)
    answer = client.post(
        "/console/orders/new",
        data=_form(client, site, date=f"{tomorrow:%d.%m.%Y}"),
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    order = session.scalars(select(Order).order_by(Order.id.desc())).first()
    assert _orders(session) == before + 1
    assert order.starts_at.astimezone(ZoneInfo(FAR)).date() == tomorrow


@pytest.mark.parametrize("typed", ["31.11.2026", "2026/12/01", "завтра", "1.1.26"])
def test_a_bad_date_is_named_under_the_date(client, session, far, typed):
    sign_in(client, far[3])
    answer = client.post(
        "/console/orders/new/check?lang=en", data=_form(client, far[2], date=typed, field="date")
    )
    assert answer.text.strip() == "a date like 01.12.2026 or 2026-12-01, and a day that exists"


def test_the_warnings_check_needs_the_forms_token(client, far):
    sign_in(client, far[3])
    data = _form(client, far[2], worker_rate="300", field="worker_rate")
    data.pop("csrf")
    assert client.post("/console/orders/new/warnings", data=data).status_code == 403
    ok = client.post("/console/orders/new/warnings", data=data, headers=htmx_headers(client))
    assert ok.status_code == 200
