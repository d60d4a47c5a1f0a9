"""The contact's answer to the question: read from the inbox like a worker's reply.

Which text is an answer: one from the number asked, within WINDOW of the question (the
newest question, if the number was asked about several orders). A number that is also a
worker's: STOP and START stay the worker's; a score of 2-5 is the review (no worker's answer
begins so); a "1" (the YES shortcut) or any other text goes to the worker's offers while they
have a live one, else to the review.

Decided: one review per order. The first readable score is recorded; a later text within the
window with a score replaces it (and its comment, if it brings one), one without a score is
added to the comment. A score of 1 or 2 opens the order's case if none was opened before; a
better score later leaves an open case to the dispatcher. A text without a score before any
score is asked again once (quality_reask), then only kept."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.tenancy import SYSTEM
from dispatch.client_models import QualityReview
from dispatch.models import Branch
from dispatch.quality.asking import render
from sms import outbox
from sms.models import Message
from sms.replies import parse
from sms.scores import COMMENT_MAX, read_score

WINDOW = timedelta(hours=48)  # how long a question waits for its answer
KIND = "quality"  # the kind of an inbound text read as a rating
CASE_AT_MOST = 2  # a score this low or lower opens a case
WORKERS_WORDS = ("stop", "start")  # a worker's opt-out is never read as a rating


def open_question(session: Session, phone: str, now: datetime) -> QualityReview | None:
    """The newest question this number was asked within the window (unlocked: take locks it,
    once the text is known to be its answer, so the inbox never holds it while locking an
    order)."""
    return session.scalars(
        select(QualityReview)
        .where(QualityReview.phone == phone, QualityReview.asked_at > now - WINDOW)
        .order_by(QualityReview.asked_at.desc(), QualityReview.id.desc())
        .limit(1)
    ).first()


def is_answer(body: str, *, worker: bool, worker_busy: bool) -> bool:
    """Whether a text from a number with an open question is its answer (see the module)."""
    if worker and parse(body).kind in WORKERS_WORDS:
        return False
    read = read_score(body)
    if read is not None and read.score >= 2:
        return True
    return not worker_busy


def take(session: Session, message: Message, review: QualityReview, now: datetime) -> str:
    """Record the text against the review; returns what it did (for logs and tests). The
    review is locked (two texts from one number are read one after the other; a dispatcher
    closing the case locks its order, then it) and read again under the lock."""
    review = session.scalars(
        locked(select(QualityReview).where(QualityReview.id == review.id)),
        execution_options={"populate_existing": True},
    ).one()
    message.kind, message.order_id = KIND, review.order_id
    read = read_score(message.body)
    if read is None:
        return _no_score(session, message, review, now)
    before = review.score
    review.score, review.answered_at = read.score, now
    if read.comment is not None:
        review.comment = read.comment
    audit.log(
        session,
        SYSTEM,
        "quality.review",
        "order",
        [review.order_id],
        review.branch_id,
        score=read.score,
        before=before,
    )
    if read.score <= CASE_AT_MOST and review.case_opened_at is None:
        review.case_opened_at = now
        audit.log(
            session,
            SYSTEM,
            "quality.case_open",
            "order",
            [review.order_id],
            review.branch_id,
            score=read.score,
        )
        return f"score {read.score}, case opened"
    return f"score {read.score}" if before is None else f"score {before} -> {read.score}"


def _no_score(session: Session, message: Message, review: QualityReview, now: datetime) -> str:
    text = message.body.strip()
    if review.score is not None:  # the comment sent after the score, in a text of its own
        if text:
            joined = f"{review.comment}\n{text}" if review.comment else text
            review.comment = joined[:COMMENT_MAX]
        return "comment added"
    if parse(message.body).kind == "stop" or review.reasked_at is not None:
        return "no score, not asked again"
    branch = session.get_one(Branch, review.branch_id)
    body = render(session, branch, "quality_reask", review.language)
    outbox.queue(
        session,
        kind="quality_reask",
        worker_id=None,
        phone=review.phone,
        body=body,
        order_id=review.order_id,
    )
    review.reasked_at = now
    return "no score, asked again"
