"""The tenant registry (public.tenant), provisioning and the spare-schema pool.

A new tenant schema is built from `tenant_template`, which is migrated like any tenant. Its DDL
(CREATE TABLE … LIKE … INCLUDING ALL, foreign keys, migration rows) is generated once per
process and version and applied in one transaction. Spare schemas made ahead of time are
claimed with FOR UPDATE SKIP LOCKED, so signing up costs a row update, not DDL.
"""

from __future__ import annotations

import re
import secrets
import string
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime

from piccolo.columns import UUID, Array, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jewelia.core.db import DB, TenantRef, check_schema_name, execute, fetch
from jewelia.core.errors import FieldError, NotFound, ValidationFailed
from jewelia.core.migrations import apply_pending, latest_version
from jewelia.platform.apikeys.grant_cache import GRANTS

TEMPLATE_SCHEMA = "tenant_template"
PLANS = ("free", "professional", "enterprise")
STATUSES = ("active", "suspended", "deleted")


class Tenant(Table, tablename="tenant", schema="public"):
    """A business: its slug, schema, plan and status."""

    id = UUID(primary_key=True)
    slug = Varchar(length=63, unique=True)
    name = Varchar(length=120)
    schema_name = Varchar(length=63, unique=True)
    plan = Varchar(length=20, default="free")
    status = Varchar(length=20, default="active")
    schema_version = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    suspended_at = Timestamptz(null=True, default=None)
    deleted_at = Timestamptz(null=True, default=None)
    cors_origins = Array(base_column=Text())  # browser origins allowed to call the API


class SpareSchema(Table, tablename="spare_schema", schema="public"):
    """A ready, empty tenant schema waiting to be claimed at sign-up."""

    schema_name = Varchar(length=63, primary_key=True)
    schema_version = Integer()
    created_at = Timestamptz(default=TimestamptzNow())


@dataclass(frozen=True)
class TenantInfo:
    """A tenant row as plain values."""

    id: uuid.UUID
    slug: str
    name: str
    schema_name: str
    plan: str
    status: str
    schema_version: int
    created_at: datetime
    currency: str = "USD"
    cors_origins: tuple[str, ...] = ()

    @property
    def ref(self) -> TenantRef:
        return TenantRef(id=self.id, schema_name=self.schema_name)

    @property
    def is_active(self) -> bool:
        return self.status == "active"


def tenant_info(row: dict[str, object]) -> TenantInfo:
    """A TenantInfo from a public.tenant row (extra columns ignored)."""
    fields = TenantInfo.__dataclass_fields__
    values = {k: row[k] for k in fields if k in row}
    if "cors_origins" in values:  # a list from the driver; the info stays hashable
        values["cors_origins"] = tuple(values["cors_origins"] or ())  # type: ignore[arg-type]
    return TenantInfo(**values)  # type: ignore[arg-type]


def new_schema_name() -> str:
    """An opaque schema name: t_ and 12 random lowercase letters or digits."""
    alphabet = string.ascii_lowercase + string.digits
    return "t_" + "".join(secrets.choice(alphabet) for _ in range(12))


