"""A point on the earth (WGS 84) and its conversions to and from PostGIS."""

import math
from dataclasses import dataclass
from typing import overload

from geoalchemy2 import WKBElement, WKTElement
from geoalchemy2.shape import to_shape

from core.errors import InvalidInput

SRID = 4326
EARTH_RADIUS_M = 6_371_008.8  # PostGIS's sphere, as the matcher's distances


class CoordinateOutOfRange(InvalidInput):
    code = "coordinate_out_of_range"


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat <= 90.0:
            raise CoordinateOutOfRange("lat", f"latitude {self.lat} is outside -90..90")
        if not -180.0 <= self.lon <= 180.0:
            raise CoordinateOutOfRange("lon", f"longitude {self.lon} is outside -180..180")

    def to_db(self) -> WKTElement:
        """For a geography(Point, 4326) column: PostGIS wants lon first."""
        return WKTElement(f"POINT({self.lon} {self.lat})", srid=SRID, extended=False)

    def ewkt(self) -> str:
        return f"SRID={SRID};POINT({self.lon} {self.lat})"

    @overload
    @classmethod
    def from_db(cls, value: WKBElement) -> "Point": ...
    @overload
    @classmethod
    def from_db(cls, value: None) -> None: ...
    @overload
    @classmethod
    def from_db(cls, value: WKBElement | None) -> "Point | None": ...
    @classmethod
    def from_db(cls, value: WKBElement | None) -> "Point | None":
        if value is None:
            return None
        shape = to_shape(value)
        return cls(lat=shape.y, lon=shape.x)


def great_circle_m(a: Point, b: Point) -> float:
    """Great-circle distance on PostGIS's sphere (haversine), for points already in memory."""
    dlat = math.radians(b.lat - a.lat)
    dlon = math.radians(b.lon - a.lon)
    h = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(a.lat)) * math.cos(math.radians(b.lat)) * math.sin(dlon / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
