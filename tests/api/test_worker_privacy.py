"""A worker's name and phone, read path by read path (API, CSV, console): staff of the home
branch and admins see both; staff of a branch that booked and paid the worker see the name
and the phone masked to its last two digits; anyone else sees nothing of the worker. Every
read that shows either is audited with the worker's id (dispatch/access/privacy.py)."""

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from core.logmask import masked_phone
from core.tenancy import SYSTEM
from dispatch.shift import onsite
from sms import outbox
from tests.api.console.helpers import htmx_headers, sign_in
from tests.builders import (
    KAZAN,
    MOSCOW,
    auth,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)

NAME = "Privatov Petr Zed"
PHONE = "+79215550123"
READERS = ("home", "paying", "unrelated", "admin")


@dataclass(frozen=True)
class Path:
    """A read path: who reads it, what it shows, and what each reader may see of the worker."""

    role: str
    url: str  # formatted with the world's ids
    shows_phone: bool
    sees: tuple[str, str, str, str]  # full | masked | none, for READERS in order
    shows_name: bool = True


PATHS = {
    # Leaked: full phones of other branches' workers, unaudited.
    "api payouts csv": Path(
        "dispatcher",
        "/api/v1/branches/{paying}/payouts?from={day}&to={day}",
        True,
        ("none", "masked", "none", "full"),
    ),
    # Leaked: names unaudited (JSON, CSV, and the close page that shows the sheet).
    "api timesheet json": Path(
        "dispatcher", "/api/v1/orders/{closed}/timesheet", False, ("none", "masked", "none", "full")
    ),
    "api timesheet csv": Path(
        "dispatcher",
        "/api/v1/orders/{closed}/timesheet?format=csv",
        False,
        ("none", "masked", "none", "full"),
    ),
    "console foreman close": Path(
        "foreman",
        "/console/foreman/orders/{closed}/close",
        False,
        ("none", "masked", "none", "full"),
    ),
    # Leaked: masked phones (or none) but the read unaudited.
    "api messages": Path(
        "dispatcher", "/api/v1/messages", True, ("full", "masked", "none", "full"), False
    ),
    "console messages": Path(
        "dispatcher", "/console/messages", True, ("full", "masked", "none", "full")
    ),
    # Leaked: the paying branch's foreman got no phone at all (cannot tell two Ivanovs apart);
    # now the masked one, and the row of a mark is audited too.
    "console foreman": Path(
        "foreman", "/console/foreman", True, ("none", "masked", "none", "full")
    ),
    # Leaked: a booked worker of another branch shown as "worker #id"; now named, audited.
    "console order page": Path(
        "dispatcher", "/console/orders/{closed}", False, ("none", "masked", "none", "full")
    ),
    # Already right: the home branch only (404 elsewhere), audited.
    "api worker": Path(
        "dispatcher", "/api/v1/workers/{worker}", True, ("full", "none", "none", "full")
    ),
    "api workers list": Path(
        "dispatcher", "/api/v1/workers", True, ("full", "none", "none", "full")
    ),
    "console worker page": Path(
        "dispatcher", "/console/workers/{worker}", True, ("full", "none", "none", "full")
    ),
    "console worker search": Path(
        "dispatcher", "/console/workers?q=privatov", True, ("full", "none", "none", "full")
    ),
    "console phone pick": Path(
        "dispatcher", "/console/phone?q=privatov", True, ("full", "none", "none", "full")
    ),
    "console phone simulator": Path(
        "dispatcher", "/console/phone/{worker}", True, ("full", "none", "none", "full")
    ),
    # Already right: ids only, no name or phone to anyone.
    "api order roster": Path("dispatcher", "/api/v1/orders/{closed}", True, ("none",) * 4),
    "api offers": Path("dispatcher", "/api/v1/orders/{closed}/offers", True, ("none",) * 4),
    "api candidates": Path("dispatcher", "/api/v1/orders/{live}/candidates", True, ("none",) * 4),
    "api audit": Path("manager", "/api/v1/audit", True, ("none",) * 4),
}


