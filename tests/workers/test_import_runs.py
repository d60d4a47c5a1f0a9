"""The console's import runs: a preview that writes no worker, then batches of the import,
each with the run's progress and report, resumed after the last batch, and the report."""

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.csvsafe import Word
from core.errors import InvalidInput
from core.jobs import pending_jobs
from dispatch.enums import WORKER_DESK
from dispatch.registry import workforce
from dispatch.registry.staff import actor_of
from tests.builders import make_branch, make_user, make_worker
from workers import import_runs
from workers.enums import ImportStatus
from workers.import_runs import (
    ImportAlreadyStarted,
    ImportNotAllowed,
    ImportRunNotFound,
    import_batch,
    load_for_job,
)
from workers.models import ImportRun, Worker

HEADER = "full_name,phone,lat,lon,skills"


def make_import_run(session, branch, *, status: str = ImportStatus.DONE, **values) -> ImportRun:
    """A run as the console leaves it, for pages that show one (tests/api/console too)."""
    run = ImportRun(
        branch_id=branch.id,
        user_id=None,
        actor_name="тест",
        actor_role="dispatcher",
        actor_branch_id=branch.id,
        region="RU",
        filename=values.pop("filename", "работники.csv"),
        status=status,
        data=None if status == ImportStatus.DONE else csv_rows(3),
        total=values.pop("total", 3),
        processed=values.pop("processed", 3 if status == ImportStatus.DONE else 0),
        created=values.pop("created", 2),
        updated=values.pop("updated", 0),
        rejected=values.pop(
            "rejected", [{"row": 3, "field": "lat", "msg": "Строка с ошибкой", "code": "x"}]
        ),
        **values,
    )
    session.add(run)
    session.flush()
    return run


def phone(i: int) -> str:
    return f"+7921{i:07d}"


def csv_rows(n: int, bad: dict[int, str] | None = None) -> bytes:
    """n rows of good workers; `bad` replaces the row at an index (0-based) by a bad one."""
    lines = [HEADER]
    for i in range(n):
        lines.append((bad or {}).get(i, f"Работник {i},{phone(i)},55.75,37.62,loader"))
    return ("\n".join(lines) + "\n").encode()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def branch(session):
    return make_branch(session)


@pytest.fixture
def desk(session, branch):
    return actor_of(make_user(session, role="dispatcher", branch=branch))


def preview(session, desk, branch, data: bytes):
    return workforce.preview_import(
        session, actor=desk, branch_id=branch.id, data=data, filename="list.csv"
    )


def job_input(session, run_id: int):
    loaded = load_for_job(session, run_id)
    assert loaded is not None, "the job found nothing to do"
    return loaded


def run_all(session, run_id: int, size: int) -> list[int]:
    """The job's loop in the test's transaction: the progress after each batch."""
    rows, seen = job_input(session, run_id)
    progress = []
    while import_batch(session, run_id, rows, seen, size=size):
        progress.append(session.get(ImportRun, run_id).processed)
    progress.append(session.get(ImportRun, run_id).processed)
    return progress


def test_the_preview_writes_no_worker_and_reports_every_bad_row(session, desk, branch):
    workers_before, audits_before = count(session, Worker), count(session, AuditEntry)
    data = csv_rows(
        30,
        {2: "Без телефона,,55.75,37.62,loader", 25: "Плохая широта,+79215550000,abc,37.62,loader"},
    )
    shown = preview(session, desk, branch, data)
    assert count(session, Worker) == workers_before  # a dry run: nobody created
    assert [line["row"] for line in shown.report.rejected] == [4, 27]  # line numbers, header 1
    assert [line["field"] for line in shown.report.rejected] == ["phone", "lat"]
    assert shown.report.created == 28 and shown.checked == 30
    assert [number for number, _ in shown.rows] == list(range(2, 22))  # the first 20 rows
    run = shown.run
    assert run.status == ImportStatus.PREVIEWED and run.total == 30 and run.data == data
    # Only the run's own audit: no worker.create, no id drawn from the workers.
    audits = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert audits[audits_before:] == ["worker.import_preview"]
    assert load_for_job(session, run.id) is None  # not started: the job does nothing


def test_an_unreadable_file_is_refused_on_the_file(session, desk, branch):
    with pytest.raises(InvalidInput) as refused:
        preview(session, desk, branch, b"name,phone\nx,y\n")
    assert refused.value.loc[1] == "file"
    assert count(session, ImportRun) == 0


def test_only_the_roles_that_create_workers_may_import(session, branch):
    foreman = actor_of(make_user(session, role="foreman", branch=branch))
    with pytest.raises(ImportNotAllowed):
        preview(session, foreman, branch, csv_rows(1))
    assert "foreman" not in import_runs.IMPORT_ROLES
    assert set(import_runs.IMPORT_ROLES) == set(WORKER_DESK)


def test_start_sends_the_job_after_commit_once(session, desk, branch):
    run = preview(session, desk, branch, csv_rows(2)).run
    import_runs.start(session, run.id, actor=desk)
    assert run.status == ImportStatus.QUEUED
    assert ("workers.import_run", (run.id,)) in pending_jobs(session)
    with pytest.raises(ImportAlreadyStarted):
        import_runs.start(session, run.id, actor=desk)


