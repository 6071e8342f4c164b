"""A bare reference for GET /api/v1/customers: the floor our API is compared against.

One Litestar route and an asyncpg pool, served by uvicorn with the settings `jewelia serve`
uses. No middleware, no auth lookup, no guard or dependency injection: the tenant schema comes
straight from the `X-Tenant-Schema` header (checked against the schema-name pattern; the
benchmark rotates it over the same tenants as the API keys) or REFERENCE_SCHEMA. It runs the
SQL that `customers.service.list_customers` runs for the default page: in one transaction,
set_config('search_path', schema, true), the 20 newest customers, then count(*); and returns
the same envelope encoded with msgspec.

    python bench/reference_app.py --port 8100 --workers 1   # needs DATABASE_URL
"""

from __future__ import annotations

import argparse
import math
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import msgspec
from litestar import Litestar, Request, Response, get

from jewelia.tenants.crm.customers.service import COLUMNS

SCHEMA = re.compile(r"^t_[0-9a-z]{12}$")
LIMIT = 20
ROWS_SQL = (
    f"SELECT {COLUMNS} FROM customer WHERE TRUE ORDER BY created_at DESC, id DESC"
    " LIMIT $1 OFFSET $2"
)
COUNT_SQL = "SELECT count(*) AS n FROM customer WHERE TRUE"
_encoder = msgspec.json.Encoder(decimal_format="number")
_pool: asyncpg.Pool | None = None


@get("/ready")
async def ready() -> dict[str, str]:
    assert _pool is not None
    await _pool.fetchval("SELECT 1")
    return {"status": "ok"}


@get("/customers")
async def customers(request: Request[Any, Any, Any]) -> Response[bytes]:
    schema = request.headers.get("x-tenant-schema") or os.environ.get("REFERENCE_SCHEMA", "")
    if not SCHEMA.fullmatch(schema):
        return Response(content=b'{"success":false}', status_code=400)
    assert _pool is not None
    async with _pool.acquire() as conn, conn.transaction():
        await conn.fetch("SELECT set_config('search_path', $1, true)", schema)
        rows = await conn.fetch(ROWS_SQL, LIMIT, 0)
        total = (await conn.fetch(COUNT_SQL))[0]["n"]
    data = []
    for row in rows:
        item = dict(row)
        item["tags"] = msgspec.json.decode(item["tags"])
        data.append(item)
    body = _encoder.encode(
        {
            "success": True,
            "data": data,
            "pagination": {
                "page": 1,
                "limit": LIMIT,
                "total": total,
                "totalPages": math.ceil(total / LIMIT),
                "next_cursor": None,
            },
        }
    )
    return Response(content=body, media_type="application/json")


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    global _pool
    # The pool the app's start_db opens: same size, same server settings.
    _pool = await asyncpg.create_pool(
        os.environ["DATABASE_URL"],
        min_size=2,
        max_size=20,
        server_settings={"search_path": "public", "application_name": "bench-reference"},
    )
    try:
        yield
    finally:
        await _pool.close()


def create_app() -> Litestar:
    return Litestar(route_handlers=[ready, customers], lifespan=[lifespan], debug=False)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    # As jewelia.cli.cmd_serve runs uvicorn.
    uvicorn.run(
        "reference_app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        app_dir=os.path.dirname(os.path.abspath(__file__)),
    )


if __name__ == "__main__":
    main()
