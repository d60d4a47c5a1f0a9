"""The foreman's marks in a real browser (issue 15, items 3 and 13), in Russian and English,
on a 360 px phone against the real processes (the API and a jobs process).

Only the marks valid for each worker are offered; the four are told apart by fill, text
colour and sign, and still are under a simulated glare (checked on the computed styles, not
only pictured); the counters follow each tap; a no-show waits out the branch's undo window
with a countdown and an undo; undone, it leaves nothing; left alone, the jobs process applies
it once and the card shows it by itself; corrected, the worker is told the suspension is
lifted; a crew is marked arrived in one confirmed step; phone links are named by their text.

The branch's undo window is 8 s here (the knob allows 0-900 s), so the test sees it end.
"""

import itertools
import math
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from api.console.site.words.foreman import WORDS
from core.clock import now
from core.db import session_scope
from dispatch.models import Offer
from rating.models import PenaltyEvent
from sms.models import Message
from tests.browser.htmx import htmx_ready
from tests.browser.test_whole_day import TIMEOUT_MS, _csp_refusals, _sign_in
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
from tests.stack import running_stack, wait_for
from workers.models import Worker

WINDOW_S = 8
GLARE = {"brightness": 1.4, "contrast": 0.6}  # sunlight on a phone, roughly
MARKS = ("arrived", "left_early", "no_show", "released", "sent_home")


@dataclass(frozen=True)
class Crew:
    order_id: int
    foreman: str
    workers: list[int]  # A, B, C, D, E by name
    phones: list[str]


def _code(lang: str) -> str:
    return f"MARKS{lang.upper()}"


@pytest.fixture(params=["ru", "en"])
def crew(engine, request):
    lang = request.param
    with committed(_code(lang), "SMmarks"):
        with session_scope() as session:
            branch = make_branch(session, code=_code(lang), undo_window_s=WINDOW_S)
            client = make_client(session, branch=branch, name="Склад Юг")
            foreman = make_user(session, role="foreman", branch=branch, username=f"marks-{lang}")
            site = make_site(session, client=client, at=MOSCOW, foreman_id=foreman.id)
            started = now().replace(microsecond=0) - timedelta(minutes=15)
            order = make_order(
                session,
                site=site,
                headcount=4,
                now=started - timedelta(days=1),
                starts_in=timedelta(days=1),
            )
            order.status = "filled"  # booked below by hand: the fill job has nothing to do
            workers = [
                make_worker(
                    session,
                    branch=branch,
                    near=offset(MOSCOW, north_m=200 * i),
                    full_name=f"{surname} {name}",
                    phone=f"+7995{i:07d}",
                    language=lang,
                )
                for i, (surname, name) in enumerate(
                    [
                        ("Алексеев", "Антон"),
                        ("Борисов", "Борис"),
                        ("Васильев", "Виктор"),
                        ("Григорьев", "Глеб"),
                        ("Дмитриев", "Денис"),
                    ]
                )
            ]
            for worker in workers:
                make_offer(session, order=order, worker=worker, booked_at=started)
            built = Crew(
                order.id, foreman.username, [w.id for w in workers], [w.phone for w in workers]
            )
        yield lang, built


@pytest.fixture
def stack(crew, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _glared(rgb: tuple[float, ...]) -> tuple[float, ...]:
    """A colour as CSS `filter: brightness(b) contrast(c)` renders it (per channel, 0-255)."""
    out = []
    for value in rgb:
        x = min(1.0, value / 255 * GLARE["brightness"])
        out.append(min(1.0, max(0.0, (x - 0.5) * GLARE["contrast"] + 0.5)) * 255)
    return tuple(out)


def _luminance(rgb) -> float:
    def channel(v):
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(v) for v in re.findall(r"[\d.]+", css)[:3])


def _offer(order_id: int, worker_id: int) -> Offer:
    with session_scope() as session:
        return session.scalars(
            select(Offer).where(Offer.order_id == order_id, Offer.worker_id == worker_id)
        ).one()


def _record(worker_id: int) -> tuple[list[str], list[str]]:
    """The worker's ledger kinds and the kinds of texts they were sent."""
    with session_scope() as session:
        kinds = session.scalars(
            select(PenaltyEvent.kind).where(PenaltyEvent.worker_id == worker_id)
        ).all()
        texts = session.scalars(select(Message.kind).where(Message.worker_id == worker_id)).all()
    return list(kinds), list(texts)


