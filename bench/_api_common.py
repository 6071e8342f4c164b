"""Shared set-up for the REST API benchmarks (bench/api_list.py, bench/api_search.py).

A fixture builds a throw-away Jewelia installation: a fresh temp data folder, embedded
PostgreSQL and Redis, migrations, tenants filled with realistic customers by one
INSERT … SELECT FROM generate_series each, and one admin API key per tenant. Servers (the real
`jewelia serve`, or bench/reference_app.py) run as subprocesses on a free loopback port; load
comes from `wrk` (C, epoll) driven by a generated Lua script that rotates request headers.
Everything is removed at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET_KEY = "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
HOST = "127.0.0.1"
LIST_PATH = "/api/v1/customers?limit=20"
# A benchmark squeezes hours of traffic into seconds: the largest plan keeps it under the
# hourly request budgets (anything refused would show up as non-2xx errors).
PLAN = "enterprise"

FIRST_NAMES = (
    "Olivia Emma Charlotte Amelia Sophia Isabella Ava Mia Evelyn Harper Luna Camila Gianna "
    "Elizabeth Eleanor Ella Abigail Sofia Avery Scarlett Emily Aria Penelope Chloe Layla Mila "
    "Nora Hazel Madison Ellie Lily Nova Isla Grace Violet Aurora Riley Zoey Willow Emilia Liam "
    "Noah Oliver James Elijah William Henry Lucas Benjamin Theodore Mateo Levi Sebastian Daniel "
    "Jack Michael Alexander Owen Asher Samuel Ethan Leo Jackson Mason Ezra John Hudson Luca "
    "Aiden Joseph David Jacob Logan Luke Julian Gabriel Grayson Wyatt Matthew Priya Aisha Mei "
    "Yuki Fatima Amara Ingrid Chiara Anouk Lars Rafael Tomas Kenji Arjun Omar Dmitri Sean"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen "
    "Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez "
    "Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy "
    "Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox "
    "Ward Richardson Watson Brooks Chavez Wood Bennett Gray Mendoza Ruiz Hughes Price Alvarez "
    "Castillo Sanders Patel Myers Long Ross Foster Jimenez Kowalski Novak Rossi Schmidt Tanaka"
).split()
COMPANY_FIRST = (
    "Harbor Golden Silver Bluestone Aurora Northern Crescent Willow Ivy Summit Coastal Heritage "
    "Maple Sterling Emerald Oakwood Riverside Meridian Pioneer Lumen Granite Cedar Atlas Beacon"
).split()
COMPANY_SECOND = (
    "Jewelers Designs Atelier Studio Boutique Goldsmiths Gallery Events Weddings Partners "
    "Holdings Collective Group Consulting Architects Bakery Dental Florist"
).split()
EMAIL_DOMAINS = (
    "gmail.com outlook.com yahoo.com icloud.com hotmail.com proton.me aol.com fastmail.com"
).split()
TAG_SETS = ("[]", "[]", "[]", '["vip"]', '["wedding"]', '["vip", "anniversary"]', '["repair"]')

# One statement per tenant: $1 rows, $2 first names, $3 last names, $4 company words (first),
# $5 company words (second), $6 email domains, $7 tag sets. Emails carry the row number, so
# they are unique; created_at spreads over two years; a third of customers have a company.
SEED_SQL = """
INSERT INTO customer (id, full_name, email, phone, company, notes, tags, marketing_consent,
                      birthday, anniversary, ring_size_mm, ring_size_system, ring_size_label,
                      created_at, updated_at)
