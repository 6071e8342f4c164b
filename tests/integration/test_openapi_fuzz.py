"""schemathesis against /api/v1/openapi.json on a live server: no 5xx, responses match the schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import ROOT, STRONG_PASSWORD

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="session")
def api_schema(live_server: str) -> Any:
    """The live schema, plus an admin key for a business of its own."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "jewelia.cli",
            "tenants",
            "create",
            "--name",
            "Fuzz Gems",
            "--email",
            f"fuzz-{uuid.uuid4().hex[:8]}@example.com",
            "--password",
            STRONG_PASSWORD,
            "--plan",
            "enterprise",  # the run sends about a thousand requests
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ.copy(),
        check=True,
    )
    key = json.loads(out.stdout)["api_key"]
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json")
    schema.config.headers = {"Authorization": f"Bearer {key}"}
    # a body over the 1 MB cap is refused with 413 before it is read: a rejection too
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "413"]
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_matches_its_schema(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)
