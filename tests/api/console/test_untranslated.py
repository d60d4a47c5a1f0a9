"""No English in the Russian console, no Russian in the English one (issue 15, item 7).

Each staff role signs in and walks every console page: the GET routes are read from the
app's router, so a new page is walked without editing this file; their path parameters are
filled from a seeded world (an order in each state, a closed one with its timesheet, a
worker with every kind of ledger entry, messages of every kind and status, check-in links),
and error pages and refused forms are walked too. The visible text (text nodes, and the
title, aria-label, placeholder, alt and button values a screen reader or a tooltip says) of
every page must hold no word in the other alphabet, except the data the test seeded itself
and the few names in ALLOWED."""

import html.parser
import itertools
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.console.errors import explain_invalid
from api.console.i18n import LANGUAGES, TEXTS, translator
from api.main import create_app
from core.clock import now
from core.settings import get_settings
from core.tenancy import SYSTEM
from dispatch.billing.models import Invoice
from dispatch.billing.service import snapshot
from dispatch.client_models import (
    CLIENT_EVENTS,
    ClientEvent,
    QualityReview,
    TimesheetSignoff,
    WebhookDelivery,
    WebhookSubscription,
)
from dispatch.enums import OrderStatus
from dispatch.fill import waves
from dispatch.hooks import events, subscriptions
from dispatch.models import Branch, Client, Offer, Order, Site, User
from dispatch.network.models import Organisation
from dispatch.orders import service as orders
from dispatch.penalties import batches, disputes, record
from dispatch.registry.knobs import CURRENCIES
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite, reviews, signoff
from dispatch.texts import links
from rating.models import PenaltyDispute, PenaltyEvent, Review
from rating.reasons import REASONS
from sms import outbox, templates
from sms.enums import INBOUND, STATUSES
from sms.models import Message
from tests.api.console.helpers import csrf_of, sign_in
from tests.builders import (
    MOSCOW,
    make_applicant,
    make_branch,
    make_client,
    make_district,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
    offset,
)
from tests.workers.test_import_runs import make_import_run
from workers.applicants import Applicant, District
from workers.enums import IMPORT_STATUSES
from workers.models import LANGUAGES as WORKER_LANGUAGES
from workers.models import ImportRun, Worker

ROLES = ("admin", "manager", "dispatcher", "foreman", "recruiter")

# Latin words a Russian page may hold, each for a reason:
ALLOWED = {
    "Twilio",  # the SMS provider's name (the phone simulator's hint)
    "RU",  # the language switch: each language by its own code
    "EN",
    "GSM",  # an SMS's encoding, by the standard's name (GSM-7, UCS-2), in the message log
    "UCS",
    *CURRENCIES,  # ISO 4217 codes (a branch's currency), said as such
}
# A field of an SMS text ({code}, {address}) is typed as it is, in any language.
PLACEHOLDER = re.compile(r"{\w+}")
# Attributes whose words are said or shown: by screen readers, as tooltips, on buttons.
SAID = ("title", "aria-label", "aria-valuetext", "placeholder", "alt")
LATIN = re.compile(r"[A-Za-z]+")
CYRILLIC = re.compile(r"[А-Яа-яЁё]+")
URL = re.compile(r"https?://\S+")


