"""Issue 19's "done when", end to end: uvicorn serving the app and a dramatiq jobs process on
Redis; every text in through Twilio's signed inbound webhook, every answer out through the
outbox gateway and read back from the messages table.

Two strangers register by SMS, one in Russian (РАБОТА) and one in Uzbek (ИШ, the dialogue in
Uzbek); a recruiter approves both on the console's pages; an order over the API offers them
work, in each one's language, and ДА / HA books it. The Russian worker asks СМЕНЫ, says
СВОБОДЕН завтра, ЗАНЯТ до <date>, ПАУЗА 3. The shift is moved into the past (an UPDATE:
tests/scenarios.move_shift), the dispatcher marks the Russian worker late and the Uzbek one a
no-show over the API and closes it: РЕЙТИНГ and ДЕНЬГИ answer with the figures. Both dispute
their penalty by SMS: the dispatcher reverses one over the API; the other is left to its
deadline, which is moved into the past (an UPDATE) before the scheduler's job
disputes.deadline_passed is sent to the broker and run by the jobs process, as the scheduler
sends it every minute. Last, the Russian worker asks to be deleted: told it waits while a
shift is unpaid, the office sets the branch's paid-through date over the API, and УДАЛИТЬ and
its code leave neither the phone nor the name in any text or JSON column of any table.
"""

import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, update

from api.console.web import SESSION_COOKIE, session_csrf
from core.clock import now
from core.db import session_scope
from core.jobs import send_now
from core.settings import get_settings
from dispatch.models import Offer
from dispatch.penalties.disputes import AUTO_REASON
from rating.models import PenaltyDispute, PenaltyEvent
from sms import templates
from sms.models import Message
from tests.builders import MOSCOW, auth, make_district, make_site, make_user, offset
from tests.forgetting import find_everywhere, phone_needles
from tests.scenarios import branch_to_fill, committed, move_shift, order_body
from tests.stack import Services, Texting, running_stack, wait_for
from workers.applicants import Applicant
from workers.models import Worker, WorkerAvailability

BRANCH_CODE = "WSMSE2E"
SID_PREFIX = "SMwse"  # + 29 digits: Twilio's 34 characters; cleanup finds them
RU, UZ = "+79957008831", "+79957008842"
RU_NAME, UZ_NAME = "Ринат Галиев", "Akmal Yusupov"
RU_PASSPORT = "4510 778811"
DISTRICT = "Грузчиково"  # a name no other test's district has
ZONE = ZoneInfo("Europe/Moscow")  # the branch's (tests/builders.py make_branch)


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, SID_PREFIX):
        with session_scope() as session:
            branch, client = branch_to_fill(session, BRANCH_CODE)
            site = make_site(session, client=client, at=MOSCOW)
            make_district(session, branch=branch, name=DISTRICT, at=offset(MOSCOW, north_m=800))
            recruiter = make_user(session, role="recruiter", branch=branch, username="wse2e-rec")
            dispatcher = make_user(session, role="dispatcher", branch=branch, username="wse2e-disp")
            built = {
                "site_id": site.id,
                "branch_id": branch.id,
                "recruiter": auth(recruiter)["Authorization"].removeprefix("Bearer "),
                "office": auth(dispatcher),
            }
        yield built


@pytest.fixture
def services(scene, tmp_path, monkeypatch):
    # A day's texts in two minutes: one worker asks eight questions, more than a real worker's
    # hourly share of automatic replies (5), and texts faster than a number may before the
    # rest is kept unread as a flood (10 a minute). Both limits have their own tests.
    monkeypatch.setenv("BRIGADA_SMS_AUTO_REPLIES_PER_HOUR", "12")
    monkeypatch.setenv("BRIGADA_SMS_INBOUND_RATE", "100/minute")
    with running_stack(tmp_path) as running:
        yield running


def _api(services: Services, method: str, path: str, headers: dict, **kw) -> httpx.Response:
    return httpx.request(method, f"{services.base}{path}", headers=headers, timeout=15, **kw)


def _worker(phone: str) -> Worker:
    with session_scope() as session:
        worker = session.scalars(select(Worker).where(Worker.phone == phone)).one()
        session.expunge(worker)
        return worker


