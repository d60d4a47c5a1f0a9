"""A recruiter is shown no link they may not follow: the workers page and a worker's profile,
with a ledger entry and a message of an order on it, link only to pages that open for them
(the CSV exports and the message log are the office's)."""

import html
import re
from decimal import Decimal

from core.clock import now
from dispatch.penalties import record
from rating import reasons
from sms.models import Message
from tests.api.console.helpers import sign_in
from tests.builders import (
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)

LINK = re.compile(r'(?:href|hx-get|action)="(/console/[^"#]*)"')


def _links(page: str) -> set[str]:
    return {html.unescape(link) for link in LINK.findall(page)}


def test_a_recruiters_workers_page_and_profile_link_to_nothing_refused(client, session):
    branch = make_branch(session)
    worker = make_worker(session, branch=branch)
    order = make_order(
        session, site=make_site(session, client=make_client(session, branch=branch)), now=now()
    )
    make_offer(session, order=order, worker=worker)
    record.penalise(session, order, worker.id, kind="no_show", points=3, fine=Decimal("300"),
                    reason=reasons.of("absent"))  # fmt: skip
    session.add(
        Message(
            direction="out",
            kind="offer",
            worker_id=worker.id,
            order_id=order.id,
            phone=worker.phone,
            body="Заказ: выйдете?",
            encoding="UCS-2",
            segments=1,
            status="sent",
        )  # fmt: skip
    )
    session.flush()
    pages = ("/console/workers", f"/console/workers?q={worker.phone[-4:]}",
             f"/console/workers/{worker.id}")  # fmt: skip

    sign_in(client, make_user(session, role="dispatcher", branch=branch))
    office_links = set().union(*(_links(client.get(page).text) for page in pages))
    assert "/console/workers/export.csv" in office_links  # the office has them: the walk finds
    assert f"/console/messages?order_id={order.id}" in office_links

    sign_in(client, make_user(session, role="recruiter", branch=branch))
    links: set[str] = set()
    for page in pages:
        answer = client.get(page)
        assert answer.status_code == 200, page
        links |= _links(answer.text)
    assert f"/console/workers/{worker.id}" in links
    refused = [
        link
        for link in sorted(links)
        if "/reverse" not in link  # POST forms: the profile shows the recruiter none
        and client.get(link, follow_redirects=False).status_code == 403
    ]
    assert refused == []
    assert not any("/reverse" in link for link in links)
