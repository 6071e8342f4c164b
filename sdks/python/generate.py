"""Regenerate the Python SDK's generated parts from sdks/openapi.json (`make sdks` runs this).

1. The low-level layer, `jewelia_api_client/_generated/`: openapi-python-client with
   `openapi-python-client.yaml` (no post hooks, so the output is byte for byte reproducible).
2. The facade's resource classes, `jewelia_api_client/_resources.py`: one class per
   `x-sdk-resource` (sync and async), one method per operation named by `x-sdk-method`, with the
   SDK's conventions: path parameters positional, then the body, then query parameters as
   keywords. The behaviour behind them (requests, retries, errors, pages) is hand-written in
   `_core.py`, `_retry.py`, `_pagination.py` and `errors.py`.

Usage: python sdks/python/generate.py [--spec sdks/openapi.json] [--package DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SPEC = HERE.parent / "openapi.json"
PACKAGE = HERE / "jewelia_api_client"
CONFIG = HERE / "openapi-python-client.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
INDENT = "    "
LINE_LENGTH = 100
# Operations whose sender signs the body: the method takes `signing_secret` and the core
# serializes the body once, signs exactly those bytes and sends them (see _core.signature_headers).
SIGNED_BODY_OPERATIONS = {
    "receiveWebhook": "the source's secret (`whsec_...`): the body is serialized once and "
    "exactly those bytes are signed (`X-Webhook-Signature`); no API key is needed",
}


def generate_low_level(spec: Path, package: Path) -> None:
    """Run openapi-python-client into `package/_generated` (replaced entirely)."""
    target = package / "_generated"
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(spec),
            "--meta",
            "none",
            "--config",
            str(CONFIG),
            "--output-path",
            str(target),
            "--fail-on-warning",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def snake(name: str) -> str:
    """camelCase or kebab-case to snake_case (`jobId` -> `job_id`)."""
    name = re.sub(r"[^0-9a-zA-Z]+", "_", name)
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower().strip("_")


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


class Emitter:
    """Writes _resources.py from the SDK document and the generated models' class names."""

    def __init__(self, spec: dict[str, Any], model_names: set[str]) -> None:
        self.spec = spec
        self.schemas: dict[str, Any] = spec.get("components", {}).get("schemas", {})
        self.models = {name.lower(): name for name in model_names}
        self.imports: set[str] = set()

    # Types -------------------------------------------------------------------------------

    def model(self, ref: str) -> str:
        """The generated class of a `#/components/schemas/X` reference."""
        key = ref.rsplit("/", 1)[1]
        title = self.schemas.get(key, {}).get("title") or key
        name = self.models.get(title.replace("_", "").lower())
        if name is None:
            raise KeyError(f"no generated model for schema {key!r}")
        self.imports.add(name)
        return name

    def py_type(self, schema: dict[str, Any]) -> str:
        """A Python annotation for a parameter's schema."""
        parts: list[str] = []
        nullable = False
        if "enum" in schema:
            values = [v for v in schema["enum"] if v is not None]
            nullable = None in schema["enum"]
            parts.append("Literal[" + ", ".join(json.dumps(v) for v in values) + "]")
        for option in schema.get("oneOf", []) + schema.get("anyOf", []):
            if option.get("type") == "null":
                nullable = True
            elif not parts or "enum" not in schema:
                parts.append(self.py_type(option))
        kinds = schema.get("type")
        for kind in kinds if isinstance(kinds, list) else [kinds] if kinds else []:
            if kind == "null":
                nullable = True
            elif "enum" not in schema:
                parts.append(self._scalar(kind, schema))
        if "$ref" in schema:
            parts.append(self.model(schema["$ref"]))
        unique = list(dict.fromkeys(p for part in parts for p in part.split(" | ")))
        if nullable:
            unique.append("None")
        return " | ".join(unique) or "Any"

    def _scalar(self, kind: str, schema: dict[str, Any]) -> str:
        if kind == "string":
            return "str | UUID" if schema.get("format") == "uuid" else "str"
        if kind == "array":
            return f"builtins.list[{self.py_type(schema.get('items', {}))}]"
        simple = {"integer": "int", "number": "float", "boolean": "bool"}
        return simple.get(kind, "Mapping[str, Any]" if kind == "object" else "Any")

    def result(self, op: dict[str, Any]) -> tuple[str, str, list[str]]:
        """(return annotation with {Page} for the page class, result kind, parser classes)."""
        returns: list[str] = []
        parsers: list[str] = []
        kind = "data"
        for status in sorted(op.get("responses", {})):
            if not status.startswith("2"):
                continue
            content = op["responses"][status].get("content", {})
            if not content:
                returns.append("None")
                continue
            media, body = next(iter(sorted(content.items())))
            schema = body.get("schema", {})
            if media != "application/json":
                return "bytes", "bytes", []
            for option in schema.get("oneOf", [schema]):
                annotation, is_page, parser = self._envelope(option)
                returns.append(annotation)
                if parser and parser not in parsers:
                    # Pages first: a page never parses as a single-object envelope.
                    parsers.insert(0 if is_page else len(parsers), parser)
                if is_page and len(schema.get("oneOf", [schema])) == 1:
                    kind = "page"
        return " | ".join(dict.fromkeys(returns)) or "None", kind, parsers

    def _envelope(self, schema: dict[str, Any]) -> tuple[str, bool, str | None]:
        if "$ref" not in schema:
            return "Any", False, None
        parser = self.model(schema["$ref"])
        properties = self.schemas[schema["$ref"].rsplit("/", 1)[1]].get("properties", {})
        data = properties.get("data", {})
        if data.get("type") == "array":
            item = self.py_type(data.get("items", {}))
            if "pagination" in properties:
                return f"{{Page}}[{item}]", True, parser
            return f"builtins.list[{item}]", False, parser
        return self.py_type(data) if data else "Any", False, parser

    # Code --------------------------------------------------------------------------------

    def operations(self) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
        """Operations by resource: (HTTP method, path, operation), in document order."""
        found: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
        for path, item in self.spec.get("paths", {}).items():
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, dict):
                    found.setdefault(op["x-sdk-resource"], []).append((method.upper(), path, op))
        return dict(sorted(found.items()))

    def method(self, http: str, path: str, op: dict[str, Any], asynchronous: bool) -> list[str]:
        """One resource method's lines (at class indentation)."""
        params = [p for p in op.get("parameters", []) if p.get("in") in ("path", "query")]
        by_name = {p["name"]: p for p in params if p["in"] == "path"}
        path_params = [by_name[name] for name in re.findall(r"\{([^}]+)\}", path)]
        query = [p for p in params if p["in"] == "query"]
        request_body = op.get("requestBody")
        returns, kind, parsers = self.result(op)
        page_class = "AsyncPage" if asynchronous else "Page"
        returns = returns.replace("{Page}", page_class)

        signature = [f"{INDENT * 2}self,"]
        for param in path_params:
            signature.append(self.param_line(op, param))
        if request_body is not None:
            schema = next(iter(request_body.get("content", {}).values()), {}).get("schema", {})
            annotation = "Mapping[str, Any]"
            if "$ref" in schema:
                annotation += f" | {self.model(schema['$ref'])}"
            if request_body.get("required"):
                signature.append(f"{INDENT * 2}body: {annotation},")
            else:
                signature.append(f"{INDENT * 2}body: {annotation} | None = None,")
        signature.append(f"{INDENT * 2}*,")
        required = [p for p in query if p.get("required")]
        optional = [p for p in query if not p.get("required")]
        signature += [self.param_line(op, param) for param in required]
        signature += [self.param_line(op, param, " = None") for param in optional]
        signed = op["operationId"] in SIGNED_BODY_OPERATIONS
        if signed:
            signature.append(f"{INDENT * 2}signing_secret: str,")
        if http == "POST":
            signature.append(f"{INDENT * 2}idempotency_key: str | Literal[False] | None = None,")
        signature.append(f"{INDENT * 2}extra_headers: Mapping[str, str] | None = None,")

        prefix = "async def" if asynchronous else "def"
        lines = [f"{INDENT}{prefix} {op['x-sdk-method']}(", *signature, f"{INDENT}) -> {returns}:"]
        lines += self.docstring(http, path, op, path_params, request_body, query)
        names = [snake(p["name"]) for p in path_params]
        args = "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"
        awaited = "await " if asynchronous else ""
        lines.append(f"{INDENT * 2}result = {awaited}self._client._request(")
        lines.append(f"{INDENT * 3}_OPERATIONS[{json.dumps(op['operationId'])}],")
        lines.append(f"{INDENT * 3}{args},")
        if query:  # one entry a line, with a trailing comma: already as ruff formats it
            lines.append(f"{INDENT * 3}{{")
            lines += [f'{INDENT * 4}"{p["name"]}": {snake(p["name"])},' for p in query]
            lines.append(f"{INDENT * 3}}},")
        else:
            lines.append(f"{INDENT * 3}None,")
        lines.append(f"{INDENT * 3}{'body' if request_body is not None else 'None'},")
        lines.append(f"{INDENT * 3}{'idempotency_key' if http == 'POST' else 'None'},")
        lines.append(f"{INDENT * 3}extra_headers,")
        if signed:
            lines.append(f"{INDENT * 3}signing_secret=signing_secret,")
        lines.append(f"{INDENT * 2})")
        lines.append(f'{INDENT * 2}return cast("{returns}", result)')
        # `security: [{}]` alone: the operation takes no credential (the key is not sent).
        authenticated = op.get("security", self.spec.get("security")) != [{}]
        self.operation_table[op["operationId"]] = (http, path, kind, parsers, authenticated)
        return lines

    def param_line(self, op: dict[str, Any], param: dict[str, Any], default: str = "") -> str:
        """`name: annotation[ = None],`; a Literal too long for the line gets a named alias."""
        name = snake(param["name"])
        annotation = self.py_type(param["schema"])
        if default and not annotation.endswith("None"):
            annotation += " | None"
        line = f"{INDENT * 2}{name}: {annotation}{default},"
        if len(line) > LINE_LENGTH and annotation.startswith("Literal["):
            literal, _, rest = annotation.partition("]")
            alias = pascal(snake(op["operationId"])) + pascal(name)
            values = literal[len("Literal[") :].split(", ")
            self.aliases[alias] = ["", f"{alias} = Literal[", *[f"{INDENT}{v}," for v in values]]
            self.aliases[alias].append("]")
            line = f"{INDENT * 2}{name}: {alias}{rest}{default},"
        return line

    def docstring(
        self,
        http: str,
        path: str,
        op: dict[str, Any],
        path_params: list[dict[str, Any]],
        request_body: dict[str, Any] | None,
        query: list[dict[str, Any]],
    ) -> list[str]:
        summary = (op.get("summary") or op["operationId"]).strip().rstrip(".")
        lines = [f'{INDENT * 2}"""{summary}: `{http} {path}`.']
        described = [
            (snake(p["name"]), p.get("description", ""))
            for p in path_params + query
            if p.get("description")
        ]
        if request_body is not None:
            described.insert(len(path_params), ("body", "the request body (a dict or a model)"))
        if op["operationId"] in SIGNED_BODY_OPERATIONS:
            described.append(("signing_secret", SIGNED_BODY_OPERATIONS[op["operationId"]]))
        if http == "POST":
            described.append(("idempotency_key", "default: a new key per call; False: send none"))
        if not described:
            return [lines[0] + '"""']
        lines += ["", f"{INDENT * 2}Args:"]
        lines += [f"{INDENT * 3}{name}: {' '.join(text.split())}" for name, text in described]
        return [*lines, f'{INDENT * 2}"""']

    def render(self) -> str:
        """The whole module's text."""
        self.operation_table: dict[str, tuple[str, str, str, list[str], bool]] = {}
        self.aliases: dict[str, list[str]] = {}
        resources = self.operations()
        body: list[str] = []
        for asynchronous in (False, True):
            for resource, ops in resources.items():
                name = ("Async" if asynchronous else "") + pascal(resource)
                base = "_AsyncResource" if asynchronous else "_SyncResource"
                body += ["", "", f"class {name}({base}):"]
                body.append(f'{INDENT}"""`client.{resource}`: {len(ops)} operations."""')
                for http, path, op in ops:
                    body += ["", *self.method(http, path, op, asynchronous)]
        for asynchronous in (False, True):
            prefix = "Async" if asynchronous else ""
            core = "AsyncCore" if asynchronous else "SyncCore"
            body += ["", "", f"class {prefix}Resources:"]
            body.append(f'{INDENT}"""One attribute per API resource."""')
            body.append("")
            body += [f"{INDENT}{r}: {prefix}{pascal(r)}" for r in resources]
            body += ["", f"{INDENT}def _attach_resources(self, client: {core}) -> None:"]
            body += [f"{INDENT * 2}self.{r} = {prefix}{pascal(r)}(client)" for r in resources]

        table = ["_OPERATIONS: dict[str, Operation] = {"]
        for operation_id, entry in sorted(self.operation_table.items()):
            http, path, kind, parsers, authenticated = entry
            parsed = "(" + ", ".join(parsers) + ("," if len(parsers) == 1 else "") + ")"
            table.append(f'{INDENT}"{operation_id}": Operation(')
            table += [f"{INDENT * 2}{part}," for part in (f'"{http}"', f'"{path}"', f'"{kind}"')]
            table.append(f"{INDENT * 2}{parsed},")
            if not authenticated:
                table.append(f"{INDENT * 2}authenticated=False,")
            table.append(f"{INDENT}),")
        table.append("}")
        aliases = [line for alias in sorted(self.aliases) for line in self.aliases[alias]]
        exported = sorted(
            [f"{prefix}{pascal(r)}" for prefix in ("", "Async") for r in resources]
            + ["AsyncResources", "Resources"]
        )
        head = [
            '"""The API\'s resources and their methods. Generated by sdks/python/generate.py from',
            'sdks/openapi.json: do not edit; run `make sdks`."""',
            "",
            "# ruff: noqa: E501",
            "from __future__ import annotations",
            "",
            "import builtins",
            "from collections.abc import Mapping",
            "from typing import Any, Literal, cast",
            "from uuid import UUID",
            "",
            "from ._core import AsyncCore, Operation, SyncCore",
            "from ._generated.models import (",
            *[f"{INDENT}{name}," for name in sorted(self.imports, key=lambda n: (n.lower(), n))],
            ")",
            "from ._pagination import AsyncPage, Page",
            "",
            "__all__ = [",
            *[f'{INDENT}"{name}",' for name in exported],
            "]",
            *aliases,
            "",
            *table,
            "",
            "",
            "class _SyncResource:",
            f"{INDENT}def __init__(self, client: SyncCore) -> None:",
            f"{INDENT * 2}self._client = client",
            "",
            "",
            "class _AsyncResource:",
            f"{INDENT}def __init__(self, client: AsyncCore) -> None:",
            f"{INDENT * 2}self._client = client",
        ]
        return "\n".join(head + body) + "\n"


def model_names(package: Path) -> set[str]:
    """Class names the generated models package exports."""
    text = (package / "_generated" / "models" / "__init__.py").read_text()
    return set(re.findall(r"^from \.\w+ import (\w+)$", text, flags=re.MULTILINE))


def generate(spec_path: Path = SPEC, package: Path = PACKAGE) -> None:
    """Both generated parts, into `package`."""
    generate_low_level(spec_path, package)
    spec = json.loads(spec_path.read_text())
    emitter = Emitter(spec, model_names(package))
    (package / "_resources.py").write_text(emitter.render())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--package", type=Path, default=PACKAGE)
    args = parser.parse_args()
    generate(args.spec, args.package)
    return 0


if __name__ == "__main__":
    sys.exit(main())
