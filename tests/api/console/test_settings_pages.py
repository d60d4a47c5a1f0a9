"""A manager's pages (issue 17, item 8): adding and editing staff, the branch's settings with
the preview of what a change does, and the SMS texts with their live segment count."""

import re
from decimal import Decimal

from sqlalchemy import select

from api.console.i18n import TEXTS
from api.console.manage.preview import GROUPS
from api.console.manage.words import WORDS
from core.audit import AuditEntry
from core.clock import now
from dispatch.models import Branch, User
from dispatch.orders.overbooking import fixed_target
from dispatch.penalties import record
from dispatch.registry.knobs import KNOBS
from rating import reasons
from sms.models import TemplateOverride
from sms.segments import measure
from sms.templates import LONGEST_VALUES, TEMPLATES, fields_of
from tests.api.console.helpers import htmx_headers, sign_in
from tests.builders import (
    KAZAN,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)


def _policy_form(branch: Branch, **changes) -> dict[str, str]:
    values = {
        name: ("true" if value else "false") if isinstance(value, bool) else str(value)
        for name, value in branch.policy.items()
    }
    values.update({name: str(value) for name, value in changes.items()})
    return values


def test_every_word_of_these_pages_is_in_russian_and_english_and_every_knob_has_one():
    for key in WORDS:
        assert TEXTS["ru"][key] and TEXTS["en"][key], key
    grouped = [name for names in GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(KNOBS), "every knob in exactly one topic"
    for name in KNOBS:
        assert f"settings_knob_{name}" in WORDS and f"settings_help_{name}" in WORDS, name


# -- staff -----------------------------------------------------------------------------------


def test_a_manager_adds_a_recruiter_who_must_choose_a_password(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    form = sign_in(client, manager)

    page = client.get("/console/staff/new?lang=en")
    assert page.status_code == 200
    options = re.findall(r'<option value="(\w+)"', page.text)
    assert options == ["dispatcher", "foreman", "recruiter"]  # no managers: an admin's

    done = client.post(
        "/console/staff/new",
        data={**form, "username": "Vera", "full_name": "Вера Кузнецова", "phone": "8 916 555 01 02",
              "role": "recruiter"},
    )  # fmt: skip
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    password = re.search(r"One-time password: (\S+) —", done.text)
    assert password, done.text
    user = session.query(User).filter_by(username="vera").one()
    assert (user.role, user.branch_id, user.phone) == ("recruiter", branch.id, "+79165550102")
    assert user.password_change_required is True
    # the password works once, for choosing one's own
    token = client.post(
        "/api/v1/auth/token", data={"username": "vera", "password": password.group(1)}
    )
    assert token.status_code == 200


def test_adding_staff_shows_errors_beside_the_fields_and_keeps_the_values(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    taken = make_user(session, role="dispatcher", branch=branch)
    form = sign_in(client, manager)

    bad_phone = client.post(
        "/console/staff/new?lang=en",
        data={**form, "username": "newbie", "full_name": "Пётр", "phone": "12", "role": "foreman"},
    )
    assert bad_phone.status_code == 422
    assert re.search(r'id="err-phone"[^>]*>Not a mobile phone number', bad_phone.text)
    assert 'value="newbie"' in bad_phone.text and 'value="Пётр"' in bad_phone.text

    duplicate = client.post(
        "/console/staff/new?lang=en",
        data={**form, "username": taken.username, "role": "dispatcher"},
    )
    assert duplicate.status_code == 422
    assert re.search(r'id="err-username"[^>]*>This name is already taken', duplicate.text)

    manager_role = client.post(
        "/console/staff/new", data={**form, "username": "boss2", "role": "manager"}
    )
    assert manager_role.status_code == 422 and 'id="err-role"' in manager_role.text
    assert session.query(User).filter_by(username="boss2").count() == 0


def test_an_admin_adds_a_manager_to_a_branch_they_choose(client, session):
    branch = make_branch(session)
    admin = make_user(session, role="admin")
    form = sign_in(client, admin)
    assert "manager" in client.get("/console/staff/new").text
    done = client.post(
        "/console/staff/new",
        data={**form, "username": "boss", "role": "manager", "branch_id": str(branch.id)},
    )
    assert done.status_code == 200
    assert session.query(User).filter_by(username="boss").one().branch_id == branch.id


def test_a_manager_edits_a_name_and_phone_and_another_branchs_staff_is_not_there(client, session):
    branch, other = make_branch(session), make_branch(session, center=KAZAN)
    manager = make_user(session, role="manager", branch=branch)
    foreman = make_user(session, role="foreman", branch=branch)
    stranger = make_user(session, role="dispatcher", branch=other)
    form = sign_in(client, manager)

    assert client.get(f"/console/staff/{stranger.id}/edit").status_code == 404
    page = client.get(f"/console/staff/{foreman.id}/edit")
    assert page.status_code == 200 and 'id="f-full_name"' in page.text

    bad = client.post(f"/console/staff/{foreman.id}/edit", data={**form, "full_name": "Иван",
                                                                 "phone": "abc"})  # fmt: skip
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    assert 'value="Иван"' in bad.text

    done = client.post(
        f"/console/staff/{foreman.id}/edit",
        data={**form, "full_name": "Иван Бригадиров", "phone": "+7 916 555-01-03"},
    )
    assert done.status_code == 200
    session.refresh(foreman)
    assert (foreman.full_name, foreman.phone) == ("Иван Бригадиров", "+79165550103")
    assert "Иван Бригадиров" in done.text
    assert client.post(f"/console/staff/{stranger.id}/edit", data=form).status_code == 404


def test_a_switched_off_dispatchers_console_session_ends_at_its_next_request(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    sign_in(client, dispatcher)
    their_cookies = dict(client.cookies)
    assert client.get("/console/", follow_redirects=False).status_code == 200

    form = sign_in(client, manager)
    assert client.post(f"/console/staff/{dispatcher.id}/deactivate", data=form).status_code == 200

    client.cookies.clear()
    for name, value in their_cookies.items():
        client.cookies.set(name, value)
    gone = client.get("/console/", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/console/login")
    live = client.get("/console/board/rows", headers={"HX-Request": "true"})
    assert live.headers.get("HX-Redirect", "").startswith("/console/login")


# -- a recruiter in the console --------------------------------------------------------------


def test_a_recruiter_lands_on_the_workers_and_sees_only_them(client, session):
    branch = make_branch(session)
    recruiter = make_user(session, role="recruiter", branch=branch)
    sign_in(client, recruiter)
    home = client.get("/console/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/console/workers"
    workers = client.get("/console/workers")
    assert workers.status_code == 200
    nav = workers.text.split("<nav aria-label")[1].split("</nav>")[0]
    links = re.findall(r'href="(/console/[^"]*)"', nav)
    # issue 19: and the applicants who registered by SMS
    assert links == ["/console/workers", "/console/recruiting", "/console/password"]
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=make_site(session, client=make_client(session, branch=branch)),
                       now=now())  # fmt: skip
    make_offer(session, order=order, worker=worker)
    entry = record.penalise(session, order, worker.id, kind="no_show", points=3,
                            fine=Decimal("300"), reason=reasons.of("absent"))  # fmt: skip
    profile = client.get(f"/console/workers/{worker.id}")
    assert f"/console/penalties/{entry.id}/reverse" not in profile.text
    assert profile.status_code == 200 and worker.full_name in profile.text
    assert "/reverse" not in profile.text  # the ledger is read, reversed by the office only
    for page in (
        "/console/orders/new",
        "/console/foreman",
        "/console/messages",
        "/console/staff",
        "/console/settings",
        f"/console/branches/{branch.id}/texts",
    ):
        assert client.get(page, follow_redirects=False).status_code == 403, page
    sign_in(client, make_user(session, role="dispatcher", branch=branch))  # the office's page
    assert (
        f"/console/penalties/{entry.id}/reverse" in client.get(f"/console/workers/{worker.id}").text
    )


# -- branch settings -------------------------------------------------------------------------


def test_the_settings_form_shows_each_knob_with_its_bounds_and_the_overbooking_preview(
    client, session
):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    sign_in(client, manager)
    assert client.get("/console/settings", follow_redirects=False).headers["location"] == (
        f"/console/branches/{branch.id}/settings"
    )
    page = client.get(f"/console/branches/{branch.id}/settings?lang=en")
    assert page.status_code == 200
    for name, knob in KNOBS.items():
        assert f'id="f-{name}"' in page.text and f'<label for="f-{name}">' in page.text
        if knob.ge is not None and knob.le is not None:
            assert f"from {knob.ge} to {knob.le}" in page.text, name
    booked = fixed_target(10, branch.overbook_factor)
    assert f"10 wanted → {booked} booked" in page.text


def test_the_preview_follows_the_value_typed_and_writes_nothing(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    sign_in(client, manager)
    url = f"/console/branches/{branch.id}/settings/preview?lang=en"
    headers = htmx_headers(client)

    answer = client.post(
        url, data=_policy_form(branch, overbook_factor="2,0", late_cancel_h="6"), headers=headers
    )
    assert answer.status_code == 200
    assert "10 wanted → 20 booked" in answer.text
    assert "A cancel inside 6 h of the start is late" in answer.text
    assert f"show-up pay {branch.show_up_pay} RUB" in answer.text
    assert re.search(r'id="preview-filling"[^>]*hx-swap-oob="true"', answer.text)

    out = client.post(url, data=_policy_form(branch, overbook_factor="7"), headers=headers)
    assert re.search(r'id="err-overbook_factor"[^>]*>Above the highest allowed', out.text)
    session.refresh(branch)
    assert branch.overbook_factor == Decimal("1.50")


def test_saving_settings_keeps_the_values_beside_their_errors_then_saves_and_audits(
    client, session
):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    form = sign_in(client, manager)
    url = f"/console/branches/{branch.id}/settings"

    refused = client.post(
        url + "?lang=en",
        data={**form, **_policy_form(branch, search_radius_m="50000", wave_timeout_min="x1")},
    )
    assert refused.status_code == 422
    assert re.search(r'id="err-search_radius_m"[^>]*>Must not exceed the widest', refused.text)
    assert re.search(r'id="err-wave_timeout_min"[^>]*>Enter a number', refused.text)
    assert 'value="50000"' in refused.text and 'value="x1"' in refused.text
    session.refresh(branch)
    assert branch.search_radius_m == 10_000

    saved = client.post(url, data={**form, **_policy_form(branch, overbook_factor="1.8")},
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    session.refresh(branch)
    assert branch.overbook_factor == Decimal("1.80")
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "branch.update", AuditEntry.branch_id == branch.id)
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None and entry.detail["policy"] == {"overbook_factor": "1.80"}


def test_a_manager_of_branch_a_gets_404_for_branch_bs_settings_and_texts(client, session):
    branch, other = make_branch(session), make_branch(session, center=KAZAN)
    manager = make_user(session, role="manager", branch=branch)
    form = sign_in(client, manager)
    for page in (f"/console/branches/{other.id}/settings", f"/console/branches/{other.id}/texts",
                 f"/console/branches/{other.id}/texts/offer/ru"):  # fmt: skip
        assert client.get(page).status_code == 404, page
    assert client.post(f"/console/branches/{other.id}/settings", data={**form,
        **_policy_form(other, overbook_factor="2.0")}).status_code == 404  # fmt: skip
    session.refresh(other)
    assert other.overbook_factor == Decimal("1.50")
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    sign_in(client, dispatcher)
    assert client.get(f"/console/branches/{branch.id}/settings").status_code == 403


# -- SMS texts -------------------------------------------------------------------------------


def _longest(kind: str, language: str, body: str):
    return measure(body.format(**{f: LONGEST_VALUES.get(f, "x" * 10) for f in fields_of(kind)}))


def test_the_texts_page_lists_every_kind_with_its_default(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    sign_in(client, manager)
    assert client.get("/console/texts", follow_redirects=False).headers["location"] == (
        f"/console/branches/{branch.id}/texts"
    )
    page = client.get(f"/console/branches/{branch.id}/texts")
    for language, table in TEMPLATES.items():
        for kind in table:
            assert f"/console/branches/{branch.id}/texts/{kind}/{language}" in page.text
    editor = client.get(f"/console/branches/{branch.id}/texts/offer/ru?lang=en")
    assert TEMPLATES["ru"]["offer"] in editor.text.replace("&#39;", "'")
    count = _longest("offer", "ru", TEMPLATES["ru"]["offer"])
    assert f"{count.encoding}, segments: {count.segments}" in editor.text


def test_the_live_count_names_the_encoding_and_the_refusal_of_a_long_offer(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    sign_in(client, manager)
    url = f"/console/branches/{branch.id}/texts/offer/en/measure?lang=en"
    headers = htmx_headers(client)

    # No {skill} or {address}: their longest values are Russian, which alone makes it UCS-2.
    latin = "Job {date} {start}-{end}, {pay}/h. Reply YES {code} or NO {code}"
    answer = client.post(url, data={"body": latin}, headers=headers)
    count = _longest("offer", "en", latin)
    assert count.encoding == "GSM-7"
    assert f"{count.units} characters, GSM-7, segments: {count.segments}" in answer.text

    cyrillic = latin + " Ответьте"
    answer = client.post(url, data={"body": cyrillic}, headers=headers)
    assert "UCS-2" in answer.text

    too_long = latin + " " + "much more words here " * 12
    answer = client.post(url, data={"body": too_long}, headers=headers)
    assert re.search(r'id="err-body">Too long', answer.text)
    unknown = client.post(url, data={"body": "Hi {nobody} {code}"}, headers=headers)
    assert "Cannot be counted" in unknown.text and "No such field" in unknown.text
    assert session.query(TemplateOverride).filter_by(branch_id=branch.id).count() == 0


def test_a_manager_saves_a_text_sees_errors_beside_it_and_goes_back_to_the_default(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    form = sign_in(client, manager)
    url = f"/console/branches/{branch.id}/texts/help/ru"

    refused = client.post(url + "?lang=en", data={**form, "body": "Помощь {nobody}"})
    assert refused.status_code == 422
    assert "Помощь {nobody}" in refused.text and 'aria-invalid="true"' in refused.text

    saved = client.post(url + "?lang=en", data={**form, "body": "Звоните в офис"})
    assert saved.status_code == 200 and "Text saved" in saved.text
    row = session.get(TemplateOverride, (branch.id, "help", "ru"))
    assert row is not None and row.body == "Звоните в офис"

    reset = client.post(url + "/reset?lang=en", data=form)
    assert reset.status_code == 200 and "The default text is back" in reset.text
    session.expire_all()
    assert session.get(TemplateOverride, (branch.id, "help", "ru")) is None
