"""The rate card's console page and the new-order form's margin preview (issue 21): the
manager edits the card as a table, a bad cell is refused in its place with nothing written;
the dispatcher reads it; the form shows the card's rates, the surcharges and the margin."""

import html
from datetime import timedelta
from decimal import Decimal as D

import pytest

from core.clock import now
from core.tenancy import SYSTEM
from dispatch.rates.card import CardRow, card_rows, replace_card
from tests.api.console.helpers import sign_in
from tests.builders import make_branch_site, make_user


@pytest.fixture
def world(session):
    branch, site = make_branch_site(session)
    return {"branch": branch, "site": site}


def _table(rows: list[dict]) -> dict[str, list[str]]:
    names = ("client_id", "skill", "client_rate", "worker_rate", "night_pct", "holiday_pct")
    return {name: [row.get(name, "") for row in rows] for name in (*names, "min_hours")}


def test_the_manager_saves_the_card_and_a_bad_cell_is_refused_in_place(client, session, world):
    branch, site = world["branch"], world["site"]
    form = sign_in(client, make_user(session, role="manager", branch=branch))
    url = f"/console/branches/{branch.id}/rates"
    page = client.get(url)
    assert page.status_code == 200 and "Тарифная сетка" in page.text
    rows = [
        {"skill": "loader", "client_rate": "300", "worker_rate": "200", "night_pct": "20"},
        {
            "client_id": str(site.client_id),
            "skill": "loader",
            "client_rate": "350,50",
            "worker_rate": "210",
            "holiday_pct": "100",
            "min_hours": "4",
        },
        {},  # the blank row under the table
    ]
    saved = client.post(url, data={**form, **_table(rows)}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert [
        (r.client_id, r.client_rate, r.night_pct, r.min_hours)
        for r in card_rows(session, branch.id)
    ] == [
        (None, D("300.00"), 20, D("0.00")),
        (site.client_id, D("350.50"), 0, D("4.00")),
    ]
    bad = [dict(rows[0]), {**rows[1], "night_pct": "301"}]
    refused = client.post(url, data={**form, **_table(bad)})
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert 'id="e-1-night_pct"' in text and "Сетка не сохранена" in text
    assert 'value="301"' in text  # what was typed is kept
    not_a_number = client.post(url, data={**form, **_table([{**rows[0], "client_rate": "abc"}])})
    assert not_a_number.status_code == 422 and 'id="e-0-client_rate"' in not_a_number.text
    assert len(card_rows(session, branch.id)) == 2  # nothing written


def test_a_dispatcher_reads_the_card_but_does_not_save_it(client, session, world):
    branch = world["branch"]
    form = sign_in(client, make_user(session, role="dispatcher", branch=branch))
    assert client.get(f"/console/branches/{branch.id}/rates").status_code == 200
    refused = client.post(f"/console/branches/{branch.id}/rates", data={**form, **_table([])})
    assert refused.status_code == 403


def test_the_order_forms_margin_preview(client, session, world):
    branch, site = world["branch"], world["site"]
    replace_card(
        session,
        actor=SYSTEM,
        branch_id=branch.id,
        rows=[CardRow("loader", None, D("300"), D("200"), 20, 100, D("0"))],
    )
    form = sign_in(client, make_user(session, role="dispatcher", branch=branch))
    day = (now() + timedelta(days=30)).date()
    while day.weekday() >= 5 or day.month == 1:  # an ordinary working day
        day += timedelta(days=1)
    body = {
        **form,
        "site_id": str(site.id),
        "skill": "loader",
        "headcount": "2",
        "date": day.isoformat(),
        "start": "20:00",
        "end": "04:00",
        "client_rate": "",
        "worker_rate": "",
    }
    client.cookies.set("brigada_lang", "en")
    shown = client.post("/console/orders/new/margin", data=body)
    assert shown.status_code == 200, shown.text
    text = html.unescape(shown.text)
    assert 'data-client-rate="300.00"' in text and 'data-differs="no"' in text
    assert "Night hours: 6.00 (+20%)" in text
    # 2 x (8 x 300 + 6 x 300 x 20%) = 5520; pay 2 x (8 x 200 + 6 x 200 x 20%) = 3680
    assert 'id="margin-revenue">5520.00' in text and 'id="margin-pay">3680.00' in text
    assert "1840.00 (33.33%)" in text
    typed = client.post(
        "/console/orders/new/margin", data={**body, "client_rate": "310", "worker_rate": "200"}
    )
    assert 'data-differs="yes"' in typed.text and 'id="margin-differs"' in typed.text
    empty = client.post("/console/orders/new/margin", data={**body, "skill": ""})
    assert "Choose a site and a skill" in empty.text