def _register(texting: Texting) -> None:
    """Both strangers' dialogues, each text acted on by the jobs process."""
    say = texting.say
    assert "152-ФЗ" in say(RU, "РАБОТА", "applicant_consent")
    say(RU, "да", "applicant_name")
    say(RU, RU_NAME, "applicant_list")  # the skills' question, then the rest of the list
    say(RU, "1", "applicant_home")
    say(RU, DISTRICT.upper(), "applicant_language")
    assert RU_NAME in say(RU, "1", "applicant_queued")

    assert "Rozimisiz? HA yoki YO'Q" in say(UZ, "ИШ", "applicant_consent")
    assert "Ismingiz nima?" in say(UZ, "Ha", "applicant_name")
    # Uzbek is GSM-7: the whole list of work fits the question's two segments.
    assert "Qaysi ish sizga mos?" in say(UZ, UZ_NAME, "applicant_skills")
    assert "Qayerda yashaysiz?" in say(UZ, "1", "applicant_home")
    say(UZ, DISTRICT.lower(), "applicant_language")
    queued = say(UZ, "3", "applicant_queued")  # 3: O'zbek
    assert f"Rahmat, {UZ_NAME}!" in queued and "Anketa qabul qilindi" in queued


def _approve_on_console(services: Services, texting: Texting, scene: dict) -> None:
    """The recruiter's queue page lists both; the card's approve form makes them workers."""
    with session_scope() as session:
        ids = dict(
            session.execute(
                select(Applicant.phone, Applicant.id).where(Applicant.phone.in_([RU, UZ]))
            ).all()
        )
    token = scene["recruiter"]
    csrf = session_csrf(get_settings().secret_key, token)
    patent_until = (now().astimezone(ZONE).date() + timedelta(days=200)).isoformat()
    forms = {
        RU: {"passport_number": RU_PASSPORT},
        UZ: {
            "passport_number": "FA 1234567",
            "patent_number": "77 2412345678",
            "patent_expires_on": patent_until,
        },
    }
    with httpx.Client(base_url=services.base, cookies={SESSION_COOKIE: token}) as console:
        queue = console.get("/console/recruiting")
        assert queue.status_code == 200 and RU_NAME in queue.text and UZ_NAME in queue.text
        for phone, form in forms.items():
            approved = console.post(
                f"/console/recruiting/{ids[phone]}/approve", data={"csrf": csrf, **form}
            )
            assert approved.status_code in (200, 303), approved.text[:500]
    assert texting.sent(RU, "applicant_approved")
    (welcome,) = texting.sent(UZ, "applicant_approved")
    assert "qabul qilindingiz" in welcome
    assert _worker(UZ).language == "uz" and _worker(RU).language == "ru"


def _order_booked(services: Services, texting: Texting, scene: dict) -> dict:
    """An order over the API; each is offered it in their language and books it."""
    starts_at = (now() + timedelta(days=1)).replace(microsecond=0)
    body = order_body(scene["site_id"], headcount=2, starts_at=starts_at)
    response = _api(services, "POST", "/api/v1/orders", scene["office"], json=body)
    assert response.status_code == 201, response.text
    order = response.json()
    code = order["code"]
    (ru_offer,) = texting.sent(RU, "offer")
    (uz_offer,) = texting.sent(UZ, "offer")
    assert ru_offer.startswith("Работа: ") and f"ДА {code}" in ru_offer
    assert uz_offer.startswith("Ish: yukchi") and f"Javob: HA {code} yoki YO'Q {code}" in uz_offer
    assert "Вы записаны" in texting.say(RU, f"ДА {code}", "booked")
    assert "Yozildingiz" in texting.say(UZ, f"HA {code}", "booked")
    with session_scope() as session:
        offers = session.scalars(select(Offer).where(Offer.order_id == order["id"])).all()
        assert {o.worker_id: o.status for o in offers} == {
            _worker(RU).id: "booked",
            _worker(UZ).id: "booked",
        }
    return order


