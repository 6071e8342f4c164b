"""The `jewelia` command: dev, serve, worker, scheduler, migrate, tenants …"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

DEMO_EMAIL = "demo@jewelia.dev"
DEMO_PASSWORD = "Sparkle-Gems-2026"  # noqa: S105 - the published demo login
DEMO_BUSINESS = "Aurora Fine Jewelry"


def _data_dir() -> Path:
    return Path(os.environ.get("JEWELIA_DATA_DIR", ".jewelia")).resolve()


def _services() -> tuple[Any, Any]:
    """Embedded PostgreSQL/Redis when no URLs are set; whatever this process starts, it stops."""
    import atexit

    from jewelia.core.embedded import ensure_services

    pg, rds = ensure_services(_data_dir())
    if rds is not None:
        atexit.register(rds.stop)  # one-shot commands must not leave a redis-server behind
    return pg, rds


def _run_db(fn: Callable[[], Awaitable[Any]]) -> Any:
    """Run an async function with the database pool open."""
    from jewelia.core.db import start_db, stop_db
    from jewelia.core.settings import get_settings

    async def main() -> Any:
        await start_db(get_settings().database_url, min_size=1, max_size=10)
        try:
            return await fn()
        finally:
            await stop_db()

    return asyncio.run(main())


def cmd_migrate(args: argparse.Namespace) -> int:
    from jewelia.core.settings import get_settings
    from jewelia.platform.tenancy.migrate import migrate_all

    _services()
    start = time.perf_counter()
    report = _run_db(lambda: migrate_all(get_settings().migrate_concurrency))
    took = time.perf_counter() - start
    if report.noop:
        print(
            f"Nothing to migrate (public v{report.public_version},"
            f" tenant v{report.tenant_version}) in {took:.2f}s"
        )
    else:
        print(
            f"Migrated public to v{report.public_version}, {report.tenants_migrated} tenant(s) "
            f"to v{report.tenant_version} in {took:.2f}s;"
            f" dropped {report.spares_dropped} stale spare(s)"
        )
    for schema, error in report.failures.items():
        print(f"FAILED {schema}: {error}", file=sys.stderr)
    return 1 if report.failures else 0


async def _create_tenant(
    name: str, email: str, password: str, full_name: str, plan: str
) -> dict[str, Any]:
    from jewelia.platform.accounts import service as accounts
    from jewelia.platform.apikeys.service import PERMISSIONS, create_key

    # An operator vouches for the address: no confirmation link.
    user, tenant = await accounts.signup(name, full_name, email, password, plan=plan, verified=True)
    key = await create_key(tenant.id, "CLI admin key", list(PERMISSIONS), created_by=user.id)
    return {"tenant_id": str(tenant.id), "slug": tenant.slug, "api_key": key.secret}


def cmd_tenants(args: argparse.Namespace) -> int:
    from jewelia.core.errors import AppError
    from jewelia.platform.tenancy import registry

    _services()
    if args.action == "create":
        try:
            out = _run_db(
                lambda: _create_tenant(
                    args.name,
                    args.email,
                    args.password,
                    args.full_name or args.email.split("@")[0],
                    args.plan,
                )
            )
        except AppError as exc:
            detail = exc.details if exc.details else exc.message
            print(
                json.dumps({"error": exc.message, "details": detail})
                if args.json
                else f"Error: {detail}",
                file=sys.stderr,
            )
            return 2
        if args.json:
            print(json.dumps(out))
        else:
            print(f"Created {args.name} ({out['slug']}), tenant {out['tenant_id']}")
            print(f"Admin API key (shown once): {out['api_key']}")
        return 0
    if args.action == "list":
        tenants = _run_db(registry.list_tenants)
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "tenant_id": str(t.id),
                            "slug": t.slug,
                            "name": t.name,
                            "plan": t.plan,
                            "status": t.status,
                            "schema_version": t.schema_version,
                        }
                        for t in tenants
                    ]
                )
            )
        else:
            print(f"{'slug':<32} {'plan':<13} {'status':<10} {'ver':>3}  name")
            for t in tenants:
                print(f"{t.slug:<32} {t.plan:<13} {t.status:<10} {t.schema_version:>3}  {t.name}")
        return 0

    async def change() -> None:
        tenant = await registry.get_tenant_by_slug(args.slug)
        if args.action == "suspend":
            await registry.set_status(tenant.id, "suspended")
        elif args.action == "activate":
            await registry.set_status(tenant.id, "active")
        elif args.action == "delete":
            if not args.no_export:
                from datetime import UTC, datetime

                from jewelia.core.settings import get_settings
                from jewelia.tenants.transfer.formats.archive import export_everything

                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                folder = get_settings().data_dir / "deleted" / f"{tenant.slug}-{stamp}"
                for path in await export_everything(tenant, folder):
                    print(f"exported {path}")
            await registry.delete_tenant(tenant.id)

    try:
        _run_db(change)
    except AppError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    print(f"{args.slug}: {args.action} done")
    return 0


async def _seed_demo() -> tuple[str, str]:
    """The demo business, its owner and a fresh admin API key."""
    import jewelia.workers.broker  # noqa: F401  (the demo flows' first runs are enqueued)
    from jewelia.core.db import fetch
    from jewelia.platform.accounts import service as accounts
    from jewelia.platform.apikeys.service import PERMISSIONS, create_key
    from jewelia.platform.tenancy.registry import get_tenant, replenish_spare_pool
    from jewelia.tenants.builder.demo import seed_demo_flows
    from jewelia.tenants.crm.service import seed_demo

    rows = await fetch(
        "SELECT m.tenant_id FROM public.membership m JOIN public.app_user u ON u.id = m.user_id"
        " WHERE u.email = $1 AND m.role = 'owner' LIMIT 1",
        DEMO_EMAIL,
    )
    if rows:
        tenant = await get_tenant(rows[0]["tenant_id"])
    else:
        _, tenant = await accounts.signup(
            DEMO_BUSINESS,
            "Avery Demo",
            DEMO_EMAIL,
            DEMO_PASSWORD,
            plan="professional",
            verified=True,
        )
    await seed_demo(tenant.ref)
    await seed_demo_flows(tenant.ref, DEMO_EMAIL)
    key = await create_key(
        tenant.id,
        f"Demo key {time.strftime('%Y-%m-%d %H:%M')}",
        list(PERMISSIONS),
    )
    from jewelia.core.settings import get_settings
    from jewelia.platform.analytics.demo import seed_analytics

    owner = await fetch("SELECT id FROM public.app_user WHERE email = $1", DEMO_EMAIL)
    await seed_analytics(tenant.ref, key.key.id, key.key.prefix, owner[0]["id"], DEMO_EMAIL)
    await replenish_spare_pool(get_settings().spare_pool_size)
    return tenant.slug, key.secret


REFERENCE_APP = Path(__file__).resolve().parents[1] / "examples" / "marketplace-app" / "app.py"


async def _seed_marketplace(app_url: str) -> dict[str, str]:
    """The demo marketplace (developer org, reference app listing, samples, reviews)."""
    from jewelia.core.db import fetch
    from jewelia.platform.commerce.demo import seed_commerce
    from jewelia.platform.marketplace.demo import seed_marketplace

    rows = await fetch("SELECT id FROM public.app_user WHERE email = $1", DEMO_EMAIL)
    app = await seed_marketplace(rows[0]["id"], app_url)
    await seed_commerce(rows[0]["id"])  # demo money: app charges, earnings, a paid payout
    return app


def _reference_app(base_url: str, data_dir: Path, env: dict[str, str]) -> list[str] | None:
    """Seed the marketplace; the command running the reference app beside us (env filled in),
    or None when this is not a source checkout (no examples/ folder)."""
    if not REFERENCE_APP.exists():
        return None
    port = int(os.environ.get("JEWELIA_REFERENCE_APP_PORT", "8010"))
    url = f"http://127.0.0.1:{port}"
    app = _run_db(lambda: _seed_marketplace(url))
    env.update(
        JEWELIA_BASE_URL=base_url,
        APP_CLIENT_ID=app["client_id"],
        APP_CLIENT_SECRET=app["client_secret"],
        APP_PUBLIC_URL=url,
        APP_DATA_FILE=str(data_dir / "marketplace-app.json"),
        APP_DEBUG_EVENTS="1",
    )
    return [sys.executable, str(REFERENCE_APP), "--port", str(port)]


def cmd_dev(args: argparse.Namespace) -> int:
    """Embedded services, migrations, demo data, then web + worker + scheduler."""
    from jewelia.core.settings import get_settings, reset_settings

    # Development only: /dev/mail captures email and billing runs in test mode (no Stripe).
    # The children inherit it; `jewelia serve` alone never turns these on.
    os.environ["JEWELIA_DEV_MODE"] = "1"
    reset_settings()
    pg, rds = _services()
    settings = get_settings()
    if cmd_migrate(args) != 0:
        return 1
    _slug, api_key = _run_db(_seed_demo)
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url}
    # Local development: webhooks may go to receivers on this machine (never to link-local or
    # cloud metadata addresses). Production leaves this unset.
    env.setdefault("JEWELIA_WEBHOOK_ALLOW_PRIVATE", "1")
    metrics_token = env.setdefault("JEWELIA_METRICS_TOKEN", secrets.token_urlsafe(24))  # dev only
    os.environ["JEWELIA_WEBHOOK_ALLOW_PRIVATE"] = env["JEWELIA_WEBHOOK_ALLOW_PRIVATE"]  # the seed
    exe = [sys.executable, "-m", "jewelia.cli"]
    # Each child gets its own session: Ctrl-C reaches only us, and we stop them in order.
    url = settings.base_url
    # The reference marketplace app (examples/marketplace-app), installable from /marketplace.
    app_env = dict(env)
    app_cmd = _reference_app(url, Path(settings.data_dir), app_env)
    procs = [
        subprocess.Popen([*exe, *cmd], env=env, start_new_session=True)  # noqa: S603
        for cmd in (["serve"], ["worker", "--processes", "1"], ["scheduler"])
    ]
    if app_cmd:
        procs.append(subprocess.Popen(app_cmd, env=app_env, start_new_session=True))  # noqa: S603
    banner = f"""
  Jewelia is running at {url}

  Log in:   {url}/login
            email     {DEMO_EMAIL}
            password  {DEMO_PASSWORD}
  API key:  {api_key}
            curl -H "Authorization: Bearer {api_key}" {url}/api/v1/customers
  Metrics:  curl -H "Authorization: Bearer {metrics_token}" {url}/metrics
  Dev mail: {url}/dev/mail
  Apps:     {url}/marketplace   (the demo login is also staff: {url}/staff/review-queue)
            reference app {app_env.get("APP_PUBLIC_URL", "not started (no examples/ folder)")}
  Data:     {settings.data_dir}   (Ctrl-C stops everything)
