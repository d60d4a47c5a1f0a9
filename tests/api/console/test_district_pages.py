"""Issue 19: a branch's managers keep its districts on the console (the names applicants
answer "where do you live" with); each change audited, a name that reads the same refused."""

from sqlalchemy import select

from core.audit import AuditEntry
from tests.api.console.helpers import sign_in
from tests.builders import make_applicant, make_branch, make_district, make_user
from workers.applicants import Applicant, District


def _names(session, branch):
    session.expire_all()
    return session.scalars(
        select(District.name).where(District.branch_id == branch.id).order_by(District.name)
    ).all()


def test_a_manager_adds_and_removes_districts(client, session):
    branch = make_branch(session)
    form = sign_in(client, make_user(session, role="manager", branch=branch))
    page = client.get("/console/districts")
    assert page.status_code == 200 and 'href="/console/districts"' in page.text
    added = client.post(
        f"/console/branches/{branch.id}/districts",
        data={**form, "name": "  Ново-Савиновский ", "lat": "55,83", "lon": "49.11"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert _names(session, branch) == ["Ново-Савиновский"]
    twice = client.post(
        f"/console/branches/{branch.id}/districts",
        data={**form, "name": "НОВОСАВИНОВСКИЙ", "lat": "55.8", "lon": "49.1"},
    )
    assert twice.status_code == 409 and 'aria-invalid="true"' in twice.text
    bad = client.post(
        f"/console/branches/{branch.id}/districts",
        data={**form, "name": "Вахитовский", "lat": "север", "lon": "49.1"},
    )
    assert bad.status_code == 422
    assert _names(session, branch) == ["Ново-Савиновский"]
    district = session.scalars(select(District).where(District.branch_id == branch.id)).one()
    applicant = make_applicant(session, branch=branch, district_id=district.id)
    removed = client.post(
        f"/console/branches/{branch.id}/districts/{district.id}/remove",
        data=form,
        follow_redirects=False,
    )
    assert removed.status_code == 303 and _names(session, branch) == []
    assert session.get(Applicant, applicant.id).district_id is None  # the home point stays
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity == "district").order_by(AuditEntry.id)
    ).all()
    assert actions == ["district.add", "district.remove"]


def test_another_branchs_districts_are_out_of_reach(client, session):
    mine, theirs = make_branch(session), make_branch(session)
    district = make_district(session, branch=theirs, name="Чужой")
    form = sign_in(client, make_user(session, role="manager", branch=mine))
    assert client.get(f"/console/branches/{theirs.id}/districts").status_code == 404
    client.post(f"/console/branches/{theirs.id}/districts/{district.id}/remove", data=form)
    assert _names(session, theirs) == ["Чужой"]


def test_a_dispatcher_does_not_keep_districts(client, session):
    branch = make_branch(session)
    sign_in(client, make_user(session, role="dispatcher", branch=branch))
    assert client.get(f"/console/branches/{branch.id}/districts").status_code == 403
