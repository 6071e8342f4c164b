"""The Python SDK as a user gets it: the wheel is built, installed into a fresh virtualenv (its
dependencies from the package index), type-checked as a user's code would be, and a story runs
against the live server, directly and through the flaky proxy; the server's state and the
proxy's log are checked here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from jewelia.core.db import fetch, tenant_scope
from jewelia.platform.tenancy.registry import get_tenant
from jewelia.tenants.audit.service import Actor
from jewelia.tenants.crm.customers.service import create_customers

ROOT = Path(__file__).resolve().parents[2]
SDK = ROOT / "sdks" / "python"
STORY = Path(__file__).with_name("python_story.py")


def _run(args: list[Any], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs
    )
    assert done.returncode == 0, f"{args}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def installed_sdk(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The SDK's wheel and a new virtualenv with it installed: built once per module."""
    tmp = tmp_path_factory.mktemp("python-sdk")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", SDK])
    wheels = list((tmp / "dist").glob("jewelia_api_client-*.whl"))
    assert len(wheels) == 1, wheels
    _run([sys.executable, "-m", "venv", tmp / "venv"])
    python = tmp / "venv" / "bin" / "python"
    _run([python, "-m", "pip", "install", "-q", wheels[0]])
    story = tmp / "story.py"  # away from the repository, so only the installed package imports
    shutil.copy(STORY, story)
    return {"wheel": wheels[0], "python": python, "story": story, "tmp": tmp}


def test_wheel_holds_the_package_and_declares_its_dependencies(
    installed_sdk: dict[str, Path],
) -> None:
    with zipfile.ZipFile(installed_sdk["wheel"]) as wheel:
        names = wheel.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = wheel.read(metadata).decode()
    assert "jewelia_api_client/py.typed" in names
    assert "jewelia_api_client/_generated/models/customer.py" in names
    assert "jewelia_api_client/_resources.py" in names
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests")]
    assert "Name: jewelia-api-client" in meta
    assert "Version: 1.0.0" in meta
    assert "Requires-Python: >=3.11" in meta
    assert "License-Expression: MIT" in meta and "License-File: LICENSE" in meta
    assert "Author: Jewelia" in meta
    assert "Project-URL: Documentation, https://jewelia-crm.com/developers" in meta
    assert "Project-URL: Repository, https://github.com/jewelia-crm/python-sdk" in meta
    licence = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
    with zipfile.ZipFile(installed_sdk["wheel"]) as wheel:
        assert wheel.read(licence) == (SDK / "LICENSE").read_bytes()
    assert (SDK / "LICENSE").read_text().startswith("MIT License")
    requires = sorted(
        line.split(": ", 1)[1] for line in meta.splitlines() if line.startswith("Requires-Dist")
    )
    assert requires == ["attrs>=22.2", "httpx<1,>=0.27"]


