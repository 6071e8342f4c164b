"""A minimal webhook receiver for bench/webhook_delivery.py (a server, not a benchmark).

A bare ASGI app under uvicorn: POST /hook checks X-Webhook-Signature like the contract's Flask
receiver and records (webhook-id, arrival time); GET /stats returns every arrival as JSON.

    python bench/webhook_receiver_app.py --port 9000 --secret whsec_...
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import time
from typing import Any

import uvicorn

arrivals: list[tuple[str, float]] = []
bad_signatures = 0
SECRET = b""


async def app(scope: Any, receive: Any, send: Any) -> None:
    global bad_signatures
    if scope["type"] != "http":
        return
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    if scope["method"] == "GET":
        answer, status = json.dumps({"arrivals": arrivals, "bad": bad_signatures}).encode(), 200
    else:
        headers = dict(scope["headers"])
        expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        given = headers.get(b"x-webhook-signature", b"").decode()
        if hmac.compare_digest(given, expected):
            arrivals.append((headers.get(b"webhook-id", b"").decode(), time.time()))
            answer, status = b'{"received": true}', 200
        else:
            bad_signatures += 1
            answer, status = b'{"error": "Invalid signature"}', 401
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": answer})


def main() -> None:
    global SECRET
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    SECRET = args.secret.encode()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
