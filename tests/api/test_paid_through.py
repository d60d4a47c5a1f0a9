"""The office records how far the branch's workers are paid (PUT .../paid-through, issue 19):
a worker's PAY text counts the shifts after it. Never backwards, never after today, audited;
a refusal writes nothing."""

from datetime import timedelta

from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from dispatch.models import Branch
from tests.builders import auth, make_branch, make_user


def test_paid_through_moves_forward_only_and_is_audited(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    url = f"/api/v1/branches/{branch.id}/paid-through"
    today = now().date()
    week_ago = today - timedelta(days=7)

    done = client.put(url, json={"through": str(week_ago)}, headers=auth(manager))
    assert done.status_code == 200, done.text
    assert done.json() == {"branch_id": branch.id, "paid_through": str(week_ago)}

    back = client.put(
        url, json={"through": str(week_ago - timedelta(days=1))}, headers=auth(manager)
    )
    assert back.status_code == 422 and back.json()["detail"][0]["type"] == "paid_through_backwards"
    ahead = client.put(url, json={"through": str(today + timedelta(days=2))}, headers=auth(manager))
    assert ahead.status_code == 422
    session.expire_all()
    assert session.get_one(Branch, branch.id).paid_through == week_ago
    audited = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "branch.paid_through", AuditEntry.entity_ids.contains([branch.id])
        )
    ).all()
    assert [entry.detail["now"] for entry in audited] == [str(week_ago)]
