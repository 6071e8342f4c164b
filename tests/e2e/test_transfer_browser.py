"""Data > Import and Export in a real browser with a real worker: upload a CSV through the
wizard, see it parsed, map its columns (jewelers' aliases pre-selected), dry run, import for
real while the progress bar climbs to 100%, then export inventory to CSV and download it."""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accounts_browser import sign_up

pytestmark = pytest.mark.e2e
ROWS = 900  # under the free plan's 1,000 rows; two batches, so the bar moves


def _shots(page: Any, name: str) -> None:
    """Desktop and phone-width captures (kept with the other artifacts, copied to /tmp)."""
    for width, suffix in ((1280, ""), (390, "-390")):
        page.set_viewport_size({"width": width, "height": 860})
        path = ARTIFACTS / f"{name}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        shutil.copy(path, f"/tmp/{name}{suffix}.png")
    page.set_viewport_size({"width": 1280, "height": 800})


def _shot(page: Any, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _stock_file() -> bytes:
    """A jeweler's stock list: semicolons, comma decimals, Ct/Cert#/shape codes, a bad row."""
    lines = ["Stock#;Description;Category;Price;Qty;Ct;Cert#;Shape"]
    lines.append("R-100;Solitaire ring, platinum;Rings;4.250,00;1;1,02;2141438171;RND")
    lines.append("P-200;Pear drop pendant;Pendants;980,50;2;0,75;5512094411;PS")
    lines.append("R-300;Emerald-cut ring;Rings;call us;1;1,50;;EC")
    shapes = ("RND", "OV", "PS", "EC")
    for n in range(ROWS - 3):
        carat = f"0,{30 + n % 60}"
        lines.append(
            f"S-{n:04d};Stud pair {n};Earrings;{150 + n},00;{1 + n % 4};{carat};;{shapes[n % 4]}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_import_wizard_and_export_download(page: Any, live_server: str, worker: Any) -> None:
    base = live_server
    sign_up(page, base, "Wizard Jewels", "Wanda Wise", f"data-{uuid.uuid4().hex[:8]}@example.com")
    page.click("nav.sidenav >> text=Data")
    page.wait_for_url(f"{base}/app/data/import")
    assert page.locator(".steps [aria-current=step]").inner_text().strip().endswith("Upload")

    # 1. upload
    page.select_option("select[name=type]", "inventory")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "stock-list.csv", "mimeType": "text/csv", "buffer": _stock_file()}],
    )
    _shots(page, "data-1-upload")
    page.click("button:has-text('Upload and preview')")
    page.wait_for_url(re.compile(r".*/app/data/import/[0-9a-f-]{36}$"))

    # 2. preview: the rows as parsed, and what was detected
    assert page.inner_text("#detected-encoding") == "utf-8"
    assert "semicolon" in page.inner_text("#detected-delimiter")
    table = page.locator("#preview-table")
    assert table.locator("th").all_inner_texts()[:4] == ["Row", "Stock#", "Description", "Category"]
    assert table.locator("tbody tr").count() == 10
    assert "Solitaire ring, platinum" in table.inner_text()
    _shots(page, "data-2-preview")
    page.click("text=Next: map columns")
    page.wait_for_url(re.compile(r".*/mapping$"))

    # 3. mapping: the suggestions from the jewelers' column names
    def field_for(column: str) -> str:
        row = page.locator(f"#mapping-table tr[data-column='{column}']")
        return str(row.locator("select[name^=field_]").input_value())

    assert field_for("Stock#") == "sku"
    assert field_for("Ct") == "carat"
    assert field_for("Cert#") == "certificate_number"
    assert field_for("Shape") == "shape"
    assert field_for("Qty") == "quantity"
    page.locator(
        "#mapping-table tr[data-column='Description'] select[name^=transform_]"
    ).select_option("trim")
    _shots(page, "data-3-mapping")
    page.click("button:has-text('Next: dry run')")
    page.wait_for_url(re.compile(r".*/app/data/jobs/[0-9a-f-]{36}$"))

    # 4. dry run: counts and the refused row, nothing written
    page.locator("#job-status[data-status=completed]").wait_for(timeout=60000)
    assert page.inner_text("#count-created") == str(ROWS - 1)
    assert page.inner_text("#count-errors") == "1"
    assert "Row 4" in page.inner_text("#row-errors") and "price" in page.inner_text("#row-errors")
    _shots(page, "data-4-dry-run")
    page.goto(f"{base}/app/inventory")
    assert "0 items" in page.inner_text(".content")
    page.go_back()

    # 5. import for real: the bar is polled (every second) until it reaches 100%
    page.locator("#run-import").click()
    page.wait_for_url(re.compile(r".*/app/data/jobs/[0-9a-f-]{36}$"))
    seen: list[int] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        value = int(page.locator("#job-progress").get_attribute("value") or 0)
        if not seen and value < 100:
            shutil.copy(_shot(page, "data-5-progress"), "/tmp/data-5-progress.png")
        if not seen or seen[-1] != value:
            seen.append(value)
        if value == 100:
            break
        page.wait_for_timeout(100)
    assert seen[-1] == 100, seen
    assert seen[0] < 100 and seen == sorted(seen), seen  # watched it climb, never back
    page.locator("#job-status[data-status=completed]").wait_for()
    assert page.inner_text("#job-progress-text") == "100%"
    assert page.inner_text("#count-created") == str(ROWS - 1)
    assert page.inner_text("#count-errors") == "1"
    assert page.locator("#error-report-link").count() == 1
    assert page.locator("#run-import").count() == 0
    _shots(page, "data-5-imported")

    # the jobs table: the upload's dry run, the mapped dry run, the import
    page.click(".tabs >> text=Jobs")
    page.wait_for_url(f"{base}/app/data/jobs")
    rows = page.locator("#job-rows tr")
    assert rows.count() == 3
    assert page.locator("#job-rows .badge-dry").count() == 2
    _shots(page, "data-jobs")

    # export inventory to CSV, a few fields, and download it
    page.click(".tabs >> text=Export")
    page.wait_for_url(re.compile(r".*/app/data/export"))
    page.click("#content nav.tabs >> text=Inventory")
    form = page.locator("#export-form")
    for name in ("category", "quantity", "status", "specifications"):
        form.locator(f"input[name=fields][value={name}]").uncheck()
    form.locator("input[name=filter_search]").fill("solitaire")
    form.locator("select[name=format]").select_option("csv")
    _shots(page, "data-6-export")
    form.locator("button:has-text('Start export')").click()
    page.wait_for_url(re.compile(r".*/app/data/jobs/[0-9a-f-]{36}$"))
    page.locator("#download-link").wait_for(timeout=60000)
    _shots(page, "data-7-exported")
    with page.expect_download() as info:
        page.click("#download-link")
    download = info.value
    assert download.suggested_filename.startswith("inventory-")
    assert download.suggested_filename.endswith(".csv")
    content = Path(download.path()).read_bytes().decode("utf-8-sig")
    exported = list(csv.reader(io.StringIO(content)))
    assert exported[0] == ["sku", "name", "price"]
    assert sorted(r[0] for r in exported[1:]) == ["R-100"]
    assert exported[1][1:] == ["Solitaire ring, platinum", "4250.00"]


def test_a_file_over_the_plan_limit_is_refused_with_a_clear_message(
    page: Any, live_server: str
) -> None:
    base = live_server
    sign_up(page, base, "Big Files", "Bea Big", f"big-{uuid.uuid4().hex[:8]}@example.com")
    page.goto(f"{base}/app/data/import")
    big = b"name,email\r\n" + b"x" * (6 << 20)  # over the free plan's 5 MB
    page.set_input_files(
        "input[name=file]", files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": big}]
    )
    page.click("button:has-text('Upload and preview')")
    page.wait_for_url(f"{base}/app/data/import")
    assert "import limit of 5 MB" in page.inner_text(".flash-error")
    assert page.locator("#job-rows tr td.muted").inner_text().startswith("No import jobs")
