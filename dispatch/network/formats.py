"""The format a branch is suggested: the size band of the city nearest its centre.

dispatch/data/russian_cities.csv (1,117 cities of Russia: name, lat, lon, population; from
hflabs/city, CC BY-SA 4.0, see dispatch/data/README.md). The bands are the seed's: Moscow and
Saint Petersburg are "capital"; any other city of 600,000 or more "600k-1M" (a city of a million
or more that is not a capital has no band of its own: it takes the largest one below
"capital"); the rest "200-600k", a town under 200,000 included (the smallest band)."""

import csv
import io
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from geo.points import Point

CAPITALS = ("Москва", "Санкт-Петербург")
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class City:
    name: str
    lat: float
    lon: float
    population: int


@dataclass(frozen=True)
class Suggestion:
    format: str
    city: str
    population: int


@cache
def cities() -> tuple[City, ...]:
    text = resources.files("dispatch").joinpath("data/russian_cities.csv").read_text("utf-8")
    return tuple(
        City(row["name"], float(row["lat"]), float(row["lon"]), int(row["population"]))
        for row in csv.DictReader(io.StringIO(text))
    )


def _distance_m(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def band(city: City) -> str:
    if city.name in CAPITALS:
        return "capital"
    if city.population >= 600_000:
        return "600k-1M"
    return "200-600k"


def suggest_format(center: Point) -> Suggestion:
    """The band of the city nearest the point (by great-circle distance)."""
    nearest = min(cities(), key=lambda c: _distance_m(center.lat, center.lon, c.lat, c.lon))
    return Suggestion(band(nearest), nearest.name, nearest.population)
