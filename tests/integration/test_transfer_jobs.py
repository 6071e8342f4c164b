"""Import/export jobs over the API with a real worker: messy files, error reports, options,
cancel, limits, malicious input, signed downloads, tenancy, permissions and webhook events."""

from __future__ import annotations

import base64
import csv
import io
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import jsonschema_rs
import openpyxl

from jewelia.core.db import fetch, tenant_scope
from jewelia.tenants.transfer.formats import files
from jewelia.tenants.webhooks import catalog
from tests.integration.transfer_helpers import (
    download,
    run_export,
    run_import,
    start_import,
    tenant_api,
    wait_job,
)

MESSY = (
    "\ufeffName;E-mail;Phone;Birthday;Ring size;Tags\r\n"
    "Ada Lovelace;ada@example.com;+44 20 7946 0000;1985-12-10;7;vip|collector\r\n"
    "\r\n"
    "Bob Brown;bob@example.com;;;;\r\n"
    "Bad Email;bob@@example;;;;\r\n"
    "Bob Again;BOB@example.com;;;;\r\n"
    ";noname@example.com;;;;\r\n"
    "Carol Chen;carol@example.com;12345;;;\r\n"
    "  \r\n"
    "Dan Diaz;dan@example.com;;31/12/1990;;\r\n"
    "Eve Evans;eve@example.com;+1 555 0199;;N;\r\n"
).encode()


async def _count(tenant: Any, sql: str) -> int:
    async with tenant_scope(tenant.ref):
        return int((await fetch(sql))[0]["n"])