SELECT gen_random_uuid(),
       p.first || ' ' || p.last,
       lower(p.first) || CASE WHEN p.r1 < 0.5 THEN '.' ELSE '' END || lower(p.last)
           || p.i || '@' || p.domain,
       '+1 ' || (201 + floor(p.r2 * 780)::int) || ' 555 ' || lpad((p.i % 10000)::text, 4, '0'),
       CASE WHEN p.r3 < 0.35 THEN p.co1 || ' ' || p.co2 END,
       CASE WHEN p.r4 < 0.2 THEN 'Prefers yellow gold; ask about a matching band.' ELSE '' END,
       p.tags::jsonb,
       p.r5 < 0.55,
       CASE WHEN p.r6 < 0.4 THEN date '1950-01-01' + floor(p.r6 * 45000)::int END,
       CASE WHEN p.r6 > 0.8 THEN date '1985-01-01' + floor(p.r6 * 12000)::int END,
       CASE WHEN p.r7 < 0.3 THEN round((44 + p.r7 * 50)::numeric, 2) END,
       CASE WHEN p.r7 < 0.3 THEN 'US' END,
       CASE WHEN p.r7 < 0.3 THEN (3 + floor(p.r7 * 30) / 2)::text END,
       p.created_at,
       p.created_at + (p.r8 * (now() - p.created_at))
FROM (
    SELECT g.i,
           ($2::text[])[1 + floor(random() * array_length($2::text[], 1))::int] AS first,
           ($3::text[])[1 + floor(random() * array_length($3::text[], 1))::int] AS last,
           ($4::text[])[1 + floor(random() * array_length($4::text[], 1))::int] AS co1,
           ($5::text[])[1 + floor(random() * array_length($5::text[], 1))::int] AS co2,
           ($6::text[])[1 + floor(random() * array_length($6::text[], 1))::int] AS domain,
           ($7::text[])[1 + floor(random() * array_length($7::text[], 1))::int] AS tags,
           random() AS r1, random() AS r2, random() AS r3, random() AS r4,
           random() AS r5, random() AS r6, random() AS r7, random() AS r8,
           now() - random() * interval '730 days' AS created_at
    FROM generate_series(1, $1::int) AS g(i)
) AS p
"""


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only results."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def raise_nofile_limit() -> int:
    """Lift the soft open-files limit to the hard one (children inherit it); return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = 65536 if hard == resource.RLIM_INFINITY else hard
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def code_version() -> str:
    """The commit measured, and whether the app's files had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "jewelia", "migrations"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "unknown commit"
    import jewelia

    source = Path(jewelia.__file__).resolve().parent.parent
    if source != ROOT:  # PYTHONPATH points at another copy, e.g. a `git archive` of a commit
        return f"jewelia from {source}"
    return f"commit {head}" + (f" + {len(dirty)} uncommitted app file(s)" if dirty else "")


def machine() -> str:
    """CPU count and model, for the results header."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores{f' ({model})' if model else ''}"


# --- data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchTenant:
    """A seeded tenant and the secret of its admin API key."""

    id: Any
    slug: str
    schema_name: str
    api_key: str
    customers: int


@dataclass
class Fixture:
    """A temp installation: its data folder, environment and seeded tenants."""

    data_dir: Path
    env: dict[str, str]
    tenants: list[BenchTenant] = field(default_factory=list)
    search_tenant: BenchTenant | None = None
    seed_seconds: float = 0.0
    postgres_pid: int | None = None
    redis_pid: int | None = None


async def _seed(n_tenants: int, per_tenant: int, search_rows: int) -> tuple[list[Any], Any]:
    from jewelia.core.db import DB, execute, fetch, start_db, stop_db, tenant_scope
    from jewelia.core.settings import get_settings
    from jewelia.platform.apikeys.service import PERMISSIONS, create_key
    from jewelia.platform.tenancy.migrate import migrate_all
    from jewelia.platform.tenancy.registry import provision_tenant

    await start_db(get_settings().database_url, min_size=1, max_size=4)
    try:
        report = await migrate_all()
        if report.failures:
            raise RuntimeError(f"migration failed: {report.failures}")
        gate = asyncio.Semaphore(2)  # two cores: two seeding statements at a time

        async def one(name: str, rows: int) -> BenchTenant:
            async with gate:
                async with DB.transaction():
                    tenant = await provision_tenant(name, plan=PLAN, use_pool=False)
                async with tenant_scope(tenant.ref):
                    await fetch("SELECT setseed(0.42)")
                    await execute(
                        SEED_SQL,
                        rows,
                        FIRST_NAMES,
                        LAST_NAMES,
                        COMPANY_FIRST,
                        COMPANY_SECOND,
                        EMAIL_DOMAINS,
                        list(TAG_SETS),
                    )
                key = await create_key(tenant.id, "bench admin key", list(PERMISSIONS))
            return BenchTenant(tenant.id, tenant.slug, tenant.schema_name, key.secret, rows)

        jobs = [one(f"Bench Jewelers {n:02d}", per_tenant) for n in range(n_tenants)]
        if search_rows:
            jobs.append(one("Bench Search Jewelers", search_rows))
        seeded = await asyncio.gather(*jobs)
        # Statistics and visibility maps as a settled database has them (autovacuum would
        # get there on its own, minutes later).
        await execute("VACUUM ANALYZE")
    finally:
        await stop_db()
    tenants = list(seeded[:n_tenants])
    return tenants, (seeded[n_tenants] if search_rows else None)


