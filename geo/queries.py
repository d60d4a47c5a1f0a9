"""PostGIS expressions written so the GiST index on geography columns is used."""

from typing import Any

from geoalchemy2 import Geography
from sqlalchemy import ColumnElement, ColumnExpressionArgument, cast, func

from geo.points import Point


def point_literal(point: Point) -> ColumnElement[Any]:
    # Cast the constant, never the column: a cast on the column defeats its index.
    return cast(func.ST_GeomFromEWKT(point.ewkt()), Geography(geometry_type="POINT", srid=4326))


def within_m(
    column: ColumnExpressionArgument[Any], point: Point, radius_m: float
) -> ColumnElement[bool]:
    return func.ST_DWithin(column, point_literal(point), radius_m)


def distance_m(column: ColumnExpressionArgument[Any], point: Point) -> ColumnElement[float]:
    return func.ST_Distance(column, point_literal(point))
