"""Worker search and profile, the message log and the phone simulator: branch-scoped, audited,
and a simulated reply takes Twilio's signed path through /sms/inbound."""

from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from api.console.office import phone
from api.main import create_app
from core.audit import AuditEntry
from core.clock import now
from core.settings import Settings, get_settings
from core.tenancy import SYSTEM
from dispatch.models import Branch
from dispatch.shift import onsite
from rating.models import PenaltyEvent
from rating.service import get_event
from sms.models import Message
from tests.api.console.helpers import csrf_of, htmx_headers, sign_in
from tests.builders import (
    KAZAN,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)

TOKEN = "twilio-auth-token-for-the-simulator"
PUBLIC = "https://brigada.example.org"


def _settings(**changes) -> Settings:
    return Settings(**{**get_settings().model_dump(), "public_url": PUBLIC, **changes})


@pytest.fixture
def sim(session_factory):
    """The console in outbox mode with a Twilio auth token, so /sms/inbound checks signatures."""
    app = create_app(
        _settings(sms_backend="outbox", twilio_auth_token=TOKEN), session_factory, warm=False
    )
    with TestClient(app, base_url="https://testserver") as client:  # as served: Secure cookies
        yield client


def _through(client: TestClient, seen: list | None = None):
    """A poster that delivers to `client`'s app, as httpx would deliver to the public URL."""

    def post(url: str, fields: dict[str, str], headers: dict[str, str]) -> int:
        if seen is not None:
            seen.append((url, dict(fields), dict(headers)))
        return client.post(url, data=fields, headers=headers).status_code

    return post


