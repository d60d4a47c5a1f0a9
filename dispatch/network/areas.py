"""A branch's area (a GeoJSON Polygon in, a geography POLYGON stored) and THE routing rule:
which branch a point on the map belongs to.

The rule, defined here once: the branch whose area covers the point (ST_Covers on geography,
its edge included); where two areas overlap, the smaller area wins, then the lower id, so the
answer never depends on the order rows come back in. A point outside every area goes to the
branch whose centre is nearest (ST_Distance on geography), the lower id on a tie. No branch
is skipped otherwise."""

import json
import math
from dataclasses import dataclass
from typing import Any, Literal

from geoalchemy2 import WKBElement, WKTElement
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.network.errors import AreaInvalid, NoBranchToRoute
from dispatch.network.tables import branches
from geo.points import SRID, Point

MAX_POINTS = 1000  # a hand-drawn area; more is a mistake or an attack

How = Literal["area", "nearest"]


@dataclass(frozen=True)
class Routed:
    branch_id: int
    how: How  # "area": the point is inside the branch's area; "nearest": its centre is nearest


def _position(raw: Any, field: str) -> tuple[float, float]:
    if (
        not isinstance(raw, list | tuple)
        or len(raw) not in (2, 3)
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw)
    ):
        raise AreaInvalid(field, "each point is [longitude, latitude]")
    lon, lat = float(raw[0]), float(raw[1])
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
        raise AreaInvalid(field, "a point is outside -180..180, -90..90")
    return lon, lat


def area_wkt(geojson: Any, field: str = "area") -> str:
    """The WKT of a GeoJSON Polygon after the checks one can make without the database:
    a Polygon, every ring closed and of at least 4 points (a triangle and its first again)."""
    if not isinstance(geojson, dict) or geojson.get("type") != "Polygon":
        raise AreaInvalid(field, 'a GeoJSON {"type": "Polygon", "coordinates": [...]}')
    rings = geojson.get("coordinates")
    if not isinstance(rings, list) or not rings:
        raise AreaInvalid(field, "a polygon needs its outer ring")
    parts = []
    total = 0
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise AreaInvalid(field, "a ring needs at least 3 points and the first again")
        points = [_position(p, field) for p in ring]
        total += len(points)
        if points[0] != points[-1]:
            raise AreaInvalid(field, "a ring must be closed: its last point is its first")
        parts.append("(" + ", ".join(f"{lon!r} {lat!r}" for lon, lat in points) + ")")
    if total > MAX_POINTS:
        raise AreaInvalid(field, f"at most {MAX_POINTS} points")
    return f"POLYGON({', '.join(parts)})"


def check_area(session: Session, geojson: Any, field: str = "area") -> WKTElement:
    """A valid area for a branch's column, or AreaInvalid naming the field: PostGIS's
    ST_IsValid decides (no self-intersection, no spike, rings that do not cross)."""
    wkt = area_wkt(geojson, field)
    geometry = func.ST_GeomFromText(wkt, SRID)
    valid, reason = session.execute(
        select(func.ST_IsValid(geometry), func.ST_IsValidReason(geometry))
    ).one()
    if not valid:
        raise AreaInvalid(field, f"not a valid polygon: {reason}")
    return WKTElement(wkt, srid=SRID, extended=False)


def area_geojson(value: WKBElement | None) -> dict[str, Any] | None:
    """The stored area as a GeoJSON Polygon (lon, lat), or None."""
    if value is None:
        return None
    shape = to_shape(value)
    geo: dict[str, Any] = json.loads(json.dumps(shape.__geo_interface__))
    return {"type": "Polygon", "coordinates": geo["coordinates"]}


def route(session: Session, point: Point) -> Routed:
    """THE routing rule (see the module's docstring)."""
    here = func.ST_GeogFromText(point.ewkt())
    b = branches.c
    inside = session.scalars(
        select(b.id)
        .where(b.area.is_not(None), func.ST_Covers(b.area, here))
        .order_by(func.ST_Area(b.area), b.id)
        .limit(1)
    ).first()
    if inside is not None:
        return Routed(inside, "area")
    nearest = session.scalars(
        select(b.id).order_by(func.ST_Distance(b.center, here), b.id).limit(1)
    ).first()
    if nearest is None:
        raise NoBranchToRoute(f"{point.lat},{point.lon}")
    return Routed(nearest, "nearest")
