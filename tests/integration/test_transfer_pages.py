"""Data > Import / Export / Jobs over HTTP with the real worker: the wizard from upload to a
finished import, export with a download, CSRF on every form, other businesses' job ids, and
what read-only members may do."""

from __future__ import annotations

import asyncio
import html
import re
import time
import uuid
from typing import Any

from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.tenants.transfer import service
from jewelia.tenants.transfer.formats import files
from jewelia.tenants.transfer.importer import Options
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_pages import CSRF, form_post, signup
from tests.integration.transfer_helpers import worker_log

HTML = {"accept": "text/html"}
JOB = re.compile(r"/app/data/(?:jobs|import)/([0-9a-f-]{36})")
STATUS = re.compile(r'id="job-status" data-status="(\w+)"')
INVENTORY = (
    b"Stock#;Description;Category;Price;Qty;Ct;Cert#;Shape\r\n"
    b"R-100;Solitaire ring;Rings;1.250,00;1;1,02;2141438171;RND\r\n"
    b"R-101;Pear pendant;Pendants;980,50;2;0,75;5555;PS\r\n"
    b"R-102;Broken row;Rings;abc;1;;;EC\r\n"
)


async def _token(client: Any, page: str = "/app/data/jobs") -> str:
    got = await client.get(page)
    assert got.status_code == 200, got.text
    found = CSRF.search(got.text)
    assert found
    return found.group(1)


async def _upload(
    client: Any, content: bytes, name: str, data_type: str = "inventory", **fields: str
) -> Any:
    data = {"_csrf_token": await _token(client), "type": data_type, "format": "auto", **fields}
    return await client.post(
        "/app/data/import", data=data, files={"file": (name, content, "text/csv")}
    )


def _job_id(url: Any) -> str:
    found = JOB.search(str(url))
    assert found, url
    return found.group(1)


async def _wait(client: Any, job_id: str, seconds: float = 60) -> str:
    """Poll the status partial (as htmx does) until the job ends; the final partial's text."""
    deadline = time.monotonic() + seconds
    while True:
        r = await client.get(f"/app/data/jobs/{job_id}/status", headers={"HX-Request": "true"})
        assert r.status_code == 200, r.text
        status = STATUS.search(r.text)
        assert status, r.text
        if status.group(1) not in ("queued", "processing"):
            assert 'hx-trigger="every 1s"' not in r.text  # polling stops with the job
            return str(r.text)
        assert 'hx-trigger="every 1s"' in r.text
        if time.monotonic() > deadline:
            raise AssertionError(f"job still {status.group(1)}\n{worker_log()}")
        await asyncio.sleep(0.1)


async def _tenant_of(email: str) -> TenantRef:
    rows = await fetch(
        "SELECT t.id, t.schema_name FROM public.tenant t JOIN public.membership m"
        " ON m.tenant_id = t.id JOIN public.app_user u ON u.id = m.user_id WHERE u.email = $1",
        email,
    )
    return TenantRef(rows[0]["id"], rows[0]["schema_name"])


async def _jobs(tenant: TenantRef) -> int:
    async with tenant_scope(tenant):
        return int((await fetch("SELECT count(*) AS n FROM transfer_job"))[0]["n"])


async def test_pages_need_a_login(client: Any) -> None:
    for path in ("/app/data", "/app/data/import", "/app/data/export", "/app/data/jobs"):
        r = await client.get(path, follow_redirects=False)
        assert r.status_code in (302, 303) and r.headers["location"].startswith("/login"), path