@contextlib.contextmanager
def fixture(n_tenants: int, per_tenant: int, search_rows: int = 0) -> Iterator[Fixture]:
    """Build the installation, yield it, then stop every service and remove the folder."""
    data_dir = Path(tempfile.mkdtemp(prefix="jewelia-bench-", dir="/tmp"))
    saved = {k: os.environ.get(k) for k in ("JEWELIA_DATA_DIR", "JEWELIA_SECRET_KEY")}
    saved |= {k: os.environ.get(k) for k in ("DATABASE_URL", "REDIS_URL")}
    # Always the embedded services in the temp folder: never an outside database.
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["JEWELIA_DATA_DIR"] = str(data_dir)
    os.environ["JEWELIA_SECRET_KEY"] = SECRET_KEY
    pg = rds = None
    try:
        from jewelia.core.embedded import ensure_services

        log(f"data dir {data_dir}: starting embedded PostgreSQL and Redis")
        pg, rds = ensure_services(data_dir)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        fx = Fixture(data_dir=data_dir, env=env)
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid_file = data_dir / "pg" / "postmaster.pid"
            fx.postgres_pid = int(pid_file.read_text().split()[0])
        if rds is not None and rds.process is not None:
            fx.redis_pid = rds.process.pid
        log(
            f"seeding {n_tenants} tenants x {per_tenant:,} customers"
            + (f" + 1 tenant x {search_rows:,}" if search_rows else "")
        )
        start = time.perf_counter()
        fx.tenants, fx.search_tenant = asyncio.run(_seed(n_tenants, per_tenant, search_rows))
        fx.seed_seconds = time.perf_counter() - start
        log(f"seeded in {fx.seed_seconds:.1f}s")
        yield fx
    finally:
        if rds is not None:
            rds.stop()
        if pg is not None:
            pg.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        log("services stopped, temp data removed")


# --- servers ----------------------------------------------------------------------------