def _days_and_pause(texting: Texting) -> None:
    """СВОБОДЕН завтра, ЗАНЯТ до <date> (the latest word for a day wins), ПАУЗА 3."""
    worker_id = _worker(RU).id
    today = now().astimezone(ZONE).date()
    tomorrow, last = today + timedelta(days=1), today + timedelta(days=4)

    def said() -> dict:
        with session_scope() as session:
            rows = session.execute(
                select(WorkerAvailability.day, WorkerAvailability.free).where(
                    WorkerAvailability.worker_id == worker_id
                )
            )
            return dict(rows.all())

    free = texting.say(RU, "СВОБОДЕН завтра", "free_recorded")
    assert "свободен" in free and f"{tomorrow:%d.%m}" in free
    assert said() == {tomorrow: True}
    busy = texting.say(RU, f"ЗАНЯТ до {last:%d.%m}", "busy_recorded")
    assert "занят" in busy and f"{last:%d.%m}" in busy
    assert said() == {today + timedelta(days=n): False for n in range(5)}

    asked_at = now()
    paused = texting.say(RU, "ПАУЗА 3", "pause_set")
    until = _worker(RU).paused_until
    assert until is not None
    assert asked_at + timedelta(days=3) - timedelta(seconds=5) <= until
    assert until <= now() + timedelta(days=3)
    assert f"{until.astimezone(ZONE):%d.%m %H:%M}" in paused


def _worked_and_marked(services: Services, texting: Texting, scene: dict, order: dict) -> None:
    """The shift moved to have ended an hour ago; the Russian worker came 30 minutes late,
    the Uzbek one did not come; the dispatcher closes it. Each is texted their penalty."""
    starts_at = now().replace(microsecond=0) - timedelta(hours=9)
    move_shift(order["id"], starts_at)
    late = (starts_at + timedelta(minutes=30)).isoformat()
    marks = [
        {"worker_id": _worker(RU).id, "status": "arrived", "at": late},
        {"worker_id": _worker(UZ).id, "status": "no_show"},
    ]
    for mark in marks:
        path = f"/api/v1/orders/{order['id']}/attendance"
        marked = _api(services, "POST", path, scene["office"], json=mark)
        assert marked.status_code == 200, marked.text
    closed = _api(services, "POST", f"/api/v1/orders/{order['id']}/close", scene["office"])
    assert closed.status_code == 200, closed.text
    code = order["code"]
    (ru_penalty,) = texting.sent(RU, "penalty")
    assert "опоздание" in ru_penalty and f"Оспорить: СПОР {code}" in ru_penalty
    (uz_penalty,) = texting.sent(UZ, "penalty")
    assert "kelmaslik" in uz_penalty and f"E'tiroz: NIZO {code}" in uz_penalty


def _penalty(phone: str, order_id: int) -> PenaltyEvent:
    with session_scope() as session:
        event = session.scalars(
            select(PenaltyEvent).where(
                PenaltyEvent.worker_id == _worker(phone).id,
                PenaltyEvent.order_id == order_id,
                PenaltyEvent.kind != "reversal",
            )
        ).one()
        session.expunge(event)
        return event


def _case(phone: str) -> PenaltyDispute:
    with session_scope() as session:
        case = session.scalars(
            select(PenaltyDispute).where(PenaltyDispute.worker_id == _worker(phone).id)
        ).one()
        session.expunge(case)
        return case


def _disputes(services: Services, texting: Texting, scene: dict, order: dict) -> None:
    """СПОР / NIZO by SMS; the dispatcher reverses the one, the deadline the other."""
    code = order["code"]
    opened = texting.say(RU, f"СПОР {code} автобус опоздал", "dispute_opened")
    assert f"Спор по заказу {code} принят" in opened
    opened = texting.say(UZ, f"NIZO {code} avtobus kechikdi", "dispute_opened")
    assert f"Buyurtma {code} bo'yicha nizo qabul qilindi" in opened

    queue = _api(services, "GET", "/api/v1/worker-disputes", scene["office"])
    assert queue.status_code == 200, queue.text
    listed = {case["worker_id"]: case for case in queue.json()}
    ru_case = listed[_worker(RU).id]
    assert (ru_case["words"], ru_case["order_code"], ru_case["penalty_kind"]) == (
        "автобус опоздал",
        code,
        "late",
    )
    assert listed[_worker(UZ).id]["penalty_kind"] == "no_show"

    # The dispatcher reverses the Russian worker's case over the API; they are texted so.
    path = f"/api/v1/worker-disputes/{ru_case['id']}/reverse"
    reversed_ = _api(services, "POST", path, scene["office"], json={"reason": "автобус отменили"})
    assert reversed_.status_code == 200 and reversed_.json()["status"] == "reversed", reversed_.text
    (told,) = texting.sent(RU, "dispute_reversed")
    assert f"Заказ {code}: спор решён в вашу пользу" in told
    assert _penalty(RU, order["id"]).reversed_at is not None

    # Nobody answers the Uzbek worker's case: its deadline (48 h on) is moved into the past,
    # and the scheduler's minute job, sent as the scheduler sends it, reverses it.
    uz_case = _case(UZ)
    assert uz_case.status == "open" and uz_case.deadline_at > now() + timedelta(hours=47)
    with session_scope() as session:
        session.execute(
            update(PenaltyDispute)
            .where(PenaltyDispute.id == uz_case.id)
            .values(deadline_at=now() - timedelta(minutes=1))
        )
    send_now("disputes.deadline_passed")
    (told,) = texting.sent(UZ, "dispute_auto_reversed")
    assert f"Buyurtma {code}: ofis nizoga vaqtida javob bermadi" in told
    decided = _case(UZ)
    assert (decided.status, decided.outcome_reason, decided.decided_by) == (
        "auto_reversed",
        AUTO_REASON,
        None,
    )
    assert _penalty(UZ, order["id"]).reversed_at is not None