async def test_the_wizard_uploads_previews_maps_checks_and_imports(
    client: Any, worker: Any
) -> None:
    email = await signup(client, business="Wizard Gems")
    tenant = await _tenant_of(email)
    home = await client.get("/app")
    assert 'href="/app/data"' in home.text  # the Data entry in the navigation
    start = await client.get("/app/data")
    assert str(start.url).endswith("/app/data/import")
    assert 'href="/app/data" aria-current="page"' in start.text  # highlighted on its subpages
    assert 'enctype="multipart/form-data"' in start.text
    assert "<script>" not in start.text and "style=" not in start.text  # the CSP allows neither

    # 1. upload: the format comes from the extension; the file is checked by a dry run
    r = await _upload(client, INVENTORY, "stock.csv")
    assert r.status_code == 200, r.text
    upload_id = _job_id(r.url)
    assert str(r.url).endswith(f"/app/data/import/{upload_id}")
    # 2. preview: the rows as parsed, with what was detected
    text = html.unescape(r.text)
    assert 'id="detected-encoding">utf-8<' in text
    assert "semicolon ( ; )" in text
    assert "<th>Ct</th>" in text and "<th>Cert#</th>" in text
    assert "1.250,00" in text and "2141438171" in text and "RND" in text
    # the upload's own dry run (suggested mapping) finishes and changes nothing
    await _wait(client, upload_id)
    async with tenant_scope(tenant):
        assert (await fetch("SELECT count(*) AS n FROM inventory_item"))[0]["n"] == 0

    # 3. mapping: jewelers' aliases are pre-selected
    r = await client.get(f"/app/data/import/{upload_id}/mapping")
    assert r.status_code == 200
    selects = dict(re.findall(r'name="field_(\d+)".*?<option value="(\w+)" selected', r.text, re.S))
    headers = ["Stock#", "Description", "Category", "Price", "Qty", "Ct", "Cert#", "Shape"]
    chosen = {headers[int(n)]: f for n, f in selects.items()}
    assert chosen == {
        "Stock#": "sku",
        "Description": "name",
        "Category": "category",
        "Price": "price",
        "Qty": "quantity",
        "Ct": "carat",
        "Cert#": "certificate_number",
        "Shape": "shape",
    }
    token = CSRF.search(r.text).group(1)  # type: ignore[union-attr]
    form = {f"field_{n}": chosen[h] for n, h in enumerate(headers)}
    options = {"updateExisting": "on", "validateData": "on"}

    # the same mapping and options as the upload's dry run: that dry run is shown, not redone
    before = await _jobs(tenant)
    r = await client.post(
        f"/app/data/import/{upload_id}/mapping", data={"_csrf_token": token, **form, **options}
    )
    assert str(r.url).endswith(f"/app/data/jobs/{upload_id}")
    assert await _jobs(tenant) == before

    # 4. dry run with a changed mapping (a transform): a new dry run on the same file
    r = await client.post(
        f"/app/data/import/{upload_id}/mapping",
        data={"_csrf_token": token, **form, "transform_2": "upper", **options},
    )
    assert r.status_code == 200
    dry_id = _job_id(r.url)
    assert dry_id != upload_id and "dry run" in r.text
    final = await _wait(client, dry_id)
    assert re.search(r'id="count-created">2<', final), final
    assert re.search(r'id="count-errors">1<', final)
    assert 'id="run-import"' in final and "Row 4" in final and "price" in final
    assert 'id="error-report-link"' in final
    async with tenant_scope(tenant):
        assert (await fetch("SELECT count(*) AS n FROM inventory_item"))[0]["n"] == 0

    # 5. import for real: same file, mapping and options; progress reaches 100%
    r = await client.post(f"/app/data/import/{dry_id}/run", data={"_csrf_token": token})
    assert r.status_code == 200
    real_id = _job_id(r.url)
    assert real_id not in (dry_id, upload_id)
    final = await _wait(client, real_id)
    assert 'value="100"' in final and 'id="job-progress-text">100%<' in final
    assert re.search(r'id="count-created">2<', final)
    assert "Import for real" not in final
    report = re.search(
        r'href="(/api/v1/import-export/download/[^"]+)" id="error-report-link"', final
    )
    assert report
    got = await client.get(html.unescape(report.group(1)))
    assert got.status_code == 200 and "R-102" in got.text and "price" in got.text
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT sku, category, price::text AS price, specifications::text AS spec"
            " FROM inventory_item ORDER BY sku"
        )
    assert [(r["sku"], r["category"], r["price"]) for r in rows] == [
        ("R-100", "rings", "1250.00"),
        ("R-101", "pendants", "980.50"),
    ]
    assert '"shape": "round"' in rows[0]["spec"] and '"carat": 1.02' in rows[0]["spec"]

    # the jobs table lists all three, finished (no refresh trigger left)
    r = await client.get("/app/data/jobs")
    for job_id in (upload_id, dry_id, real_id):
        assert f'id="job-{job_id}"' in r.text
    assert 'hx-trigger="every 2s"' not in r.text
    assert r.text.count('class="badge badge-dry"') == 2


