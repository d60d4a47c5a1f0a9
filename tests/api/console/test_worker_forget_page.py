"""'Forget this worker' on the worker's page (issue 19 item 5): an admin with a reason; the
page then shows the anonymous row; a dispatcher has no such button and is refused; a worker
with a shift to pay is refused in words, nothing deleted."""

from datetime import timedelta

from sqlalchemy import select

from core.audit import AuditEntry
from tests.api.console.helpers import sign_in
from tests.builders import (
    NOW,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)
from tests.forgetting import find_everywhere, phone_needles
from workers.models import Worker


def test_an_admin_forgets_a_worker_from_their_page(client, session):
    branch = make_branch(session)
    worker = make_worker(session, branch=branch, full_name="Юсупова Дильноза", phone="+79035550011")
    form = sign_in(client, make_user(session, role="admin"))
    page = client.get(f"/console/workers/{worker.id}?lang=en").text
    assert "Forget this worker" in page
    refused = client.post(f"/console/workers/{worker.id}/forget?lang=en", data=form)
    assert refused.status_code == 422 and 'id="forget-error"' in refused.text
    done = client.post(
        f"/console/workers/{worker.id}/forget",
        data={**form, "reason": "письмо работника"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = client.get(done.headers["location"] + "&lang=en").text
    assert "The worker&#39;s data is deleted." in after and f"Удалён #{worker.id}" in after
    assert "Forget this worker</h2>" not in after
    session.expire_all()
    assert session.get_one(Worker, worker.id).forgotten_at is not None
    assert find_everywhere(session, ["Юсупова Дильноза", *phone_needles("+79035550011")]) == []
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "worker.forget" in actions


def test_a_dispatcher_may_not_and_a_shift_to_pay_makes_it_wait(client, session):
    branch = make_branch(session)
    site = make_site(session, client=make_client(session, branch=branch))
    worker = make_worker(session, branch=branch, full_name="Юсупов Бахтиёр")
    order = make_order(session, site=site, now=NOW)
    make_offer(session, order=order, worker=worker)  # booked on an order not closed
    form = sign_in(client, make_user(session, role="dispatcher", branch=branch))
    assert "Forget this worker" not in client.get(f"/console/workers/{worker.id}?lang=en").text
    refused = client.post(
        f"/console/workers/{worker.id}/forget?lang=en", data={**form, "reason": "просил"}
    )
    assert refused.status_code == 403 and "Only an admin may forget a worker." in refused.text
    form = sign_in(client, make_user(session, role="admin"))
    waits = client.post(
        f"/console/workers/{worker.id}/forget?lang=en", data={**form, "reason": "просил"}
    )
    assert waits.status_code == 403 and "may still be owed pay" in waits.text
    session.expire_all()
    assert session.get_one(Worker, worker.id).full_name == "Юсупов Бахтиёр"
    assert order.starts_at - NOW == timedelta(days=1)
