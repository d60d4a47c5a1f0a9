"""The penalty policy and a worker's figures: lateness, late cancellation, the Beta update,
strikes, forgiveness and suspension, at their edges and as properties."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dispatch.fill.ranking import score as dispatch_score
from dispatch.registry.knobs import DEFAULTS
from rating import policy
from rating.policy import Figures, Mark, Standing, StrikePolicy
from workers.priors import NEWCOMER_RATING, NEWCOMER_RELIABILITY

STARTS_AT = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
T0 = datetime(2024, 1, 1, 7, 0, tzinfo=UTC)
HALF_LIFE_STEP = 0.5 ** (1 / 10)  # the weight of a shift one older than the next


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def late_by(minutes: int, seconds: int = 0) -> datetime:
    return STARTS_AT + timedelta(minutes=minutes, seconds=seconds)


# --- lateness ---------------------------------------------------------------------------


def judge(arrived_at: datetime, *, grace_min: int = 10, fine: str = "5.00") -> policy.Lateness:
    return policy.judge_arrival(
        arrived_at,
        STARTS_AT,
        grace_min=grace_min,
        as_no_show_min=60,
        late_fine_per_min=Decimal(fine),
    )


@pytest.mark.parametrize(
    "minutes, seconds, kind, minutes_late, points, fine",
    [
        (0, 0, "on_time", 0, 0, "0.00"),
        (-20, 0, "on_time", 0, 0, "0.00"),  # came early
        (9, 59, "on_time", 0, 0, "0.00"),
        (10, 0, "on_time", 0, 0, "0.00"),  # exactly at the grace's last minute
        (10, 1, "late", 11, 1, "5.00"),  # one (started) minute beyond the grace
        (11, 0, "late", 11, 1, "5.00"),
        (11, 1, "late", 12, 1, "10.00"),
        (25, 0, "late", 25, 1, "75.00"),  # 15 beyond the grace: still the first point
        (25, 1, "late", 26, 2, "80.00"),
        (40, 0, "late", 40, 2, "150.00"),
        (40, 1, "late", 41, 3, "155.00"),
        (60, 0, "late", 60, 3, "250.00"),  # exactly at as_no_show_min: late, points capped
        (60, 1, "no_show", 61, 3, "0.00"),
        (180, 0, "no_show", 180, 3, "0.00"),
    ],
)
def test_arrival_with_a_ten_minute_grace(minutes, seconds, kind, minutes_late, points, fine):
    lateness = judge(late_by(minutes, seconds))
    assert lateness == policy.Lateness(kind, minutes_late, points, Decimal(fine))


@pytest.mark.parametrize(
    "minutes, seconds, kind, minutes_late, points, fine",
    [
        (0, 0, "on_time", 0, 0, "0.00"),
        (0, 1, "late", 1, 1, "5.00"),
        (15, 0, "late", 15, 1, "75.00"),
        (15, 1, "late", 16, 2, "80.00"),
    ],
)
def test_arrival_with_no_grace(minutes, seconds, kind, minutes_late, points, fine):
    lateness = judge(late_by(minutes, seconds), grace_min=0)
    assert lateness == policy.Lateness(kind, minutes_late, points, Decimal(fine))


def test_late_fine_is_rounded_half_up_to_the_cent():
    assert judge(late_by(11), fine="0.125").fine == Decimal("0.13")
    assert judge(late_by(13), fine="0.125").fine == Decimal("0.38")  # 3 * 0.125 = 0.375


@pytest.mark.parametrize(
    "before_start, late_cancel_h, late",
    [
        (timedelta(hours=12), 12, True),  # the window's first instant
        (timedelta(hours=12, seconds=1), 12, False),
        (timedelta(hours=1), 12, True),
        (timedelta(days=2), 12, False),
        (timedelta(hours=-1), 12, True),  # after the start
        (timedelta(0), 0, True),  # no window: only at or after the start
        (timedelta(seconds=1), 0, False),
    ],
)
def test_late_cancellation_window(before_start, late_cancel_h, late):
    cancelled_at = STARTS_AT - before_start
    assert policy.is_late_cancellation(cancelled_at, STARTS_AT, late_cancel_h) is late


# --- reliability, punctuality, reviews, rating -----------------------------------------------


def test_empty_record_gives_the_prior_means():
    assert policy.beta_mean([], policy.RELIABILITY_PRIOR) == pytest.approx(0.8)
    assert policy.beta_mean([], policy.PUNCTUALITY_PRIOR) == pytest.approx(0.8)
    assert policy.stars_average([]) == 4.0


def test_newcomer_figures_agree_with_workers_priors():
    assert policy.figures([], [], []) == Figures(NEWCOMER_RATING, NEWCOMER_RELIABILITY)


def test_newest_shift_weighs_one_and_ten_shifts_older_weighs_half():
    weights = policy._recency_weights(11)
    assert weights[-1] == 1.0
    assert weights[0] == pytest.approx(0.5)
    assert all(older < newer for older, newer in zip(weights, weights[1:], strict=False))
    # Through the Beta update with no prior: a turn-up ten shifts back counts half.
    written_out = sum(0.5 ** (k / 10) for k in range(11))
    came_only_oldest = [True] + [False] * 10
    assert policy.beta_mean(came_only_oldest, (0.0, 0.0)) == pytest.approx(0.5 / written_out)


@pytest.mark.parametrize(
    "came, expected",
    [
        ([True], (4 + 1) / (5 + 1)),
        ([False], 4 / (5 + 1)),
        # Oldest first: the older shift weighs 0.5^(1/10), the newest 1.
        ([True, False], (4 + HALF_LIFE_STEP) / (5 + HALF_LIFE_STEP + 1)),
        ([False, True], (4 + 1) / (5 + HALF_LIFE_STEP + 1)),
        (
            [True, True, False],
            (4 + HALF_LIFE_STEP**2 + HALF_LIFE_STEP) / (5 + HALF_LIFE_STEP**2 + HALF_LIFE_STEP + 1),
        ),
    ],
)
def test_beta_update_by_the_documented_formula(came, expected):
    assert policy.beta_mean(came, policy.RELIABILITY_PRIOR) == pytest.approx(expected, rel=1e-12)


def test_a_recent_no_show_weighs_more_than_an_old_one():
    old_no_show = policy.beta_mean([False, True], policy.RELIABILITY_PRIOR)
    recent_no_show = policy.beta_mean([True, False], policy.RELIABILITY_PRIOR)
    assert recent_no_show < old_no_show


@pytest.mark.parametrize(
    "came, on_time, stars, rating, reliability",
    [
        # 5 * (0.6 * 4/6 + 0.2 * 0.8 + 0.2 * 4/5) = 3.60
        ([False], [], [], "3.60", "0.667"),
        # 5 * (0.6 * 5/6 + 0.2 * 5/6 + 0.2 * 4/5) = 4.133
        ([True], [True], [], "4.13", "0.833"),
        # reliability (4 + w) / (6 + w), w = 0.5^(1/10): 0.7115; punctuality 5/6;
        # stars (12 + 5 + 3) / 5 = 4: 5 * (0.6 * 0.7115 + 0.2 * 5/6 + 0.2 * 4/5) = 3.768
        ([True, False], [True], [5, 3], "3.77", "0.712"),
        # the same, but one review of 1 star: stars (12 + 1) / 4 = 3.25 -> 3.618
        ([True, False], [True], [1], "3.62", "0.712"),
        # no shifts, five 1-star reviews: stars (12 + 5) / 8 = 2.125 -> exactly 3.625, half up
        ([], [], [1] * 5, "3.63", "0.800"),
    ],
)
def test_figures_by_hand(came, on_time, stars, rating, reliability):
    assert policy.figures(came, on_time, stars) == Figures(Decimal(rating), Decimal(reliability))


def test_a_long_record_weighs_at_most_about_fifteen_shifts():
    # The weights sum to under 1 / (1 - 0.5^(1/10)) = 14.93: reliability stays in
    # [4 / 19.93, 18.93 / 19.93] however long the record.
    worst = policy.figures([False] * 200, [False] * 200, [1] * 200)
    best = policy.figures([True] * 200, [True] * 200, [5] * 200)
    # 5 * (0.8 * 0.2007 + 0.2 * (12 + 200) / 203 / 5) = 1.012
    assert worst == Figures(Decimal("1.01"), Decimal("0.201"))
    # 5 * (0.8 * 0.9498 + 0.2 * (12 + 1000) / 203 / 5) = 4.796
    assert best == Figures(Decimal("4.80"), Decimal("0.950"))


# --- strikes and suspensions -------------------------------------------------------------------

BRANCH = StrikePolicy(
    strikes_to_suspend=3,
    strike_window_days=30,
    clean_shifts_per_forgiven_strike=8,
    no_show_suspend_days=7,
    strike_suspend_days=14,
)


def cleans(first_day: int, count: int) -> list[Mark]:
    return [Mark(day(first_day + i), "clean") for i in range(count)]


def test_a_clean_record_has_no_strikes_and_no_suspension():
    assert policy.standing([], BRANCH, day(0)) == Standing(0, None, None)
    assert policy.standing(cleans(0, 20), BRANCH, day(21)) == Standing(0, None, None)


@pytest.mark.parametrize(
    "now, strikes",
    [
        (day(0), 1),
        (day(30) - timedelta(seconds=1), 1),
        (day(30), 0),  # exactly strike_window_days old: expired
        (day(45), 0),
    ],
)
def test_a_strike_lives_for_the_window(now, strikes):
    assert policy.standing([Mark(day(0), "late")], BRANCH, now).strikes == strikes


def test_a_no_show_suspends_from_its_time():
    no_show_at = day(5) + timedelta(hours=8, minutes=1)
    result = policy.standing([Mark(no_show_at, "no_show")], BRANCH, day(6))
    assert result == Standing(1, no_show_at + timedelta(days=7), "no_show")


@pytest.mark.parametrize("kind", ["late", "late_cancellation", "complaint", "left_early"])
def test_one_lesser_strike_does_not_suspend(kind):
    assert policy.standing([Mark(day(0), kind)], BRANCH, day(1)) == Standing(1, None, None)


def test_reaching_the_strikes_suspends_from_the_strike_that_reached_it():
    timeline = [Mark(day(0), "late"), Mark(day(10), "complaint"), Mark(day(20), "left_early")]
    assert policy.standing(timeline, BRANCH, day(21)) == Standing(3, day(20 + 14), "strikes")
    assert policy.standing(timeline[:2], BRANCH, day(21)) == Standing(2, None, None)


@pytest.mark.parametrize(
    "third_at, suspended_until",
    [
        (day(30) - timedelta(seconds=1), day(30) - timedelta(seconds=1) + timedelta(days=14)),
        (day(30), None),  # the first strike has expired exactly then: only two live
    ],
)
def test_strikes_suspend_only_while_the_earlier_ones_live(third_at, suspended_until):
    timeline = [Mark(day(0), "late"), Mark(day(10), "late"), Mark(third_at, "late")]
    assert policy.standing(timeline, BRANCH, third_at).suspended_until == suspended_until


@pytest.mark.parametrize("clean_count, strikes", [(7, 1), (8, 0), (15, 0), (16, 0)])
def test_clean_shifts_after_a_strike_forgive_it(clean_count, strikes):
    timeline = [Mark(day(0), "late"), *cleans(1, clean_count)]
    assert policy.standing(timeline, BRANCH, day(clean_count + 1)).strikes == strikes


def test_forgiveness_takes_the_oldest_live_strike():
    timeline = [Mark(day(0), "late"), Mark(day(20), "late"), *cleans(21, 8)]
    assert policy.standing(timeline, BRANCH, day(29)).strikes == 1
    # The one left is the day-20 strike: still live after the day-0 one would have expired.
    assert policy.standing(timeline, BRANCH, day(35)).strikes == 1
    assert policy.standing(timeline, BRANCH, day(50)).strikes == 0


def test_sixteen_clean_shifts_forgive_two_strikes():
    timeline = [Mark(day(0), "late"), Mark(day(1), "complaint"), *cleans(2, 15)]
    assert policy.standing(timeline, BRANCH, day(17)).strikes == 1
    timeline.append(Mark(day(17), "clean"))
    assert policy.standing(timeline, BRANCH, day(18)).strikes == 0


def test_clean_shifts_before_any_strike_are_not_banked():
    timeline = [*cleans(0, 20), Mark(day(20), "late"), *cleans(21, 7)]
    assert policy.standing(timeline, BRANCH, day(28)).strikes == 1


def test_clean_shifts_toward_an_expired_strike_are_not_banked_for_the_next():
    # Seven of the eight clean shifts while the day-0 strike lived; it expired unforgiven.
    timeline = [Mark(day(0), "late"), *cleans(1, 7), Mark(day(40), "late"), *cleans(41, 1)]
    assert policy.standing(timeline, BRANCH, day(42)).strikes == 1


def test_a_forgiven_strike_no_longer_counts_toward_suspension():
    timeline = [Mark(day(0), "late"), Mark(day(1), "late"), *cleans(2, 8), Mark(day(10), "late")]
    assert policy.standing(timeline, BRANCH, day(11)) == Standing(2, None, None)


@pytest.mark.parametrize(
    "strike_suspend_days, suspended_until, suspended_by",
    [
        (14, day(2 + 14), "strikes"),  # the strikes' suspension ends later
        (3, day(2 + 7), "no_show"),  # the no-show's ends later
    ],
)
def test_suspended_by_names_the_latest_suspension(
    strike_suspend_days, suspended_until, suspended_by
):
    branch = StrikePolicy(3, 30, 8, 7, strike_suspend_days)
    timeline = [Mark(day(0), "late"), Mark(day(1), "complaint"), Mark(day(2), "no_show")]
    assert policy.standing(timeline, branch, day(3)) == Standing(3, suspended_until, suspended_by)


def test_a_later_suspension_replaces_an_earlier_one():
    timeline = [Mark(day(0), "no_show"), Mark(day(20), "no_show")]
    assert policy.standing(timeline, BRANCH, day(21)) == Standing(2, day(27), "no_show")


def test_zero_suspend_days_never_suspend():
    branch = StrikePolicy(3, 30, 8, no_show_suspend_days=0, strike_suspend_days=0)
    timeline = [Mark(day(i), "no_show") for i in range(4)]
    assert policy.standing(timeline, branch, day(5)) == Standing(4, None, None)


# --- properties --------------------------------------------------------------------------------

came_lists = st.lists(st.booleans(), max_size=40)
on_time_lists = st.lists(st.booleans(), max_size=40)
star_lists = st.lists(st.integers(min_value=1, max_value=5), max_size=20)


@settings(max_examples=200)
@given(came_lists, on_time_lists, star_lists)
def test_a_no_show_never_raises_a_figure(came, on_time, stars):
    before = policy.figures(came, on_time, stars)
    after = policy.figures([*came, False], on_time, stars)
    assert after.rating <= before.rating
    assert after.reliability <= before.reliability
    # Before rounding the no-show always costs something.
    reliability = policy.beta_mean(came, policy.RELIABILITY_PRIOR)
    assert policy.beta_mean([*came, False], policy.RELIABILITY_PRIOR) < reliability


@settings(max_examples=200)
@given(came_lists, on_time_lists, star_lists)
def test_a_clean_shift_never_lowers_a_figure(came, on_time, stars):
    before = policy.figures(came, on_time, stars)
    after = policy.figures([*came, True], [*on_time, True], stars)
    assert after.rating >= before.rating
    assert after.reliability >= before.reliability
    reliability = policy.beta_mean(came, policy.RELIABILITY_PRIOR)
    assert policy.beta_mean([*came, True], policy.RELIABILITY_PRIOR) > reliability


@settings(max_examples=200)
@given(came_lists, on_time_lists, star_lists)
def test_a_late_arrival_never_raises_the_rating(came, on_time, stars):
    before = policy.figures([*came, True], on_time, stars)
    assert policy.figures([*came, True], [*on_time, False], stars).rating <= before.rating


@settings(max_examples=200)
@given(
    came_lists,
    on_time_lists,
    star_lists,
    st.sampled_from(["no_show", "clean", "late", "review"]),
    st.integers(min_value=1, max_value=5),
)
def test_reversing_an_event_restores_the_figures_exactly(came, on_time, stars, event, review):
    before = policy.figures(came, on_time, stars)
    # The event's observations, appended to the very lists and then taken off again.
    added = {
        "no_show": [(came, False)],
        "clean": [(came, True), (on_time, True)],
        "late": [(came, True), (on_time, False)],
        "review": [(stars, review)],
    }[event]
    for observations, value in added:
        observations.append(value)
    policy.figures(came, on_time, stars)
    for observations, _ in added:
        observations.pop()
    restored = policy.figures(came, on_time, stars)
    assert restored == before
    assert restored.rating.as_tuple() == before.rating.as_tuple()  # same digits, same exponent
    assert restored.reliability.as_tuple() == before.reliability.as_tuple()


hours = st.integers(min_value=0, max_value=24 * 60)
marks = st.builds(
    lambda h, kind: Mark(T0 + timedelta(hours=h), kind),
    hours,
    st.sampled_from([*policy.PENALTY_KINDS, "clean", "clean", "clean", "clean"]),
)
timelines = st.lists(marks, max_size=30)
branches = st.builds(
    StrikePolicy,
    strikes_to_suspend=st.integers(min_value=1, max_value=4),
    strike_window_days=st.integers(min_value=1, max_value=20),
    clean_shifts_per_forgiven_strike=st.integers(min_value=1, max_value=4),
    no_show_suspend_days=st.integers(min_value=0, max_value=10),
    strike_suspend_days=st.integers(min_value=0, max_value=10),
)
waits = st.integers(min_value=0, max_value=24 * 30)


def now_after(timeline: list[Mark], wait_h: int) -> datetime:
    """A moment at or after the newest mark: a record holds only what has happened."""
    return max((mark.at for mark in timeline), default=T0) + timedelta(hours=wait_h)


@settings(max_examples=200)
@given(
    timelines,
    branches,
    waits,
    hours,
    st.sampled_from(policy.PENALTY_KINDS),
    st.integers(min_value=0, max_value=30),
)
@example(  # the clean shift toward the extra strike, expired, must not forgive the later one
    timeline=[Mark(T0, "clean"), Mark(T0 + timedelta(hours=1), "late"), Mark(day(5), "clean")],
    branch=StrikePolicy(1, 5, 2, 0, 0),
    wait_h=0,
    at_h=0,
    kind="late",
    position=0,
)
def test_a_penalty_never_lowers_strikes_nor_shortens_a_suspension(
    timeline, branch, wait_h, at_h, kind, position
):
    with_penalty = list(timeline)
    with_penalty.insert(position, Mark(T0 + timedelta(hours=at_h), kind))
    now = now_after(with_penalty, wait_h)
    before = policy.standing(timeline, branch, now)
    after = policy.standing(with_penalty, branch, now)
    assert after.strikes >= before.strikes
    if before.suspended_until is not None:
        assert after.suspended_until is not None
        assert after.suspended_until >= before.suspended_until


@settings(max_examples=200)
@given(timelines, branches, waits, hours, st.integers(min_value=0, max_value=30))
@example(  # the extra clean shift forgives the first strike, so the second needs two more
    timeline=[
        Mark(T0, "late"),
        Mark(T0, "clean"),
        Mark(T0 + timedelta(hours=1), "late"),
        Mark(day(15), "clean"),
    ],
    branch=StrikePolicy(1, 15, 2, 0, 0),
    wait_h=0,
    at_h=0,
    position=1,
)
def test_a_clean_shift_never_raises_strikes(timeline, branch, wait_h, at_h, position):
    with_clean = list(timeline)
    with_clean.insert(position, Mark(T0 + timedelta(hours=at_h), "clean"))
    now = now_after(with_clean, wait_h)
    before = policy.standing(timeline, branch, now)
    assert policy.standing(with_clean, branch, now).strikes <= before.strikes


# --- a recent no-show: the rating capped and the worker ranked last ----------------------------
# (DESIGN.md: "Those who promise and don't come get low ratings at once".)

WINDOW = 30  # strike_window_days of the default policy


@pytest.mark.parametrize(
    "no_shows, now, expected",
    [
        ([], day(1), None),
        ([day(0)], day(0), (day(0), day(30))),  # at once
        ([day(0)], day(29.99), (day(0), day(30))),
        ([day(0)], day(30), None),  # exactly window_days old: left the window, as a strike
        ([day(0)], day(45), None),
        ([day(0), day(10)], day(35), (day(10), day(40))),  # the older one left, the newer not
        ([day(10), day(0)], day(12), (day(10), day(40))),  # any order: the latest counts
        ([day(0), day(10)], day(40), None),
    ],
)
def test_recent_no_show_is_the_latest_inside_the_window(no_shows, now, expected):
    recent = policy.recent_no_show(no_shows, WINDOW, now)
    assert (None if recent is None else (recent.at, recent.until)) == expected
    if recent is not None:
        assert recent.window_days == WINDOW


@pytest.mark.parametrize(
    "rating, recent, shown",
    [
        ("4.37", None, "4.37"),
        ("4.10", (day(0), day(30)), "2.50"),  # 5 clean shifts, a no-show
        ("3.60", (day(0), day(30)), "2.50"),  # a newcomer's first shift
        ("2.50", (day(0), day(30)), "2.50"),
        ("1.90", (day(0), day(30)), "1.90"),  # already lower: kept
        ("4.10", None, "4.10"),  # the window passed: the formula's again
    ],
)
def test_a_recent_no_show_caps_the_rating_shown(rating, recent, shown):
    recent = policy.RecentNoShow(*recent) if recent else None
    assert policy.shown_rating(Decimal(rating), recent) == Decimal(shown)


def test_the_cap_is_below_every_newcomer_even_at_the_default_weights_alone():
    """The figure says what the ranking does: at the default weights (0.8, 0.2) the capped
    rating at the site scores under a newcomer at the radius even without the rank key."""
    rw, dw = float(DEFAULTS["rating_weight"]), float(DEFAULTS["distance_weight"])
    capped = dispatch_score(float(policy.NO_SHOW_RATING_CAP), 0, 10_000, rw, dw)
    assert capped < dispatch_score(float(NEWCOMER_RATING), 10_000, 10_000, rw, dw)


def _shown_after(came, on_time, stars, no_shows, now):
    """The rating stored for a record: the formula's, capped while a no-show is recent."""
    recent = policy.recent_no_show(no_shows, WINDOW, now)
    return policy.shown_rating(policy.figures(came, on_time, stars).rating, recent), recent


