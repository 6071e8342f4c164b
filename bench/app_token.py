"""Benchmark: what an app token costs per API request, next to an API key of the same business.

    .venv/bin/python bench/app_token.py                  # ~3 minutes (more on a busy machine)
    .venv/bin/python bench/app_token.py --blocks 12 --block-size 20 --profile

Target (issue 12): a marketplace app's access token (`jwa_…`, OAuth) costs the same per request
as an API key of the same business, within 0.3 ms at p50.

Set-up on a throw-away installation (embedded PostgreSQL and Redis, all migrations), all of it
through the services: a business on the enterprise plan with 1,000 customers and two API keys
(`create_key`, permission `read`); a developer's organization (`orgs.create_org`) and listing
(`listings.create_listing`, scope `customers:read`) taken draft → submitted → approved
(verified, by a staff user) → published (the automated webhook checks of a real submission
are skipped: no app server runs here); then the OAuth flow without HTTP:
`check_authorization_request` with a PKCE challenge, `approve` by the business's owner (which
installs the app), and the code exchanged at `service.token` with the client secret for an
access token.

Measured: one `jewelia serve --workers 1` process, one keep-alive httpx connection, sequential
`GET /api/v1/customers?limit=20` (a client written in Python: its own ~1-2 ms per request is in
every figure alike). Three credentials take turns in blocks: the API key, the app token and a
second API key of the same business, the control: an identical credential, so its difference
from the first key shows how far two equal costs drift apart by chance on this machine. Each
round runs one block of each, the order rotating through all six permutations (100 blocks of
40 requests per credential by default, after 200 untimed requests each), so a change in the
machine's load hits all three alike. Reported: p50/p95 per credential, the difference of the
p50s (the target), the median of the per-round differences, the server's CPU per request per
credential (from /proc, over the same blocks) and how busy the machine was. For context, the
guard's `authenticate()` in process with the grant cache live (5,000 calls each, interleaved).
With --profile (and always when the target is missed), cProfile around `admit()` for each
credential shows where the time goes. Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import hashlib
import io
import itertools
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

TARGET_MS = 0.3
PATH = "/api/v1/customers"
PARAMS = {"limit": 20}
CUSTOMERS = 1000
REDIRECT = "https://bench-app.example.com/oauth/callback"
CLK_TCK = os.sysconf("SC_CLK_TCK")
KEY, APP, CONTROL = "API key", "app token", "2nd API key"


# --- set-up ----------------------------------------------------------------------------------


async def prepare() -> dict[str, Any]:
    """The business, its customers and API key, the published app, its install and token."""
    from jewelia.core.db import execute, stop_db, tenant_scope
    from jewelia.platform.accounts.service import signup
    from jewelia.platform.apikeys.service import create_key
    from jewelia.platform.marketplace import listings, orgs, staff
    from jewelia.platform.oauth import service as oauth

    await common.open_database()
    try:
        owner, tenant = await signup(
            "Token Bench Jewelers",
            "Tia Bench",
            "owner@tokenbench.example",
            "Sparkle-Gems-2026!",
            "enterprise",
            verified=True,
        )
        async with tenant_scope(tenant.ref):
            await execute(
                "INSERT INTO customer (id, full_name, email) SELECT gen_random_uuid(),"
                " 'Customer ' || n, 'c' || n || '@example.com' FROM generate_series(1, $1::int) n",
                CUSTOMERS,
            )
        key = await create_key(tenant.id, "bench", ["read"], owner.id)
        control = await create_key(tenant.id, "bench control", ["read"], owner.id)

        developer, _ = await signup(
            "Bench Apps Ltd",
            "Dev Bench",
            "dev@benchapps.example",
            "Sparkle-Gems-2026!",
            verified=True,
        )
        reviewer, _ = await signup(
            "Staff Desk", "Sam Staff", "staff@jewelia-bench.example", "Sparkle-Gems-2026!"
        )
        await staff.set_staff("staff@jewelia-bench.example", True)
        org = await orgs.create_org(
            developer.id, "Bench Apps", "https://bench-app.example.com", "apps@bench.example"
        )
        listing, client_secret = await listings.create_listing(
            developer.id,
            org["id"],
            {
                "name": "Customer Counter",
                "description": "Counts your customers (benchmark app).",
                "category": "analytics",
                "scopes": ["customers:read"],
                "redirect_uris": [REDIRECT],
                "app_url": "https://bench-app.example.com",
                "support_url": "https://bench-app.example.com/support",
                "privacy_url": "https://bench-app.example.com/privacy",
            },
        )
        await listings.mark_submitted(developer.id, listing["id"])
        await staff.approve(reviewer.id, listing["id"], verified=True)
        listing = await listings.publish(developer.id, listing["id"])

        verifier = secrets.token_urlsafe(48)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        request = await oauth.check_authorization_request(
            {
                "response_type": ["code"],
                "client_id": [listing["client_id"]],
                "redirect_uri": [REDIRECT],
                "scope": ["customers:read"],
                "state": ["bench"],
                "code_challenge": [challenge],
                "code_challenge_method": ["S256"],
            }
        )
        location = await oauth.approve(request, owner.id, tenant.id)  # installs the app
        code = parse_qs(urlsplit(location).query)["code"][0]
        issued = await oauth.token(
            None,
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT,
                "code_verifier": verifier,
                "client_id": listing["client_id"],
                "client_secret": client_secret,
            },
        )
        if issued["tenant_id"] != str(tenant.id):
            raise RuntimeError(f"token issued for another business: {issued}")
        await execute("VACUUM ANALYZE")
    finally:
        await stop_db()
    return {
        "tenant_id": str(tenant.id),
        "key": key.secret,
        "control": control.secret,
        "app": issued["access_token"],
        "scope": issued["scope"],
        "listing": listing["name"],
    }


# --- in process --------------------------------------------------------------------------------


async def in_process(creds: dict[str, str], calls: int, profile: bool) -> dict[str, Any]:
    """authenticate() per credential with the grant cache live, interleaved; optionally a
    cProfile of admit() (authenticate, the rate-limit check, the permission or scope check)."""
    from jewelia.core.settings import get_settings
    from jewelia.platform.apikeys import guard
    from jewelia.platform.apikeys.grant_cache import GRANTS

    await common.open_database()
    await GRANTS.start(get_settings().database_url)
    out: dict[str, Any] = {"times": {name: [] for name in creds}, "profiles": {}}
    try:
        headers = {name: f"Bearer {secret}" for name, secret in creds.items()}
        for name in creds:
            auth = await guard.authenticate(headers[name])
            out[name + "_kind"] = "app" if auth.app is not None else "api_key"
            for _ in range(200):
                await guard.authenticate(headers[name])
        for block in range(calls // 100):
            order = list(creds) if block % 2 == 0 else list(reversed(list(creds)))
            for name in order:
                times = out["times"][name]
                for _ in range(100):
                    start = time.perf_counter()
                    await guard.authenticate(headers[name])
                    times.append(time.perf_counter() - start)
        if profile:
            handler = _FakeHandler()
            for name in creds:
                scope = {"method": "GET", "path": PATH, "headers": []}
                scope["headers"] = [(b"authorization", headers[name].encode())]
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(2000):
                    fresh = dict(scope)
                    await guard.admit(fresh, handler)
                profiler.disable()
                text = io.StringIO()
                stats = pstats.Stats(profiler, stream=text)
                stats.sort_stats("cumulative").print_stats(r"jewelia/|hashlib|datetime", 20)
                out["profiles"][name] = text.getvalue()
    finally:
        await GRANTS.stop()
        from jewelia.core.db import stop_db

        await stop_db()
    return out


class _FakeHandler:
    """What admit() reads of a route handler: its opt (no explicit permission)."""

    opt: dict[str, Any] = {}


# --- over HTTP --------------------------------------------------------------------------------


def serve(log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`jewelia serve --workers 1` on a free loopback port, waited for on /ready."""
    port = _free_port()
    log_file = log_path.open("wb")
    proc = subprocess.Popen(
        [
            str(common.JEWELIA_BIN),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        env=dict(os.environ),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"jewelia serve exited: {log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"jewelia serve not ready: {log_path.read_text()[-3000:]}")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (user, nice, system), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:4]]
    return sum(values) / CLK_TCK


def measure(
    url: str, pid: int, creds: dict[str, str], blocks: int, size: int, warmup: int
) -> dict[str, Any]:
    """Sequential requests over one keep-alive connection, the credentials taking turns in
    blocks; each round runs every credential once, the order rotating through every
    permutation so none is always first or last."""
    headers = {name: {"Authorization": f"Bearer {secret}"} for name, secret in creds.items()}
    times: dict[str, list[float]] = {name: [] for name in creds}
    block_p50: dict[str, list[float]] = {name: [] for name in creds}
    cpu: dict[str, float] = dict.fromkeys(creds, 0.0)
    orders = list(itertools.permutations(creds))
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    with httpx.Client(base_url=url, limits=limits, timeout=10) as client:
        for name in creds:  # the same answer for each: 200 and the business's 1,000 customers
            r = client.get(PATH, params=PARAMS, headers=headers[name])
            if r.status_code != 200 or r.json()["pagination"]["total"] != CUSTOMERS:
                raise RuntimeError(f"{name}: {r.status_code} {r.text[:300]}")
        for _ in range(max(1, warmup // 50)):
            for name in creds:
                for _ in range(50):
                    client.get(PATH, params=PARAMS, headers=headers[name])
        wall, busy = time.monotonic(), _machine_busy()
        for block in range(blocks):
            for name in orders[block % len(orders)]:
                h = headers[name]
                mine: list[float] = []
                cpu_before = _cpu_seconds(pid)
                for _ in range(size):
                    start = time.perf_counter()
                    r = client.get(PATH, params=PARAMS, headers=h)
                    elapsed = time.perf_counter() - start
                    if r.status_code != 200:
                        raise RuntimeError(f"{name}: {r.status_code} {r.text[:300]}")
                    mine.append(elapsed)
                cpu[name] += _cpu_seconds(pid) - cpu_before
                times[name] += mine
                block_p50[name].append(statistics.median(mine))
        wall = time.monotonic() - wall
        busy = _machine_busy() - busy
    return {"times": times, "block_p50": block_p50, "cpu": cpu, "busy_cores": busy / wall}


def report(checks: list[common.Check]) -> int:
    """The checks as a table (targets with their decimals); 1 when a target is missed."""
    rows = [
        [
            c.name,
            f"{c.value:,.3f} {c.unit}",
            "-" if c.target is None else f"< {c.target:g} {c.unit}",
            c.verdict,
            c.detail,
        ]
        for c in checks
    ]
    print(f"App token vs API key on {common.machine()}, load average {common.load_average()}\n")
    print(common.table(rows, ["measure", "value", "target", "result", "detail"]))
    missed = [c.name for c in checks if c.passed is False]
    print(f"\n{'MISSED: ' + ', '.join(missed) if missed else 'All targets met.'}", flush=True)
    return 1 if missed else 0


# --- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="App token vs API key request cost")
    parser.add_argument("--blocks", type=int, default=100, help="blocks per credential")
    parser.add_argument("--block-size", type=int, default=40, help="requests per block")
    parser.add_argument("--warmup", type=int, default=200, help="untimed requests each")
    parser.add_argument("--calls", type=int, default=5000, help="in-process authenticate() calls")
    parser.add_argument("--profile", action="store_true", help="print cProfile of admit()")
    args = parser.parse_args(argv)

    load_start = common.load_average()
    with common.installation() as data_dir:
        common.log("seeding: business, 1,000 customers, API keys, listing, install, token")
        seed = asyncio.run(prepare())
        creds = {KEY: seed["key"], APP: seed["app"], CONTROL: seed["control"]}
        common.log(f"app token for {seed['listing']!r}, scope {seed['scope']}")
        proc, url = serve(data_dir / "serve.log")
        try:
            common.log(
                f"measuring: {args.blocks} blocks x {args.block_size} requests per credential"
            )
            http = measure(url, proc.pid, creds, args.blocks, args.block_size, args.warmup)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        ms = {n: common.summary_ms(http["times"][n]) for n in creds}
        missed = ms[APP]["p50"] - ms[KEY]["p50"] >= TARGET_MS
        common.log("in process: authenticate() with the grant cache live")
        pair = {KEY: seed["key"], APP: seed["app"]}
        local = asyncio.run(in_process(pair, args.calls, args.profile or missed))
    load_end = common.load_average()

    if local[KEY + "_kind"] != "api_key" or local[APP + "_kind"] != "app":
        raise RuntimeError("the credentials did not resolve as an API key and an app token")
    each = args.blocks * args.block_size
    cpu_ms = {n: 1000 * http["cpu"][n] / each for n in creds}
    local_us = {n: common.summary_ms(local["times"][n]) for n in pair}

    def block_diffs(name: str) -> str:
        diffs = [
            (a - k) * 1000
            for k, a in zip(http["block_p50"][KEY], http["block_p50"][name], strict=True)
        ]
        return f"median of per-round differences {statistics.median(diffs):+.3f} ms"

    def latency(name: str) -> common.Check:
        m = ms[name]
        return common.Check(
            f"API p50, {name}",
            m["p50"],
            "ms",
            None,
            f"p95 {m['p95']:.2f} ms, max {m['max']:.1f} ms; server CPU {cpu_ms[name]:.2f} ms/req",
        )

    def auth_call(name: str) -> common.Check:
        u = local_us[name]
        return common.Check(
            f"in process authenticate(), {name}, p50",
            u["p50"] * 1000,
            "us",
            None,
            f"p95 {u['p95'] * 1000:.1f} us, {args.calls:,} calls, grant cache live",
        )

    print(
        f"\nGET {PATH}?limit=20, jewelia serve --workers 1, one keep-alive connection;"
        f" {args.blocks} blocks x {args.block_size} requests per credential, in rotating order,"
        f" after {args.warmup} untimed each. Load average {load_start} at start, {load_end} at"
        f" the end; the machine kept {http['busy_cores']:.2f} of {os.cpu_count()} cores busy"
        " while the requests ran (ours included).\n"
    )
    checks = [
        latency(KEY),
        latency(APP),
        latency(CONTROL),
        common.Check(
            "p50 difference, app token - API key",
            ms[APP]["p50"] - ms[KEY]["p50"],
            "ms",
            TARGET_MS,
            block_diffs(APP),
        ),
        common.Check(
            "p50 difference, 2nd API key - API key (noise)",
            ms[CONTROL]["p50"] - ms[KEY]["p50"],
            "ms",
            None,
            block_diffs(CONTROL),
        ),
        common.Check(
            "server CPU per request, app token - API key",
            cpu_ms[APP] - cpu_ms[KEY],
            "ms",
            None,
            f"over {each:,} requests each (/proc, 10 ms ticks)",
        ),
        auth_call(KEY),
        auth_call(APP),
    ]
    code = report(checks)
    for name, text in local["profiles"].items():
        print(f"\ncProfile of 2,000 admit() calls with the {name}, by cumulative time:\n{text}")
    return code


if __name__ == "__main__":
    sys.exit(main())