class _Text(html.parser.HTMLParser):
    """The words a person meets on a page: text nodes (not scripts or styles) and said
    attributes, the values of buttons, and data-* attributes that read as words (scripts
    show them: "finding where you are…"), not data (JSON, ids, single codes)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            if not value:
                continue
            words = name.startswith("data-") and " " in value.strip() and value[0] not in "[{"
            if name in SAID or words:
                self.found.append(value)
        is_button = tag == "button" or values.get("type") in ("submit", "button", "reset")
        if is_button and tag == "input" and values.get("value"):
            self.found.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.found.append(data.strip())


def visible_text(page: str) -> list[str]:
    parser = _Text()
    parser.feed(page)
    return parser.found


@dataclass
class World:
    branch: Branch
    users: dict[str, User]
    params: dict[str, list[str]]  # path parameter -> values to walk
    seeded: set[str] = field(default_factory=set)  # data shown as it was stored


def _seeded_strings(session, world: World) -> None:
    """Everything the console shows as data, not as its own words."""
    rows = [
        *(w.full_name for w in session.scalars(select(Worker))),
        *(w.phone for w in session.scalars(select(Worker))),
        # issue 19: applicants as they typed themselves, and the recruiter's words
        *(a.full_name or "" for a in session.scalars(select(Applicant))),
        *(a.phone for a in session.scalars(select(Applicant))),
        *(a.interview or "" for a in session.scalars(select(Applicant))),
        *(a.note or "" for a in session.scalars(select(Applicant))),
        *(d.name for d in session.scalars(select(District))),
        *(u.username for u in session.scalars(select(User))),
        *(c.name for c in session.scalars(select(Client))),
        *(s.name for s in session.scalars(select(Site))),
        *(s.address for s in session.scalars(select(Site))),
        *(o.code for o in session.scalars(select(Order))),
        *(o.cancel_reason or "" for o in session.scalars(select(Order))),
        *(b.code for b in session.scalars(select(Branch))),
        *(b.name for b in session.scalars(select(Branch))),
        *(b.timezone for b in session.scalars(select(Branch))),
        *(b.currency for b in session.scalars(select(Branch))),
        # typed by people: a dispatcher's reason, a complaint's words
        *(e.reason for e in session.scalars(select(PenaltyEvent)) if e.reason_code is None),
        *(r.comment or "" for r in session.scalars(select(Review))),
        *(r.reason or "" for r in session.scalars(select(TimesheetSignoff))),
        *(d.words or "" for d in session.scalars(select(PenaltyDispute))),  # a worker's
        # clients' webhooks: their addresses, event ids and the receivers' answers
        *(h.url for h in session.scalars(select(WebhookSubscription))),
        *(str(d.event_id) for d in session.scalars(select(WebhookDelivery))),
        *(d.last_error or "" for d in session.scalars(select(WebhookDelivery))),
        # the texts workers got and sent, in the worker's language, not the console's
        *(m.body for m in session.scalars(select(Message))),
        # the default texts, in the worker's language: the SMS texts' editor shows them
        *(body for table in templates.TEMPLATES.values() for body in table.values()),
        # an import's file name, and its report's lines: the file's columns, the importer's words
        *(run.filename for run in session.scalars(select(ImportRun))),
        *(
            text
            for run in session.scalars(select(ImportRun))
            for line in run.rejected
            for text in (line["msg"], f"{line['row']};{line['field']};{line['msg']}")
        ),
    ]
    world.seeded |= {row for row in rows if row}


def _world(session) -> World:
    """A branch's day with something of every kind the console shows."""
    at = now()
    branch = make_branch(session, name="Московский филиал")
    client = make_client(session, branch=branch, name="ООО «Ромашка»")
    site = make_site(session, client=client, at=MOSCOW)
    site.name = "Склад на Складской"
    users = {
        "admin": make_user(session, role="admin"),
        "manager": make_user(session, role="manager", branch=branch),
        "dispatcher": make_user(session, role="dispatcher", branch=branch),
        "foreman": make_user(session, role="foreman", branch=branch),
        "recruiter": make_user(session, role="recruiter", branch=branch),
    }
    site.foreman_id = users["foreman"].id
    dispatcher = actor_of(users["dispatcher"])
    names = iter(
        [
            "Смирнова Наталья",
            "Николаев Олег",
            "Кузнецов Павел",
            "Попова Анна",
            "Васильев Роман",
            "Соколова Ирина",
            "Михайлов Андрей",
            "Фёдорова Елена",
            "Морозов Сергей",
            "Волкова Мария",
        ]
    )
    crew = [
        make_worker(session, branch=branch, near=offset(MOSCOW, north_m=300 * i), full_name=n)
        for i, n in enumerate(names)
    ]

    # Tomorrow: one not yet sent out, one filling (offers out), one short.
    fresh = make_order(session, site=site, now=at, starts_in=timedelta(days=1))
    filling = make_order(session, site=site, now=at, starts_in=timedelta(days=1, hours=2))
    waves.start_filling(session, filling.id, at)
    short = make_order(session, site=site, now=at, starts_in=timedelta(days=1, hours=3))
    short.status = "short"
    # A client's, placed inside the lead time: awaiting the office's approval (its buttons).
    awaiting = make_order(session, site=site, now=at, starts_in=timedelta(days=1, hours=4))
    awaiting.status, awaiting.next_wave_at = "awaiting_approval", None

    # Under way since 70 min ago: late, no-show corrected to arrived, left early, released,
    # one checked in by link and waiting for the foreman.
    running = make_order(
        session, site=site, now=at - timedelta(days=1), starts_in=timedelta(days=1, minutes=-70)
    )
    run_offers = [
        make_offer(session, order=running, worker=w, booked_at=at - timedelta(days=1))
        for w in crew[:5]
    ]
    start = running.starts_at

    def mark(order, worker, status, minutes):
        onsite.mark_attendance(
            session,
            order.id,
            actor=SYSTEM,
            worker_id=worker.id,
            status=status,
            at=order.starts_at + timedelta(minutes=minutes) if status != "no_show" else None,
            now=at,
        )

    mark(running, crew[0], "arrived", 25)  # late
    mark(running, crew[1], "no_show", 0)
    mark(running, crew[1], "arrived", 5)  # corrected: the no-show is withdrawn
    mark(running, crew[2], "arrived", 0)
    mark(running, crew[2], "left_early", 40)
    mark(running, crew[3], "released", 1)
    run_offers[4].checked_in_at, run_offers[4].checkin_distance_m = start, 42.0
    # A no-show the foreman just marked: waiting out its undo window, nothing fined yet.
    make_offer(session, order=running, worker=crew[7], booked_at=at - timedelta(days=1))
    onsite.mark_attendance(
        session,
        running.id,
        actor=actor_of(users["foreman"]),
        worker_id=crew[7].id,
        status="no_show",
        at=None,
        now=at,
    )

    # Closed yesterday with a timesheet: very late (a no-show), came, never marked.
    closed = make_order(session, site=site, now=at - timedelta(days=2), starts_in=timedelta(days=1))
    for worker in crew[:3]:
        make_offer(session, order=closed, worker=worker, booked_at=at - timedelta(days=2))
    mark(closed, crew[0], "arrived", 90)
    mark(closed, crew[1], "arrived", 3)
    onsite.close_shift(session, closed.id, actor=SYSTEM, now=at, end="scheduled")
    # The client rated the crew 1 by SMS (dispatch/quality/): an open case and its badge.
    session.add(
        QualityReview(
            order_id=closed.id, branch_id=branch.id, phone="+79031234567", language="ru",
            asked_at=at, score=1, answered_at=at, case_opened_at=at,
        )
    )  # fmt: skip
    reviews.review_worker(
        session,
        closed.id,
        actor=dispatcher,
        worker_id=crew[1].id,
        stars=2,
        complaint=True,
        comment="грубил заказчику",
        now=at,
    )
    # The client disputes one line (the sign-off page and the disputes queue show it).
    signoff.dispute(session, closed.id, crew[0].id, actor=dispatcher, reason="ушёл в 15:00", now=at)
    # The worker disputes their penalty by SMS (issue 19): the worker disputes queue shows it.
    disputes.open_case(session, crew[0], closed.code, words="автобус опоздал", message=None, now=at)
    no_show = next(
        e for e in record.worker_penalties(session, crew[2].id, actor=dispatcher) if e.points
    )
    record.reverse_penalty(
        session, no_show.id, actor=dispatcher, reason="болел, есть справка", now=at
    )
    # issue 21: a payout batch of the closed order's day (the payouts pages)
    closed_day = closed.starts_at.astimezone(ZoneInfo(branch.timezone)).date()
    batch = batches.make_batch(
        session, branch.id, actor=dispatcher, date_from=closed_day, date_to=closed_day, now=at
    )

    # In six hours: a worker cancels late; the client cancels late another order.
    soon = make_order(session, site=site, now=at, starts_in=timedelta(hours=6))
    make_offer(session, order=soon, worker=crew[5], booked_at=at - timedelta(hours=1))
    waves.answer(session, order_id=soon.id, worker_id=crew[5].id, yes=False, source="sms", now=at)
    dropped = make_order(session, site=site, now=at, starts_in=timedelta(hours=5))
    make_offer(session, order=dropped, worker=crew[6], booked_at=at - timedelta(hours=1))
    orders.cancel_order(session, dropped.id, actor=dispatcher, reason="объект закрыт", now=at)

    # Texts of every kind and every status, on the profile's worker and the running order.
    worker = crew[0]
    for kind in (*templates.KINDS, "reply"):
        found = session.scalars(
            select(Message).where(Message.kind == kind, Message.worker_id == worker.id)
        ).first()
        if found is None:
            message = outbox.queue(
                session,
                kind=kind,
                worker_id=worker.id,
                phone=worker.phone,
                body=f"Текст {len(kind)}",
                order_id=running.id,
            )
            if kind == "reply":
                message.direction, message.status = "in", "received"
    sent = list(session.scalars(select(Message).where(Message.worker_id == worker.id)))
    outgoing = [m for m in sent if m.direction == "out"]
    for message, status in zip(outgoing, [s for s in STATUSES if s not in INBOUND], strict=False):
        message.status = status
        if status == "failed":
            message.error_code = "30003"
    for status in INBOUND:
        session.add(
            Message(
                direction="in",
                kind="reply",
                worker_id=worker.id,
                order_id=running.id,
                phone=worker.phone,
                body="ДА " + running.code,
                encoding="UCS-2",
                segments=1,
                status=status,
            )
        )
    session.flush()

    hooks = _webhooks(session, client, dropped, at)
    every_state = (fresh, filling, short, running, closed, soon, dropped, awaiting)
    import_runs = [make_import_run(session, branch, status=s) for s in IMPORT_STATUSES]
    secret = get_settings().secret_key
    offers = session.scalars(select(Offer).where(Offer.status == "booked")).all()
    applicants = [  # issue 19: the recruiting pages, an applicant in each state they show
        make_applicant(session, branch=branch, status=status, interview=interview, note=note)
        for status, interview, note in (
            ("queued", None, None),
            ("invited", "15.01 10:30, ул. Баумана, 5", None),
            ("refused", None, "не пришёл"),
        )
    ]
    district = make_district(session, branch=branch, name="Тверской")
    world = World(
        branch=branch,
        users=users,
        params={
            "order_id": [str(o.id) for o in every_state],
            "worker_id": [str(w.id) for w in crew],
            "client_id": [str(client.id)],
            "site_id": [str(site.id)],
            "token": [links.token_for(o.id, secret) for o in offers],
            "branch_id": [str(branch.id)],
            "user_id": [str(users["dispatcher"].id)],
            "kind": ["offer"],
            "lang": list(templates.TEMPLATES),
            "run_id": [str(run.id) for run in import_runs],
            "hook_id": [str(hook.id) for hook in hooks],
            "applicant_id": [str(a.id) for a in applicants],
            "district_id": [str(district.id)],
            **_billing(session, branch, client),
            "batch_id": [str(batch.id)],
        },
    )
    _seeded_strings(session, world)
    world.seeded |= {*LEGAL.values(), "Франчайзи"}
    return world


