"""A branch's policy knobs: defaults (DESIGN.md), bounds and the rules between them."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dispatch.registry.errors import PolicyInvalid
from rating.policy import LATE_CANCEL_MAX_H

# ISO 4217 codes of the countries the franchise works in, and the usual hard currencies.
CURRENCIES = ("RUB", "KZT", "BYN", "UZS", "KGS", "AMD", "AZN", "GEL", "TJS", "MDL", "EUR", "USD")


@dataclass(frozen=True)
class Knob:
    type: type
    default: Any
    ge: Any = None
    le: Any = None
    choices: tuple[str, ...] | None = None
    doc: str = ""
    blank: Any = None  # what null or an empty field means, where either is allowed


KNOBS: dict[str, Knob] = {
    "overbook_factor": Knob(
        Decimal,
        Decimal("1.50"),
        Decimal("1.0"),
        Decimal("3.0"),
        doc="book ceil(headcount x factor): invite 15 for 10",
    ),
    "overbooking_mode": Knob(
        str,
        "fixed",
        choices=("fixed", "adaptive"),
        doc="fixed factor, or size from workers' show-up odds",
    ),
    "fill_goal": Knob(
        Decimal,
        Decimal("0.950"),
        Decimal("0.5"),
        Decimal("0.999"),
        doc="adaptive mode: wanted P(at least headcount arrive)",
    ),
    "search_radius_m": Knob(int, 10_000, 500, 200_000, doc="first wave's radius"),
    "max_radius_m": Knob(int, 40_000, 500, 300_000, doc="widest a wave may reach"),
    "wave_timeout_min": Knob(int, 10, 1, 240, doc="wait before the next wave"),
    "confirm_ask_h": Knob(int, 12, 1, 72, doc="ask booked workers to confirm, hours before"),
    "confirm_by_h": Knob(int, 3, 0, 48, doc="release the unconfirmed, hours before"),
    "late_grace_min": Knob(int, 10, 0, 120, doc="arrival within this is on time"),
    "late_as_no_show_min": Knob(int, 60, 1, 480, doc="later than this counts as a no-show"),
    "late_cancel_h": Knob(
        int, 12, 0, LATE_CANCEL_MAX_H, doc="a worker's cancellation inside this is late"
    ),
    "no_show_suspend_days": Knob(int, 7, 0, 365, doc="suspension after a no-show"),
    "strikes_to_suspend": Knob(int, 3, 1, 20, doc="strikes in the window that suspend"),
    "strike_window_days": Knob(int, 30, 1, 365, doc="window strikes are counted in"),
    "clean_shifts_per_forgiven_strike": Knob(int, 8, 1, 100, doc="clean shifts forgive one"),
    "strike_suspend_days": Knob(int, 7, 0, 365, doc="suspension on reaching the strikes"),
    "currency": Knob(str, "RUB", choices=CURRENCIES, doc="of rates, fines and pay"),
    "late_fine_per_min": Knob(
        Decimal, Decimal("5.00"), Decimal("0"), Decimal("1000"), doc="per minute beyond grace"
    ),
    "no_show_fine": Knob(
        Decimal, Decimal("300.00"), Decimal("0"), Decimal("100000"), doc="fine for a no-show"
    ),
    "sent_home_points": Knob(
        int, 3, 0, 10, doc="points of a worker sent home unfit (a no-show's 3 by default)"
    ),
    "sent_home_fine": Knob(
        Decimal,
        Decimal("300.00"),
        Decimal("0"),
        Decimal("100000"),
        doc="fine of a worker sent home unfit (drunk, no safety gear, refused the task)",
    ),
    "show_up_pay": Knob(
        Decimal,
        Decimal("300.00"),
        Decimal("0"),
        Decimal("100000"),
        doc="paid to a worker released on site or booked on an order the client cancels late",
    ),
    "undo_window_s": Knob(
        int,
        120,
        0,
        900,
        doc="a foreman's punishing mark (no-show, left early, sent home) waits this long for an "
        "undo before it is texted, fined or suspends (0: at once)",
    ),
    "geofence_m": Knob(int, 250, 50, 5_000, doc="default check-in geofence of a new site"),
    "remind_h": Knob(int, 2, 0, 24, doc="remind booked workers, hours before start (0: never)"),
    "client_order_approval_h": Knob(
        int,
        0,
        0,
        168,
        doc="a client's order (user or key) starting sooner than this many hours after it is "
        "placed waits for the office's approval (0 or null: never)",
        blank=0,
    ),
    "dispute_deadline_h": Knob(
        int,
        48,
        1,
        336,
        doc="a worker's dispute of a penalty (SMS DISPUTE <code>) not decided by the office "
        "within this many hours is reversed automatically",
    ),
    "billing_rounding": Knob(
        str,
        "minute",
        choices=("minute", "quarter", "half"),
        doc="the client is billed each line's worked time to the nearest minute, quarter-hour "
        "or half-hour (halves up); workers are paid the exact minutes (docs/hours.md)",
    ),
    "invoice_after_days": Knob(
        int,
        3,
        0,
        60,
        doc="a line the client neither approved nor disputed is invoiced this many days after "
        "the order closed (undisputed after N days; docs/billing.md)",
    ),
    "break_paid": Knob(bool, False, doc="a recorded break counts as worked time (paid, billed)"),
    "sms_transliterate": Knob(bool, False, doc="send Cyrillic as Latin (GSM-7, cheaper)"),
    "quality_sms": Knob(
        bool, False, doc="after each close, ask the site's contact by SMS to rate the crew 1-5"
    ),
    "wave_multiple": Knob(
        Decimal,
        Decimal("2.0"),
        Decimal("1.0"),
        Decimal("10.0"),
        doc="offers sent per open slot in a wave",
    ),
    "radius_growth": Knob(
        Decimal,
        Decimal("1.5"),
        Decimal("1.1"),
        Decimal("4.0"),
        doc="each new wave widens the radius by this factor",
    ),
    "rating_weight": Knob(
        Decimal,
        Decimal("0.80"),
        Decimal("0"),
        Decimal("1"),
        doc="ranking: weight of the rating (0-5, scaled to 0-1)",
    ),
    "distance_weight": Knob(
        Decimal,
        Decimal("0.20"),
        Decimal("0"),
        Decimal("1"),
        doc="ranking: weight of closeness (1 at the site, 0 at the radius)",
    ),
}

DEFAULTS: dict[str, Any] = {name: knob.default for name, knob in KNOBS.items()}


def check_knob(name: str, value: Any) -> Any:
    """One knob's value converted and bounded, or InvalidInput at ('policy', name)."""
    knob = KNOBS.get(name)
    if knob is None:
        raise PolicyInvalid(
            ("policy", name), f"unknown policy knob; known: {', '.join(KNOBS)}", "unknown"
        )
    if knob.blank is not None and (value is None or value == ""):
        return knob.blank
    if knob.type is bool:
        if not isinstance(value, bool):
            raise PolicyInvalid(("policy", name), f"{value!r} is not true or false", "not_a_value")
        return value
    try:
        converted = knob.type(str(value)) if knob.type is Decimal else knob.type(value)
        if isinstance(converted, Decimal):  # to the stored scale, the default's (1.50, 0.950)
            converted = converted.quantize(knob.default, rounding=ROUND_HALF_UP)
    except Exception:
        raise PolicyInvalid(
            ("policy", name), f"{value!r} is not a {knob.type.__name__}", "not_a_value"
        ) from None
    if knob.choices and converted not in knob.choices:
        raise PolicyInvalid(
            ("policy", name), f"must be one of {', '.join(knob.choices)}", "not_a_choice"
        )
    if knob.ge is not None and converted < knob.ge:
        raise PolicyInvalid(("policy", name), f"must be at least {knob.ge}", "below")
    if knob.le is not None and converted > knob.le:
        raise PolicyInvalid(("policy", name), f"must be at most {knob.le}", "above")
    return converted