def test_workers_register_work_ask_dispute_and_are_forgotten_by_sms(scene, services):
    texting = Texting(services, SID_PREFIX)

    # 1. Two strangers register, in Russian and in Uzbek; approved on the console; booked.
    _register(texting)
    _approve_on_console(services, texting, scene)
    order = _order_booked(services, texting, scene)
    code = order["code"]

    # 2. The self-service words.
    assert code in texting.say(RU, "СМЕНЫ", "shifts")
    assert f"7 kunlik smenalaringiz: {code} " in texting.say(UZ, "SMENALAR", "shifts")
    _days_and_pause(texting)
    _worked_and_marked(services, texting, scene, order)

    worker = _worker(RU)
    rating = texting.say(RU, "РЕЙТИНГ", "rating")
    assert f"Рейтинг {worker.rating:.2f} из 5" in rating
    assert f"выходы {worker.reliability * 100:.0f}%, нарушений {worker.strikes}" in rating
    assert f"{templates.ledger_words('late', 'ru')} {code}" in rating
    fine = _penalty(RU, order["id"]).fine
    assert fine > 0
    # 7.5 hours (came 30 minutes late, the shift closed after its end) at 120.00, less the fine.
    owed = texting.say(RU, "ДЕНЬГИ", "pay_fined")
    assert f"К выплате {Decimal('900.00') - fine:f} RUB" in owed and "(смен: 1)" in owed

    # 3. Disputes: one reversed by the dispatcher, one at its deadline.
    _disputes(services, texting, scene, order)
    assert "К выплате 900.00 RUB" in texting.say(RU, "ДЕНЬГИ", "pay")

    # 4. Deletion: it waits while the shift is unpaid; the office records the payout.
    waits = texting.say(RU, "УДАЛИТЬ", "forget_waits")
    assert templates.deletion_words("pay", "ru") in waits
    today = now().astimezone(ZONE).date()
    path = f"/api/v1/branches/{scene['branch_id']}/paid-through"
    paid = _api(services, "PUT", path, scene["office"], json={"through": today.isoformat()})
    assert paid.status_code == 200, paid.text
    assert texting.say(RU, "ДЕНЬГИ", "pay_none")
    confirm = texting.say(RU, "УДАЛИТЬ", "forget_confirm")
    match = re.search(r"УДАЛИТЬ (\d{4})", confirm)
    assert match, confirm
    worker_id = worker.id
    sid = texting.post(RU, f"УДАЛИТЬ {match.group(1)}")

    def forgotten():
        with session_scope() as session:
            gone = session.get_one(Worker, worker_id)
            status = session.scalar(select(Message.status).where(Message.provider_sid == sid))
            forgotten.state = lambda: f"inbound {status}, forgotten_at {gone.forgotten_at}"
            return status == "processed" and gone.forgotten_at is not None

    wait_for(forgotten, "the worker to be forgotten", services)
    with session_scope() as session:
        gone = session.get_one(Worker, worker_id)
        assert (gone.full_name, gone.phone) == (f"Удалён #{worker_id}", f"deleted:{worker_id}")
        assert gone.status == "blocked" and gone.opted_out
        # Their application (name, phone, home) goes with them (dispatch/replies/forget.py).
        applied = select(Applicant).where(Applicant.worker_id == worker_id)
        assert session.scalars(applied).all() == []
        left = find_everywhere(session, [*phone_needles(RU), RU_NAME, RU_PASSPORT])
        assert left == [], "\n".join(map(str, left))
        # The other worker is untouched: the scan is not blind.
        assert find_everywhere(session, [UZ_NAME])
