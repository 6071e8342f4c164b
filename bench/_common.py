"""Shared set-up for the provisioning and migration benchmarks.

`installation()` gives a throw-away Jewelia: a fresh temp data folder under /tmp, embedded
PostgreSQL and Redis in it (never an outside database, never .jewelia/), a fixed secret key.
Everything is stopped and removed at the end. Also: percentiles, a results table, and the
exit code (0 when every target is met, 1 when one is missed).
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JEWELIA_BIN = Path(sys.executable).parent / "jewelia"
SECRET_KEY = "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
ENV_KEYS = ("JEWELIA_DATA_DIR", "JEWELIA_SECRET_KEY", "DATABASE_URL", "REDIS_URL")


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only results."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> str:
    """CPU count and model, for the results header."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = " (" + line.split(":", 1)[1].strip() + ")"
                break
    return f"{os.cpu_count()} cores{model}"


def load_average() -> str:
    """The 1-minute load average (other work on the machine skews timings)."""
    with contextlib.suppress(OSError):
        return Path("/proc/loadavg").read_text().split()[0]
    return "?"


@contextlib.contextmanager
def installation() -> Iterator[Path]:
    """Start embedded PostgreSQL and Redis in a temp folder; stop and delete them after."""
    data_dir = Path(tempfile.mkdtemp(prefix="jewelia-bench-", dir="/tmp"))
    saved = {key: os.environ.get(key) for key in ENV_KEYS}
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["JEWELIA_DATA_DIR"] = str(data_dir)
    os.environ["JEWELIA_SECRET_KEY"] = SECRET_KEY
    services: tuple[object | None, ...] = ()
    try:
        from jewelia.core.embedded import ensure_services

        log(f"data dir {data_dir}: starting embedded PostgreSQL and Redis")
        services = ensure_services(data_dir)
        yield data_dir
    finally:
        _stop(services)
        shutil.rmtree(data_dir, ignore_errors=True)
        _restore(saved)
        log("services stopped, temp data removed")


def _stop(services: Sequence[object | None]) -> None:
    """Stop the embedded services this process started (Redis first)."""
    for service in reversed(services):
        if service is not None:
            service.stop()  # type: ignore[attr-defined]


def _restore(saved: dict[str, str | None]) -> None:
    """Put the environment variables back as they were."""
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


async def open_database() -> None:
    """Open the pool on DATABASE_URL, run every migration, and give the jobs port its broker."""
    import jewelia.workers.broker  # noqa: F401 - services enqueue through core.jobs, as in the app
    from jewelia.core.db import start_db
    from jewelia.platform.tenancy.migrate import migrate_all

    await start_db(os.environ["DATABASE_URL"])
    await migrate_all()


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th quantile (0..1) with linear interpolation between closest ranks."""
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(samples: Sequence[float]) -> dict[str, float]:
    """p50, p95 and max of samples in seconds, as milliseconds."""
    return {
        "p50": percentile(samples, 0.50) * 1000,
        "p95": percentile(samples, 0.95) * 1000,
        "max": max(samples) * 1000,
    }


@dataclass(frozen=True)
class Check:
    """One measured figure against its target (no target: reported for context only)."""

    name: str
    value: float
    unit: str
    target: float | None = None
    detail: str = ""

    @property
    def passed(self) -> bool | None:
        return None if self.target is None else self.value < self.target

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "-"}[self.passed]


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """A plain-text table, columns padded to their widest cell."""
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=False)]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "\n".join(
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=False)).rstrip()
        for line in lines
    )


def report(title: str, checks: Sequence[Check]) -> int:
    """Print the checks as a table and return the exit code (1 if any target is missed)."""
    rows = [
        [
            c.name,
            f"{c.value:,.2f} {c.unit}",
            "-" if c.target is None else f"< {c.target:,.0f} {c.unit}",
            c.verdict,
            c.detail,
        ]
        for c in checks
    ]
    print(f"\n{title} on {machine()}, load average {load_average()}\n")
    print(table(rows, ["measure", "value", "target", "result", "detail"]))
    missed = [c.name for c in checks if c.passed is False]
    print(f"\n{'MISSED: ' + ', '.join(missed) if missed else 'All targets met.'}", flush=True)
    return 1 if missed else 0
