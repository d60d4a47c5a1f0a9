"""A client's webhook endpoint on 127.0.0.1 for tests (the `receiver` fixture of
tests/conftest.py; tests/test_webhooks_e2e.py starts its own at a port chosen first)."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """A client's endpoint: answers 500 while failing, else 200; keeps every request."""

    def __init__(self, port: int):
        self.failing = True
        self.requests: list[tuple[str, str, bytes, int]] = []  # event id, signature, body, answer
        self.hosts: list[str] = []  # each request's Host header
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 500 if receiver.failing else 200
                with receiver.lock:
                    receiver.hosts.append(self.headers["Host"])
                    receiver.requests.append(
                        (
                            self.headers["Brigada-Event-Id"],
                            self.headers["Brigada-Signature"],
                            body,
                            status,
                        )
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
