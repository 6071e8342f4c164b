"""Helpers for the import/export tests: start jobs over the API, wait, download."""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

FINAL = ("completed", "failed", "cancelled")


async def start_import(api: Any, data_type: str, fmt: str, content: bytes, **extra: Any) -> str:
    body = {"type": data_type, "format": fmt, "data": base64.b64encode(content).decode(), **extra}
    r = await api.post("/import-export?action=import", json=body)
    assert r.status_code == 202, r.text
    assert r.json()["data"]["status"] == "queued"
    return str(r.json()["data"]["jobId"])


async def start_export(api: Any, data_type: str, fmt: str, **extra: Any) -> str:
    r = await api.post(
        "/import-export?action=export", json={"type": data_type, "format": fmt, **extra}
    )
    assert r.status_code == 202, r.text
    return str(r.json()["data"]["jobId"])


async def wait_job(api: Any, job_id: str, seconds: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        r = await api.get(f"/import-export?jobId={job_id}")
        assert r.status_code == 200, r.text
        job = r.json()["data"]
        if job["status"] in FINAL:
            return job  # type: ignore[no-any-return]
        if time.monotonic() > deadline:
            raise AssertionError(f"job still {job['status']}: {job}")
        await asyncio.sleep(0.1)


def worker_log() -> str:
    """The end of the shared worker's log (for failure messages)."""
    import os
    from pathlib import Path

    path = Path(os.environ["JEWELIA_DATA_DIR"]) / "worker.log"
    return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def download_path(url: str) -> str:
    return "/api/v1/" + url.split("/api/v1/", 1)[1]


async def download(app: Any, url: str) -> httpx.Response:
    """GET a signed link with no credentials at all."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50002))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        return await c.get(download_path(url))


async def run_import(
    api: Any, app: Any, data_type: str, fmt: str, content: bytes, **extra: Any
) -> dict[str, Any]:
    job = await wait_job(api, await start_import(api, data_type, fmt, content, **extra))
    assert job["status"] == "completed", (job, worker_log())
    return job


async def run_export(
    api: Any, app: Any, data_type: str, fmt: str, **extra: Any
) -> tuple[dict[str, Any], bytes]:
    job = await wait_job(api, await start_export(api, data_type, fmt, **extra))
    assert job["status"] == "completed", job
    r = await download(app, job["result"]["downloadUrl"])
    assert r.status_code == 200, r.text
    return job, r.content


@asynccontextmanager
async def tenant_api(app: Any, permissions: list[str] | None = None) -> AsyncIterator[Any]:
    """An API client for a fresh business (like the `api` fixture), with chosen permissions."""
    from jewelia.platform.accounts import service as accounts
    from jewelia.platform.apikeys.service import PERMISSIONS, create_key
    from tests.conftest import STRONG_PASSWORD, unique_email

    _user, tenant = await accounts.signup(
        f"Transfer {uuid.uuid4().hex[:6]}", "Tess Transfer", unique_email("tr"), STRONG_PASSWORD
    )
    key = await create_key(tenant.id, "test key", permissions or list(PERMISSIONS))
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50003))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver.local/api/v1",
        headers={"Authorization": f"Bearer {key.secret}"},
    ) as c:
        c.tenant = tenant  # type: ignore[attr-defined]
        yield c