async def test_a_messy_csv_imports_the_good_rows_and_reports_exactly_the_bad(
    api: Any, app: Any, worker: Any
) -> None:
    job = await run_import(api, app, "customers", "csv", MESSY)
    result = job["result"]
    assert (result["created"], result["errors"], result["imported"]) == (3, 5, 3), job
    assert job["totalRows"] == job["processedRows"] == 8
    r = await api.get(f"/import-export/{job['id']}/errors")
    errors = {e["row"]: {(x["field"], x["code"]) for x in e["errors"]} for e in r.json()["data"]}
    assert errors == {
        5: {("email", "INVALID_EMAIL")},
        6: {("email", "DUPLICATE_EMAIL")},
        7: {("full_name", "REQUIRED")},
        8: {("phone", "INVALID_PHONE")},
        10: {("birthday", "INVALID_DATE")},
    }
    ada = (await api.get("/customers?search=ada")).json()["data"][0]
    assert ada["phone"] == "+442079460000" and ada["tags"] == ["collector", "vip"]
    assert ada["ring_size"]["system"] == "US" and ada["ring_size"]["label"] == "7"
    eve = (await api.get("/customers?search=eve")).json()["data"][0]
    assert eve["ring_size"]["system"] == "UK"

    # The error report: the refused rows as given, plus an error column.
    report = await download(app, result["errorReportUrl"])
    assert report.status_code == 200
    assert "attachment" in report.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert [r["Name"] for r in rows] == ["Bad Email", "Bob Again", "", "Carol Chen", "Dan Diaz"]
    assert rows[0]["error"].startswith("row 5: email:")
    assert "row 6 " not in rows[0]["error"] and "row 4 of this file" in rows[1]["error"]

    # Fixed in the report and imported again: the rest arrives; the report's error column is
    # ignored.
    fixes = {
        "Bad Email": ("E-mail", "bad@example.com"),
        "Bob Again": ("E-mail", "bob2@example.com"),
        "": ("Name", "No Name"),
        "Carol Chen": ("Phone", "+1 555 0123"),
        "Dan Diaz": ("Birthday", "1990-12-31"),
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        column, value = fixes[row["Name"]]
        writer.writerow({**row, column: value})
    again = await run_import(api, app, "customers", "csv", out.getvalue().encode())
    assert (again["result"]["created"], again["result"]["errors"]) == (5, 0), again

    # The original file once more: nothing changes, the same rows are refused.
    rerun = await run_import(api, app, "customers", "csv", MESSY)
    counts = {k: rerun["result"][k] for k in ("created", "updated", "unchanged", "errors")}
    assert counts == {"created": 0, "updated": 0, "unchanged": 3, "errors": 5}
    assert await _count(api.tenant, "SELECT count(*) AS n FROM customer") == 8


async def test_inventory_with_jewelers_columns_and_comma_decimals(
    api: Any, app: Any, worker: Any
) -> None:
    text = (
        "Stock #;Description;Type;Retail Price;Qty;Ct;Shape;Cert#;Lab;Karat;Metal\n"
        "R-1;Solitaire;Rings;1.234,50;2;1,05;RND;GIA-123;GIA;18K;White Gold\n"
        "R-2;Pear halo;Rings;990;1;0,7;PS;;;14k;Yellow Gold\n"
        "R-3;Bad price;Rings;abc;1;;;;;;\n"
    ).encode("cp1252")
    job = await run_import(api, app, "inventory", "csv", text)
    assert (job["result"]["created"], job["result"]["errors"]) == (2, 1), job
    items = {i["sku"]: i for i in (await api.get("/inventory")).json()["data"]}
    assert items["R-1"]["price"] == 1234.5
    assert items["R-1"]["specifications"] == {
        "metal": "White Gold",
        "purity": "18k",
        "carat": 1.05,
        "shape": "round",
        "certificate": {"lab": "GIA", "number": "GIA-123"},
    }
    assert items["R-2"]["specifications"]["shape"] == "pear"


async def test_dry_run_writes_nothing_then_runs_for_real(api: Any, app: Any, worker: Any) -> None:
    job = await run_import(api, app, "customers", "csv", MESSY, options={"dryRun": True})
    assert (job["result"]["created"], job["result"]["errors"]) == (3, 5)
    assert job["message"].startswith("Checked")
    assert await _count(api.tenant, "SELECT count(*) AS n FROM customer") == 0
    assert await _count(api.tenant, "SELECT count(*) AS n FROM event_outbox") == 0
    preview = (await api.get(f"/import-export/{job['id']}/preview?rows=2")).json()["data"]
    assert preview["delimiter"] == ";" and preview["encoding"] == "utf-8-sig"
    assert preview["suggestedMapping"]["E-mail"] == "email"
    assert [r["row"] for r in preview["rows"]] == [2, 4]
    r = await api.post(f"/import-export/{job['id']}/run", json={"options": {"dryRun": False}})
    assert r.status_code == 202, r.text
    real = await wait_job(api, r.json()["data"]["jobId"])
    assert real["result"]["created"] == 3
    assert await _count(api.tenant, "SELECT count(*) AS n FROM customer") == 3


async def test_options_update_existing_and_skip_duplicates(api: Any, app: Any, worker: Any) -> None:
    await run_import(api, app, "customers", "csv", b"name,email\nAnn,ann@example.com\n")
    data = (
        b"name,email\nAnn Changed,ann@example.com\nBen,ben@example.com\nBen Two,ben@example.com\n"
    )
    job = await run_import(
        api,
        app,
        "customers",
        "csv",
        data,
        options={"updateExisting": False, "skipDuplicates": True},
    )
    got = {k: job["result"][k] for k in ("created", "updated", "skipped", "errors")}
    assert got == {"created": 1, "updated": 0, "skipped": 2, "errors": 0}
    names = sorted(c["full_name"] for c in (await api.get("/customers")).json()["data"])
    assert names == ["Ann", "Ben"]
    job = await run_import(api, app, "customers", "csv", data)
    got = {k: job["result"][k] for k in ("created", "updated", "skipped", "errors")}
    assert got == {"created": 0, "updated": 1, "skipped": 0, "errors": 1}


async def test_validate_data_off_drops_bad_optional_fields(api: Any, app: Any, worker: Any) -> None:
    data = b"name,email,phone\nAnn,ann@example.com,12\n"
    job = await run_import(api, app, "customers", "csv", data, options={"validateData": False})
    assert job["result"]["created"] == 1
    assert (await api.get("/customers")).json()["data"][0]["phone"] is None


async def test_mapping_with_transforms(api: Any, app: Any, worker: Any) -> None:
    data = b"Client,Mail,Born,Labels\n  ann smith ,ANN@EXAMPLE.COM,03.04.1990,a/b\n"
    mapping = {
        "Client": {"field": "full_name", "transforms": ["trim", "upper"]},
        "Mail": "email",
        "Born": {"field": "birthday", "transforms": ["date:%d.%m.%Y"]},
        "Labels": {"field": "tags", "transforms": ["split:/"]},
    }
    job = await run_import(api, app, "customers", "csv", data, mapping=mapping)
    assert job["result"]["created"] == 1, job
    c = (await api.get("/customers")).json()["data"][0]
    assert (c["full_name"], c["email"], c["birthday"], c["tags"]) == (
        "ANN SMITH",
        "ann@example.com",
        "1990-04-03",
        ["a", "b"],
    )
    r = await api.post(
        "/import-export?action=import",
        json={"type": "customers", "format": "csv", "data": "YQ==", "mapping": {"a": "colour"}},
    )
    assert r.status_code == 422 and r.json()["details"][0]["code"] == "UNKNOWN_FIELD"
    r = await api.post(
        "/import-export?action=import",
        json={
            "type": "customers",
            "format": "csv",
            "data": "YQ==",
            "mapping": {"a": {"field": "email", "transforms": ["reverse"]}},
        },
    )
    assert r.status_code == 422 and r.json()["details"][0]["code"] == "INVALID_TRANSFORM"


async def test_multipart_upload(api: Any, app: Any, worker: Any) -> None:
    r = await api.post(
        "/import-export?action=import",
        data={
            "type": "customers",
            "format": "csv",
            "options": json.dumps({"skipDuplicates": True}),
        },
        files={"file": ("clients.csv", b"Full Name,Email\nZoe,zoe@example.com\n", "text/csv")},
    )
    assert r.status_code == 202, r.text
    job = await wait_job(api, r.json()["data"]["jobId"])
    assert job["result"]["created"] == 1 and job["fileName"] == "clients.csv"
    assert job["options"]["skipDuplicates"] is True
    r = await api.post(
        "/import-export?action=import",
        data={"type": "customers", "format": "csv"},
        files={"other": ("x.csv", b"a", "text/csv")},
    )
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "file"


async def test_bad_requests_are_validation_errors(api: Any) -> None:
    cases = [
        ("import", {"type": "clients", "format": "csv", "data": "YQ=="}, 400),
        ("import", {"type": "customers", "format": "csv", "data": "not base64!"}, 422),
        ("import", {"type": "customers", "format": "csv", "data": "YQ==", "extra": 1}, 400),
        ("export", {"type": "inventory", "format": "pdf"}, 400),
        ("export", {"type": "inventory", "format": "csv", "filters": {"colour": "red"}}, 422),
        ("export", {"type": "inventory", "format": "csv", "filters": {"status": "lost"}}, 422),
        ("export", {"type": "inventory", "format": "csv", "fields": ["sku", "colour"]}, 422),
    ]
    for action, body, status in cases:
        r = await api.post(f"/import-export?action={action}", json=body)
        assert r.status_code == status, (body, r.text)
        assert r.json()["code"] == "VALIDATION_ERROR"
    r = await api.post("/import-export?action=import", content=b"{nope")
    assert r.status_code == 400
    r = await api.post("/import-export?action=launch", json={})
    assert r.status_code == 400
    r = await api.post("/import-export?action=cancel")
    assert r.status_code == 422


async def test_oversize_uploads_are_refused_without_reading_them(api: Any) -> None:
    sent = 0

    async def body(total: int) -> AsyncIterator[bytes]:
        nonlocal sent
        chunk = b"a," * (32 << 10)
        while sent < total:
            sent += len(chunk)
            yield chunk

    # Declared 1 GB, or 100 MB (over the free plan's 5 MB): refused before a byte is read.
    for declared, message in ((1 << 30, "at most 300 MB"), (100 << 20, "limit of 5 MB")):
        sent = 0
        r = await api.post(
            "/import-export?action=import",
            content=body(declared),
            headers={"content-length": str(declared), "content-type": "application/json"},
        )
        assert r.status_code == 413 and r.json()["code"] == "PAYLOAD_TOO_LARGE"
        assert message in r.json()["error"], r.json()
        assert sent <= 1 << 20
    # Not declared (chunked): refused once past the plan's limit (free: 5 MB).
    for content_type in ("application/json", "multipart/form-data; boundary=xyz"):
        sent = 0
        r = await api.post(
            "/import-export?action=import",
            content=body(1 << 30),
            headers={"content-type": content_type},
        )
        assert r.status_code == 413, r.text
        assert sent < 8 << 20
    # Other routes keep the 1 MiB cap.
    r = await api.post(
        "/customers", content=b"x" * (2 << 20), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413


async def test_paid_plans_upload_past_ten_megabytes(api: Any) -> None:
    """Enterprise may send 200 MB: a 12 MB multipart CSV is taken (Litestar's 10 MB default
    body limit does not apply to this route)."""
    from jewelia.core.db import execute

    await execute("UPDATE public.tenant SET plan = 'enterprise' WHERE id = $1", api.tenant.id)
    rows = b"".join(b"Name %d,name%d@example.com\n" % (n, n) for n in range(400_000))
    data = b"Full Name,Email\n" + rows
    assert len(data) > 12 << 20
    r = await api.post(
        "/import-export?action=import",
        data={"type": "customers", "format": "csv", "options": '{"dryRun": true}'},
        files={"file": ("big.csv", data, "text/csv")},
    )
    assert r.status_code == 202, r.text[:500]


async def test_malicious_xml_fails_the_job_clearly(api: Any, app: Any, worker: Any) -> None:
    from tests.unit.test_transfer_formats import XML_BOMB, XXE

    for data in (XML_BOMB, XXE):
        job = await wait_job(api, await start_import(api, "customers", "xml", data))
        assert job["status"] == "failed" and "DTD" in job["message"], job
    assert await _count(api.tenant, "SELECT count(*) AS n FROM customer") == 0


async def test_formula_cells_are_neutralised_on_export(api: Any, app: Any, worker: Any) -> None:
    for name in ('=HYPERLINK("http://evil")', "@SUM(A1)", "-2+3"):
        assert (await api.post("/customers", json={"full_name": name})).status_code == 201
    _, content = await run_export(api, app, "customers", "csv", fields=["full_name"])
    cells = {row[0] for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))}
    assert cells == {"full_name", "'-2+3", "'@SUM(A1)", '\'=HYPERLINK("http://evil")'}
    _, content = await run_export(api, app, "customers", "excel", fields=["full_name"])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == [
        "'-2+3",
        '\'=HYPERLINK("http://evil")',
        "'@SUM(A1)",
    ]


