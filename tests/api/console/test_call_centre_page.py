"""The call centre's console form (api/console/network/call_centre.py): each refusal shown at
the field it names (as the API's 422 does), never all at one field."""

import re

from sqlalchemy import func, select

from dispatch.models import Client, Order
from tests.api.console.helpers import sign_in
from tests.api.console.test_network_pages import _form, branchless
from tests.builders import MOSCOW, make_branch, make_client, make_site


def error_at(page: str, field: str) -> str:
    """The refusal shown under one field of the form ("" if none)."""
    found = re.search(rf'<p class="error" id="err-{field}"[^>]*>([^<]*)</p>', page)
    assert found is not None, field
    return found.group(1).strip()


def _orders(session) -> int:
    return session.scalar(select(func.count()).select_from(Order))


def test_an_unknown_client_is_shown_at_the_client_and_a_differing_inn_at_the_inn(client, session):
    branch = make_branch(session, center=MOSCOW)
    make_client(session, branch=branch, name="ООО Ромашка").inn = "7736050003"
    session.flush()
    csrf = sign_in(client, branchless(session, "call_centre"))
    before = _orders(session)
    unknown = client.post("/console/call-centre", data=_form(csrf, client_id="99999999"))
    assert unknown.status_code == 422, unknown.text
    assert error_at(unknown.text, "client_name") and not error_at(unknown.text, "skill")
    differs = client.post("/console/call-centre", data=_form(csrf))  # the same name, another INN
    assert differs.status_code == 422, differs.text
    assert error_at(differs.text, "inn") and not error_at(differs.text, "skill")
    assert "ИНН" in error_at(differs.text, "inn")
    session.expire_all()
    assert _orders(session) == before
    assert session.scalar(select(func.count()).where(Client.branch_id == branch.id)) == 1


def test_a_picked_clients_site_is_chosen_from_its_sites(client, session):
    branch = make_branch(session, center=MOSCOW)
    own, other = make_client(session, branch=branch), make_client(session, branch=branch)
    site = make_site(session, client=own, at=MOSCOW)
    theirs = make_site(session, client=other, at=MOSCOW)
    session.flush()
    csrf = sign_in(client, branchless(session, "call_centre"))
    found = client.get("/console/call-centre/clients", params={"q": own.name})
    assert f'hx-get="/console/call-centre/sites?client_id={own.id}"' in found.text
    listed = client.get("/console/call-centre/sites", params={"client_id": own.id})
    assert listed.status_code == 200
    assert f'<option value="{site.id}"' in listed.text
    assert f'<option value="{theirs.id}"' not in listed.text
    picked = {"client_id": str(own.id), "client_name": "", "inn": "", "site_name": "", "lat": ""}
    refused = client.post(
        "/console/call-centre", data=_form(csrf, **picked, site_id=str(theirs.id), lon="")
    )
    assert refused.status_code == 422, refused.text
    assert error_at(refused.text, "site_id") and not error_at(refused.text, "skill")
    assert f'<option value="{site.id}"' in refused.text  # the client's sites still to pick
    placed = client.post(
        "/console/call-centre", data=_form(csrf, **picked, site_id=str(site.id), lon="")
    )
    assert placed.status_code == 200, placed.text
    order = session.scalars(select(Order).order_by(Order.id.desc()).limit(1)).one()
    assert (order.site_id, order.client_id, order.branch_id) == (site.id, own.id, branch.id)
    assert session.scalar(select(func.count()).where(Order.site_id == theirs.id)) == 0
