"""The call centre's order (dispatch/intake) through the API: routed to the branch whose area
holds the site, the client found or created there, the order taken by create_order's rules,
the branch told on its board; a refusal writes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from dispatch.client_models import ClientRate
from dispatch.models import Client, Order, Site, User
from dispatch.network.areas import check_area
from geo.points import Point
from tests.api.console.helpers import sign_in
from tests.builders import auth, make_branch, make_client, make_site, make_user

INSIDE = Point(lat=55.0, lon=37.0)
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[36.5, 54.8], [37.5, 54.8], [37.5, 55.6], [36.5, 55.6], [36.5, 54.8]]],
}


def call_centre_user(session) -> User:
    user = make_user(
        session,
        role="admin",
        username=f"cc{session.scalar(select(func.count()).select_from(User))}",
    )
    user.role = "call_centre"
    session.flush()
    return user


@pytest.fixture
def world(session):
    # A's area holds INSIDE though B's centre is nearer to it.
    a = make_branch(session, center=Point(lat=55.5, lon=37.0))
    a.area = check_area(session, SQUARE)
    b = make_branch(session, center=Point(lat=54.99, lon=37.0))
    session.flush()
    return a, b, auth(call_centre_user(session))


def body(**changes):
    start = (now() + timedelta(days=2)).replace(microsecond=0)
    return {
        "client": {"name": "ООО Склад", "contact_person": "Анна", "inn": "7707083893"},
        "site": {
            "name": "Склад №1",
            "address": "ул. Складская, 1",
            "location": {"lat": INSIDE.lat, "lon": INSIDE.lon},
        },
        "skill": "loader",
        "headcount": 4,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=8)).isoformat(),
        "client_rate": "300.00",
        "worker_rate": "150.00",
        "notes": "Вход со двора",
        **changes,
    }


def counts(session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(m))
        for m in (Client, Site, Order, AuditEntry)
    )


def test_an_order_is_routed_by_area_and_the_client_is_found_by_inn_the_second_time(
    client, session, world
):
    a, b, headers = world
    first = client.post("/api/v1/call-centre/orders", json=body(), headers=headers)
    assert first.status_code == 201, first.text
    placed = first.json()
    assert placed["branch"] == {"id": a.id, "code": a.code, "name": a.name, "how": "area"}
    assert placed["client"]["status"] == "created" and placed["site"]["status"] == "created"
    order = session.get(Order, placed["order"]["id"])
    assert order.branch_id == a.id and order.notes == "Вход со двора"
    assert placed["order"]["code"] == order.code
    # Another name, the same INN: the same client (and, by its name, the same site).
    again = client.post(
        "/api/v1/call-centre/orders",
        json=body(client={"name": "Склад ООО", "inn": "7707 083893"}),
        headers=headers,
    )
    assert again.status_code == 201, again.text
    assert again.json()["client"] == {**placed["client"], "status": "found"}
    assert again.json()["site"]["id"] == placed["site"]["id"]
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "order.create").order_by(AuditEntry.id)
    ).all()
    assert [e.detail.get("via") for e in audit] == ["call_centre", "call_centre"]
    assert {e.branch_id for e in audit} == {a.id}


def test_outside_every_area_the_nearest_branch_takes_it(client, session, world):
    a, b, headers = world
    site = body()["site"] | {"location": {"lat": 54.7, "lon": 37.0}}
    answer = client.post("/api/v1/call-centre/orders", json=body(site=site), headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["branch"]["id"] == b.id and answer.json()["branch"]["how"] == "nearest"


def test_an_existing_client_of_another_branch_is_placed_in_the_routed_one(client, session, world):
    a, b, headers = world
    theirs = make_client(session, branch=b, name="Сеть магазинов")
    theirs.inn = "7707083893"
    session.add(ClientRate(client_id=theirs.id, skill="loader", client_rate=1, worker_rate=1))
    session.flush()
    answer = client.post(
        "/api/v1/call-centre/orders",
        json=body(client=None, client_id=theirs.id, client_rate=None, worker_rate=None),
        headers=headers,
    )
    # The copy in A has no agreed rate: create_order's own rule refuses, naming the field.
    assert answer.status_code == 422, answer.text
    assert "client_rate" in answer.text
    placed = client.post(
        "/api/v1/call-centre/orders",
        json=body(client=None, client_id=theirs.id),
        headers=headers,
    ).json()
    assert placed["client"]["status"] == "placed" and placed["client"]["from_branch_id"] == b.id
    copy = session.get(Client, placed["client"]["id"])
    assert (copy.branch_id, copy.name, copy.inn) == (a.id, "Сеть магазинов", "7707083893")


def test_an_existing_site_in_the_area_keeps_its_client(client, session, world):
    a, b, headers = world
    own = make_client(session, branch=a)
    site = make_site(session, client=own, at=INSIDE)
    answer = client.post(
        "/api/v1/call-centre/orders",
        json=body(client=None, client_id=own.id, site=None, site_id=site.id),
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["site"] == {
        "id": site.id,
        "name": site.name,
        "status": "found",
        "from_branch_id": None,
    }


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"client": None}, "client"),
        ({"site": None}, "site"),
        ({"client_id": 1}, "client"),  # both client_id and client
        ({"client": {"name": "X", "inn": "7707083894"}}, "inn"),
        ({"headcount": 0}, "headcount"),
        ({"skill": "astronaut"}, "skill"),
        (
            {"starts_at": "2020-01-01T08:00:00+03:00", "ends_at": "2020-01-01T16:00:00+03:00"},
            "starts_at",
        ),
        ({"site": {"name": "S", "address": "A", "location": {"lat": 95, "lon": 0}}}, "lat"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(
    client, session, world, changes, field
):
    _, _, headers = world
    before = counts(session)
    answer = client.post("/api/v1/call-centre/orders", json=body(**changes), headers=headers)
    assert answer.status_code == 422, answer.text
    assert field in answer.text
    session.expire_all()
    assert counts(session) == before


def test_only_the_call_centre_and_the_head_office_place_them(client, session, world):
    a, _, _ = world
    manager = auth(make_user(session, role="manager", branch=a))
    answer = client.post("/api/v1/call-centre/orders", json=body(), headers=manager)
    assert answer.status_code == 403


def test_the_branch_board_shows_the_call_centres_order_marked(client, session, world):
    a, _, headers = world
    start = (now() + timedelta(days=1)).replace(microsecond=0)  # tomorrow: on the board
    times = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat()}
    placed = client.post("/api/v1/call-centre/orders", json=body(**times), headers=headers).json()
    dispatcher = make_user(session, role="dispatcher", branch=a)
    sign_in(client, dispatcher)
    page = client.get("/console/")
    assert page.status_code == 200
    assert f'id="via-cc-{placed["order"]["id"]}"' in page.text
    assert 'id="call-centre-told"' in page.text and placed["order"]["code"] in page.text


def test_a_new_client_known_by_inn_elsewhere_is_placed_and_one_known_by_name_is_found(
    client, session, world
):
    a, b, headers = world
    make_client(session, branch=b, name="Чужой").inn = "7707083893"
    mine = make_client(session, branch=a, name="Свой Клиент")
    session.flush()
    placed = client.post("/api/v1/call-centre/orders", json=body(), headers=headers).json()
    assert placed["client"]["status"] == "placed" and placed["client"]["from_branch_id"] == b.id
    by_name = client.post(
        "/api/v1/call-centre/orders",
        json=body(client={"name": "свой клиент"}),
        headers=headers,
    ).json()
    assert by_name["client"]["id"] == mine.id and by_name["client"]["status"] == "found"


@pytest.mark.parametrize("by_id", [False, True])
def test_a_client_of_the_same_name_with_another_inn_is_a_409_and_nothing_is_written(
    client, session, world, by_id
):
    """Not the other company's order: the name matches, the INN does not; the operator decides."""
    a, b, headers = world
    make_client(session, branch=a, name="ООО Склад").inn = "7736050003"
    changes = {}
    if by_id:  # a client of another branch, picked by id: the same rule in the routed branch
        theirs = make_client(session, branch=b, name="ооо склад")
        theirs.inn = "7707083893"
        changes = {"client": None, "client_id": theirs.id}
    session.flush()
    before = counts(session)
    answer = client.post("/api/v1/call-centre/orders", json=body(**changes), headers=headers)
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "client_inn_differs"
    assert "7736050003" in answer.json()["detail"]
    session.expire_all()
    assert counts(session) == before


