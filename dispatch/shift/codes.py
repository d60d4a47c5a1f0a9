"""The site check-in code (issue 20): six digits the foreman's page shows for each shift,
changing every STEP_S seconds, that a worker texts (ПРИШЕЛ 482913 / HERE 482913) when GPS fails
or the phone is basic. The arrival is recorded like a link check-in (dispatch/shift/checkin.py,
method "code") and waits for the foreman to confirm.

The code is a TOTP (RFC 6238, pyotp) of a per-order secret made when first needed and never
shown. The current step's code and the previous one's are accepted (a worker who read the
code just before it changed); an older one is "expired". Only inside the link's window
(checkin.order_refusal). Wrong guesses are limited per worker (GUESSES) so six digits cannot
be tried by SMS in bulk."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

import pyotp
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from pyotp.utils import strings_equal
from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from core.db import locked
from core.jobs import RECONCILE_GRACE
from core.settings import get_settings
from dispatch.enums import NOT_CLOSED, CheckInMethod, OfferStatus
from dispatch.models import Branch, Offer, Order
from dispatch.shift import checkin
from dispatch.texts import autoreply, messaging
from sms.commands import CHECKIN_READ, CHECKIN_WAITING, read
from sms.models import Message
from workers.models import Worker

STEP_S = 600  # a code holds ten minutes
DIGITS = 6
EXPIRED_STEPS = 24 * 3600 // STEP_S  # a code up to a day old is told "expired", not "wrong"
# Wrong, expired or another order's code, per worker, shared by every jobs process (Redis):
# at most 5 an hour and 20 a day; past that nothing is checked until the window moves on.
GUESSES = "5/hour;20/day"
# A text read this long after it came in (a lost job, the jobs process down) checks no one in:
# it is answered "expired", as the code itself would be by then.
LATE_AFTER = timedelta(days=1)
# The sweep leaves a text to its own job this long after the hand-off, and takes this many a run.
SWEEP_GRACE = RECONCILE_GRACE
SWEEP_BATCH = 200

_CODE = re.compile(rf"\d{{{DIGITS}}}")

Outcome = Literal[
    "checked_in",  # recorded, for the foreman to confirm
    "repeated",  # already checked in or marked on that order: nothing new
    "missing",  # no six digits after the word
    "wrong",
    "expired",  # the code of one of the worker's orders, older than the previous step
    "other_order",  # the current code of an order the worker is not booked on
    "no_shift",  # no booking whose check-in is open now
    "limited",  # too many wrong guesses
]
COUNTED: tuple[Outcome, ...] = ("wrong", "expired", "other_order")  # guesses that count


@dataclass(frozen=True)
class Code:
    code: str
    valid_until: datetime  # the end of the current step


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    order: Order | None = None  # the order checked in on (checked_in, repeated)


def _at(secret: str, at: datetime) -> str:
    """RFC 6238: the HOTP of the step number. Built on pyotp's HOTP because its TOTP class
    refuses steps over 120 s (NIST's rule for login codes; ours is read off a foreman's
    screen and texted, and is good for one check-in, confirmed by the foreman)."""
    return pyotp.HOTP(secret, digits=DIGITS).at(int(at.timestamp()) // STEP_S)


def _step_end(now: datetime) -> datetime:
    step = int(now.timestamp()) // STEP_S
    return datetime.fromtimestamp((step + 1) * STEP_S, UTC)


def secret_of(session: Session, order: Order) -> str:
    """The order's secret, made now if it has none; two at once settle on the first."""
    if order.checkin_secret is None:
        session.execute(
            update(Order)
            .where(Order.id == order.id, Order.checkin_secret.is_(None))
            .values(checkin_secret=pyotp.random_base32())
            .execution_options(synchronize_session=False)
        )
        session.refresh(order, ["checkin_secret"])
    assert order.checkin_secret is not None
    return order.checkin_secret


