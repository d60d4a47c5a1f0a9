"""The format a branch is suggested: the size band of the city nearest its centre.

dispatch/data/cities.csv (the 95 cities of Russia with 200,000+ people, where the network's
offices are; from hflabs/city, CC BY-SA 4.0, see dispatch/data/README.md). The bands are the
seed's: Moscow and Saint Petersburg are "capital"; any other city of 600,000 or more
"600k-1M" (a city of a million or more that is not a capital has no band of its own: it
takes the largest one below "capital"); the rest "200-600k"."""

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from geo.points import Point, great_circle_m

CAPITALS = ("Москва", "Санкт-Петербург")


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
    text = resources.files("dispatch").joinpath("data/cities.csv").read_text("utf-8")
    return tuple(
        City(row["city"], float(row["lat"]), float(row["lon"]), int(row["population"]))
        for row in csv.DictReader(io.StringIO(text))
    )


def band(city: City) -> str:
    if city.name in CAPITALS:
        return "capital"
    if city.population >= 600_000:
        return "600k-1M"
    return "200-600k"


def suggest_format(center: Point) -> Suggestion:
    """The band of the city nearest the point (by great-circle distance)."""
    nearest = min(cities(), key=lambda c: great_circle_m(center, Point(c.lat, c.lon)))
    return Suggestion(band(nearest), nearest.name, nearest.population)
