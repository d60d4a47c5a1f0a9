"""A site's contact in the API (E.164, refused by name, cleared), and the quality reviews'
list and case closing (issue 18, item 3)."""

from datetime import timedelta

from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from dispatch.client_models import QualityReview
from dispatch.models import Site
from tests.builders import auth, make_branch, make_client, make_order, make_site, make_user


def test_a_sites_contact_is_stored_in_e164_refused_by_name_and_cleared(client, session):
    branch = make_branch(session)
    owner = make_client(session, branch=branch)
    headers = auth(make_user(session, role="dispatcher", branch=branch))
    body = {
        "client_id": owner.id,
        "name": "Ворота 3",
        "address": "ул. Ленина, 5",
        "location": {"lat": 55.75, "lon": 37.61},
        "contact_name": "  Олег   Складов ",
        "contact_phone": "8 (903) 123-45-67",
    }
    made = client.post("/api/v1/sites", json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert (made.json()["contact_name"], made.json()["contact_phone"]) == (
        "Олег Складов",
        "+79031234567",
    )
    site_id = made.json()["id"]

    bad = client.patch(f"/api/v1/sites/{site_id}", json={"contact_phone": "12"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "contact_phone"]
    session.expire_all()
    assert session.get_one(Site, site_id).contact_phone == "+79031234567"  # nothing written

    cleared = client.patch(
        f"/api/v1/sites/{site_id}",
        json={"contact_phone": "", "contact_name": None},
        headers=headers,
    )
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["contact_name"], cleared.json()["contact_phone"]) == (None, None)


def _case(session, site, *, score=1, open_case=True):
    order = make_order(session, site=site, now=now())
    review = QualityReview(
        order_id=order.id,
        branch_id=order.branch_id,
        phone="+79031234567",
        language="ru",
        asked_at=now(),
        score=score,
        comment="опоздали",
        answered_at=now(),
        case_opened_at=now() if open_case else None,
    )
    session.add(review)
    session.flush()
    return order


def test_the_office_lists_reviews_and_closes_a_case_with_a_note(client, session):
    branch = make_branch(session)
    site = make_site(session, client=make_client(session, branch=branch))
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    headers = auth(dispatcher)
    low, high = _case(session, site), _case(session, site, score=5, open_case=False)
    other_branch = make_branch(session)
    theirs = _case(session, make_site(session, client=make_client(session, branch=other_branch)))

    listed = client.get("/api/v1/quality/reviews", headers=headers).json()
    assert [(r["order_id"], r["case"]) for r in listed] == [(low.id, "open"), (high.id, None)]
    assert listed[0]["phone"] == "+*********67" and listed[0]["comment"] == "опоздали"

    blank = client.post(f"/api/v1/quality/cases/{low.id}/close", json={"note": ""}, headers=headers)
    assert blank.status_code == 422
    none = client.post(
        f"/api/v1/quality/cases/{high.id}/close", json={"note": "x"}, headers=headers
    )
    assert none.status_code == 404 and none.json()["code"] == "quality_case_not_found"
    foreign = client.post(
        f"/api/v1/quality/cases/{theirs.id}/close", json={"note": "x"}, headers=headers
    )
    assert foreign.status_code == 404

    closed = client.post(
        f"/api/v1/quality/cases/{low.id}/close", json={"note": "позвонил"}, headers=headers
    )
    assert closed.status_code == 200, closed.text
    assert (closed.json()["case"], closed.json()["case_note"]) == ("closed", "позвонил")
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "quality.case_close").order_by(AuditEntry.id)
    ).one()
    assert entry.actor_user_id == dispatcher.id and entry.entity_ids == [low.id]
    assert client.get("/api/v1/quality/reviews?open_cases=true", headers=headers).json() == []
    session.expire_all()
    review = session.scalars(select(QualityReview).where(QualityReview.order_id == low.id)).one()
    assert review.case_closed_at is not None and review.case_closed_at > now() - timedelta(
        minutes=1
    )


def test_a_manager_switches_the_quality_sms_on_for_the_branch(client, session):
    branch = make_branch(session)
    assert branch.quality_sms is False  # off until the office turns it on
    headers = auth(make_user(session, role="manager", branch=branch))
    patched = client.patch(
        f"/api/v1/branches/{branch.id}", json={"policy": {"quality_sms": True}}, headers=headers
    )
    assert patched.status_code == 200 and patched.json()["policy"]["quality_sms"] is True
    refused = client.patch(
        f"/api/v1/branches/{branch.id}", json={"policy": {"quality_sms": "often"}}, headers=headers
    )
    assert refused.status_code == 422
