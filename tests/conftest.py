"""Shared fixtures: real PostgreSQL and Redis (embedded unless given), started once per session."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
_DATA_DIR = Path(tempfile.mkdtemp(prefix="jewelia-test-"))
os.environ["JEWELIA_DATA_DIR"] = str(_DATA_DIR)
os.environ["JEWELIA_SECRET_KEY"] = "test-secret-key-not-for-production-" + "x" * 16
os.environ.setdefault("JEWELIA_SPARE_POOL_SIZE", "2")
os.environ.pop("JEWELIA_SMTP_URL", None)
# The suite runs like `jewelia dev` (captured mail, billing test mode); production-mode tests
# start their own processes with JEWELIA_DEV_MODE=0.
os.environ["JEWELIA_DEV_MODE"] = "1"
# Tests send webhooks to receivers on 127.0.0.1; link-local and metadata stay refused.
os.environ.setdefault("JEWELIA_WEBHOOK_ALLOW_PRIVATE", "1")


def _prepare_database() -> Any:
    """Embedded servers unless DATABASE_URL/REDIS_URL are set; a fresh test database either way."""
    from jewelia.core.embedded import ensure_services

    given = os.environ.get("DATABASE_URL")
    if given:
        import asyncio

        import asyncpg

        async def recreate() -> None:
            conn = await asyncpg.connect(given)
            await conn.execute("DROP DATABASE IF EXISTS jewelia_test WITH (FORCE)")
            await conn.execute("CREATE DATABASE jewelia_test")
            await conn.close()

        asyncio.run(recreate())
        base = given.rsplit("/", 1)[0]
        os.environ["DATABASE_URL"] = f"{base}/jewelia_test"
    services = ensure_services(_DATA_DIR)
    if os.environ.get("REDIS_URL", "").startswith("redis"):
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    return services


_SERVICES = _prepare_database()
import jewelia.workers.broker  # noqa: E402, F401 - the jobs port's broker, as the app and workers have

logging.getLogger("pgserver").setLevel(logging.WARNING)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    pg, rds = _SERVICES
    if rds:
        rds.stop()
    if pg:
        pg.stop()
    shutil.rmtree(_DATA_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
async def db() -> AsyncIterator[None]:
    """The engine pool, with every migration applied."""
    from jewelia.core.db import start_db, stop_db
    from jewelia.core.settings import get_settings
    from jewelia.platform.tenancy.migrate import migrate_all

    await start_db(get_settings().database_url)
    report = await migrate_all()
    assert not report.failures
    yield
    await stop_db()


@pytest.fixture(autouse=True)
def _clear_throttles() -> None:
    """Login throttles are per IP; tests all come from one address (sync: browser tests too)."""
    import redis

    from jewelia.core.settings import get_settings

    with redis.Redis.from_url(get_settings().redis_url) as client:
        keys = list(client.scan_iter("throttle:*"))
        if keys:
            client.delete(*keys)


@pytest.fixture(autouse=True)
def _ledger_invariants(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test that used the database, the ledger's invariants hold (issue 15): every
    journal sums to zero, the append-only triggers are on (jewelia.platform.commerce.ledger)."""
    yield
    if "db" not in request.fixturenames:
        return
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import asyncpg

    from jewelia.core.settings import get_settings
    from jewelia.platform.commerce import ledger

    async def check() -> list[str]:
        # Its own connection and loop (in a thread): sync, async and browser tests alike.
        conn = await asyncpg.connect(get_settings().database_url)
        try:
            return await ledger.check(conn)
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:
        problems = pool.submit(asyncio.run, check()).result()
    if problems:
        pytest.fail("ledger invariants broken after this test:\n" + "\n".join(problems))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API holds the thread's event loop while open."""
    items.sort(key=lambda item: "/e2e/" in str(item.path))


def unique_email(tag: str = "user") -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


STRONG_PASSWORD = "Correct-Horse-Battery-9"


async def prove_email(email: str) -> Any:
    """Open the newest confirmation link mailed to `email`, as its owner would (sign-up leaves
    an address unproven, and an unproven account cannot accept invitations); the user."""
    import re

    from jewelia.core.db import fetch
    from jewelia.platform.accounts import service as accounts

    rows = await fetch(
        "SELECT body_text FROM public.email_outbox WHERE lower(to_address) = lower($1)"
        " AND body_text LIKE '%/verify/%' ORDER BY created_at DESC LIMIT 1",
        email,
    )
    assert rows, f"no confirmation link was mailed to {email}"
    token = re.search(r"/verify/([\w-]+)", rows[0]["body_text"])
    assert token
    return await accounts.verify_email(token.group(1))


@pytest.fixture
async def business(db: None) -> Any:
    """A fresh business with its owner: (user, tenant)."""
    from jewelia.platform.accounts import service as accounts

    return await accounts.signup(
        f"Gems {uuid.uuid4().hex[:6]}", "Olive Owner", unique_email("owner"), STRONG_PASSWORD
    )


@pytest.fixture(scope="session")
async def app(db: None) -> Any:
    from jewelia.app import create_app

    return create_app()


@pytest.fixture
async def client(app: Any) -> AsyncIterator[Any]:
    """An HTTP client on the app in this process (real database and Redis)."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local", follow_redirects=True
    ) as c:
        yield c


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(db: None) -> Iterator[str]:
    """`jewelia serve` in its own process on a free port, against the test database."""
    port = _free_port()
    env = {**os.environ, "JEWELIA_PORT": str(port), "JEWELIA_BASE_URL": f"http://127.0.0.1:{port}"}
    log = open(_DATA_DIR / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jewelia.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    else:
        proc.terminate()
        raise RuntimeError((_DATA_DIR / "server.log").read_text())
    yield url
    proc.terminate()
    proc.wait(timeout=15)
    log.close()


@pytest.fixture(scope="session")
def worker(db: None) -> Iterator[subprocess.Popen[bytes]]:
    """A real Dramatiq worker process (`jewelia worker`) on the test database and Redis."""
    log = open(_DATA_DIR / "worker.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jewelia.cli", "worker", "--processes", "1", "--threads", "4"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
async def api(db: None, app: Any) -> AsyncIterator[Any]:
    """An API client for a fresh business, authenticated with an admin key."""
    from jewelia.platform.accounts import service as accounts
    from jewelia.platform.apikeys.service import PERMISSIONS, create_key

    user, tenant = await accounts.signup(
        f"Api Gems {uuid.uuid4().hex[:6]}", "Ann Api", unique_email("api"), STRONG_PASSWORD
    )
    key = await create_key(tenant.id, "test key", list(PERMISSIONS))
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver.local/api/v1",
        headers={"Authorization": f"Bearer {key.secret}"},
    ) as c:
        c.tenant = tenant
        c.user = user
        c.key = key.secret
        yield c


@pytest.fixture(scope="session")
def fake_stripe() -> Iterator[Any]:
    """One Stripe-like server for the session (tests/fake_stripe.py). It leaves the environment
    alone (the shared worker and live_server stay in billing test mode): processes that must
    call it get `Isolated(..., extra_env=fake_stripe.env())`; code in this process runs inside
    `with fake_stripe.configured():`. State is shared by the session's tests: use fresh ids."""
    from tests.fake_stripe import FakeStripe

    with FakeStripe() as fake:
        yield fake
