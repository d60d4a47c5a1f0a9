"""Use-cases of the worker registry; they flush, the caller commits."""

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, null, select
from sqlalchemy.orm import Session

from core import audit
from core.db import flush_checked
from core.errors import FieldRequired, InvalidInput
from core.tenancy import Actor
from geo.points import Point
from geo.queries import distance_m, within_m
from workers.enums import STORED_STATUSES
from workers.errors import BranchUnknown, PhoneTaken, WorkerNotFound
from workers.models import LANGUAGES, Worker
from workers.phones import to_e164
from workers.skills import normalise_skill, normalise_skills


@dataclass
class WorkerFields:
    """What staff may set on a worker; None means 'leave as it is' on update."""

    full_name: str | None = None
    phone: str | None = None
    home: Point | None = None
    skills: list[str] | None = None
    branch_id: int | None = None
    language: str | None = None
    vetted: bool | None = None
    status: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _clean(fields: WorkerFields, default_region: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if fields.full_name is not None:
        name = " ".join(fields.full_name.split())
        if not name:
            raise FieldRequired("full_name", "full name is required")
        if "\x00" in name:  # PostgreSQL text cannot hold it (a CSV cell can)
            raise InvalidInput("full_name", "must not contain NUL characters")
        if len(name) > 200:
            raise InvalidInput("full_name", "full name is longer than 200 characters")
        values["full_name"] = name
    if fields.phone is not None:
        values["phone"] = to_e164(fields.phone, default_region)
    if fields.home is not None:
        values["home"] = fields.home.to_db()
    if fields.skills is not None:
        values["skills"] = normalise_skills(fields.skills)
    if fields.language is not None:
        if fields.language not in LANGUAGES:
            raise InvalidInput("language", f"language must be one of {', '.join(LANGUAGES)}")
        values["language"] = fields.language
    if fields.status is not None:
        if fields.status not in STORED_STATUSES:
            raise InvalidInput("status", f"status must be one of {', '.join(STORED_STATUSES)}")
        values["status"] = fields.status
    if fields.vetted is not None:
        values["vetted"] = fields.vetted
    if fields.branch_id is not None:
        values["branch_id"] = fields.branch_id
    return values


def _flush(session: Session, worker: Worker) -> None:
    flush_checked(
        session,
        worker,
        on_unique=PhoneTaken(worker.phone),
        on_foreign_key=BranchUnknown(worker.branch_id),
    )


def check_new_worker(fields: WorkerFields, default_region: str) -> dict[str, Any]:
    """A new worker's fields checked and cleaned, writing nothing (a dry-run import's check)."""
    for required in ("full_name", "phone", "home", "skills", "branch_id"):
        if getattr(fields, required) is None:
            raise FieldRequired(required, "field required")
    return _clean(fields, default_region)


def check_changes(fields: WorkerFields, default_region: str) -> dict[str, Any]:
    """Changes to a worker checked and cleaned, writing nothing."""
    return _clean(fields, default_region)


def create_worker(
    session: Session, *, actor: Actor, fields: WorkerFields, default_region: str
) -> Worker:
    worker = Worker(**check_new_worker(fields, default_region))
    _flush(session, worker)
    audit.log(session, actor, "worker.create", "worker", [worker.id], worker.branch_id)
    return worker


def update_worker(
    session: Session, worker: Worker, *, actor: Actor, fields: WorkerFields, default_region: str
) -> Worker:
    values = check_changes(fields, default_region)
    changed = sorted(k for k, v in values.items() if k != "home" and getattr(worker, k) != v)
    if fields.home is not None and Point.from_db(worker.home) != fields.home:
        changed = sorted([*changed, "home"])  # stored WKB and new WKT never compare equal
    if "phone" in changed:
        worker.phone_invalid = False  # the provider refused the old number, not this one
    for key, value in values.items():
        setattr(worker, key, value)
    _flush(session, worker)
    audit.log(
        session, actor, "worker.update", "worker", [worker.id], worker.branch_id, fields=changed
    )
    return worker


def _visible(actor: Actor) -> Select[Worker]:
    query = select(Worker)
    query = query.where(actor.branch_filter(Worker.branch_id))
    return query


def find_worker(session: Session, worker_id: int, *, actor: Actor, lock: bool = False) -> Worker:
    """A worker of the actor's branch (any, for admins); 404 otherwise, never a hint it exists."""
    query = _visible(actor).where(Worker.id == worker_id)
    if lock:
        query = query.with_for_update(key_share=True)  # as core.db.locked
    worker = session.scalars(query).one_or_none()
    if worker is None:
        raise WorkerNotFound(worker_id)
    return worker


def read_worker(session: Session, worker_id: int, *, actor: Actor) -> Worker:
    """Personal details shown to staff: every read is audited (the base must not leak)."""
    worker = find_worker(session, worker_id, actor=actor)
    audit.log(session, actor, "worker.read", "worker", [worker.id], worker.branch_id)
    return worker


def list_workers(
    session: Session,
    *,
    actor: Actor,
    skill: str | None = None,
    near: Point | None = None,
    radius_m: float | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[tuple[Worker, float | None]]:
    """Workers visible to the actor, nearest first when a point is given; the read is audited."""
    query = _visible(actor)
    if skill is not None:
        query = query.where(Worker.skills.contains([normalise_skill(skill, location="query")]))
    ranked: Select[Worker, float | None]
    if near is not None:
        dist = distance_m(Worker.home, near).label("distance_m")
        ranked = query.add_columns(dist).order_by(dist, Worker.id)
        if radius_m is not None:
            ranked = ranked.where(within_m(Worker.home, near, radius_m))
    else:
        ranked = query.add_columns(null()).order_by(Worker.id)
    rows = [(w, d) for w, d in session.execute(ranked.limit(limit).offset(offset)).all()]
    audit.log_read(
        session,
        actor,
        "worker.list",
        "worker",
        [(w.id, w.branch_id) for w, _ in rows],
        skill=skill,
        near=None if near is None else [near.lat, near.lon],
    )
    return rows


PHONE_DIGITS = 10  # a Russian number without its country code or trunk prefix (7 / 8)


def search_workers(
    session: Session,
    *,
    actor: Actor,
    text: str | None = None,
    skill: str | None = None,
    limit: int = 50,
) -> list[Worker]:
    """Workers visible to the actor by name words or phone digits, by name; audited like a list."""
    query = _visible(actor)
    text = " ".join((text or "").split())[:100]
    if skill:
        query = query.where(Worker.skills.contains([normalise_skill(skill, location="query")]))
    digits = re.sub(r"\D", "", text)
    if digits and not re.search(r"[^\d\s+()\-.]", text):
        # 8 921 ..., +7 921 ... and 921 ... all find +7921...: match the last ten digits.
        query = query.where(Worker.phone.contains(digits[-PHONE_DIGITS:], autoescape=True))
    else:
        for word in text.split():
            query = query.where(Worker.full_name.icontains(word, autoescape=True))
    workers = list(session.scalars(query.order_by(Worker.full_name, Worker.id).limit(limit)))
    audit.log_read(
        session,
        actor,
        "worker.search",
        "worker",
        [(w.id, w.branch_id) for w in workers],
        text=text or None,
        skill=skill or None,
    )
    return workers
