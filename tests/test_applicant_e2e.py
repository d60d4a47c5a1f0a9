"""Issue 19 end to end: uvicorn serving the app and a dramatiq jobs process on Redis.

A number no worker has texts РАБОТА through Twilio's signed webhook and registers by SMS
(consent, name, work, district, language), each answer acted on by the jobs process; a
recruiter approves them on the console's page; the dispatcher's order offers them work by
SMS, and their ДА books it."""

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from api.console.web import SESSION_COOKIE, session_csrf
from core.clock import now
from core.db import session_scope
from core.settings import get_settings
from dispatch.models import Offer
from tests.builders import MOSCOW, auth, make_district, make_site, make_user, offset
from tests.scenarios import branch_to_fill, committed, order_body
from tests.stack import Texting, running_stack, texts_to, wait_for
from workers.applicants import Applicant
from workers.models import Worker

BRANCH_CODE = "APPE2E"
SID_PREFIX = "SMape"
PHONE = "+79957008800"
DISTRICT = "Бригадинский"  # a name no other test's district has


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


def _applicant() -> Applicant:
    with session_scope() as session:
        return session.scalars(select(Applicant).where(Applicant.phone == PHONE)).one()


def test_a_stranger_registers_is_approved_offered_work_and_books_it(scene, services):
    texting = Texting(services, SID_PREFIX)
    # 1. The dialogue, each text acted on by the jobs process.
    assert "152-ФЗ" in texting.say(PHONE, "РАБОТА", "applicant_consent")
    texting.say(PHONE, "да", "applicant_name")
    texting.say(PHONE, "Тимур Рахимов", "applicant_list")  # the skills' question, then the rest
    texting.say(PHONE, "1", "applicant_home")
    texting.say(PHONE, DISTRICT.upper(), "applicant_language")
    assert "Тимур Рахимов" in texting.say(PHONE, "1", "applicant_queued")
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
        return [t for t in texts_to(PHONE) if t[0] == "applicant_approved" and t[1] == "sent"]

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
        return [t for t in texts_to(PHONE) if t[0] == "offer" and t[1] == "sent"]

    (offer_text,) = wait_for(offered, "the offer text to the new worker", services)
    assert order["code"] in offer_text[2]
    booked_text = texting.say(PHONE, f"ДА {order['code']}", "booked")
    assert order["code"] in booked_text or "Вы записаны" in booked_text
    with session_scope() as session:
        offer = session.scalars(
            select(Offer).where(Offer.order_id == order["id"], Offer.worker_id == worker_id)
        ).one()
        assert offer.status == "booked"
