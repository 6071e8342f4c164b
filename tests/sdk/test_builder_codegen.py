"""Code export: a published version downloaded as TypeScript and as Python, type-checked
(`tsc --noEmit --strict`; py_compile and `mypy --strict`), then run against the live server
on the same trigger as the engine's run of the same version, with the same step outputs.

Each runner (the engine through a real worker, the TypeScript program, the Python program)
works in a business of its own, seeded alike, with a receiver of its own (the trigger names
its URL), so creations do not collide and each receiver counts its own requests. Outputs are
compared with ids, timestamps and `Date` headers blanked. The SDKs are built once per module
(tests/sdk fixtures); the npm packages come from tests/sdk/codegen_ts/package-lock.json; the
two programs of a flow run in parallel.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import types
import uuid
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from jewelia.core.db import execute
from jewelia.tenants.builder import flow_templates
from jewelia.tenants.builder.definition import TEMPLATES
from tests.integration.test_builder_templates import (
    Env,
    FlowReceiver,
    fire_schedule,
    ok,
    post_webhook,
    runs_of,
    setup_records,
)
from tests.sdk.conftest import new_business
from tests.sdk.test_typescript_sdk import SDK_DIR, build_sdk, run
from tests.webhook_receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
TS_DEPS = Path(__file__).resolve().parent / "codegen_ts"
BASE = "/integrations/builder"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
TERMINAL = ("succeeded", "failed", "cancelled")


def flow(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"triggers": [{"type": "api_call", "config": {}}], "actions": list(steps)}


def post(path: str, body: Any, step_id: str, **config: Any) -> dict[str, Any]:
    url = "{{ trigger.base }}" + path
    return {
        "id": step_id,
        "type": "http_request",
        "config": {"method": "POST", "url": url, "body": body, **config},
    }


# Every action the public API can perform, the containers, conditions and error routes.
FLOWS: dict[str, dict[str, Any]] = {
    "crm": flow(
        post(
            "/hook",
            {"email": "{{ trigger.email }}", "n": "{{ trigger.lines | length }}"},
            "notify",
            headers={"X-Who": "{{ trigger.name }}"},
        ),
        {
            "id": "shape",
            "type": "transform",
            "config": {
                "output": '{"name": $uppercase(trigger.name), "sent": steps.notify.output.status,'
                ' "total": $sum(trigger.lines.(qty * price))}'
            },
        },
        {
            "id": "save",
            "type": "database",
            "config": {
                "resource": "customers",
                "operation": "create",
                "data": {
                    "full_name": "steps.shape.output.name",
                    "email": "trigger.email",
                    "tags": ["flow"],
                },
            },
        },
        {
            "id": "lookup",
            "type": "database",
            "config": {
                "resource": "customers",
                "operation": "find",
                "match": {"email": "trigger.email"},
            },
        },
        {
            "id": "touch",
            "type": "database",
            "config": {
                "resource": "customers",
                "operation": "update",
                "match": {"email": "trigger.email"},
                "data": {"phone": "'+1 555 0100'"},
            },
        },
        {
            "id": "stock",
            "type": "database",
            "config": {
                "resource": "inventory",
                "operation": "create",
                "data": {
                    "sku": "trigger.sku",
                    "name": "'Gold ring'",
                    "category": "'rings'",
                    "price": 2500,
                    "quantity": 5,
                },
            },
        },
        {
            "id": "order",
            "type": "database",
            "config": {
                "resource": "orders",
                "operation": "create",
                "data": {
                    "customer_id": "steps.save.output.id",
                    "items": '[{"inventory_id": steps.stock.output.id, "quantity": 2}]',
                },
            },
        },
        {
            "id": "mine",
            "type": "database",
            "config": {
                "resource": "orders",
                "operation": "find",
                "match": {"customer_id": "steps.save.output.id"},
            },
        },
        {
            "id": "confirm",
            "type": "database",
            "config": {
                "resource": "orders",
                "operation": "update",
                "match": {"id": "steps.order.output.id"},
                "data": {"status": "'confirmed'"},
            },
        },
        {
            "id": "by_sku",
            "type": "database",
            "config": {
                "resource": "inventory",
                "operation": "find",
                "match": {"sku": "trigger.sku"},
            },
        },
        {
            "id": "nobody",
            "type": "database",
            "config": {
                "resource": "customers",
                "operation": "find",
                "match": {"email": "'nobody@example.com'"},
            },
        },
    ),
    "control": flow(
        {"id": "vip_only", "type": "transform", "if": "trigger.vip", "config": {"output": "'vip'"}},
        {
            "id": "route",
            "type": "branch",
            "config": {
                "branches": [
                    {
                        "if": "$sum(trigger.lines.(qty * price)) > 1000",
                        "actions": [
                            {"id": "big", "type": "transform", "config": {"output": "'big'"}}
                        ],
                    }
                ],
                "else": [{"id": "small", "type": "transform", "config": {"output": "'small'"}}],
            },
        },
        {
            "id": "loop",
            "type": "for_each",
            "config": {
                "items": "trigger.lines",
                "actions": [
                    {
                        "id": "line",
                        "type": "transform",
                        "config": {
                            "output": '{"sku": item.sku, "n": index, "sum": item.qty * item.price}'
                        },
                    },
                    post("/hook", {"sku": "{{ item.sku }}", "i": "{{ index }}"}, "tell"),
                ],
            },
        },
        {**post("/status/404", {"x": 1}, "broken"), "onError": "continue"},
        {
            **post("/flaky/2", "plain {{ trigger.name }}", "flaky"),
            "retry": {"attempts": 3, "backoff": "fixed", "delaySeconds": 0.1},
        },
        {
            "id": "mail",
            "type": "notification",
            "config": {
                "channel": "email",
                "to": "{{ trigger.email }}",
                "subject": "Hello {{ trigger.name }}",
                "body": "{% for l in trigger.lines %}{{ l.sku }} x{{ l.qty }}\n{% endfor %}",
            },
        },
        {
            "id": "in_app",
            "type": "notification",
            "onError": "continue",
            "config": {"channel": "in_app", "body": "Hi"},
        },
        {
            "id": "after",
            "type": "transform",
            "config": {
                "output": '{"broken": steps.broken.status, "flaky": steps.flaky.output.status,'
                ' "loop": $count(steps.loop.output), "route": steps.route.output.branch}'
            },
        },
        {
            "id": "export",
            "type": "file",
            "config": {
                "operation": "write",
                "format": "csv",
                "name": "lines-{{ trigger.sku }}.csv",
                "rows": "trigger.lines",
            },
        },
        {"id": "pause", "type": "delay", "config": {"seconds": 1}},
    ),
    "stops": flow(
        {"id": "first", "type": "transform", "config": {"output": "trigger.name"}},
        {
            "id": "guarded",
            "type": "branch",
            "onError": "continue",
            "config": {
                "branches": [
                    {
                        "if": "true",
                        "actions": [
                            {
                                "id": "inner_bad",
                                "type": "transform",
                                "config": {"output": "$number('x')"},
                            }
                        ],
                    }
                ]
            },
        },
        {
            **post("/status/500", {"x": 1}, "bad"),
            "retry": {"attempts": 2, "backoff": "fixed", "delaySeconds": 0.1},
        },
        {"id": "never", "type": "transform", "config": {"output": "'never'"}},
    ),
}


def trigger(base: str) -> dict[str, Any]:
    return {
        "base": base,
        "name": "Ada Lovelace",
        "email": "Ada@Example.com",
        "sku": "RING-CG-1",
        "vip": False,
        "lines": [{"sku": "A-1", "qty": 2, "price": 400.5}, {"sku": "B-2", "qty": 1, "price": 300}],
    }


def blank(value: Any) -> Any:
    """The value with ids and timestamps replaced, HTTP `date` headers dropped."""
    if isinstance(value, dict):
        return {k: blank(v) for k, v in value.items() if k.lower() != "date"}
    if isinstance(value, list):
        return [blank(v) for v in value]
    if isinstance(value, str) and UUID.match(value):
        return "<id>"
    if isinstance(value, str) and TIME.match(value):
        return "<time>"
    return value


# --- building the two SDKs once ------------------------------------------------------------


@pytest.fixture(scope="module")
def ts_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the exports' npm packages (`npm ci` from the committed lockfile) and the
    SDK built and packed from sdks/typescript; flows go in subfolders."""
    build_sdk()
    packs = tmp_path_factory.mktemp("codegen-pack")
    packed = json.loads(run(["npm", "pack", "--json", "--pack-destination", str(packs)], SDK_DIR))
    project = tmp_path_factory.mktemp("codegen-ts")
    for name in ("package.json", "package-lock.json"):
        shutil.copy(TS_DEPS / name, project / name)
    run(["npm", "ci", "--no-audit", "--no-fund"], project)
    run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--no-save",
            str(packs / packed[0]["filename"]),
        ],
        project,
    )
    return project


