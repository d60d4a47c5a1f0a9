"""Issue 20's check-in code, end to end: uvicorn and a dramatiq jobs process on Redis, every
text in through Twilio's signed inbound webhook, every answer out through the outbox gateway
and read back from the messages table.

A worker is booked on a shift starting in an hour at the foreman's site; another order at
another site has its own code. The foreman reads the code over the API; the worker texts a
wrong code, the code of two steps ago (expired), the other order's code, and each is refused
with its own text (the other order's code not named); then the right code: the check-in is
recorded (method "code"), the foreman's page shows the card awaiting confirmation with the
code and its QR code on the page, and the foreman confirms it.
"""

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from api.console.web import SESSION_COOKIE, session_csrf
from core.clock import now
from core.db import session_scope
from core.settings import get_settings
from dispatch.models import Offer, Order
from dispatch.shift import codes
from sms import templates
from tests.builders import MOSCOW, auth, book, make_order, make_site, make_user, make_worker, offset
from tests.scenarios import branch_to_fill, committed
from tests.stack import Services, Texting, running_stack

BRANCH_CODE = "CODEE2E"
SID_PREFIX = "SMcde"  # + 29 digits: Twilio's 34 characters; cleanup finds them
PHONE, OTHER_PHONE = "+79957204411", "+79957204422"
OUR_SMS_NUMBER = "+79990004455"
STEP = timedelta(seconds=codes.STEP_S)


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, SID_PREFIX):
        with session_scope() as session:
            branch, client = branch_to_fill(session, BRANCH_CODE)
            foreman = make_user(session, role="foreman", branch=branch, username="code-foreman")
            dispatcher = make_user(session, role="dispatcher", branch=branch)
            ours = make_site(session, client=client, at=MOSCOW)
            theirs = make_site(session, client=client, at=offset(MOSCOW, north_m=3_000))
            ours.foreman_id = foreman.id
            worker = make_worker(session, branch=branch, phone=PHONE)
            other = make_worker(session, branch=branch, phone=OTHER_PHONE)
            at = now()
            order = make_order(
                session, site=ours, headcount=1, now=at, starts_in=timedelta(hours=1), hours=4
            )
            elsewhere = make_order(
                session, site=theirs, headcount=1, now=at, starts_in=timedelta(hours=2), hours=4
            )
            book(session, order, [worker], now=at)
            book(session, elsewhere, [other], now=at)
            built = {
                "order": order.id,
                "elsewhere": (elsewhere.id, elsewhere.code),
                "worker": worker.id,
                "foreman": auth(foreman),
                "foreman_token": auth(foreman)["Authorization"].removeprefix("Bearer "),
                "office": auth(dispatcher),
            }
        yield built


@pytest.fixture
def services(scene, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIGADA_TWILIO_FROM", OUR_SMS_NUMBER)  # the QR code's number
    with running_stack(tmp_path) as running:
        yield running


def _code(services: Services, order_id: int, headers: dict) -> dict:
    answer = httpx.get(
        f"{services.base}/api/v1/orders/{order_id}/checkin-code", headers=headers, timeout=15
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _offer(order_id: int, worker_id: int) -> Offer:
    with session_scope() as session:
        offer = session.scalars(
            select(Offer).where(Offer.order_id == order_id, Offer.worker_id == worker_id)
        ).one()
        session.expunge(offer)
        return offer


def test_the_check_in_code_by_signed_sms_through_the_jobs_process(scene, services):
    texting = Texting(services, SID_PREFIX)
    order_id, (elsewhere_id, elsewhere_code) = scene["order"], scene["elsewhere"]
    ours = _code(services, order_id, scene["foreman"])["code"]
    theirs = _code(services, elsewhere_id, scene["office"])["code"]
    with session_scope() as session:  # the code of twenty minutes ago, as the worker kept it
        old = codes.current(session, session.get_one(Order, order_id), now() - 2 * STEP).code
    known = {ours, theirs, old}
    wrong = next(f"{n:06d}" for n in range(123456, 123470) if f"{n:06d}" not in known)

    def text(kind: str) -> str:
        return templates.default_text(kind, "ru")[0]

    assert texting.say(PHONE, f"ПРИШЕЛ {wrong}", "checkin_code_wrong") == text("checkin_code_wrong")
    assert texting.say(PHONE, f"пришёл {old[:3]} {old[3:]}", "checkin_code_expired") == text(
        "checkin_code_expired"
    )
    refused = texting.say(PHONE, f"ПРИШЕЛ {theirs}", "checkin_code_other")
    assert refused == text("checkin_code_other")
    assert elsewhere_code not in refused and theirs not in refused
    assert _offer(order_id, scene["worker"]).checked_in_at is None

    # The code may have turned since it was read: the previous step's is accepted too.
    done = texting.say(PHONE, f"ПРИШЕЛ {ours}", "checkin_code_ok")
    offer = _offer(order_id, scene["worker"])
    assert offer.checked_in_at is not None and offer.checkin_method == "code"
    assert offer.attendance is None
    with session_scope() as session:
        assert session.get_one(Order, order_id).code in done

    # The foreman's page: the card awaits confirmation, the code and its QR code are there.
    token = scene["foreman_token"]
    csrf = session_csrf(get_settings().secret_key, token)
    with httpx.Client(base_url=services.base, cookies={SESSION_COOKIE: token}) as console:
        page = console.get("/console/foreman")
        assert page.status_code == 200
        card = f'id="w-{order_id}-{scene["worker"]}-confirm"'
        assert card in page.text and "Отметка по коду в" in page.text
        fragment = console.get(f"/console/foreman/orders/{order_id}/checkin-code").text
        assert "<svg" in fragment and f'data-link="sms:{OUR_SMS_NUMBER}?body=' in fragment
        confirmed = console.post(
            f"/console/foreman/orders/{order_id}/mark",
            data={
                "csrf": csrf,
                "worker_id": scene["worker"],
                "status": "arrived",
                "checkin": "true",
            },
        )
        assert confirmed.status_code in (200, 303), confirmed.text[:500]
    assert _offer(order_id, scene["worker"]).attendance == "arrived"
