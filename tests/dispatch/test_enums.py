"""The named sets of statuses are defined once (dispatch/enums.py) and fit together."""

import ast
from pathlib import Path

from dispatch.enums import (
    CLOSED,
    FILLABLE,
    NOT_CLOSED,
    OFFER_STATUSES,
    ORDER_STATUSES,
    OUTSTANDING,
    OrderStatus,
)

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("core", "geo", "workers", "rating", "sms", "dispatch", "api")


def test_every_order_is_either_closed_or_not_and_fillable_ones_are_not_closed():
    assert set(NOT_CLOSED) | set(CLOSED) == set(ORDER_STATUSES)
    assert not set(NOT_CLOSED) & set(CLOSED)
    assert set(FILLABLE) == set(NOT_CLOSED) - {OrderStatus.IN_PROGRESS}
    assert set(OUTSTANDING) <= set(OFFER_STATUSES)


def _status_collections(path: Path) -> list[int]:
    """Lines holding a hand-written tuple, list or set of two or more order statuses."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            words = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if len([w for w in words if w in ORDER_STATUSES]) >= 2:
                found.append(node.lineno)
    return found


def test_no_module_writes_its_own_set_of_order_statuses():
    own = {
        str(path.relative_to(ROOT)): lines
        for package in SOURCES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "enums.py" and (lines := _status_collections(path))
    }
    assert own == {}