@pytest.fixture(scope="module")
def py_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Python SDK's wheel installed into a folder (its dependencies, httpx and attrs, and
    the exports' jsonatapy and jinja2 are this interpreter's)."""
    tmp = tmp_path_factory.mktemp("codegen-py")
    pip = [sys.executable, "-m", "pip"]
    run(
        [*pip, "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(ROOT / "sdks" / "python")],
        ROOT,
    )
    [wheel] = list((tmp / "dist").glob("jewelia_api_client-*.whl"))
    run([*pip, "install", "-q", "--no-deps", "--target", str(tmp / "site"), str(wheel)], ROOT)
    return tmp / "site"


# --- the engine's run and the programs' runs ------------------------------------------------


async def engine_run(api: httpx.AsyncClient, name: str, payload: Any) -> tuple[str, dict[str, Any]]:
    """Create and publish the flow, run it through the worker: (flow id, the finished run)."""
    body = {
        "name": f"Codegen {name}",
        "description": f"The {name} flow",
        "configuration": FLOWS[name],
        "isActive": True,
    }
    made = await api.post(BASE, json=body)
    assert made.status_code == 201, made.text
    flow_id = made.json()["data"]["id"]
    started = await api.post(f"{BASE}/{flow_id}/run", json={"payload": payload})
    assert started.status_code == 202, started.text
    run_id = started.json()["data"]["run_id"]
    deadline = time.monotonic() + 90
    while True:
        got = (await api.get(f"{BASE}/runs/{run_id}")).json()["data"]
        if got["status"] in TERMINAL:
            return flow_id, got
        assert time.monotonic() < deadline, got
        await asyncio.sleep(0.1)


def unzip(content: bytes, into: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        [folder] = {n.split("/", 1)[0] for n in archive.namelist()}
        archive.extractall(into)
    return into / folder


def printed(out: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The program's step lines by path, and its final run line."""
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    *steps, end = lines
    return {s["path"]: s for s in steps}, end["run"]


