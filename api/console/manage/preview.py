"""What a branch's knobs do, in words, by the rules themselves: the overbooking target
(dispatch/orders/overbooking.py), the waves' radii and sizes (dispatch/fill/ranking.py),
lateness and late cancellations (rating/policy.py). Illustrations only: every figure comes
from the rule the branch will run, none is computed here a second time."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from dispatch.fill.ranking import wave_radius_m, wave_size, widest_wave
from dispatch.orders.overbooking import (
    NEWCOMER_RELIABILITY,
    adaptive_cap,
    adaptive_target,
    fixed_target,
)
from rating.policy import is_late_cancellation, judge_arrival

# The knobs of each topic, in the form's order; every knob is in one (a test checks).
GROUPS: dict[str, tuple[str, ...]] = {
    "filling": (
        "overbooking_mode",
        "overbook_factor",
        "fill_goal",
        "search_radius_m",
        "max_radius_m",
        "radius_growth",
        "wave_multiple",
        "wave_timeout_min",
        "rating_weight",
        "distance_weight",
    ),
    "confirmations": (
        "confirm_ask_h",
        "confirm_by_h",
        "remind_h",
        "sms_transliterate",
        "quality_sms",
    ),
    "penalties": (
        "late_grace_min",
        "late_as_no_show_min",
        "late_fine_per_min",
        "no_show_fine",
        "sent_home_points",
        "sent_home_fine",
        "no_show_suspend_days",
        "strikes_to_suspend",
        "strike_window_days",
        "strike_suspend_days",
        "clean_shifts_per_forgiven_strike",
        "dispute_deadline_h",
    ),
    "pay": (
        "currency",
        "late_cancel_h",
        "show_up_pay",
        "client_order_approval_h",
        "billing_rounding",
        "invoice_after_days",
        "break_paid",
    ),
    "site": ("geofence_m", "undo_window_s"),
}

WANTED = (10, 3)  # headcounts the overbooking preview shows
OPEN_SLOTS = 5
SHIFT_START = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)  # "a shift at 08:00"
LATE_EXAMPLE_MIN = 25  # minutes late in the lateness example (when between the two knobs)
MAX_WAVES_SHOWN = 8

Words = Callable[[str], str]


def _km(metres: int) -> str:
    return f"{metres / 1000:g}"


def _clock(at: datetime) -> str:
    return at.strftime("%H:%M")


def filling(p: dict[str, Any], t: Words) -> list[str]:
    lines = []
    for wanted in WANTED:
        if p["overbooking_mode"] == "adaptive":
            booked = adaptive_target([], wanted, float(p["fill_goal"]), NEWCOMER_RELIABILITY)
            lines.append(
                t("settings_pv_adaptive").format(
                    wanted=wanted, booked=booked, p=f"{NEWCOMER_RELIABILITY:.2f}",
                    cap=adaptive_cap(wanted),
                )
            )  # fmt: skip
        else:
            booked = fixed_target(wanted, p["overbook_factor"])
            lines.append(t("settings_pv_fixed").format(wanted=wanted, booked=booked))
    growth = Decimal(p["radius_growth"])
    last = widest_wave(p["search_radius_m"], p["max_radius_m"], growth)
    radii = [
        wave_radius_m(p["search_radius_m"], p["max_radius_m"], growth, wave)
        for wave in range(1, min(last, MAX_WAVES_SHOWN) + 1)
    ]
    shown = ", ".join(t("settings_km").format(km=_km(r)) for r in radii)
    shown += " …" if last > MAX_WAVES_SHOWN else ""
    lines.append(t("settings_pv_waves").format(radii=shown))
    widest = wave_radius_m(p["search_radius_m"], p["max_radius_m"], growth, last)
    minutes = (last - 1) * p["wave_timeout_min"]
    lines.append(t("settings_pv_widest").format(km=_km(widest), minutes=minutes))
    offers = wave_size(OPEN_SLOTS, Decimal(p["wave_multiple"]))
    lines.append(t("settings_pv_wave_size").format(slots=OPEN_SLOTS, offers=offers))
    return lines


def confirmations(p: dict[str, Any], t: Words) -> list[str]:
    ask = _clock(SHIFT_START - timedelta(hours=p["confirm_ask_h"]))
    by = _clock(SHIFT_START - timedelta(hours=p["confirm_by_h"]))
    lines = [t("settings_pv_confirm").format(ask=ask, by=by)]
    if p["remind_h"]:
        at = _clock(SHIFT_START - timedelta(hours=p["remind_h"]))
        lines.append(t("settings_pv_remind").format(at=at))
    else:
        lines.append(t("settings_pv_no_remind"))
    if p["sms_transliterate"]:
        lines.append(t("settings_pv_translit"))
    return lines


def penalties(p: dict[str, Any], t: Words) -> list[str]:
    grace, no_show = p["late_grace_min"], p["late_as_no_show_min"]
    example = min(max(LATE_EXAMPLE_MIN, grace + 1), no_show)
    judged = judge_arrival(
        SHIFT_START + timedelta(minutes=example),
        SHIFT_START,
        grace_min=grace,
        as_no_show_min=no_show,
        late_fine_per_min=Decimal(p["late_fine_per_min"]),
    )
    currency = p["currency"]
    if judged.kind == "late":
        line = t("settings_pv_late").format(
            minutes=example, fine=judged.fine, currency=currency, points=judged.points
        )
    else:
        line = t("settings_pv_on_time").format(minutes=example)
    return [
        line,
        t("settings_pv_no_show").format(
            minutes=no_show, fine=p["no_show_fine"], currency=currency,
            days=p["no_show_suspend_days"],
        ),
        t("settings_pv_strikes").format(
            strikes=p["strikes_to_suspend"], window=p["strike_window_days"],
            days=p["strike_suspend_days"], clean=p["clean_shifts_per_forgiven_strike"],
        ),
        t("settings_pv_dispute").format(
            hours=p["dispute_deadline_h"],
            at=(SHIFT_START + timedelta(hours=p["dispute_deadline_h"])).strftime("%d.%m %H:%M"),
            opened=SHIFT_START.strftime("%d.%m %H:%M"),
        ),
    ]  # fmt: skip


def pay(p: dict[str, Any], t: Words) -> list[str]:
    hours = p["late_cancel_h"]
    lines = [
        t("settings_pv_late_cancel").format(
            hours=hours, pay=p["show_up_pay"], currency=p["currency"]
        )
    ]
    for before in sorted({max(hours - 1, 0), hours + 1}):
        late = is_late_cancellation(SHIFT_START - timedelta(hours=before), SHIFT_START, hours)
        verdict = t("settings_pv_late_word") if late else t("settings_pv_in_time_word")
        lines.append(t("settings_pv_cancel_at").format(hours=before, verdict=verdict))
    approval_h = p["client_order_approval_h"]
    lines.append(
        t("settings_pv_approval").format(hours=approval_h)
        if approval_h
        else t("settings_pv_approval_never")
    )
    return lines


def site(p: dict[str, Any], t: Words) -> list[str]:
    undo = p["undo_window_s"]
    return [
        t("settings_pv_geofence").format(m=p["geofence_m"]),
        t("settings_pv_undo").format(s=undo) if undo else t("settings_pv_undo_now"),
    ]


PREVIEWS: dict[str, Callable[[dict[str, Any], Words], list[str]]] = {
    "filling": filling,
    "confirmations": confirmations,
    "penalties": penalties,
    "pay": pay,
    "site": site,
}


def previews(policy: dict[str, Any], t: Words) -> dict[str, list[str]]:
    """Each topic's lines for this policy (a whole, valid one)."""
    return {group: PREVIEWS[group](policy, t) for group in GROUPS}