def current(session: Session, order: Order, now: datetime) -> Code:
    """The code to show now; refused (CheckInRefused) outside the check-in window."""
    refused = checkin.order_refusal(order, now)
    if refused is not None:
        raise refused
    return Code(_at(secret_of(session, order), now), _step_end(now))


def typed_code(args: tuple[str, ...]) -> str | None:
    """The six digits after the word, spaces and dashes between them tolerated."""
    joined = "".join(args).replace("-", "").replace("–", "")
    return joined if _CODE.fullmatch(joined) and joined.isascii() else None


def _match(secret: str, code: str, now: datetime, steps: range) -> bool:
    return any(strings_equal(_at(secret, now - timedelta(seconds=STEP_S * k)), code) for k in steps)


def _is_current(secret: str | None, code: str, now: datetime) -> bool:
    return secret is not None and _match(secret, code, now, range(2))


class GuessLimiter:
    """Moving windows of wrong guesses per worker (GUESSES), in Redis."""

    NAMESPACE = "brigada-checkin-code"

    def __init__(self, redis_url: str, rate: str = GUESSES):
        self._limiter = MovingWindowRateLimiter(storage_from_string(redis_url))
        self._items = parse_many(rate)

    def blocked(self, worker_id: int) -> bool:
        return not all(self._limiter.test(i, self.NAMESPACE, str(worker_id)) for i in self._items)

    def count(self, worker_id: int) -> None:
        for item in self._items:
            self._limiter.hit(item, self.NAMESPACE, str(worker_id))


@cache
def limiter_for(redis_url: str) -> GuessLimiter:
    return GuessLimiter(redis_url)


def _open_orders(now: datetime) -> Select[Order]:
    """Orders whose check-in window may be open now (checkin.order_refusal has the last word)."""
    return select(Order).where(
        Order.status.in_(NOT_CLOSED),
        Order.closed_at.is_(None),
        Order.starts_at - checkin.OPENS_BEFORE_START <= now,
        Order.ends_at >= now,
    )


def check_in_by_code(
    session: Session, worker_id: int, args: tuple[str, ...], *, now: datetime, limiter: GuessLimiter
) -> Verdict:
    """ПРИШЕЛ <code>: the worker's booking whose code it is, checked in; else why not."""
    code = typed_code(args)
    if code is None:
        return Verdict("missing")
    rows = session.execute(
        _open_orders(now)
        .add_columns(Offer)
        .join(Offer, Offer.order_id == Order.id)
        .where(Offer.worker_id == worker_id, Offer.status == OfferStatus.BOOKED)
        .order_by(Order.starts_at, Order.id)
    ).all()
    mine = [(order, offer) for order, offer in rows if checkin.order_refusal(order, now) is None]
    if not mine:
        return Verdict("no_shift")
    if limiter.blocked(worker_id):
        return Verdict("limited")
    verdict = _verdict(session, mine, code, now)
    if verdict.outcome in COUNTED:
        limiter.count(worker_id)
    return verdict


def _verdict(
    session: Session, mine: list[tuple[Order, Offer]], code: str, now: datetime
) -> Verdict:
    for order, offer in mine:  # a worker booked on two shifts today: the code decides
        if _is_current(order.checkin_secret, code, now):
            return _record(session, order.id, offer.id, now)
    for order, _ in mine:
        secret = order.checkin_secret
        if secret is not None and _match(secret, code, now, range(2, EXPIRED_STEPS + 1)):
            return Verdict("expired")
    theirs = session.scalars(
        _open_orders(now).where(
            Order.checkin_secret.is_not(None), Order.id.not_in([o.id for o, _ in mine])
        )
    )
    if any(_is_current(order.checkin_secret, code, now) for order in theirs):
        return Verdict("other_order")  # which one is not told
    return Verdict("wrong")


