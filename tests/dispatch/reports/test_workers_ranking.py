"""The workers report ranks in the database (only the top and bottom rows leave it): the same
lists, order and totals as ranking every worker's sums in Python, ties and short lists too."""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from core.tenancy import Actor
from dispatch.reports import people
from dispatch.reports.models import ReportWorkerDay
from dispatch.reports.queries import Period
from tests.builders import make_branch, make_user, make_worker

FIRST = date(2026, 10, 1)


def _expected(rows: list[tuple[int, int, int, int]], top: int) -> tuple[list[int], list[int]]:
    """Every worker's sums ranked in Python: what the report did before it ranked in SQL."""
    sums: dict[int, list[int]] = {}
    for worker_id, shifts, no_shows, lates in rows:
        figures = sums.setdefault(worker_id, [0, 0, 0])
        figures[0] += shifts
        figures[1] += no_shows
        figures[2] += lates
    ranked = sorted(
        ((w, *f) for w, f in sums.items() if f[0] > 0),
        key=lambda r: (-(r[1] - r[2]) / r[1], -r[1], r[0]),
    )
    best = ranked[:top]
    worst = [r for r in reversed(ranked) if r not in best][:top]
    return [r[0] for r in best], [r[0] for r in worst]


@pytest.mark.parametrize(
    ("workers", "top", "days"), [(40, 5, 6), (30, 5, 1), (7, 5, 6), (3, 5, 6), (0, 5, 6)]
)
def test_the_ranking_is_pythons(session, workers, top, days):
    """days 1: a shift each, so every worker ties with half the others at the list's edges."""
    branch = make_branch(session)
    admin = make_user(session, role="admin")
    actor = Actor(admin.id, admin.username, "admin", None)
    ids = [make_worker(session, branch=branch).id for _ in range(workers)]
    rng = random.Random(workers)
    rows = []
    for worker_id in ids:
        for day in rng.sample(range(20), rng.randint(1, days)):
            shifts = rng.choice((1, 1, 1, 2)) if days > 1 else 1  # few: equal reliabilities
            no_shows = rng.randint(0, shifts) if rng.random() < 0.3 else 0
            rows.append((worker_id, day, shifts, no_shows, rng.randint(0, shifts - no_shows)))
    if rows:
        session.execute(
            insert(ReportWorkerDay),
            [
                {"day": FIRST + timedelta(days=d), "branch_id": branch.id, "worker_id": w,
                 "shifts": s, "no_shows": n, "lates": late}
                for w, d, s, n, late in rows
            ],
        )  # fmt: skip
    period = Period(FIRST, FIRST + timedelta(days=9))
    in_period = [(w, s, n, late) for w, d, s, n, late in rows if d <= 9]
    found = people.workers(session, actor=actor, period=period, branch_id=branch.id, top=top)
    best, worst = _expected(in_period, top)
    assert [r["worker_id"] for r in found["rows"] if r["rank"] == "top"] == best
    assert [r["worker_id"] for r in found["rows"] if r["rank"] == "bottom"] == worst
    assert found["totals"] == {
        "workers": len({w for w, *_ in in_period}),
        "shifts": sum(r[1] for r in in_period),
        "no_shows": sum(r[2] for r in in_period),
        "lates": sum(r[3] for r in in_period),
    }
    assert all(isinstance(v, int) for v in found["totals"].values())
    assert all(isinstance(r["reliability"], float) for r in found["rows"])
    assert found["previous"]["totals"]["workers"] == 0  # nothing before the first day
    later = people.workers(
        session, actor=actor, period=Period(FIRST + timedelta(days=10), FIRST + timedelta(days=19)),
        branch_id=branch.id, top=top,
    )  # fmt: skip
    assert later["previous"]["totals"] == found["totals"]
