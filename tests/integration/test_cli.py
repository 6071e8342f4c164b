"""The operator commands, run as real processes against the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import ROOT, STRONG_PASSWORD, unique_email


def jewelia(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jewelia.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ.copy(),
        timeout=120,
    )


def test_tenants_create_json_list_suspend(db: None, live_server: str) -> None:
    email = unique_email("cli")
    out = jewelia(
        "tenants",
        "create",
        "--name",
        "Cli Gems",
        "--email",
        email,
        "--password",
        STRONG_PASSWORD,
        "--plan",
        "enterprise",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"tenant_id", "slug", "api_key"}
    assert data["api_key"].startswith("jw_live_")
    listing = json.loads(jewelia("tenants", "list", "--json").stdout)
    mine = next(t for t in listing if t["tenant_id"] == data["tenant_id"])
    assert mine["plan"] == "enterprise" and mine["status"] == "active"
    again = jewelia(
        "tenants",
        "create",
        "--name",
        "Dup",
        "--email",
        email,
        "--password",
        STRONG_PASSWORD,
        "--json",
    )
    assert again.returncode == 2 and "already exists" in again.stderr
    assert jewelia("tenants", "suspend", data["slug"]).returncode == 0
    listing = json.loads(jewelia("tenants", "list", "--json").stdout)
    assert next(t for t in listing if t["slug"] == data["slug"])["status"] == "suspended"
    assert jewelia("tenants", "activate", data["slug"]).returncode == 0
    migrate = jewelia("migrate")
    assert migrate.returncode == 0 and "Nothing to migrate" in migrate.stdout
    assert httpx.get(f"{live_server}/ready").status_code == 200


def test_tenants_delete_exports_first(db: None, live_server: str) -> None:
    out = jewelia(
        "tenants",
        "create",
        "--name",
        "Closing Gems",
        "--email",
        unique_email("close"),
        "--password",
        STRONG_PASSWORD,
        "--json",
    )
    data = json.loads(out.stdout)
    headers = {"Authorization": f"Bearer {data['api_key']}"}
    r = httpx.post(
        f"{live_server}/api/v1/customers",
        json={"full_name": "Last Customer", "email": "last@example.com"},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    deleted = jewelia("tenants", "delete", data["slug"])
    assert deleted.returncode == 0, deleted.stderr
    paths = [
        line.split(" ", 1)[1]
        for line in deleted.stdout.splitlines()
        if line.startswith("exported ")
    ]
    assert [p.rsplit("/", 1)[1] for p in paths] == [
        "customers.json",
        "inventory.json",
        "orders.json",
    ]
    customers = json.loads(Path(paths[0]).read_text())
    assert "Last Customer" in json.dumps(customers)
    assert httpx.get(f"{live_server}/api/v1/customers", headers=headers).status_code == 401
