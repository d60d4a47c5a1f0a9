"""Workers: the common base, seen by staff of the worker's home branch; every read audited."""

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile
from sqlalchemy.orm import Session

from api.deps import DB, WORKER_DESK, WORKER_DESK_READERS, require, worker_reader
from api.schemas.common import IdPath
from api.schemas.registry import ImportReportOut, Rejected, WorkerIn, WorkerOut, WorkerPatch
from core.clock import now
from core.errors import InvalidInput
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch.registry import workforce
from geo.points import Point
from workers import service
from workers.service import WorkerFields

router = APIRouter(prefix="/api/v1/workers", tags=["workers"])

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_PAGE = 200  # workers per list: the base is read a page at a time, each page audited
# The whole upload: the file plus the multipart headers and the other fields.
MAX_IMPORT_BODY_BYTES = MAX_IMPORT_BYTES + 64 * 1024


def _fields(body: WorkerIn | WorkerPatch) -> WorkerFields:
    values = body.model_dump(exclude_unset=True, exclude={"home"})
    if body.home is not None:
        values["home"] = body.home.to_point()
    return WorkerFields(**values)


@router.post("", status_code=201, response_model=WorkerOut)
def create_worker(
    body: WorkerIn,
    actor: Actor = Depends(require(*WORKER_DESK)),
    session: Session = DB,
) -> WorkerOut:
    worker = workforce.register_worker(session, actor=actor, fields=_fields(body))
    return WorkerOut.of(worker, now())


@router.get("", response_model=list[WorkerOut])
def list_workers(
    skill: str | None = None,
    lat: float | None = Query(default=None, ge=-90, le=90),
    lon: float | None = Query(default=None, ge=-180, le=180),
    radius_m: float | None = Query(default=None, gt=0, le=300_000),
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
    offset: int = Query(default=0, ge=0, le=MAX_ID),
    actor: Actor = Depends(worker_reader(*WORKER_DESK_READERS)),
    session: Session = DB,
) -> list[WorkerOut]:
    if (lat is None) != (lon is None):
        raise InvalidInput("lat" if lat is None else "lon", "lat and lon go together", "query")
    if radius_m is not None and lat is None:
        raise InvalidInput("radius_m", "radius_m needs lat and lon", location="query")
    near = Point(lat=lat, lon=lon) if lat is not None and lon is not None else None
    rows = service.list_workers(
        session, actor=actor, skill=skill, near=near, radius_m=radius_m, limit=limit, offset=offset
    )
    at = now()
    return [WorkerOut.of(worker, at, distance) for worker, distance in rows]


@router.get("/{worker_id}", response_model=WorkerOut)
def get_worker(
    worker_id: IdPath,
    actor: Actor = Depends(worker_reader(*WORKER_DESK_READERS)),
    session: Session = DB,
) -> WorkerOut:
    return WorkerOut.of(service.read_worker(session, worker_id, actor=actor), now())


@router.patch("/{worker_id}", response_model=WorkerOut)
def update_worker(
    worker_id: IdPath,
    body: WorkerPatch,
    actor: Actor = Depends(worker_reader(*WORKER_DESK)),  # answers the whole record: {} is a read
    session: Session = DB,
) -> WorkerOut:
    worker = workforce.change_worker(session, worker_id, actor=actor, fields=_fields(body))
    return WorkerOut.of(worker, now())


@router.post("/import", response_model=ImportReportOut, max_body_size=MAX_IMPORT_BODY_BYTES)
def import_workers(
    file: UploadFile = File(
        description="CSV: full_name, phone, lat, lon, skills[, language, vetted]"
    ),
    branch_id: int = Form(ge=1, le=MAX_ID),
    dry_run: bool = Form(default=False),
    actor: Actor = Depends(require(*WORKER_DESK)),
    session: Session = DB,
) -> ImportReportOut:
    data = file.file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise HTTPException(413, detail=f"file is larger than {MAX_IMPORT_BYTES} bytes")
    report = workforce.import_workers(
        session, actor=actor, branch_id=branch_id, data=data, dry_run=dry_run
    )
    return ImportReportOut(
        created=report.created,
        updated=report.updated,
        rejected=[Rejected(**line) for line in report.rejected],
        dry_run=report.dry_run,
    )