def check_policy(
    current: dict[str, Any], changes: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, PolicyInvalid]]:
    """Every refusal of these changes at once, by knob (a form shows each beside its field),
    and the policy with the acceptable ones applied: what merge_policy would refuse first,
    and what a change would do were the rest mended."""
    merged, errors = dict(current), {}
    for name, value in changes.items():
        try:
            merged[name] = check_knob(name, value)
        except PolicyInvalid as exc:
            errors[name] = exc
    for _ in _CROSS_RULES:  # each rule between knobs refused at most once
        try:
            merge_policy(merged, {})
            break
        except PolicyInvalid as exc:
            errors.setdefault(str(exc.loc[-1]), exc)
            merged.update({name: current[name] for name in _CROSS_RULES[exc.reason or ""]})
    return merged, errors


# The knobs a rule between knobs reads, by its refusal's reason: undone together when refused.
_CROSS_RULES = {
    "radii": ("search_radius_m", "max_radius_m"),
    "confirm_window": ("confirm_by_h", "confirm_ask_h"),
    "late_window": ("late_grace_min", "late_as_no_show_min"),
}


def merge_policy(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The policy after applying changes, checked knob by knob and as a whole."""
    merged = dict(current)
    for name, value in changes.items():
        merged[name] = check_knob(name, value)
    if merged["search_radius_m"] > merged["max_radius_m"]:
        raise PolicyInvalid(("policy", "search_radius_m"), "must not exceed max_radius_m", "radii")
    if merged["confirm_by_h"] >= merged["confirm_ask_h"]:
        raise PolicyInvalid(
            ("policy", "confirm_by_h"), "must be fewer hours than confirm_ask_h", "confirm_window"
        )
    if merged["late_grace_min"] >= merged["late_as_no_show_min"]:
        raise PolicyInvalid(
            ("policy", "late_grace_min"), "must be less than late_as_no_show_min", "late_window"
        )
    return merged
