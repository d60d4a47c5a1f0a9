"""Issue 18 item 3: after the close the site's contact is asked to rate the crew by SMS; the
answer is read from the inbox like a worker's reply, and a 1 or 2 opens a case."""

from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.errors import FieldRequired
from dispatch.client_models import QualityReview
from dispatch.fill import waves
from dispatch.models import Client, Offer
from dispatch.quality import asking, cases
from dispatch.quality.errors import CaseClosed, CaseNotFound
from dispatch.registry.staff import actor_of
from dispatch.replies import inbox, intake
from dispatch.shift import onsite
from sms.models import Message
from tests.builders import (
    MOSCOW,
    book,
    make_branch_site,
    make_order,
    make_user,
    make_worker,
    offset,
)

CONTACT = "+79031234567"
_sid = count()


@pytest.fixture
def world(session):
    branch, site = make_branch_site(session, quality_sms=True)
    site.contact_name, site.contact_phone = "Олег Складов", CONTACT
    dispatcher = actor_of(make_user(session, role="dispatcher", branch=branch))
    session.flush()
    return branch, site, dispatcher


def closed_order(session, world, *, crew=1):
    branch, site, dispatcher = world
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i)) for i in range(crew)
    ]
    order = make_order(session, site=site, headcount=crew)
    book(session, order, workers)
    onsite.close_shift(
        session, order.id, actor=dispatcher, now=order.ends_at + timedelta(hours=1), end=None
    )
    return order


def texts(session, kind, order=None):
    query = select(Message).where(Message.kind == kind, Message.direction == "out")
    if order is not None:
        query = query.where(Message.order_id == order.id)
    return list(session.scalars(query.order_by(Message.id)))


def answer(session, order, body, phone=CONTACT, after=timedelta(hours=2)):
    """The contact texts us: taken in as the webhook does, acted on as the job does."""
    message_id = intake.receive(
        session, provider_sid=f"SMq{next(_sid):030d}", from_phone=phone, body=body
    )
    return inbox.handle_inbound(session, message_id, order.ends_at + after)


def review_of(session, order):
    return session.scalars(select(QualityReview).where(QualityReview.order_id == order.id)).one()


def audits(session, action, order):
    return session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == action, AuditEntry.entity_ids.contains([order.id]))
    )


def test_the_close_asks_the_sites_contact_once(session, world):
    order = closed_order(session, world)
    (asked,) = texts(session, "quality_ask", order)
    assert asked.phone == CONTACT and asked.worker_id is None and asked.status == "queued"
    assert "от 1 до 5" in asked.body and "ответьте цифрой" in asked.body
    review = review_of(session, order)
    assert review.ask_message_id == asked.id and review.score is None
    # Asked again (a second close cannot happen; the rule is the row's): nothing more.
    assert asking.ask_after_close(session, order, order.ends_at) is None
    assert len(texts(session, "quality_ask", order)) == 1


def test_the_clients_contact_stands_in_for_the_sites(session, world):
    _, site, _ = world
    site.contact_phone = None
    session.get_one(Client, site.client_id).contact_phone = "+79037654321"
    order = closed_order(session, world)
    assert [m.phone for m in texts(session, "quality_ask", order)] == ["+79037654321"]


def test_nobody_to_ask_or_the_branch_said_no(session, world):
    branch, site, _ = world
    site.contact_phone = None
    assert texts(session, "quality_ask", closed_order(session, world)) == []
    site.contact_phone, branch.quality_sms = CONTACT, False
    assert texts(session, "quality_ask", closed_order(session, world)) == []


def test_the_preview_of_the_close_asks_nobody(session, world):
    branch, site, dispatcher = world
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1)
    book(session, order, [worker])
    onsite.preview_close(
        session, order.id, actor=dispatcher, now=order.ends_at + timedelta(hours=1), end=None
    )
    assert texts(session, "quality_ask") == []
    assert session.scalar(select(func.count()).select_from(QualityReview)) == 0


def test_a_two_with_a_comment_opens_a_case(session, world):
    order = closed_order(session, world)
    assert answer(session, order, "2 опоздали двое") == "score 2, case opened"
    review = review_of(session, order)
    assert (review.score, review.comment) == (2, "опоздали двое")
    assert review.case_opened_at is not None and review.case_closed_at is None
    assert cases.open_cases_by_order(session, [order.id]) == {order.id: 2}
    assert audits(session, "quality.case_open", order) == 1
    inbound = session.scalars(select(Message).where(Message.direction == "in")).one()
    assert (inbound.kind, inbound.order_id, inbound.status) == ("quality", order.id, "processed")


