"""The operator commands, run as real processes against the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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
