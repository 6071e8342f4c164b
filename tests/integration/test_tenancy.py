"""Tenant schemas: provisioning, the spare pool, scopes and isolation, migrations."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path

import asyncpg
import pytest

from jewelia.core.db import DB, TenantRef, execute, fetch, tenant_scope
from jewelia.core.migrations import MIGRATIONS_DIR, latest_version, load_migrations
from jewelia.platform.tenancy import registry
from jewelia.platform.tenancy.migrate import migrate_all

SCHEMA_SHAPE = """
SELECT table_name, column_name, data_type, is_nullable, column_default
FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, column_name
"""
INDEX_SHAPE = "SELECT indexname, replace(indexdef, $1, 'S') AS def FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname"
CONSTRAINT_SHAPE = """
SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid) AS def
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY 1, 2
"""


async def _new_tenant(name: str = "Shop", use_pool: bool = True) -> registry.TenantInfo:
    async with DB.transaction():
        return await registry.provision_tenant(name, use_pool=use_pool)


async def _shape(schema: str) -> tuple[list[dict], list[dict], list[dict]]:
    cols = await fetch(SCHEMA_SHAPE, schema)
    idx = await fetch(INDEX_SHAPE, schema)
    async with DB.transaction():
        await fetch("SELECT set_config('search_path', $1, true)", schema)
        cons = await fetch(CONSTRAINT_SHAPE, schema)
    return cols, idx, cons


async def test_built_schema_matches_the_migrated_template(db: None) -> None:
    tenant = await _new_tenant(use_pool=False)
    t_cols, t_idx, t_cons = await _shape(registry.TEMPLATE_SCHEMA)
    n_cols, n_idx, n_cons = await _shape(tenant.schema_name)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "table_schema"} for r in rows]  # noqa: E731
    assert strip(t_cols) == strip(n_cols)
    assert [i["indexname"] for i in t_idx] == [i["indexname"] for i in n_idx]
    assert t_cons == n_cons
    assert any("FOREIGN KEY" in c["def"] for c in n_cons), n_cons
    async with tenant_scope(tenant.ref):
        rows = await fetch("SELECT name FROM migration")
    assert [r["name"] for r in rows] == [m.id for m in load_migrations("tenant")]
    assert tenant.schema_version == latest_version("tenant")


async def test_spare_pool_is_claimed_once_and_refilled(db: None) -> None:
    await registry.replenish_spare_pool(3)
    spares = {r["schema_name"] for r in await fetch("SELECT schema_name FROM public.spare_schema")}
    assert len(spares) >= 3
    tenants = await asyncio.gather(*(_new_tenant(f"Race {n}") for n in range(3)))
    claimed = {t.schema_name for t in tenants}
    assert len(claimed) == 3
    assert claimed <= spares
    left = {r["schema_name"] for r in await fetch("SELECT schema_name FROM public.spare_schema")}
    assert not (left & claimed)
    assert await registry.replenish_spare_pool(3) == 3


async def test_schema_names_are_opaque_and_checked(db: None) -> None:
    tenant = await _new_tenant("Robert'); DROP SCHEMA public CASCADE;--")
    assert tenant.schema_name.startswith("t_") and len(tenant.schema_name) == 14
    assert tenant.slug == "robert-drop-schema-public-cascade"
    with pytest.raises(ValueError):
        async with tenant_scope(TenantRef(uuid.uuid4(), "public")):
            pass
    with pytest.raises(ValueError):
        async with tenant_scope(TenantRef(uuid.uuid4(), 't_abc"; drop')):
            pass


async def test_query_outside_a_tenant_scope_fails(db: None) -> None:
    await _new_tenant()
    with pytest.raises(asyncpg.UndefinedTableError):
        await fetch("SELECT * FROM customer")
    async with DB.transaction():
        with pytest.raises(asyncpg.UndefinedTableError):
            await fetch("SELECT * FROM audit_log")


async def test_two_tenants_never_see_each_other(db: None) -> None:
    a, b = await _new_tenant("Alpha"), await _new_tenant("Beta")
    for tenant, name in ((a, "Alice of Alpha"), (b, "Bob of Beta")):
        async with tenant_scope(tenant.ref):
            await execute(
                "INSERT INTO customer (id, full_name) VALUES ($1, $2)", uuid.uuid4(), name
            )
    async with tenant_scope(a.ref):
        names = [r["full_name"] for r in await fetch("SELECT full_name FROM customer")]
        assert names == ["Alice of Alpha"]
        with pytest.raises(RuntimeError):
            async with tenant_scope(b.ref):
                pass
    async with tenant_scope(b.ref):
        names = [r["full_name"] for r in await fetch("SELECT full_name FROM customer")]
        assert names == ["Bob of Beta"]


async def test_scope_is_transaction_local(db: None) -> None:
    tenant = await _new_tenant()
    async with tenant_scope(tenant.ref):
        await fetch("SELECT count(*) FROM customer")
    path = await fetch("SHOW search_path")
    assert path[0]["search_path"] == "public"


async def test_failed_scope_rolls_back(db: None) -> None:
    tenant = await _new_tenant()
    with pytest.raises(ZeroDivisionError):
        async with tenant_scope(tenant.ref):
            await execute("INSERT INTO customer (id, full_name) VALUES ($1, 'Ghost')", uuid.uuid4())
            _ = 1 / 0
    async with tenant_scope(tenant.ref):
        assert (await fetch("SELECT count(*) AS n FROM customer"))[0]["n"] == 0


async def test_migrate_with_nothing_to_do_is_a_noop(db: None) -> None:
    report = await migrate_all()
    assert report.noop
    assert report.tenants_migrated == 0


async def test_additive_migration_reaches_every_tenant(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenants = [await _new_tenant(f"Migrating {n}", use_pool=False) for n in range(3)]
    await registry.replenish_spare_pool(1)
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, copy)
    (copy / "tenant" / "tenant_0999_test_extra.py").write_text(
        (copy / "tenant" / "tenant_0001_initial.py")
        .read_text()
        .replace('ID = "tenant_0001_initial"', 'ID = "tenant_0999_test_extra"')
        .split('SQL = """')[0]
        + 'SQL = """ALTER TABLE customer ADD COLUMN loyalty_tier text;'
        ' CREATE INDEX customer_loyalty_idx ON customer (loyalty_tier);"""\n\n\n'
        "async def forwards() -> MigrationManager:\n"
        '    manager = MigrationManager(migration_id=ID, app_name="tenant")\n'
        "    manager.add_raw(sql_steps(SQL))\n"
        "    return manager\n"
    )
    monkeypatch.setenv("JEWELIA_MIGRATIONS_DIR", str(copy))
    try:
        report = await migrate_all(concurrency=2)
        assert not report.failures
        assert report.tenant_version == 999
        assert report.tenants_migrated >= 3
        assert report.spares_dropped >= 1
        for tenant in tenants:
            fresh = await registry.get_tenant(tenant.id)
            assert fresh.schema_version == 999
            async with tenant_scope(fresh.ref):
                await fetch("SELECT loyalty_tier FROM customer")
        newcomer = await _new_tenant("After migration")
        async with tenant_scope(newcomer.ref):
            await fetch("SELECT loyalty_tier FROM customer")
        assert (await migrate_all()).noop
    finally:
        monkeypatch.delenv("JEWELIA_MIGRATIONS_DIR")
        # Put every schema back to the shipped migrations for the rest of the session.
        await execute("ALTER TABLE tenant_template.customer DROP COLUMN IF EXISTS loyalty_tier")
        await execute("DELETE FROM tenant_template.migration WHERE name = 'tenant_0999_test_extra'")
        for row in await fetch(
            "SELECT id, schema_name FROM public.tenant WHERE status <> 'deleted'"
        ):
            await execute(
                f'ALTER TABLE "{row["schema_name"]}".customer DROP COLUMN IF EXISTS loyalty_tier'
            )
            await execute(
                f'DELETE FROM "{row["schema_name"]}".migration WHERE name = $1',
                "tenant_0999_test_extra",
            )
        await execute(
            "UPDATE public.tenant SET schema_version = $1 WHERE status <> 'deleted'",
            latest_version("tenant"),
        )
        await registry.drop_stale_spares(9999)
        registry._ddl_cache.clear()


async def test_suspend_and_delete(db: None) -> None:
    tenant = await _new_tenant("Short lived")
    assert (await registry.set_status(tenant.id, "suspended")).status == "suspended"
    assert (await registry.set_status(tenant.id, "active")).status == "active"
    await registry.delete_tenant(tenant.id)
    gone = await registry.get_tenant(tenant.id)
    assert gone.status == "deleted"
    exists = await fetch("SELECT 1 FROM pg_namespace WHERE nspname = $1", tenant.schema_name)
    assert not exists
    assert tenant.id not in {t.id for t in await registry.list_tenants()}