def body_of(raw: bytes) -> Any:
    """A request body as JSON when it is JSON (the programs' spacing differs), else its text."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode()


def comparable(steps: dict[str, dict[str, Any]]) -> dict[str, tuple[str, Any]]:
    """Path: (status, output blanked). A file's output is compared by its keys, name, format
    and row count (the export writes a local file: its size and link differ)."""
    out = {}
    for path, s in steps.items():
        output = blank(s["output"])
        if s["type"] == "file" and isinstance(output, dict):
            shown = {k: output[k] for k in ("name", "format", "rows") if k in output}
            output = {"keys": sorted(output), **shown}
        out[path] = (s["status"], output)
    return out


@pytest.fixture
async def businesses(live_server: str) -> dict[str, dict[str, str]]:
    """Three fresh businesses (engine, typescript, python), the engine's on Professional."""
    out = {}
    for runner in ("engine", "typescript", "python"):
        tenant, secret = await new_business(f"Codegen {runner}")
        out[runner] = {"key": secret, "url": f"{live_server}/api/v1", "tenant": str(tenant.id)}
    await execute(
        "UPDATE public.tenant SET plan = 'professional' WHERE id = $1::uuid",
        out["engine"]["tenant"],
    )
    return out


async def download(api: httpx.AsyncClient, flow_id: str) -> dict[str, bytes]:
    """Version 1 of the flow exported in both languages."""
    codes = {}
    for language in ("typescript", "python"):
        answer = await api.get(f"{BASE}/{flow_id}/versions/1/code", params={"language": language})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/zip"
        assert f"-v1-{language}.zip" in answer.headers["content-disposition"]
        codes[language] = answer.content
    return codes


