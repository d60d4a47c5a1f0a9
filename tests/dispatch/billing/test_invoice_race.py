"""Two managers invoice the same client's period at once, each on its own connection: the
orders' locks put one after the other, so one invoice takes the lines and the other finds
nothing left (409 nothing_to_invoice: not the unique key's invoice_line_taken, which would
mean both read the lines at once), never the same line twice. And the unique key on (order,
worker) refuses a second invoice line by itself. An invoice and a dispute of one of its lines:
whichever locks the order first wins, the other sees it (line_invoiced, or the line left out).

These tests commit, so they build their own branch and delete everything afterwards."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from core.db import session_scope
from dispatch.billing import service
from dispatch.billing.errors import InvoiceLineTaken, NothingToInvoice
from dispatch.billing.models import Invoice, InvoiceLine
from dispatch.client_models import TimesheetSignoff
from dispatch.hours.errors import LineInvoiced
from dispatch.shift import signoff
from tests.committed import purge_branch, purge_code
from tests.dispatch.billing.world import later, make_world, worked_order

CODE = "INVRACE"


def _purge(session, branch_id):
    ids = select(Invoice.id).where(Invoice.branch_id == branch_id)
    session.execute(delete(InvoiceLine).where(InvoiceLine.invoice_id.in_(ids)))
    session.execute(delete(Invoice).where(Invoice.branch_id == branch_id))
    purge_branch(session, branch_id)


@pytest.fixture
def scene(factory):
    with session_scope(factory) as session:
        old = session.scalar(select(Invoice.branch_id).where(Invoice.number.like(f"{CODE}-%")))
        if old is not None:
            _purge(session, old)
        purge_code(session, CODE)
        world = make_world(session, code=CODE)
        order = worked_order(session, world)
        day = (order.starts_at + timedelta(hours=3)).date()
        found = (world.branch.id, world.client.id, world.manager, day, later(order, 4), order.id)
        crew = [w.id for w in world.crew]
    yield (*found, crew)
    with session_scope(factory) as session:
        session.execute(delete(TimesheetSignoff).where(TimesheetSignoff.order_id == found[5]))
        _purge(session, found[0])


def test_two_invoices_at_once_one_takes_the_lines(factory, scene):
    branch_id, client_id, manager, day, at, _, _ = scene
    barrier = threading.Barrier(2)

    def invoice():
        barrier.wait()
        try:
            with session_scope(factory) as session:
                made = service.create_invoice(
                    session, actor=manager, client_id=client_id, first=day, last=day, now=at
                )
                return made.number
        except (NothingToInvoice, InvoiceLineTaken) as refused:
            return refused.code

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = sorted(f.result(timeout=60) for f in [pool.submit(invoice) for _ in range(2)])

    made = [a for a in answers if a.startswith(CODE)]
    assert made == [f"{CODE}-{at.year}-0001"], answers
    refused = [a for a in answers if not a.startswith(CODE)]
    assert refused == ["nothing_to_invoice"], answers  # the second read the lines after
    with session_scope(factory) as session:
        ids = select(Invoice.id).where(Invoice.branch_id == branch_id)
        assert session.scalar(select(func.count()).where(Invoice.branch_id == branch_id)) == 1
        lines = session.scalar(select(func.count()).where(InvoiceLine.invoice_id.in_(ids)))
        assert lines == 2


def test_the_unique_key_refuses_a_line_on_a_second_invoice(factory, scene):
    branch_id, client_id, manager, day, at, order_id, _ = scene
    with session_scope(factory) as session:
        made = service.create_invoice(
            session, actor=manager, client_id=client_id, first=day, last=day, now=at
        )
        worker_id = session.scalars(
            select(InvoiceLine.worker_id).where(InvoiceLine.invoice_id == made.id)
        ).first()
        session.add(
            InvoiceLine(
                invoice_id=made.id, order_id=order_id, worker_id=worker_id, hours=1, amount=1
            )
        )
        with pytest.raises(IntegrityError, match="uq_invoice_lines_order_worker"):
            session.flush()
        session.rollback()


WAIT_S = 0.5  # long enough for a writer that does not wait to have finished


def _in_thread(pool, work):
    """Start `work` on its own connection; it must still be waiting on a lock after WAIT_S."""
    started = pool.submit(work)
    time.sleep(WAIT_S)
    assert not started.done(), started.result()  # it did not wait for the lock: it raced
    return started


def test_a_dispute_waits_for_an_invoice_and_finds_the_line_invoiced(factory, scene):
    _, client_id, manager, day, at, order_id, crew = scene

    def dispute():
        try:
            with session_scope(factory) as session:
                signoff.dispute(session, order_id, crew[0], actor=manager, reason="x", now=at)
        except LineInvoiced as refused:
            return refused.code
        return "disputed"

    with ThreadPoolExecutor(max_workers=1) as pool:
        with session_scope(factory) as session:
            service.create_invoice(
                session, actor=manager, client_id=client_id, first=day, last=day, now=at
            )
            waiting = _in_thread(pool, dispute)
        assert waiting.result(timeout=30) == "line_invoiced"


def test_an_invoice_waits_for_a_dispute_and_leaves_the_line_out(factory, scene):
    branch_id, client_id, manager, day, at, order_id, crew = scene

    def invoice():
        with session_scope(factory) as session:
            made = service.create_invoice(
                session, actor=manager, client_id=client_id, first=day, last=day, now=at
            )
            return list(
                session.scalars(
                    select(InvoiceLine.worker_id).where(InvoiceLine.invoice_id == made.id)
                )
            )

    with ThreadPoolExecutor(max_workers=1) as pool:
        with session_scope(factory) as session:
            signoff.dispute(session, order_id, crew[0], actor=manager, reason="x", now=at)
            waiting = _in_thread(pool, invoice)
        assert waiting.result(timeout=30) == [crew[1]]


def test_a_second_invoice_waits_and_reads_the_lines_after_the_first(factory, scene):
    _, client_id, manager, day, at, _, _ = scene

    def invoice():
        try:
            with session_scope(factory) as session:
                return service.create_invoice(
                    session, actor=manager, client_id=client_id, first=day, last=day, now=at
                ).number
        except (NothingToInvoice, InvoiceLineTaken) as refused:
            return refused.code

    with ThreadPoolExecutor(max_workers=1) as pool:
        with session_scope(factory) as session:
            service.create_invoice(
                session, actor=manager, client_id=client_id, first=day, last=day, now=at
            )
            waiting = _in_thread(pool, invoice)
        # Waiting on the branch alone, it would have read the lines before: the unique key's 409.
        assert waiting.result(timeout=30) == "nothing_to_invoice"
