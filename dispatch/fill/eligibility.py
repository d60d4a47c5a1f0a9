"""Who may be offered an order and booked on it: every rule once, as SQL.

The matcher (dispatch/fill/matcher.py) ANDs the rules into its walk of the workers; the booking
check (fill._check_can_book) and "why is this worker not on the list" evaluate the same
rules one by one for one worker and name each rule that fails by its stable code.

The SQL reads the worker as `w`, the order's site as `site`, and takes the bind parameters
:now, :skill, :order_id, :client_id, :starts_at, :ends_at and :radius_m. The worker's own
columns are compared plainly (no ST_DWithin, = ANY rather than @>) so that the matcher's
cell index (ix_workers_cell_rating, whose WHERE holds the first four rules) serves them alone.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from core import audit
from core.models import sql_equals
from core.tenancy import Actor
from dispatch.enums import OfferStatus
from dispatch.models import Order
from workers.enums import WorkerStatus
from workers.errors import WorkerNotFound

# The worker's booking on another order whose shift overlaps this one.
_BOOKED = sql_equals("b.status", OfferStatus.BOOKED)
_CLASH = f"""SELECT bo.code FROM offers b JOIN orders bo ON bo.id = b.order_id
                WHERE b.worker_id = w.id AND {_BOOKED} AND bo.id <> :order_id
                  AND bo.starts_at < :ends_at AND bo.ends_at > :starts_at"""


# The shift's day where the order is: its start in its client's branch's zone.
DAY = """SELECT CAST(CAST(:starts_at AS timestamptz) AT TIME ZONE day_br.timezone AS date)
                FROM clients day_c JOIN branches day_br ON day_br.id = day_c.branch_id
                WHERE day_c.id = :client_id"""


# The days a worker said by SMS they are busy (FREE/BUSY: workers/availability.py): no work
# on the order's day. Uncorrelated: one read of ix_worker_availability_day per query, hashed
# (a per-worker probe made PostgreSQL's generic plan of the matcher several times slower).
SAID_BUSY = f"""w.id IN (SELECT wa.worker_id FROM worker_availability wa
                WHERE wa.day = ({DAY}) AND NOT wa.free)"""


@dataclass(frozen=True)
class Rule:
    code: str  # stable: the API and the console translate it
    holds: str  # SQL, true when the worker passes


RULES = (
    Rule("inactive", sql_equals("w.status", WorkerStatus.ACTIVE)),
    Rule("not_vetted", "w.vetted"),
    Rule("opted_out", "NOT w.opted_out"),
    Rule("phone_unreachable", "NOT w.phone_invalid"),
    Rule("suspended", "(w.suspended_until IS NULL OR w.suspended_until <= :now)"),
    # The worker's own PAUSE N (by SMS): no offers while it lasts.
    Rule("paused", "(w.paused_until IS NULL OR w.paused_until <= :now)"),
    # A work patent expired before the shift's day (in the order's branch's zone) counts;
    # no patent on record: none is needed. The day is one InitPlan, not a per-worker lookup.
    Rule("patent_expired", f"(w.patent_expires_on IS NULL OR w.patent_expires_on >= ({DAY}))"),
    Rule("no_skill", "CAST(:skill AS varchar) = ANY(w.skills)"),
    Rule("too_far", "ST_Distance(w.home, site.location, false) <= :radius_m"),
    Rule("booked_elsewhere", f"NOT EXISTS ({_CLASH})"),
    Rule("said_busy", f"NOT {SAID_BUSY}"),
    Rule(
        "blocked_by_client",
        """NOT EXISTS (SELECT 1 FROM client_blocks cb
                WHERE cb.client_id = :client_id AND cb.worker_id = w.id)""",
    ),
    Rule(
        "already_offered",
        "NOT EXISTS (SELECT 1 FROM offers o WHERE o.order_id = :order_id AND o.worker_id = w.id)",
    ),
)
CODES = tuple(rule.code for rule in RULES)

# The matcher's WHERE: every rule.
MATCHER_CONDITION = "\n          AND ".join(rule.holds for rule in RULES)

# A YES is checked against every rule but four: the offer was made within its wave's radius
# (a later wave's wider radius or a move home does not take it back), the worker holds
# an offer of this order by then, of course, and their own word (a pause, a busy day) gives
# way to their YES to an offer made before it.
NOT_AT_BOOKING = ("too_far", "already_offered", "paused", "said_busy")
AT_BOOKING = tuple(code for code in CODES if code not in NOT_AT_BOOKING)
# A booking whose shift moved is checked again against the rules that read the shift's
# times: a clash with another booking at the new time, a patent ending before the new day.
ON_MOVE = ("patent_expired", "booked_elsewhere")


@dataclass(frozen=True)
class Verdict:
    failed: list[str]  # codes of the rules the worker fails, in RULES order
    clash_code: str | None  # the order they are booked on at that time, if any

    @property
    def eligible(self) -> bool:
        return not self.failed


def params(order: Order, now: datetime, radius_m: float) -> dict[str, object]:
    """The bind parameters of the rules for an order."""
    return {
        "order_id": order.id,
        "site_id": order.site_id,
        "client_id": order.client_id,
        "skill": order.skill,
        "starts_at": order.starts_at,
        "ends_at": order.ends_at,
        "radius_m": float(radius_m),
        "now": now,
    }


def _check(
    session: Session,
    order: Order,
    worker_id: int,
    now: datetime,
    radius_m: float,
    codes: tuple[str, ...],
    **shift: datetime,
) -> Verdict | None:
    rules = [rule for rule in RULES if rule.code in codes]
    columns = ", ".join(f"({rule.holds}) AS {rule.code}" for rule in rules)
    row = session.execute(
        text(
            f"""SELECT {columns}, ({_CLASH} LIMIT 1) AS clash_code
            FROM workers w CROSS JOIN (SELECT location FROM sites WHERE id = :site_id) site
            WHERE w.id = :worker_id"""
        ),
        {**params(order, now, radius_m), "worker_id": worker_id, **shift},
    ).one_or_none()
    if row is None:
        return None
    # NULL fails, as in the matcher's WHERE.
    failed = [rule.code for rule in rules if not getattr(row, rule.code)]
    return Verdict(failed=failed, clash_code=row.clash_code)


def for_offer(
    session: Session, order: Order, worker_id: int, now: datetime, radius_m: float
) -> Verdict | None:
    """Every rule the matcher applies, for one worker (None: no such worker)."""
    return _check(session, order, worker_id, now, radius_m, CODES)


def at_booking(session: Session, order: Order, worker_id: int, now: datetime) -> Verdict | None:
    """The rules a YES must still pass (None: no such worker); the caller holds the
    worker's row lock, taken in an earlier statement so this one sees what it waited for."""
    return _check(session, order, worker_id, now, order.radius_m, AT_BOOKING)


def after_move(
    session: Session,
    order: Order,
    worker_id: int,
    now: datetime,
    *,
    starts_at: datetime,
    ends_at: datetime,
) -> Verdict | None:
    """The rules a booking must still pass were its shift moved to these times (None: no
    such worker); the caller holds the worker's row lock."""
    shift = {"starts_at": starts_at, "ends_at": ends_at}
    return _check(session, order, worker_id, now, order.radius_m, ON_MOVE, **shift)


def why_not_offered(
    session: Session, order: Order, worker_id: int, *, actor: Actor, now: datetime
) -> list[str]:
    """The rules that keep a worker off the order's candidate list at its current radius
    (empty: eligible, and only ranked below the list's end). Audited: it tells a worker's
    standing, whichever branch they belong to."""
    verdict = for_offer(session, order, worker_id, now, order.radius_m)
    if verdict is None:
        raise WorkerNotFound(worker_id)
    audit.log(
        session,
        actor,
        "worker.eligibility",
        "worker",
        [worker_id],
        order.branch_id,
        order_id=order.id,
        failed=verdict.failed,
    )
    return verdict.failed
