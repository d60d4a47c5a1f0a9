"""Where a client's webhook leaves Brigada: one signed POST over httpx (the gateway handed to
dispatch/hooks/delivery.py by its job, as sms/gateways.py is to the SMS sender).

Outside test and dev, the host is resolved here, every address it resolves to must be a
public one, and the request goes to the address that was checked (the Host header and TLS's
server name stay the URL's host): a name the client points at our own network, at creation
or any time later (DNS can point anywhere), reaches nothing of ours."""

import ipaddress
import logging
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

log = logging.getLogger(__name__)
# What the delivery log says of a refused address (the addresses go to our own log only).
REFUSED = "refused: the URL's host is not a public address"

ERROR_CHARS = 200
Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer at all
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class PrivateAddress(Exception):
    """The URL's host is, or resolves to, an address that is not public."""


def resolve(host: str, port: int) -> list[str]:
    """Every address the host has now (IPv4 and IPv6)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def public_address(host: str, port: int, resolver: Resolver = resolve) -> str:
    """The address to connect to: the host's first, once all of them are public."""
    try:
        addresses = [ipaddress.ip_address(host)]  # an IP literal needs no lookup
    except ValueError:
        addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolver(host, port)]
    private = [str(a) for a in addresses if not a.is_global]
    if not addresses or private:
        raise PrivateAddress(f"{host} resolves to a non-public address {', '.join(private)}")
    return str(addresses[0])


class HttpxWebhookGateway:
    """The real POST. allow_private: test and dev, whose receivers listen on this machine."""

    name = "httpx"

    def __init__(self, *, allow_private: bool, resolver: Resolver = resolve):
        self.allow_private = allow_private
        self.resolver = resolver

    def post(
        self, url: str, *, body: bytes, headers: Mapping[str, str], timeout_s: float
    ) -> Answer:
        target = httpx.URL(url)
        sent_headers = dict(headers)
        extensions = {}
        try:
            if not self.allow_private:
                port = target.port or (443 if target.scheme == "https" else 80)
                address = public_address(target.host, port, self.resolver)
                sent_headers["Host"] = target.netloc.decode("ascii")
                extensions["sni_hostname"] = target.host  # the certificate names the host
                target = target.copy_with(host=address)
            with httpx.Client(timeout=timeout_s, follow_redirects=False) as client:
                # No redirect followed: it could lead anywhere, our own network included.
                response = client.post(
                    target, content=body, headers=sent_headers, extensions=extensions
                )
        except PrivateAddress as exc:
            # The client reads this error in its delivery log: it names no address of ours.
            log.warning("webhook to %s refused: %s", target.host, exc)
            return Answer(None, REFUSED)
        except (
            httpx.HTTPError,
            httpx.InvalidURL,
            OSError,
        ) as exc:  # OSError: the name did not resolve
            return Answer(None, f"{type(exc).__name__}: {exc}"[:ERROR_CHARS])
        if 200 <= response.status_code < 300:
            return Answer(response.status_code)
        return Answer(response.status_code, response.text[:ERROR_CHARS] or None)
