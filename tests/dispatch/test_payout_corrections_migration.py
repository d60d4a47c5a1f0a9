"""Migration 0054 down with a correction taken: the correction lines go, and each batch's
total is its lines' sum again (a batch of corrections only: 0.00)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from brigada.cli import alembic_config
from core.db import session_scope
from dispatch.penalties import batches
from dispatch.registry.staff import actor_of
from tests.builders import NOW, make_foremans_site, make_user, make_worked_shift
from tests.conftest import reset_schema, upgrade
from tests.core.test_migrations import _scratch_engine
from tests.dispatch.test_payout_corrections import settle


def test_the_downgrade_leaves_each_batch_totalling_its_lines(engine):
    scratch = _scratch_engine(engine)
    try:
        reset_schema(scratch)
        upgrade(scratch)
        with session_scope(sessionmaker(bind=scratch)) as session:
            branch, site, foreman = make_foremans_site(session, code="MIGR54")
            office = actor_of(make_user(session, role="dispatcher", branch=branch))
            order, (worker,) = make_worked_shift(
                session, site=site, foreman=actor_of(foreman), crew=1, close="scheduled"
            )
            day = order.starts_at.astimezone(ZoneInfo(branch.timezone)).date()
            at = NOW + timedelta(days=5)
            first = batches.make_batch(
                session, branch.id, actor=office, date_from=day, date_to=day, now=at
            )
            settle(session, order, worker, office, "10")  # a correction for the next batch
            week = day + timedelta(days=7)
            second = batches.make_batch(
                session, branch.id, actor=office, date_from=week, date_to=week, now=at
            )
            assert second.total > 0
            ids = first.id, second.id
            first_total = first.total
        config = alembic_config()
        with scratch.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0053")
        with scratch.connect() as conn:
            totals = dict(conn.execute(text("SELECT id, total FROM payout_batches")).all())
            sums = dict(
                conn.execute(
                    text("SELECT batch_id, SUM(amount) FROM payout_batch_lines GROUP BY 1")
                ).all()
            )
        assert totals == {ids[0]: first_total, ids[1]: 0}
        assert sums == {ids[0]: first_total}
        upgrade(scratch)
    finally:
        scratch.dispose()
