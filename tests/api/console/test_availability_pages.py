"""The worker's page shows the days they texted free or busy (the next 14) and their pause;
the office clears a pause (audited), a recruiter sees it but cannot."""

import html
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from tests.api.console.helpers import sign_in
from tests.builders import make_branch, make_user, make_worker
from workers import availability


@pytest.fixture
def branch(session):
    return make_branch(session)


def test_the_profile_shows_said_days_and_the_pause_and_the_office_clears_it(
    client, session, branch
):
    at = now()
    worker = make_worker(session, branch=branch, paused_until=at + timedelta(days=3))
    today = at.astimezone(ZoneInfo(branch.timezone)).date()
    availability.record(session, worker.id, (today + timedelta(days=1),), free=True, now=at)
    availability.record(session, worker.id, (today + timedelta(days=2),), free=False, now=at)
    availability.record(session, worker.id, (today + timedelta(days=20),), free=True, now=at)
    form = sign_in(client, make_user(session, role="dispatcher", branch=branch))
    page = html.unescape(client.get(f"/console/workers/{worker.id}?lang=en").text)
    days = page.split('id="said-days"')[1].split("</table>")[0]
    assert days.count("<tr data-day=") == 14
    free_row = days.split(f'data-day="{(today + timedelta(days=1)).isoformat()}"')[1]
    assert free_row.split("</tr>")[0].count(">free<") == 1
    busy_row = days.split(f'data-day="{(today + timedelta(days=2)).isoformat()}"')[1]
    assert busy_row.split("</tr>")[0].count(">busy<") == 1
    assert "Paused until" in page and "Clear the pause" in page

    cleared = client.post(
        f"/console/workers/{worker.id}/pause/clear", data=form, follow_redirects=False
    )
    assert cleared.status_code == 303 and cleared.headers["location"].endswith(
        "?pause=cleared#availability"
    )
    session.refresh(worker)
    assert worker.paused_until is None
    assert session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "worker.pause_cleared", AuditEntry.entity_ids.contains([worker.id])
        )
    ).all()
    again = client.post(
        f"/console/workers/{worker.id}/pause/clear", data=form, follow_redirects=False
    )
    assert again.headers["location"].endswith("?pause=none#availability")
    page = html.unescape(client.get(f"/console/workers/{worker.id}?lang=ru&pause=none").text)
    assert "Паузы нет." in page and "Паузы уже нет." in page


def test_a_recruiter_sees_the_pause_but_cannot_clear_it(client, session, branch):
    worker = make_worker(session, branch=branch, paused_until=now() + timedelta(days=1))
    form = sign_in(client, make_user(session, role="recruiter", branch=branch))
    page = html.unescape(client.get(f"/console/workers/{worker.id}?lang=en").text)
    assert "Paused until" in page and "Clear the pause" not in page
    refused = client.post(f"/console/workers/{worker.id}/pause/clear", data=form)
    assert refused.status_code in (403, 404)
    session.refresh(worker)
    assert worker.paused_until is not None


def test_another_branchs_worker_is_not_found(client, session, branch):
    other = make_worker(
        session, branch=make_branch(session), paused_until=now() + timedelta(days=1)
    )
    form = sign_in(client, make_user(session, role="dispatcher", branch=branch))
    assert client.post(f"/console/workers/{other.id}/pause/clear", data=form).status_code == 404
    session.refresh(other)
    assert other.paused_until is not None
