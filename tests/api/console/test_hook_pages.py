"""Clients' webhooks in the console: the client admin's /portal/webhooks (another client user
finds no page, another client's subscription is not found), the secret shown once, switching
off and on, the delivery log of a real delivery to a local receiver; the office's section of
the client page with the same list and log, switching too (issue 18)."""

import re

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from core.tenancy import SYSTEM
from core.webhook_http import HttpxWebhookGateway
from dispatch.client_models import WebhookDelivery, WebhookSubscription
from dispatch.hooks import delivery, events, subscriptions
from dispatch.models import Branch, Client
from tests.api.console.helpers import htmx_headers, sign_in
from tests.builders import (
    make_branch_site,
    make_client,
    make_client_user,
    make_order,
    make_site,
    make_user,
    steps,
)

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@pytest.fixture
def world(session):
    branch, site = make_branch_site(session)
    own = session.get_one(Client, site.client_id)
    other = make_client(session, branch=branch)
    make_site(session, client=other)
    foreign = subscriptions.create(
        session, other.id, actor=SYSTEM, url="https://other.example.com/in",
        events=["order.filled"],
    )  # fmt: skip
    return {
        "site": site,
        "client": own,
        "admin": make_client_user(session, client=own, admin=True),
        "user": make_client_user(session, client=own),
        "dispatcher": make_user(session, role="dispatcher", branch=branch),
        "foreign": foreign,
    }


def _hooks(session, client_id: int) -> list[WebhookSubscription]:
    query = select(WebhookSubscription).where(WebhookSubscription.client_id == client_id)
    return list(session.scalars(query))


def _create(client, csrf, url="https://hooks.example.com/in", events=("order.filled",)):
    return client.post(
        "/portal/webhooks?lang=en", data={**csrf, "url": url, "events": list(events)}
    )


def test_only_the_clients_admin_has_the_page(client, session, world):
    sign_in(client, world["user"])
    assert client.get("/portal/webhooks").status_code == 404
    assert "/portal/webhooks" not in client.get("/portal/").text  # no nav item either
    client.cookies.clear()
    sign_in(client, world["dispatcher"])
    assert client.get("/portal/webhooks").status_code == 403  # staff: not their side
    client.cookies.clear()
    sign_in(client, world["admin"])
    page = client.get("/portal/webhooks?lang=en")
    assert page.status_code == 200 and 'href="/portal/webhooks"' in page.text
    assert "No subscriptions yet." in page.text and not CYRILLIC.search(page.text)
    foreign = world["foreign"].id
    assert "other.example.com" not in page.text
    assert client.get(f"/portal/webhooks/{foreign}").status_code == 404
    csrf = sign_in(client, world["admin"])
    for action in ("enable", "disable", "delete"):
        answer = client.post(f"/portal/webhooks/{foreign}/{action}", data=csrf)
        assert answer.status_code == 404, action
    assert session.get_one(WebhookSubscription, foreign).disabled_at is None
    assert session.get_one(WebhookSubscription, foreign).deleted_at is None


def test_the_secret_is_shown_once_and_a_bad_url_is_refused_beside_its_field(client, session, world):
    csrf = sign_in(client, world["admin"])
    made = _create(client, csrf, events=("order.filled", "shift.closed"))
    assert made.status_code == 201 and made.headers["cache-control"] == "no-store"
    [hook] = _hooks(session, world["client"].id)
    assert hook.secret in made.text and "shown this once" in made.text
    assert hook.events == ["order.filled", "shift.closed"]
    again = client.get("/portal/webhooks?lang=en")
    assert hook.secret not in again.text and "https://hooks.example.com/in" in again.text
    assert "order filled, shift closed" in again.text
    assert hook.secret not in client.get(f"/portal/webhooks/{hook.id}").text
    audited = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == "webhook.create",
            AuditEntry.entity_ids.contains([world["client"].id]),
        )
    )
    assert audited == 1

    refused = _create(client, csrf, url="ftp://example.com/x")
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    assert "ftp://example.com/x" in refused.text  # what was typed is kept
    no_events = _create(client, csrf, events=())
    assert no_events.status_code == 422 and "Choose events from the list." in no_events.text
    assert len(_hooks(session, world["client"].id)) == 1
    unsigned = client.post(
        "/portal/webhooks", data={"url": "https://a.example.com/", "events": "order.filled"}
    )
    assert unsigned.status_code == 403 and len(_hooks(session, world["client"].id)) == 1