# Issue 21: the branch's and the client's legal details, as an invoice shows them.
LEGAL = {
    "legal_name": "ООО «Бригада»",
    "inn": "7707083893",
    "kpp": "773601001",
    "legal_address": "г. Москва, ул. Вавилова, 19",
    "bank_name": "ПАО Сбербанк",
    "bik": "044525225",
    "bank_account": "40702810938000000001",
}


def _billing(session, branch: Branch, client: Client) -> dict[str, list[str]]:
    """An invoice to the client and the branch's franchisee organisation (issue 21)."""
    for name, value in LEGAL.items():
        setattr(branch, name, value)
    client.inn, client.kpp, client.legal_address = "7736207543", "770401001", LEGAL["legal_address"]
    organisation = Organisation(name="Франчайзи", kind="franchisee", royalty_rate=Decimal("0.05"))
    session.add(organisation)
    session.flush()
    branch.organisation_id = organisation.id
    today = now().date()
    invoice = Invoice(
        branch_id=branch.id, client_id=client.id, number=f"{branch.code}-{today.year}-0001",
        year=today.year, seq=1, issued_on=today, period_from=today, period_to=today,
        net=Decimal("100.00"), vat_rate=Decimal("0.22"), vat=Decimal("22.00"),
        total=Decimal("122.00"), seller=snapshot(branch, client)[0],
        buyer=snapshot(branch, client)[1],
    )  # fmt: skip
    session.add(invoice)
    session.flush()
    return {"invoice_id": [str(invoice.id)], "royalty_org_id": [str(organisation.id)]}


