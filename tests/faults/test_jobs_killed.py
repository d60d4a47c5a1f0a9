"""The jobs process is killed with SIGKILL in the middle of a wave (its dramatiq workers with
it: no clean-up of any kind) and started again: every offer goes out exactly once and the
wave completes. The texts not yet claimed go when their jobs come back (unacknowledged) or
the reconciler re-sends rows still queued after 30 s. The texts in flight at the kill were
claimed (`sending`, committed) before the Twilio call: once the claim is 30 s old the sender
asks Twilio's message list whether it took them, records the SID if it did, and sends only
those it did not (sms/sending.py)."""

import time
from collections import Counter

from sqlalchemy import select

from sms.models import Message
from tests.faults.stack import all_sent_once, make_scene, offer_statuses

WORKERS = 110  # wave 1 offers ceil(15 x 10) = 150: every one of them
HEADCOUNT = 10
TWILIO_DELAY_S = 0.1  # each send takes 100 ms: the wave takes a few seconds to go out
KILL_AFTER = 30  # texts Twilio has taken when the jobs process is killed


def claims(stack) -> dict[int, str]:
    """Message id -> phone of the rows left `sending` (claimed, never recorded)."""
    with stack.session() as session:
        rows = session.execute(select(Message.id, Message.phone).where(Message.status == "sending"))
        return dict(rows.all())


def test_a_jobs_process_killed_mid_wave_sends_every_offer_once(stack, twilio, figure):
    scene = make_scene(stack, workers=WORKERS, wave_multiple="10")
    twilio.delay_s = TWILIO_DELAY_S
    stack.start_api()
    stack.start_jobs()
    stack.run_reconcilers(every_s=2.0)

    response = stack.post_order(scene, HEADCOUNT)
    assert response.status_code == 201, response.text
    stack.wait_for(lambda: len(twilio.attempts) >= KILL_AFTER, f"{KILL_AFTER} texts sent")
    stack.kill_jobs()
    killed_at = time.monotonic()
    time.sleep(0.3)  # the fake's threads answering the dead process finish recording
    taken_before = {a.key for a in twilio.accepted()}
    in_flight = claims(stack)
    mid_wave = offer_statuses(stack)
    assert mid_wave["queued"] > 0 and mid_wave["sent"] > 0, mid_wave
    assert in_flight, "no text was in flight at the kill: the test did not test the fault"
    in_flight_taken = {
        m for m, phone in in_flight.items() if any(k[0] == phone for k in taken_before)
    }

    time.sleep(1)
    stack.start_jobs()
    restarted_at = time.monotonic()
    messages, sends = stack.wait_for(
        all_sent_once(stack, twilio, WORKERS), f"the {WORKERS} offers to be sent", timeout_s=90
    )
    done_at = max(s[-1].at for s in sends.values())
    assert {m.kind for m in messages} == {"offer"}
    assert offer_statuses(stack) == {"sent": WORKERS}

    # Exactly once, the texts in flight included; each row holds the SID of its one send.
    assert Counter(len(s) for s in sends.values()) == {1: WORKERS}
    assert all(m.provider_sid == sends[m.id][0].sid for m in messages)
    # The claims Twilio had taken were settled by asking it, not by sending again.
    asked = set(twilio.lookups)
    assert {in_flight[m] for m in in_flight} <= asked
    assert all(sends[m][0].at < killed_at for m in in_flight_taken)
    time.sleep(3)
    assert len(twilio.accepted()) == WORKERS  # and nothing more went out

    figure(
        f"jobs process SIGKILLed after Twilio took {len(taken_before)} of {WORKERS} offers, "
        f"restarted 1 s later: all {WORKERS} sent exactly once, the wave complete "
        f"{done_at - restarted_at:.1f} s after the restart; {len(in_flight)} claimed and in "
        f"flight at the kill, {len(in_flight_taken)} of them taken by Twilio (recorded from "
        f"its message list, not re-sent), {len(in_flight) - len(in_flight_taken)} sent after "
        f"the list showed them missing"
    )
