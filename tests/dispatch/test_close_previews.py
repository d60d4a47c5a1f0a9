"""The close page's two previews (an end now, the scheduled end) come from one close in one
savepoint, and say what each preview_close alone says (bench/console.py: the page ran the
whole close, no-shows' penalties and texts included, once per end)."""

import pytest

from dispatch.shift import onsite
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