def test_the_answer_follows_the_callers_read_rules(client, session, world):
    """The call centre sees the client's rate, never the worker's (dispatch/access/prices.py);
    the head office sees both."""
    a, _, headers = world
    answer = client.post("/api/v1/call-centre/orders", json=body(), headers=headers)
    assert answer.status_code == 201, answer.text
    order = answer.json()["order"]
    assert order["client_rate"] == "300.00" and order["worker_rate"] is None
    assert "150.00" not in answer.text
    assert all(line["attendance"] is None for line in order["roster"])
    admin = auth(make_user(session, role="admin"))
    again = client.post(
        "/api/v1/call-centre/orders", json=body(client={"name": "ООО Склад"}), headers=admin
    )
    assert again.status_code == 201, again.text
    assert again.json()["order"]["worker_rate"] == "150.00"


@pytest.mark.parametrize("typed", [False, True])
def test_a_site_id_of_another_client_is_a_422_naming_site_id(client, session, world, typed):
    a, _, headers = world
    own, other = make_client(session, branch=a), make_client(session, branch=a, name="Другой")
    theirs = make_site(session, client=other, at=INSIDE)
    who = {"client": {"name": own.name}} if typed else {"client": None, "client_id": own.id}
    before = counts(session)
    answer = client.post(
        "/api/v1/call-centre/orders",
        json=body(**who, site=None, site_id=theirs.id),
        headers=headers,
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "site_not_the_clients"
    assert answer.json()["detail"][0]["loc"] == ["body", "site_id"]
    session.expire_all()
    assert counts(session) == before
