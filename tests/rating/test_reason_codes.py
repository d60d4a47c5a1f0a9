"""A rule's ledger entry keeps its reason as a stable code with its figures (rating/reasons.py),
and entries written before the codes get theirs from their English when the schema moves on."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from brigada.cli import alembic_config
from core.clock import now
from core.tenancy import SYSTEM
from dispatch.shift import onsite
from rating.models import PenaltyEvent
from rating.reasons import REASONS, Reason
from tests.builders import (
    make_branch_site,
    make_offer,
    make_order,
    make_worker,
)
from tests.conftest import reset_schema, upgrade
from tests.core.test_migrations import _scratch_engine

MIGRATION = next(Path("migrations/versions").glob("*_ledger_reason_codes.py"))


def _revisions() -> tuple[str, str]:
    spec = importlib.util.spec_from_file_location("reason_codes", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.down_revision, module.revision


def test_marks_write_codes_with_figures_beside_the_english(session):
    branch, site = make_branch_site(session)
    order = make_order(
        session, site=site, now=now() - timedelta(days=1), starts_in=timedelta(days=1, hours=-1)
    )
    worker = make_worker(session, branch=branch)
    make_offer(session, order=order, worker=worker, booked_at=now() - timedelta(days=1))
    late = order.starts_at + timedelta(minutes=25)
    for status, at in (("no_show", None), ("arrived", late)):
        onsite.mark_attendance(
            session, order.id, actor=SYSTEM, worker_id=worker.id, status=status, at=at, now=now()
        )
    entries = session.scalars(
        select(PenaltyEvent).where(PenaltyEvent.worker_id == worker.id).order_by(PenaltyEvent.id)
    ).all()
    assert [(e.kind, e.reason_code, e.reason_args, e.reason) for e in entries] == [
        ("no_show", "absent", {}, "did not come"),
        ("reversal", "attendance_corrected", {}, "attendance corrected"),
        ("late", "late", {"minutes": 25}, "arrived 25 min after the start"),
    ]


def test_a_reason_code_must_be_known_and_fills_its_english():
    assert Reason("left_early", {"minutes": 40}).text == "left 40 min early"
    with pytest.raises(ValueError):
        Reason("felt_like_it")
    assert all(code.islower() for code in REASONS)


def test_the_migration_gives_earlier_entries_their_codes(engine):
    before, after = _revisions()
    scratch = _scratch_engine(engine)
    try:
        reset_schema(scratch)
        upgrade(scratch, before)
        with Session(scratch) as session:
            # Raw SQL: the ORM's Branch and Worker have columns (a branch's quality_sms, a
            # patent's expiry) this revision lacks.
            branch_id = session.execute(
                text(
                    "INSERT INTO branches (code, name, timezone, center, strike_suspend_days,"
                    " currency, late_fine_per_min, no_show_fine, show_up_pay, undo_window_s)"
                    " VALUES ('OLD1', 'Old branch', 'Europe/Moscow',"
                    " 'SRID=4326;POINT(37.62 55.75)', 7, 'RUB', 5, 300, 300, 120) RETURNING id"
                )
            ).scalar_one()
            worker_id = session.execute(
                text(
                    "INSERT INTO workers (full_name, phone, home, skills, branch_id) VALUES"
                    " ('Иванов Иван', '+79210000001', 'SRID=4326;POINT(37.62 55.75)',"
                    " ARRAY['loader'], :b) RETURNING id"
                ),
                {"b": branch_id},
            ).scalar_one()
            written = {
                "did not come": ("absent", {}),
                "arrived 25 min after the start": ("late", {"minutes": 25}),
                "arrived 90 min after the start, more than 60 min: counts as a no-show": (
                    "late_as_no_show",
                    {"minutes": 90, "limit": 60},
                ),
                "left 440 min early": ("left_early", {"minutes": 440}),
                "cancelled 1.5 h before the start (window 12 h)": (
                    "late_cancellation",
                    {"hours": 1.5, "window": 12},
                ),
                "complaint by foreman7: грубил: дважды": (
                    "complaint",
                    {"by": "foreman7", "comment": "грубил: дважды"},
                ),
                "attendance corrected": ("attendance_corrected", {}),
                "заболел, позвонил": (None, {}),  # typed by a dispatcher: no code
            }
            for reason in written:
                kind = "complaint" if reason.startswith("complaint") else "late"
                session.execute(
                    text(
                        "INSERT INTO penalty_events (worker_id, kind, currency, occurred_at, "
                        "automatic, reason) VALUES (:w, :k, 'RUB', now(), :auto, :r)"
                    ),
                    {"w": worker_id, "k": kind, "auto": reason != "заболел, позвонил", "r": reason},
                )
            session.commit()
        upgrade(scratch, after)
        with scratch.connect() as conn:
            rows = conn.execute(text("SELECT reason, reason_code, reason_args FROM penalty_events"))
            found = {reason: (code, args) for reason, code, args in rows}
        assert found == written
        config = alembic_config()
        with scratch.begin() as conn:  # and back: the English was never touched
            config.attributes["connection"] = conn
            command.downgrade(config, before)
    finally:
        scratch.dispose()
