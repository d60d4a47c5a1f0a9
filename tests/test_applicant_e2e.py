"""Issue 19 end to end: uvicorn serving the app and a dramatiq jobs process on Redis.

A number no worker has texts РАБОТА through Twilio's signed webhook and registers by SMS
(consent, name, work, district, language), each answer acted on by the jobs process; a
recruiter approves them on the console's page; the dispatcher's order offers them work by
SMS, and their ДА books it."""

import asyncio
import itertools
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from api.console.web import SESSION_COOKIE, session_csrf
from core.clock import now
from core.db import session_scope
from core.settings import get_settings
from dispatch.models import Offer
from sms.models import Message
from tests.builders import MOSCOW, auth, make_district, make_site, make_user, offset
from tests.scenarios import branch_to_fill, committed, order_body
from tests.stack import Services, inbound_form, post_all, running_stack, wait_for
from workers.applicants import Applicant
from workers.models import Worker

BRANCH_CODE = "APPE2E"
SID_PREFIX = "SMape"
PHONE = "+79957008800"
DISTRICT = "Бригадинский"  # a name no other test's district has
_sid = itertools.count()


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, SID_PREFIX):
        with session_scope() as session:
            branch, client = branch_to_fill(session, BRANCH_CODE)
            site = make_site(session, client=client, at=MOSCOW)
            make_district(session, branch=branch, name=DISTRICT, at=offset(MOSCOW, north_m=800))
            recruiter = make_user(session, role="recruiter", branch=branch, username="app-e2e-rec")
            dispatcher = make_user(
                session, role="dispatcher", branch=branch, username="app-e2e-disp"
            )
            built = {
                "site_id": site.id,
                "branch_id": branch.id,
                "recruiter": auth(recruiter)["Authorization"].removeprefix("Bearer "),
                "dispatcher": auth(dispatcher),
            }
        yield built


@pytest.fixture
def services(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _texts_to_phone() -> list[tuple[str, str, str]]:
    with session_scope() as session:
        rows = session.execute(
            select(Message.kind, Message.status, Message.body)
            .where(Message.phone == PHONE, Message.direction == "out")
            .order_by(Message.id)
        )
        return [(kind, status, body) for kind, status, body in rows.all()]


def _say(services: Services, body: str, expect_kind: str) -> str:
    """The phone texts us through the signed webhook; waits for our answer to be sent."""
    before = len(_texts_to_phone())
    sid = f"{SID_PREFIX}{next(_sid):029d}"
    (response,) = asyncio.run(post_all(services.base, [inbound_form(sid, PHONE, body)]))
    assert response.status_code == 200, response.text

    def answered():
        texts = _texts_to_phone()
        new = texts[before:]
        answered.state = lambda: f"texts after {body!r}: {new}"
        sent = [t for t in new if t[0] == expect_kind and t[1] == "sent"]
        return sent[-1][2] if sent else None

    return wait_for(answered, f"the answer {expect_kind} to {body!r}", services)


def _applicant() -> Applicant:
    with session_scope() as session:
        return session.scalars(select(Applicant).where(Applicant.phone == PHONE)).one()


def test_a_stranger_registers_is_approved_offered_work_and_books_it(scene, services):
    # 1. The dialogue, each text acted on by the jobs process.
    assert "152-ФЗ" in _say(services, "РАБОТА", "applicant_consent")
    _say(services, "да", "applicant_name")
    _say(services, "Тимур Рахимов", "applicant_list")  # the skills' question, then the rest
    _say(services, "1", "applicant_home")
    _say(services, DISTRICT.upper(), "applicant_language")
    assert "Тимур Рахимов" in _say(services, "1", "applicant_queued")
    applicant = _applicant()
    assert (applicant.status, applicant.branch_id) == ("queued", scene["branch_id"])
    assert applicant.consent_message_id is not None

    # 2. The recruiter approves on the console's page.
    token = scene["recruiter"]
    csrf = session_csrf(get_settings().secret_key, token)
    with httpx.Client(base_url=services.base, cookies={SESSION_COOKIE: token}) as console:
        queue = console.get("/console/recruiting")
        assert queue.status_code == 200 and "Тимур Рахимов" in queue.text
        approved = console.post(
            f"/console/recruiting/{applicant.id}/approve",
            data={"csrf": csrf, "passport_number": "4510 778899"},
        )
        assert approved.status_code in (200, 303), approved.text[:500]

    def welcomed():
        return [t for t in _texts_to_phone() if t[0] == "applicant_approved" and t[1] == "sent"]

    wait_for(welcomed, "the approval text to be sent", services)
    with session_scope() as session:
        worker = session.scalars(select(Worker).where(Worker.phone == PHONE)).one()
        worker_id = worker.id
        assert worker.vetted and worker.skills == ["loader"]

    # 3. An order offers them work; their ДА books it.
    starts_at = (now() + timedelta(days=1)).replace(microsecond=0)
    response = httpx.post(
        f"{services.base}/api/v1/orders",
        headers=scene["dispatcher"],
        json=order_body(scene["site_id"], headcount=1, starts_at=starts_at),
        timeout=10,
    )
    assert response.status_code == 201, response.text
    order = response.json()

    def offered():
        return [t for t in _texts_to_phone() if t[0] == "offer" and t[1] == "sent"]

    (offer_text,) = wait_for(offered, "the offer text to the new worker", services)
    assert order["code"] in offer_text[2]
    booked_text = _say(services, f"ДА {order['code']}", "booked")
    assert order["code"] in booked_text or "Вы записаны" in booked_text
    with session_scope() as session:
        offer = session.scalars(
            select(Offer).where(Offer.order_id == order["id"], Offer.worker_id == worker_id)
        ).one()
        assert offer.status == "booked"
