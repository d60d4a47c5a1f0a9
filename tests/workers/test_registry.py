"""The worker registry over HTTP: create, change, read, search; every read of a worker audited."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from geo.points import Point
from tests.builders import KAZAN, MOSCOW, auth, make_branch, make_user, make_worker
from workers.models import Worker

URL = "/api/v1/workers"


def north_of(point: Point, metres: float) -> Point:
    return Point(lat=point.lat + metres / 111_400, lon=point.lon)  # ~111.4 km a degree at 55°N


def worker_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Worker))


def audit_entries(session, action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(session.scalars(query))


@pytest.fixture
def branch(session):
    return make_branch(session)


@pytest.fixture
def dispatcher(session, branch):
    return make_user(session, role="dispatcher", branch=branch)


@pytest.fixture
def headers(dispatcher):
    return auth(dispatcher)


def new_worker(branch, **overrides) -> dict:
    body = {
        "full_name": "  Сидоров   Сидор ",
        "phone": "8 (921) 555-00-22",
        "home": {"lat": 55.70, "lon": 37.60},
        "skills": ["Loader", "mover", "loader"],
        "branch_id": branch.id,
    }
    body.update(overrides)
    return body


# --- create -----------------------------------------------------------------------------


def test_a_new_worker_is_stored_with_an_e164_phone_and_newcomer_figures(
    client, session, branch, dispatcher, headers
):
    answer = client.post(URL, json=new_worker(branch), headers=headers)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["phone"] == "+79215550022"
    assert body["full_name"] == "Сидоров Сидор"
    assert body["skills"] == ["loader", "mover"]
    assert body["home"] == {"lat": 55.70, "lon": 37.60}
    assert (body["status"], body["suspended_until"], body["strikes"]) == ("active", None, 0)
    assert (body["language"], body["vetted"], body["branch_id"]) == ("ru", False, branch.id)
    assert Decimal(body["rating"]) == Decimal("4.00")
    assert Decimal(body["reliability"]) == Decimal("0.800")
    stored = session.get_one(Worker, body["id"])
    assert (stored.phone, stored.branch_id) == ("+79215550022", branch.id)
    [created] = audit_entries(session, "worker.create")
    assert (created.actor_user_id, created.entity_ids) == (dispatcher.id, [body["id"]])


INVALID = [
    # (case, change to the body, the loc FastAPI or the domain must name)
    ("bad phone", {"phone": "12345"}, ["body", "phone"]),
    ("landline", {"phone": "+7 495 123-45-67"}, ["body", "phone"]),
    ("foreign phone", {"phone": "+1 202 555 0123"}, ["body", "phone"]),
    ("unknown skill", {"skills": ["loader", "juggler"]}, ["body", "skills", "1"]),
    ("no skills", {"skills": []}, ["body", "skills"]),
    ("lat 91", {"home": {"lat": 91, "lon": 37.6}}, ["body", "home", "lat"]),
    ("lon 181", {"home": {"lat": 55.7, "lon": 181}}, ["body", "home", "lon"]),
    ("blank name", {"full_name": "   "}, ["body", "full_name"]),
    ("missing name", {"full_name": None}, ["body", "full_name"]),
    ("missing phone", {"phone": None}, ["body", "phone"]),
    ("missing home", {"home": None}, ["body", "home"]),
    ("unknown language", {"language": "de"}, ["body", "language"]),
    ("unknown extra field", {"nickname": "Сидор"}, ["body", "nickname"]),
]


@pytest.mark.parametrize(
    "change, loc", [case[1:] for case in INVALID], ids=[case[0] for case in INVALID]
)
def test_invalid_input_is_422_naming_the_field_and_writes_nothing(
    client, session, branch, headers, change, loc
):
    body = new_worker(branch, **change)
    body = {k: v for k, v in body.items() if v is not None}  # None here means "left out"
    before = (worker_count(session), len(audit_entries(session, "worker.create")))
    answer = client.post(URL, json=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert loc in [error["loc"] for error in answer.json()["detail"]]
    assert (worker_count(session), len(audit_entries(session, "worker.create"))) == before


@pytest.mark.parametrize("owner_branch", ["same", "other"])
def test_a_phone_already_registered_is_409_and_writes_nothing(
    client, session, branch, headers, owner_branch
):
    owner = branch if owner_branch == "same" else make_branch(session, center=KAZAN)
    make_worker(session, branch=owner, phone="+79215550022")
    before = worker_count(session)
    answer = client.post(URL, json=new_worker(branch), headers=headers)
    assert answer.status_code == 409, answer.text
    assert "+79215550022" in answer.json()["detail"]
    assert worker_count(session) == before
    assert audit_entries(session, "worker.create") == []


# --- change -----------------------------------------------------------------------------


def test_patch_changes_the_fields_sent_and_keeps_the_rest(client, session, branch, headers):
    worker = make_worker(session, branch=branch, skills=["loader"], language="ru", vetted=True)
    change = {
        "full_name": "Новое Имя",
        "phone": "8 921 555-00-33",
        "home": {"lat": KAZAN.lat, "lon": KAZAN.lon},
        "skills": ["Painter", "builder"],
    }
    answer = client.patch(f"{URL}/{worker.id}", json=change, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["full_name"], body["phone"], body["skills"]) == (
        "Новое Имя",
        "+79215550033",
        ["painter", "builder"],
    )
    assert body["home"] == {"lat": KAZAN.lat, "lon": KAZAN.lon}
    assert (body["status"], body["language"], body["vetted"]) == ("active", "ru", True)
    session.expire_all()
    assert (worker.phone, worker.status, worker.branch_id) == ("+79215550033", "active", branch.id)
    [update] = audit_entries(session, "worker.update")
    assert update.entity_ids == [worker.id]
    assert {"full_name", "phone", "skills"} <= set(update.detail["fields"])


@pytest.mark.parametrize(
    "change, loc",
    [
        ({"phone": None}, ["body", "phone"]),
        ({"full_name": None}, ["body", "full_name"]),
        ({"skills": None}, ["body", "skills"]),
        ({"home": None}, ["body", "home"]),
        ({"vetted": None}, ["body", "vetted"]),
        ({"phone": "+7 495 123-45-67"}, ["body", "phone"]),
        ({"skills": ["juggler"]}, ["body", "skills", "0"]),
        ({"home": {"lat": 91, "lon": 0}}, ["body", "home", "lat"]),
        ({"status": "suspended"}, ["body", "status"]),
        ({"rating": 5}, ["body", "rating"]),
    ],
    ids=lambda value: str(value),
)
def test_a_bad_patch_is_422_naming_the_field_and_changes_nothing(
    client, session, branch, headers, change, loc
):
    worker = make_worker(session, branch=branch, full_name="Старое Имя")
    phone = worker.phone
    answer = client.patch(f"{URL}/{worker.id}", json=change, headers=headers)
    assert answer.status_code == 422, answer.text
    assert loc in [error["loc"] for error in answer.json()["detail"]]
    session.expire_all()
    assert (worker.full_name, worker.phone, worker.skills) == ("Старое Имя", phone, ["loader"])
    assert audit_entries(session, "worker.update") == []


def test_patching_to_a_taken_phone_is_409_and_changes_nothing(client, session, branch, headers):
    taken = make_worker(session, branch=branch)
    worker = make_worker(session, branch=branch, full_name="Старое Имя")
    phone = worker.phone
    change = {"phone": taken.phone, "full_name": "Новое Имя"}
    answer = client.patch(f"{URL}/{worker.id}", json=change, headers=headers)
    assert answer.status_code == 409, answer.text
    session.expire_all()
    assert (worker.phone, worker.full_name) == (phone, "Старое Имя")


def test_the_update_audit_names_only_the_fields_that_changed(client, session, branch, headers):
    worker = make_worker(session, branch=branch, near=MOSCOW)
    same_home = {"home": {"lat": MOSCOW.lat, "lon": MOSCOW.lon}, "full_name": "Новое Имя"}
    assert client.patch(f"{URL}/{worker.id}", json=same_home, headers=headers).status_code == 200
    [update] = audit_entries(session, "worker.update")
    assert update.detail["fields"] == ["full_name"]


# --- read -------------------------------------------------------------------------------

LATER = timedelta(days=3)


@pytest.mark.parametrize(
    "stored, shown",
    [
        ({}, "active"),
        ({"suspended_until": LATER}, "suspended"),
        ({"suspended_until": -LATER}, "active"),  # a suspension that has run out
        ({"opted_out": True}, "opted_out"),
        ({"status": "blocked"}, "blocked"),
        ({"opted_out": True, "suspended_until": LATER}, "opted_out"),
        ({"status": "blocked", "opted_out": True, "suspended_until": LATER}, "blocked"),
    ],
)
def test_get_shows_the_derived_status(client, session, branch, headers, stored, shown):
    if "suspended_until" in stored:
        stored = {**stored, "suspended_until": now() + stored["suspended_until"]}
    worker = make_worker(session, branch=branch, **stored)
    answer = client.get(f"{URL}/{worker.id}", headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == shown
    assert (body["suspended_until"] is None) == ("suspended_until" not in stored)
    assert body["strikes"] == 0


def test_each_get_writes_an_audit_row_naming_the_actor_and_the_worker(
    client, session, branch, dispatcher, headers
):
    worker = make_worker(session, branch=branch)
    for _ in range(2):
        assert client.get(f"{URL}/{worker.id}", headers=headers).status_code == 200
    reads = audit_entries(session, "worker.read")
    assert len(reads) == 2
    for entry in reads:
        assert (entry.actor_user_id, entry.actor) == (dispatcher.id, dispatcher.username)
        assert (entry.entity, entry.entity_ids, entry.branch_id) == (
            "worker",
            [worker.id],
            branch.id,
        )


def test_a_worker_of_another_branch_is_404_and_not_read(client, session, headers):
    stranger = make_worker(session, branch=make_branch(session, center=KAZAN))
    assert client.get(f"{URL}/{stranger.id}", headers=headers).status_code == 404
    assert audit_entries(session, "worker.read") == []


# --- search -----------------------------------------------------------------------------


@pytest.fixture
def spread(session, branch) -> dict[str, Worker]:
    """Workers at 0, 1 and 5 km north of the centre of Moscow, and one in Kazan (~720 km)."""
    return {
        "here": make_worker(session, branch=branch, near=MOSCOW, skills=["loader"]),
        "1km": make_worker(session, branch=branch, near=north_of(MOSCOW, 1000), skills=["mover"]),
        "5km": make_worker(
            session, branch=branch, near=north_of(MOSCOW, 5000), skills=["loader", "mover"]
        ),
        "kazan": make_worker(session, branch=branch, near=KAZAN, skills=["mover"]),
    }


def test_search_by_radius_gives_nearest_first_and_leaves_out_far_workers(client, spread, headers):
    query = {"lat": MOSCOW.lat, "lon": MOSCOW.lon, "radius_m": 10_000}
    answer = client.get(URL, params=query, headers=headers)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert [w["id"] for w in found] == [spread[k].id for k in ("here", "1km", "5km")]
    distances = [w["distance_m"] for w in found]
    assert distances[0] == pytest.approx(0, abs=1)
    assert distances[1] == pytest.approx(1000, rel=0.02)
    assert distances[2] == pytest.approx(5000, rel=0.02)


def test_search_without_a_radius_orders_everyone_by_distance(client, spread, headers):
    query = {"lat": KAZAN.lat, "lon": KAZAN.lon}
    found = client.get(URL, params=query, headers=headers).json()
    assert [w["id"] for w in found] == [spread[k].id for k in ("kazan", "5km", "1km", "here")]
    assert found[-1]["distance_m"] == pytest.approx(720_000, rel=0.05)


def test_search_by_skill_and_radius_together(client, spread, headers):
    query = {"skill": "Mover", "lat": MOSCOW.lat, "lon": MOSCOW.lon, "radius_m": 10_000}
    found = client.get(URL, params=query, headers=headers).json()
    assert [w["id"] for w in found] == [spread["1km"].id, spread["5km"].id]


def test_a_plain_list_has_no_distances(client, spread, headers):
    found = client.get(URL, headers=headers).json()
    assert {w["id"] for w in found} == {w.id for w in spread.values()}
    assert all(w["distance_m"] is None for w in found)


@pytest.mark.parametrize(
    "query, loc",
    [
        ({"lat": 55.7}, ["query", "lon"]),
        ({"lon": 37.6}, ["query", "lat"]),
        ({"lat": 91, "lon": 37.6}, ["query", "lat"]),
        ({"lat": 55.7, "lon": 37.6, "radius_m": 0}, ["query", "radius_m"]),
    ],
)
def test_a_bad_search_is_422_naming_the_parameter(client, headers, query, loc):
    answer = client.get(URL, params=query, headers=headers)
    assert answer.status_code == 422, answer.text
    assert loc in [error["loc"] for error in answer.json()["detail"]]


def test_an_unknown_skill_in_the_search_names_the_query_parameter(client, session, headers):
    answer = client.get(URL, params={"skill": "juggler"}, headers=headers)
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["detail"]
    assert error["loc"] == ["query", "skill"]
    assert "'juggler'" in error["msg"]
    assert audit_entries(session, "worker.list") == []


def test_each_list_call_writes_an_audit_row_naming_the_workers_shown(
    client, session, spread, dispatcher, headers
):
    query = {"lat": MOSCOW.lat, "lon": MOSCOW.lon, "radius_m": 10_000}
    found = client.get(URL, params=query, headers=headers).json()
    client.get(URL, params={"skill": "mover"}, headers=headers)
    first, second = audit_entries(session, "worker.list")
    assert (first.actor_user_id, first.actor) == (dispatcher.id, dispatcher.username)
    assert first.entity_ids == [w["id"] for w in found]
    assert first.detail["near"] == [MOSCOW.lat, MOSCOW.lon]
    assert sorted(second.entity_ids) == sorted(spread[k].id for k in ("1km", "5km", "kazan"))
    assert second.detail["skill"] == "mover"
