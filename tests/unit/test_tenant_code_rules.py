"""Tenant code stays inside the tenant scope's transaction (Zulip-style lint rule)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "jewelia"
FORBIDDEN = re.compile(r"\.batch\(|run_sync|\bnode\s*=|\.run_sync\(")
TENANT_CODE = [ROOT / "tenants", ROOT / "web", ROOT / "workers"]


def test_tenant_packages_never_bypass_the_current_transaction() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for folder in TENANT_CODE
        for path in folder.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert offenders == []


def test_schema_names_are_never_built_from_user_text() -> None:
    """Every f-string that names a schema in SQL goes through check_schema_name or a constant."""
    for path in ROOT.rglob("*.py"):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r'f".*(DROP|CREATE) SCHEMA', line):
                assert "check_schema_name" in line or "TEMPLATE_SCHEMA" in line, f"{path}:{n}"


def test_only_billing_talks_to_stripe() -> None:
    importers = {
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if re.search(r"^\s*(import stripe|from stripe)", path.read_text(), re.M)
    }
    assert importers == {"platform/billing/stripe_gateway.py"}
