"""Benchmark: import 100,000 customers from CSV; export 100,000 inventory items to Excel and CSV.

    .venv/bin/python bench/import_export.py                    # ~2-3 minutes
    .venv/bin/python bench/import_export.py --rows 20000       # smaller, for a quick look

Targets (issue 6): the import in under 30 s with peak memory under 300 MB; each export in
under 20 s with peak memory under 300 MB.

A throw-away installation (embedded PostgreSQL and Redis, all migrations) and one tenant on the
Enterprise plan (its import size limit). Each job runs in a fresh real worker,
`jewelia worker --processes 1 --threads 1`, started for that job alone, so the worker process's
peak resident memory (`VmHWM` in /proc) belongs to that job; the idle worker's RSS is printed
beside it. Time is from queuing the job (the file already stored, as after an upload) to the
job's status reading `completed`, polled every 100 ms.

The CSV is generated: full name, email, phone (`+1 NNN 555 NNNN`, parsed and stored as E.164),
company for a third, tags, a birthday for half; every row valid, so all 100,000 are created
through the customers service's own validation. Inventory is inserted with SQL (SKU, name,
category, price, quantity, status, specifications with metal, purity and a stone) and exported
with every field.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

IMPORT_TARGET_S = 30.0
EXPORT_TARGET_S = 20.0
MEMORY_TARGET_MB = 300.0
FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Mia", "Lucas"]
LAST = ["Smith", "Garcia", "Martin", "Chen", "Kowalski", "Okafor", "Rossi", "Dubois", "Ito"]


def write_customers_csv(path: Path, rows: int) -> None:
    rnd = random.Random(42)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Full Name", "Email", "Phone", "Company", "Tags", "Birthday"])
        for n in range(rows):
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
            out.writerow(
                [
                    f"{first} {last}",
                    f"{first.lower()}.{last.lower()}{n}@example.com",
                    f"+1 {rnd.randint(201, 989)} 555 {rnd.randint(0, 9999):04d}",
                    f"{last} Atelier" if n % 3 == 0 else "",
                    "vip" if n % 10 == 0 else "",
                    f"19{rnd.randint(50, 99)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
                    if n % 2
                    else "",
                ]
            )


SEED_INVENTORY = """
INSERT INTO inventory_item (id, sku, name, category, price, quantity, status, specifications)
SELECT gen_random_uuid(), 'SKU-' || lpad(g::text, 7, '0'),
       (ARRAY['Solitaire ring', 'Tennis bracelet', 'Pendant', 'Hoop earrings'])[1 + g % 4]
         || ' ' || g,
       (ARRAY['rings', 'bracelets', 'necklaces', 'earrings'])[1 + g % 4],
       round((100 + random() * 9900)::numeric, 2), g % 5,
       (ARRAY['in_stock', 'reserved', 'on_memo', 'consignment'])[1 + g % 4],
       jsonb_build_object('metal', 'gold', 'purity', '18k', 'metal_weight_g', 3.2,
                          'stones', jsonb_build_array(jsonb_build_object(
                              'type', 'diamond', 'carat', 0.5, 'color', 'G', 'clarity', 'VS1')))
FROM generate_series(1, $1) AS g
"""


def _rss_mb(pid: int, key: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _worker_children(pgid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split() if int(p) != pgid]


class Worker:
    """A fresh `jewelia worker` for one job, and its children's memory."""

    def __enter__(self) -> Worker:
        self.proc = subprocess.Popen(
            [str(common.JEWELIA_BIN), "worker", "--processes", "1", "--threads", "1"],
            cwd=common.ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(4)
        self.idle_mb = max((_rss_mb(p, "VmRSS") for p in self.children()), default=0.0)
        return self

    def children(self) -> list[int]:
        return _worker_children(self.proc.pid)

    def peak_mb(self) -> float:
        return max((_rss_mb(p, "VmHWM") for p in self.children()), default=0.0)

    def __exit__(self, *exc: object) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


async def _wait(tenant: Any, job_id: Any, limit_s: float = 600) -> dict[str, Any]:
    from jewelia.tenants.transfer import service

    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        job = await service.get_job(tenant.ref, job_id)
        if job["status"] in ("completed", "failed", "cancelled"):
            return job
        await asyncio.sleep(0.1)
    raise RuntimeError(f"job {job_id} did not finish in {limit_s:.0f} s")


async def run(rows: int, work: Path) -> list[dict[str, Any]]:
    from jewelia.core.db import DB, execute, tenant_scope
    from jewelia.platform.tenancy.registry import provision_tenant
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.transfer import service

    await common.open_database()
    async with DB.transaction():
        tenant = await provision_tenant("Bench Transfers", plan="enterprise", use_pool=False)
    actor = Actor("system", None, "bench")
    csv_path = work / "customers.csv"
    write_customers_csv(csv_path, rows)
    common.log(f"{rows:,} customers CSV: {csv_path.stat().st_size / 1e6:.1f} MB")
    async with tenant_scope(tenant.ref):
        await execute(SEED_INVENTORY, rows)
    await execute("VACUUM ANALYZE")
    results = []

    async def save(target: Path, limit: int) -> int:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(csv_path, target)
        return target.stat().st_size  # noqa: ASYNC240 - set-up, before timing

    jobs = [
        (f"import {rows:,} customers, CSV", IMPORT_TARGET_S, "import", "csv"),
        (f"export {rows:,} inventory items, Excel", EXPORT_TARGET_S, "export", "excel"),
        (f"export {rows:,} inventory items, CSV", EXPORT_TARGET_S, "export", "csv"),
    ]
    for label, target, kind, fmt in jobs:
        with Worker() as worker:
            common.log(f"{label}: worker idle RSS {worker.idle_mb:.0f} MB")
            start = time.monotonic()
            if kind == "import":
                started = await service.start_import(
                    tenant,
                    actor,
                    data_type="customers",
                    fmt=fmt,
                    save=save,
                    file_name="customers.csv",
                )
            else:
                started = await service.start_export(tenant, actor, data_type="inventory", fmt=fmt)
            job = await _wait(tenant, started["jobId"])
            seconds = time.monotonic() - start
            peak = worker.peak_mb()
        common.log(f"{label}: {job['status']} in {seconds:.1f} s, peak {peak:.0f} MB")
        results.append(
            {
                "label": label,
                "seconds": seconds,
                "target_s": target,
                "peak_mb": peak,
                "idle_mb": worker.idle_mb,
                "status": job["status"],
                "result": job.get("result"),
            }
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="import/export benchmark")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    with common.installation() as data_dir:
        results = asyncio.run(run(args.rows, data_dir))
    print(f"\nImport/export benchmark on {common.machine()}, load average {common.load_average()}")
    ok = True
    for r in results:
        passed = (
            r["status"] == "completed"
            and r["seconds"] < r["target_s"]
            and r["peak_mb"] < MEMORY_TARGET_MB
        )
        ok &= passed
        print(
            f"[{'PASS' if passed else 'FAIL'}] {r['label']}: {r['status']} in {r['seconds']:.1f} s"
            f" (target < {r['target_s']:.0f} s); worker peak RSS {r['peak_mb']:.0f} MB"
            f" (target < {MEMORY_TARGET_MB:.0f} MB; idle {r['idle_mb']:.0f} MB); result"
            f" {r['result']}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
