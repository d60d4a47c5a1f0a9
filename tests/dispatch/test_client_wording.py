"""Every text to a client's contact is a named text the branch may word its own way, like the
workers' (issue 18: "per-branch on/off and wording, like other texts"): the order filled, short
and started notices, the quality question and its second asking, and the webhook switch-off.
The override is what the outbox sends; the default comes back when it is removed. All go in
one language, the client's (notices.language_of)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import now
from core.errors import InvalidInput
from core.tenancy import SYSTEM
from core.webhook_http import Answer
from dispatch.client_models import WebhookDelivery, WebhookSubscription
from dispatch.hooks import delivery, events
from dispatch.models import Client
from dispatch.registry import clients, wording
from dispatch.replies import inbox, intake
from dispatch.shift import milestones, onsite
from sms import templates
from sms.models import Message
from tests.api.console.helpers import htmx_headers, sign_in
from tests.builders import (
    arrive_all,
    auth,
    book,
    make_branch,
    make_crew,
    make_order,
    make_user,
)

CONTACT = "+79161234567"
CLIENT_KINDS = (
    "client_filled",
    "client_short",
    "client_started",
    "client_webhook_off",
    "quality_ask",
    "quality_reask",
)


@pytest.fixture
def contact(session, site):
    site.contact_phone = CONTACT
    session.flush()
    return CONTACT


def reword(session, branch, kind, body, language="ru"):
    wording.set_wording(
        session, actor=SYSTEM, branch_id=branch.id, kind=kind, language=language, body=body
    )


def sent(session, order, kind):
    query = select(Message.body).where(Message.order_id == order.id, Message.kind == kind)
    return list(session.scalars(query.order_by(Message.id)))


def crew(session, branch, n):
    return make_crew(session, branch=branch, n=n)


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_every_client_text_has_a_default_in_both_languages(kind):
    assert kind in templates.TEMPLATES["ru"] and kind in templates.TEMPLATES["en"]
    assert templates.fields_of(kind, "ru") == templates.fields_of(kind, "en")


def test_the_filled_text_is_the_branchs_wording_in_the_clients_language(
    session, branch, site, contact
):
    reword(session, branch, "client_filled", "Бригада по {code} собрана ({booked}/{headcount})")
    reword(session, branch, "client_filled", "Crew {code} ready: {booked}/{headcount}", "en")
    order = make_order(session, site=site, headcount=1, overbook_factor=1)
    book(session, order, crew(session, branch, 1))
    assert sent(session, order, "client_filled") == [f"Бригада по {order.code} собрана (1/1)"]

    session.get_one(Client, site.client_id).notify_language = "en"
    other = make_order(session, site=site, headcount=1, overbook_factor=1)
    book(session, other, crew(session, branch, 2)[1:])
    assert sent(session, other, "client_filled") == [f"Crew {other.code} ready: 1/1"]


def test_the_default_comes_back_when_the_wording_is_removed(session, branch, site, contact):
    reword(session, branch, "client_filled", "Готово: {code}")
    wording.reset_wording(
        session, actor=SYSTEM, branch_id=branch.id, kind="client_filled", language="ru"
    )
    order = make_order(session, site=site, headcount=1, overbook_factor=1)
    book(session, order, crew(session, branch, 1))
    [body] = sent(session, order, "client_filled")
    assert body.startswith(f"Заказ {order.code} (") and "набран: 1 из 1" in body


def test_the_short_text_is_the_branchs_wording(session, branch, site, contact):
    reword(session, branch, "client_short", "{code}: пока {booked} из {headcount}, {date} {start}")
    order = make_order(session, site=site, headcount=3)
    book(session, order, crew(session, branch, 1))
    due = order.starts_at - timedelta(hours=2)
    milestones.report_short(session, order.id, due)
    [body] = sent(session, order, "client_short")
    assert body.startswith(f"{order.code}: пока 1 из 3, ")


def test_the_started_text_is_the_branchs_wording(session, branch, site, dispatcher, contact):
    reword(session, branch, "client_started", "{site}: вышли {arrived} из {headcount}")
    team = crew(session, branch, 2)
    order = make_order(session, site=site, headcount=2, overbook_factor=1)
    book(session, order, team)
    arrive_all(session, order, team[:1], foreman=dispatcher)
    at = order.starts_at + timedelta(minutes=branch.late_grace_min)
    milestones.report_started(session, order.id, at)
    assert sent(session, order, "client_started") == [f"{site.name}: вышли 1 из 2"]


def test_the_quality_question_and_its_second_asking_are_the_branchs_wording(
    session, branch, site, dispatcher, contact
):
    branch.quality_sms = True
    reword(session, branch, "quality_ask", "Как поработали {skill}, {address}? 1-5")
    reword(session, branch, "quality_reask", "Одной цифрой, пожалуйста: 1-5")
    order = make_order(session, site=site, headcount=1, overbook_factor=1)
    book(session, order, crew(session, branch, 1))
    end = order.ends_at + timedelta(hours=1)
    onsite.close_shift(session, order.id, actor=dispatcher, now=end, end=None)
    assert sent(session, order, "quality_ask") == [f"Как поработали грузчик, {site.address}? 1-5"]
    message_id = intake.receive(
        session, provider_sid="SMw" + "0" * 31, from_phone=CONTACT, body="хорошо"
    )
    inbox.handle_inbound(session, message_id, end + timedelta(hours=1))
    assert sent(session, order, "quality_reask") == ["Одной цифрой, пожалуйста: 1-5"]


def close_and_answer(session, branch, site, dispatcher, answer):
    """The order closed (the question asked), then the contact's unclear answer (asked again)."""
    branch.quality_sms = True
    order = make_order(session, site=site, headcount=1, overbook_factor=1)
    book(session, order, crew(session, branch, 1))
    end = order.ends_at + timedelta(hours=1)
    onsite.close_shift(session, order.id, actor=dispatcher, now=end, end=None)
    message_id = intake.receive(
        session, provider_sid="SMl" + "0" * 31, from_phone=CONTACT, body=answer
    )
    inbox.handle_inbound(session, message_id, end + timedelta(hours=1))
    return sent(session, order, "quality_ask") + sent(session, order, "quality_reask")


