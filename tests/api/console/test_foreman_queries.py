"""The foreman's page reads each branch and site once, however many shifts it shows
(bench/console.py: ~80 queries a request for a foreman of four busy sites, before)."""

from datetime import timedelta

from api.console.site.foreman_shifts import shifts_of
from core.clock import now
from core.tenancy import Actor
from tests.builders import make_branch_site, make_order, make_user
from tests.statements import sent_by


def queries_of(session, run) -> int:
    return len(sent_by(session, run))


def test_the_foreman_page_reads_as_much_for_eight_shifts_as_for_one(session):
    branch, site = make_branch_site(session)
    foreman = make_user(session, role="foreman", branch=branch)
    site.foreman_id = foreman.id
    actor = Actor(foreman.id, foreman.username, "foreman", branch.id)

    def orders(n: int) -> None:
        for k in range(n):
            make_order(session, site=site, now=now(), starts_in=timedelta(hours=3 + k))
        session.flush()
        session.expunge_all()  # as in a request: nothing of the branch or site loaded yet

    orders(1)
    one = queries_of(session, lambda: shifts_of(session, actor, now()))
    orders(7)
    shifts: list = []
    eight = queries_of(session, lambda: shifts.extend(shifts_of(session, actor, now())))
    assert len(shifts) == 8
    assert eight == one
