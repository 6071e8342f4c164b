"""A small stateful Stripe-compatible server for what localstripe lacks: Checkout Sessions and
billing portal sessions. The real `stripe` client talks to it over HTTP (STRIPE_API_BASE)."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (a[b][0][c]=v) back into nested dicts."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


class FakeStripe:
    """Records requests and keeps the objects it created."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, Any], str]] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeStripe:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                params = _nest(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                fake.requests.append(
                    ("POST", self.path, params, self.headers.get("Authorization", ""))
                )
                if not self.headers.get("Authorization", "").startswith("Bearer sk_test_"):
                    self._reply(
                        401,
                        {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}},
                    )
                elif self.path == "/v1/checkout/sessions":
                    sid = f"cs_test_{uuid.uuid4().hex[:16]}"
                    session = {
                        "id": sid,
                        "object": "checkout.session",
                        "mode": params.get("mode"),
                        "url": f"https://checkout.stripe.test/pay/{sid}",
                        **params,
                    }
                    fake.sessions[sid] = session
                    self._reply(200, session)
                elif self.path == "/v1/billing_portal/sessions":
                    self._reply(
                        200,
                        {
                            "id": f"bps_{uuid.uuid4().hex[:10]}",
                            "object": "billing_portal.session",
                            "url": f"https://billing.stripe.test/session/{params.get('customer')}",
                        },
                    )
                else:
                    self._reply(
                        404,
                        {
                            "error": {
                                "type": "invalid_request_error",
                                "message": "Unrecognized request URL",
                            }
                        },
                    )

        return Handler
