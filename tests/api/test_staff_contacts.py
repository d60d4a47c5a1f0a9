"""A staff member's name and phone (for the check-in page's foreman): optional, the phone
checked like a worker's and stored in E.164, a bad one named by its field."""

from dispatch.models import User
from tests.builders import auth, make_branch, make_user


def test_a_foreman_is_added_with_a_name_and_a_phone(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    body = {
        "username": "foreman-anna",
        "password": "long-enough-pass",
        "role": "foreman",
        "branch_id": branch.id,
        "full_name": "  Кузнецова Анна ",
        "phone": "8 916 555-12-34",
    }
    made = client.post("/api/v1/users", json=body, headers=auth(manager))
    assert made.status_code == 201, made.text
    assert made.json()["full_name"] == "Кузнецова Анна"
    assert made.json()["phone"] == "+79165551234"
    bare = {k: v for k, v in body.items() if k not in ("full_name", "phone")}
    plain = client.post("/api/v1/users", json={**bare, "username": "x2"}, headers=auth(manager))
    assert plain.status_code == 201 and plain.json()["phone"] is None


def test_a_bad_phone_is_named_and_nothing_is_written(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    body = {
        "username": "foreman-bad",
        "password": "long-enough-pass",
        "role": "foreman",
        "branch_id": branch.id,
        "phone": "12345",
    }
    refused = client.post("/api/v1/users", json=body, headers=auth(manager))
    assert refused.status_code == 422
    assert "phone" in refused.text
    assert session.query(User).filter_by(username="foreman-bad").count() == 0