@pytest.fixture
def world(session):
    """A worker of `home` booked and paid by `paying` (a closed shift, and one under way run
    by the site's foreman), and a branch that never engaged them."""
    home, paying = make_branch(session), make_branch(session)
    unrelated = make_branch(session, center=KAZAN)
    worker = make_worker(session, branch=home, full_name=NAME, phone=PHONE)
    site = make_site(session, client=make_client(session, branch=paying), at=MOSCOW)
    foreman = make_user(session, role="foreman", branch=paying)
    site.foreman_id = foreman.id
    closed = make_order(
        session, site=site, now=now() - timedelta(days=3), starts_in=timedelta(days=1), hours=8
    )
    offer = make_offer(session, order=closed, worker=worker, booked_at=closed.starts_at)
    offer.attendance, offer.arrived_at = "arrived", closed.starts_at
    outbox.queue(
        session, kind="offer", worker_id=worker.id, phone=PHONE, body="work?", order_id=closed.id
    )
    onsite.close_shift(session, closed.id, actor=SYSTEM, now=closed.ends_at)
    live = make_order(
        session,
        site=site,
        now=now() - timedelta(days=1),
        starts_in=timedelta(days=1) - timedelta(minutes=30),
    )
    make_offer(session, order=live, worker=worker, booked_at=now() - timedelta(hours=5))
    readers = {}
    for relation, branch in (("home", home), ("paying", paying), ("unrelated", unrelated)):
        for role in ("dispatcher", "manager", "foreman"):
            user = foreman if (relation, role) == ("paying", "foreman") else None
            readers[relation, role] = user or make_user(session, role=role, branch=branch)
    for role in ("dispatcher", "manager", "foreman"):
        readers["admin", role] = make_user(session, role="admin")
    session.flush()
    return {
        "worker": worker,
        "readers": readers,
        "ids": {
            "paying": paying.id,
            "closed": closed.id,
            "live": live.id,
            "worker": worker.id,
            "day": closed.starts_at.astimezone(ZoneInfo(paying.timezone)).date(),
        },
    }


def _reads_of(session, reader, worker_id: int) -> list[AuditEntry]:
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.actor_user_id == reader.id, AuditEntry.entity == "worker")
        .order_by(AuditEntry.id)
    )
    return [e for e in entries if worker_id in e.entity_ids]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", PATHS)
def test_each_read_path_shows_a_worker_as_the_rule_says_and_audits_it(
    client, session, world, name, reader
):
    path = PATHS[name]
    expected = path.sees[READERS.index(reader)]
    user = world["readers"][reader, path.role]
    sign_in(client, user)
    answer = client.get(path.url.format(**world["ids"]), headers=auth(user))
    assert answer.status_code in (200, 404), answer.text
    text = answer.text
    reads = _reads_of(session, user, world["worker"].id)
    if expected == "none":
        assert NAME not in text, f"{name}: {reader} sees the name"
        assert PHONE[-9:] not in text and masked_phone(PHONE) not in text, f"{name}: phone"
        assert not reads, f"{name}: {reader} saw nothing, yet a read of the worker is audited"
        return
    assert answer.status_code == 200
    assert not path.shows_name or NAME in text, f"{name}: {reader} should see the name"
    if expected == "full":
        assert not path.shows_phone or PHONE in text, f"{name}: {reader} should see the phone"
    else:
        assert PHONE[-9:] not in text, f"{name}: {reader} sees the whole phone"
        assert not path.shows_phone or masked_phone(PHONE) in text, f"{name}: masked phone"
    assert reads, f"{name}: {reader}'s read of the worker is not in the audit log"
    masked = [world["worker"].id in e.detail.get("masked", []) for e in reads]
    assert any(masked) if expected == "masked" else not any(masked), f"{name}: audit detail"


def test_the_foremans_marked_row_shows_the_masked_phone_and_is_audited(client, session, world):
    """The row a mark answers (htmx) is a read too: it used to show no phone and go unaudited."""
    foreman = world["readers"]["paying", "foreman"]
    worker_id, live = world["worker"].id, world["ids"]["live"]
    sign_in(client, foreman)
    answer = client.post(
        f"/console/foreman/orders/{live}/mark",
        data={"worker_id": worker_id, "status": "arrived"},
        headers=htmx_headers(client),
    )
    assert answer.status_code == 200, answer.text
    assert NAME in answer.text and masked_phone(PHONE) in answer.text
    assert 'href="tel:' not in answer.text and PHONE[-9:] not in answer.text
    reads = _reads_of(session, foreman, worker_id)
    assert [e.detail["masked"] for e in reads] == [[worker_id]]


def test_the_masked_phone_is_the_log_maskers_own():
    assert masked_phone(PHONE) == "+*********23"
    assert masked_phone("8 921 555-01-23") == "*********23"