async def test_export_options_filters_fields_metadata_zip(api: Any, app: Any, worker: Any) -> None:
    for sku, status in (("A-1", "in_stock"), ("A-2", "sold"), ("A-3", "in_stock")):
        body = {
            "sku": sku,
            "name": sku,
            "category": "rings",
            "price": 10,
            "quantity": 1,
            "status": status,
        }
        assert (await api.post("/inventory", json=body)).status_code == 201
    job, content = await run_export(
        api,
        app,
        "inventory",
        "json",
        filters={"status": "in_stock"},
        fields=["sku", "price"],
        options={"includeMetadata": True, "compress": True},
    )
    assert job["result"]["exported"] == 2
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == ["inventory.json"]
        doc = json.loads(archive.read("inventory.json"))
    assert doc["metadata"]["type"] == "inventory"
    assert sorted(r["sku"] for r in doc["data"]) == ["A-1", "A-3"]
    assert set(doc["data"][0]) == {"sku", "price", "id", "created_at", "updated_at"}
    _, content = await run_export(api, app, "inventory", "excel", options={"includeMetadata": True})
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Data", "Metadata"]


async def test_cancel(api: Any, app: Any, worker: Any) -> None:
    rows = "".join(f"Customer {n},c{n}@example.com\n" for n in range(3000))
    job_id = await start_import(api, "customers", "csv", ("name,email\n" + rows).encode())
    r = await api.post(f"/import-export/{job_id}/cancel")
    assert r.status_code == 200, r.text
    job = await wait_job(api, job_id)
    assert job["status"] == "cancelled", job
    made = await _count(api.tenant, "SELECT count(*) AS n FROM customer")
    assert made == job["result"]["created"] < 3000  # whole batches only
    assert made % 500 == 0
    r = await api.post(f"/import-export/{job_id}/cancel")
    assert r.status_code == 409
    r = await api.post(f"/import-export?action=cancel&jobId={job_id}")
    assert r.status_code == 409


