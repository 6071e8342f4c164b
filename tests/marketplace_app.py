"""The reference marketplace app (examples/marketplace-app) as a real server for tests:
`with ReferenceApp(base_url, client_id, secret) as ref:` starts it on a free port with its own
data file; `ref.url`, `ref.events()`, `ref.data()` (its store, tokens included)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

APP_DIR = Path(__file__).resolve().parents[1] / "examples" / "marketplace-app"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class ReferenceApp:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        scopes: str = "customers:read",
        port: int | None = None,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = Path(tempfile.mkdtemp(prefix="marketplace-app-"))
        self.data_file = self.folder / "store.json"
        self.env = {
            **os.environ,
            "JEWELIA_BASE_URL": base_url,
            "APP_CLIENT_ID": client_id,
            "APP_CLIENT_SECRET": client_secret,
            "APP_PUBLIC_URL": self.url,
            "APP_DATA_FILE": str(self.data_file),
            "APP_SCOPES": scopes,
            "APP_DEBUG_EVENTS": "1",
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ReferenceApp:
        self.log = open(self.folder / "app.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(APP_DIR / "app.py"), "--port", str(self.port)],
            env=self.env,
            cwd=APP_DIR,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError((self.folder / "app.log").read_text())

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def events(self) -> list[dict[str, Any]]:
        answer = httpx.get(f"{self.url}/events", timeout=5)
        answer.raise_for_status()
        return list(answer.json())

    def data(self) -> dict[str, Any]:
        try:
            return dict(json.loads(self.data_file.read_text()))
        except FileNotFoundError:
            return {}

    async def report_usage(
        self, browser: httpx.AsyncClient, tenant_id: str, quantity: Any, description: str, key: str
    ) -> dict[str, Any]:
        """Ask the app (as the browser that installed it) to report usage to Jewelia; its
        answer {status, key, jewelia}."""
        answer = await browser.post(
            f"{self.url}/tenants/{tenant_id}/usage",
            json={"quantity": quantity, "description": description, "key": key},
            timeout=30,
        )
        answer.raise_for_status()
        return dict(answer.json())

    def output(self) -> str:
        return (self.folder / "app.log").read_text(errors="replace")
