"""A fake of Twilio's Messages API, the edge we do not own: it records every send attempt,
and can refuse (429 and 500 in turn) for a while or take its time answering.

It answers POST /2010-04-01/Accounts/{sid}/Messages.json as Twilio does: 201 with the new
message's JSON, or an error JSON with Twilio's code. An attempt is recorded as it arrives:
a message whose request reached Twilio is sent, whether or not its sender lived to read the
answer. GET on the same path lists the messages taken for a `To`, newest first (how a stale
claim is checked).
"""

import json
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Messages\.json$")
REFUSALS = (
    (429, 20429, "Too Many Requests"),
    (500, 20500, "Internal Server Error"),
)


@dataclass(frozen=True)
class Attempt:
    at: float  # time.monotonic() on arrival
    to: str
    body: str
    status: int
    sid: str | None  # the message SID of an accepted (201) attempt
    created: str = ""  # as Twilio writes date_created (RFC 2822)

    @property
    def key(self) -> tuple[str, str]:
        return self.to, self.body


class FakeTwilio:
    def __init__(self) -> None:
        self.attempts: list[Attempt] = []
        self.lock = threading.Lock()
        self.refuse_until = 0.0  # monotonic: before it, every request is refused
        self.delay_s = 0.0  # time taken before answering
        self.lookups: list[str] = []  # the To of each message-list request
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeTwilio":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def refuse_for(self, seconds: float) -> float:
        """Refuse every send for `seconds` from now; returns when the refusals end (monotonic)."""
        self.refuse_until = time.monotonic() + seconds
        return self.refuse_until

    def accepted(self) -> list[Attempt]:
        with self.lock:
            return [a for a in self.attempts if a.status == 201]

    def refused(self) -> list[Attempt]:
        with self.lock:
            return [a for a in self.attempts if a.status != 201]

    def accepted_count(self) -> Counter:
        """(to, body) -> how many times Twilio took it."""
        return Counter(a.key for a in self.accepted())

    def _record(self, account_sid: str, form: dict[str, str]) -> tuple[int, dict]:
        to, body = form.get("To", ""), form.get("Body", "")
        with self.lock:
            if time.monotonic() < self.refuse_until:
                status, code, text = REFUSALS[len(self.attempts) % len(REFUSALS)]
                self.attempts.append(Attempt(time.monotonic(), to, body, status, None))
                return status, {
                    "code": code,
                    "message": text,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}",
                    "status": status,
                }
            sid = "SM" + uuid.uuid4().hex
            stamp = formatdate(usegmt=True)
            self.attempts.append(Attempt(time.monotonic(), to, body, 201, sid, stamp))
        return 201, {
            "account_sid": account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": stamp,
            "date_updated": stamp,
            "date_sent": None,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {},
            "to": to,
            "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
        }

    def _listing(self, account_sid: str, to: str) -> dict:
        with self.lock:
            self.lookups.append(to)
            taken = [a for a in self.attempts if a.status == 201 and a.to == to]
        return {
            "messages": [
                {
                    "account_sid": account_sid,
                    "body": a.body,
                    "date_created": a.created,
                    "direction": "outbound-api",
                    "sid": a.sid,
                    "status": "sent",
                    "to": a.to,
                }
                for a in reversed(taken)
            ],
            "next_page_uri": None,
            "page": 0,
            "page_size": 50,
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlsplit(self.path)
                match = MESSAGES.match(url.path)
                if match is None:
                    self._answer(404, {"code": 20404, "message": "not found", "status": 404})
                    return
                to = parse_qs(url.query).get("To", [""])[0]
                self._answer(200, fake._listing(match.group(1), to))

            def do_POST(self):
                match = MESSAGES.match(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died mid-request: Twilio never got it
                    return
                raw = body.decode()
                if match is None:
                    self._answer(404, {"code": 20404, "message": "not found", "status": 404})
                    return
                form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                status, payload = fake._record(match.group(1), form)
                if fake.delay_s:
                    time.sleep(fake.delay_s)
                self._answer(status, payload)

            def _answer(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the sender died waiting (a killed jobs process)
                    pass

            def log_message(self, *args):  # quiet: the attempts list is the record
                pass

        return Handler