def _audits(session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def office(session):
    """A branch, its dispatcher, two of its workers and a worker of another branch."""
    branch = make_branch(session)
    other = make_branch(session, center=KAZAN)
    return {
        "branch": branch,
        "other": other,
        "dispatcher": make_user(session, role="dispatcher", branch=branch),
        "petrov": make_worker(
            session, branch=branch, full_name="Петров Пётр", phone="+79990001122"
        ),
        "cashier": make_worker(
            session,
            branch=branch,
            full_name="Сидорова Анна",
            phone="+79990003344",
            skills=["cashier"],
        ),
        "stranger": make_worker(
            session, branch=other, full_name="Петров Казанский", phone="+79990005566"
        ),
    }


def _no_show(session, worker) -> PenaltyEvent:
    """A started order of the worker's branch where the worker is marked a no-show."""
    branch = session.get(Branch, worker.branch_id)
    site = make_site(session, client=make_client(session, branch=branch))
    order = make_order(
        session, site=site, now=now() - timedelta(days=1), starts_in=timedelta(hours=22)
    )
    make_offer(session, order=order, worker=worker, booked_at=now() - timedelta(days=1))
    session.flush()
    onsite.mark_attendance(
        session, order.id, actor=SYSTEM, worker_id=worker.id, status="no_show", at=None, now=now()
    )
    return session.scalars(
        select(PenaltyEvent).where(
            PenaltyEvent.worker_id == worker.id, PenaltyEvent.kind == "no_show"
        )
    ).one()


def test_search_finds_by_name_and_phone_only_in_the_branch_and_is_audited(client, session, office):
    sign_in(client, office["dispatcher"])
    by_name = client.get("/console/workers", params={"q": "петров"})
    assert by_name.status_code == 200, by_name.text
    assert "Петров Пётр" in by_name.text and "Петров Казанский" not in by_name.text
    assert f'href="/console/workers/{office["petrov"].id}"' in by_name.text
    assert '<th scope="col">' in by_name.text
    for typed in ("8 999 000-11-22", "+7 (999) 000 11 22", "0001122"):
        by_phone = client.get("/console/workers", params={"q": typed})
        assert "Петров Пётр" in by_phone.text and "Сидорова" not in by_phone.text, typed
    foreign_phone = client.get("/console/workers", params={"q": "+79990005566"})
    assert "Казанский" not in foreign_phone.text
    cashiers = client.get("/console/workers", params={"skill": "cashier"})
    assert "Сидорова Анна" in cashiers.text and "Петров Пётр" not in cashiers.text
    assert client.get("/console/workers", params={"skill": "astronaut"}).status_code == 422
    searches = _audits(session, "worker.search")
    assert searches and all(e.actor_user_id == office["dispatcher"].id for e in searches)
    first = next(e for e in searches if e.detail.get("text") == "петров")
    assert first.entity_ids == [office["petrov"].id]
    assert first.branch_id == office["branch"].id


def test_the_profile_shows_the_ledger_and_a_reversal_works_once(client, session, office):
    worker = office["petrov"]
    event = _no_show(session, worker)
    form = sign_in(client, office["dispatcher"])
    page = client.get(f"/console/workers/{worker.id}")
    assert page.status_code == 200, page.text
    assert f'action="/console/penalties/{event.id}/reverse"' in page.text
    assert f'<label for="reason-{event.id}">' in page.text and "неявка" in page.text
    assert "История рейтинга" in page.text
    read = _audits(session, "worker.read")
    assert [e.entity_ids for e in read] == [[worker.id]]

    done = client.post(
        f"/console/penalties/{event.id}/reverse",
        data={**form, "reason": "заболел, позвонил"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"].startswith(f"/console/workers/{worker.id}")
    session.expire_all()
    assert get_event(session, event.id).reversed_at is not None
    reversal = session.scalars(
        select(PenaltyEvent).where(PenaltyEvent.reverses_id == event.id)
    ).one()
    assert reversal.reason == "заболел, позвонил" and reversal.created_by == office["dispatcher"].id
    after = client.get(done.headers["location"])
    assert "снимает взыскание №" in after.text and 'role="status"' in after.text
    assert f'action="/console/penalties/{event.id}/reverse"' not in after.text

    before = (
        _count(session, PenaltyEvent),
        _count(session, Message),
        len(_audits(session, "penalty.reverse")),
    )
    twice = client.post(
        f"/console/penalties/{event.id}/reverse", data={**form, "reason": "ещё раз"}
    )
    assert twice.status_code == 409 and 'role="alert"' in twice.text
    blank = client.post(f"/console/penalties/{event.id}/reverse", data={**form, "reason": "  "})
    assert blank.status_code == 422 and "Укажите причину" in blank.text
    after_refusals = (
        _count(session, PenaltyEvent),
        _count(session, Message),
        len(_audits(session, "penalty.reverse")),
    )
    assert after_refusals == before


def test_the_home_branch_sees_but_may_not_reverse_an_entry_of_another_branchs_order(
    client, session, office
):
    """Issue 14, High 1, in the console: the worker's home branch reads the entry another
    branch recorded on its own order, but only that branch (or an admin) reverses it."""
    worker = office["petrov"]
    other = office["other"]
    site = make_site(session, client=make_client(session, branch=other))
    order = make_order(
        session, site=site, now=now() - timedelta(days=1), starts_in=timedelta(hours=22)
    )
    make_offer(session, order=order, worker=worker, booked_at=now() - timedelta(days=1))
    session.flush()
    onsite.mark_attendance(
        session, order.id, actor=SYSTEM, worker_id=worker.id, status="no_show", at=None, now=now()
    )
    event = session.scalars(select(PenaltyEvent).where(PenaltyEvent.worker_id == worker.id)).one()
    form = sign_in(client, office["dispatcher"])
    page = client.get(f"/console/workers/{worker.id}?lang=en")
    assert page.status_code == 200 and f'id="entry-{event.id}"' in page.text
    assert f'action="/console/penalties/{event.id}/reverse"' not in page.text
    assert "branch decides" in page.text
    before = (_count(session, PenaltyEvent), _count(session, Message))
    answer = client.post(
        f"/console/penalties/{event.id}/reverse?lang=en", data={**form, "reason": "наш работник"}
    )
    assert answer.status_code == 403, answer.text
    assert "only that branch or the head" in answer.text
    assert (_count(session, PenaltyEvent), _count(session, Message)) == before
    session.expire_all()
    assert get_event(session, event.id).reversed_at is None


def test_another_branchs_dispatcher_gets_404_on_the_profile_and_the_reverse(sim, session, office):
    worker = office["petrov"]
    event = _no_show(session, worker)
    intruder = make_user(session, role="dispatcher", branch=office["other"])
    form = sign_in(sim, intruder)
    before = (_count(session, PenaltyEvent), _count(session, Message))
    assert sim.get(f"/console/workers/{worker.id}").status_code == 404
    for reason in ("не наш", ""):
        answer = sim.post(f"/console/penalties/{event.id}/reverse", data={**form, "reason": reason})
        assert answer.status_code == 404, (reason, answer.text)
    assert sim.get(f"/console/phone/{worker.id}").status_code == 404
    assert (
        sim.get(f"/console/phone/{worker.id}/thread", headers=htmx_headers(sim)).status_code == 404
    )
    reply = sim.post(f"/console/phone/{worker.id}/reply", data={**form, "body": "да"})
    assert reply.status_code == 404
    assert "Пётр" not in sim.get("/console/workers", params={"q": "петров"}).text
    assert (_count(session, PenaltyEvent), _count(session, Message)) == before
    session.expire_all()
    assert get_event(session, event.id).reversed_at is None
    assert not _audits(session, "worker.read")
    foreman = make_user(session, role="foreman", branch=office["branch"])
    sign_in(sim, foreman)
    assert sim.get("/console/workers").status_code == 403


def _message(session, worker, *, direction, body, order_id=None) -> Message:
    message = Message(
        direction=direction,
        kind="offer" if direction == "out" else "reply",
        worker_id=worker.id,
        order_id=order_id,
        phone=worker.phone,
        body=body,
        encoding="UCS-2",
        segments=1,
        status="sent" if direction == "out" else "processed",
    )
    session.add(message)
    session.flush()
    return message


def test_the_message_log_filters_and_keeps_to_the_branch(client, session, office):
    petrov, cashier = office["petrov"], office["cashier"]
    _message(session, petrov, direction="out", body="Заказ 101: грузчик", order_id=2_000_001)
    _message(session, petrov, direction="in", body="да 101")
    _message(session, cashier, direction="out", body="Кассир нужен")
    _message(session, office["stranger"], direction="out", body="Казань, склад")
    sign_in(client, office["dispatcher"])
    everything = client.get("/console/messages")
    assert everything.status_code == 200
    text = everything.text
    assert all(body in text for body in ("Заказ 101: грузчик", "да 101", "Кассир нужен"))
    assert "Казань, склад" not in text
    assert text.index("Кассир нужен") < text.index("да 101") < text.index("Заказ 101")
    replies = client.get("/console/messages", params={"direction": "in"}).text
    assert "да 101" in replies and "Кассир нужен" not in replies and "Заказ 101" not in replies
    of_cashier = client.get("/console/messages", params={"worker_id": cashier.id}).text
    assert "Кассир нужен" in of_cashier and "да 101" not in of_cashier
    of_order = client.get("/console/messages", params={"order_id": 2_000_001, "worker_id": ""}).text
    assert "Заказ 101" in of_order and "да 101" not in of_order
    bad = client.get("/console/messages", params={"order_id": "abc", "direction": "up"})
    assert bad.status_code == 422 and bad.text.count('role="alert"') == 2
    foreign = client.get("/console/messages", params={"worker_id": office["stranger"].id})
    assert "Казань, склад" not in foreign.text


def test_the_message_log_finds_an_order_by_its_code_and_names_the_worker(client, session, office):
    petrov = office["petrov"]
    order = make_order(
        session, site=make_site(session, client=make_client(session, branch=office["branch"]))
    )
    _message(session, petrov, direction="out", body="Работа завтра", order_id=order.id)
    _message(session, petrov, direction="out", body="Другое")
    sign_in(client, office["dispatcher"])
    found = client.get("/console/messages?lang=ru", params={"order": order.code})
    assert found.status_code == 200
    assert "Работа завтра" in found.text and "Другое" not in found.text
    assert "Петров Пётр" in found.text  # the home branch sees the name
    assert f">{order.code}</a>" in found.text  # the order as staff know it, not its id
    assert "Код заказа" in found.text
    bad = client.get("/console/messages", params={"order": "12a"})
    assert bad.status_code == 422 and 'id="filter-order-error"' in bad.text


def test_the_phone_shows_the_thread_and_a_reply_goes_through_the_signed_webhook(
    sim, session, office, monkeypatch
):
    worker = office["petrov"]
    offer = _message(session, worker, direction="out", body="Заказ 7: грузчик, завтра. Ответьте ДА")
    seen: list = []
    monkeypatch.setattr(phone, "post_inbound", _through(sim, seen))
    form = sign_in(sim, office["dispatcher"])
    picker = sim.get("/console/phone")
    assert picker.status_code == 200 and f'href="/console/phone/{worker.id}"' in picker.text
    assert "Казанский" not in picker.text
    page = sim.get(f"/console/phone/{worker.id}")
    assert page.status_code == 200, page.text
    assert 'aria-live="polite"' in page.text and 'hx-trigger="every 2s"' in page.text
    assert f'hx-get="/console/phone/{worker.id}/thread"' in page.text
    assert offer.body in page.text and "Работнику:" in page.text
    assert '<label for="reply-body">' in page.text

    sent = sim.post(
        f"/console/phone/{worker.id}/reply", data={**form, "body": " да 7 "}, follow_redirects=False
    )
    assert sent.status_code == 303, sent.text
    inbound = session.scalars(select(Message).where(Message.direction == "in")).one()
    assert inbound.provider_sid.startswith("SMsim") and len(inbound.provider_sid) == 34
    assert (inbound.phone, inbound.body, inbound.status) == (worker.phone, "да 7", "received")
    ((url, fields, headers),) = seen
    assert url == PUBLIC + "/sms/inbound" and fields["NumMedia"] == "0"
    assert fields["From"] == worker.phone and fields["AccountSid"].startswith("AC")
    validator = RequestValidator(TOKEN)
    assert validator.validate(url, fields, headers["X-Twilio-Signature"])
    assert _audits(session, "phone.reply")[0].entity_ids == [worker.id]

    thread = sim.get(f"/console/phone/{worker.id}/thread", headers=htmx_headers(sim))
    assert thread.status_code == 200
    assert thread.text.index(offer.body) < thread.text.index("да 7")
    assert "Ответ работника:" in thread.text
    version = thread.text.split('name="v" value="')[1].split('"')[0]
    unchanged = sim.get(
        f"/console/phone/{worker.id}/thread", params={"v": version}, headers=htmx_headers(sim)
    )
    assert unchanged.status_code == 204

    empty = sim.post(f"/console/phone/{worker.id}/reply", data={**form, "body": "   "})
    too_long = sim.post(f"/console/phone/{worker.id}/reply", data={**form, "body": "я" * 1601})
    assert empty.status_code == too_long.status_code == 422
    assert 'role="alert"' in empty.text and 'aria-invalid="true"' in too_long.text
    assert len(seen) == 1


def test_no_transaction_of_the_reply_is_open_while_the_webhook_is_called(
    sim, connection, session, office, monkeypatch
):
    """The webhook needs a connection of its own: the reply's request must not hold one, in
    a transaction, over the call (here: its savepoint on the test's connection)."""
    outside = connection.get_nested_transaction()  # the test's own, if any
    during = []

    def post(url, fields, headers):
        during.append(connection.get_nested_transaction())
        return _through(sim)(url, fields, headers)

    monkeypatch.setattr(phone, "post_inbound", post)
    form = sign_in(sim, office["dispatcher"])
    sent = sim.post(
        f"/console/phone/{office['petrov'].id}/reply",
        data={**form, "body": "да"},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    assert len(during) == 1 and during[0] is outside
    assert _audits(session, "phone.reply")[0].entity_ids == [office["petrov"].id]


def test_a_reply_signed_with_the_wrong_token_is_refused_by_the_webhook(
    sim, session_factory, session, office, monkeypatch
):
    """The simulator signs with its settings' token; a webhook holding another one says 403."""
    wrong = create_app(
        _settings(sms_backend="outbox", twilio_auth_token="not-" + TOKEN),
        session_factory,
        warm=False,
    )
    with TestClient(wrong) as impostor:
        monkeypatch.setattr(phone, "post_inbound", _through(sim))
        form = sign_in(impostor, office["dispatcher"])
        answer = impostor.post(
            f"/console/phone/{office['petrov'].id}/reply", data={**form, "body": "да"}
        )
    assert answer.status_code == 502 and 'role="alert"' in answer.text and "403" in answer.text
    assert "да</textarea>" in answer.text
    assert _count(session, Message, Message.direction == "in") == 0


def test_an_unreachable_webhook_is_an_alert_not_a_500(sim, session, office, monkeypatch):
    def refuse(url, fields, headers):
        raise httpx.ConnectError("connection refused")

    monkeypatch.setattr(phone, "post_inbound", refuse)
    form = sign_in(sim, office["dispatcher"])
    answer = sim.post(f"/console/phone/{office['petrov'].id}/reply", data={**form, "body": "да"})
    assert answer.status_code == 502 and "connection refused" in answer.text


def test_the_simulator_is_not_there_when_twilio_sends(session_factory, session, office):
    app = create_app(
        _settings(sms_backend="twilio", twilio_auth_token=TOKEN), session_factory, warm=False
    )
    with TestClient(app) as client:
        form = sign_in(client, office["dispatcher"])
        worker_id = office["petrov"].id
        for path in ("/console/phone", f"/console/phone/{worker_id}"):
            answer = client.get(path + "?lang=en")
            assert answer.status_code == 404 and "outbox mode only" in answer.text
        reply = client.post(f"/console/phone/{worker_id}/reply", data={**form, "body": "да"})
        assert reply.status_code == 404
        assert client.get("/console/workers").status_code == 200  # the rest stays
    assert _count(session, Message, Message.direction == "in") == 0


def test_pages_speak_english_with_lang_en(sim, session, office):
    event = _no_show(session, office["petrov"])
    sign_in(sim, office["dispatcher"])
    workers = sim.get("/console/workers?lang=en")
    assert "Name or phone" in workers.text and '<html lang="en">' in workers.text
    assert "brigada_lang=en" in workers.headers["set-cookie"]
    profile = sim.get(f"/console/workers/{office['petrov'].id}").text  # the cookie keeps it
    assert "no-show" in profile and "Reason to reverse entry #" + str(event.id) in profile
    assert "Message log" in sim.get("/console/messages").text
    assert "Phone simulator" in sim.get("/console/phone").text
    assert "Работники" in sim.get("/console/workers?lang=ru").text


def test_posts_without_csrf_are_403_and_write_nothing(sim, session, office, monkeypatch):
    event = _no_show(session, office["petrov"])
    monkeypatch.setattr(phone, "post_inbound", _through(sim))
    sign_in(sim, office["dispatcher"])
    before = (_count(session, PenaltyEvent), _count(session, Message))
    for path, data in (
        (f"/console/penalties/{event.id}/reverse", {"reason": "x"}),
        (f"/console/phone/{office['petrov'].id}/reply", {"body": "да"}),
    ):
        assert sim.post(path, data=data).status_code == 403, path
        assert sim.post(path, data={**data, "csrf": "forged-" + csrf_of(sim)}).status_code == 403, (
            path
        )
    assert (_count(session, PenaltyEvent), _count(session, Message)) == before