async def test_jobs_list_and_tenancy(api: Any, app: Any, worker: Any) -> None:
    job = await run_import(api, app, "customers", "csv", b"name\nAnn\n,\nx,\n")
    exported, _ = await run_export(api, app, "customers", "csv")
    listed = (await api.get("/import-export?limit=10")).json()
    assert [j["id"] for j in listed["data"]] == [exported["id"], job["id"]]
    assert listed["pagination"]["total"] == 2
    only = (await api.get("/import-export?type=export")).json()["data"]
    assert [j["id"] for j in only] == [exported["id"]]
    async with tenant_api(app) as other:
        assert (await other.get(f"/import-export?jobId={job['id']}")).status_code == 404
        assert (await other.post(f"/import-export/{job['id']}/cancel")).status_code == 404
        assert (await other.get(f"/import-export/{job['id']}/errors")).status_code == 404
        assert (await other.get("/import-export")).json()["pagination"]["total"] == 0
        # A genuinely signed link naming the other business and this job finds nothing.
        token = files.sign(other.tenant.id, uuid.UUID(exported["id"]), "result")
        r = await download(app, f"http://x/api/v1/import-export/download/{token}")
        assert r.status_code == 404


async def test_download_links_refuse_tampering_and_expiry(api: Any, app: Any, worker: Any) -> None:
    job, content = await run_export(api, app, "customers", "csv")
    url = job["result"]["downloadUrl"]
    token = url.rsplit("/", 1)[1]
    body, mac = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=="))
    forged = (
        base64.urlsafe_b64encode(json.dumps({**payload, "e": payload["e"] + 86400}).encode())
        .decode()
        .rstrip("=")
    )
    expired = files.sign(api.tenant.id, uuid.UUID(job["id"]), "result", int(time.time()) - 1)
    for bad in (f"{forged}.{mac}", f"{body}.{mac[:-2]}AA", "garbage", expired):
        r = await download(app, f"http://x/api/v1/import-export/download/{bad}")
        assert r.status_code == 401 and r.json()["code"] == "AUTHENTICATION_ERROR", r.text
    r = await download(app, f"http://x/api/v1/import-export/download/{expired}")
    assert "expired" in r.json()["error"]
    r = await download(app, url)
    assert r.status_code == 200 and r.content == content
    assert r.headers["content-type"].startswith("text/csv")