def test_the_admin_switches_off_and_on_and_deletes(client, session, world):
    csrf = sign_in(client, world["admin"])
    _create(client, csrf)
    [hook] = _hooks(session, world["client"].id)
    off = client.post(f"/portal/webhooks/{hook.id}/disable", data=csrf, follow_redirects=False)
    assert off.status_code == 303
    page = client.get("/portal/webhooks?lang=en").text
    assert "switched off by hand" in page and "Switch on again" in page
    assert "events recorded while it was off are not sent" in page
    session.refresh(hook)
    assert hook.disabled_at is not None
    client.post(f"/portal/webhooks/{hook.id}/enable", data=csrf)
    session.refresh(hook)
    assert hook.disabled_at is None
    assert client.post(f"/portal/webhooks/{hook.id}/sideways", data=csrf).status_code == 404
    client.post(f"/portal/webhooks/{hook.id}/delete", data=csrf)
    session.refresh(hook)
    assert hook.deleted_at is not None
    assert "No subscriptions yet." in client.get("/portal/webhooks?lang=en").text
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("webhook.%")).order_by(AuditEntry.id)
    )
    assert list(actions)[-4:] == [
        "webhook.create", "webhook.switch_off", "webhook.enable", "webhook.delete",
    ]  # fmt: skip


def test_the_log_shows_the_attempts_of_a_real_delivery(client, session, world, receiver):
    """Refused with a 500, then accepted: the log and the list say so, newest first."""
    receiver.failing = True
    url = f"http://127.0.0.1:{receiver.server.server_port}/brigada"
    hook = subscriptions.create(
        session, world["client"].id, actor=SYSTEM, url=url, events=["order.cancelled"]
    )
    event = events.order_event(session, make_order(session, site=world["site"]), "order.cancelled")
    row = session.scalars(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)).one()
    gateway = HttpxWebhookGateway(allow_private=True)  # as the jobs' in test
    assert delivery.deliver(steps(session), row.id, now, gateway) == "retry"
    sign_in(client, world["admin"])
    failed = client.get(f"/portal/webhooks/{hook.id}?lang=en").text
    assert str(event.id) in failed and "order cancelled" in failed and "Next attempt" in failed
    assert "Last answer" in failed and '<span class="status">500</span>' in failed
    receiver.failing = False
    row.next_attempt_at = now()  # due again now, not after the backoff
    session.flush()
    assert delivery.deliver(steps(session), row.id, now, gateway) == "delivered"
    log = client.get(f"/portal/webhooks/{hook.id}?lang=en").text
    assert re.search(r'class="attempts">2<', log) and "Delivered" in log
    assert [r[3] for r in receiver.requests] == [500, 200]
    listed = client.get("/portal/webhooks?lang=en").text
    assert "accepted (200)" in listed


def test_the_office_sees_the_clients_hooks_and_switches_them(client, session, world):
    hook = subscriptions.create(
        session, world["client"].id, actor=SYSTEM, url="https://hooks.example.com/in",
        events=["order.filled"],
    )  # fmt: skip
    csrf = sign_in(client, world["dispatcher"])
    client_id = world["client"].id
    page = client.get(f"/console/clients/{client_id}?lang=en").text
    assert f'hx-get="/console/clients/{client_id}/webhooks"' in page  # the section
    section = client.get(f"/console/clients/{client_id}/webhooks", headers=htmx_headers(client))
    assert section.status_code == 200 and "<html" not in section.text
    assert (
        "https://hooks.example.com/in" in section.text and "other.example.com" not in section.text
    )
    assert f'href="/console/clients/{client_id}/webhooks/{hook.id}"' in section.text
    assert "/delete" not in section.text  # removing is the client's
    whole = client.get(f"/console/clients/{client_id}/webhooks?lang=ru")
    assert whole.status_code == 200 and "Вебхуки клиента" in whole.text
    log = client.get(f"/console/clients/{client_id}/webhooks/{hook.id}?lang=en")
    assert log.status_code == 200 and "No deliveries yet." in log.text
    off = client.post(
        f"/console/clients/{client_id}/webhooks/{hook.id}/disable", data=csrf,
        follow_redirects=False,
    )  # fmt: skip
    assert off.status_code == 303 and off.headers["location"].endswith("#webhooks")
    session.refresh(hook)
    assert subscriptions.off_reason(hook) == "by_hand"
    client.post(f"/console/clients/{client_id}/webhooks/{hook.id}/enable", data=csrf)
    session.refresh(hook)
    assert hook.disabled_at is None
    foreign = world["foreign"].id
    assert client.get(f"/console/clients/{client_id}/webhooks/{foreign}").status_code == 404
    wrong = client.post(f"/console/clients/{client_id}/webhooks/{foreign}/disable", data=csrf)
    assert wrong.status_code == 404


def test_another_branchs_office_and_a_foreman_do_not_see_them(client, session, world):
    far_branch, _ = make_branch_site(session)
    client_id = world["client"].id
    sign_in(client, make_user(session, role="dispatcher", branch=far_branch))
    assert client.get(f"/console/clients/{client_id}/webhooks").status_code == 404
    client.cookies.clear()
    branch = session.get_one(Branch, world["client"].branch_id)
    foreman = make_user(session, role="foreman", branch=branch)
    sign_in(client, foreman)
    assert client.get(f"/console/clients/{client_id}/webhooks").status_code == 403