def test_the_foremans_marks_in_the_browser(crew, stack, browser, shots):
    lang, scene = crew
    t = lambda key: WORDS[key][0 if lang == "ru" else 1]  # noqa: E731
    a, b, c, d, e = scene.workers
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    phone.set_default_timeout(TIMEOUT_MS)
    refused = _csp_refusals(phone)
    page = phone.new_page()
    _sign_in(page, stack.base, scene.foreman)
    page.goto(f"{stack.base}/console/foreman?lang={lang}")
    card = lambda worker: page.locator(f"#w-{scene.order_id}-{worker}")  # noqa: E731
    button = lambda worker, what: page.locator(f"#w-{scene.order_id}-{worker}-{what}")  # noqa: E731
    counts = page.locator(f"#counts-{scene.order_id}")
    expect(counts).to_contain_text("5")
    shots(page, f"{lang}-marks-roster")

    # Only the valid marks: an unmarked worker after the start has no "left early".
    for what in ("arrived", "no_show", "released"):
        expect(button(b, what)).to_be_visible()
    expect(button(b, "left_early")).to_have_count(0)
    # Phone links: the spoken name is the visible number.
    for worker, number in zip(scene.workers, scene.phones, strict=True):
        link = card(worker).locator("a.tel")
        expect(link).to_have_text(number)
        expect(link).to_have_accessible_name(number)

    # A arrives: the counters change without a reload; A's card now offers "left early".
    htmx_ready(page)
    button(a, "arrived").click()
    expect(card(a).locator(".mark")).to_contain_text(t("foreman_is_arrived"))
    expect(counts).to_contain_text(t("foreman_summary").format(booked=5, came=1, unmarked=4))
    expect(button(a, "arrived")).to_have_count(0)
    expect(button(a, "left_early")).to_be_visible()

    # The four marks under a glare: every pair differs in fill, in sign and in word, and each
    # word stays readable on its fill.
    page.evaluate(
        "document.documentElement.style.filter = "
        f"'brightness({GLARE['brightness']}) contrast({GLARE['contrast']})'"
    )
    styles = {}
    for what, worker in (
        ("arrived", b),
        ("left_early", a),
        ("no_show", b),
        ("released", b),
        ("sent_home", a),
    ):
        styles[what] = button(worker, what).evaluate(
            """el => {
                const s = getComputedStyle(el), sign = getComputedStyle(el, '::before');
                return {bg: s.backgroundColor, fg: s.color, sign: sign.content,
                        label: el.textContent.trim(), border: s.borderTopWidth};
            }"""
        )
    shots(page, f"{lang}-marks-glare")
    for one, other in itertools.combinations(MARKS, 2):
        x, y = styles[one], styles[other]
        gap = math.dist(_glared(_rgb(x["bg"])), _glared(_rgb(y["bg"])))
        assert gap >= 60, f"{one} and {other} look alike in the glare: {x['bg']} vs {y['bg']}"
        assert x["sign"] != y["sign"] and x["label"] != y["label"]
    for what, style in styles.items():
        readable = _contrast(_glared(_rgb(style["bg"])), _glared(_rgb(style["fg"])))
        assert readable >= 3, f"{what}: {readable:.2f} in the glare"
        assert style["label"] == t(f"foreman_do_{what}")
    page.evaluate("document.documentElement.style.filter = ''")

    # B mis-tapped as a no-show: pending, with a countdown and the undo; nothing texted.
    button(b, "no_show").click()
    undo = button(b, "undo")
    expect(undo).to_have_text(t("foreman_undo_no_show"))
    left = card(b).locator("time.countdown")
    expect(left).to_have_text(re.compile(r"0:0[5-8]"))
    deadline = left.get_attribute("datetime")
    assert deadline == _offer(scene.order_id, b).pending_until.isoformat()
    expect(counts).to_contain_text(t("foreman_summary_pending").format(n=1))
    expect(button(b, "arrived")).to_have_count(0)
    shots(page, f"{lang}-marks-pending")
    htmx_ready(page)  # the undo came in B's new card
    undo.click()
    expect(button(b, "no_show")).to_be_visible()
    expect(undo).to_have_count(0)
    shots(page, f"{lang}-marks-undone")

    # C really is absent: left alone, the window ends, the jobs process applies it, and the
    # card shows it by itself (no reload).
    button(c, "no_show").click()
    expect(button(c, "undo")).to_be_visible()
    expect(card(c).locator(".mark")).to_contain_text(t("foreman_is_no_show"), timeout=40_000)
    expect(button(c, "undo")).to_have_count(0)
    shots(page, f"{lang}-marks-applied")
    wait_for(lambda: _offer(scene.order_id, c).attendance == "no_show", "the no-show", stack)
    kinds, texts = _record(c)
    assert kinds == ["no_show"] and texts.count("penalty") == 1
    assert texts.count("suspended") == 1
    assert _record(b) == ([], [])  # the undone mark left nothing

    # C turns up after all (late): the correction takes the no-show back, lifts the
    # suspension and says so; the lateness counts instead.
    htmx_ready(page)  # C's card was fetched again as the window ended
    button(c, "arrived").click()
    expect(card(c).locator(".mark")).to_contain_text(t("foreman_is_arrived"))
    kinds, texts = _record(c)
    assert sorted(kinds) == ["late", "no_show", "reversal"]
    assert texts.count("suspension_lifted") == 1 and texts.count("penalty_reversed") == 1
    shots(page, f"{lang}-marks-corrected")

    # B, D and E came together: one confirmed step marks them arrived (the list is the
    # crew as it is now, not as the page was first drawn).
    page.locator(f"#crew-{scene.order_id}").click()
    listed = page.locator("form.crew ul")
    for worker in (b, d, e):
        expect(listed).to_contain_text(_name(worker))
    for worker in (a, c):
        expect(listed).not_to_contain_text(_name(worker))
    shots(page, f"{lang}-marks-crew-confirm")
    page.get_by_role("button", name=t("foreman_all_arrived_yes").format(n=3)).click()
    for worker in (b, d, e):
        expect(card(worker).locator(".mark")).to_contain_text(t("foreman_is_arrived"))
    expect(counts).to_contain_text(t("foreman_summary").format(booked=5, came=5, unmarked=0))
    expect(page.locator(f"#crew-{scene.order_id}")).to_have_count(0)
    shots(page, f"{lang}-marks-all-arrived")
    assert not refused, refused
    phone.close()


def _name(worker_id: int) -> str:
    with session_scope() as session:
        return session.get_one(Worker, worker_id).full_name