"""
    print(banner, flush=True)
    stopping = False

    def stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and all(p.poll() is None for p in procs):
            time.sleep(0.3)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)  # leftovers such as worker subprocesses
        if rds:
            rds.stop()
        if pg:
            pg.stop()
    print("Stopped.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from jewelia.core.logs import setup_logging
    from jewelia.core.settings import get_settings

    _services()
    setup_logging()
    settings = get_settings()
    made = None
    if args.workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Each worker process writes its request metrics here; any of them answers a scrape.
        made = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="jewelia-metrics-")
    uvicorn.run(
        "jewelia.app:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        timeout_graceful_shutdown=10,  # open SSE streams must not hold a restart for long
    )
    if made:
        shutil.rmtree(made, ignore_errors=True)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _services()
    cmd = [
        sys.executable,
        "-m",
        "dramatiq",
        "jewelia.workers.actors",
        "jewelia.workers.inbound_actors",
        "jewelia.workers.webhook_actors",
        "jewelia.workers.transfer_actors",
        "jewelia.workers.builder_actors",
        "jewelia.workers.commerce_actors",
        "jewelia.workers.analytics_actors",
        "jewelia.workers.alert_actors",
        "--processes",
        str(args.processes),
        "--threads",
        str(args.threads),
    ]
    os.execve(sys.executable, cmd, os.environ.copy())  # noqa: S606 - signals reach dramatiq directly
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    from jewelia.core.logs import setup_logging
    from jewelia.workers.scheduler import run_scheduler

    _services()
    setup_logging()
    run_scheduler()
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    """Grant or revoke the platform staff role (marketplace review queue, moderation)."""
    from jewelia.platform.marketplace import staff

    _services()
    found = _run_db(lambda: staff.set_staff(args.email, args.action == "grant"))
    if not found:
        print(f"Error: no account uses {args.email}", file=sys.stderr)
        return 2
    print(f"{args.email} {'is now' if args.action == 'grant' else 'is no longer'} staff")
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    """Print (or write) the OpenAPI document; --sdk gives the one the SDKs are generated from."""
    # Building the app only parses these URLs; nothing connects.
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.setdefault("DATABASE_URL", "postgresql://127.0.0.1/jewelia")
    from jewelia.app import create_app
    from jewelia.core.openapi import with_error_responses
    from jewelia.core.openapi_sdk import sdk_document

    document = with_error_responses(create_app().openapi_schema.to_schema())
    if args.sdk:
        document = sdk_document(document)
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jewelia", description="Jewelia operator commands")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dev", help="run everything locally with embedded services").set_defaults(
        fn=cmd_dev
    )
    serve = sub.add_parser("serve", help="run the web server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(fn=cmd_serve)
    worker = sub.add_parser("worker", help="run Dramatiq workers")
    worker.add_argument("--processes", type=int, default=2)
    worker.add_argument("--threads", type=int, default=8)
    worker.set_defaults(fn=cmd_worker)
    sub.add_parser("scheduler", help="run the periodic scheduler").set_defaults(fn=cmd_scheduler)
    sub.add_parser("migrate", help="migrate public, the template and every tenant").set_defaults(
        fn=cmd_migrate
    )
    tenants = sub.add_parser("tenants", help="manage businesses")
    tsub = tenants.add_subparsers(dest="action", required=True)
    create = tsub.add_parser("create", help="create a business and its owner")
    create.add_argument("--name", required=True)
    create.add_argument("--email", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--full-name")
    create.add_argument("--plan", default="free", choices=["free", "professional", "enterprise"])
    create.add_argument("--json", action="store_true")
    lst = tsub.add_parser("list", help="list businesses")
    lst.add_argument("--json", action="store_true")
    for action in ("suspend", "activate", "delete"):
        p = tsub.add_parser(action, help=f"{action} a business")
        p.add_argument("slug")
        if action == "delete":
            p.add_argument(
                "--no-export",
                action="store_true",
                help="skip exporting customers, inventory and orders to the data folder first",
            )
    tenants.set_defaults(fn=cmd_tenants)
    staff = sub.add_parser("staff", help="grant or revoke the platform staff role")
    ssub = staff.add_subparsers(dest="action", required=True)
    for action in ("grant", "revoke"):
        ssub.add_parser(action, help=f"{action} staff by email").add_argument("email")
    staff.set_defaults(fn=cmd_staff)
    openapi = sub.add_parser("openapi", help="print the OpenAPI document")
    openapi.add_argument("--sdk", action="store_true", help="the SDKs' view (paths under /api/v1)")
    openapi.add_argument("--output", "-o", help="write to this file instead of standard output")
    openapi.set_defaults(fn=cmd_openapi)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.fn(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
