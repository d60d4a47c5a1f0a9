"""Registering, editing and vetting a worker in the console: the API's rules behind forms,
errors beside the field they name with the values kept, a refusal writing nothing, another
branch's worker a 404, and the patents about to expire on the workers page."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from dispatch.models import Offer
from geo.points import Point
from tests.api.console.helpers import sign_in
from tests.builders import (
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)
from workers.models import Worker, WorkerVetting

TODAY = now().date()


@pytest.fixture
def branch(session):
    return make_branch(session)


@pytest.fixture
def form(client, session, branch):
    """A dispatcher of the branch signed in; the csrf field to post."""
    return sign_in(client, make_user(session, role="dispatcher", branch=branch))


def _new(branch, **changes) -> dict:
    return {
        "full_name": "  Петров   Пётр ",
        "phone": "8 (921) 555-12-34",
        "lat": "55,7601",
        "lon": "37.6101",
        "skills": ["loader", "mover"],
        "language": "ru",
        "branch_id": str(branch.id),
        **changes,
    }


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_dispatcher_registers_a_worker_as_the_api_would(client, session, branch, form):
    page = client.get("/console/workers/new")
    assert page.status_code == 200
    assert "data-pin-map" in page.text and "/static/vendor/leaflet/leaflet.js" in page.text
    assert '<label for="f-lat">' in page.text and '<label for="f-lon">' in page.text
    answer = client.post(
        "/console/workers/new", data={**form, **_new(branch)}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    worker = session.scalars(select(Worker)).one()
    assert answer.headers["location"] == f"/console/workers/{worker.id}"
    assert (worker.full_name, worker.phone, worker.skills) == (
        "Петров Пётр",
        "+79215551234",
        ["loader", "mover"],
    )
    home = Point.from_db(worker.home)
    assert (round(home.lat, 4), round(home.lon, 4)) == (55.7601, 37.6101)
    assert session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all() == [
        "worker.create"
    ]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"phone": "12"}, "phone"),
        ({"lat": "north"}, "lat"),
        ({"lon": "200"}, "lon"),
        ({"skills": []}, "skills"),
        ({"full_name": " "}, "full_name"),
        ({"language": "xx"}, "language"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_writes_nothing(
    client, session, branch, form, changes, field
):
    sent = _new(branch, **changes)
    answer = client.post("/console/workers/new", data={**form, **sent})
    assert answer.status_code == 422
    assert f'id="f-{field}" name="{field}" aria-describedby="err-{field}" aria-invalid="true"' in (
        answer.text
    ) or (
        field == "skills"
        and 'id="f-skills" aria-describedby="err-skills" aria-invalid="true"' in answer.text
    )
    assert f'<a href="#f-{field}">' in answer.text  # the summary links to the field
    assert 'value="Петров   Пётр"' in answer.text or field == "full_name"  # values kept
    assert _count(session, Worker) == 0


def test_a_phone_already_registered_is_named_on_the_phone(client, session, branch, form):
    make_worker(session, branch=branch, phone="+79215551234")
    answer = client.post("/console/workers/new", data={**form, **_new(branch)})
    assert answer.status_code == 422
    assert (
        'id="f-phone" name="phone" aria-describedby="err-phone" aria-invalid="true"' in answer.text
    )


def test_editing_a_worker_changes_them_and_another_branch_gets_404(client, session, branch, form):
    worker = make_worker(session, branch=branch)
    page = client.get(f"/console/workers/{worker.id}/edit")
    assert page.status_code == 200 and worker.full_name in page.text
    changed = _new(branch, full_name="Сидоров Сидор", phone=worker.phone, skills=["cashier"])
    answer = client.post(
        f"/console/workers/{worker.id}/edit", data={**form, **changed}, follow_redirects=False
    )
    assert answer.status_code == 303
    session.refresh(worker)
    assert (worker.full_name, worker.skills) == ("Сидоров Сидор", ["cashier"])
    stranger = make_worker(session, branch=make_branch(session))
    for url in (
        f"/console/workers/{stranger.id}/edit",
        f"/console/workers/{stranger.id}/vetting",
        f"/console/workers/{stranger.id}/standing",
    ):
        assert client.get(url).status_code == 404, url
    for act, body in (
        ("vetting", {"result": "approved", "passport_number": "1"}),
        ("block", {"reason": "x"}),
        ("edit", _new(branch)),
    ):
        answer = client.post(f"/console/workers/{stranger.id}/{act}", data={**form, **body})
        assert answer.status_code == 404, act
    assert stranger.status == "active" and _count(session, WorkerVetting) == 0


def test_a_vetting_is_recorded_from_the_form(client, session, branch, form):
    worker = make_worker(session, branch=branch, vetted=False)
    expires = (TODAY + timedelta(days=10)).isoformat()
    answer = client.post(
        f"/console/workers/{worker.id}/vetting",
        data={
            **form,
            "result": "approved",
            "passport_number": "4510 123456",
            "patent_number": "77 123",
            "patent_expires_on": expires,
        },
    )
    assert answer.status_code == 200 and "?done=vetted" in str(answer.url)
    session.refresh(worker)
    assert worker.vetted and worker.patent_expires_on == TODAY + timedelta(days=10)
    assert "4510 123456" in answer.text  # the history shows the papers
    assert 'class="badge warn" role="status"' in answer.text  # expiring within 14 days
    panel = client.get(f"/console/workers/{worker.id}/standing")
    assert "badge warn" in panel.text
    listed = client.get("/console/workers/patents")
    assert f'href="/console/workers/{worker.id}"' in listed.text


@pytest.mark.parametrize(
    "sent, field",
    [
        (
            {
                "result": "approved",
                "patent_number": "1",
                "patent_expires_on": "2020-01-01",
                "passport_number": "2",
            },
            "patent_expires_on",
        ),
        ({"result": "approved", "patent_number": "1", "passport_number": "2"}, "patent_expires_on"),
        (
            {"result": "approved", "patent_number": "1", "patent_expires_on": "2099-01-01"},
            "passport_number",
        ),
        (
            {"result": "approved", "passport_number": "2", "patent_expires_on": "31.02.2027"},
            "patent_expires_on",
        ),
        ({"result": "rejected"}, "note"),
        ({"passport_number": "2"}, "result"),
    ],
)
def test_a_refused_vetting_names_the_field_keeps_the_values_and_writes_nothing(
    client, session, branch, form, sent, field
):
    worker = make_worker(session, branch=branch, vetted=False)
    answer = client.post(f"/console/workers/{worker.id}/vetting", data={**form, **sent})
    assert answer.status_code == 422
    assert f'aria-describedby="err-{field}" aria-invalid="true"' in answer.text
    for value in sent.values():
        if value not in ("approved", "rejected"):
            assert f'value="{value}"' in answer.text
    assert _count(session, WorkerVetting) == 0


def test_block_unblock_and_opt_in_from_the_page(client, session, branch, form):
    worker = make_worker(session, branch=branch, opted_out=True)
    url = f"/console/workers/{worker.id}"
    empty = client.post(f"{url}/block", data={**form, "reason": " "})
    assert empty.status_code == 422
    assert 'id="f-block_reason" name="reason"' in empty.text and "aria-invalid" in empty.text
    blocked = client.post(f"{url}/block", data={**form, "reason": "drunk on site"})
    assert "?done=blocked" in str(blocked.url) and "drunk on site" in blocked.text
    again = client.post(f"{url}/block", data={**form, "reason": "again"})
    assert again.status_code == 409
    client.post(f"{url}/unblock", data={**form, "reason": "sober now"})
    opted = client.post(f"{url}/opt-in", data={**form, "note": "came to the office"})
    assert "?done=opted_in" in str(opted.url)
    session.refresh(worker)
    assert worker.status == "active" and not worker.opted_out
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.in_(["worker.block", "worker.unblock", "worker.opt_in"]))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["worker.block", "worker.unblock", "worker.opt_in"]


def test_the_profile_and_the_workers_page_carry_the_new_parts(client, session, branch, form):
    worker = make_worker(session, branch=branch)
    profile = client.get(f"/console/workers/{worker.id}")
    assert f'hx-get="/console/workers/{worker.id}/standing"' in profile.text
    search = client.get("/console/workers")
    assert 'href="/console/workers/new"' in search.text
    assert 'hx-get="/console/workers/patents"' in search.text


def test_a_foreman_may_not_open_the_pages(client, session, branch):
    worker = make_worker(session, branch=branch)
    sign_in(client, make_user(session, role="foreman", branch=branch))
    assert client.get("/console/workers/new").status_code == 403
    assert client.get(f"/console/workers/{worker.id}/vetting").status_code == 403


def test_a_recruiter_registers_and_edits_a_worker_as_the_api_allows(client, session, branch):
    form = sign_in(client, make_user(session, role="recruiter", branch=branch))
    assert client.get("/console/workers/new").status_code == 200
    answer = client.post(
        "/console/workers/new", data={**form, **_new(branch)}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    worker = session.scalars(select(Worker)).one()
    assert client.get(f"/console/workers/{worker.id}/edit").status_code == 200
    changed = _new(branch, full_name="Сидоров Сидор", phone=worker.phone)
    answer = client.post(
        f"/console/workers/{worker.id}/edit", data={**form, **changed}, follow_redirects=False
    )
    assert answer.status_code == 303
    session.refresh(worker)
    assert worker.full_name == "Сидоров Сидор"


def test_a_block_from_the_page_names_the_orders_under_way(client, session, branch, form):
    """Released from the order ahead (counted), the booking under way left and named."""
    worker = make_worker(session, branch=branch)
    site = make_site(session, client=make_client(session, branch=branch))
    at = now()
    ahead = make_order(session, site=site, headcount=1, now=at)
    make_offer(session, order=ahead, worker=worker, status="booked", booked_at=at)
    running = make_order(
        session, site=site, headcount=1, now=at - timedelta(hours=2), starts_in=timedelta(hours=1)
    )
    make_offer(session, order=running, worker=worker, status="booked", booked_at=at)
    blocked = client.post(f"/console/workers/{worker.id}/block", data={**form, "reason": "drunk"})
    assert blocked.status_code == 200
    assert "done=blocked" in str(blocked.url) and "released=1" in str(blocked.url)
    assert running.code in blocked.text
    statuses = session.execute(
        select(Offer.order_id, Offer.status).where(Offer.worker_id == worker.id)
    ).all()
    assert dict(statuses) == {ahead.id: "cancelled", running.id: "booked"}