async def test_mapping_errors_show_at_their_columns(client: Any, worker: Any) -> None:
    email = await signup(client, business="Mapping Gems")
    tenant = await _tenant_of(email)
    r = await _upload(client, INVENTORY, "stock.txt")
    job_id = _job_id(r.url)
    token = CSRF.search(r.text).group(1)  # type: ignore[union-attr]
    before = await _jobs(tenant)
    r = await client.post(
        f"/app/data/import/{job_id}/mapping",
        data={"_csrf_token": token, "field_0": "sku", "field_1": "sku", "field_3": "price"},
    )
    assert r.status_code == 422
    assert 'data-field="mapping.Description"' in r.text
    assert "sku is already mapped from" in html.unescape(r.text)
    r = await client.post(f"/app/data/import/{job_id}/mapping", data={"_csrf_token": token})
    assert r.status_code == 422 and "Map at least one column" in r.text
    assert await _jobs(tenant) == before
    await _wait(client, job_id)


async def test_the_format_can_be_chosen_over_the_file_name(client: Any) -> None:
    await signup(client, business="Json Gems")
    content = b'[{"Name": "Ada Lovelace", "E-mail": "ada@example.com", "Tags": ["vip"]}]'
    r = await _upload(client, content, "export.txt", data_type="customers", format="json")
    assert r.status_code == 200 and "/app/data/import/" in str(r.url)
    text = html.unescape(r.text)
    assert "<dd>JSON</dd>" in text and "<th>E-mail</th>" in text
    assert '["vip"]' in text  # a nested value shown as JSON
    r = await client.get(f"/app/data/import/{_job_id(r.url)}/mapping")
    assert re.search(r'name="field_1".*?<option value="email" selected', r.text, re.S)


async def test_upload_problems_are_explained(client: Any) -> None:
    email = await signup(client, business="Upload Gems")
    tenant = await _tenant_of(email)
    r = await _upload(client, b"", "empty.csv")
    assert "The file is empty." in r.text
    r = await _upload(client, b"a,b\n1,2\n", "notes.docx")
    assert "could not be told from the file name" in r.text
    r = await _upload(client, b"a,b\n1,2\n", "people.csv", data_type="rings")
    assert "customers, inventory or orders" in r.text
    # over the free plan's 5 MB: refused with the plan's limit named
    r = await _upload(client, b"x" * ((5 << 20) + 10), "big.csv")
    assert "larger than your plan&#39;s import limit of 5 MB" in r.text
    assert await _jobs(tenant) == 0
    assert list((files.root() / str(tenant.id) / "incoming").glob("*")) == []  # none left


