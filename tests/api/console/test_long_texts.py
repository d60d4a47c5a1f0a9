"""A text longer than its column is refused beside its field, what was typed kept: never cut
silently, never a 500 (a site's name of 201-300 characters was one)."""

import html
import re

import pytest
from sqlalchemy import func, select

from dispatch.models import ClientBlock, Site
from tests.api.console.helpers import sign_in
from tests.builders import make_branch, make_client, make_user, make_worker
from workers.models import WorkerVetting

TOO_LONG = "Слишком длинный текст"


@pytest.fixture
def office(client, session):
    branch = make_branch(session)
    return branch, sign_in(client, make_user(session, role="dispatcher", branch=branch))


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("field, length", [("name", 250), ("address", 301)])
def test_a_site_name_or_address_too_long_is_named_beside_its_field(
    client, session, office, field, length
):
    branch, form = office
    owner = make_client(session, branch=branch)
    fields = {"name": "Ворота 3", "address": "ул. Ленина, 5", "lat": "55.75", "lon": "37.62"}
    fields[field] = "д" * length
    answer = client.post(f"/console/clients/{owner.id}/sites/new", data={**form, **fields})
    assert answer.status_code == 422
    error = re.search(rf'id="err-{field}"[^>]*>([^<]*)<', answer.text)
    assert error is not None and TOO_LONG in html.unescape(error[1])
    assert f'value="{"д" * length}"' in answer.text  # kept whole, not cut
    assert _count(session, Site) == 0


def test_a_block_reason_too_long_is_refused_not_cut(client, session, office):
    branch, form = office
    owner = make_client(session, branch=branch)
    worker = make_worker(session, branch=branch)
    sent = {**form, "worker": str(worker.id), "reason": "п" * 1001}
    answer = client.post(f"/console/clients/{owner.id}/blocks", data=sent)
    assert answer.status_code == 422
    error = re.search(r'id="blocks_reason-error"[^>]*>([^<]*)<', answer.text)
    assert error is not None and TOO_LONG in html.unescape(error[1])
    assert _count(session, ClientBlock) == 0


def test_a_vetting_note_too_long_is_refused_not_cut(client, session, office):
    branch, form = office
    worker = make_worker(session, branch=branch, vetted=False)
    sent = {**form, "result": "rejected", "note": "н" * 1001}
    answer = client.post(f"/console/workers/{worker.id}/vetting", data=sent)
    assert answer.status_code == 422
    assert 'aria-describedby="err-note" aria-invalid="true"' in answer.text
    assert TOO_LONG in answer.text and "н" * 1001 in answer.text
    assert _count(session, WorkerVetting) == 0