@dataclass
class Server:
    """A server subprocess on a loopback port, with its log file."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    fixture: Fixture

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


def api_command(port: int, workers: int) -> list[str]:
    """The production entry point, as an operator runs it."""
    return [
        str(BIN / "jewelia"),
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


def reference_command(port: int, workers: int) -> list[str]:
    """bench/reference_app.py under the same uvicorn settings."""
    script = Path(__file__).resolve().parent / "reference_app.py"
    return [
        sys.executable,
        str(script),
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


@contextlib.contextmanager
def server(fx: Fixture, name: str, command: Sequence[str], port: int) -> Iterator[Server]:
    """Start a server, wait for /ready, yield it, then stop it (and only it)."""
    log_path = fx.data_dir / f"{name}-{port}.log"
    with log_path.open("wb") as out:
        proc = subprocess.Popen(
            list(command),
            env=fx.env,
            cwd=str(ROOT),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    srv = Server(name, port, proc, log_path, fx)
    try:
        wait_ready(srv)
        yield srv
    finally:
        stop_server(srv)


def wait_ready(srv: Server, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if srv.process.poll() is not None:
            raise RuntimeError(
                f"{srv.name} exited with {srv.process.returncode}:\n{srv.log_tail()}"
            )
        try:
            with urllib.request.urlopen(f"{srv.url}/ready", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{srv.name} not ready after {timeout}s:\n{srv.log_tail()}")


def stop_server(srv: Server) -> None:
    proc = srv.process
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    # Leftover worker processes of this server's own session (group id = its pid).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


# --- CPU accounting ---------------------------------------------------------------------

_CLK_TCK = os.sysconf("SC_CLK_TCK")


def _machine_cpu() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine so far, from /proc/stat; busy is time
    charged to processes (user, nice, system), not interrupts, so it compares with theirs."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = values[:8]
    return (user + nice + system) / _CLK_TCK, steal / _CLK_TCK


def _cpu_by_group(
    server_sid: int | None, pg_pid: int | None, redis_pid: int | None
) -> dict[str, float]:
    """CPU seconds used so far by the server's session (every worker), our PostgreSQL cluster
    (postmaster and backends) and our Redis; plus the whole machine's busy and stolen time."""
    out = {"app": 0.0, "postgres": 0.0, "redis": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        pid, ppid, sid = int(entry.name), int(fields[1]), int(fields[3])
        secs = (int(fields[11]) + int(fields[12])) / _CLK_TCK
        if server_sid is not None and sid == server_sid:
            out["app"] += secs
        elif pg_pid is not None and pg_pid in (pid, ppid):
            out["postgres"] += secs
        elif redis_pid is not None and pid == redis_pid:
            out["redis"] += secs
    out["machine"], out["steal"] = _machine_cpu()
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def other_load(seconds: float = 1.0) -> float:
    """Cores kept busy by processes that are not ours (another test run, say) right now."""
    ours = os.getsid(0)
    before = _cpu_by_group(ours, None, None)
    busy_before = before["machine"]
    time.sleep(seconds)
    after = _cpu_by_group(ours, None, None)
    return max(0.0, (after["machine"] - busy_before) - (after["app"] - before["app"])) / seconds


_quiet_budget = [0.0]


def set_quiet_budget(seconds: float) -> None:
    """How long, in all, wait_for_quiet may wait during this run."""
    _quiet_budget[0] = seconds


def wait_for_quiet(threshold: float = 0.15) -> float:
    """Wait until other processes use under `threshold` of a core; return that load.

    This machine may be shared with other work (a test suite, a build); a run beside it
    measures the neighbour too. Waits are bounded by the budget set with set_quiet_budget;
    once it is spent we go ahead, and the tables show the load in the `other` column.
    """
    load = other_load()
    if load > threshold and _quiet_budget[0] > 0:
        log(f"other processes keep {load:.2f} cores busy; waiting (budget {_quiet_budget[0]:.0f}s)")
        while load > threshold and _quiet_budget[0] > 0:
            start = time.monotonic()
            load = other_load(2.0)
            _quiet_budget[0] -= time.monotonic() - start
    return load


def get_json(url: str, headers: dict[str, str]) -> tuple[int, Any]:
    """One GET; (status, decoded body)."""
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


# --- wrk --------------------------------------------------------------------------------

LUA_TEMPLATE = """-- generated by bench/_api_common.py: rotate pre-built requests, report JSON when done
local entries = {ENTRIES}
local prepared = {}
local counter = 0
started = 0

function setup(thread)
  thread:set("thread_no", started)
  started = started + 1
end

function init(args)
  for i, e in ipairs(entries) do
    local headers = {}
    if e[2] ~= "" then headers[e[2]] = e[3] end
    prepared[i] = wrk.format("GET", e[1], headers)
  end
  counter = (thread_no or 0) * 17
end

function request()
  counter = counter + 1
  return prepared[(counter % #prepared) + 1]
end

function done(summary, latency, reqs)
  local e = summary.errors
  local slow = 0
  for i = 1, #latency do
    local value, count = latency(i)
    if value > 2000000 then slow = slow + count end
  end
  io.write(string.format(
    "WRK_JSON {\\"duration_us\\": %.0f, \\"requests\\": %.0f, \\"bytes\\": %.0f, "
    .. "\\"connect\\": %.0f, \\"read\\": %.0f, \\"write\\": %.0f, \\"status\\": %.0f, "
    .. "\\"timeout\\": %.0f, \\"mean_us\\": %.1f, \\"max_us\\": %.1f, \\"p50_us\\": %.1f, "
    .. "\\"p75_us\\": %.1f, \\"p90_us\\": %.1f, \\"p99_us\\": %.1f, \\"p999_us\\": %.1f, "
    .. "\\"over_2s\\": %.0f}\\n",
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency.max, latency:percentile(50), latency:percentile(75),
    latency:percentile(90), latency:percentile(99), latency:percentile(99.9), slow))
end
"""


def _lua_string(text: str) -> str:
    if not re.fullmatch(r"[\x20-\x7e]*", text):
        raise ValueError(f"not printable ASCII: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_script(path: Path, entries: Sequence[tuple[str, str, str]], think_ms: int = 0) -> Path:
    """Write a wrk script cycling over (request path, header name, header value) entries.

    With `think_ms`, each connection pauses after a response before its next request (wrk's
    `delay()` hook), for a time drawn from an exponential distribution with that mean: clients
    that act independently. (A fixed pause keeps all connections in step, so they arrive as
    one burst per period and the last of a burst waits for all the others.)
    """
    body = ",\n  ".join(
        "{" + ", ".join(_lua_string(part) for part in entry) + "}" for entry in entries
    )
    script = LUA_TEMPLATE.replace("{ENTRIES}", "{\n  " + body + "\n}")
    if think_ms > 0:
        script += (
            "\nlocal seeded = false\nfunction delay()\n"
            "  if not seeded then math.randomseed(os.time() + (thread_no or 0) * 7919);"
            " seeded = true end\n"
            f"  return math.floor(-math.log(1 - math.random()) * {int(think_ms)})\nend\n"
        )
    path.write_text(script)
    return path


@dataclass
class WrkResult:
    """One wrk run: throughput, latency percentiles (ms) and every kind of error."""

    label: str
    connections: int
    seconds: float
    requests: int
    rps: float
    mean_ms: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    errors: dict[str, int]
    over_2s: int = 0
    cpu: dict[str, float] = field(default_factory=dict)
    rounds: int = 1
    raw: str = ""

    @property
    def total_errors(self) -> int:
        return sum(self.errors.values())

    def cores(self, group: str) -> float:
        """Cores a group kept busy on average while wrk ran (wall clock, start to exit)."""
        wall = self.cpu.get("wall") or self.seconds
        return self.cpu.get(group, 0.0) / wall if wall else 0.0

    def cpu_ms_per_request(self, group: str) -> float:
        """CPU milliseconds a group spent per completed request during the run."""
        return 1000 * self.cpu.get(group, 0.0) / self.requests if self.requests else 0.0

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "raw"}
        out["total_errors"] = self.total_errors
        return out


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    label: str,
    url: str,
    script: Path,
    connections: int,
    seconds: int,
    threads: int = 2,
    timeout_s: int = 2,
    server: Server | None = None,
) -> WrkResult:
    """Run wrk against a loopback URL for a bounded time and parse its report.

    With `server`, also the CPU seconds used meanwhile by that server (every worker),
    PostgreSQL, Redis and wrk itself.
    """
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError("benchmarks only target the loopback")
    threads = max(1, min(threads, connections))
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={timeout_s}s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    pids = (
        (server.process.pid, server.fixture.postgres_pid, server.fixture.redis_pid)
        if server
        else (None, None, None)
    )
    cpu_before = _cpu_by_group(*pids)
    wrk_before = _children_cpu()
    wall_start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    wall = time.monotonic() - wall_start
    cpu_after = _cpu_by_group(*pids)
    cpu = {k: round(cpu_after[k] - cpu_before[k], 2) for k in cpu_after}
    cpu["wrk"] = round(_children_cpu() - wrk_before, 2)
    ours = cpu["app"] + cpu["postgres"] + cpu["redis"] + cpu["wrk"]
    cpu["other"] = round(max(0.0, cpu["machine"] - ours), 2)
    cpu["wall"] = round(wall, 2)
    raw = proc.stdout + proc.stderr
    match = re.search(r"^WRK_JSON (\{.*\})$", proc.stdout, re.MULTILINE)
    if proc.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{raw}")
    data = json.loads(match.group(1))
    secs = data["duration_us"] / 1e6
    return WrkResult(
        label=label,
        connections=connections,
        seconds=round(secs, 2),
        requests=int(data["requests"]),
        rps=round(data["requests"] / secs, 1) if secs else 0.0,
        mean_ms=round(data["mean_us"] / 1000, 2),
        p50_ms=round(data["p50_us"] / 1000, 2),
        p75_ms=round(data["p75_us"] / 1000, 2),
        p90_ms=round(data["p90_us"] / 1000, 2),
        p99_ms=round(data["p99_us"] / 1000, 2),
        p999_ms=round(data["p999_us"] / 1000, 2),
        max_ms=round(data["max_us"] / 1000, 2),
        errors={k: int(data[k]) for k in ("connect", "read", "write", "timeout", "status")},
        over_2s=int(data["over_2s"]),
        cpu=cpu if server else {},
        raw=re.sub(r"^WRK_JSON .*\n?", "", raw, flags=re.MULTILINE),
    )


