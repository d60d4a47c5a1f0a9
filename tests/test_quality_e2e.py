"""The quality SMS round trip on the real stack: uvicorn, a dramatiq jobs process on Redis,
the outbox gateway (issue 18, item 3).

Two orders of one client, each at a site with its own contact, are closed over HTTP; each
close queues the rating question, which the jobs process hands to the gateway. The contacts
answer through Twilio's signed inbound webhook: "2 опоздали двое" is stored against its
order with a case open for the dispatcher, "5" opens none. The dispatcher closes the case
with a note over the API. The liberty onsite's end-to-end test takes: the shifts are moved
to have ended an hour ago (an UPDATE).
"""

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from core.clock import now
from core.db import session_scope
from dispatch.client_models import QualityReview
from sms.models import Message
from tests.builders import MOSCOW, auth, make_offer, make_order, make_site, make_user, offset
from tests.scenarios import branch_to_fill, committed, move_shift, worker_grid
from tests.stack import Services, inbound_form, post_all, running_stack, wait_for
from workers.models import Worker

BRANCH_CODE = "QUALITYE2E"
SID_PREFIX = "SMqty"  # + 29 digits: Twilio's 34 characters; cleanup finds them
CONTACTS = ("+79039990011", "+79039990022")  # the two sites' contacts


@dataclass(frozen=True)
class Scene:
    order_ids: tuple[int, int]
    office: dict[str, str]  # a dispatcher's bearer token


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, SID_PREFIX):
        with session_scope() as session:
            branch, client = branch_to_fill(session, BRANCH_CODE)
            branch.quality_sms = True
            sites = [
                make_site(session, client=client, at=MOSCOW, contact_phone=CONTACTS[0]),
                make_site(
                    session,
                    client=client,
                    at=offset(MOSCOW, north_m=1_000),
                    contact_name="Олег Складов",
                    contact_phone=CONTACTS[1],
                ),
            ]
            phones = worker_grid(
                session,
                branch=branch,
                count=2,
                columns=2,
                spacing_m=100,
                south_m=0,
                west_m=0,
                phone_prefix="+7994",
            )
            orders = []
            for site, worker_id in zip(sites, sorted(phones), strict=True):
                order = make_order(session, site=site, headcount=1, now=now())
                worker = session.get_one(Worker, worker_id)
                make_offer(session, order=order, worker=worker, booked_at=now())
                orders.append(order.id)
            dispatcher = make_user(session, role="dispatcher", branch=branch)
            built = Scene((orders[0], orders[1]), auth(dispatcher))
        yield built


@pytest.fixture
def services(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _api(services: Services, method: str, path: str, headers: dict, **kwargs) -> httpx.Response:
    return httpx.request(method, f"{services.base}{path}", headers=headers, timeout=15, **kwargs)


def _questions(order_ids) -> dict[int | None, Message]:
    with session_scope() as session:
        rows = session.scalars(
            select(Message).where(Message.order_id.in_(order_ids), Message.kind == "quality_ask")
        )
        return {m.order_id: m for m in rows}


def _reviews(order_ids) -> dict[int, QualityReview]:
    with session_scope() as session:
        rows = session.scalars(select(QualityReview).where(QualityReview.order_id.in_(order_ids)))
        reviews = {r.order_id: r for r in rows}
        session.expunge_all()
        return reviews


def test_the_clients_rating_goes_out_and_comes_back_by_sms(scene, services):
    first, second = scene.order_ids
    ended = now().replace(microsecond=0) - timedelta(hours=9)
    for order_id in scene.order_ids:
        move_shift(order_id, ended)
        closed = _api(services, "POST", f"/api/v1/orders/{order_id}/close", scene.office)
        assert closed.status_code == 200, closed.text

    # Each close queued one question to its site's contact; the jobs process sent both.
    def sent():
        asked = _questions(scene.order_ids)
        sent.state = lambda: {o: (m.phone, m.status) for o, m in asked.items()}
        done = len(asked) == 2 and all(m.status == "sent" for m in asked.values())
        return asked if done else None

    asked = wait_for(sent, "the two rating questions to be sent", services)
    assert (asked[first].phone, asked[second].phone) == CONTACTS
    assert all(m.worker_id is None and "1 до 5" in m.body for m in asked.values())

    # The contacts answer through the signed webhook; the jobs process reads the answers.
    forms = [
        inbound_form(f"{SID_PREFIX}{0:029d}", CONTACTS[0], "2 опоздали двое"),
        inbound_form(f"{SID_PREFIX}{1:029d}", CONTACTS[1], "5"),
    ]
    assert {r.status_code for r in asyncio.run(post_all(services.base, forms))} == {200}

    def answered():
        reviews = _reviews(scene.order_ids)
        answered.state = lambda: {o: (r.score, r.comment) for o, r in reviews.items()}
        return reviews if all(r.score is not None for r in reviews.values()) else None

    reviews = wait_for(answered, "both answers to be recorded", services)
    assert (reviews[first].score, reviews[first].comment) == (2, "опоздали двое")
    assert reviews[first].case_opened_at is not None and reviews[first].case_closed_at is None
    assert (reviews[second].score, reviews[second].case_opened_at) == (5, None)
    with session_scope() as session:
        inbound = session.scalars(
            select(Message).where(Message.provider_sid.like(f"{SID_PREFIX}%"))
        ).all()
        assert {(m.kind, m.order_id, m.status) for m in inbound} == {
            ("quality", first, "processed"),
            ("quality", second, "processed"),
        }

    # The dispatcher sees the one open case, and closes it with a note.
    listed = _api(services, "GET", "/api/v1/quality/reviews?open_cases=true", scene.office)
    assert [(r["order_id"], r["score"], r["case"]) for r in listed.json()] == [(first, 2, "open")]
    note = {"note": "позвонили клиенту, двое наказаны"}
    closed = _api(services, "POST", f"/api/v1/quality/cases/{first}/close", scene.office, json=note)
    assert closed.status_code == 200 and closed.json()["case"] == "closed", closed.text
    again = _api(services, "POST", f"/api/v1/quality/cases/{first}/close", scene.office, json=note)
    assert again.status_code == 409 and again.json()["code"] == "quality_case_closed"
    listed = _api(services, "GET", "/api/v1/quality/reviews?open_cases=true", scene.office)
    assert listed.json() == []