def _webhooks(session, client, cancelled, at) -> list[WebhookSubscription]:
    """A subscription that delivers, one failing, one switched off after a day of failures
    (its delivery given up, the receiver's English error on it), one switched off by hand."""
    hooks = [
        subscriptions.create(
            session, client.id, actor=SYSTEM, url=f"https://hooks{n}.example.com/in",
            events=list(CLIENT_EVENTS),
        )
        for n in range(4)
    ]  # fmt: skip
    event = (
        events.order_event(session, cancelled, "order.cancelled")
        or session.scalars(select(ClientEvent).where(ClientEvent.order_id == cancelled.id)).first()
    )
    assert event is not None
    session.add_all(
        [
            WebhookDelivery(event_id=event.id, subscription_id=hooks[0].id, attempts=1,
                            last_attempt_at=at, last_status=200, delivered_at=at),
            WebhookDelivery(event_id=event.id, subscription_id=hooks[1].id, attempts=2,
                            last_attempt_at=at, last_error="ConnectError: connection refused",
                            next_attempt_at=at),
            WebhookDelivery(event_id=event.id, subscription_id=hooks[2].id, attempts=30,
                            last_attempt_at=at, last_status=503, last_error="Service Unavailable"),
        ]
    )  # fmt: skip
    hooks[1].failing_since = at
    hooks[2].failing_since, hooks[2].disabled_at = at - timedelta(days=1), at
    subscriptions.disable(session, client.id, hooks[3].id, actor=SYSTEM, now=at)
    session.flush()
    return hooks