weights = st.decimals(min_value=0, max_value=1, places=2).map(float)
radii = st.integers(min_value=500, max_value=300_000)
fractions = st.floats(min_value=0, max_value=1)


@settings(max_examples=300)
@given(
    came_lists,
    on_time_lists,
    star_lists,
    st.floats(min_value=0, max_value=WINDOW - 0.001),
    radii,
    fractions,
    fractions,
    weights,
    weights,
)
@example(  # the case: five clean shifts (4.37), a fresh no-show, at the site
    came=[True] * 5,
    on_time=[True] * 5,
    stars=[],
    age_days=0.0,
    radius_m=10_000,
    near=0.0,
    far=1.0,
    rating_weight=0.8,
    distance_weight=0.2,
)
def test_a_recent_no_show_ranks_below_every_newcomer_at_any_distance(
    came, on_time, stars, age_days, radius_m, near, far, rating_weight, distance_weight
):
    """Any record, a no-show inside the window, any branch weights: the worker at any distance
    within the radius scores below a newcomer at any distance within it."""
    no_show_at = day(0)
    now = no_show_at + timedelta(days=age_days)
    shown, recent = _shown_after([*came, False], on_time, stars, [no_show_at], now)
    assert recent is not None and shown < NEWCOMER_RATING
    worker = dispatch_score(
        float(shown), near * radius_m, radius_m, rating_weight, distance_weight, ranked_last=True
    )
    newcomer = dispatch_score(
        float(NEWCOMER_RATING), far * radius_m, radius_m, rating_weight, distance_weight
    )
    assert worker < newcomer


@settings(max_examples=200)
@given(came_lists, on_time_lists, star_lists, st.floats(min_value=0, max_value=100))
def test_reversing_the_no_show_restores_the_rating_exactly(came, on_time, stars, age_days):
    now = day(age_days)
    before, _ = _shown_after(came, on_time, stars, [], now)
    _shown_after([*came, False], on_time, stars, [day(0)], now)
    restored, recent = _shown_after(came, on_time, stars, [], now)  # the reversal: both gone
    assert recent is None
    assert restored == before and restored.as_tuple() == before.as_tuple()


@settings(max_examples=200)
@given(came_lists, on_time_lists, star_lists, st.floats(min_value=WINDOW, max_value=400))
def test_after_the_window_the_rating_is_the_formulas_again(came, on_time, stars, age_days):
    shown, recent = _shown_after([*came, False], on_time, stars, [day(0)], day(age_days))
    assert recent is None
    assert shown == policy.figures([*came, False], on_time, stars).rating
