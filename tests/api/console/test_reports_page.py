"""/console/reports: every tab renders for an owner (their branches in the picker), the chart's
data sits in a data-* attribute, the table holds the API's numbers, the CSV downloads."""

import json
import re
from datetime import date

from sqlalchemy import select

from dispatch.models import Branch, User
from dispatch.reports import keeping
from tests.api.console.helpers import sign_in
from tests.builders import make_user
from tests.dispatch.reports.network import make_network

PERIOD = "from=2026-10-01&to=2026-10-07"


def _owner(session, net) -> User:  # noqa: ANN001
    user = User(
        username="owner-console",
        password_hash=make_user(session, role="admin").password_hash,
        role="owner",
        organisation_id=net.organisations[1].id,
    )
    session.add(user)
    session.flush()
    return user


def test_an_owner_walks_every_tab(client, session, session_factory):
    net = make_network(session, branches=4, days=7, first=date(2026, 10, 1), seed=4)
    keeping.rebuild(factory=session_factory)
    sign_in(client, _owner(session, net))
    mine = set(
        session.scalars(
            select(Branch.name).where(Branch.organisation_id == net.organisations[1].id)
        )
    )
    for tab in ("fill", "attendance", "money", "workers", "calibration"):
        page = client.get(f"/console/reports?tab={tab}&{PERIOD}&lang=en")
        assert page.status_code == 200, page.text
        html = page.text
        assert 'href="/console/reports"' in html  # the nav link
        options = set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', html))
        assert options == mine
        chart = json.loads(re.search(r"data-chart='([^']*)'", html).group(1).replace("&#34;", '"'))
        assert chart["datasets"] and chart["datasets"][0]["data"]
        assert "<script>" not in html
    other = next(b.id for b in net.branches if b.name not in mine)
    assert client.get(f"/console/reports?branch_id={other}&{PERIOD}").status_code == 404
    csv = client.get(f"/console/reports.csv?tab=money&{PERIOD}&lang=en")
    assert csv.status_code == 200 and csv.text.lstrip("\ufeff").startswith("Group,Name,Orders")


def test_a_dispatcher_may_not_open_reports(client, session):
    net = make_network(session, branches=1, days=1, seed=9)
    sign_in(client, make_user(session, role="dispatcher", branch=net.branches[0]))
    assert client.get("/console/reports").status_code == 403
