"""Issue 10, item 18: ring sizes as jewelers write them (`US 5.75`, `5.75`, `UK R`, `R½`,
`R 1/2`, `R1/2`, `EU 52`) are read alike by imports, the API and the customer form, and the
form's own hint only shows forms that parser reads."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from tests.integration.test_pages import CSRF, signup
from tests.integration.transfer_helpers import run_import, worker_log

# As written in the file → (system, label, inner circumference in mm) as stored.
WRITTEN = {
    "US 5.75": ("US", "5.75", 51.16),
    "5.75": ("US", "5.75", 51.16),
    "UK R": ("UK", "R", 59.05),
    "R½": ("UK", "R 1/2", 59.68),
    "R 1/2": ("UK", "R 1/2", 59.68),
    "R1/2": ("UK", "R 1/2", 59.68),
    "EU 52": ("EU", "52", 52.0),
    "us 6½": ("US", "6.5", 53.08),
    "EU52": ("EU", "52", 52.0),
}
UNREADABLE = {
    "XL": "not a ring size we can read",
    "US 17": "not a US ring size",
    "UK 7": "not a UK ring size",
}


def _csv(sizes: list[str], tag: str) -> bytes:
    lines = ["Name,Email,Ring size"]
    lines += [f"Ring {n},ring{n}-{tag}@example.com,{size}" for n, size in enumerate(sizes)]
    return ("\r\n".join(lines) + "\r\n").encode()


async def _sizes(api: Any) -> dict[str, Any]:
    rows = (await api.get("/customers", params={"limit": 100})).json()["data"]
    return {row["full_name"]: row["ring_size"] for row in rows}


async def test_an_import_reads_every_written_form(api: Any, app: Any, worker: Any) -> None:
    written = list(WRITTEN)
    job = await run_import(api, app, "customers", "csv", _csv(written, "ok"))
    result = job["result"]
    assert (result["created"], result["errors"]) == (len(written), 0), (job, worker_log())
    stored = await _sizes(api)
    for n, text in enumerate(written):
        system, label, mm = WRITTEN[text]
        assert stored[f"Ring {n}"] == {"system": system, "label": label, "circumference_mm": mm}, (
            text
        )


async def test_unknown_forms_are_clear_row_errors(api: Any, app: Any, worker: Any) -> None:
    sizes = ["US 7", *UNREADABLE]
    job = await run_import(api, app, "customers", "csv", _csv(sizes, "bad"))
    assert (job["result"]["created"], job["result"]["errors"]) == (1, len(UNREADABLE)), job
    errors = (await api.get(f"/import-export/{job['id']}/errors")).json()["data"]
    by_row = {e["row"]: e["errors"] for e in errors}
    for n, (text, says) in enumerate(UNREADABLE.items(), start=3):  # row 1 is the header
        [problem] = by_row[n]
        assert problem["field"] == "ring_size.label" and problem["code"] == "INVALID_RING_SIZE"
        assert text in problem["message"] and says in problem["message"], problem
        assert "US 6.5, UK N½ or EU 52" in problem["message"]


@pytest.mark.parametrize("written", ["US 5.75", "R½", "EU 52", "6 1/2"])
async def test_the_api_reads_the_same_forms(api: Any, written: str) -> None:
    r = await api.post(
        "/customers", json={"full_name": "Api Ring", "ring_size": {"label": written}}
    )
    assert r.status_code == 201, r.text
    ring = r.json()["data"]["ring_size"]
    from jewelia.tenants.crm.rules import parse_ring_label

    system, label, _ = parse_ring_label(written)
    assert (ring["system"], ring["label"]) == (system, label)


async def test_a_system_named_twice_must_agree(api: Any) -> None:
    body = {"full_name": "Two Systems", "ring_size": {"system": "UK", "label": "US 5.75"}}
    r = await api.post("/customers", json=body)
    assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR"
    [detail] = r.json()["details"]
    assert detail["field"] == "ring_size.label" and "UK" in detail["message"]


async def test_the_form_accepts_every_example_its_hint_shows(client: Any) -> None:
    await signup(client, business="Hint Gems")
    page = await client.get("/app/customers/new")
    field = re.search(r'name="ring_label".*?<small class="hint">([^<]+)</small>', page.text, re.S)
    assert field, "no hint beside the ring size field"
    examples = [e.strip() for e in html.unescape(field.group(1)).split(",")]
    assert len(examples) >= 3, examples
    for n, example in enumerate(examples):
        page = await client.get("/app/customers/new")
        token = CSRF.search(page.text)
        assert token
        r = await client.post(
            "/app/customers/new",
            data={
                "full_name": f"Hint {n}",
                "ring_system": "US",  # the list's first choice, as the form opens
                "ring_label": example,
                "_csrf_token": token.group(1),
            },
        )
        assert r.status_code == 200 and "has-error" not in r.text, (example, r.text[-2000:])
        system = example.split()[0]
        assert f"{system} {example.split(None, 1)[1]}" in r.text, example
