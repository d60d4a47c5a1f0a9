"""A branch's own SMS wording: checked when saved, used when sending, transliterated on demand."""

from sqlalchemy import select

from dispatch.fill import waves
from sms.models import Message
from tests.builders import (
    MOSCOW,
    NOW,
    auth,
    make_branch,
    make_client,
    make_order,
    make_site,
    make_user,
    make_worker,
)


def _path(branch, kind="offer", language="ru"):
    return f"/api/v1/branches/{branch.id}/texts/{kind}/{language}"


def test_a_manager_rewords_the_offer_and_the_wave_uses_it(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    body = {"body": "Бригада: {skill} {date} с {start}, {pay} р/ч. ДА {code} / НЕТ {code}"}
    saved = client.put(_path(branch), json=body, headers=auth(manager))
    assert saved.status_code == 200, saved.text
    assert saved.json()["own"] is True and saved.json()["longest_segments"] <= 2
    site = make_site(session, client=make_client(session, branch=branch), at=MOSCOW)
    make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1)
    waves.start_filling(session, order.id, NOW)
    text = session.scalars(select(Message).where(Message.order_id == order.id)).one()
    assert text.body.startswith("Бригада: грузчик") and f"ДА {order.code}" in text.body
    listed = client.get(f"/api/v1/branches/{branch.id}/texts", headers=auth(manager)).json()
    assert [t["own"] for t in listed if t["kind"] == "offer" and t["language"] == "ru"] == [True]
    assert client.delete(_path(branch), headers=auth(manager)).status_code == 204


def test_bad_wording_is_refused_naming_the_field(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    cases = [
        ({"body": "Работа {salary}"}, "unknown fields salary"),
        ({"body": "Работа {code"}, "not a valid template"),
        ({"body": "Очень длинное предложение работы. " * 4 + "{code}"}, "segments"),
    ]
    for body, msg in cases:
        answer = client.put(_path(branch), json=body, headers=auth(manager))
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"] == ["body", "body"]
        assert msg in answer.json()["detail"][0]["msg"]
    unknown_kind = client.put(_path(branch, kind="poem"), json={"body": "x"}, headers=auth(manager))
    assert unknown_kind.json()["detail"][0]["loc"] == ["body", "kind"]
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    assert (
        client.put(_path(branch), json={"body": "x {code}"}, headers=auth(dispatcher)).status_code
        == 403
    )


def test_transliteration_makes_a_russian_offer_gsm7(client, session):
    branch = make_branch(session)
    admin = make_user(session, role="admin")
    patched = client.patch(
        f"/api/v1/branches/{branch.id}",
        json={"policy": {"sms_transliterate": True}},
        headers=auth(admin),
    )
    assert patched.status_code == 200 and patched.json()["policy"]["sms_transliterate"] is True
    session.expire_all()  # the API changed the branch in its own session
    site = make_site(session, client=make_client(session, branch=branch), at=MOSCOW)
    make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1)
    waves.start_filling(session, order.id, NOW)
    text = session.scalars(select(Message).where(Message.order_id == order.id)).one()
    assert text.body.startswith("Rabota: gruzchik")
    assert text.encoding == "GSM-7" and text.segments == 1


def test_a_text_workers_answer_must_carry_the_order_code(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    for kind in ("offer", "confirm_request"):
        answer = client.put(
            _path(branch, kind=kind),
            json={"body": "Работа завтра, ответьте ДА"},
            headers=auth(manager),
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"] == ["body", "body"]
        assert "{code}" in answer.json()["detail"][0]["msg"]
    told = client.put(
        _path(branch, kind="booked"), json={"body": "Вы записаны, ждём"}, headers=auth(manager)
    )
    assert told.status_code == 200, told.text  # nobody answers this one
