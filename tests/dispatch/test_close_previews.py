"""The close page's two previews (an end now, the scheduled end) come from one close in one
savepoint, and say what each preview_close alone says (bench/console.py: the page ran the
whole close, no-shows' penalties and texts included, once per end)."""

import pytest
from sqlalchemy import select

from dispatch.models import Offer
from dispatch.penalties import record
from dispatch.shift import onsite
from rating import service as ledger
from rating.models import PenaltyEvent
from tests.dispatch.test_close_preview import HOUR, SCENARIOS, _figures, _shift


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_both_ends_previewed_from_one_close_agree_with_each_alone(
    session, branch, site, dispatcher, scenario, monkeypatch
):
    order = _shift(session, branch, site, dispatcher, SCENARIOS[scenario])
    closing = order.starts_at + 4 * HOUR
    alone = [
        _figures(onsite.preview_close(session, order.id, actor=dispatcher, now=closing, end=end))
        for end in onsite.ENDS
    ]
    closes = []
    real_close = onsite.close_shift

    def counted(*args, **kwargs):
        closes.append(kwargs.get("end"))
        return real_close(*args, **kwargs)

    monkeypatch.setattr(onsite, "close_shift", counted)
    both = onsite.preview_closes(session, order.id, actor=dispatcher, now=closing, ends=onsite.ENDS)
    assert [_figures(sheet) for sheet in both] == alone
    if scenario == "the whole crew":
        assert alone[0] != alone[1]  # the ends differ in hours
    assert closes == ["now"]  # one close for both
    assert order.closed_at is None and order.work_ended_at is None  # nothing written
    assert onsite.preview_closes(session, order.id, actor=dispatcher, now=closing, ends=()) == []


def test_the_close_reads_each_workers_entries_on_the_order_as_one_worker_at_a_time_would(
    session, branch, site, dispatcher
):
    """The close reads the whole order's ledger at once (rating.service.entries_on_order);
    per worker it is what entries_on reads, a dispatcher's reversal included."""
    order = _shift(session, branch, site, dispatcher, SCENARIOS["the whole crew"])
    late = session.scalars(
        select(PenaltyEvent).where(PenaltyEvent.order_id == order.id, PenaltyEvent.kind == "late")
    ).one()
    closing = order.starts_at + 4 * HOUR
    record.reverse_penalty(session, late.id, actor=dispatcher, reason="the bus broke", now=closing)
    on_order = ledger.entries_on_order(session, order.id)
    crew = session.scalars(select(Offer.worker_id).where(Offer.order_id == order.id)).all()
    for worker_id in crew:
        alone = ledger.entries_on(session, worker_id, order.id)
        assert on_order.get(worker_id, ledger.OrderEntries([], [])) == alone
    assert [e.id for e in on_order[late.worker_id].waived] == [late.id]
    assert sum(len(e.active) for e in on_order.values()) >= 3  # late, left early, no-show
