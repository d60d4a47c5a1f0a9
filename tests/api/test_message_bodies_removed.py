"""A message body blanked for its age (sms/retention.py) reads as removed on every path that
shows texts: the console's message log, a worker's profile, the phone simulator, the CSV
download say "text removed after N days" in the console's languages; the API gives body ""
and body_removed_at."""

from datetime import timedelta

import pytest

from api.console.i18n import LANGUAGES, translator
from core.clock import now
from core.settings import get_settings
from sms import outbox
from sms.models import Message
from sms.tasks import keep_bodies
from tests.api.console.helpers import sign_in
from tests.builders import auth, make_branch, make_user, make_worker

OLD_BODY = "Смена завтра 08:00, ул. Ленина 1. Ответьте ДА 417"
NEW_BODY = "Смена сегодня 20:00, склад 3. Ответьте ДА 512"


def _removed(language: str) -> str:
    return translator(language)("messages_body_removed").format(
        days=get_settings().message_body_keep_days
    )


@pytest.fixture
def world(session, session_factory):
    branch = make_branch(session)
    worker = make_worker(session, branch=branch)
    # Made before its old text: reads of a worker's texts start at the worker's creation.
    worker.created_at = now() - timedelta(days=get_settings().message_body_keep_days + 30)
    for body in (OLD_BODY, NEW_BODY):
        outbox.queue(session, kind="offer", worker_id=worker.id, phone=worker.phone, body=body)
    session.flush()
    old = session.query(Message).filter_by(body=OLD_BODY).one()
    old.status = "delivered"
    old.created_at = now() - timedelta(days=get_settings().message_body_keep_days + 1)
    session.flush()
    assert keep_bodies(now(), session_factory) == 1
    session.expire_all()
    return {"branch": branch, "worker": worker, "old": old.id}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", ["/console/messages", "/console/workers/{worker}"])
def test_a_console_page_says_the_text_was_removed(client, session, world, language, path):
    sign_in(client, make_user(session, role="dispatcher", branch=world["branch"]))
    page = client.get(path.format(worker=world["worker"].id), params={"lang": language})
    assert page.status_code == 200, page.text
    assert _removed(language) in page.text
    assert OLD_BODY not in page.text and NEW_BODY in page.text  # the newer text is kept


def test_the_phone_simulator_says_the_text_was_removed(client, session, world):
    sign_in(client, make_user(session, role="dispatcher", branch=world["branch"]))
    page = client.get(f"/console/phone/{world['worker'].id}", params={"lang": "en"})
    assert page.status_code == 200, page.text
    assert _removed("en") in page.text and OLD_BODY not in page.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_csv_download_says_the_text_was_removed(client, session, world, language):
    sign_in(client, make_user(session, role="dispatcher", branch=world["branch"]))
    download = client.get("/console/messages.csv", params={"lang": language})
    assert download.status_code == 200, download.text
    text = download.content.decode()
    assert _removed(language) in text and OLD_BODY not in text and NEW_BODY in text


def test_the_api_gives_an_empty_body_and_when_it_was_removed(client, session, world):
    dispatcher = make_user(session, role="dispatcher", branch=world["branch"])
    answer = client.get("/api/v1/messages", headers=auth(dispatcher))
    assert answer.status_code == 200, answer.text
    by_id = {m["id"]: m for m in answer.json()}
    old = by_id.pop(world["old"])
    assert old["body"] == "" and old["body_removed_at"] is not None
    assert old["kind"] == "offer" and old["segments"] >= 1  # the metadata stays
    [new] = by_id.values()
    assert new["body"] == NEW_BODY and new["body_removed_at"] is None
