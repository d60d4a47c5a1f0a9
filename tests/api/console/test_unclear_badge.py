"""A worker's replies not understood at the second try show on the board and the order page
as a badge (issue 15, item 11), in Russian and English, and the board's poll notices it."""

import re
from itertools import count

from core.clock import now
from dispatch.fill import waves
from dispatch.replies import inbox, intake
from tests.api.console.helpers import htmx_headers, sign_in
from tests.api.console.test_dispatcher_pages import local, office, order_at, row  # noqa: F401
from tests.builders import make_worker

_sid = count()


def texts(session, worker, *bodies: str) -> list[str]:
    done = []
    for body in bodies:
        message_id = intake.receive(
            session, provider_sid=f"SMunclear{next(_sid)}", from_phone=worker.phone, body=body
        )
        done.append(inbox.handle_inbound(session, message_id, now()))
    return done


def badge(page: str, order) -> str | None:
    found = re.search(
        rf'<a class="badge warn unclear-flag" id="unclear-{order.id}".*?</a>', page, re.S
    )
    return found.group(0) if found else None


def test_the_badge_shows_after_the_second_unclear_try_on_the_board_and_the_order(
    client,
    session,
    office,  # noqa: F811
):
    branch, site, dispatcher = office
    order = order_at(session, site, local(1, 10), headcount=1)
    worker = make_worker(session, branch=branch)
    waves.start_filling(session, order.id, now())
    sign_in(client, dispatcher)

    assert texts(session, worker, "сколько платят?") == ["not understood"]
    rows = client.get("/console/board/rows", headers=htmx_headers(client))
    assert badge(rows.text, order) is None  # one try is not yet the dispatcher's business
    digest = re.search(r'name="digest" value="(\w+)"', rows.text).group(1)

    assert texts(session, worker, "где это??") == ["not understood"]
    moved = client.get(f"/console/board/rows?digest={digest}", headers=htmx_headers(client))
    assert moved.status_code == 200  # the poll sees the badge come
    shown = badge(row(moved.text, order), order)
    assert shown and "неясных ответов: 2" in shown
    assert f'href="/console/messages?order_id={order.id}&amp;direction=in"' in shown

    english = client.get("/console/?lang=en").text
    assert "unclear replies: 2" in badge(row(english, order), order)
    page = client.get(f"/console/orders/{order.id}?lang=en").text
    assert "unclear replies: 2" in badge(page, order)
    assert "not understood at the second try" in badge(page, order)

    # Understood at last: the badge goes.
    assert texts(session, worker, "да") == ["queued -> booked"]
    assert badge(client.get("/console/").text, order) is None
    assert badge(client.get(f"/console/orders/{order.id}").text, order) is None
