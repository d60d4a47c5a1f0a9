"""Redis is down while orders are taken: each order is accepted (201) and stored, its fill job
cannot be enqueued; when Redis is back (empty, as after a crash), the scheduler's
dispatch.reconcile finds the orders overdue (30 s after they were taken) and their offers
go out, each exactly once."""

import time

from tests.faults.stack import all_sent_once, make_scene, offer_statuses, stored_orders

DOWN_S = 10.0
ORDERS = 5
HEADCOUNT = 2  # target 3, wave 1 offers 6
OFFERS = ORDERS * 6


def test_orders_taken_while_redis_is_down_are_offered_once_it_is_back(
    stack, private_redis, twilio, figure
):
    scene = make_scene(stack, workers=10)
    stack.start_api()
    stack.start_jobs()
    stack.run_reconcilers(every_s=2.0)

    private_redis.kill()
    down_at = time.monotonic()
    assert stack.readyz() == 503

    taken, took = {}, []
    for _ in range(ORDERS):
        started = time.monotonic()
        response = stack.post_order(scene, HEADCOUNT)
        assert response.status_code == 201, response.text
        taken[response.json()["id"]] = time.monotonic()
        took.append(time.monotonic() - started)
    assert set(stored_orders(stack)) == set(taken)  # stored, no offer made yet
    assert offer_statuses(stack) == {}

    time.sleep(max(0.0, down_at + DOWN_S - time.monotonic()))
    assert stack.readyz() == 503
    assert not twilio.attempts
    private_redis.start()
    back_at = time.monotonic()
    assert stack.readyz() == 200

    messages, sends = stack.wait_for(
        all_sent_once(stack, twilio, OFFERS), f"the {OFFERS} offers to be sent", timeout_s=90
    )
    assert {m.kind for m in messages} == {"offer"}
    assert {m.order_id for m in messages} == set(taken)
    assert all(len(s) == 1 for s in sends.values()), {i: len(s) for i, s in sends.items()}
    assert all(m.provider_sid == sends[m.id][0].sid for m in messages)
    assert offer_statuses(stack) == {"sent": OFFERS}
    assert set(stored_orders(stack).values()) == {("filling", 1)}

    # More reconciler ticks change nothing: no second wave, no text twice.
    time.sleep(4)
    assert len(twilio.attempts) == OFFERS
    assert offer_statuses(stack) == {"sent": OFFERS}

    sent_at = {m.id: sends[m.id][0].at for m in messages}
    last = max(sent_at.values())
    after_order = [
        max(sent_at[m.id] for m in messages if m.order_id == order_id) - taken_at
        for order_id, taken_at in taken.items()
    ]
    figure(
        f"Redis down {back_at - down_at:.1f} s: {ORDERS} orders taken (201, in "
        f"{min(took):.2f}-{max(took):.2f} s each) and stored, /readyz 503; {OFFERS} offers, "
        f"each sent once, the last {last - back_at:.1f} s after Redis came back "
        f"({min(after_order):.1f}-{max(after_order):.1f} s after each order "
        f"was taken: the reconciler leaves 30 s to the lost job)"
    )
