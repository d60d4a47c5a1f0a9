"""THE routing rule (dispatch/network/areas.py): the area that covers the point, the smaller
of two overlapping ones, then the nearest centre; and the format suggested from the CSV."""

import pytest

from dispatch.network.areas import area_wkt, check_area, route
from dispatch.network.errors import AreaInvalid
from dispatch.network.formats import cities, suggest_format
from geo.points import Point
from tests.builders import make_branch


def square(lat: float, lon: float, half: float) -> dict:
    """A GeoJSON square of ±half degrees around (lat, lon)."""
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def with_area(session, center: Point, area: dict | None):
    branch = make_branch(session, center=center)
    if area is not None:
        branch.area = check_area(session, area)  # type: ignore[assignment]
        session.flush()
    return branch


def test_a_point_inside_an_area_goes_to_its_branch_even_when_another_centre_is_nearer(session):
    # A's centre is 30 km away, B's 1 km; the point is inside A's (large) area only.
    point = Point(lat=55.0, lon=37.0)
    a = with_area(session, Point(lat=55.27, lon=37.0), square(55.2, 37.0, 0.3))
    b = with_area(session, Point(lat=55.009, lon=37.0), None)
    routed = route(session, point)
    assert (routed.branch_id, routed.how) == (a.id, "area")
    assert b.id != a.id


def test_a_point_outside_every_area_goes_to_the_nearest_centre(session):
    with_area(session, Point(lat=56.0, lon=38.0), square(56.0, 38.0, 0.1))
    near = with_area(session, Point(lat=55.1, lon=37.0), None)
    with_area(session, Point(lat=55.5, lon=37.0), None)
    routed = route(session, Point(lat=55.0, lon=37.0))
    assert (routed.branch_id, routed.how) == (near.id, "nearest")


def test_overlapping_areas_the_smaller_wins_then_the_lower_id(session):
    point = Point(lat=50.0, lon=40.0)
    big = with_area(session, Point(lat=50.0, lon=40.0), square(50.0, 40.0, 0.5))
    small = with_area(session, Point(lat=50.3, lon=40.3), square(50.0, 40.0, 0.2))
    assert route(session, point).branch_id == small.id
    # Equal areas: the lower id, whatever order the rows come in.
    twin = with_area(session, Point(lat=50.1, lon=40.1), square(50.0, 40.0, 0.2))
    assert route(session, point).branch_id == min(small.id, twin.id)
    assert big.id < small.id < twin.id


def test_the_edge_of_an_area_belongs_to_it(session):
    branch = with_area(session, Point(lat=45.0, lon=45.5), square(45.0, 45.0, 0.1))
    with_area(session, Point(lat=45.0, lon=45.101), None)
    routed = route(session, Point(lat=45.0, lon=45.1))
    assert (routed.branch_id, routed.how) == (branch.id, "area")


@pytest.mark.parametrize(
    "area, why",
    [
        ({"type": "Point", "coordinates": [1, 2]}, "Polygon"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "closed"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "at least 3"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]}, "outside"),
    ],
)
def test_a_malformed_area_is_refused_naming_it(area, why):
    with pytest.raises(AreaInvalid, match=why) as refused:
        area_wkt(area)
    assert refused.value.loc == ("body", "area")


def test_a_self_intersecting_area_is_refused_by_postgis(session):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(AreaInvalid, match="Self-intersection"):
        check_area(session, bowtie)


def _city(name: str):
    return next(c for c in cities() if c.name == name)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Москва", "capital"),
        ("Санкт-Петербург", "capital"),
        ("Воронеж", "600k-1M"),  # 889,680 in the CSV
        ("Казань", "600k-1M"),  # 1,216,965: a million-plus city that is not a capital
        ("Тверь", "200-600k"),  # 403,726
    ],
)
def test_the_format_is_suggested_from_the_nearest_citys_population(name, expected):
    city = _city(name)
    suggestion = suggest_format(Point(lat=city.lat + 0.01, lon=city.lon + 0.01))
    assert (suggestion.city, suggestion.format) == (name, expected)


def test_the_csv_holds_what_the_tests_above_say():
    assert _city("Казань").population == 1216965
    assert _city("Воронеж").population == 889680
    assert len(cities()) == 95  # the cities of 200,000+ people