def test_another_branchs_run_is_not_found(session, desk, branch):
    other = make_branch(session)
    stranger = actor_of(make_user(session, role="dispatcher", branch=other))
    run = preview(session, desk, branch, csv_rows(2)).run
    with pytest.raises(ImportRunNotFound):
        import_runs.get_run(session, run.id, actor=stranger)
    with pytest.raises(ImportRunNotFound):
        import_runs.start(session, run.id, actor=stranger)
    assert run.status == ImportStatus.PREVIEWED


def test_batches_commit_progress_and_report_together(session, desk, branch):
    # Row 7 (index 5) repeats row 2's phone: refused though it is in another batch.
    data = csv_rows(
        11,
        {5: f"Двойник,{phone(0)},55.75,37.62,loader", 8: "Без навыков,+79215550001,55.75,37.62,"},
    )
    run = preview(session, desk, branch, data).run
    import_runs.start(session, run.id, actor=desk)
    assert run_all(session, run.id, size=4) == [4, 8, 11]
    session.refresh(run)
    assert run.status == ImportStatus.DONE and run.finished_at is not None
    assert run.data is None  # the file is gone once imported
    assert (run.processed, run.created, run.updated) == (11, 9, 0)
    assert [(line["row"], line["field"]) for line in run.rejected] == [(7, "phone"), (10, "skills")]
    assert "repeats row 2" in run.rejected[0]["msg"]
    assert count(session, Worker) == 9
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("worker.create") == 9 and "worker.import_done" in actions


def test_each_batch_shows_its_progress_before_the_next(session, desk, branch):
    run = preview(session, desk, branch, csv_rows(5)).run
    import_runs.start(session, run.id, actor=desk)
    rows, seen = job_input(session, run.id)
    assert import_batch(session, run.id, rows, seen, size=2) is True
    session.refresh(run)
    assert (run.status, run.processed, run.total, run.created) == ("running", 2, 5, 2)
    assert count(session, Worker) == 2


def test_a_job_started_again_resumes_after_the_last_batch(session, desk, branch):
    data = csv_rows(6, {4: f"Двойник,{phone(1)},55.75,37.62,loader"})
    run = preview(session, desk, branch, data).run
    import_runs.start(session, run.id, actor=desk)
    rows, seen = job_input(session, run.id)
    import_batch(session, run.id, rows, seen, size=3)  # then the job dies
    rows, seen = job_input(session, run.id)  # delivered again
    assert seen == {phone(0): 2, phone(1): 3, phone(2): 4}
    while import_batch(session, run.id, rows, seen, size=3):
        pass
    session.refresh(run)
    assert (run.processed, run.created) == (6, 5)
    assert [line["row"] for line in run.rejected] == [6]  # the repeat, still refused
    assert load_for_job(session, run.id) is None  # done: nothing left


def test_an_existing_worker_of_the_branch_is_updated(session, desk, branch):
    make_worker(session, branch=branch, phone=phone(0), full_name="Старое Имя")
    run = preview(session, desk, branch, csv_rows(2)).run
    import_runs.start(session, run.id, actor=desk)
    run_all(session, run.id, size=10)
    assert (run.created, run.updated) == (1, 1)


def test_the_report_lists_rejected_rows_then_the_counts(session, desk, branch):
    data = csv_rows(3, {1: "=HYPERLINK(1),+7921,55.75,37.62,loader"})
    run = preview(session, desk, branch, data).run
    import_runs.start(session, run.id, actor=desk)
    run_all(session, run.id, size=10)
    table = import_runs.report_table(session, run, actor=desk, timezone="Europe/Moscow")
    assert table.columns == ["import_row", "import_field", "import_message"]
    first, *counts = table.rows
    assert first[:2] == [3, "phone"]
    assert [(str(c[1]), c[2]) for c in counts] == [
        ("import_rows", 3),
        ("import_processed", 3),
        ("import_created", 2),
        ("import_updated", 0),
        ("import_rejected", 1),
    ]
    assert all(isinstance(c[1], Word) for c in counts)
    assert session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "worker.import_report")
        .order_by(AuditEntry.id)
    ).one()


def test_a_long_file_is_checked_in_part_and_kept_whole(session, desk, branch, monkeypatch):
    monkeypatch.setattr(import_runs, "CHECK_ROWS", 10)
    shown = preview(session, desk, branch, csv_rows(25, {15: "Поздняя ошибка,,55.75,37.62,loader"}))
    assert shown.checked == 10 and shown.report.created == 10
    assert shown.report.rejected == []  # row 17 is beyond the check: the job reports it
    assert shown.run.total == 25
    import_runs.start(session, shown.run.id, actor=desk)
    run_all(session, shown.run.id, size=10)
    assert [line["row"] for line in shown.run.rejected] == [17]
    assert shown.run.created == 24


def test_a_failed_job_keeps_its_batches_and_says_so(session, desk, branch):
    run = preview(session, desk, branch, csv_rows(6)).run
    import_runs.start(session, run.id, actor=desk)
    rows, seen = job_input(session, run.id)
    import_batch(session, run.id, rows, seen, size=4)
    import_runs.fail(session, run.id, "OperationalError")
    session.refresh(run)
    assert (run.status, run.processed, run.created) == ("failed", 4, 4)
    assert run.error == "OperationalError" and run.data is None
    assert import_batch(session, run.id, rows, seen, size=4) is False  # nothing more
    assert count(session, Worker) == 4