async def test_permissions(app: Any, worker: Any) -> None:
    async with tenant_api(app, permissions=["read"]) as reader:
        r = await reader.post(
            "/import-export?action=import",
            json={"type": "customers", "format": "csv", "data": "YQ=="},
        )
        assert r.status_code == 403 and r.json()["code"] == "AUTHORIZATION_ERROR"
        r = await reader.post(
            "/import-export?action=export", json={"type": "customers", "format": "csv"}
        )
        assert r.status_code == 202
        job_id = r.json()["data"]["jobId"]
        r = await reader.post(f"/import-export/{job_id}/cancel")
        assert r.status_code == 403
        assert (await wait_job(reader, job_id))["status"] == "completed"


async def test_webhook_events_and_audit(api: Any, app: Any, worker: Any) -> None:
    imported = await run_import(
        api, app, "customers", "csv", b"name,email\nAnn,ann@example.com\nB,bad\n"
    )
    exported, _ = await run_export(api, app, "customers", "xml")
    async with tenant_scope(api.tenant.ref):
        events = await fetch(
            "SELECT event_type, payload FROM event_outbox"
            " WHERE event_type IN ('import.completed', 'export.completed') ORDER BY created_at"
        )
        audit = await fetch(
            "SELECT action FROM audit_log WHERE entity IN ('transfer_job', 'customer') ORDER BY created_at"
        )
    assert [e["event_type"] for e in events] == ["import.completed", "export.completed"]
    for e in events:
        payload = json.loads(e["payload"])
        schema = catalog.CATALOG[e["event_type"]].payload_schema()
        assert jsonschema_rs.Draft202012Validator(schema, validate_formats=True).is_valid(payload)
    first = json.loads(events[0]["payload"])["data"]
    assert first["job_id"] == imported["id"]
    assert first["result"]["imported"] == 1 and first["result"]["errors"] == 1
    assert first["result"]["downloadUrl"]
    second = json.loads(events[1]["payload"])["data"]
    assert second["job_id"] == exported["id"] and second["format"] == "xml"
    assert second["result"]["downloadUrl"].startswith("http")
    assert [a["action"] for a in audit] == [
        "import.started",
        "customer.created",
        "import.completed",
        "export.started",
        "export.completed",
    ]


