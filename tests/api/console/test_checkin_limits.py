"""Check-in links answer a bounded number of requests per client address and per link: past
either, 429 with Retry-After, before the link is looked up or a body read."""

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.settings import Settings, get_settings
from dispatch.texts import links
from tests.builders import make_branch, make_client, make_offer, make_order, make_site, make_worker

JUNK = "{n}-AAAAAAAAAAAA"


@pytest.fixture
def link(session) -> str:
    branch = make_branch(session)
    order = make_order(session, site=make_site(session, client=make_client(session, branch=branch)))
    offer = make_offer(session, order=order, worker=make_worker(session, branch=branch))
    return links.token_for(offer.id, get_settings().secret_key)


def _client(session_factory, address: str, **limits: str) -> TestClient:
    settings = Settings(**{**get_settings().model_dump(), **limits})
    return TestClient(create_app(settings, session_factory, warm=False), client=(address, 50000))


def test_with_the_defaults_300_guesses_in_a_row_are_cut_off(client):
    answers = [client.get(f"/c/{JUNK.format(n=n)}").status_code for n in range(1, 301)]
    assert set(answers[:120]) == {404}
    assert set(answers[120:]) == {429}


def test_past_the_rate_per_address_guesses_are_429_with_retry_after(session_factory, link):
    guesser = _client(session_factory, "203.0.113.7", checkin_rate_per_address="5/minute")
    for n in range(1, 6):
        assert guesser.get(f"/c/{JUNK.format(n=n)}").status_code == 404
    refused = guesser.post(f"/c/{link}", data={"lat": "55.75", "lon": "37.61"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # The worker on another address is not held up by the guesser.
    worker = _client(session_factory, "198.51.100.20", checkin_rate_per_address="5/minute")
    assert worker.get(f"/c/{link}").status_code == 200


def test_past_the_rate_per_link_every_address_is_429(session_factory, link):
    for n in range(3):
        other = _client(session_factory, f"192.0.2.{n}", checkin_rate_per_link="3/minute")
        assert other.get(f"/c/{link}").status_code == 200
    late = _client(session_factory, "192.0.2.99", checkin_rate_per_link="3/minute")
    refused = late.get(f"/c/{link}")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert late.get(f"/c/{JUNK.format(n=1)}").status_code == 404  # other links still answer
