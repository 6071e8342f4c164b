"""The Python SDK is generated from the API as it is: the committed SDK document is the app's,
regenerating the SDK's generated parts gives no diff, and every operation has a facade method
(sync and async) with the SDK's calling conventions."""

from __future__ import annotations

import filecmp
import importlib.util
import inspect
import json
import re
from pathlib import Path
from typing import Any

import pytest

from jewelia.core.openapi import with_error_responses
from jewelia.core.openapi_sdk import HTTP_METHODS, sdk_document

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "sdks" / "openapi.json"
SDK = ROOT / "sdks" / "python"
PACKAGE = SDK / "jewelia_api_client"


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = json.loads(SPEC.read_text())
    return [
        (method.upper(), path, op)
        for path, item in document["paths"].items()
        for method in HTTP_METHODS
        if isinstance(op := item.get(method), dict)
    ]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _files(root: Path) -> set[str]:
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


async def test_committed_sdk_document_is_the_apps(app: Any) -> None:
    document = sdk_document(with_error_responses(app.openapi_schema.to_schema()))
    expected = json.dumps(document, indent=2, sort_keys=True) + "\n"
    assert SPEC.read_text() == expected, "sdks/openapi.json is stale: run `make sdks`"


def test_regenerating_the_python_sdk_gives_no_diff(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("sdk_generate", SDK / "generate.py")
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    fresh = tmp_path / "jewelia_api_client"
    fresh.mkdir()
    generate.generate(SPEC, fresh)

    committed, regenerated = PACKAGE / "_generated", fresh / "_generated"
    assert _files(regenerated) == _files(committed), "generated files differ: run `make sdks`"
    different = [
        name
        for name in sorted(_files(committed))
        if not filecmp.cmp(committed / name, regenerated / name, shallow=False)
    ]
    assert not different, f"regenerated files differ: {different[:10]}; run `make sdks`"
    assert (fresh / "_resources.py").read_text() == (PACKAGE / "_resources.py").read_text()


@pytest.fixture
def sdk_module(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The SDK package from the repository (not an installed copy)."""
    monkeypatch.syspath_prepend(str(SDK))
    import jewelia_api_client

    assert Path(jewelia_api_client.__file__).parent == PACKAGE
    return jewelia_api_client


@pytest.mark.parametrize("asynchronous", [False, True], ids=["JeweliaClient", "AsyncJeweliaClient"])
def test_every_operation_has_a_facade_method(sdk_module: Any, asynchronous: bool) -> None:
    from jewelia_api_client._resources import _OPERATIONS

    kind = sdk_module.AsyncJeweliaClient if asynchronous else sdk_module.JeweliaClient
    client = kind(api_key="jw_live_unused", base_url="http://127.0.0.1:9/api/v1")
    seen: set[tuple[str, str]] = set()
    for http, path, op in _operations():
        resource_name, method_name = op["x-sdk-resource"], op["x-sdk-method"]
        resource = getattr(client, resource_name, None)
        assert resource is not None, f"{kind.__name__} has no resource {resource_name}"
        method = getattr(resource, method_name, None)
        assert callable(method), f"{kind.__name__}.{resource_name}.{method_name} is missing"
        assert inspect.iscoroutinefunction(method) == asynchronous
        seen.add((resource_name, method_name))

        assert _OPERATIONS[op["operationId"]].method == http
        assert _OPERATIONS[op["operationId"]].path == path
        parameters = inspect.signature(method).parameters.values()
        positional = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
        keywords = {p.name for p in parameters if p.kind is p.KEYWORD_ONLY}
        path_names = [_snake(n) for n in re.findall(r"\{([^}]+)\}", path)]
        expected = path_names + (["body"] if "requestBody" in op else [])
        assert positional == expected, f"{resource_name}.{method_name}: {positional}"
        queries = {_snake(p["name"]) for p in op.get("parameters", []) if p["in"] == "query"}
        assert queries <= keywords, f"{resource_name}.{method_name}: {queries - keywords}"
        assert ("idempotency_key" in keywords) == (http == "POST")

    public = {
        (name, attr)
        for name in vars(client)
        if not name.startswith("_") and hasattr(getattr(client, name), "_client")
        for attr in dir(getattr(client, name))
        if not attr.startswith("_")
    }
    assert public == seen, f"methods without an operation: {public - seen}"


def test_readme_lists_every_resource_method() -> None:
    rows = re.findall(r"^\| `([a-z_]+)` \| ([a-z_, ]+) \|$", (SDK / "README.md").read_text(), re.M)
    listed = {(resource, m.strip()) for resource, methods in rows for m in methods.split(",")}
    expected = {(op["x-sdk-resource"], op["x-sdk-method"]) for _, _, op in _operations()}
    assert listed == expected, (
        f"README table: missing {expected - listed}, extra {listed - expected}"
    )