def test_a_five_opens_no_case(session, world):
    order = closed_order(session, world)
    assert answer(session, order, "5!") == "score 5"
    review = review_of(session, order)
    assert review.score == 5 and review.comment is None and review.case_opened_at is None
    assert cases.open_cases_by_order(session, [order.id]) == {}


def test_a_later_text_updates_the_score_or_adds_to_the_comment(session, world):
    order = closed_order(session, world)
    assert answer(session, order, "4") == "score 4"
    assert answer(session, order, "один не пришёл вовремя") == "comment added"
    assert answer(session, order, "3 подумав") == "score 4 -> 3"
    review = review_of(session, order)
    assert (review.score, review.comment) == (3, "подумав")
    assert answer(session, order, "1") == "score 1, case opened"
    assert answer(session, order, "5") == "score 1 -> 5"  # the case stays for the dispatcher
    assert cases.open_cases_by_order(session, [order.id]) == {order.id: 5}


def test_an_unclear_answer_is_asked_again_once(session, world):
    order = closed_order(session, world)
    assert answer(session, order, "отлично всё") == "no score, asked again"
    assert answer(session, order, "ну нормально") == "no score, not asked again"
    (again,) = texts(session, "quality_reask", order)
    assert again.phone == CONTACT and "1 до 5" in again.body
    assert answer(session, order, "Пятёрка") == "score 5"


def test_past_the_window_a_text_is_no_answer(session, world):
    order = closed_order(session, world)
    # A stranger's text now: the registration dialogue starts (dispatch/applicants/).
    assert answer(session, order, "5", after=timedelta(hours=50)) == "applicant started"
    assert review_of(session, order).score is None


def test_the_newest_question_of_a_number_is_the_one_answered(session, world):
    first = closed_order(session, world)
    second = closed_order(session, world)
    review_of(session, first).asked_at -= timedelta(hours=1)
    session.flush()
    answer(session, second, "4")
    assert (review_of(session, first).score, review_of(session, second).score) == (None, 4)


# -- a number that is a worker's and a contact's -------------------------------------------


def test_a_workers_one_is_a_yes_while_they_have_a_live_offer(session, world):
    branch, site, _ = world
    order = closed_order(session, world)
    worker = make_worker(session, branch=branch, phone=CONTACT)
    offered = make_order(session, site=site, headcount=1, now=order.ends_at)
    waves.start_filling(session, offered.id, order.ends_at)
    assert answer(session, order, "1") == "queued -> booked"
    status = session.scalars(
        select(Offer.status).where(Offer.order_id == offered.id, Offer.worker_id == worker.id)
    ).one()
    assert status == "booked" and review_of(session, order).score is None
    # A 2-5 is never a worker's answer: it is the rating.
    assert answer(session, order, "4 хорошо") == "score 4"


def test_a_workers_one_is_the_rating_with_no_live_offer_and_stop_stays_theirs(session, world):
    branch, _, _ = world
    order = closed_order(session, world)
    worker = make_worker(session, branch=branch, phone=CONTACT)
    assert answer(session, order, "1 ужасно") == "score 1, case opened"
    assert answer(session, order, "СТОП") == "opted out"
    session.refresh(worker)
    assert worker.opted_out is True


# -- the dispatcher's case -----------------------------------------------------------------


def test_the_dispatcher_closes_a_case_with_a_note(session, world):
    _, _, dispatcher = world
    order = closed_order(session, world)
    answer(session, order, "1")
    actor = dispatcher
    at = order.ends_at + timedelta(hours=3)
    with pytest.raises(FieldRequired):
        cases.close_case(session, order.id, actor=actor, note="  ", now=at)
    review = cases.close_case(session, order.id, actor=actor, note="позвонил, извинились", now=at)
    assert (
        review.case_closed_by == dispatcher.user_id and review.case_note == "позвонил, извинились"
    )
    assert cases.open_cases_by_order(session, [order.id]) == {}
    assert audits(session, "quality.case_close", order) == 1
    with pytest.raises(CaseClosed):
        cases.close_case(session, order.id, actor=actor, note="ещё раз", now=at)
    five = closed_order(session, world)
    answer(session, five, "5")
    with pytest.raises(CaseNotFound):
        cases.close_case(session, five.id, actor=actor, note="нечего", now=at)
    lines = cases.list_reviews(session, actor=actor)
    assert [line.review.order_id for line in lines] == [five.id, order.id]