def combine(label: str, runs: Sequence[WrkResult]) -> WrkResult:
    """Rounds of one configuration as one result: throughput over all of them, the median
    round's percentiles, the worst maximum, errors and CPU added up."""

    def median(values: list[float]) -> float:
        ordered = sorted(values)
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2

    seconds = sum(r.seconds for r in runs)
    requests = sum(r.requests for r in runs)
    return WrkResult(
        label=label,
        connections=runs[0].connections,
        seconds=round(seconds, 2),
        requests=requests,
        rps=round(requests / seconds, 1) if seconds else 0.0,
        mean_ms=round(sum(r.mean_ms * r.requests for r in runs) / max(requests, 1), 2),
        p50_ms=median([r.p50_ms for r in runs]),
        p75_ms=median([r.p75_ms for r in runs]),
        p90_ms=median([r.p90_ms for r in runs]),
        p99_ms=median([r.p99_ms for r in runs]),
        p999_ms=median([r.p999_ms for r in runs]),
        max_ms=max(r.max_ms for r in runs),
        errors={k: sum(r.errors[k] for r in runs) for k in runs[0].errors},
        over_2s=sum(r.over_2s for r in runs),
        cpu={k: round(sum(r.cpu.get(k, 0.0) for r in runs), 2) for k in runs[0].cpu},
        rounds=len(runs),
        raw="\n".join(f"[round {n}] {r.raw}" for n, r in enumerate(runs, start=1)),
    )