def slugify(name: str) -> str:
    """A URL-safe slug from a business name."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40] or "business"


# --- template and DDL -------------------------------------------------------------------

_ddl_cache: dict[int, str] = {}


async def migrate_template() -> int:
    """Bring tenant_template to the newest tenant migration; return its version."""
    async with DB.transaction():
        await execute(f"CREATE SCHEMA IF NOT EXISTS {TEMPLATE_SCHEMA}")
        await fetch("SELECT set_config('search_path', $1, true)", TEMPLATE_SCHEMA)
        version = await apply_pending("tenant", TEMPLATE_SCHEMA)
    return version


async def template_ddl(version: int) -> str:
    """DDL that builds a schema like the template; `{schema}` stands for the new name."""
    if version in _ddl_cache:
        return _ddl_cache[version]
    async with DB.transaction():
        # With the template alone on the path, constraint definitions come out unqualified.
        await fetch("SELECT set_config('search_path', $1, true)", TEMPLATE_SCHEMA)
        tables = await fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY c.relname",
            TEMPLATE_SCHEMA,
        )
        keys = await fetch(
            "SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid) AS def"
            " FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = $1 AND con.contype IN ('p', 'u', 'x', 'f')"
            " ORDER BY con.contype = 'f', c.relname, con.conname",
            TEMPLATE_SCHEMA,
        )
        indexes = await fetch(
            "SELECT i.indexdef FROM pg_indexes i WHERE i.schemaname = $1 AND NOT EXISTS ("
            " SELECT 1 FROM pg_constraint con WHERE con.conindid ="
            " (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)"
            " ORDER BY i.indexname",
            TEMPLATE_SCHEMA,
        )
    # Indexes and keys are re-created by name (LIKE would rename them), so later
    # migrations can refer to them the same way in every schema.
    lines = ['CREATE SCHEMA "{schema}"', 'SET LOCAL search_path TO "{schema}"']
    lines += [
        f'CREATE TABLE "{t["relname"]}" (LIKE {TEMPLATE_SCHEMA}."{t["relname"]}"'
        " INCLUDING ALL EXCLUDING INDEXES)"
        for t in tables
    ]
    lines += [
        f'ALTER TABLE "{k["relname"]}" ADD CONSTRAINT "{k["conname"]}" {k["def"]}' for k in keys
    ]
    lines += [i["indexdef"].replace(f" ON {TEMPLATE_SCHEMA}.", " ON ", 1) for i in indexes]
    lines.append(
        "INSERT INTO migration (name, app_name, ran_on)"
        f" SELECT name, app_name, ran_on FROM {TEMPLATE_SCHEMA}.migration ORDER BY id"
    )
    lines.append("SET LOCAL search_path TO public")
    ddl = ";\n".join(lines)
    _ddl_cache[version] = ddl
    return ddl


async def create_schema(version: int) -> str:
    """Build a fresh tenant schema from the template DDL (in the caller's transaction)."""
    schema = check_schema_name(new_schema_name())
    ddl = await template_ddl(version)
    await execute(ddl.replace("{schema}", schema))
    return schema


# --- spare pool -------------------------------------------------------------------------


async def claim_spare_schema(version: int) -> str | None:
    """Take one ready schema of the current version, or None when the pool is empty."""
    rows = await fetch(
        "DELETE FROM public.spare_schema WHERE schema_name = ("
        " SELECT schema_name FROM public.spare_schema WHERE schema_version = $1"
        " ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING schema_name",
        version,
    )
    return str(rows[0]["schema_name"]) if rows else None


async def replenish_spare_pool(target: int) -> int:
    """Create spare schemas until `target` of the current version are ready; return how many."""
    version = latest_version("tenant")
    created = 0
    while True:
        rows = await fetch(
            "SELECT count(*) AS n FROM public.spare_schema WHERE schema_version = $1", version
        )
        if int(rows[0]["n"]) >= target:
            return created
        async with DB.transaction():
            schema = await create_schema(version)
            await execute(
                "INSERT INTO public.spare_schema (schema_name, schema_version) VALUES ($1, $2)",
                schema,
                version,
            )
        created += 1


async def drop_stale_spares(version: int) -> int:
    """Drop spare schemas built for an older version; return how many."""
    rows = await fetch(
        "DELETE FROM public.spare_schema WHERE schema_version < $1 RETURNING schema_name", version
    )
    for row in rows:
        await execute(f'DROP SCHEMA IF EXISTS "{check_schema_name(row["schema_name"])}" CASCADE')
    return len(rows)


# --- tenants ----------------------------------------------------------------------------


async def _unique_slug(name: str) -> str:
    base = slugify(name)
    slug = base
    while await fetch("SELECT 1 FROM public.tenant WHERE slug = $1", slug):
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


async def provision_tenant(name: str, plan: str = "free", use_pool: bool = True) -> TenantInfo:
    """Register a business and give it a ready schema (call inside a transaction)."""
    assert DB.current_transaction.get() is not None, "provision_tenant needs a transaction"
    if plan not in PLANS:
        raise ValidationFailed([FieldError("plan", "Unknown plan")])
    version = latest_version("tenant")
    schema = await claim_spare_schema(version) if use_pool else None
    if schema is None:
        schema = await create_schema(version)
    rows = await fetch(
        "INSERT INTO public.tenant (id, slug, name, schema_name, plan, schema_version)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
        uuid.uuid4(),
        await _unique_slug(name),
        name,
        schema,
        plan,
        version,
    )
    return tenant_info(rows[0])


async def get_tenant(tenant_id: uuid.UUID) -> TenantInfo:
    """One tenant by id (any status)."""
    rows = await fetch("SELECT * FROM public.tenant WHERE id = $1", tenant_id)
    if not rows:
        raise NotFound("Tenant not found")
    return tenant_info(rows[0])


async def live_tenant(tenant_id: uuid.UUID) -> TenantInfo | None:
    """A tenant by id for background work, or None when it is unknown or deleted."""
    rows = await fetch(
        "SELECT * FROM public.tenant WHERE id = $1 AND status <> 'deleted'", tenant_id
    )
    return tenant_info(rows[0]) if rows else None


async def get_tenant_by_slug(slug: str) -> TenantInfo:
    """One tenant by slug (any status)."""
    rows = await fetch("SELECT * FROM public.tenant WHERE slug = $1", slug)
    if not rows:
        raise NotFound("Tenant not found")
    return tenant_info(rows[0])


async def list_tenants() -> list[TenantInfo]:
    """Every tenant that is not deleted, oldest first."""
    rows = await fetch("SELECT * FROM public.tenant WHERE status <> 'deleted' ORDER BY created_at")
    return [tenant_info(r) for r in rows]


async def set_status(tenant_id: uuid.UUID, status: str) -> TenantInfo:
    """Suspend or reactivate a tenant."""
    if status not in ("active", "suspended"):
        raise ValueError(status)
    rows = await fetch(
        "UPDATE public.tenant SET status = $2::varchar,"
        " suspended_at = CASE WHEN $2::varchar = 'suspended' THEN now() ELSE NULL END"
        " WHERE id = $1 AND status <> 'deleted' RETURNING *",
        tenant_id,
        status,
    )
    if not rows:
        raise NotFound("Tenant not found")
    GRANTS.clear()  # other processes hear of it from the database trigger
    return tenant_info(rows[0])


async def delete_tenant(tenant_id: uuid.UUID) -> None:
    """Drop the tenant's schema and mark it deleted; memberships and keys go with it."""
    async with DB.transaction():
        tenant = await get_tenant(tenant_id)
        await execute(f'DROP SCHEMA IF EXISTS "{check_schema_name(tenant.schema_name)}" CASCADE')
        await execute(
            "UPDATE public.tenant SET status = 'deleted', deleted_at = now() WHERE id = $1",
            tenant_id,
        )
        await execute("DELETE FROM public.membership WHERE tenant_id = $1", tenant_id)
        await execute("DELETE FROM public.api_key WHERE tenant_id = $1", tenant_id)
    GRANTS.clear()
