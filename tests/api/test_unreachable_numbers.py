"""A worker whose number cannot receive SMS, as staff see them: the candidate list says why
they are missing when asked by id (API and console), and the worker's page and the worker
search say "number unreachable"."""

import html

import pytest
from sqlalchemy import select

from api.console.words.errors import WORDS as ERROR_WORDS
from api.schemas.fill import RULE_WORDS
from core.audit import AuditEntry
from core.clock import now
from dispatch.fill import eligibility
from tests.api.console.helpers import sign_in
from tests.builders import (
    KAZAN,
    MOSCOW,
    auth,
    make_branch,
    make_branch_site,
    make_order,
    make_user,
    make_worker,
    offset,
)


@pytest.fixture
def office(session):
    branch, site = make_branch_site(session)
    order = make_order(session, site=site, now=now())
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    dead = make_worker(
        session,
        branch=branch,
        full_name="Мёртвый Номер",
        phone="+79990007788",
        phone_invalid=True,
        near=offset(MOSCOW, north_m=400),
    )
    return {"branch": branch, "order": order, "dispatcher": dispatcher, "dead": dead}


def test_the_api_says_why_a_worker_is_not_a_candidate(client, session, office):
    order, dead = office["order"], office["dead"]
    headers = auth(office["dispatcher"])
    listed = client.get(f"/api/v1/orders/{order.id}/candidates", headers=headers).json()
    assert dead.id not in [c["worker_id"] for c in listed]
    answer = client.get(f"/api/v1/orders/{order.id}/candidates/{dead.id}", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "worker_id": dead.id,
        "eligible": False,
        "radius_m": order.radius_m,
        "failed": [{"code": "phone_unreachable", "text": "number unreachable"}],
    }
    [read] = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.eligibility").order_by(AuditEntry.id)
    )
    assert (read.actor_user_id, read.entity_ids) == (office["dispatcher"].id, [dead.id])


def test_the_api_says_an_eligible_worker_is_eligible(client, session, office):
    fine = make_worker(session, branch=office["branch"])
    url = f"/api/v1/orders/{office['order'].id}/candidates/{fine.id}"
    answer = client.get(url, headers=auth(office["dispatcher"]))
    assert (answer.json()["eligible"], answer.json()["failed"]) == (True, [])


def test_the_api_check_is_404_for_unknown_workers_and_other_branches_orders(
    client, session, office
):
    headers = auth(office["dispatcher"])
    order = office["order"]
    unknown = client.get(f"/api/v1/orders/{order.id}/candidates/2147483647", headers=headers)
    assert unknown.status_code == 404
    kazan = make_branch(session, center=KAZAN)
    stranger = make_user(session, role="dispatcher", branch=kazan)
    url = f"/api/v1/orders/{order.id}/candidates/{office['dead'].id}"
    assert client.get(url, headers=auth(stranger)).status_code == 404
    assert not session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.eligibility").order_by(AuditEntry.id)
    ).all()


@pytest.mark.parametrize("lang, words", [("ru", "номер недоступен"), ("en", "number unreachable")])
def test_the_order_page_says_why_a_worker_is_not_a_candidate(client, office, lang, words):
    sign_in(client, office["dispatcher"])
    url = f"/console/orders/{office['order'].id}"
    page = client.get(url, params={"lang": lang, "why": str(office["dead"].id)})
    assert page.status_code == 200, page.text
    answer = html.unescape(page.text).split('id="why-answer"')[1].split("</div>")[0]
    assert words in answer


def test_the_order_page_answers_a_bad_or_unknown_worker_number(client, office):
    sign_in(client, office["dispatcher"])
    url = f"/console/orders/{office['order'].id}"
    for typed, words in (("abc", "whole number"), ("2147483647", "No worker has this number")):
        page = client.get(url, params={"lang": "en", "why": typed})
        assert page.status_code == 200 and words in html.unescape(page.text), typed


def test_the_worker_page_and_search_say_number_unreachable(client, session, office):
    fine = make_worker(session, branch=office["branch"], full_name="Живой Номер")
    sign_in(client, office["dispatcher"])
    profile = html.unescape(client.get(f"/console/workers/{office['dead'].id}?lang=en").text)
    assert "Number unreachable" in profile
    assert "Number unreachable" not in html.unescape(
        client.get(f"/console/workers/{fine.id}?lang=en").text
    )
    found = html.unescape(client.get("/console/workers", params={"q": "номер", "lang": "ru"}).text)
    dead_row = found.split("Мёртвый Номер")[1].split("</tr>")[0]
    fine_row = found.split("Живой Номер")[1].split("</tr>")[0]
    assert "Номер недоступен" in dead_row and "Номер недоступен" not in fine_row


def test_every_eligibility_rule_has_words_in_the_api_and_in_both_console_languages():
    assert set(RULE_WORDS) == set(eligibility.CODES)
    for code in eligibility.CODES:
        russian, english = ERROR_WORDS[f"err_not_eligible_{code}"]
        assert russian and english and RULE_WORDS[code], code
