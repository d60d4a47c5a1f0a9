"""Ranking candidates and sizing waves: pure rules, no database."""

import math
from datetime import date
from decimal import Decimal


def score(
    rating: float,
    distance_m: float,
    radius_m: float,
    rating_weight: float,
    distance_weight: float,
    *,
    ranked_last: bool = False,
    said_free: bool = False,
) -> float:
    """Rating first (0-5 scaled to 0-1), closeness second (1 at the site, 0 at the radius).
    ranked_last (a no-show in the strike window) takes off more than any score can be
    (both weights and 1), so such a worker comes after everyone else at any distance and
    weights. said_free (the worker texted FREE for the shift's day) adds twice that, so such
    a worker comes before everyone who did not, a recent no-show among them included; the
    tiers: free, free with a no-show, everyone else, a no-show. dispatch/fill/matcher.py's
    _SCORE is the same expression in SQL."""
    closeness = max(0.0, 1.0 - distance_m / radius_m) if radius_m > 0 else 0.0
    base = rating_weight * rating / 5.0 + distance_weight * closeness
    tier = rating_weight + distance_weight + 1.0
    return base - (tier if ranked_last else 0.0) + (2.0 * tier if said_free else 0.0)


def reason(
    rating: float,
    reliability: float,
    distance_m: float,
    *,
    no_show_on: date | None = None,
    window_days: int = 0,
    said_free: bool = False,
) -> str:
    """One line a dispatcher reads: why this worker is where they are."""
    free = "said free that day by SMS: ranked first; " if said_free else ""
    recent = (
        f" (no-show on {no_show_on:%d.%m}, within {window_days} days: ranked last)"
        if no_show_on
        else ""
    )
    return (
        f"{free}rating {rating:.2f}/5{recent}, turns up {reliability * 100:.0f}% of the time, "
        f"lives {distance_m / 1000:.1f} km away"
    )


def wave_radius_m(search_radius_m: int, max_radius_m: int, growth: Decimal, wave: int) -> int:
    """Wave 1 searches the branch radius; each later wave widens it, up to the maximum."""
    steps = min(max(0, wave - 1), 64)  # past the maximum it stays there; no float overflow
    radius = search_radius_m * float(growth) ** steps
    return int(min(radius, max_radius_m))


def widest_wave(search_radius_m: int, max_radius_m: int, growth: Decimal) -> int:
    """The first wave that searches as wide as waves go: the maximum radius, or where the
    growth stops (wave_radius_m's cap) should the maximum lie beyond it."""
    wave = 1
    while wave <= 64 and wave_radius_m(search_radius_m, max_radius_m, growth, wave) < max_radius_m:
        wave += 1
    return wave


def wave_size(open_slots: int, multiple: Decimal) -> int:
    """New offers for a wave: enough for the open slots, times the branch's multiple."""
    return 0 if open_slots <= 0 else math.ceil(Decimal(open_slots) * multiple)