def _api_routes(routes) -> list[APIRoute]:
    """The app's routes, through included routers (FastAPI keeps an included router whole,
    as `original_router`; the console's routers carry their /console prefix themselves)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif getattr(route, "original_router", None) is not None:
            found += _api_routes(route.original_router.routes)
    return found


def console_routes(app) -> list[str]:
    """Every page a browser opens: the console's GET routes, and the workers' check-in link."""
    return sorted(
        {
            route.path
            for route in _api_routes(app.routes)
            if "GET" in (route.methods or ())
            and (route.path.startswith("/console") or route.path.startswith("/c/"))
        }
    )


def _pages(app, world: World) -> tuple[list[str], list[str]]:
    """Each route with its path parameters filled from the world; routes it cannot fill."""
    pages, unfilled = [], []
    for path in console_routes(app):
        names = re.findall(r"{(\w+)}", path)
        missing = [name for name in names if name not in world.params]
        if missing:
            unfilled.append(f"{path}: nothing seeded for {missing}")
            continue
        for values in itertools.product(*(world.params[name] for name in names)):
            filled = path
            for name, value in zip(names, values, strict=True):
                filled = filled.replace("{" + name + "}", value)
            pages.append(filled)
    return pages, unfilled


def _extra_pages(world: World) -> list[str]:
    """Error pages and pages with refused filters or questions."""
    order_id, worker_id = world.params["order_id"][1], world.params["worker_id"][0]
    return [
        "/console/no-such-page",  # 404 of the router
        "/console/orders/2147483000",  # 404 of the domain
        "/console/orders/abc",  # 422: not a number
        "/console/orders/0",  # 422: below the least id
        f"/console/orders/{order_id}/cancel",  # 405: a form's address
        f"/console/orders/{order_id}?why={worker_id}",  # why a worker is not a candidate
        f"/console/orders/{order_id}?why=abc",
        "/console/messages?order=abc&worker_id=x&direction=sideways",
        "/console/workers?q=Смирнова",
        "/console/workers?skill=astronaut",
        "/console/phone?q=Смирнова",
        "/c/1-bogus",  # a check-in link that is not one
    ]


def _refused_forms(client: TestClient, world: World) -> list[tuple[str, object]]:
    """Forms sent wrong: each answer is a page showing what was refused, in words."""
    csrf = csrf_of(client)
    order_id, worker_id = world.params["order_id"][3], world.params["worker_id"][0]
    posts = [
        ("/console/orders/new", {"csrf": csrf, "headcount": "0", "date": "завтра"}),
        (f"/console/orders/{world.params['order_id'][0]}/cancel", {"csrf": csrf, "reason": " "}),
        (f"/console/foreman/orders/{order_id}/mark", {"csrf": csrf, "worker_id": "abc"}),
        (f"/console/foreman/orders/{order_id}/mark", {"worker_id": worker_id, "status": "x"}),
        (
            f"/console/foreman/orders/{order_id}/mark",
            {"csrf": csrf, "worker_id": worker_id, "status": "on_the_moon"},
        ),
        ("/console/password", {"csrf": csrf, "new_password": "a", "repeat": "b"}),
        ("/console/password", {"csrf": csrf, "new_password": "short", "repeat": "short"}),
        (f"/console/phone/{worker_id}/reply", {"csrf": csrf, "body": " "}),
    ]
    return [(path, client.post(path, data=data)) for path, data in posts]


def _foreign_words(texts: list[str], world: World, lang: str) -> list[tuple[list[str], str]]:
    """(the words of the other alphabet, the text they stand in), once per text of the page."""
    other = LATIN if lang == "ru" else CYRILLIC
    found = []
    seeded = sorted(world.seeded, key=len, reverse=True)
    for text in dict.fromkeys(texts):
        rest = URL.sub(" ", text)
        for value in seeded:
            if value in rest:
                rest = rest.replace(value, " ")
        rest = PLACEHOLDER.sub(" ", rest)
        words = [w for w in other.findall(rest) if lang == "en" or w not in ALLOWED]
        if words:
            found.append((words, text[:160]))
    return found


def _walk(client: TestClient, world: World, lang: str) -> tuple[int, list[str]]:
    client.cookies.set("brigada_lang", lang)
    pages, problems = _pages(client.app, world)
    answers = [(path, client.get(path)) for path in pages + _extra_pages(world)]
    answers += _refused_forms(client, world)
    for path, answer in answers:
        if answer.status_code >= 500:
            problems.append(f"{path}: {answer.status_code}")
            continue
        kind = answer.headers.get("content-type", "")
        if "text/html" in kind:
            texts = visible_text(answer.text)
        elif kind.startswith("text/"):  # an export (CSV) is read as it is: its lines
            texts = [line for line in answer.text.splitlines() if line.strip()]
        elif "json" in kind:  # the API's answer where a person expects a page
            problems.append(f"{path} ({answer.status_code}): JSON, not a page: {answer.text[:160]}")
            continue
        else:  # 204 of a poll with nothing new, or a file that is not text
            continue
        for words, text in _foreign_words(texts, world, lang):
            problems.append(f"{path} ({answer.status_code}): {' '.join(words)!r} in {text!r}")
    return len(answers), problems


@pytest.fixture
def walker(session_factory):
    """The console as served, in outbox mode (the phone simulator is a page too), with a
    read quota no walk reaches."""
    settings = get_settings().model_copy(
        update={"sms_backend": "outbox", "worker_reads_rate": "100000/hour"}
    )
    with TestClient(create_app(settings, session_factory, warm=False)) as client:
        yield client


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_console_page_speaks_only_the_users_language(walker, session, role, lang):
    world = _world(session)
    sign_in(walker, world.users[role])
    walked, problems = _walk(walker, world, lang)
    assert walked > 60, walked  # the walk found the console's pages
    assert problems == [], f"{role}, {lang}: {len(problems)} problems:\n" + "\n".join(problems)


def test_the_walk_sees_said_attributes_and_not_scripts():
    page = (
        '<p>Заказ <b>1</b></p><button aria-label="Close">x</button><input type="submit" '
        'value="Send"><script>var a = "English";</script><div data-points=\'[{"a": 1}]\' '
        'data-locating="Finding you now"></div><input name="q" value="typed">'
    )
    assert visible_text(page) == ["Заказ", "1", "Close", "x", "Send", "Finding you now"]


def test_every_get_route_of_the_console_is_walked(app):
    routes = console_routes(app)
    assert len(routes) > 12, routes
    assert "/console/orders/{order_id}" in routes and "/c/{token}" in routes
    assert "/console/workers/{worker_id}" in routes and "/console/foreman" in routes


# -- the word tables hold every code a page may show -------------------------------------


def _words_of(key: str) -> tuple[str, str]:
    return TEXTS["ru"].get(key, ""), TEXTS["en"].get(key, "")


@pytest.mark.parametrize(
    "key",
    [f"messages_kind_{kind}" for kind in (*templates.KINDS, "reply")]
    + [f"messages_st_{status}" for status in STATUSES]
    + [f"order_st_{status}" for status in OrderStatus]
    + [f"ledger_reason_{code}" for code in REASONS]
    + [f"lang_{language}" for language in (*LANGUAGES, *WORKER_LANGUAGES)]
    + [f"http_{status}" for status in (403, 404, 405, 422, 429, 503)],
)
def test_every_code_a_page_shows_has_russian_and_english_words(key):
    ru, en = _words_of(key)
    words = re.sub(r"{\w+}", "", ru)  # the figures' placeholders are no words
    assert CYRILLIC.search(words) and not LATIN.search(words), (key, ru)
    assert en.strip() and not CYRILLIC.search(en), (key, en)


def _fields(dependant) -> set[str]:
    """The names a page reads from its path, query and form, its dependencies' too."""
    names = {
        param.alias
        for param in (*dependant.path_params, *dependant.query_params, *dependant.body_params)
    }
    for inner in dependant.dependencies:
        names |= _fields(inner)
    return names


def test_every_field_of_every_console_page_has_words(app):
    """FastAPI's refusals name the field: every parameter of a console page has its words."""
    missing = set()
    for route in _api_routes(app.routes):
        if not (route.path.startswith("/console") or route.path.startswith("/c/")):
            continue
        for name in _fields(route.dependant):
            ru, en = _words_of(f"field_{name}")
            if not (CYRILLIC.search(ru) and en.strip()):
                missing.add(f"{route.path}: {name}")
    assert missing == set()


def test_an_input_error_is_said_by_field_and_type_never_by_its_english():
    t = translator("ru")
    error = {"loc": ("path", "order_id"), "type": "greater_than_equal", "ctx": {"ge": 1}}
    assert (
        explain_invalid(t, {**error, "msg": "Input should be ≥ 1"}) == "Номер заказа: не меньше 1"
    )
    odd = {"loc": ("body", "mystery"), "type": "brand_new_type", "msg": "Whatever"}
    assert explain_invalid(t, odd) == "Поле формы: недопустимое значение"
