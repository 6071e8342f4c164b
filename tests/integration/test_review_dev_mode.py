"""Issue 10, item 3: /dev/mail and billing's test mode exist only under `jewelia dev` (or
JEWELIA_DEV_MODE=1), never because SMTP or Stripe settings are missing.

Production is a real `jewelia serve` (plus worker and scheduler) with JEWELIA_DEV_MODE=0 on an
installation of its own; development is a real `jewelia dev` with the variable unset.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from jewelia.cli import DEMO_EMAIL, DEMO_PASSWORD
from tests.conftest import ROOT, STRONG_PASSWORD, _free_port
from tests.isolated import Isolated, stop, wait_until

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
OWNER = "prod-owner@example.com"


@dataclass
class Site:
    isolated: Isolated
    url: str
    log: Path
    tenant_id: str

    def query(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        async def run() -> list[dict[str, Any]]:
            conn = await asyncpg.connect(self.isolated.database_url)
            try:
                return [dict(r) for r in await conn.fetch(sql, *args)]
            finally:
                await conn.close()

        return asyncio.run(run())


def _wait_ready(url: str, log: Path, proc: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(log.read_text()[-4000:])


def _env_without_dev_settings(env: dict[str, str]) -> dict[str, str]:
    drop = ("JEWELIA_DEV_MODE", "JEWELIA_SMTP_URL", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET")
    return {k: v for k, v in env.items() if k not in drop}


@pytest.fixture(scope="module")
def prod(db: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`jewelia serve` with JEWELIA_DEV_MODE=0, no SMTP and no Stripe keys."""
    folder = tmp_path_factory.mktemp("prod")
    site = Isolated("jewelia_review_prod", 11, {"JEWELIA_DATA_DIR": str(folder / "data")})
    site.env = {**_env_without_dev_settings(site.env), "JEWELIA_DEV_MODE": "0"}
    tenant = site.create_tenant("Production Gems", OWNER)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "serve.log"
    env = {**site.env, "JEWELIA_PORT": str(port), "JEWELIA_BASE_URL": url}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jewelia.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(url, log, proc, 30)
        yield Site(site, url, log, tenant["tenant_id"])
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _form(client: httpx.Client, page: str, data: dict[str, str], action: str | None = None) -> Any:
    token = CSRF.search(client.get(page).text)
    assert token, f"no CSRF token on {page}"
    return client.post(action or page, data={**data, "_csrf_token": token.group(1)})


def test_production_has_no_dev_mail_and_ready_says_mail_is_not_configured(prod: Site) -> None:
    assert httpx.get(f"{prod.url}/dev/mail").status_code == 404
    assert httpx.get(f"{prod.url}/dev/mail/{uuid.uuid4()}").status_code == 404
    ready = httpx.get(f"{prod.url}/ready")
    assert ready.status_code == 200  # a missing SMTP server must not take the site offline
    assert ready.json()["status"] == "ok" and ready.json()["mail"] == "not_configured"


def test_production_mail_stays_queued_and_the_worker_warns(prod: Site, tmp_path: Path) -> None:
    with httpx.Client(base_url=prod.url, follow_redirects=True) as client:
        r = _form(client, "/password/forgot", {"email": OWNER})
        assert r.status_code == 200
    queued = prod.query(
        "SELECT id FROM public.email_outbox WHERE lower(to_address) = $1", OWNER.lower()
    )
    assert queued
    worker_log = tmp_path / "worker.log"
    worker = prod.isolated.start_worker(worker_log, threads=1)
    with (tmp_path / "scheduler.log").open("wb") as out:
        scheduler = subprocess.Popen(
            [sys.executable, "-m", "jewelia.cli", "scheduler"],
            cwd=ROOT,
            env=prod.isolated.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(
            lambda: "mail not configured" in worker_log.read_text(errors="replace"),
            60,
            "the worker's warning",
        )
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=15)
        stop(worker)
    warning = next(
        line for line in worker_log.read_text().splitlines() if "mail not configured" in line
    )
    assert "WARNING" in warning.upper() and re.search(r"\d+ email\(s\) stay queued", warning)
    rows = prod.query(
        "SELECT status, attempts, sent_at FROM public.email_outbox WHERE id = ANY($1::uuid[])",
        [r["id"] for r in queued],
    )
    assert rows and all(r["status"] == "pending" and r["attempts"] == 0 for r in rows), rows
    assert all(r["sent_at"] is None for r in rows)


def test_production_billing_without_stripe_is_not_configured(prod: Site) -> None:
    with httpx.Client(base_url=prod.url, follow_redirects=True) as client:
        r = _form(client, "/login", {"email": OWNER, "password": STRONG_PASSWORD})
        assert r.status_code == 200, r.text
        page = client.get("/settings/billing")
        assert "Billing is not configured on this server" in page.text
        assert "Test mode" not in page.text
        r = _form(
            client, "/settings/billing", {"plan": "professional"}, "/settings/billing/upgrade"
        )
        assert r.status_code == 200 and str(r.url).endswith("/settings/billing")
        assert "so the plan cannot be changed yet" in r.text
        assert client.get("/billing/test-checkout?plan=professional").status_code == 404
        r = _form(client, "/settings/billing", {"plan": "enterprise"}, "/billing/test/checkout")
        assert "only in development" in r.text
        # No locally signed event is accepted either: there is no webhook secret.
        body = json.dumps(
            {
                "id": f"evt_{uuid.uuid4().hex}",
                "type": "checkout.session.completed",
                "data": {"object": {"client_reference_id": prod.tenant_id}},
            }
        ).encode()
        r = client.post(
            "/billing/stripe/webhook",
            content=body,
            headers={"content-type": "application/json", "stripe-signature": "t=1,v1=00"},
        )
        assert r.status_code == 400 and "not configured" in r.json()["error"]
    plan = prod.query("SELECT plan FROM public.tenant WHERE id = $1::uuid", prod.tenant_id)
    assert plan[0]["plan"] == "free"


def test_jewelia_dev_turns_on_dev_mail_and_test_billing(prod: Site, tmp_path: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **_env_without_dev_settings(prod.isolated.env),  # `jewelia dev` sets the mode itself
        "JEWELIA_PORT": str(port),
        "JEWELIA_BASE_URL": url,
        "JEWELIA_DATA_DIR": str(tmp_path / "data"),
    }
    log = tmp_path / "dev.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jewelia.cli", "dev"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(url, log, proc, 90)
        assert httpx.get(f"{url}/ready").json()["mail"] == "dev_capture"
        assert httpx.get(f"{url}/dev/mail").status_code == 200
        with httpx.Client(base_url=url, follow_redirects=True) as client:
            r = _form(client, "/login", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
            assert r.status_code == 200, r.text
            assert "Test mode" in client.get("/settings/billing").text
            checkout = client.get("/billing/test-checkout?plan=enterprise")
            assert checkout.status_code == 200
        assert "Dev mail:" in log.read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert os.environ["JEWELIA_DEV_MODE"] == "1"  # the suite itself runs like dev


async def test_the_suite_runs_in_dev_mode(client: Any) -> None:
    """Tests keep dev mail (conftest sets JEWELIA_DEV_MODE=1 beside the other defaults)."""
    ready = await client.get("/ready")
    assert ready.status_code == 200 and ready.json()["mail"] == "dev_capture"
    assert (await client.get("/dev/mail")).status_code == 200