def _record(session: Session, order_id: int, offer_id: int, now: datetime) -> Verdict:
    # Locks as everywhere in dispatch: the order, then the offer.
    order = session.scalars(locked(select(Order).where(Order.id == order_id))).one()
    offer = session.scalars(locked(select(Offer).where(Offer.id == offer_id))).one()
    refused = checkin.refusal(order, offer, now)
    if (refused is not None and refused.reason == "marked") or offer.checked_in_at is not None:
        return Verdict("repeated", order)  # the first check-in (or the foreman's mark) stands
    if refused is not None:
        return Verdict("no_shift")
    checkin.record(session, order, offer, now, CheckInMethod.CODE)
    return Verdict("checked_in", order)


# -- the SMS: ПРИШЕЛ 482913 (dispatch/replies/arrival.py hands it on to this job) --------------

# The texts of the refusals, by outcome (automatic replies: dispatch/texts/autoreply.py).
REFUSALS = {
    "repeated": "checkin_code_repeated",
    "missing": "checkin_code_missing",
    "wrong": "checkin_code_wrong",
    "expired": "checkin_code_expired",
    "other_order": "checkin_code_other",
    "no_shift": "checkin_code_no_shift",
    "limited": "checkin_code_limited",
}


def by_sms(session: Session, message_id: int, now: datetime) -> str:
    """Act once on a text the inbox handed on: the check-in, or the reason why not, texted
    back in the worker's language. A recorded check-in is confirmed (never throttled: once a
    booking); every refusal is an automatic reply (throttled). The job and the sweep
    (`waiting`) both come here: the text's row lock (SKIP LOCKED) and its kind moving to
    CHECKIN_READ in the same transaction as the check-in let only one of them act.

    The code is judged, and the arrival recorded, at the time the text came in (its row's
    created_at; never later than now, the database's clock and ours may differ a little),
    not when a late job or the sweep reads it. Read more than LATE_AFTER after it came in,
    it is answered "expired" and nothing is recorded (not counted as a guess)."""
    message = session.scalars(
        select(Message)
        .where(Message.id == message_id, Message.kind == CHECKIN_WAITING)
        .with_for_update(skip_locked=True)
    ).first()
    if message is None:
        return "skipped"  # read already, or being read by the job or the sweep right now
    message.kind = CHECKIN_READ
    command = read(message.body)
    if message.worker_id is None or command is None:
        return "nothing to read"  # its words are gone (a deletion on request): never again
    worker = session.get_one(Worker, message.worker_id)
    at = min(message.created_at, now)
    if now - at > LATE_AFTER:
        sent = autoreply.reply(session, worker, REFUSALS["expired"])
        return "check-in code read too late" + ("" if sent else ", reply withheld")
    limiter = limiter_for(get_settings().redis_url)
    verdict = check_in_by_code(session, worker.id, command.args, now=at, limiter=limiter)
    order = verdict.order
    if order is None:
        sent = autoreply.reply(session, worker, REFUSALS[verdict.outcome])
        return f"check-in code {verdict.outcome}" + ("" if sent else ", reply withheld")
    message.order_id = order.id
    if verdict.outcome == "checked_in":
        zone = ZoneInfo(session.get_one(Branch, order.branch_id).timezone)
        start = f"{at.astimezone(zone):%H:%M}"
        messaging.tell(session, worker, "checkin_code_ok", order.id, code=order.code, start=start)
        return f"checked in by code on {order.code}"
    sent = autoreply.reply(session, worker, REFUSALS[verdict.outcome], order.id, code=order.code)
    return f"check-in code repeated on {order.code}" + ("" if sent else ", reply withheld")


def waiting(session: Session, now: datetime) -> list[int]:
    """The sweep's work (dispatch.checkin_codes_due): texts handed on (kind CHECKIN_WAITING)
    whose job has not read them SWEEP_GRACE after the hand-off (lost: a crash between the
    commit and the broker, a broker emptied), oldest first, at most SWEEP_BATCH a run.
    updated_at is the hand-off's time: the inbox's write of the kind."""
    return list(
        session.scalars(
            select(Message.id)
            .where(
                Message.direction == "in",
                Message.kind == CHECKIN_WAITING,
                Message.updated_at < now - SWEEP_GRACE,
            )
            .order_by(Message.id)
            .limit(SWEEP_BATCH)
        )
    )