def test_story_type_checks_against_the_installed_package(installed_sdk: dict[str, Path]) -> None:
    """The typed signatures, seen from a user's code: mypy over the story with the new venv."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--python-executable",
            installed_sdk["python"],
            "--no-incremental",
            "--disallow-untyped-defs",
            "--warn-unused-ignores",
            installed_sdk["story"],
        ],
        capture_output=True,
        text=True,
        cwd=installed_sdk["tmp"],
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr


async def _seed_customers(tenant_id: str, count: int) -> None:
    tenant = await get_tenant(uuid.UUID(tenant_id))
    people = [
        {"full_name": f"Seed Person {n:03d}", "email": f"seed{n:03d}@example.com"}
        for n in range(count)
    ]
    await create_customers(tenant.ref, Actor.system("sdk test seed"), people)


async def _count(tenant_id: str, sql: str, *args: Any) -> int:
    tenant = await get_tenant(uuid.UUID(tenant_id))
    async with tenant_scope(tenant.ref):
        rows = await fetch(sql, *args)
    return int(rows[0]["n"])


def _requests(log: list[dict[str, Any]], scenario: str, method: str, path: str) -> list[dict]:
    return [
        e
        for e in log
        if e["scenario"] == scenario and e["method"] == method and e["path"].split("?")[0] == path
    ]


def _header(entry: dict[str, Any], name: str) -> str | None:
    return next((v for k, v in entry["headers"].items() if k.lower() == name), None)


async def test_story_against_the_live_server(
    installed_sdk: dict[str, Path],
    sdk_target: dict[str, Any],
    webhook_delivery: dict[str, Any],
    tmp_path: Path,
) -> None:
    tenant_id = sdk_target["tenant_id"]
    await _seed_customers(tenant_id, 250)
    body_file, headers_file = tmp_path / "body.bin", tmp_path / "headers.json"
    body_file.write_bytes(webhook_delivery["body"])
    headers_file.write_text(json.dumps(webhook_delivery["headers"]))
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "JEWELIA_BASE_URL": sdk_target["base_url"],
        "JEWELIA_API_KEY": sdk_target["api_key"],
        "JEWELIA_FLAKY_URL": sdk_target["flaky_base_url"],
        "JEWELIA_WEBHOOK_BODY_FILE": str(body_file),
        "JEWELIA_WEBHOOK_HEADERS_FILE": str(headers_file),
        "JEWELIA_WEBHOOK_SECRET": webhook_delivery["secret"],
    }
    done = _run([installed_sdk["python"], installed_sdk["story"]], env=env, cwd=tmp_path)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["installed_at"].startswith(str(installed_sdk["tmp"] / "venv"))

    everyone = result["iterate_250"]
    assert everyone == {
        "count": 250,
        "unique": 250,
        "pages": 3,
        "first_page_len": 100,
        "first_has_more": True,
        "cursor_given": True,
        "total": 250,
    }

    contract = result["contract"]
    assert contract["list_is_page"] and contract["found_john"]
    assert contract["found"] == ["John Doe"]
    assert (contract["page"], contract["limit"]) == (1, 20)
    assert contract["jane"]["full_name"] == "Jane Smith"
    assert contract["jane"]["email"] == "jane@example.com"

    crud = result["customers"]
    assert crud["same"] and crud["gone"]
    assert crud["phone"] == "+15550102030"
    assert crud["company"] == "Ruby & Co"
    assert crud["deleted"]["deleted"] is True

    inventory = result["inventory"]
    assert inventory["sku"] == "SDK-RING-1" and inventory["price"] == 2750
    assert inventory["listed"] == ["SDK-RING-1"] and inventory["spare_gone"]

    orders = result["orders"]
    assert orders["lines"] == 1 and orders["status"] == "confirmed"
    assert orders["listed"] == [orders["order_id"]]
    assert orders["conflict"]["class"] == "ConflictError"
    assert orders["conflict"]["status"] == 409

    assert result["round_trips"] == dict.fromkeys(
        ("customer", "item", "order", "customer_page", "api_keys"), True
    )

    files = result["flow_files"]  # multipart upload through the SDK, replaced by name
    assert files["first_name"] == "rings.csv" and files["replaced_rows"] == 2
    assert files["listed"] == ["rings.csv"]
    assert files["dry"]["status"] == "succeeded", files["dry"]
    assert files["dry"]["steps"][0]["output"]["rows"] == [
        {"sku": "R-1", "qty": "2"},
        {"sku": "R-2", "qty": "5"},
    ]

    errors = result["errors"]
    assert errors["not_found"]["class"] == "NotFoundError"
    assert errors["not_found"]["status"] == 404 and errors["not_found"]["code"] == "NOT_FOUND"
    assert errors["not_found"]["request_id"]
    validation = errors["validation"]
    assert validation["class"] == "ValidationError" and validation["status"] == 422
    assert validation["code"] == "VALIDATION_ERROR" and validation["request_id"]
    assert "email" in [d["field"] for d in validation["details"]]
    assert errors["authentication"]["class"] == "AuthenticationError"
    assert errors["authentication"]["status"] == 401
    assert errors["connection"] == {"class": "APIConnectionError", "status": None}

    async with httpx.AsyncClient() as http:
        log = (await http.get(sdk_target["proxy_log_url"])).json()
    limited = result["rate_limit"]
    assert limited["retried_ok"] == 1
    assert limited["no_retry_error"]["class"] == "RateLimitError"
    assert limited["no_retry_error"]["retry_after"] == 1.0
    assert limited["no_retry_error"]["code"] == "RATE_LIMIT_EXCEEDED"
    for path in ("/api/v1/customers", "/api/v1/orders"):  # sync, then async
        tries = _requests(log, "ratelimit-once", "GET", path)
        assert [t["status"] for t in tries] == [429, 200], path
        assert tries[1]["time"] - tries[0]["time"] >= 1.0  # Retry-After: 1 was honoured
    assert [t["status"] for t in _requests(log, "ratelimit-once", "GET", "/api/v1/inventory")] == [
        429
    ]  # max_retries=0: no retry

    posts = _requests(log, "drop-once", "POST", "/api/v1/customers")
    assert [(p["status"], p["upstream_status"]) for p in posts] == [(503, 201), (201, 201)]
    keys = {_header(p, "idempotency-key") for p in posts}
    assert len(keys) == 1 and uuid.UUID(keys.pop() or "")  # one SDK-made key on both tries
    assert result["idempotency"]["email"] == "idem@example.com"
    assert (
        await _count(
            tenant_id, "SELECT count(*) AS n FROM customer WHERE email = $1", "idem@example.com"
        )
        == 1
    )

    hooks = result["webhooks"]
    assert hooks["verified"] and hooks["legacy_verified"]
    assert hooks["event"] == hooks["legacy_event"] == "customer.created"
    assert hooks["tampered_changed"]
    for case in ("tampered_body", "wrong_secret", "legacy_tampered_allowed", "partial"):
        assert hooks[case].startswith("refused"), (case, hooks[case])
    # Without the timestamped headers a delivery is refused unless allow_legacy=True, and a
    # stale timestamp is refused either way (allow_legacy never skips the webhook-* check).
    no_timestamp = "refused: no webhook-timestamp: pass allow_legacy=True only for receivers"
    assert hooks["no_signature"].startswith(no_timestamp)
    assert hooks["legacy_default"].startswith(no_timestamp)
    assert hooks["legacy_default"].endswith("it cannot stop replays")
    assert hooks["stale"].startswith("refused: Timestamp is more than 300 s old")
    assert hooks["stale_allowed"] == hooks["stale"]

    # Retries: 503 before the server (fail-once) retried for GET and a keyed POST, not for PATCH
    # nor an unkeyed POST; a 429 retried for an unkeyed POST too.
    table = result["retry_table"]
    assert table["get"] == 1 and table["keyed_post"] == "sha256="
    assert table["patch"]["class"] == "APIError" and table["patch"]["status"] == 503
    assert table["unkeyed_post"]["class"] == "APIError" and table["unkeyed_post"]["status"] == 503
    assert table["unkeyed_post_429"] == "sha256="
    attempts = {
        (scenario, method, path): [
            (t["status"], _header(t, "idempotency-key"))
            for t in _requests(log, scenario, method, path)
        ]
        for scenario, method, path in [
            ("fail-once", "GET", "/api/v1/customers"),
            ("fail-once", "PATCH", f"/api/v1/customers/{contract['jane']['id']}"),
            ("fail-once", "POST", "/api/v1/inventory"),
            ("fail-once", "POST", "/api/v1/webhooks/test/signature"),
            ("ratelimit-once", "POST", "/api/v1/webhooks/test/signature"),
        ]
    }
    assert [s for s, _ in attempts["fail-once", "GET", "/api/v1/customers"]] == [503, 200]
    assert [
        s for s, _ in attempts["fail-once", "PATCH", f"/api/v1/customers/{contract['jane']['id']}"]
    ] == [503]
    assert attempts["fail-once", "POST", "/api/v1/inventory"] == [(503, None)]
    keyed = attempts["fail-once", "POST", "/api/v1/webhooks/test/signature"]
    assert [s for s, _ in keyed] == [503, 200] and keyed[0][1] and keyed[0][1] == keyed[1][1]
    unkeyed = attempts["ratelimit-once", "POST", "/api/v1/webhooks/test/signature"]
    assert unkeyed == [(429, None), (200, None)]

    # An import over 1 MiB: accepted with the automatic Idempotency-Key and with none.
    big = result["big_import"]
    assert big["body_bytes"] > 1 << 20
    imports = _requests(log, "ok", "POST", "/api/v1/import-export")
    assert [t["status"] for t in imports] == [202, 202]
    assert uuid.UUID(_header(imports[0], "idempotency-key") or "")
    assert _header(imports[1], "idempotency-key") is None
    for job in (big["keyed_job"], big["unkeyed_job"]):
        assert (
            await _count(
                tenant_id,
                "SELECT count(*) AS n FROM transfer_job WHERE id = $1 AND file_size > $2",
                uuid.UUID(job),
                1 << 20,
            )
            == 1
        )

    # Incoming webhooks: signed by the SDK, sent with no API key to the bare origin.
    inbound = result["inbound"]
    assert inbound["keyless_list"] == "JeweliaError: api_key is required (or set JEWELIA_API_KEY)"
    assert inbound["first"]["duplicate"] is False and inbound["first"]["status"] == "received"
    assert inbound["again"] == {"duplicate": True, "id": inbound["first"]["id"]}
    assert inbound["with_timestamp"] == {"duplicate": False}
    assert inbound["wrong_secret"]["class"] == "AuthenticationError"
    receives = _requests(log, "ok", "POST", f"/api/v1/webhooks/{inbound['source_id']}")
    assert [t["status"] for t in receives] == [202, 200, 202, 401]
    for entry in receives:
        assert _header(entry, "authorization") is None
        assert (_header(entry, "x-webhook-signature") or "").startswith("sha256=")
    assert [bool(_header(t, "webhook-timestamp")) for t in receives] == [True, True, False, True]
    assert (
        await _count(
            tenant_id,
            "SELECT count(*) AS n FROM inbound_event WHERE source_id = $1",
            uuid.UUID(inbound["source_id"]),
        )
        == 2
    )
    assert result["bare_origin"] == 2

    asynchronous = result["async"]
    assert asynchronous["same"] and asynchronous["notes"] == "async note"
    # 250 seeded + John, Jane, Idem Potent and the async customer itself
    assert asynchronous["iterated"] == asynchronous["unique"] == 254
    assert asynchronous["deleted"]["deleted"] is True
    assert asynchronous["not_found"]["class"] == "NotFoundError"
    assert asynchronous["rate_limited_then_ok"]

    # The server agrees: 250 + John + Jane + Idem Potent; the order and the item as changed.
    assert await _count(tenant_id, "SELECT count(*) AS n FROM customer") == 253
    assert (
        await _count(
            tenant_id,
            "SELECT count(*) AS n FROM sales_order WHERE id = $1 AND status = 'confirmed'",
            uuid.UUID(orders["order_id"]),
        )
        == 1
    )
