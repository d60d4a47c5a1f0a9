"""Ranking and wave sizing rules."""

from datetime import date
from decimal import Decimal

from dispatch.fill import ranking


def test_rating_leads_and_closeness_breaks_near_ties():
    far_star = ranking.score(5.0, 9_000, 10_000, 0.8, 0.2)
    near_average = ranking.score(3.5, 100, 10_000, 0.8, 0.2)
    assert far_star > near_average
    assert ranking.score(4.0, 1_000, 10_000, 0.8, 0.2) > ranking.score(4.0, 2_000, 10_000, 0.8, 0.2)
    assert ranking.score(4.0, 20_000, 10_000, 0.8, 0.2) == ranking.score(
        4.0, 10_000, 10_000, 0.8, 0.2
    )


def test_waves_widen_by_the_growth_up_to_the_maximum():
    radii = [ranking.wave_radius_m(10_000, 40_000, Decimal("1.5"), w) for w in range(1, 7)]
    assert radii == [10_000, 15_000, 22_500, 33_750, 40_000, 40_000]


def test_wave_size_covers_open_slots_times_the_multiple():
    assert ranking.wave_size(15, Decimal("2.0")) == 30
    assert ranking.wave_size(3, Decimal("1.5")) == 5
    assert ranking.wave_size(0, Decimal("2.0")) == 0


def test_reason_reads_like_a_sentence():
    assert ranking.reason(4.56, 0.923, 1234.0) == (
        "rating 4.56/5, turns up 92% of the time, lives 1.2 km away"
    )


def test_reason_names_a_recent_no_show_and_its_window():
    assert ranking.reason(2.5, 0.733, 120.0, no_show_on=date(2026, 12, 3), window_days=30) == (
        "rating 2.50/5 (no-show on 03.12, within 30 days: ranked last), "
        "turns up 73% of the time, lives 0.1 km away"
    )


def test_a_worker_ranked_last_scores_below_anyone_at_the_extreme_weights():
    for rw, dw in ((0.8, 0.2), (0.0, 1.0), (1.0, 1.0), (0.0, 0.0)):
        last = ranking.score(5.0, 0, 10_000, rw, dw, ranked_last=True)
        assert last < ranking.score(0.0, 10_000, 10_000, rw, dw) == 0.0
