"""Migrations over every schema: public, the template, then each tenant.

Tenants run with bounded concurrency, one transaction each and a lock timeout, and record
their version in the registry, so a run with nothing to do is a single status query.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from dataclasses import dataclass, field

import asyncpg

from jewelia.core.db import DB, TenantRef, check_schema_name, execute, fetch
from jewelia.core.migrations import apply_pending, latest_version, load_migrations
from jewelia.platform.tenancy.registry import TEMPLATE_SCHEMA, drop_stale_spares, migrate_template

log = logging.getLogger("jewelia.migrate")

STATUS_SQL = f"""
SELECT (SELECT count(*) FROM public.migration WHERE app_name = 'public') AS public_done,
       (SELECT count(*) FROM {TEMPLATE_SCHEMA}.migration WHERE app_name = 'tenant')
           AS template_done,
       (SELECT count(*) FROM public.tenant
         WHERE schema_version < $1 AND status <> 'deleted') AS outdated,
       (SELECT count(*) FROM public.spare_schema WHERE schema_version < $1) AS stale_spares
"""


@dataclass
class MigrateReport:
    """What a migrate run did."""

    public_version: int = 0
    tenant_version: int = 0
    tenants_migrated: int = 0
    spares_dropped: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    noop: bool = False


async def _nothing_to_do() -> bool:
    try:
        rows = await fetch(STATUS_SQL, latest_version("tenant"))
    except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
        return False
    row = rows[0]
    return (
        row["public_done"] == len(load_migrations("public"))
        and row["template_done"] == len(load_migrations("tenant"))
        and row["outdated"] == 0
        and row["stale_spares"] == 0
    )


async def migrate_public() -> int:
    """Apply pending public migrations (serialised by an advisory lock)."""
    async with DB.transaction():
        await fetch("SELECT pg_advisory_xact_lock(727001)")
        await fetch("SELECT set_config('search_path', 'public', true)")
        version = await apply_pending("public", "public")
    return version


async def migrate_tenant(tenant: TenantRef, lock_timeout: str = "5s") -> int:
    """Apply pending tenant migrations to one tenant in one transaction; return its version."""
    schema = check_schema_name(tenant.schema_name)
    async with DB.transaction():
        await fetch("SELECT set_config('lock_timeout', $1, true)", lock_timeout)
        await fetch("SELECT set_config('search_path', $1, true)", schema)
        version = await apply_pending("tenant", schema)
        await execute(
            "UPDATE public.tenant SET schema_version = $1 WHERE id = $2", version, tenant.id
        )
    return version


async def migrate_all(concurrency: int = 4) -> MigrateReport:
    """Migrate public, the template and every outdated tenant (Piccolo's progress prints muted)."""
    # One redirect around the whole run: per-migration redirects would interleave across
    # concurrent tenants and leave stdout pointing at a buffer.
    with contextlib.redirect_stdout(io.StringIO()):
        return await _migrate_all(concurrency)


async def _migrate_all(concurrency: int) -> MigrateReport:
    report = MigrateReport()
    if await _nothing_to_do():
        report.noop = True
        report.public_version = latest_version("public")
        report.tenant_version = latest_version("tenant")
        return report
    report.public_version = await migrate_public()
    report.tenant_version = await migrate_template()
    rows = await fetch(
        "SELECT id, schema_name FROM public.tenant"
        " WHERE schema_version < $1 AND status <> 'deleted' ORDER BY created_at",
        report.tenant_version,
    )
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(row: dict[str, object]) -> None:
        ref = TenantRef(id=row["id"], schema_name=str(row["schema_name"]))  # type: ignore[arg-type]
        async with gate:
            try:
                await migrate_tenant(ref)
                report.tenants_migrated += 1
            except Exception as exc:  # one tenant's failure must not stop the others
                log.error("tenant migration failed", extra={"fields": {"schema": ref.schema_name}})
                report.failures[ref.schema_name] = f"{type(exc).__name__}: {exc}"

    await asyncio.gather(*(one(r) for r in rows))
    report.spares_dropped = await drop_stale_spares(report.tenant_version)
    return report
