"""The board's poll digest covers the call centre's told orders by what they are, not by how
many: with the list full (50), one order in and the oldest out used to give the same digest,
so the board answered 204 and never showed the new call-centre order."""

import re

from core import audit
from dispatch.intake.callcentre import VIA
from tests.api.console.helpers import htmx_headers, sign_in
from tests.builders import make_branch_site, make_user

SHOWN = 50  # told_orders shows the last 50


def _told(session, branch, n: int) -> None:  # noqa: ANN001
    audit.record(
        session,
        actor_user_id=None,
        actor="call-centre",
        action="order.create",
        entity="order",
        entity_ids=[900000 + n],
        branch_id=branch.id,
        detail={"via": VIA, "code": f"CC{n:05d}"},
    )
    session.flush()


def test_one_told_order_in_and_one_out_changes_the_digest(client, session):
    branch, _ = make_branch_site(session)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    for n in range(SHOWN):
        _told(session, branch, n)
    sign_in(client, dispatcher)
    rows = client.get("/console/board/rows", headers=htmx_headers(client))
    assert rows.status_code == 200 and "CC00049" in rows.text
    digest = re.search(r'name="digest" value="(\w+)"', rows.text).group(1)
    _told(session, branch, SHOWN)  # the newest in, the oldest (CC00000) out: still 50
    moved = client.get(f"/console/board/rows?digest={digest}", headers=htmx_headers(client))
    assert moved.status_code == 200, "the new call-centre order was not sent"
    assert "CC00050" in moved.text and "CC00000" not in moved.text