async def test_files_are_removed_after_retention(api: Any, app: Any, worker: Any) -> None:
    from jewelia.tenants.transfer.runner import sweep

    job, _ = await run_export(api, app, "customers", "csv")
    directory = files.job_dir(api.tenant.id, uuid.UUID(job["id"]))
    assert directory.exists()
    async with tenant_scope(api.tenant.ref):
        await fetch(
            "UPDATE transfer_job SET files_expire_at = now() - interval '1 second' WHERE id = $1",
            uuid.UUID(job["id"]),
        )
        await fetch(
            "UPDATE public.transfer_due SET due_at = now() WHERE tenant_id = $1", api.tenant.id
        )
    await sweep()
    assert not directory.exists()
    after = (await api.get(f"/import-export?jobId={job['id']}")).json()["data"]
    assert after["result"]["downloadUrl"] is None
    r = await download(app, job["result"]["downloadUrl"])
    assert r.status_code == 404


async def test_a_bulk_insert_conflict_reruns_the_batch_row_by_row(
    api: Any, app: Any, monkeypatch: Any
) -> None:
    """An email taken between the batch's lookup and its insert (here: the lookup is made to
    miss it) fails the bulk insert; the batch runs again row by row and only that row fails."""
    from jewelia.tenants.crm.customers import service as customers
    from jewelia.tenants.transfer import runner, service

    assert (
        await api.post("/customers", json={"full_name": "Taken", "email": "t@example.com"})
    ).status_code == 201

    async def nothing(*args: Any) -> None:
        return None

    async def blind(tenant: Any, emails: list[str]) -> dict[str, Any]:
        return {}

    monkeypatch.setattr(service, "_enqueue", nothing)
    monkeypatch.setattr(customers, "rows_by_email", blind)
    data = b"name,email\nA,a@example.com\nT,t@example.com\nB,b@example.com\n"

    async def save(target: Any, limit: int) -> int:
        return files.save_bytes(data, target, limit)

    started = await service.start_import(
        api.tenant, _system(), data_type="customers", fmt="csv", save=save
    )
    await runner.run_job(api.tenant.id, started["jobId"])
    job = await service.get_job(api.tenant.ref, started["jobId"])
    assert (job["result"]["created"], job["result"]["errors"]) == (2, 1), job
    errors, _ = await service.row_errors(api.tenant.ref, started["jobId"], _page())
    assert errors[0]["row"] == 3 and errors[0]["errors"][0]["code"] == "DUPLICATE_EMAIL"
    assert await _count(api.tenant, "SELECT count(*) AS n FROM customer") == 3


def _system() -> Any:
    from jewelia.tenants.audit.service import Actor

    return Actor.system("test")


def _page() -> Any:
    from jewelia.core.api import Page

    return Page(page=1, limit=20)


async def test_a_job_cancelled_while_its_worker_is_gone_is_closed_by_the_sweeper(
    api: Any, monkeypatch: Any
) -> None:
    from jewelia.tenants.transfer import runner, service

    async def nothing(*args: Any) -> None:
        return None

    monkeypatch.setattr(service, "_enqueue", nothing)

    async def save(target: Any, limit: int) -> int:
        return files.save_bytes(b"name\nAnn\n", target, limit)

    started = await service.start_import(
        api.tenant, _system(), data_type="customers", fmt="csv", save=save
    )
    job_id = started["jobId"]
    assert await runner.claim(api.tenant.ref, job_id, uuid.uuid4())  # then the worker dies
    r = await api.post(f"/import-export/{job_id}/cancel")
    assert r.json()["data"]["status"] == "processing"  # asked; the holder would stop it
    async with tenant_scope(api.tenant.ref):
        await fetch(
            "UPDATE transfer_job SET leased_until = now() - interval '1 second' WHERE id = $1",
            job_id,
        )
        await fetch(
            "UPDATE public.transfer_due SET due_at = now() WHERE tenant_id = $1", api.tenant.id
        )
    assert (api.tenant.id, job_id) not in await runner.sweep()
    job = await service.get_job(api.tenant.ref, job_id)
    assert job["status"] == "cancelled" and job["message"].startswith("Cancelled after 0 rows")