def type_checked(
    name: str, codes: dict[str, bytes], ts_project: Path, py_sdk: Path, tmp_path: Path
) -> dict[str, Path]:
    """Both exports unpacked, type-checked and built: their folders by language."""
    ts_dir = unzip(codes["typescript"], ts_project / name)
    assert {p.name for p in ts_dir.iterdir()} >= {
        "src",
        "package.json",
        "tsconfig.json",
        "README.md",
    }
    tsc = str(ts_project / "node_modules" / ".bin" / "tsc")
    run([tsc, "--noEmit", "--strict", "-p", "."], ts_dir)
    run([tsc, "-p", "."], ts_dir)
    py_dir = unzip(codes["python"], tmp_path / "py")
    assert {p.name for p in py_dir.iterdir()} >= {
        "flow.py",
        "runtime.py",
        "requirements.txt",
        "README.md",
    }
    run([sys.executable, "-m", "py_compile", "flow.py", "runtime.py"], py_dir)
    mypy_env = {**os.environ, "MYPYPATH": str(py_sdk)}
    cache = str(py_sdk.parent / "mypy-cache")  # shared: runtime.py is the same every time
    mypy = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--ignore-missing-imports",
        "--cache-dir",
        cache,
    ]
    run([*mypy, "flow.py", "runtime.py"], py_dir, env=mypy_env)
    return {"typescript": ts_dir, "python": py_dir}


