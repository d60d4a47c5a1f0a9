"""Twilio's webhooks, duplicated and out of order, all signed as Twilio signs them.

Inbound: each reply's MessageSid posted 20 times at once (Twilio retries a webhook it thinks
failed; several may race), and again once they were handled: each is stored and acted on
once. Status callbacks: `delivered` first, then `sent`, `sending`, `queued` and `delivered`
again, all at once: every text ends delivered."""

import asyncio
import time
from collections import Counter

import httpx
from sqlalchemy import select

from sms.models import Message
from tests.faults.stack import FaultStack, all_sent_once, make_scene, offer_statuses
from tests.stack import ACCOUNT_SID, OUR_NUMBER, inbound_form, post_all, sign

HEADCOUNT = 5  # target 8, wave 1 offers 16
OFFERS = 16
REPLIERS = 5
COPIES = 20  # posts of each inbound MessageSid at once
LATE_STATUSES = ("sent", "sending", "queued", "delivered", "sent", "delivered")


async def post_statuses(base: str, callbacks: list[tuple[str, str, str]]) -> list:
    """(MessageSid, phone, MessageStatus) callbacks, all posted at once, each signed."""
    url = f"{base}/sms/status"
    forms = [
        {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": ACCOUNT_SID,
            "From": OUR_NUMBER,
            "To": phone,
            "MessageStatus": status,
            "SmsStatus": status,
            "ApiVersion": "2010-04-01",
        }
        for sid, phone, status in callbacks
    ]
    limits = httpx.Limits(max_connections=len(forms), max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        return await asyncio.gather(
            *(
                client.post(url, data=form, headers={"X-Twilio-Signature": sign(url, form)})
                for form in forms
            )
        )


def _inbound(stack: FaultStack, sids: list[str]) -> list[tuple[str, str]]:
    with stack.session() as session:
        rows = session.execute(
            select(Message.provider_sid, Message.status).where(Message.provider_sid.in_(sids))
        )
        return [tuple(row) for row in rows]


def _statuses(stack: FaultStack, ids: list[int]) -> Counter:
    with stack.session() as session:
        return Counter(session.scalars(select(Message.status).where(Message.id.in_(ids))))


def test_duplicate_and_out_of_order_webhooks_change_things_once(stack, twilio, figure):
    scene = make_scene(stack, workers=20)
    stack.start_api()
    stack.start_jobs()
    response = stack.post_order(scene, HEADCOUNT)
    assert response.status_code == 201, response.text
    code = response.json()["code"]
    offers, _ = stack.wait_for(all_sent_once(stack, twilio, OFFERS), "the offers to be sent")

    # Status callbacks: delivered before anything else, then the rest (and repeats) at once.
    first = asyncio.run(
        post_statuses(stack.base, [(m.provider_sid, m.phone, "delivered") for m in offers])
    )
    late = [(m.provider_sid, m.phone, s) for m in offers for s in LATE_STATUSES]
    answers = first + asyncio.run(post_statuses(stack.base, late))
    assert Counter(r.status_code for r in answers) == {200: len(answers)}
    assert _statuses(stack, [m.id for m in offers]) == {"delivered": OFFERS}

    # Inbound: each YES posted COPIES times at once.
    repliers = sorted({m.phone for m in offers})[:REPLIERS]
    sids = {phone: f"SMfault{i:027d}" for i, phone in enumerate(repliers)}
    forms = [inbound_form(sid, phone, f"ДА {code}") for phone, sid in sids.items()] * COPIES
    started = time.monotonic()
    inbound_answers = asyncio.run(post_all(stack.base, forms))
    took = time.monotonic() - started
    assert Counter(r.status_code for r in inbound_answers) == {200: len(forms)}

    def handled():
        rows = _inbound(stack, list(sids.values()))
        handled.state = lambda: f"inbound rows {rows}"
        return len(rows) == REPLIERS and all(status == "processed" for _, status in rows)

    stack.wait_for(handled, "the replies to be handled")
    messages, sends = stack.wait_for(
        all_sent_once(stack, twilio, OFFERS + REPLIERS), "the booked texts to be sent"
    )
    # And once more, after they were handled: Twilio's late retries.
    again = asyncio.run(post_all(stack.base, forms[:REPLIERS]))
    assert Counter(r.status_code for r in again) == {200: REPLIERS}
    time.sleep(2)

    rows = _inbound(stack, list(sids.values()))
    assert sorted(sid for sid, _ in rows) == sorted(sids.values())  # one row per MessageSid
    assert offer_statuses(stack) == {"booked": REPLIERS, "sent": OFFERS - REPLIERS}
    booked = [m for m in messages if m.kind == "booked"]
    assert sorted(m.phone for m in booked) == repliers  # one booked text each
    assert len(twilio.attempts) == OFFERS + REPLIERS  # nothing else went out, nothing twice
    assert all(len(s) == 1 for s in sends.values())
    assert _statuses(stack, [m.id for m in offers]) == {"delivered": OFFERS}

    figure(
        f"{len(forms) + REPLIERS} signed inbound posts of {REPLIERS} MessageSids ({COPIES} "
        f"at once each, {took:.1f} s for all, then 1 more each): all 200, {REPLIERS} stored, "
        f"{REPLIERS} booked, {REPLIERS} booked texts each sent once; {len(answers)} status "
        f"callbacks for {OFFERS} texts (delivered first, then {len(LATE_STATUSES)} more "
        f"at once each): all 200, all {OFFERS} end delivered"
    )
