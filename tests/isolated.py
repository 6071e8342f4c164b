"""An installation of its own for fault tests: a fresh database in the test cluster, a Redis
database number of its own, the `jewelia` command against them, and killable workers.

The suite's shared worker cannot see it, so a test that kills a worker knows nobody else
finished the work.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from tests.conftest import ROOT, STRONG_PASSWORD


class Isolated:
    """`Isolated("jewelia_fault", redis_db=7, extra_env)`: migrated, with `create_tenant()`."""

    def __init__(self, database: str, redis_db: int, extra_env: dict[str, str]) -> None:
        base = os.environ["DATABASE_URL"]
        # the database named in the URL's path, whatever the test database is called (the
        # embedded server's is `jewelia`, another server's `jewelia_test`)
        self.database_url = urlunsplit(urlsplit(base)._replace(path=f"/{database}"))
        assert self.database_url != base

        async def recreate() -> None:
            conn = await asyncpg.connect(base)
            await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{database}"')
            await conn.close()

        asyncio.run(recreate())
        redis_url = os.environ["REDIS_URL"]
        redis_url += ("&" if "?" in redis_url else "?") + f"db={redis_db}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": redis_url,
            **extra_env,
        }
        self.jewelia("migrate")

    def jewelia(self, *args: str) -> str:
        """Run the `jewelia` command against this installation; its stdout."""
        return self.python("-m", "jewelia.cli", *args)

    def python(self, *args: str) -> str:
        out = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return out.stdout

    def create_tenant(self, name: str, email: str, plan: str = "free") -> dict[str, str]:
        """`jewelia tenants create --json`: tenant_id, slug, api_key."""
        return json.loads(  # type: ignore[no-any-return]
            self.jewelia(
                "tenants",
                "create",
                "--name",
                name,
                "--email",
                email,
                "--password",
                STRONG_PASSWORD,
                "--plan",
                plan,
                "--json",
            )
        )

    def start_worker(self, log: Path, threads: int = 4) -> subprocess.Popen[bytes]:
        """`jewelia worker` in a process group of its own (so SIGKILL reaches every process)."""
        with log.open("ab") as out:
            return subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "jewelia.cli",
                    "worker",
                    "--processes",
                    "1",
                    "--threads",
                    str(threads),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )


def kill(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker and all its processes."""
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def stop(worker: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the main process only (it stops its workers gracefully); SIGKILL if stuck."""
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        raise


def wait_until(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
