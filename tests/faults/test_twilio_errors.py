"""Twilio refuses every send for a minute (429 with code 20429 and 500 with 20500, in turn):
the sms.send jobs back off and every text goes out afterwards, each taken exactly once.

sms.send retries after 2-4 s, then 4-8, 8-16, 16-32, 32-64 s (dramatiq's doubling with
jitter, capped at 120 s), so a text first refused at once is tried again 2-4, 6-12, 14-28,
30-60 and 62-124 s later: a minute of refusals takes four or five backoffs, and the last text
can go out up to about a minute after Twilio is back. No reconciler runs: the jobs' own
retries do it all."""

import time
from itertools import pairwise

from tests.faults.stack import all_sent_once, make_scene

REFUSE_S = 60.0
HEADCOUNT = 10  # target 15, wave 1 offers 30
OFFERS = 30
MIN_BACKOFF_S = 2.0  # sms.send's min_backoff (dispatch/texts/tasks.py)


def test_twilio_refusing_for_a_while_delays_sends_and_loses_none(stack, twilio, figure):
    scene = make_scene(stack, workers=40)
    stack.start_api()
    stack.start_jobs()

    refusals_end = twilio.refuse_for(REFUSE_S)
    response = stack.post_order(scene, HEADCOUNT)
    assert response.status_code == 201, response.text

    messages, sends = stack.wait_for(
        all_sent_once(stack, twilio, OFFERS), f"the {OFFERS} offers to be sent", timeout_s=200
    )

    # Exactly one 201 each, recorded on its row; no text taken twice.
    assert {m.kind for m in messages} == {"offer"}
    assert all(len(s) == 1 for s in sends.values()), {i: len(s) for i, s in sends.items()}
    assert all(m.provider_sid == sends[m.id][0].sid for m in messages)
    # Nothing was taken while Twilio refused; every text was refused at least once first.
    accepted = twilio.accepted()
    assert min(a.at for a in accepted) >= refusals_end
    refused = twilio.refused()
    assert {a.status for a in refused} == {429, 500}
    by_text = {}
    for attempt in sorted(twilio.attempts, key=lambda a: a.at):
        by_text.setdefault(attempt.key, []).append(attempt)
    assert set(by_text) == {(m.phone, m.body) for m in messages}
    assert all(tries[0].status != 201 for tries in by_text.values())
    # Backed off: the same text never tried again sooner than sms.send's minimum backoff.
    gaps = [b.at - a.at for tries in by_text.values() for a, b in pairwise(tries)]
    assert min(gaps) >= MIN_BACKOFF_S * 0.95, sorted(gaps)[:5]
    # ... and no shorter each time: dramatiq doubles the backoff (each wait drawn from
    # [half, all] of the doubled one, so two waits in turn can at most meet).
    waits = [[b.at - a.at for a, b in pairwise(t)] for t in by_text.values()]
    assert all(later >= 0.95 * earlier for w in waits for earlier, later in pairwise(w)), waits
    # Nothing more goes out afterwards.
    time.sleep(3)
    assert len(twilio.attempts) == len(refused) + OFFERS

    retries = sorted({len(t) - 1 for t in by_text.values()})
    figure(
        f"Twilio refusing {REFUSE_S:.0f} s (429/500): {OFFERS} offers, {len(refused)} refused "
        f"attempts ({' or '.join(map(str, retries))} per text, none sooner than "
        f"{min(gaps):.1f} s after the one before), each accepted once; the last "
        f"{max(a.at for a in accepted) - refusals_end:.1f} s after Twilio recovered"
    )
