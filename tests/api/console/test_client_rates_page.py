"""The rates agreed with a client, on its console page (issue 18): shown and edited by the
office in Russian and English, a bad amount refused beside the table with what was typed kept
and nothing written; an order without rates then takes them."""

import html
import re

import pytest

from dispatch.client_models import ClientRate
from tests.api.console.helpers import sign_in
from tests.builders import make_branch, make_client, make_user


@pytest.fixture
def office(client, session):
    branch = make_branch(session)
    form = sign_in(client, make_user(session, role="manager", branch=branch))  # agrees rates
    return make_client(session, branch=branch), form


def _rates(session, client_row) -> dict[str, tuple[str, str]]:
    session.expire_all()
    rows = session.query(ClientRate).filter_by(client_id=client_row.id).all()
    return {r.skill: (f"{r.client_rate:.2f}", f"{r.worker_rate:.2f}") for r in rows}


def test_the_office_keeps_a_clients_rates_on_its_page(client, session, office):
    client_row, form = office
    page = client.get(f"/console/clients/{client_row.id}")
    assert page.status_code == 200 and "Согласованные ставки" in page.text
    body = {
        **form,
        "skill": ["loader", ""],
        "client_rate": ["300,50", ""],
        "worker_rate": ["150", ""],
    }
    saved = client.post(
        f"/console/clients/{client_row.id}/rates", data=body, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    assert _rates(session, client_row) == {"loader": ("300.50", "150.00")}
    page = client.get(f"/console/clients/{client_row.id}").text
    assert 'value="300,50"' in page  # Russian decimals
    client.cookies.set("brigada_lang", "en")
    english = client.get(f"/console/clients/{client_row.id}").text
    assert "Agreed rates" in english and 'value="300.50"' in english
    assert "Согласованные" not in english


def test_a_bad_amount_is_refused_with_what_was_typed(client, session, office):
    client_row, form = office
    body = {**form, "skill": ["loader"], "client_rate": ["триста"], "worker_rate": ["150"]}
    refused = client.post(f"/console/clients/{client_row.id}/rates", data=body)
    assert refused.status_code == 422
    error = re.search(r'<p class="error" id="rates-error"[^>]*>([^<]*)</p>', refused.text)
    assert error and html.unescape(error[1]).strip()
    assert "триста" in refused.text
    assert _rates(session, client_row) == {}
    twice = {
        **form,
        "skill": ["loader", "loader"],
        "client_rate": ["1", "2"],
        "worker_rate": ["1", "1"],
    }
    assert client.post(f"/console/clients/{client_row.id}/rates", data=twice).status_code == 422
    assert _rates(session, client_row) == {}


def test_a_dispatcher_sees_the_agreed_rates_but_cannot_change_them(client, session):
    branch = make_branch(session)
    client_row = make_client(session, branch=branch)
    session.add(
        ClientRate(client_id=client_row.id, skill="loader", client_rate=400, worker_rate=250)
    )
    session.flush()
    form = sign_in(client, make_user(session, role="dispatcher", branch=branch))
    page = client.get(f"/console/clients/{client_row.id}")
    assert page.status_code == 200
    assert "400.00" in page.text or "400,00" in page.text
    assert f'action="/console/clients/{client_row.id}/rates"' not in page.text
    sent = client.post(
        f"/console/clients/{client_row.id}/rates",
        data={**form, "skill": "loader", "client_rate": "1", "worker_rate": "1"},
    )
    assert sent.status_code == 403
    assert _rates(session, client_row) == {"loader": ("400.00", "250.00")}
