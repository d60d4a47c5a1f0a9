"""The foreman's page with no signal (issue 20), on a 360 px phone against the real processes.

The foreman opens the page (the service worker keeps it), the phone loses the network, six
marks (arrivals, a left-early, a no-show, a release) and a review are tapped and wait on the
phone with a count; the page reloaded with no network comes from the kept copy and still
shows them waiting. Meanwhile the office takes one worker off the order, whose arrival was
tapped too. The network returns: everything is sent in order, recorded once, each mark with
the time it was tapped (seconds before it was sent); the mark on the released worker is
shown as not recorded, with why, until the foreman dismisses it. The close says it needs
the network. An online tap whose answer is lost is sent again as the same post with its key
(recorded once); a role taken away meanwhile is a final refusal, a stale form token is
mended. The kept pages are one foreman's (another signing in on the phone does not see the
first's with no network) and the check-in code is never kept. Screenshots of each step go
to test-results/console/."""

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from api.console.site.words.foreman import WORDS
from api.console.site.words.foreman_review import WORDS as REVIEW_WORDS
from core.audit import AuditEntry
from core.clock import now
from core.db import session_scope
from dispatch.fill import waves
from dispatch.models import Offer, Order, User
from rating.models import Review
from tests.browser.htmx import htmx_ready
from tests.browser.signing import sign_in
from tests.browser.test_whole_day import TIMEOUT_MS, _csp_refusals
from tests.builders import (
    MOSCOW,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
    offset,
)
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH = "PWAOFF"
NAMES = (
    "Андреев Артём",
    "Белов Богдан",
    "Волков Вадим",
    "Гусев Герман",
    "Жуков Егор",
    "Зайцев Захар",
)


def t(key: str) -> str:
    return WORDS[key][1]  # the page is in English here; the Russian words: the API test


@dataclass(frozen=True)
class Scene:
    order_id: int
    foreman: str
    workers: list[int]  # A..F by name
    other: str  # another foreman of the branch, who signs in on the same phone


@pytest.fixture
def scene(engine):
    with committed(BRANCH, "SMpwa"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH, undo_window_s=0)  # marks apply at once
            client = make_client(session, branch=branch, name="Склад Запад")
            foreman = make_user(session, role="foreman", branch=branch, username="pwa-foreman")
            other = make_user(session, role="foreman", branch=branch, username="pwa-foreman-2")
            site = make_site(session, client=client, at=MOSCOW, foreman_id=foreman.id)
            started = now().replace(microsecond=0) - timedelta(minutes=40)
            order = make_order(
                session,
                site=site,
                headcount=len(NAMES),
                now=started - timedelta(days=1),
                starts_in=timedelta(days=1),
            )
            order.status = "filled"
            workers = [
                make_worker(
                    session,
                    branch=branch,
                    near=offset(MOSCOW, north_m=150 * i),
                    full_name=name,
                    phone=f"+7990{i:07d}",
                    language="en",
                )
                for i, name in enumerate(NAMES)
            ]
            for worker in workers:
                make_offer(session, order=order, worker=worker, booked_at=started)
            built = Scene(order.id, foreman.username, [w.id for w in workers], other.username)
        yield built


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


QUEUE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("brigada-foreman", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("queue").objectStore("queue").getAll();
    all.onsuccess = () => resolve(all.result);
  };
})"""


def _release_by_the_office(order_id: int, worker_id: int) -> None:
    """The dispatcher takes the booking back (waves.cancel_booking, the office's call)."""
    with session_scope() as session:
        order = session.get_one(Order, order_id, with_for_update=True)
        offer = waves.lock_offer(session, order, worker_id)
        waves.cancel_booking(session, order, offer, now())


def _offers(order_id: int) -> dict[int, Offer]:
    with session_scope() as session:
        offers = session.scalars(select(Offer).where(Offer.order_id == order_id)).all()
        session.expunge_all()
        return {offer.worker_id: offer for offer in offers}


def _marks_audited(offer_id: int) -> list[str]:
    with session_scope() as session:
        entries = session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.action == "attendance.mark", AuditEntry.entity_ids.contains([offer_id])
            )
            .order_by(AuditEntry.id)  # in the order recorded (no ORDER BY: any order)
        ).all()
        return [entry.detail["after"]["attendance"] for entry in entries]


