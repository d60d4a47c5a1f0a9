"""The crew's hours on the close page: the foreman records a break, overtime with its
approver and an early end before the close (each save a new version); after the close the
foreman may not, the office corrects with a reason; refusals are worded and write nothing;
the versions are listed, newest first, in both languages."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dispatch.hours.models import TimesheetVersion
from dispatch.models import Branch, Client
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite, timesheets
from tests.api.console.helpers import sign_in
from tests.builders import (
    arrive_all,
    make_client_user,
    make_foremans_site,
    make_started_order,
    make_user,
    make_worker,
)


@pytest.fixture
def shift(session):
    """An 8-hour shift that started 2 h ago, two workers who came, the site's foreman and a
    dispatcher of the branch."""
    branch, site, foreman = make_foremans_site(session, undo_window_s=0)
    workers = [make_worker(session, branch=branch) for _ in range(2)]
    order, _ = make_started_order(
        session, site=site, workers=workers, started_ago=timedelta(hours=2)
    )
    arrive_all(session, order, workers, foreman=actor_of(foreman))
    office = make_user(session, role="dispatcher", branch=branch)
    return {"order": order, "foreman": foreman, "office": office, "zone": ZoneInfo(branch.timezone)}


def _page(order):
    return f"/console/foreman/orders/{order.id}/close"


def _post(order):
    return f"/console/foreman/orders/{order.id}/hours"


def _local(shift, at):
    return at.astimezone(shift["zone"]).strftime("%H:%M")


def _count(session, order):
    return session.scalar(
        select(func.count())
        .select_from(TimesheetVersion)
        .where(TimesheetVersion.order_id == order.id)
    )


def test_the_foreman_records_the_crews_hours_from_the_close_page(client, session, shift):
    order = shift["order"]
    form = sign_in(client, shift["foreman"])
    page = client.get(_page(order) + "?lang=en")
    assert 'id="hours-form"' in page.text and "No versions" in page.text
    overtime = _local(shift, order.ends_at + timedelta(minutes=90))
    saved = client.post(
        _post(order),
        data={**form, "break_min": "30", "overtime_until": overtime,
              "overtime_approved_by": "Anna Petrova", "ended_at": ""},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].endswith("close?saved=1#hours")
    (version,) = session.scalars(
        select(TimesheetVersion).where(TimesheetVersion.order_id == order.id)
    )
    assert (version.break_min, version.overtime_approved_by) == (30, "Anna Petrova")
    wanted = order.ends_at + timedelta(minutes=90)  # HH:MM on the form: to the minute
    assert version.overtime_until == wanted.replace(second=0, microsecond=0)
    shown = client.get(saved.headers["location"].split("#")[0] + "&lang=en")
    assert "Hours saved: version 1." in shown.text
    assert 'id="hours-v1"' in shown.text
    assert f"break 30 min; overtime until {overtime}, approved by Anna Petrova" in shown.text
    assert 'value="30"' in shown.text  # the form shows the latest version
    ru = client.get(_page(order) + "?lang=ru")
    assert "Часы бригады" in ru.text and "Версия 1" in ru.text


def test_overtime_without_the_approver_is_refused_in_words(client, session, shift):
    order = shift["order"]
    form = sign_in(client, shift["foreman"])
    refused = client.post(
        _post(order) + "?lang=en",
        data={
            **form,
            "break_min": "0",
            "overtime_until": _local(shift, order.ends_at + timedelta(hours=1)),
        },
    )
    assert refused.status_code == 422
    assert "Overtime needs the name of the client" in refused.text
    assert _count(session, order) == 0


def test_a_time_that_is_not_a_time_is_refused(client, session, shift):
    form = sign_in(client, shift["foreman"])
    refused = client.post(_post(shift["order"]) + "?lang=en", data={**form, "ended_at": "25:99"})
    assert refused.status_code == 422 and "An early end falls between" in refused.text
    assert _count(session, shift["order"]) == 0


def test_after_the_close_the_office_corrects_with_a_reason(client, session, shift):
    order = shift["order"]
    onsite.close_shift(
        session, order.id, actor=actor_of(shift["foreman"]), now=order.ends_at, end="scheduled"
    )
    form = sign_in(client, shift["foreman"])
    page = client.get(_page(order) + "?lang=en")
    assert 'id="hours-form"' not in page.text and 'id="hours-office-only"' in page.text
    refused = client.post(
        _post(order) + "?lang=en", data={**form, "break_min": "30", "reason": "x"}
    )
    assert refused.status_code == 403 and "only the office corrects" in refused.text
    form = sign_in(client, shift["office"])
    page = client.get(_page(order) + "?lang=en")
    assert 'id="h-reason"' in page.text
    no_reason = client.post(_post(order) + "?lang=en", data={**form, "break_min": "30"})
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.text
    assert _count(session, order) == 0
    fixed = client.post(
        _post(order), data={**form, "break_min": "30", "reason": "the client's lunch"},
        follow_redirects=False,
    )  # fmt: skip
    assert fixed.status_code == 303
    shown = client.get(_page(order) + "?lang=en")
    assert "the client&#39;s lunch" in shown.text and 'id="hours-v1"' in shown.text
    assert "7.50" in shown.text  # 8 h less the unpaid 30 min, on each line


def test_the_client_sees_the_billed_hours_beside_the_worked_ones(client, session, shift):
    """By the quarter, a 37-minute break leaves 7.38 h worked and 7.50 billed: the portal shows
    both, so hours x rate is the amount the client sees."""
    order = shift["order"]
    branch = session.get_one(Branch, order.branch_id)
    branch.billing_rounding = "quarter"
    record = {"break_min": 37}
    timesheets.record_hours(
        session, order.id, actor=actor_of(shift["office"]), changes=record, now=order.starts_at
    )
    onsite.close_shift(
        session, order.id, actor=actor_of(shift["foreman"]), now=order.ends_at, end="scheduled"
    )
    user = make_client_user(session, client=session.get_one(Client, order.client_id))
    sign_in(client, user)
    page = client.get(f"/portal/orders/{order.id}?lang=en").text
    assert page.count("Hours: 7.38") == 2 and page.count("Billed, h: 7.50") == 2
