"""The jobs process is killed with SIGKILL in the middle of a wave (its dramatiq workers with
it: no clean-up of any kind) and started again: the texts it had not handed to Twilio go out
(their jobs died unacknowledged; the scheduler's sms.reconcile re-sends rows still queued
after 30 s) and the wave completes. Exactly once, as the issue asks, includes the texts in
flight at the kill: Twilio had taken them, the dead process had not yet recorded it."""

import time

import pytest

from tests.faults.stack import all_sent_once, make_scene, offer_statuses

WORKERS = 110  # wave 1 offers ceil(15 x 10) = 150: every one of them
HEADCOUNT = 10
TWILIO_DELAY_S = 0.1  # each send takes 100 ms: the wave takes a few seconds to go out
KILL_AFTER = 30  # texts Twilio has taken when the jobs process is killed


# Known defect, kept visible: a send cut off between Twilio's answer and our commit goes out
# again (the row stays queued). strict: the day it passes, this marker must go.
@pytest.mark.xfail(
    strict=True,
    reason="texts in flight at a SIGKILL are re-sent (at most one per job thread); see "
    "docs/reliability.md",
)
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
    before = {a.key: a for a in twilio.accepted()}
    mid_wave = offer_statuses(stack)
    assert mid_wave["queued"] > 0 and mid_wave["sent"] > 0, mid_wave

    time.sleep(1)
    stack.start_jobs()
    restarted_at = time.monotonic()
    messages, sends = stack.wait_for(
        all_sent_once(stack, twilio, WORKERS), f"the {WORKERS} offers to be sent", timeout_s=90
    )
    done_at = max(s[-1].at for s in sends.values())
    assert {m.kind for m in messages} == {"offer"}
    assert offer_statuses(stack) == {"sent": WORKERS}

    # Each text recorded with the SID of its last send. A text sent twice was in flight when
    # the process died: Twilio had taken it (within the last half second), the process had
    # not recorded it; its row stayed queued and went again. Nothing sent earlier went again.
    assert all(m.provider_sid == sends[m.id][-1].sid for m in messages)
    twice = {m.id: sends[m.id] for m in messages if len(sends[m.id]) > 1}
    assert all(
        len(s) == 2 and killed_at - 0.5 < s[0].at < killed_at <= s[1].at for s in twice.values()
    ), twice
    time.sleep(3)
    assert len(twilio.accepted()) == WORKERS + len(twice)  # and nothing more went out

    lead_ms = sorted(round((killed_at - s[0].at) * 1000) for s in twice.values())
    figure(
        f"jobs process SIGKILLed after Twilio took {len(before)} of {WORKERS} offers, restarted "
        f"1 s later: all {WORKERS} sent, the wave complete {done_at - restarted_at:.1f} s after "
        f"the restart (sms.reconcile re-sends what is still queued after 30 s); {len(twice)} "
        f"sent twice (in flight: taken {lead_ms} ms before the kill)"
    )
    # The issue asks for every offer exactly once, the in-flight ones included.
    twice_to = sorted(s[0].to for s in twice.values())
    assert not twice, f"{len(twice)} texts in flight at the kill were sent twice: {twice_to}"
