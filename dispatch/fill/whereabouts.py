"""Where another branch's worker lives, as staff who may not see the home are shown it: a
rough position on a ~1 km grid, and distances measured to that rough position, in steps of
0.5 km. Only the home branch and admins see the home and exact distances
(dispatch/access/privacy.py's sees_home).

Why from the rough position and not the exact distance rounded: a branch moves its own site
at will, so exact distances (even rounded ones, by probing the rounding's edges) locate a
home; distances to the grid point tell nothing the grid point does not.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.access.privacy import Sight, phone_tail, sees_home, show_workers
from dispatch.fill import ranking
from dispatch.models import Branch, Offer, Order, Site
from geo.points import Point, great_circle_m
from workers.models import Worker

ROUGH_DEG = 0.01  # the grid of rough positions: 1.1 km of latitude, ~0.6 km of longitude
DISTANCE_STEP_M = 500.0


def rough_point(home: Point) -> Point:
    return Point(lat=round(home.lat, 2), lon=round(home.lon, 2))


def rough_distance_m(site: Point, home: Point) -> float:
    """From the site to the home's rough position, to the nearest 0.5 km."""
    return round(great_circle_m(site, rough_point(home)) / DISTANCE_STEP_M) * DISTANCE_STEP_M


def rough_distances(
    session: Session, *, actor: Actor, site_id: int, worker_ids: list[int]
) -> dict[int, float]:
    """The distances from the site the actor is shown of those workers whose home they may
    not see, by worker id; workers left out are shown exactly."""
    ids = set(worker_ids)
    if not ids:
        return {}
    site = Point.from_db(session.scalars(select(Site.location).where(Site.id == site_id)).one())
    rows = session.execute(
        select(Worker.id, Worker.branch_id, Worker.home).where(Worker.id.in_(ids))
    ).all()
    return {
        worker_id: rough_distance_m(site, Point.from_db(home))
        for worker_id, home_branch_id, home in rows
        if not sees_home(actor, home_branch_id)
    }


def rough_score(
    branch: Branch,
    order: Order,
    rating: float,
    distance_m: float,
    *,
    ranked_last: bool,
    said_free: bool = False,
) -> float:
    """The ranking score recomputed from a rough distance: the exact score, with the rating
    beside it, would give the exact distance back."""
    return ranking.score(
        rating,
        distance_m,
        order.radius_m,
        float(branch.rating_weight),
        float(branch.distance_weight),
        ranked_last=ranked_last,
        said_free=said_free,
    )


def rough_offers(
    session: Session, *, actor: Actor, order: Order, offers: list[Offer]
) -> dict[int, tuple[float, float]]:
    """(distance_m, score) as the actor is shown them, by offer id, for the offers whose
    worker's home the actor may not see; the others are shown as recorded."""
    rough = rough_distances(
        session, actor=actor, site_id=order.site_id, worker_ids=[o.worker_id for o in offers]
    )
    if not rough:
        return {}
    branch = session.get_one(Branch, order.branch_id)
    return {
        offer.id: (
            rough[offer.worker_id],
            # A ranked-last offer (a recent no-show) scored below zero; no other score does.
            rough_score(
                branch,
                order,
                float(offer.rating),
                rough[offer.worker_id],
                ranked_last=offer.score < 0,
            ),
        )
        for offer in offers
        if offer.worker_id in rough
    }


@dataclass(frozen=True)
class PlacedWorker:
    worker_id: int
    name: str | None  # as dispatch/access/privacy.py allows; None: the actor may not see it
    home: (
        Point  # exact for the actor's own workers, rough for others (dispatch/fill/whereabouts.py)
    )
    phone_tail: str | None = None  # the last digits dispatch/access/privacy.py lets the actor see


def shown_workers(
    session: Session, *, actor: Actor, worker_ids: list[int], order_id: int
) -> dict[int, PlacedWorker]:
    """The workers an order page lists: names as dispatch/access/privacy.py allows (that read is
    audited there), exact homes only of the actor's branch (all, for admins)."""
    if not worker_ids:
        return {}
    people = show_workers(
        session, actor=actor, worker_ids=worker_ids, via="order_page", order_id=order_id
    )  # audited under the actor's branch, as every list of workers
    homes = session.execute(
        select(Worker.id, Worker.home).where(Worker.id.in_(set(worker_ids)))
    ).all()
    shown: dict[int, PlacedWorker] = {}
    for worker_id, home in homes:
        point = Point.from_db(home)
        if people[worker_id].sight is not Sight.FULL:
            point = rough_point(point)
        person = people[worker_id]
        shown[worker_id] = PlacedWorker(worker_id, person.name, point, phone_tail(person))
    return shown
