"""Changing an order in the portal (/portal/orders/{id}/change): the consequence shown before
confirming (the late-change pay of a cut, everyone asked to confirm new times), then the
office's own change; bad input beside its field; no rate or foreman field; and the workers the
client has had (/portal/workers), as it may see them, favoured and blocked there."""

from datetime import date, timedelta

import pytest

from core.clock import now
from dispatch.models import Client, ClientBlock, ClientFavourite, Offer, Order
from tests.api.console.helpers import sign_in
from tests.builders import (
    make_branch_site,
    make_client,
    make_client_user,
    make_offer,
    make_order,
    make_site,
    make_worker,
)


@pytest.fixture
def world(session):
    """A client's order starting in 5 h with three workers booked, and one of its users."""
    branch, site = make_branch_site(session)
    order = make_order(session, site=site, headcount=3, now=now(), starts_in=timedelta(hours=5))
    workers = [
        make_worker(session, branch=branch, full_name=f"Сидоров{i} Пётр{i}") for i in range(3)
    ]
    for i, worker in enumerate(workers):
        make_offer(session, order=order, worker=worker, booked_at=now() - timedelta(minutes=9 - i))
    order.status = "filled"
    session.flush()
    user = make_client_user(session, client=session.get_one(Client, site.client_id))
    return {"branch": branch, "site": site, "order": order, "workers": workers, "user": user}


def _shown(page: str, name: str) -> str:
    marker = f'name="{name}"'
    tail = page[page.index(marker) :]
    if name == "notes":
        return tail[tail.index(">") + 1 : tail.index("</textarea>")]
    return tail[tail.index('value="') + 7 :].split('"', 1)[0]


def _fields(page: str) -> dict[str, str]:
    return {name: _shown(page, name) for name in ("headcount", "date", "start", "end", "notes")}


def test_a_cut_shows_the_late_pay_first_then_changes_the_order(client, session, world):
    order, branch = world["order"], world["branch"]
    csrf = sign_in(client, world["user"])
    page = client.get(f"/portal/orders/{order.id}/change?lang=en").text
    assert 'name="client_rate"' not in page and 'name="foreman_id"' not in page
    values = {**_fields(page), "headcount": "1"}
    shown = client.post(f"/portal/orders/{order.id}/change?lang=en", data={**csrf, **values})
    assert shown.status_code == 200
    pay = branch.show_up_pay
    # Headcount 1 books 2 (the branch's overbooking): one is let go, inside the late window.
    assert "Booked workers let go (the most recently booked first): 1." in shown.text
    expected = f"each one let go is paid {pay} {branch.currency}, {pay} {branch.currency} in all"
    assert expected in shown.text
    assert 'id="confirm-change"' in shown.text
    russian = client.post(f"/portal/orders/{order.id}/change?lang=ru", data={**csrf, **values})
    assert "Записанных, которых отпустят (записавшиеся последними): 1." in russian.text
    assert f"каждому отпущенному платится {pay} {branch.currency}" in russian.text
    session.expire_all()
    assert session.get_one(Order, order.id).headcount == 3  # shown, not done
    done = client.post(
        f"/portal/orders/{order.id}/change",
        data={**csrf, **values, "confirm": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/portal/orders/{order.id}"
    session.expire_all()
    assert session.get_one(Order, order.id).headcount == 1
    kept = session.query(Offer).filter_by(order_id=order.id, status="booked").all()
    assert sorted(o.worker_id for o in kept) == [w.id for w in world["workers"][:2]]


def test_a_move_asks_the_booked_to_confirm_again(client, session, world):
    order = world["order"]
    csrf = sign_in(client, world["user"])
    values = _fields(client.get(f"/portal/orders/{order.id}/change").text)
    next_day = (date.fromisoformat(values["date"]) + timedelta(days=1)).isoformat()
    shown = client.post(
        f"/portal/orders/{order.id}/change?lang=en", data={**csrf, **values, "date": next_day}
    )
    assert "Every booked worker (3) is asked to confirm the new times" in shown.text


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("headcount", "много", "a whole number is needed"),
        ("headcount", "0", None),  # the domain's refusal, beside the field
        ("start", "8 утра", "a time like 08:00"),
        ("date", "2020-01-01", None),  # the shift in the past: the domain's, at its start
    ],
)
def test_bad_input_is_refused_beside_its_field(client, session, world, field, value, words):
    shown_at = "start" if field == "date" else field
    order = world["order"]
    csrf = sign_in(client, world["user"])
    values = {**_fields(client.get(f"/portal/orders/{order.id}/change").text), field: value}
    answer = client.post(f"/portal/orders/{order.id}/change?lang=en", data={**csrf, **values})
    assert answer.status_code == 422
    error = answer.text.split(f'id="err-{shown_at}"', 1)[1].split("</p>", 1)[0]
    assert len(error) > 30, error
    if words:
        assert words.lower() in error.lower()
    session.expire_all()
    assert session.get_one(Order, order.id).headcount == 3


def test_another_clients_order_has_no_change_page(client, session, world):
    other = make_site(session, client=make_client(session, branch=world["branch"]))
    theirs = make_order(session, site=other, now=now())
    csrf = sign_in(client, world["user"])
    assert client.get(f"/portal/orders/{theirs.id}/change").status_code == 404
    sent = client.post(f"/portal/orders/{theirs.id}/change", data={**csrf, "headcount": "1"})
    assert sent.status_code == 404


def test_the_workers_page_shows_those_had_as_the_client_sees_them(client, session, world):
    worker = world["workers"][0]
    stranger = make_worker(session, branch=world["branch"], full_name="Чужой Иван")
    csrf = sign_in(client, world["user"])
    page = client.get("/portal/workers?lang=en").text
    assert "Пётр0 С." in page and "Сидоров0" not in page
    assert worker.phone not in page and worker.phone[-7:] not in page
    assert "Чужой" not in page and f'id="worker-{stranger.id}"' not in page
    client_id = world["site"].client_id
    done = client.post(
        f"/portal/workers/{worker.id}/favourite", data={**csrf, "on": "1"}, follow_redirects=False
    )
    assert done.status_code == 303
    assert session.get(ClientFavourite, (client_id, worker.id)) is not None
    assert 'data-favourite="true"' in client.get("/portal/workers").text
    refused = client.post(f"/portal/workers/{world['workers'][1].id}/block", data=csrf)
    assert refused.status_code == 422 and 'role="alert"' in refused.text  # a reason is asked
    client.post(f"/portal/workers/{world['workers'][1].id}/block", data={**csrf, "reason": "rude"})
    assert session.get(ClientBlock, (client_id, world["workers"][1].id)) is not None
    never = client.post(f"/portal/workers/{stranger.id}/favourite", data={**csrf, "on": "1"})
    assert never.status_code == 404
    assert session.get(ClientFavourite, (client_id, stranger.id)) is None