# --- output -----------------------------------------------------------------------------


def table(rows: Sequence[WrkResult], first_column: str = "run") -> str:
    """A fixed-width results table.

    app/pg/redis cpu: CPU milliseconds per request used by the server's processes, by
    PostgreSQL, by Redis. other, steal: cores used meanwhile by processes not ours / taken by
    the hypervisor.
    """
    head = (
        f"{first_column:<22} {'conns':>5} {'req/s':>6} {'p50 ms':>7} {'p90 ms':>7}"
        f" {'p99 ms':>7} {'max ms':>7} {'reqs':>6} {'errs':>4}"
        f" {'app cpu':>7} {'pg cpu':>6} {'redis':>5} {'other':>5} {'steal':>5}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        extra = ""
        if r.cpu:
            extra = (
                f" {r.cpu_ms_per_request('app'):>7.2f} {r.cpu_ms_per_request('postgres'):>6.2f}"
                f" {r.cpu_ms_per_request('redis'):>5.2f}"
                f" {r.cores('other'):>5.2f} {r.cores('steal'):>5.2f}"
            )
        lines.append(
            f"{r.label:<22} {r.connections:>5} {r.rps:>6,.0f} {r.p50_ms:>7.1f} {r.p90_ms:>7.1f}"
            f" {r.p99_ms:>7.1f} {r.max_ms:>7.0f} {r.requests:>6} {r.total_errors:>4}" + extra
        )
    return "\n".join(lines)


def error_detail(r: WrkResult) -> str:
    return ", ".join(f"{k} {v}" for k, v in r.errors.items())


def write_json(path: str | None, payload: dict[str, Any]) -> None:
    if path:
        Path(path).write_text(json.dumps(payload, indent=2, default=str) + "\n")