async def test_every_form_needs_the_csrf_token(client: Any) -> None:
    email = await signup(client, business="Csrf Gems")
    tenant = await _tenant_of(email)
    r = await client.post(
        "/app/data/import",
        data={"type": "inventory", "format": "csv"},
        files={"file": ("a.csv", INVENTORY, "text/csv")},
        headers=HTML,
    )
    assert r.status_code == 403
    # the token after the file is too late: refused before the file is stored
    token = await _token(client)
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n{INVENTORY.decode()}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="_csrf_token"\r\n\r\n{token}\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    r = await client.post(
        "/app/data/import",
        content=body,
        headers={**HTML, "content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert r.status_code == 403
    assert await _jobs(tenant) == 0
    # htmx sends the token as a header: accepted
    r = await client.post(
        "/app/data/import",
        data={"type": "inventory", "format": "csv"},
        files={"file": ("a.csv", INVENTORY, "text/csv")},
        headers={"x-csrftoken": token},
    )
    assert r.status_code == 200 and await _jobs(tenant) == 1
    job_id = _job_id(r.url)
    for path in (
        f"/app/data/import/{job_id}/mapping",
        f"/app/data/import/{job_id}/run",
        f"/app/data/jobs/{job_id}/cancel",
        "/app/data/export",
    ):
        r = await client.post(path, data={"field_0": "sku", "type": "inventory"}, headers=HTML)
        assert r.status_code == 403, path
    assert await _jobs(tenant) == 1


async def test_another_business_job_ids_are_not_found(client: Any) -> None:
    from jewelia.platform.accounts import service as accounts

    owner, other = await accounts.signup(
        "Other Gems", "Otto", unique_email("other"), STRONG_PASSWORD
    )

    async def save(target: Any, limit: int) -> int:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(INVENTORY)
        return len(INVENTORY)

    started = await service.start_import(
        other, owner.actor, data_type="inventory", fmt="csv", save=save
    )
    theirs = str(started["jobId"])
    await signup(client, business="Nosy Gems")
    token = await _token(client)
    for path in (
        f"/app/data/import/{theirs}",
        f"/app/data/import/{theirs}/mapping",
        f"/app/data/jobs/{theirs}",
        f"/app/data/jobs/{theirs}/status",
    ):
        assert (await client.get(path, headers=HTML)).status_code == 404, path
    for path in (
        f"/app/data/import/{theirs}/mapping",
        f"/app/data/import/{theirs}/run",
        f"/app/data/jobs/{theirs}/cancel",
    ):
        r = await client.post(path, data={"_csrf_token": token, "field_0": "sku"}, headers=HTML)
        assert r.status_code == 404, path
    assert theirs not in (await client.get("/app/data/jobs")).text
    job = await service.get_job(other.ref, uuid.UUID(theirs))
    assert job["status"] in ("queued", "processing", "completed")  # not cancelled by them


async def test_export_through_the_page_and_download(client: Any, worker: Any) -> None:
    email = await signup(client, business="Export Gems")
    tenant = await _tenant_of(email)
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.crm.inventory import service as inventory

    actor = Actor("user", None, email)
    for sku, status in (("E-1", "in_stock"), ("E-2", "sold"), ("E-3", "in_stock")):
        await inventory.create_item(
            tenant,
            actor,
            {"sku": sku, "name": f"=HYPERLINK {sku}", "category": "rings", "price": "10"},
        )
        if status != "in_stock":
            await inventory.update_item(
                tenant, actor, (await _item_id(tenant, sku)), {"status": status}
            )
    r = await client.get("/app/data/export?type=inventory")
    assert r.status_code == 200
    for name in ("filter_status", "filter_category", "filter_search", "filter_min_price"):
        assert f'name="{name}"' in r.text
    assert 'value="excel"' in r.text and 'value="xml"' in r.text
    token = CSRF.search(r.text).group(1)  # type: ignore[union-attr]
    # no field, or a bad price: the form again, with its errors
    r = await client.post(
        "/app/data/export", data={"_csrf_token": token, "type": "inventory", "format": "csv"}
    )
    assert r.status_code == 422 and 'data-field="fields"' in r.text
    r = await client.post(
        "/app/data/export",
        data={
            "_csrf_token": token,
            "type": "inventory",
            "format": "csv",
            "fields": ["sku", "name"],
            "filter_min_price": "lots",
        },
    )
    assert r.status_code == 422 and 'data-field="min_price"' in r.text
    assert 'value="lots"' in r.text
    r = await client.post(
        "/app/data/export",
        data={
            "_csrf_token": token,
            "type": "inventory",
            "format": "csv",
            "fields": ["sku", "name", "status"],
            "filter_status": "in_stock",
        },
    )
    assert r.status_code == 200
    job_id = _job_id(r.url)
    final = await _wait(client, job_id)
    assert "2 rows exported as CSV" in final
    link = re.search(r'href="(/api/v1/import-export/download/[^"]+)" id="download-link"', final)
    assert link
    got = await client.get(html.unescape(link.group(1)))
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    lines = got.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "sku,name,status"
    assert sorted(lines[1:]) == [
        "E-1,'=HYPERLINK E-1,in_stock",
        "E-3,'=HYPERLINK E-3,in_stock",
    ]
    listed = await client.get("/app/data/jobs?type=export")
    assert f'id="job-{job_id}"' in listed.text and ">Download<" in listed.text


async def _item_id(tenant: TenantRef, sku: str) -> uuid.UUID:
    async with tenant_scope(tenant):
        return (await fetch("SELECT id FROM inventory_item WHERE sku = $1", sku))[0]["id"]  # type: ignore[no-any-return]


async def test_read_only_members_export_and_watch_but_do_not_import(
    client: Any, worker: Any
) -> None:
    from jewelia.platform.accounts import service as accounts

    owner, tenant = await accounts.signup(
        "Reader Gems", "Owner", unique_email("owner"), STRONG_PASSWORD
    )
    invite = await accounts.invite_member(
        owner, await accounts.membership(owner.id, tenant.id), unique_email("ro"), "read-only"
    )
    reader, _ = await accounts.register_and_accept(invite, "Reader", STRONG_PASSWORD)
    r = await form_post(client, "/login", {"email": reader.email, "password": STRONG_PASSWORD})
    assert r.status_code == 200
    r = await client.get("/app/data")
    assert str(r.url).endswith("/app/data/export")
    assert 'href="/app/data/import"' not in r.text
    assert (await client.get("/app/data/import", headers=HTML)).status_code == 403
    r = await _upload(client, INVENTORY, "stock.csv")
    assert r.status_code == 403
    token = await _token(client)
    r = await client.post(
        "/app/data/export",
        data={"_csrf_token": token, "type": "customers", "format": "json", "fields": ["email"]},
    )
    assert r.status_code == 200
    job_id = _job_id(r.url)
    final = await _wait(client, job_id)
    assert "Cancel" not in final and 'id="download-link"' in final
    r = await client.post(
        f"/app/data/jobs/{job_id}/cancel", data={"_csrf_token": token}, headers=HTML
    )
    assert r.status_code == 403
    assert (await client.get("/app/data/jobs")).status_code == 200
    assert await _jobs(tenant.ref) == 1


async def test_open_jobs_poll_and_cancel(client: Any, monkeypatch: Any) -> None:
    """Jobs kept queued (not sent to a worker; the sweeper waits a lease before re-sending)."""
    from jewelia.platform.tenancy.registry import get_tenant
    from jewelia.tenants.audit.service import Actor

    async def hold(tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
        return None

    monkeypatch.setattr(service, "_enqueue", hold)
    email = await signup(client, business="Queue Gems")
    info = await get_tenant((await _tenant_of(email)).id)
    actor = Actor("user", None, email)
    export = str(
        (await service.start_export(info, actor, data_type="customers", fmt="csv"))["jobId"]
    )
    r = await client.get("/app/data/jobs")
    assert 'hx-get="/app/data/jobs/rows?type=&amp;limit=20&amp;page=1"' in r.text
    assert 'hx-trigger="every 2s"' in r.text
    rows = await client.get(
        "/app/data/jobs/rows?type=&limit=20&page=1", headers={"HX-Request": "true"}
    )
    assert rows.text.lstrip().startswith("<tbody") and f'id="job-{export}"' in rows.text
    page = await client.get(f"/app/data/jobs/{export}")
    assert 'hx-trigger="every 1s"' in page.text and 'value="0"' in page.text
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    r = await client.post(
        f"/app/data/jobs/{export}/cancel",
        data={"confirm": "yes"},
        headers={"HX-Request": "true", "x-csrftoken": token},
    )
    assert r.status_code in (200, 201)
    assert 'data-status="cancelled"' in r.text and 'hx-trigger="every 1s"' not in r.text
    r = await client.get("/app/data/jobs")
    assert 'hx-trigger="every 2s"' not in r.text
    r = await client.post(
        f"/app/data/jobs/{export}/cancel", data={"_csrf_token": token, "back": "jobs"}
    )
    assert "already cancelled" in r.text

    # a dry run that has not finished cannot be imported for real
    async def save(target: Any, limit: int) -> int:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(INVENTORY)
        return len(INVENTORY)

    dry = await service.start_import(
        info, actor, data_type="inventory", fmt="csv", save=save, options=Options(dry_run=True)
    )
    r = await client.post(f"/app/data/import/{dry['jobId']}/run", data={"_csrf_token": token})
    assert "Only a finished dry run can be imported" in r.text
    assert await _jobs(info.ref) == 2
