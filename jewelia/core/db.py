"""The Piccolo engine and tenant binding.

A tenant scope is one transaction whose search_path is the tenant schema alone, so a tenant
table read outside a scope fails ("relation does not exist") instead of reading anything.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import anyio
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

SCHEMA_NAME = re.compile(r"^(t_[0-9a-z]{12}|tenant_template)$")


class JeweliaEngine(PostgresEngine):
    """Piccolo's engine without its connect-at-import checks; we configure it at startup."""

    async def check_version(self) -> None:
        return None

    async def prep_database(self) -> None:
        return None

    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        """A transaction that always gives its connection back, even when COMMIT fails (a
        deferred constraint such as the ledger's zero-sum check fails at COMMIT)."""
        return SafeTransaction(engine=self, allow_nested=allow_nested)


DB = JeweliaEngine(config={"dsn": "postgresql://localhost/jewelia"}, extensions=())


@dataclass(frozen=True)
class TenantRef:
    """What a tenant scope needs: the tenant's id and its schema."""

    id: UUID
    schema_name: str


current_tenant: ContextVar[TenantRef | None] = ContextVar("current_tenant", default=None)


def configure_engine(database_url: str) -> None:
    """Point the engine at a database; outside a tenant scope only `public` is visible."""
    DB.config.clear()
    DB.config.update(
        {
            "dsn": database_url,
            "server_settings": {"search_path": "public", "application_name": "jewelia"},
        }
    )


async def _release(connection: Any) -> None:
    """Pool reset: nothing to undo (scopes use transaction-local settings), so skip asyncpg's
    RESET ALL / UNLISTEN round trip unless a transaction was left open."""
    if connection.is_in_transaction():
        await connection.reset()


async def start_db(database_url: str, min_size: int = 2, max_size: int = 20) -> None:
    """Configure the engine and open its connection pool."""
    configure_engine(database_url)
    if DB.pool is None:
        await DB.start_connection_pool(min_size=min_size, max_size=max_size, reset=_release)


async def stop_db() -> None:
    """Close the connection pool if it is open."""
    if DB.pool is not None:
        await DB.close_connection_pool()


def check_schema_name(schema_name: str) -> str:
    """Refuse any schema name that is not one of ours."""
    if not SCHEMA_NAME.fullmatch(schema_name):
        raise ValueError(f"invalid tenant schema name: {schema_name!r}")
    return schema_name


@asynccontextmanager
async def tenant_scope(tenant: TenantRef) -> AsyncIterator[None]:
    """Run the enclosed queries in one transaction bound to the tenant's schema."""
    schema = check_schema_name(tenant.schema_name)
    bound = current_tenant.get()
    if bound is not None and DB.current_transaction.get() is not None:
        if bound.schema_name != schema:
            raise RuntimeError("nested tenant scope for a different tenant")
        yield
        return
    token = current_tenant.set(tenant)
    try:
        if DB.current_transaction.get() is not None:  # inside a public transaction: join it
            async with DB.transaction():
                await fetch("SELECT set_config('search_path', $1, true)", schema)
                yield
        else:
            async with ScopedTransaction(DB, schema):
                yield
    finally:
        current_tenant.reset(token)


class SafeTransaction(PostgresTransaction):
    """Piccolo's transaction, except that leaving it always releases the connection and the
    current-transaction binding (Piccolo's own skips both when COMMIT raises)."""

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        """Commit or roll back, then always give the connection back to the pool.

        Shielded: a request cancelled here (a closed SSE stream, a client gone) would otherwise
        be cancelled again at each await below and never reach the release, leaking the
        connection for good.
        """
        if self._parent is not None:  # a nested use: the outer transaction decides
            return exception is None
        with anyio.CancelScope(shield=True):
            try:
                with anyio.move_on_after(30) as waited:
                    if exception is not None:
                        if not self._rolled_back:
                            await self.rollback()
                    elif not self._committed and not self._rolled_back:
                        await self.commit()
                if waited.cancelled_caught and exception is None:
                    raise TimeoutError("COMMIT did not finish in 30 s")
            finally:
                if self.engine.pool is not None:
                    await self.engine.pool.release(self.connection)
                else:
                    await self.connection.close()
                self.engine.current_transaction.reset(self.context)
        return exception is None


class ScopedTransaction(SafeTransaction):
    """A Piccolo transaction whose BEGIN also binds the tenant schema, in one round trip.

    Every API request opens one of these, so the saved round trip is measurable (bench/).
    The schema name has passed `check_schema_name`, so it is safe to write into the SQL.
    """

    def __init__(self, engine: PostgresEngine, schema: str) -> None:
        super().__init__(engine)
        self._schema = check_schema_name(schema)

    async def __aenter__(self) -> ScopedTransaction:
        """Take a connection and BEGIN; a cancel or error on the way in gives the connection
        back (no __aexit__ runs for a context manager that was never entered)."""
        assert self._parent is None and self.engine.pool is not None
        self.connection = await self.engine.pool.acquire()
        try:
            self.transaction = self.connection.transaction()
            await self.begin()
        except BaseException:
            with anyio.CancelScope(shield=True):
                await self.engine.pool.release(self.connection)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def begin(self) -> None:
        await self.connection.execute(
            f"BEGIN; SELECT set_config('search_path', '{self._schema}', true)"
        )

    async def commit(self) -> None:
        await self.connection.execute("COMMIT")
        self._committed = True

    async def rollback(self) -> None:
        await self.connection.execute("ROLLBACK")
        self._rolled_back = True


async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run SQL with bound parameters on the current transaction (or the pool)."""
    txn = DB.current_transaction.get()
    if txn is not None:
        rows = await txn.connection.fetch(sql, *args)
    else:
        assert DB.pool is not None, "database pool not started"
        async with DB.pool.acquire() as conn:
            rows = await conn.fetch(sql, *args)
    return [dict(r) for r in rows]


async def execute(sql: str, *args: Any) -> str:
    """Execute SQL with bound parameters on the current transaction (or the pool)."""
    txn = DB.current_transaction.get()
    if txn is not None:
        return str(await txn.connection.execute(sql, *args))
    assert DB.pool is not None, "database pool not started"
    async with DB.pool.acquire() as conn:
        return str(await conn.execute(sql, *args))
