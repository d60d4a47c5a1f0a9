"""Clients' webhooks over the API: the secret shown once, validation naming the field and
writing nothing, removal, the delivery log; the client's texts and the site's contact."""

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.settings import get_settings
from dispatch.client_models import WebhookSubscription
from dispatch.hooks import events, subscriptions
from dispatch.hooks.errors import WebhookUrlInvalid
from dispatch.models import Branch, Client, Site
from tests.builders import (
    auth,
    make_branch_site,
    make_client,
    make_client_user,
    make_order,
    make_user,
)


@pytest.fixture
def scene(session):
    branch, site = make_branch_site(session)
    office = auth(make_user(session, role="dispatcher", branch=branch))
    return site, site.client_id, office


def hooks_url(client_id: int) -> str:
    return f"/api/v1/clients/{client_id}/webhooks"


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(WebhookSubscription))


def test_created_with_its_secret_once(client, session, scene):
    _, client_id, office = scene
    body = {"url": "http://127.0.0.1:8999/in", "events": ["shift.closed", "order.filled"]}
    made = client.post(hooks_url(client_id), json=body, headers=office)
    assert made.status_code == 201, made.text
    assert made.json()["secret"].startswith("whsec_") and len(made.json()["secret"]) > 30
    assert made.json()["events"] == ["order.filled", "shift.closed"]  # the list's order
    listed = client.get(hooks_url(client_id), headers=office).json()
    assert [h["id"] for h in listed] == [made.json()["id"]] and "secret" not in listed[0]
    audited = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action == "webhook.create")
        .order_by(AuditEntry.id)
    )
    assert list(audited) == ["webhook.create"]


@pytest.mark.parametrize(
    "field, body",
    [
        ("url", {"url": "ftp://example.com/x", "events": ["order.filled"]}),
        ("url", {"url": "example.com/x", "events": ["order.filled"]}),
        ("url", {"url": "https:///nohost", "events": ["order.filled"]}),
        ("events", {"url": "https://example.com/x", "events": ["order.paid"]}),
        ("events", {"url": "https://example.com/x", "events": []}),
    ],
)
def test_a_bad_url_or_event_is_422_naming_the_field_and_writes_nothing(
    client, session, scene, field, body
):
    _, client_id, office = scene
    answer = client.post(hooks_url(client_id), json=body, headers=office)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", field]
    assert count(session) == 0


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/x", "http://10.1.2.3/x", "http://[::1]/x", "http://localhost/x",
     "http://169.254.169.254/latest"],
)  # fmt: skip
def test_in_production_our_own_network_is_refused(monkeypatch, url):
    production = get_settings().model_copy(update={"env": "prod"})
    monkeypatch.setattr(subscriptions, "get_settings", lambda: production)
    with pytest.raises(WebhookUrlInvalid):
        subscriptions.check_url(url)
    assert subscriptions.check_url("https://hooks.example.com/x") == "https://hooks.example.com/x"


def test_removed_it_is_gone_and_gets_no_more_deliveries(client, session, scene):
    site, client_id, office = scene
    body = {"url": "http://127.0.0.1:8999/in", "events": ["order.cancelled"]}
    hook = client.post(hooks_url(client_id), json=body, headers=office).json()
    gone = client.delete(f"{hooks_url(client_id)}/{hook['id']}", headers=office)
    assert gone.status_code == 204
    assert client.get(hooks_url(client_id), headers=office).json() == []
    log = client.get(f"{hooks_url(client_id)}/{hook['id']}/deliveries", headers=office)
    assert log.status_code == 404
    order = make_order(session, site=site)
    event = events.order_event(session, order, "order.cancelled")
    assert event is not None and session.get_one(WebhookSubscription, hook["id"]).deleted_at