async def run_programs(
    dirs: dict[str, Path],
    businesses: dict[str, dict[str, str]],
    payloads: dict[str, Any],
    py_sdk: Path,
    tmp_path: Path,
) -> dict[str, tuple[int, str, str]]:
    """Both programs on their trigger payloads, in parallel, each against its own business:
    (exit code, stdout, stderr) by language."""
    commands = {
        "typescript": (["node", "dist/flow.js"], {}),
        "python": ([sys.executable, "flow.py"], {"PYTHONPATH": str(py_sdk)}),
    }
    procs = {}
    for runner, (command, extra) in commands.items():
        source = tmp_path / f"{runner}.json"
        source.write_text(json.dumps(payloads[runner]))
        env = {
            **os.environ,
            **extra,
            "JEWELIA_API_KEY": businesses[runner]["key"],
            "JEWELIA_API_URL": businesses[runner]["url"],
        }
        procs[runner] = subprocess.Popen(  # noqa: ASYNC220 - started here, awaited in threads
            [*command, str(source)],
            cwd=dirs[runner],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    outputs = {}
    for runner, proc in procs.items():
        out, err = await asyncio.to_thread(proc.communicate, timeout=180)
        outputs[runner] = (proc.returncode, out, err)
    return outputs


def assert_same_steps(done: dict[str, Any], outputs: dict[str, tuple[int, str, str]]) -> None:
    """Each program ended as the engine's run did, with the same steps and outputs."""
    expected = comparable({s["step_path"]: s for s in done["steps"]})
    for runner, (code, out, err) in outputs.items():
        assert code == (0 if done["status"] == "succeeded" else 1), f"{runner}:\n{out}\n{err}"
        steps, end = printed(out)
        assert end["status"] == done["status"], (runner, end, done)
        if done["status"] == "failed":
            assert end["step"] == done["failed_step_id"]
        got = comparable(steps)
        assert sorted(got) == sorted(expected), (runner, err)
        differing = {
            p: {"engine": expected[p], runner: got[p]} for p in got if got[p] != expected[p]
        }
        assert differing == {}, json.dumps(differing, indent=1, sort_keys=True)[:20000]


@pytest.mark.parametrize("name", sorted(FLOWS))
async def test_exports_type_check_and_match_the_engine(
    name: str,
    businesses: dict[str, dict[str, str]],
    ts_project: Path,
    py_sdk: Path,
    worker: Any,
    tmp_path: Path,
) -> None:
    engine = businesses["engine"]
    headers = {"Authorization": f"Bearer {engine['key']}"}
    with Receiver() as at_engine, Receiver() as at_ts, Receiver() as at_py:
        async with httpx.AsyncClient(base_url=engine["url"], headers=headers, timeout=60) as api:
            flow_id, done = await engine_run(api, name, trigger(at_engine.url("")))
            codes = await download(api, flow_id)
        dirs = type_checked(name, codes, ts_project, py_sdk, tmp_path)
        payloads = {"typescript": trigger(at_ts.url("")), "python": trigger(at_py.url(""))}
        outputs = await run_programs(dirs, businesses, payloads, py_sdk, tmp_path)
    assert_same_steps(done, outputs)
    # Each receiver saw the same requests; every attempt of a step carried one key.
    seen = {
        runner: [(r.path, body_of(r.body)) for r in receiver.received]
        for runner, receiver in (("engine", at_engine), ("typescript", at_ts), ("python", at_py))
    }
    assert seen["typescript"] == seen["python"]
    assert sorted(seen["typescript"], key=str) == sorted(seen["engine"], key=str)
    for receiver in (at_ts, at_py):
        keys: dict[str, set[str]] = {}
        for r in receiver.received:
            keys.setdefault(r.path, set()).add(r.headers["Idempotency-Key"])
        if name == "control":
            assert receiver.hits["/flaky/2"] == 3 and len(keys["/flaky/2"]) == 1


def texts(value: Any) -> Any:
    """Ids inside text blanked, and whole floats written as Python does ("2400.0" as
    "2400"): nunjucks prints a JSON number as JavaScript does (README: the differences)."""
    if isinstance(value, dict):
        return {k: texts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [texts(v) for v in value]
    if isinstance(value, str):
        value = re.sub(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "<id>", value)
        return re.sub(r"\b(\d+)\.0\b", r"\1", value)
    return value


def remapped(value: Any, ids: dict[str, str]) -> Any:
    """A payload with the engine business's record ids swapped for another business's."""
    if isinstance(value, dict):
        return {k: remapped(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [remapped(v, ids) for v in value]
    return ids.get(value, value) if isinstance(value, str) else value


@pytest.mark.parametrize("name", TEMPLATES)
async def test_templates_exported_match_the_engine(
    name: str,
    businesses: dict[str, dict[str, str]],
    live_server: str,
    ts_project: Path,
    py_sdk: Path,
    worker: Any,
    tmp_path: Path,
) -> None:
    """Each template's flow, made and fired as its fixture says (tests/integration/
    test_builder_templates.py's way) in the engine's business, then exported; the programs run
    in their businesses, set up alike, on the engine run's trigger payload (record ids mapped)."""
    fixture = flow_templates.fixture(name)
    clients = {
        runner: httpx.AsyncClient(
            base_url=b["url"], headers={"Authorization": f"Bearer {b['key']}"}, timeout=60
        )
        for runner, b in businesses.items()
    }
    with FlowReceiver(fixture.get("responses")) as receiver:
        envs = {runner: Env(receiver) for runner in clients}
        for env in envs.values():  # one `{unique}` and one day for the three businesses
            env.values, env.today = envs["engine"].values, envs["engine"].today
        api = clients["engine"]
        settings = envs["engine"].resolve(fixture["settings"])
        created = await ok(
            await api.post(
                BASE,
                json={
                    "name": f"Export {name}",
                    "template": name,
                    "settings": settings,
                    "isActive": True,
                },
            ),
            201,
        )
        for runner, client in clients.items():
            await setup_records(client, envs[runner], fixture.get("setup", {}))
        trigger_spec = fixture["trigger"]
        payload = envs["engine"].resolve(trigger_spec["payload"])
        if trigger_spec["type"] == "schedule":
            tenant = types.SimpleNamespace(id=uuid.UUID(businesses["engine"]["tenant"]))
            await fire_schedule(tenant, created["id"], payload["scheduledAt"])
        elif trigger_spec["type"] == "webhook":
            async with httpx.AsyncClient(base_url=live_server, timeout=60) as plain_client:
                answer = await post_webhook(plain_client, created["webhook"], payload)
            assert answer.status_code == 202, answer.text
        [done] = await runs_of(api, created["id"])
        assert done["status"] == "succeeded", done
        engine_requests = len(receiver.received)
        codes = await download(api, created["id"])
        for client in clients.values():
            await client.aclose()
        dirs = type_checked(name, codes, ts_project, py_sdk, tmp_path)
        payloads = {}
        for runner in ("typescript", "python"):
            ids = {
                str(record["id"]): str(envs[runner].records[ref]["id"])
                for ref, record in envs["engine"].records.items()
            }
            payloads[runner] = remapped(done["trigger_payload"], ids)
        outputs = await run_programs(dirs, businesses, payloads, py_sdk, tmp_path)
        received = list(receiver.received)
    assert_same_steps(done, outputs)
    # The receiver got the engine's requests once more from each program, each run's under
    # its own run id (the Idempotency-Key's first part).
    by_run: dict[str, list[Any]] = {}
    for r in received:
        by_run.setdefault(r.headers["Idempotency-Key"].split(":", 1)[0], []).append(
            (r.method, r.path, texts(blank(body_of(r.body))))
        )
    assert len(received) == 3 * engine_requests
    if engine_requests:
        assert len(by_run) == 3
        [first, *others] = [sorted(v, key=str) for v in by_run.values()]
        assert all(o == first for o in others), json.dumps(by_run, indent=1)


async def test_export_refusals_and_the_sdks_download(
    businesses: dict[str, dict[str, str]], ts_project: Path, py_sdk: Path
) -> None:
    """Bad language 422 naming the field, unknown version or another business's flow 404, a
    read-only key may export; both SDKs download the same bytes (the zip is reproducible)."""
    from jewelia.platform.apikeys.service import create_key

    engine, other = businesses["engine"], businesses["python"]
    headers = {"Authorization": f"Bearer {engine['key']}"}
    async with httpx.AsyncClient(base_url=engine["url"], headers=headers, timeout=60) as api:
        body = {"name": "Export me", "configuration": FLOWS["stops"], "isActive": True}
        flow_id = (await ok(await api.post(BASE, json=body), 201))["id"]
        path = f"{BASE}/{flow_id}/versions/1/code"
        bad = await api.get(path, params={"language": "cobol"})
        assert bad.status_code == 422 and bad.json()["code"] == "VALIDATION_ERROR"
        assert [d["field"] for d in bad.json()["details"]] == ["language"]
        assert (await api.get(f"{BASE}/{flow_id}/versions/2/code")).status_code == 404
        default = await api.get(path)
        assert default.status_code == 200
        assert "-v1-typescript.zip" in default.headers["content-disposition"]
        python_zip = (await api.get(path, params={"language": "python"})).content
    reader = await create_key(uuid.UUID(engine["tenant"]), "reader", ["read"])
    async with httpx.AsyncClient(timeout=30) as plain_client:
        as_reader = await plain_client.get(
            f"{engine['url']}{path}", headers={"Authorization": f"Bearer {reader.secret}"}
        )
        elsewhere = await plain_client.get(
            f"{other['url']}{path}", headers={"Authorization": f"Bearer {other['key']}"}
        )
    assert as_reader.status_code == 200 and as_reader.content == default.content
    assert elsewhere.status_code == 404
    with zipfile.ZipFile(io.BytesIO(python_zip)) as archive:
        readme = next(n for n in archive.namelist() if n.endswith("README.md"))
        text = archive.read(readme).decode()
    assert "pip install -r requirements.txt" in text and "JEWELIA_API_KEY" in text
    assert "`bad` (http_request)" in text

    script = (
        "from jewelia_api_client import JeweliaClient\n"
        "import sys\n"
        "with JeweliaClient() as client:\n"
        f"    sys.stdout.buffer.write(client.builder.export_code({flow_id!r}, 1,"
        " language='python'))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(py_sdk), "JEWELIA_API_KEY": engine["key"]}
    env["JEWELIA_API_URL"] = engine["url"]
    got = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert got.stdout == python_zip
    module = (
        "import { JeweliaClient } from '@jewelia/api-client';\n"
        "const client = new JeweliaClient({ apiKey: process.env.JEWELIA_API_KEY,"
        " baseUrl: process.env.JEWELIA_API_URL });\n"
        f"const bytes = await client.builder.exportCode('{flow_id}', 1);\n"
        "process.stdout.write(Buffer.from(bytes));\n"
    )
    (ts_project / "download.mjs").write_text(module)
    got = await asyncio.to_thread(
        subprocess.run,
        ["node", "download.mjs"],
        cwd=ts_project,
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert got.stdout == default.content


async def test_webhook_receivers_verify_then_run(
    businesses: dict[str, dict[str, str]], ts_project: Path, py_sdk: Path, tmp_path: Path
) -> None:
    """`--serve PORT`: a delivery signed with FLOW_WEBHOOK_SECRET runs the flow on its body; a
    bad signature is 401 and runs nothing."""
    from jewelia.tenants.webhooks import signing

    engine = businesses["engine"]
    headers = {"Authorization": f"Bearer {engine['key']}"}
    steps = [{"id": "greet", "type": "transform", "config": {"output": '"Hi " & trigger.name'}}]
    body = {
        "name": "Hooked",
        "configuration": {"triggers": [{"type": "webhook", "config": {}}], "actions": steps},
        "isActive": True,
    }
    async with httpx.AsyncClient(base_url=engine["url"], headers=headers, timeout=60) as api:
        flow_id = (await ok(await api.post(BASE, json=body), 201))["id"]
        codes = await download(api, flow_id)
    dirs = type_checked("hooked", codes, ts_project, py_sdk, tmp_path)
    secret = signing.new_secret()
    env = {
        **os.environ,
        "PYTHONPATH": str(py_sdk),
        "FLOW_WEBHOOK_SECRET": secret,
        "JEWELIA_API_KEY": engine["key"],
        "JEWELIA_API_URL": engine["url"],
    }
    commands = {
        "typescript": ["node", "dist/flow.js", "--serve", "0"],
        "python": [sys.executable, "flow.py", "--serve", "0"],
    }
    for runner, command in commands.items():
        proc = subprocess.Popen(  # noqa: ASYNC220 - a server, read from a thread
            command,
            cwd=dirs[runner],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stderr is not None and proc.stdout is not None
            line = await asyncio.to_thread(proc.stderr.readline)
            port = json.loads(line)["listening"]
            payload = json.dumps({"name": "Ada"}).encode()
            signed = signing.signed_headers([secret], "msg_1", int(time.time()), payload)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as hook:
                forged = {**signed, "webhook-signature": "v1,AAAA"}
                refused = await hook.post("/", content=payload, headers=forged)
                assert refused.status_code == 401, (runner, refused.text)
                answer = await hook.post("/", content=payload, headers=signed)
                assert answer.status_code == 200 and answer.json() == {"status": "succeeded"}
            first = json.loads(await asyncio.to_thread(proc.stdout.readline))
            assert (first["path"], first["output"]) == ("greet", "Hi Ada"), runner
        finally:
            proc.terminate()
            await asyncio.to_thread(proc.wait, 10)
