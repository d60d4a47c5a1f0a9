"""End to end over SMS: uvicorn serving the app and a dramatiq jobs process on Redis.

Orders are taken in over HTTP; their offers go out through the outbox gateway; workers answer
through Twilio's signed inbound webhook, many at once, and the jobs process books exactly the
target and puts everyone else on standby. A repeated MessageSid is taken in once; a bad
signature is refused and stores nothing.
"""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import or_, select

from core.clock import now
from core.db import session_scope
from dispatch.models import Offer, Order
from sms.models import Message
from tests.builders import MOSCOW, auth, make_site, make_user, offset
from tests.scenarios import branch_to_fill, committed, order_body, worker_grid
from tests.stack import Services, inbound_form, post_all, running_stack, sign, wait_for
from workers.models import Worker

BRANCH_CODE = "SMSE2E"
SID_PREFIX = "SMe2e"  # + a letter + 28 digits: Twilio's 34 characters; cleanup finds them
WORKERS = 110  # wave 1 offers ceil(15 x 10) = 150: every one of them
HEADCOUNT = 10
TARGET = 15  # ceil(10 x 1.5), the default fixed overbooking


# --- data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scene:
    branch_id: int
    site_ids: tuple[int, int]
    phones: dict[int, str]  # worker id -> phone
    headers: dict[str, str]  # a dispatcher's bearer token


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, SID_PREFIX):
        with session_scope() as session:
            branch, client = branch_to_fill(session, BRANCH_CODE)
            sites = (
                make_site(session, client=client, at=MOSCOW),
                make_site(session, client=client, at=offset(MOSCOW, north_m=1_500)),
            )
            phones = worker_grid(  # a 11 x 10 grid, 150 m apart, all well within 10 km
                session,
                branch=branch,
                count=WORKERS,
                columns=10,
                spacing_m=150,
                south_m=750,
                west_m=700,
                phone_prefix="+7996",
            )
            user = make_user(
                session, role="dispatcher", branch=branch, username="sms-e2e-dispatcher"
            )
            built = Scene(branch.id, (sites[0].id, sites[1].id), phones, auth(user))
        yield built


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def services(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _post_order(services: Services, scene: Scene, site_id: int, starts_in: timedelta) -> dict:
    starts_at = (now() + starts_in).replace(microsecond=0)
    response = httpx.post(
        f"{services.base}/api/v1/orders",
        headers=scene.headers,
        json=order_body(site_id, headcount=HEADCOUNT, starts_at=starts_at),
        timeout=10,
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["booking_target"] == TARGET and order["status"] == "open"
    return order


def _offer_statuses(order_id: int) -> dict[int, str]:
    with session_scope() as session:
        rows = session.execute(
            select(Offer.worker_id, Offer.status).where(Offer.order_id == order_id)
        )
        return dict(rows.all())


def _out_messages(order_id: int) -> list[tuple[int, str, str]]:
    """(worker id, kind, status) of every text the order sent or queued."""
    with session_scope() as session:
        rows = session.execute(
            select(Message.worker_id, Message.kind, Message.status).where(
                Message.order_id == order_id, Message.direction == "out"
            )
        )
        return [tuple(row) for row in rows]


def _wait_for_offers_sent(services: Services, order_id: int) -> dict[int, str]:
    """Wave 1 made and every offer text handed to the outbox gateway by the sms.send jobs."""

    def done():
        offers, texts = _offer_statuses(order_id), _out_messages(order_id)
        done.state = lambda: (
            f"offers by status {dict(Counter(offers.values()))}, "
            f"offer texts by status {dict(Counter(s for _, k, s in texts if k == 'offer'))}"
        )
        sent = [w for w, k, s in texts if k == "offer" and s == "sent"]
        complete = len(offers) == WORKERS and set(offers.values()) == {"sent"}
        return offers if complete and sorted(sent) == sorted(offers) else None

    return wait_for(done, f"the {WORKERS} wave-1 offers of order {order_id} to be sent", services)


def _inbound_rows(sids: list[str]) -> list[Message]:
    with session_scope() as session:
        return list(session.scalars(select(Message).where(Message.provider_sid.in_(sids))))


def _reply_yes(services: Services, code: str, replies: dict[str, str]) -> None:
    """Post YES replies ({sid: phone}) concurrently; each is answered 200 with empty TwiML."""
    forms = [inbound_form(sid, phone, f"ДА {code}") for sid, phone in replies.items()]
    responses = asyncio.run(post_all(services.base, forms))
    for response in responses:
        assert response.status_code == 200, (response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/xml")
        assert response.text.replace(" ", "").endswith("<Response></Response>"), response.text


def _wait_processed(services: Services, sids: list[str]) -> list[Message]:
    def done():
        rows = _inbound_rows(sids)
        done.state = lambda: (
            f"{len(rows)} of {len(sids)} stored, by status {dict(Counter(m.status for m in rows))}"
        )
        ok = len(rows) == len(sids) and all(m.status == "processed" for m in rows)
        return rows if ok else None

    return wait_for(done, f"the {len(sids)} replies to be processed", services)


def _wait_answer_texts_sent(services: Services, order_id: int, expected: int) -> list:
    """The booked/standby texts queued by the answers, all handed to the gateway."""

    def done():
        texts = [t for t in _out_messages(order_id) if t[1] != "offer"]
        done.state = lambda: f"answer texts {Counter((k, s) for _, k, s in texts)}"
        ok = len(texts) == expected and all(s == "sent" for _, _, s in texts)
        return texts if ok else None

    return wait_for(
        done, f"{expected} booked/standby texts of order {order_id} to be sent", services
    )


def _check_filled(services, scene, order, repliers: set[int], booked: int, standby: int) -> None:
    """Exactly `booked` booked and `standby` on standby, all of them repliers, each told so."""
    offers = _offer_statuses(order["id"])
    counts = Counter(offers.values())
    assert counts["booked"] == booked and counts["standby"] == standby, counts
    answered = {w for w, s in offers.items() if s in ("booked", "standby")}
    assert answered == repliers
    assert counts["sent"] == WORKERS - len(repliers)  # nobody else was touched

    texts = _wait_answer_texts_sent(services, order["id"], len(repliers))
    told = {(w, k) for w, k, _ in texts}
    assert told == {(w, offers[w]) for w in repliers}  # one text each, saying what happened

    state = httpx.get(
        f"{services.base}/api/v1/orders/{order['id']}", headers=scene.headers, timeout=10
    ).json()
    assert state["status"] == "filled", state
    assert state["counts"]["booked"] == booked and state["counts"]["standby"] == standby


def _snapshot(branch_id: int, order_ids: list[int]) -> tuple:
    """The orders, their offers and every message to, from or about the branch's workers."""
    with session_scope() as session:
        offers = session.execute(
            select(Offer.id, Offer.status, Offer.answered_at).where(Offer.order_id.in_(order_ids))
        ).all()
        ours = select(Worker.id).where(Worker.branch_id == branch_id)
        messages = session.execute(
            select(Message.id, Message.status, Message.provider_sid).where(
                or_(
                    Message.worker_id.in_(ours),
                    Message.order_id.in_(order_ids),
                    Message.provider_sid.like(f"{SID_PREFIX}%"),
                )
            )
        ).all()
        orders = session.execute(
            select(Order.id, Order.status, Order.wave, Order.next_wave_at).where(
                Order.id.in_(order_ids)
            )
        ).all()
    return sorted(offers), sorted(messages), sorted(orders)


# --- the test --------------------------------------------------------------------------------


def test_sms_replies_fill_orders_exactly_through_the_real_processes(scene, services):
    workers = sorted(scene.phones)

    # 1. An order over HTTP; the jobs process offers it to everyone and sends the texts.
    first = _post_order(services, scene, scene.site_ids[0], timedelta(days=1))
    offered = _wait_for_offers_sent(services, first["id"])
    assert sorted(offered) == workers

    # 2. 25 YES at once for a target of 15: 15 booked, 10 on standby, the order filled.
    yes_first = {f"{SID_PREFIX}a{i:028d}": scene.phones[w] for i, w in enumerate(workers[:25])}
    _reply_yes(services, first["code"], yes_first)
    rows = _wait_processed(services, list(yes_first))
    assert {m.order_id for m in rows} == {first["id"]}
    assert {m.phone for m in rows} == set(yes_first.values())
    _check_filled(services, scene, first, set(workers[:25]), TARGET, 25 - TARGET)

    # 3. Twilio retries: the same MessageSid, three more times and concurrently, does nothing.
    sid, phone = next(iter(yes_first.items()))
    before = _snapshot(scene.branch_id, [first["id"]])
    forms = [inbound_form(sid, phone, f"ДА {first['code']}")] * 3
    for response in asyncio.run(post_all(services.base, forms)):
        assert response.status_code == 200, response.text
    assert len(_inbound_rows([sid])) == 1
    time.sleep(1.5)  # room for any job that should not have run
    assert _snapshot(scene.branch_id, [first["id"]]) == before

    # 4. A second order (another site, another day): 100 YES at once from 100 offered workers,
    #    many also holding the first order's offer (the code says which): 15 booked, 85 standby.
    second = _post_order(services, scene, scene.site_ids[1], timedelta(days=2))
    assert second["code"] != first["code"]
    offered = _wait_for_offers_sent(services, second["id"])
    assert sorted(offered) == workers
    repliers = workers[-100:]
    yes_second = {f"{SID_PREFIX}b{i:028d}": scene.phones[w] for i, w in enumerate(repliers)}
    _reply_yes(services, second["code"], yes_second)
    rows = _wait_processed(services, list(yes_second))
    assert {m.order_id for m in rows} == {second["id"]}
    _check_filled(services, scene, second, set(repliers), TARGET, 100 - TARGET)
    # The first order did not move.
    assert Counter(_offer_statuses(first["id"]).values()) == Counter(
        {"booked": TARGET, "standby": 25 - TARGET, "sent": WORKERS - 25}
    )

    # 5. A forged or unsigned webhook is refused and stores nothing.
    before = _snapshot(scene.branch_id, [first["id"], second["id"]])
    url = f"{services.base}/sms/inbound"
    forged = inbound_form(f"{SID_PREFIX}x{0:028d}", scene.phones[workers[0]], "НЕТ")
    wrong_token = httpx.post(
        url,
        data=forged,
        headers={"X-Twilio-Signature": sign(url, forged, "not-the-token")},
        timeout=10,
    )
    unsigned = httpx.post(url, data=forged, timeout=10)
    tampered = httpx.post(
        url,
        data={**forged, "Body": "СТОП"},
        headers={"X-Twilio-Signature": sign(url, forged)},
        timeout=10,
    )
    assert [r.status_code for r in (wrong_token, unsigned, tampered)] == [403, 403, 403]
    assert _inbound_rows([forged["MessageSid"]]) == []
    time.sleep(0.5)
    assert _snapshot(scene.branch_id, [first["id"], second["id"]]) == before
