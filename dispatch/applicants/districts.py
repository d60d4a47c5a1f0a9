"""A branch's districts, kept by its managers: the names an applicant may answer "where do
you live" with (places.match_district), each with a centre that becomes the applicant's
home. Two names that read the same once folded (case, ё, dashes) are one district. Each
change is audited; they flush, the caller commits."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import audit
from core.db import flush_checked
from core.errors import FieldRequired, InvalidInput, check_length
from core.tenancy import Actor
from dispatch.applicants.errors import DistrictNotFound, DistrictTaken
from dispatch.applicants.places import fold
from dispatch.registry.service import get_branch
from geo.points import Point
from workers.applicants import Applicant, District

NAME_MAX = 100


def list_districts(
    session: Session, *, actor: Actor, branch_id: int
) -> list[tuple[District, Point]]:
    branch = get_branch(session, branch_id, actor=actor)  # another branch's: not found
    found = session.scalars(
        select(District).where(District.branch_id == branch.id).order_by(District.name)
    )
    return [(d, Point.from_db(d.centre)) for d in found]


def add_district(
    session: Session, *, actor: Actor, branch_id: int, name: str, centre: Point
) -> District:
    """The branch's row is locked: two managers adding one name are one after the other."""
    branch = get_branch(session, branch_id, actor=actor, lock=True)
    clean = check_length("name", " ".join(name.split()), NAME_MAX)
    if not clean:
        raise FieldRequired("name", "the district's name is required")
    if not fold(clean):
        raise InvalidInput("name", "a district's name has letters or digits")
    listed = session.scalars(select(District.name).where(District.branch_id == branch.id))
    if any(fold(other) == fold(clean) for other in listed):
        raise DistrictTaken(clean)
    district = District(branch_id=branch.id, name=clean, centre=centre.to_db())
    flush_checked(session, district, on_unique=DistrictTaken(clean))
    audit.log(
        session,
        actor,
        "district.add",
        "district",
        [district.id],
        branch.id,
        name=clean,
        centre=[centre.lat, centre.lon],
    )
    return district


def remove_district(session: Session, *, actor: Actor, branch_id: int, district_id: int) -> None:
    """Gone from the list; applicants who named it keep their home point."""
    branch = get_branch(session, branch_id, actor=actor, lock=True)
    district = session.scalars(
        select(District).where(District.id == district_id, District.branch_id == branch.id)
    ).one_or_none()
    if district is None:
        raise DistrictNotFound(district_id)
    session.execute(
        update(Applicant).where(Applicant.district_id == district.id).values(district_id=None)
    )
    name = district.name
    session.delete(district)
    session.flush()
    audit.log(session, actor, "district.remove", "district", [district_id], branch.id, name=name)
