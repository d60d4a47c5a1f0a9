"""Money has one rounding rule everywhere: to the kopeck, halves up (as accountants round)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def hours_of(minutes: int) -> Decimal:
    """Minutes as hours, to the hundredth, as the timesheet shows them (and bills them)."""
    return money(Decimal(minutes) / 60)