def test_the_delivery_log_lists_each_event(client, session, scene):
    site, client_id, office = scene
    body = {"url": "http://127.0.0.1:8999/in", "events": ["order.cancelled"]}
    hook = client.post(hooks_url(client_id), json=body, headers=office).json()
    order = make_order(session, site=site)
    event = events.order_event(session, order, "order.cancelled")
    log = client.get(f"{hooks_url(client_id)}/{hook['id']}/deliveries", headers=office)
    assert log.status_code == 200
    [line] = log.json()
    assert line["event_id"] == str(event.id) and line["type"] == "order.cancelled"
    assert line["attempts"] == 0 and line["delivered_at"] is None
    assert line["next_attempt_at"] is not None and line["order_id"] == order.id


def test_a_foreman_may_not_manage_webhooks(client, session, scene):
    _, client_id, _ = scene
    branch = session.get_one(Branch, session.get_one(Client, client_id).branch_id)
    foreman = make_user(session, role="foreman", branch=branch)
    body = {"url": "http://127.0.0.1:8999/in", "events": ["order.filled"]}
    assert client.post(hooks_url(client_id), json=body, headers=auth(foreman)).status_code == 403


def test_the_clients_texts_switch_and_the_sites_contact(client, session, scene):
    site, client_id, office = scene
    switched = client.put(
        f"/api/v1/clients/{client_id}/notifications",
        json={"sms": False, "language": "en"},
        headers=office,
    )
    assert switched.status_code == 200
    assert switched.json() == {"client_id": client_id, "sms": False, "language": "en"}
    assert session.scalar(select(Client.notify_by_sms).where(Client.id == client_id)) is False
    bad = client.put(
        f"/api/v1/clients/{client_id}/notifications", json={"sms": True, "language": "de"},
        headers=office,
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "language"]
    contact = client.put(
        f"/api/v1/sites/{site.id}/contact",
        json={"name": " Иван ", "phone": "8 (916) 123-45-67"},
        headers=office,
    )
    assert contact.status_code == 200, contact.text
    assert contact.json()["contact_phone"] == "+79161234567"
    assert contact.json()["contact_name"] == "Иван"
    wrong = client.put(f"/api/v1/sites/{site.id}/contact", json={"phone": "12"}, headers=office)
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "phone"]
    stored = session.scalar(select(Site.contact_phone).where(Site.id == site.id))
    assert stored == "+79161234567"  # the refused change wrote nothing


def test_switched_off_it_is_switched_on_again_by_the_clients_admin_only(client, session, scene):
    site, client_id, office = scene
    body = {"url": "https://hooks.example.com/in", "events": ["order.cancelled"]}
    hook = client.post(hooks_url(client_id), json=body, headers=office).json()
    off = client.post(f"{hooks_url(client_id)}/{hook['id']}/disable", headers=office)
    assert off.status_code == 200 and off.json()["disabled_at"] is not None
    assert off.json()["off_reason"] == "by_hand"
    client_row = session.get_one(Client, client_id)
    admin = auth(make_client_user(session, client=client_row, admin=True))
    plain = auth(make_client_user(session, client=client_row))
    other = make_client(session, branch=session.get_one(Branch, client_row.branch_id))
    stranger = auth(make_client_user(session, client=other, admin=True))
    enable = f"{hooks_url(client_id)}/{hook['id']}/enable"
    assert client.post(enable, headers=plain).status_code == 403
    assert client.post(enable, headers=stranger).status_code == 404
    assert session.get_one(WebhookSubscription, hook["id"]).disabled_at is not None
    on = client.post(enable, headers=admin)
    assert on.status_code == 200, on.text
    assert on.json()["disabled_at"] is None and on.json()["failing_since"] is None
    assert on.json()["off_reason"] is None
    order = make_order(session, site=site)
    event = events.order_event(session, order, "order.cancelled")
    log = client.get(f"{hooks_url(client_id)}/{hook['id']}/deliveries", headers=admin).json()
    assert [line["event_id"] for line in log] == [str(event.id)]  # new events flow again
    audited = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.in_(["webhook.switch_off", "webhook.enable"]))
        .order_by(AuditEntry.id)
    )
    assert list(audited) == ["webhook.switch_off", "webhook.enable"]