def test_the_quality_question_is_in_the_clients_language_not_the_branchs_country(
    session, branch, site, dispatcher, contact
):
    assert branch.country == "RU"
    session.get_one(Client, site.client_id).notify_language = "en"
    values = {"skill": "loader", "address": site.address}
    asked = [
        templates.render("quality_ask", "en", **values),
        templates.TEMPLATES["en"]["quality_reask"],
    ]
    assert close_and_answer(session, branch, site, dispatcher, "good") == asked


def test_by_default_the_quality_question_stays_russian(session, branch, site, dispatcher, contact):
    values = {"skill": "грузчик", "address": site.address}
    asked = [
        templates.render("quality_ask", "ru", **values),
        templates.TEMPLATES["ru"]["quality_reask"],
    ]
    assert close_and_answer(session, branch, site, dispatcher, "хорошо") == asked


def test_a_new_clients_language_follows_its_branchs_country(session):
    for country, language in (("RU", "ru"), ("KZ", "ru"), ("LT", "en")):
        branch = make_branch(session, country=country)
        made = clients.create_client(session, actor=SYSTEM, branch_id=branch.id, name="Acme")
        assert made.notify_language == language, country


def switch_off(session, site):
    """A subscription failing for a day past the give-up window gets one more failed answer."""
    hook = WebhookSubscription(
        client_id=site.client_id, url="https://hooks.example.com/x", events=["order.cancelled"],
        secret="s", failing_since=now() - timedelta(hours=25),
    )  # fmt: skip
    session.add(hook)
    session.flush()
    event = events.order_event(session, make_order(session, site=site), "order.cancelled")
    row = session.scalars(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id))
    claimed = delivery.claim(session, row.one().id, now() + timedelta(hours=1))
    assert claimed is not None
    assert delivery.record(session, claimed, Answer(500), now()) == "disabled"
    told = select(Message.body).where(Message.kind == "client_webhook_off")
    return hook, list(session.scalars(told))


def test_the_webhook_switch_off_is_the_branchs_wording_in_the_clients_language(
    session, branch, site
):
    client = session.get_one(Client, site.client_id)
    client.contact_phone = CONTACT
    reword(session, branch, "client_webhook_off", "Вебхук {id} выключен, включите на портале")
    reword(session, branch, "client_webhook_off", "Hook {id} is off", "en")
    hook, told = switch_off(session, site)
    assert told == [f"Вебхук {hook.id} выключен, включите на портале"]

    client.notify_language = "en"
    wording.reset_wording(
        session, actor=SYSTEM, branch_id=branch.id, kind="client_webhook_off", language="en"
    )
    hook, told = switch_off(session, site)
    assert told[-1] == templates.render("client_webhook_off", "en", id=hook.id)


def test_a_client_text_may_use_only_its_own_fields(session, branch):
    with pytest.raises(InvalidInput) as refused:
        reword(session, branch, "client_started", "Смена {code}: ставка {pay}")
    assert refused.value.loc == ("body", "body") and "pay" in refused.value.msg


def test_a_manager_words_a_client_text_on_the_api_and_previews_it_on_the_texts_page(
    client, session, branch, site, contact
):
    manager = make_user(session, role="manager", branch=branch)
    path = f"/api/v1/branches/{branch.id}/texts/client_filled/en"
    saved = client.put(path, json={"body": "{code} full"}, headers=auth(manager))
    assert saved.status_code == 200 and saved.json()["own"] is True, saved.text
    refused = client.put(path, json={"body": "{code} {pay}"}, headers=auth(manager))
    assert refused.status_code == 422 and "pay" in refused.json()["detail"][0]["msg"]

    sign_in(client, manager)
    page = client.get(f"/console/branches/{branch.id}/texts?lang=en")
    assert f"/console/branches/{branch.id}/texts/client_started/ru" in page.text
    assert "to the client: shift started" in page.text
    editor = client.get(f"/console/branches/{branch.id}/texts/client_short/ru?lang=en")
    assert editor.status_code == 200
    assert templates.TEMPLATES["ru"]["client_short"] in editor.text
    measured = client.post(
        f"/console/branches/{branch.id}/texts/client_short/ru/measure?lang=en",
        data={"body": "{code}: {booked} of {headcount}"},
        headers=htmx_headers(client),
    )
    assert "GSM-7" in measured.text
    editor = client.get(f"/console/branches/{branch.id}/texts/client_webhook_off/en?lang=en")
    assert editor.status_code == 200 and "to the client: webhook off" in editor.text
    assert templates.TEMPLATES["en"]["client_webhook_off"] in editor.text
    hook_path = f"/api/v1/branches/{branch.id}/texts/client_webhook_off/ru"
    saved = client.put(hook_path, json={"body": "Вебхук {id} выключен"}, headers=auth(manager))
    assert saved.status_code == 200 and saved.json()["own"] is True, saved.text

    session.get_one(Client, site.client_id).notify_language = "en"
    order = make_order(session, site=site, headcount=1, overbook_factor=1)
    book(session, order, crew(session, branch, 1))
    assert sent(session, order, "client_filled") == [f"{order.code} full"]
