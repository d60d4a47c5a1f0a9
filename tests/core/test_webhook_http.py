"""The webhook gateway (core/webhook_http.py): outside test and dev, a host that is or
resolves to a non-public address is refused at delivery time, whatever it was at creation,
and the POST goes to the address that was checked, with the URL's host as its Host."""

import pytest

from core import webhook_http
from core.webhook_http import HttpxWebhookGateway, PrivateAddress, public_address
from tests.receiver import free_port

BODY = b'{"id":"e1"}'
HEADERS = {"Content-Type": "application/json", "Brigada-Event-Id": "e1"}


def resolving_to(*addresses: str):
    return lambda host, port: list(addresses)


@pytest.mark.parametrize(
    "host, addresses",
    [
        ("127.0.0.1", ()),
        ("10.0.0.7", ()),
        ("::1", ()),
        ("169.254.169.254", ()),
        ("hooks.example.com", ("127.0.0.1",)),
        ("hooks.example.com", ("203.0.113.9",)),  # documentation range: not global either
        ("hooks.example.com", ("8.8.8.8", "192.168.1.10")),  # one private among public ones
        ("hooks.example.com", ("fd00::1",)),
        ("hooks.example.com", ()),
    ],
)
def test_a_host_at_a_non_public_address_is_refused(host, addresses):
    with pytest.raises(PrivateAddress):
        public_address(host, 443, resolving_to(*addresses))


def test_a_public_host_gives_its_first_address():
    assert public_address("hooks.example.com", 443, resolving_to("8.8.8.8", "1.1.1.1")) == (
        "8.8.8.8"
    )
    assert public_address("8.8.4.4", 443, resolving_to()) == "8.8.4.4"


def test_a_name_now_pointing_at_our_network_gets_nothing_sent(receiver):
    """Created when the name was public; at delivery it resolves to this machine."""
    gateway = HttpxWebhookGateway(allow_private=False, resolver=resolving_to("127.0.0.1"))
    url = f"http://hooks.example.com:{receiver.server.server_port}/in"
    answer = gateway.post(url, body=BODY, headers=HEADERS, timeout_s=2)
    assert answer.status is None and answer.error.startswith("refused:"), answer
    assert "127.0.0.1" not in answer.error and not answer.ok  # the client reads it: no address
    assert receiver.requests == []


def test_the_post_goes_to_the_checked_address_with_the_hosts_name(receiver, monkeypatch):
    """The address checked is the one connected to (no second lookup to be fooled): here the
    check passes 127.0.0.1 as if public, and the name itself resolves nowhere."""
    monkeypatch.setattr(webhook_http, "public_address", lambda host, port, resolver: "127.0.0.1")
    gateway = HttpxWebhookGateway(allow_private=False, resolver=resolving_to())
    port = receiver.server.server_port
    url = f"http://hooks.invalid:{port}/in"
    answer = gateway.post(url, body=BODY, headers=HEADERS, timeout_s=2)
    assert answer.ok and answer.status == 200, answer
    [(event_id, _, body, status)] = receiver.requests
    assert (event_id, body, status) == ("e1", BODY, 200)
    assert receiver.hosts == [f"hooks.invalid:{port}"]


def test_test_and_dev_receivers_on_this_machine_are_allowed(receiver):
    gateway = HttpxWebhookGateway(allow_private=True)
    url = f"http://127.0.0.1:{receiver.server.server_port}/in"
    assert gateway.post(url, body=BODY, headers=HEADERS, timeout_s=2).status == 200
    receiver.failing = True
    failed = gateway.post(url, body=BODY, headers=HEADERS, timeout_s=2)
    assert failed.status == 500 and not failed.ok


def test_no_answer_is_an_error_without_a_status():
    gateway = HttpxWebhookGateway(allow_private=True)
    answer = gateway.post(f"http://127.0.0.1:{free_port()}/in", body=BODY, headers={}, timeout_s=2)
    assert answer.status is None and "ConnectError" in answer.error
    unresolved = HttpxWebhookGateway(allow_private=False, resolver=webhook_http.resolve)
    gone = unresolved.post("http://no-such-host.invalid/in", body=BODY, headers={}, timeout_s=2)
    assert gone.status is None and gone.error