def test_marks_made_with_no_signal_are_sent_once_with_their_times(scene, stack, browser, shots):
    a, b, c, d, e, f = scene.workers
    phone = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="en-GB", timezone_id="Europe/Moscow"
    )
    phone.set_default_timeout(TIMEOUT_MS)
    refused = _csp_refusals(phone)
    page = phone.new_page()
    sign_in(page, stack.base, scene.foreman)
    page.goto(f"{stack.base}/console/foreman?lang=en")
    card = lambda worker: page.locator(f"#w-{scene.order_id}-{worker}")  # noqa: E731
    button = lambda worker, what: page.locator(f"#w-{scene.order_id}-{worker}-{what}")  # noqa: E731
    waiting = page.locator("#offline-count")
    # The service worker took the page: kept for a reload with no network.
    expect(page.locator("#offline[data-kept=true]")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Installable as an app: Chromium's own check finds nothing missing (manifest, icon, worker)
    # but the test's private window (Playwright's contexts are incognito).
    cdp = phone.new_cdp_session(page)
    found = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    cdp.detach()  # left attached, the queue was not sent once back online (seen here)
    assert [e["errorId"] for e in found if e["errorId"] != "in-incognito"] == []
    shots(page, "offline-1-opened")

    phone.set_offline(True)
    expect(page.locator("#offline-net")).to_be_visible()
    expect(page.locator("#offline-net")).to_have_text(t("foreman_offline_none"))
    taps = [(a, "arrived"), (b, "arrived"), (a, "left_early"), (c, "no_show"), (d, "released")]
    taps += [(e, "arrived"), (f, "arrived")]  # F: the office takes F off meanwhile
    for n, (worker, what) in enumerate(taps, start=1):
        button(worker, what).click()
        expect(waiting).to_have_text(t("foreman_offline_waiting").format(n=n))
        time.sleep(0.4)  # taps apart in time, as a foreman's are
    # A's arrival waits: the card already offers what is valid after it (left early).
    expect(card(a).locator(".offline-item.queued")).to_have_count(2)
    expect(card(a).locator(".offline-item.queued").first).to_contain_text(
        t("foreman_offline_badge")
    )
    expect(button(a, "left_early")).to_have_count(0)  # left early tapped: no longer offered
    expect(button(e, "left_early")).to_be_visible()
    # A review of B, whose arrival waits too.
    review = card(b).locator("details.quick-review")
    expect(review).to_be_visible()
    review.locator("summary").click()
    review.locator("label", has_text="4★").click()
    review.locator("textarea").fill("Работал аккуратно")
    review.get_by_role("button", name=REVIEW_WORDS["review_button"][1]).click()
    expect(waiting).to_have_text(t("foreman_offline_waiting").format(n=8))
    expect(card(b).locator(".offline-item.queued")).to_have_count(2)
    shots(page, "offline-2-marks-waiting")

    # The close needs the network and says so.
    page.locator(f"a[href='/console/foreman/orders/{scene.order_id}/close']").click()
    expect(page.get_by_text(t("foreman_offline_close"))).to_be_visible()
    expect(page).to_have_url(f"{stack.base}/console/foreman?lang=en")
    shots(page, "offline-3-close-needs-network")

    _release_by_the_office(scene.order_id, f)

    reloaded = page.reload()
    assert reloaded is not None and reloaded.from_service_worker  # the kept copy, no network
    expect(waiting).to_have_text(t("foreman_offline_waiting").format(n=8))
    expect(page.locator(".offline-item.queued")).to_have_count(8)
    expect(card(a).locator(".mark")).to_contain_text(t("foreman_is_none"))  # as last drawn
    shots(page, "offline-4-reloaded-still-waiting")
    queue = page.evaluate(QUEUE)
    assert [(i["kind"], i["worker_id"], i.get("status")) for i in queue] == [
        *[("mark", worker, what) for worker, what in taps],
        ("review", b, None),
    ]
    assert len({i["key"] for i in queue}) == 8
    tapped = {(i["worker_id"], i.get("status")): datetime.fromisoformat(i["at"]) for i in queue}
    time.sleep(2)  # sent well after they were tapped: the times kept must be the taps'

    sent_from = now()
    phone.set_offline(False)
    expect(waiting).to_be_hidden()
    expect(page.locator("#offline-net")).to_be_hidden()
    conflict = card(f).locator(".offline-item.conflict")
    expect(conflict).to_contain_text(
        t("foreman_offline_conflict").format(why=t("foreman_offline_not_booked"))
    )
    expect(card(f).locator(".marks")).to_be_hidden()  # nothing to tap until read
    expect(card(a).locator(".mark")).to_contain_text(t("foreman_is_left_early"))
    expect(card(d).locator(".mark")).to_contain_text(t("foreman_is_released"))
    shots(page, "offline-5-sent-one-conflict")

    offers = _offers(scene.order_id)
    assert offers[a].attendance == "left_early"
    assert offers[a].arrived_at == tapped[(a, "arrived")] < sent_from
    assert offers[a].left_at == tapped[(a, "left_early")]
    assert offers[b].attendance == "arrived" and offers[b].arrived_at == tapped[(b, "arrived")]
    assert offers[c].attendance == "no_show"
    assert offers[d].attendance == "released" and offers[d].arrived_at == tapped[(d, "released")]
    assert offers[e].attendance == "arrived" and offers[e].arrived_at == tapped[(e, "arrived")]
    # Each mark recorded once; the released worker's arrival not at all.
    assert _marks_audited(offers[a].id) == ["arrived", "left_early"]
    for worker, what in ((b, "arrived"), (c, "no_show"), (d, "released"), (e, "arrived")):
        assert _marks_audited(offers[worker].id) == [what]
    assert offers[f].status == "cancelled" and offers[f].attendance is None
    assert _marks_audited(offers[f].id) == []
    with session_scope() as session:
        given = session.scalars(select(Review).where(Review.order_id == scene.order_id)).all()
        assert [(r.worker_id, r.stars, r.comment) for r in given] == [(b, 4, "Работал аккуратно")]
    assert page.evaluate(QUEUE) == [
        next(i for i in page.evaluate(QUEUE) if i["worker_id"] == f)
    ]  # only the refusal is left on the phone, until dismissed

    # Dismissed: the card shows the server's state: F is no longer on the order.
    conflict.get_by_role("button", name=t("foreman_offline_dismiss")).click()
    expect(card(f)).to_have_count(0)
    assert page.evaluate(QUEUE) == []
    with session_scope() as session:
        attended = session.scalar(
            select(func.count())
            .select_from(Offer)
            .where(Offer.order_id == scene.order_id, Offer.attendance.is_not(None))
        )
    assert attended == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shots(page, "offline-6-conflict-dismissed")

    # Online by the phone's account, but the tap's answer is lost on the way (the post did
    # reach the server), then the queue's own posts get nowhere: the tap is kept with the key
    # it was posted with, and sent again as the same post once the way is clear: the server
    # answers the first answer again, the mark is recorded once, at the first post's time.
    posted: list[dict[str, str]] = []

    def lose_the_answer(route):
        posted.append(route.request.headers)
        if len(posted) == 1:
            route.fetch()  # the server records it; the phone never hears back
        route.abort("internetdisconnected")

    page.route("**/foreman/orders/*/mark*", lose_the_answer)
    htmx_ready(page)  # E's card came back from the queue's answer: htmx posts this tap
    button(e, "left_early").click()
    expect(waiting).to_have_text(t("foreman_offline_waiting").format(n=1))
    expect(card(e).locator(".offline-item.queued")).to_contain_text(t("foreman_is_left_early"))
    shots(page, "offline-7-post-lost-kept")
    (lost,) = page.evaluate(QUEUE)
    assert (lost["worker_id"], lost["status"]) == (e, "left_early")
    assert lost["key"] == posted[0]["idempotency-key"]  # the online tap's own key
    recorded = _offers(scene.order_id)[e].left_at
    assert recorded is not None
    time.sleep(1.5)
    page.unroute("**/foreman/orders/*/mark*")
    expect(waiting).to_be_hidden(timeout=30_000)
    expect(card(e).locator(".mark")).to_contain_text(t("foreman_is_left_early"))
    assert _marks_audited(_offers(scene.order_id)[e].id) == ["arrived", "left_early"]
    assert _offers(scene.order_id)[e].left_at == recorded

    # A tap waits while the office makes this user a recruiter: the queue's post is refused
    # (403) with the page's own token, so it is final, shown as such, not retried forever.
    phone.set_offline(True)
    button(c, "arrived").click()
    expect(waiting).to_have_text(t("foreman_offline_waiting").format(n=1))
    with session_scope() as session:
        session.scalars(select(User).where(User.username == scene.foreman)).one().role = "recruiter"
    phone.set_offline(False)
    expect(card(c).locator(".offline-item.conflict")).to_contain_text(
        t("foreman_offline_conflict").format(why=t("foreman_offline_not_yours"))
    )
    expect(waiting).to_be_hidden()
    assert _offers(scene.order_id)[c].attendance == "no_show"

    # Signing out takes the kept page (the crew's names and phones) off the phone.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/console/login"))
    forgotten = "caches.match('/console/foreman', {ignoreSearch: true}).then(r => r === undefined)"
    assert page.evaluate(forgotten) is True
    assert not refused, refused
    phone.close()


KEPT_CODE = "caches.match('/console/foreman/orders/{id}/checkin-code').then(r => r !== undefined)"


def test_kept_pages_are_one_foremans_and_a_checkin_code_never_kept(scene, stack, browser, shots):
    phone = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="en-GB", timezone_id="Europe/Moscow"
    )
    phone.set_default_timeout(TIMEOUT_MS)
    page = phone.new_page()
    sign_in(page, stack.base, scene.foreman)
    page.goto(f"{stack.base}/console/foreman?lang=en")
    expect(page.locator("#offline[data-kept=true]")).to_have_count(1)
    # A form token gone stale (the session renewed in another tab): the queue's post is
    # refused (403), the page's fresh token is fetched and the mark sent with it.
    page.evaluate("document.body.setAttribute('hx-headers', '{\"X-CSRF-Token\": \"stale\"}')")
    phone.set_offline(True)
    page.locator(f"#w-{scene.order_id}-{scene.workers[0]}-arrived").click()
    expect(page.locator("#offline-count")).to_be_visible()
    phone.set_offline(False)
    expect(page.locator("#offline-count")).to_be_hidden(timeout=30_000)
    assert _offers(scene.order_id)[scene.workers[0]].attendance == "arrived"
    assert page.evaluate(QUEUE) == []
    reviews = f"{stack.base}/console/foreman/orders/{scene.order_id}/reviews?lang=en"
    page.goto(reviews)  # kept too: the crew's names
    expect(page.get_by_text(NAMES[0])).to_have_count(1)
    page.goto(f"{stack.base}/console/foreman?lang=en")
    # The check-in code (no-store, 30 s): read through the worker, never kept by it.
    code = f"/console/foreman/orders/{scene.order_id}/checkin-code"
    fetched = f"fetch('{code}', {{headers: {{'HX-Request': 'true'}}}}).then(r => r.status)"
    assert page.evaluate(fetched) == 200
    assert page.evaluate(KEPT_CODE.format(id=scene.order_id)) is False
    phone.set_offline(True)
    gone = f"fetch('{code}').then(r => r.status, () => 'no network')"
    assert page.evaluate(gone) == "no network"  # not an expired code from the cache
    phone.set_offline(False)

    # The session runs out (no sign-out tapped) and another foreman signs in on this phone.
    phone.clear_cookies()
    sign_in(page, stack.base, scene.other)
    page.goto(f"{stack.base}/console/foreman?lang=en")
    expect(page.locator("#offline[data-kept=true]")).to_have_count(1)
    expect(page.get_by_text(NAMES[0])).to_have_count(0)
    phone.set_offline(True)
    # With no network, the first foreman's kept pages are gone: not shown to the second.
    with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED|ERR_FAILED"):
        page.goto(reviews)
    page.close()
    page = phone.new_page()
    page.goto(f"{stack.base}/console/foreman?lang=en")  # the second foreman's own, kept
    expect(page.locator("#offline")).to_have_count(1)
    expect(page.get_by_text(NAMES[0])).to_have_count(0)
    shots(page, "offline-8-second-foreman-offline")
    phone.close()
