"""A real webhook endpoint on 127.0.0.1 for tests: records what arrives, checks the signature
exactly like the contract's Flask receiver, and misbehaves on request.

Paths: `/hook` answers `{"received": true}` (401 `{"error": "Invalid signature"}` when a secret
is set and the signature is wrong, as the contract's example does); `/flaky/<n>` answers 503 to
its first n requests, then 200; `/status/<code>` answers that status; `/slow` waits 2 s;
`/big` answers 100 KB of text; `/redirect` points at the cloud metadata address.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def seed_signature_ok(secret: str, headers: dict[str, str], payload: bytes) -> bool:
    """The contract's receiver, line for line (Flask's request.headers is case-insensitive)."""
    signature = {k.lower(): v for k, v in headers.items()}.get("x-webhook-signature")
    expected_signature = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    if signature is None:
        return False
    return hmac.compare_digest(signature, f"sha256={expected_signature}")


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: a batch of 50 deliveries arriving at once on
    # a loaded machine overflowed it and the connections failed (ReadError), which pushed
    # their retries past a test's patience. A real receiver's backlog is in the hundreds.
    request_queue_size = 1024
    daemon_threads = True


class Receiver:
    """Start with `with Receiver(secret) as r:`; `r.url("/hook")`, `r.received`."""

    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret
        self.received: list[Received] = []
        self.hits: Counter[str] = Counter()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died mid-request: nothing was delivered
                    return
                headers = dict(self.headers.items())
                receiver.received.append(Received(self.command, self.path, headers, body))
                receiver.hits[self.path] += 1
                status, answer, extra = receiver.answer(self.path, headers, body)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_POST = do_PUT = do_PATCH = _handle

        self.server = _Server(("127.0.0.1", 0), Handler)

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, dict]:
        as_json = {"Content-Type": "application/json"}
        if path.startswith("/flaky/"):
            if self.hits[path] <= int(path.rsplit("/", 1)[1]):
                return 503, b'{"error": "try again"}', as_json
        elif path.startswith("/status/"):
            return int(path.rsplit("/", 1)[1]), b'{"status": "as asked"}', as_json
        elif path == "/slow":
            time.sleep(2)
        elif path == "/big":
            return 200, b"x" * 100_000, {"Content-Type": "text/plain"}
        elif path == "/redirect":
            return 302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}
        if self.secret and not seed_signature_ok(self.secret, headers, body):
            return 401, b'{"error": "Invalid signature"}', as_json
        return 200, b'{"received": true}', as_json

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self) -> Receiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
