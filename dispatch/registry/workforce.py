"""Worker registration in a branch's context (its country decides how phones are read, its
zone what day it is for a patent's expiry)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.registry.errors import BranchNotFound
from dispatch.registry.service import get_branch
from workers import import_runs, importing, service, vetting
from workers.errors import StatusByBlock, VettedByVetting
from workers.models import Worker, WorkerVetting
from workers.service import WorkerFields


def register_worker(session: Session, *, actor: Actor, fields: WorkerFields) -> Worker:
    if fields.branch_id is None:  # what get_branch finds for no branch
        raise BranchNotFound(fields.branch_id)
    branch = get_branch(session, fields.branch_id, actor=actor)
    return service.create_worker(session, actor=actor, fields=fields, default_region=branch.country)


def change_worker(
    session: Session, worker_id: int, *, actor: Actor, fields: WorkerFields
) -> Worker:
    """An edit of the record. Vetted and status are the outcome of acts with their reasons
    (vet_worker, block and unblock_worker), each audited: an edit may set neither."""
    worker = service.find_worker(session, worker_id, actor=actor, lock=True)
    if fields.vetted is not None:
        raise VettedByVetting(worker.id)
    if fields.status is not None:
        raise StatusByBlock(worker.id)
    if fields.branch_id is not None:
        get_branch(session, fields.branch_id, actor=actor)  # may move only to a visible branch
    home = get_branch(session, worker.branch_id, actor=actor)
    return service.update_worker(
        session, worker, actor=actor, fields=fields, default_region=home.country
    )


def import_workers(
    session: Session, *, actor: Actor, branch_id: int, data: bytes, dry_run: bool = False
) -> importing.ImportReport:
    branch = get_branch(session, branch_id, actor=actor)
    return importing.import_workers(
        session,
        actor=actor,
        data=data,
        branch_id=branch.id,
        default_region=branch.country,
        dry_run=dry_run,
    )


def branch_today(session: Session, branch_id: int | None, *, actor: Actor, now: datetime) -> date:
    """Today in the branch's zone (the head office, no branch: UTC)."""
    if branch_id is None:
        return now.date()
    return now.astimezone(ZoneInfo(get_branch(session, branch_id, actor=actor).timezone)).date()


def vet_worker(
    session: Session,
    worker_id: int,
    *,
    actor: Actor,
    result: str,
    note: str,
    documents: list[vetting.Document],
    now: datetime,
) -> tuple[Worker, WorkerVetting]:
    worker = service.find_worker(session, worker_id, actor=actor, lock=True)
    today = branch_today(session, worker.branch_id, actor=actor, now=now)
    act = vetting.vet(
        session, worker, actor=actor, result=result, note=note, documents=documents, today=today
    )
    return worker, act


def unblock_worker(session: Session, worker_id: int, *, actor: Actor, reason: str) -> Worker:
    worker = service.find_worker(session, worker_id, actor=actor, lock=True)
    return vetting.unblock(session, worker, actor=actor, reason=reason)


def opt_worker_in(session: Session, worker_id: int, *, actor: Actor, note: str) -> Worker:
    worker = service.find_worker(session, worker_id, actor=actor, lock=True)
    return vetting.opt_in(session, worker, actor=actor, note=note)


def expiring_patents(session: Session, *, actor: Actor, now: datetime) -> list[Worker]:
    today = branch_today(session, actor.branch_id, actor=actor, now=now)
    return vetting.patents_expiring(session, actor=actor, today=today)


def preview_import(
    session: Session, *, actor: Actor, branch_id: int, data: bytes, filename: str
) -> import_runs.Preview:
    """A console import's check and its run, in the branch's context (its country reads phones)."""
    branch = get_branch(session, branch_id, actor=actor)
    return import_runs.preview(
        session,
        actor=actor,
        data=data,
        filename=filename,
        branch_id=branch.id,
        default_region=branch.country,
    )
