"""Flow files: a real run's file step writes an Excel file once (row and step commit together),
downloadable by its signed link; CSV and JSON too; files uploaded to a flow (CSV, JSON, XLSX;
capped; checked) are read by a file step; list and delete; tampered, foreign and import/export
links are refused; another business cannot see a flow's files."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import openpyxl

from jewelia.core.db import fetch, tenant_scope
from jewelia.platform.apikeys.service import PERMISSIONS, create_key
from jewelia.tenants.builder import files
from jewelia.tenants.transfer.formats import files as signing
from tests.integration.test_api_security import client_for
from tests.integration.test_builder_runs_api import BASE, finished, make_flow

ROWS = "trigger.items.{'sku': sku, 'name': name, 'price': price}"


def _path_of(url: str) -> str:
    return url.split("/api/v1", 1)[1]


async def test_a_run_writes_an_excel_file_once(api: Any, app: Any, worker: Any) -> None:
    flow_id = await make_flow(
        api,
        [
            {
                "id": "report",
                "type": "file",
                "config": {
                    "operation": "write",
                    "format": "xlsx",
                    "name": "sales-{{ trigger.day }}.xlsx",
                    "rows": ROWS,
                },
            }
        ],
    )
    items = [
        {"sku": "R-1", "name": "Ruby ring", "price": 120.5},
        {"sku": "N-2", "name": '=HYPERLINK("x")', "price": 80},
    ]
    run = await api.post(
        f"{BASE}/{flow_id}/run", json={"payload": {"day": "2026-12-01", "items": items}}
    )
    done = await finished(api, run.json()["data"]["run_id"])
    assert done["status"] == "succeeded", done
    output = done["steps"][0]["output"]
    assert output["name"] == "sales-2026-12-01.xlsx" and output["format"] == "xlsx"
    assert output["rows"] == 2 and output["bytes"] > 0

    async with tenant_scope(api.tenant.ref):
        rows = await fetch(
            "SELECT id, kind, rows, size, run_id FROM flow_file WHERE flow_id = $1",
            uuid.UUID(flow_id),
        )
    assert len(rows) == 1 and str(rows[0]["id"]) == output["fileId"]
    assert rows[0]["kind"] == "output" and rows[0]["size"] == output["bytes"]

    # the signed link needs no key
    async with client_for(app, None) as anon:
        got = await anon.get(_path_of(output["downloadUrl"]))
    assert got.status_code == 200, got.text
    assert "attachment" in got.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(got.content)).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["sku", "name", "price"]
    assert values[1] == ["R-1", "Ruby ring", 120.5]
    assert values[2][1] == '\'=HYPERLINK("x")'  # never a formula

    listed = await api.get(f"{BASE}/{flow_id}/files", params={"kind": "output"})
    assert [f["id"] for f in listed.json()["data"]] == [output["fileId"]]


async def test_csv_and_json_writes_through_a_tested_step(api: Any, app: Any) -> None:
    steps = [
        {
            "id": f"w_{fmt}",
            "type": "file",
            "config": {"operation": "write", "format": fmt, "name": f"out.{fmt}", "rows": ROWS},
        }
        for fmt in ("csv", "json")
    ]
    flow_id = await make_flow(api, steps, active=False)
    pinned = {"trigger": {"items": [{"sku": "E-1", "name": "Émeraude, ring", "price": 10}]}}
    async with client_for(app, None) as anon:
        for fmt in ("csv", "json"):
            tested = await api.post(f"{BASE}/{flow_id}/steps/w_{fmt}/test", json={"input": pinned})
            assert tested.status_code == 200, tested.text
            out = tested.json()["data"]["output"]
            body = (await anon.get(_path_of(out["downloadUrl"]))).content
            if fmt == "csv":
                assert body.decode("utf-8-sig").splitlines() == [
                    "sku,name,price",
                    'E-1,"Émeraude, ring",10',
                ]
            else:
                assert json.loads(body) == [{"sku": "E-1", "name": "Émeraude, ring", "price": 10}]

    simulated = await api.post(
        f"{BASE}/{flow_id}/steps/w_csv/test", json={"input": pinned, "simulate": True}
    )
    would = simulated.json()["data"]["output"]["wouldWrite"]
    assert would == {
        "name": "out.csv",
        "format": "csv",
        "rows": 1,
        "columns": ["sku", "name", "price"],
        "preview": [{"sku": "E-1", "name": "Émeraude, ring", "price": 10}],
    }
    listed = await api.get(f"{BASE}/{flow_id}/files")
    assert listed.json()["pagination"]["total"] == 2  # the simulated write wrote nothing

    # An expired file: its link and the listing refuse it; the flow's next write removes it.
    old = listed.json()["data"][-1]
    async with tenant_scope(api.tenant.ref):
        await fetch(
            "UPDATE flow_file SET expires_at = now() - interval '1 second' WHERE id = $1",
            uuid.UUID(old["id"]),
        )
    async with client_for(app, None) as anon:
        assert (await anon.get(_path_of(old["downloadUrl"]))).status_code == 404
    listed = await api.get(f"{BASE}/{flow_id}/files")
    assert old["id"] not in [f["id"] for f in listed.json()["data"]]
    await api.post(f"{BASE}/{flow_id}/steps/w_json/test", json={"input": pinned})
    async with tenant_scope(api.tenant.ref):
        left = await fetch("SELECT id FROM flow_file WHERE id = $1", uuid.UUID(old["id"]))
    assert left == [] and not files.file_path(api.tenant.id, uuid.UUID(old["id"])).exists()


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_uploaded_files_are_read_by_a_file_step(api: Any, app: Any) -> None:
    flow_id = await make_flow(
        api,
        [
            {
                "id": "read",
                "type": "file",
                "config": {"operation": "read", "format": "xlsx", "name": "{{ trigger.file }}"},
            },
            {
                "id": "read_csv",
                "type": "file",
                "config": {"operation": "read", "format": "csv", "name": "prices.csv"},
            },
        ],
        active=False,
    )
    book = _xlsx([["sku", "price"], ["R-1", 100], ["R-2", 200]])
    up = await api.post(
        f"{BASE}/{flow_id}/files",
        files={"file": ("Stock.xlsx", book, "application/octet-stream")},
    )
    assert up.status_code == 201, up.text
    stored = up.json()["data"]
    assert stored["kind"] == "upload" and stored["format"] == "xlsx" and stored["rows"] == 2
    csv_up = await api.post(
        f"{BASE}/{flow_id}/files", files={"file": ("prices.csv", b"sku;price\nA;1\nB;2\n")}
    )
    assert csv_up.status_code == 201, csv_up.text

    tested = await api.post(
        f"{BASE}/{flow_id}/steps/read/test", json={"input": {"trigger": {"file": "stock.XLSX"}}}
    )
    out = tested.json()["data"]["output"]
    assert out["rows"] == [{"sku": "R-1", "price": 100}, {"sku": "R-2", "price": 200}]
    assert out["count"] == 2 and out["truncated"] is False
    dry = await api.post(f"{BASE}/{flow_id}/dry-run", json={"payload": {"file": "Stock.xlsx"}})
    steps = dry.json()["data"]["steps"]
    assert steps[1]["output"]["rows"] == [{"sku": "A", "price": "1"}, {"sku": "B", "price": "2"}]

    # the same name replaces the file
    again = await api.post(
        f"{BASE}/{flow_id}/files", files={"file": ("stock.xlsx", _xlsx([["sku"], ["Z"]]))}
    )
    assert again.status_code == 201 and again.json()["data"]["id"] == stored["id"]
    listed = await api.get(f"{BASE}/{flow_id}/files", params={"kind": "upload"})
    assert listed.json()["pagination"]["total"] == 2

    # refusals: not readable, unknown format, too large, no file
    broken = await api.post(f"{BASE}/{flow_id}/files", files={"file": ("x.json", b"{oops")})
    assert broken.status_code == 422 and broken.json()["details"][0]["field"] == "file"
    wrong = await api.post(f"{BASE}/{flow_id}/files", files={"file": ("x.exe", b"MZ")})
    assert wrong.status_code == 422 and wrong.json()["details"][0]["field"] == "format"
    fake = await api.post(f"{BASE}/{flow_id}/files", files={"file": ("x.xlsx", b"PK nope")})
    assert fake.status_code == 422
    big = b"a,b\n" + b"1,2\n" * (files.UPLOAD_MAX_BYTES // 4 + 10)
    huge = await api.post(f"{BASE}/{flow_id}/files", files={"file": ("big.csv", big)})
    assert huge.status_code == 413, huge.text
    empty = await api.post(f"{BASE}/{flow_id}/files", data={"name": "x.csv"})
    assert empty.status_code in (400, 422), empty.text

    missing = await api.post(
        f"{BASE}/{flow_id}/steps/read/test", json={"input": {"trigger": {"file": "nope.xlsx"}}}
    )
    assert missing.json()["data"]["error"]["type"] == "not_found"

    gone = await api.delete(f"{BASE}/{flow_id}/files/{stored['id']}")
    assert gone.status_code == 200 and gone.json()["data"] == {"id": stored["id"], "deleted": True}
    assert (await api.delete(f"{BASE}/{flow_id}/files/{stored['id']}")).status_code == 404
    assert not files.file_path(api.tenant.id, uuid.UUID(stored["id"])).exists()

    # links: tampered, an import/export grant, and a flow file link on the import/export route
    async with client_for(app, None) as anon:
        link = _path_of(csv_up.json()["data"]["downloadUrl"])
        assert (await anon.get(link)).status_code == 200
        assert (await anon.get(link[:-2] + "xx")).status_code == 401
        foreign = signing.sign(api.tenant.id, uuid.UUID(csv_up.json()["data"]["id"]), "result")
        assert (await anon.get(f"{BASE}/files/download/{foreign}")).status_code == 401
        token = link.rsplit("/", 1)[1]
        assert (await anon.get(f"/import-export/download/{token}")).status_code == 404

    # another business
    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email

    _, other = await accounts.signup("Other Files", "Olga", unique_email("f"), STRONG_PASSWORD)
    key = await create_key(other.id, "other", list(PERMISSIONS))
    async with client_for(app, key.secret) as stranger:
        assert (await stranger.get(f"{BASE}/{flow_id}/files")).status_code == 404
        up = await stranger.post(f"{BASE}/{flow_id}/files", files={"file": ("a.csv", b"a\n1\n")})
        assert up.status_code == 404
        gone = await stranger.delete(f"{BASE}/{flow_id}/files/{csv_up.json()['data']['id']}")
        assert gone.status_code == 404
