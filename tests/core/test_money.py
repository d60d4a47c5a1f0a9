"""One rounding rule for all money: to the kopeck, halves up, on every path that stores it."""

from decimal import Decimal

import pytest

from core.money import money
from dispatch.registry.knobs import check_knob
from tests.builders import make_branch_site, make_order


@pytest.mark.parametrize(
    ("raw", "rounded"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),  # half-even would give 0.02
        ("250.125", "250.13"),  # half-even would give 250.12
        ("-0.005", "-0.01"),
        ("100", "100.00"),
        ("99.994", "99.99"),
    ],
)
def test_money_rounds_halves_up(raw, rounded):
    assert money(Decimal(raw)) == Decimal(rounded)
    assert str(money(raw)) == rounded


def test_an_order_stores_its_rates_by_the_same_rule(session):
    branch, site = make_branch_site(session)
    order = make_order(
        session, site=site, client_rate=Decimal("250.125"), worker_rate=Decimal("0.025")
    )
    assert (order.client_rate, order.worker_rate) == (Decimal("250.13"), Decimal("0.03"))


def test_a_money_knob_is_stored_by_the_same_rule():
    assert check_knob("late_fine_per_min", "5.125") == Decimal("5.13")
    assert check_knob("no_show_fine", "300.005") == Decimal("300.01")