async def test_orders_import_reserves_stock_row_by_row(api: Any, app: Any, worker: Any) -> None:
    for sku, qty in (("ONE", 1), ("FIVE", 5)):
        body = {"sku": sku, "name": sku, "category": "rings", "price": 100, "quantity": qty}
        assert (await api.post("/inventory", json=body)).status_code == 201
    assert (
        await api.post("/customers", json={"full_name": "Ann", "email": "ann@example.com"})
    ).status_code == 201
    data = (
        b"id,customer_email,status,payment_status,items\n"
        b"o-1,ann@example.com,confirmed,paid,ONE x1\n"
        b"o-2,ann@example.com,pending,pending,ONE x1\n"  # no stock left
        b"o-3,ann@example.com,pending,pending,FIVE x2; ONE x1\n"  # FIVE must come back
        b"o-4,nobody@example.com,pending,pending,FIVE x1\n"
        b"o-5,ann@example.com,pending,pending,NOPE x1\n"
        b"o-6,ann@example.com,completed,paid,FIVE x1 @ 80.00\n"
    )
    job = await run_import(api, app, "orders", "csv", data)
    assert (job["result"]["created"], job["result"]["errors"]) == (2, 4), job
    errors = (await api.get(f"/import-export/{job['id']}/errors")).json()["data"]
    codes = {e["row"]: e["errors"][0]["code"] for e in errors}
    assert codes == {
        3: "INSUFFICIENT_STOCK",
        4: "INSUFFICIENT_STOCK",
        5: "NOT_FOUND",
        6: "NOT_FOUND",
    }
    stock = {i["sku"]: i["quantity"] for i in (await api.get("/inventory")).json()["data"]}
    assert stock == {"ONE": 0, "FIVE": 4}
    orders = (await api.get("/orders")).json()["data"]
    assert sorted((o["status"], o["payment_status"], str(o["total_amount"])) for o in orders) == [
        ("completed", "paid", "80.0"),
        ("confirmed", "paid", "100.0"),
    ]
    # The same file with o-1 moved on: one update, no new orders.
    again = await run_import(
        api,
        app,
        "orders",
        "csv",
        data.replace(b"o-1,ann@example.com,confirmed", b"o-1,ann@example.com,ready"),
    )
    assert (
        again["result"]["created"],
        again["result"]["updated"],
        again["result"]["unchanged"],
    ) == (0, 1, 1)
    assert len((await api.get("/orders")).json()["data"]) == 2


async def test_the_sweeper_resends_a_job_whose_message_was_lost(api: Any, monkeypatch: Any) -> None:
    from jewelia.tenants.transfer import runner, service

    async def nothing(*args: Any) -> None:
        return None

    monkeypatch.setattr(service, "_enqueue", nothing)  # as if Redis was down

    async def save(target: Any, limit: int) -> int:
        return files.save_bytes(b"name\nAnn\n", target, limit)

    started = await service.start_import(
        api.tenant, _system(), data_type="customers", fmt="csv", save=save
    )
    job_id = started["jobId"]
    assert (api.tenant.id, job_id) not in await runner.sweep()  # not due yet
    async with tenant_scope(api.tenant.ref):
        await fetch(
            "UPDATE transfer_job SET enqueued_at = now() - interval '1 hour' WHERE id = $1", job_id
        )
        await fetch(
            "UPDATE public.transfer_due SET due_at = now() WHERE tenant_id = $1", api.tenant.id
        )
    await runner.sweep()  # ours, or the shared worker's sweeper may get there first
    async with tenant_scope(api.tenant.ref):
        rows = await fetch(
            "SELECT now() - enqueued_at < interval '1 minute' AS resent FROM transfer_job"
            " WHERE id = $1",
            job_id,
        )
    assert rows[0]["resent"]
    assert (api.tenant.id, job_id) not in await runner.sweep()  # sent once per lease period
