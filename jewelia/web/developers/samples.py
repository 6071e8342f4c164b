"""Code samples for every API operation in curl, Python (SDK), TypeScript (SDK) and plain fetch,
generated from the OpenAPI document.

The SDK samples print the SDKs' calls exactly: path parameters positional in path order, then
the request body, then query parameters (Python keyword arguments, one TypeScript params object).
Example bodies hold the schema's required fields with jewelry values (plus a few telling optional
ones), picked by field name, then by enum, format and type. Samples never hold a secret: they
read the key from `JEWELIA_API_KEY`, and a signed-in member sees only their key's name and prefix.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

from jewelia.core.openapi_sdk import API_PREFIX, camel, operations, sdk_name

LANGS: dict[str, dict[str, str]] = {
    "curl": {"label": "curl", "lang": "shell", "file": "jewelia-samples.sh", "media": "text/x-sh"},
    "python": {
        "label": "Python (SDK)",
        "lang": "python",
        "file": "jewelia_samples.py",
        "media": "text/x-python",
    },
    "typescript": {
        "label": "TypeScript (SDK)",
        "lang": "typescript",
        "file": "jewelia-samples.ts",
        "media": "text/plain",
    },
    "fetch": {
        "label": "fetch",
        "lang": "javascript",
        "file": "jewelia-samples-fetch.mjs",
        "media": "text/javascript",
    },
}
ENV_KEY = "JEWELIA_API_KEY"
ENV_SOURCE_SECRET = "JEWELIA_SOURCE_SECRET"  # noqa: S105 - the variable holding a source's secret
RECEIVE = "receiveWebhook"
# Upload samples (multipart/form-data operations): a small CSV sent as the `file` part.
UPLOAD_NAME = "stock.csv"
UPLOAD_TEXT = "sku,price\nR-1,120\n"
EXAMPLE_ID = "3f6c2b1e-8d4a-4c5e-9b7a-2d1e0f9c8b7a"
# Field values a jeweler would recognise, by (schema title, field) and then by field alone.
BY_SCHEMA: dict[tuple[str, str], Any] = {
    ("ApiKeyCreate", "name"): "Shop sync",
    ("InboundSourceCreate", "name"): "Shopify orders",
    ("ItemCreate", "name"): "Solitaire Diamond Ring",
    ("ItemUpdate", "name"): "Solitaire Diamond Ring",
    ("ItemUpdate", "status"): "in_stock",
    ("ReviewWrite", "body"): "Keeps our stock and orders in step with the shop.",
    ("RunAgain", "options"): {"updateExisting": True, "dryRun": False},
    ("VerifyIn", "body"): '{"event":"order.created","data":{"order_id":"' + EXAMPLE_ID + '"}}',
}
BY_FIELD: dict[str, Any] = {
    "full_name": "Jane Smith",
    "email": "jane@example.com",
    "phone": "+15550123",
    "company": "Smith & Co",
    "password": "your-password",
    "refresh_token": "jwr_your_refresh_token",
    "permissions": ["read", "write"],
    "sku": "RING-001",
    "name": "Solitaire Diamond Ring",
    "category": "rings",
    "price": 1899.0,
    "quantity": 1,
    "status": "confirmed",
    "payment_status": "paid",
    "notes": "Engraving: J & M, 14.02.2025",
    "items": [{"inventory_id": EXAMPLE_ID, "quantity": 1}],
    "events": ["order.created", "customer.created"],
    "url": "https://shop.example.com/webhooks/jewelia",
    "webhookUrl": "https://shop.example.com/webhooks/jewelia",
    "description": "Shop sync",
    "grace_period_hours": 24,
    "rating": 5,
    "reason": "This review is about another app",
    "since": "2024-01-15T00:00:00Z",
    "template": "order_created",
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "event": "order.created",
    "id": "evt_1001",
    "data": {"reference": "SO-1001", "customer_email": "jane@example.com"},
    "payload": {"event": "order.created", "data": {"order_id": EXAMPLE_ID}},
    "headers": {
        "webhook-id": "msg_2b7c1f",
        "webhook-timestamp": "1705314600",
        "webhook-signature": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
    },
}
# Optional fields worth showing in a create sample, and the fields an update without required
# fields shows (the first one found for PATCH, all found for PUT).
ALSO_SHOW: dict[str, tuple[str, ...]] = {
    "CustomerCreate": ("email", "phone"),
    "ItemCreate": ("quantity",),
    "WebhookCreate": ("description",),
    "receiveWebhook": ("id", "data"),  # an untitled schema: named by its operation
}
UPDATE_FIELDS = (
    "full_name",
    "email",
    "phone",
    "name",
    "price",
    "quantity",
    "status",
    "payment_status",
    "url",
    "events",
    "description",
    "grace_period_hours",
    "secret",
    "options",
)
PATCH_FIRST = ("phone", "price", "status", "description", "grace_period_hours", "options")
QUERY_VALUES: dict[str, Any] = {"page": 1, "limit": 20}
SEARCH_WORDS = {"customers": "john", "inventory": "solitaire", "marketplace": "accounting"}
PATH_VALUES = {"listing": "gem-ledger", "token": "your-download-token"}
# The import sample's file: a two-line CSV, base64-encoded as the JSON body asks.
IMPORT_CSV_BASE64 = "ZnVsbF9uYW1lLGVtYWlsCkphbmUgU21pdGgsamFuZUBleGFtcGxlLmNvbQo="
_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


@dataclass(frozen=True)
class KeyHint:
    """A signed-in member's key as samples may name it: its name and prefix, never the secret."""

    name: str
    prefix: str


@dataclass(frozen=True)
class Call:
    """One operation as the samples need it."""

    operation_id: str
    method: str
    path: str  # relative to /api/v1, e.g. /customers/{customer_id}
    summary: str
    resource: str
    name: str
    path_params: tuple[tuple[str, Any], ...]
    query: tuple[tuple[str, Any], ...]
    body: Any  # None: no body
    auth: bool
    paged: bool
    upload: bool = False  # a multipart/form-data body with a `file` (body: {"file": ...})

    @property
    def python_call(self) -> str:
        return f"client.{self.resource}.{self.name}"

    @property
    def ts_call(self) -> str:
        return f"client.{camel(self.resource)}.{camel(self.name)}"

    def url(self, base_url: str) -> str:
        path = self.path
        for name, value in self.path_params:
            path = path.replace("{" + name + "}", str(value))
        query = "&".join(f"{k}={_query_text(v)}" for k, v in self.query)
        return f"{base_url}{path}" + (f"?{query}" if query else "")


# --- example values -------------------------------------------------------------------------------


class Examples:
    """Example values from a document's schemas (references resolved, cycles cut)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas = document.get("components", {}).get("schemas", {})

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in schema and seen < 20:
            schema = self.schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
            seen += 1
        return schema

    def variant(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The first non-null alternative of a oneOf/anyOf (or the schema itself)."""
        schema = self.resolve(schema)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                options = [self.resolve(s) for s in schema[key]]
                usable = [s for s in options if s.get("type") != "null"]
                if usable:
                    merged = {k: v for k, v in schema.items() if k != key}
                    return self.variant({**merged, **usable[0]})
        return schema

    def value(
        self, schema: dict[str, Any], field: str = "", title: str = "", depth: int = 0
    ) -> Any:
        schema = self.variant(schema)
        if (title, field) in BY_SCHEMA:
            return BY_SCHEMA[(title, field)]
        if field == "data" and schema.get("contentEncoding") == "base64":
            return IMPORT_CSV_BASE64
        if field in BY_FIELD:
            return BY_FIELD[field]
        if "example" in schema:
            return schema["example"]
        if schema.get("examples"):
            return schema["examples"][0]
        if "enum" in schema:
            return schema["enum"][0]
        if "const" in schema:
            return schema["const"]
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        if kind == "object" or "properties" in schema:
            return self.object(schema, depth) if depth < 4 else {}
        if kind == "array":
            return [self.value(schema.get("items", {}), field, title, depth + 1)]
        if kind == "integer":
            return int(schema.get("default", schema.get("minimum", 1)) or 1)
        if kind == "number":
            return float(schema.get("default", 1.0) or 1.0)
        if kind == "boolean":
            return bool(schema.get("default", True))
        return {
            "uuid": EXAMPLE_ID,
            "date": "2024-06-15",
            "date-time": "2024-01-15T10:30:00Z",
            "email": "jane@example.com",
            "uri": "https://shop.example.com",
        }.get(schema.get("format", ""), field.replace("_", " ") or "example")

    def object(
        self, schema: dict[str, Any], depth: int = 0, method: str = "POST", operation: str = ""
    ) -> Any:
        """Required fields (and telling optional ones); an update shows the fields it changes."""
        schema = self.variant(schema)
        props: dict[str, Any] = schema.get("properties", {})
        title = str(schema.get("title", ""))
        chosen = [name for name in props if name in schema.get("required", [])]
        extra = ALSO_SHOW.get(title, ()) if title else ALSO_SHOW.get(operation, ())
        chosen += [n for n in extra if n in props and n not in chosen]
        if not chosen and props and depth == 0:
            if method == "PUT":
                chosen = [n for n in UPDATE_FIELDS if n in props][:3]
            else:
                first = [n for n in PATCH_FIRST if n in props]
                chosen = first[:1] or [n for n in UPDATE_FIELDS if n in props][:1]
            chosen = chosen or list(props)[:1]
        return {name: self.value(props[name], name, title, depth + 1) for name in chosen}


def calls(document: dict[str, Any]) -> list[Call]:
    """Every API operation of the (full) OpenAPI document, ready for the samples."""
    examples = Examples(document)
    found = []
    for method, path, operation in operations(document):
        resource, name = sdk_name(operation)
        params = operation.get("parameters", [])
        path_params = tuple(
            (p["name"], _path_value(p, examples))
            for p in sorted(
                (p for p in params if p.get("in") == "path"),
                key=lambda p: path.index("{" + p["name"] + "}"),
            )
        )
        query_params = {p["name"]: p for p in params if p.get("in") == "query"}
        query = []
        for qname, param in query_params.items():
            if param.get("required"):
                query.append((qname, examples.value(param.get("schema", {}), qname)))
            elif qname in QUERY_VALUES:
                query.append((qname, QUERY_VALUES[qname]))
            elif qname == "search" and resource in SEARCH_WORDS:
                query.append((qname, SEARCH_WORDS[resource]))
        content = operation.get("requestBody", {}).get("content", {})
        body = None
        if "application/json" in content:
            schema = content["application/json"].get("schema", {})
            body = examples.object(
                schema, method=method, operation=operation.get("operationId", "")
            )
            body = body or None
        upload = "application/json" not in content and "multipart/form-data" in content
        if upload:
            body = {"file": UPLOAD_NAME}
        security = operation.get("security")
        found.append(
            Call(
                operation_id=operation.get("operationId", ""),
                method=method,
                path=path[len(API_PREFIX) :],
                summary=operation.get("summary") or operation.get("operationId", ""),
                resource=resource,
                name=name,
                path_params=path_params,
                query=tuple(query),
                body=body,
                auth=not (security is not None and (security == [] or {} in security)),
                paged=name.startswith("list") and ("page" in query_params),
                upload=upload,
            )
        )
    return found


def _path_value(param: dict[str, Any], examples: Examples) -> Any:
    if param["name"] in PATH_VALUES:
        return PATH_VALUES[param["name"]]
    return examples.value(param.get("schema", {}), param["name"])


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).replace(" ", "+")


def python_name(name: str) -> str:
    """A query parameter as a Python keyword argument (`pricingModel` -> `pricing_model`)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


# --- literals -------------------------------------------------------------------------------------


def py_literal(value: Any, indent: int = 0) -> str:
    """Python source for a JSON value (dicts with more than two keys over several lines)."""
    pad = "    " * (indent + 1)
    if isinstance(value, dict):
        items = [f"{json.dumps(k)}: {py_literal(v, indent + 1)}" for k, v in value.items()]
        if _fits(items):
            return "{" + ", ".join(items) + "}"
        return "{\n" + "".join(f"{pad}{i},\n" for i in items) + "    " * indent + "}"
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v, indent) for v in value) + "]"
    if value is None or isinstance(value, bool):
        return {None: "None", True: "True", False: "False"}[value]
    return json.dumps(value, ensure_ascii=False)


def _fits(items: list[str]) -> bool:
    """Whether an object's items read well on one line."""
    return len(items) <= 4 and sum(len(i) + 2 for i in items) <= 64 and "\n" not in "".join(items)


def ts_literal(value: Any, indent: int = 0) -> str:
    """TypeScript source for a JSON value (single-quoted strings, bare keys where allowed)."""
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        items = [
            f"{k if _IDENT.match(k) else _ts_string(k)}: {ts_literal(v, indent + 1)}"
            for k, v in value.items()
        ]
        if not items:
            return "{}"
        if _fits(items):
            return "{ " + ", ".join(items) + " }"
        return "{\n" + "".join(f"{pad}{i},\n" for i in items) + "  " * indent + "}"
    if isinstance(value, list):
        return "[" + ", ".join(ts_literal(v, indent) for v in value) + "]"
    if isinstance(value, str):
        return _ts_string(value)
    return json.dumps(value)


def _ts_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _json_text(value: Any) -> str:
    """JSON for a command line: one line when short, else indented."""
    flat = json.dumps(value, ensure_ascii=False)
    return flat if len(flat) <= 64 else json.dumps(value, indent=2, ensure_ascii=False)


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# --- samples --------------------------------------------------------------------------------------


def _key_comment(hint: KeyHint | None, mark: str) -> list[str]:
    if hint is None:
        return []
    return [
        f'{mark} Your key "{hint.name}" ({hint.prefix}…): export its secret as {ENV_KEY}',
    ]


def setup(lang: str, base_url: str, hint: KeyHint | None = None) -> str:
    """What a program needs before its first call (imports, client, base URL)."""
    if lang == "curl":
        lines = _key_comment(hint, "#")
    elif lang == "python":
        lines = [
            *_key_comment(hint, "#"),
            "import os",
            "",
            "from jewelia_api_client import JeweliaClient",
            "",
            "client = JeweliaClient(",
            f'    api_key=os.environ["{ENV_KEY}"],',
            f'    base_url="{base_url}",',
            ")",
        ]
    elif lang == "typescript":
        lines = [
            *_key_comment(hint, "//"),
            "import { JeweliaClient } from '@jewelia/api-client';",
            "",
            "const client = new JeweliaClient({",
            f"  apiKey: process.env.{ENV_KEY}!,",
            f"  baseUrl: '{base_url}',",
            "});",
        ]
    elif lang == "fetch":
        lines = [
            *_key_comment(hint, "//"),
            f"const BASE_URL = '{base_url}';",
            f"const API_KEY = process.env.{ENV_KEY};",
        ]
    else:
        raise KeyError(lang)
    return "\n".join(lines)


def body_lines(call: Call, lang: str, base_url: str) -> list[str]:
    """The call itself, without the set-up (used alone in the downloadable files)."""
    if lang == "curl":
        return _curl(call, base_url)
    if lang == "python":
        return _python(call)
    if lang == "typescript":
        return _typescript(call)
    if lang == "fetch":
        return _fetch(call)
    raise KeyError(lang)


def _signed_note(call: Call, mark: str, by_sdk: bool = False) -> list[str]:
    if call.operation_id != RECEIVE:
        return []
    if by_sdk:
        return [
            f"{mark} No API key: the SDK signs the exact bytes it sends with the source's",
            f"{mark} secret (whsec_..., here from {ENV_SOURCE_SECRET}) and adds a timestamp.",
        ]
    return [
        f"{mark} No API key: sign the exact bytes you send (HMAC-SHA256, hex) with the source's",
        f"{mark} secret (whsec_..., here {ENV_SOURCE_SECRET}) and send a timestamp within 5",
        f"{mark} minutes (see /developers/webhooks-guide).",
    ]


def _curl(call: Call, base_url: str) -> list[str]:
    lines = [*_signed_note(call, "#")]
    body = None if call.body is None else _json_text(call.body)
    if call.operation_id == RECEIVE and body is not None:
        lines += [
            f"BODY={_shell_quote(body)}",
            f'SIGNATURE=$(printf "%s" "$BODY" | openssl dgst -sha256 -hmac "${ENV_SOURCE_SECRET}"'
            " | sed 's/^.* //')",
        ]
    parts = [f'curl -X {call.method} "{call.url(base_url)}"']
    if call.auth:
        parts.append(f'-H "Authorization: Bearer ${ENV_KEY}"')
    if call.upload:
        parts += ['-H "Idempotency-Key: $(uuidgen)"', f'-F "file=@{UPLOAD_NAME}"']
        return [*lines, " \\\n  ".join(parts)]
    if body is not None:
        parts.append('-H "Content-Type: application/json"')
        if call.operation_id == RECEIVE:
            parts += [
                '-H "X-Webhook-Signature: sha256=$SIGNATURE"',
                '-H "webhook-timestamp: $(date +%s)"',
                '--data-binary "$BODY"',
            ]
        elif call.method == "POST" and call.auth:
            parts += ['-H "Idempotency-Key: $(uuidgen)"', f"-d {_shell_quote(body)}"]
        else:
            parts.append(f"-d {_shell_quote(body)}")
    return [*lines, " \\\n  ".join(parts)]


def _python(call: Call) -> list[str]:
    args = [name for name, _ in call.path_params]
    values = [f"{name} = {py_literal(value)}" for name, value in call.path_params]
    if call.operation_id == RECEIVE and call.body is not None:
        values.append(f"event = {py_literal(call.body)}")
        args += ["event", f'signing_secret=os.environ["{ENV_SOURCE_SECRET}"]']
    elif call.upload:  # (file name, bytes); an open binary file works too
        args.append(f'{{"file": ({UPLOAD_NAME!r}, {UPLOAD_TEXT.encode()!r})}}')
    elif call.body is not None:
        args.append(py_literal(call.body))
    args += [f"{python_name(k)}={py_literal(v)}" for k, v in call.query]
    invocation = f"{call.python_call}({', '.join(args)})"
    if call.operation_id == RECEIVE:
        invocation = f"{call.python_call}(\n    {', '.join(args)}\n)"
    lines = [*_signed_note(call, "#", by_sdk=True), *values]
    if call.paged:
        lines += [
            f"page = {invocation}",
            "for record in page.data:",
            "    print(record)",
            "print(page.pagination, page.has_more)",
        ]
    else:
        lines += [f"result = {invocation}", "print(result)"]
    return lines


def _typescript(call: Call) -> list[str]:
    args = [camel(name) for name, _ in call.path_params]
    values = [f"const {camel(name)} = {ts_literal(value)};" for name, value in call.path_params]
    if call.operation_id == RECEIVE and call.body is not None:
        values.append(f"const event = {ts_literal(call.body)};")
        args += ["event", f"{{ signingSecret: process.env.{ENV_SOURCE_SECRET}! }}"]
    elif call.upload:
        args.append(f"{{ file: new Blob([{json.dumps(UPLOAD_TEXT)}]) }}")
    elif call.body is not None:
        args.append(ts_literal(call.body))
    if call.query:
        args.append(ts_literal(dict(call.query)))
    invocation = f"await {call.ts_call}({', '.join(args)})"
    if call.operation_id == RECEIVE:
        invocation = f"await {call.ts_call}(\n  {', '.join(args)},\n)"
    lines = [*_signed_note(call, "//", by_sdk=True), *values]
    if call.paged:
        lines += [
            f"const page = {invocation};",
            "for (const record of page.data) console.log(record);",
            "console.log(page.pagination, page.has_more);",
        ]
    else:
        lines += [f"const result = {invocation};", "console.log(result);"]
    return lines


def _fetch(call: Call) -> list[str]:
    url = call.url("${BASE_URL}")
    headers: list[str] = []
    if call.auth:
        headers.append("Authorization: `Bearer ${API_KEY}`")
    if call.upload:
        headers.append("'Idempotency-Key': crypto.randomUUID()")
    elif call.body is not None:
        headers.append("'Content-Type': 'application/json'")
        if call.operation_id == RECEIVE:
            headers.append("'X-Webhook-Signature': `sha256=${signature}`")
            headers.append("'webhook-timestamp': String(Math.floor(Date.now() / 1000))")
        elif call.method == "POST" and call.auth:
            headers.append("'Idempotency-Key': crypto.randomUUID()")
    options = [f"  method: '{call.method}',"]
    if headers:
        options.append("  headers: {\n" + "".join(f"    {h},\n" for h in headers) + "  },")
    lines = [*_signed_note(call, "//")]
    if call.operation_id == RECEIVE and call.body is not None:
        # The bytes signed are the bytes sent: serialise once.
        options.append("  body: payload,")
        lines += [
            f"const payload = JSON.stringify({ts_literal(call.body)});",
            "const encoder = new TextEncoder();",
            "const key = await crypto.subtle.importKey(",
            "  'raw',",
            f"  encoder.encode(process.env.{ENV_SOURCE_SECRET}),",
            "  { name: 'HMAC', hash: 'SHA-256' },",
            "  false,",
            "  ['sign'],",
            ");",
            "const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(payload)));",
            "const signature = Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');",
        ]
    elif call.upload:
        options.append("  body: form,")
        lines += [
            "const form = new FormData();",
            f"form.append('file', new Blob([{json.dumps(UPLOAD_TEXT)}]), '{UPLOAD_NAME}');",
        ]
    elif call.body is not None:
        options.append(f"  body: JSON.stringify({ts_literal(call.body, 1)}),")
    lines += [
        f"const response = await fetch(`{url}`, {{",
        *options,
        "});",
    ]
    if call.operation_id == "downloadImportExportFile":
        lines += ["const file = await response.arrayBuffer();", "console.log(file.byteLength);"]
        return lines
    lines += [
        "const body = await response.json();",
        "if (!body.success) throw new Error(`${body.code}: ${body.error}`);",
        "console.log(body.data);",
    ]
    return lines


def sample(call: Call, lang: str, base_url: str, hint: KeyHint | None = None) -> str:
    """A complete program for one operation in one language."""
    head = setup(lang, base_url, hint)
    return (head + "\n\n" if head else "") + "\n".join(body_lines(call, lang, base_url))


def code_samples(call: Call, base_url: str, hint: KeyHint | None = None) -> list[dict[str, str]]:
    """The operation's `x-codeSamples`: one entry per language."""
    return [
        {"lang": meta["lang"], "label": meta["label"], "source": sample(call, lang, base_url, hint)}
        for lang, meta in LANGS.items()
    ]


def with_code_samples(
    document: dict[str, Any], base_url: str, hint: KeyHint | None = None
) -> dict[str, Any]:
    """A copy of the document with `x-codeSamples` on every API operation and this server."""
    out = copy.deepcopy(document)
    by_id = {c.operation_id: c for c in calls(out)}
    for _method, _path, operation in operations(out):
        operation["x-codeSamples"] = code_samples(by_id[operation["operationId"]], base_url, hint)
        for param in operation.get("parameters", []):
            # Paging values for the try-it form (an empty page box reads as invalid there).
            if param.get("in") == "query" and param["name"] in QUERY_VALUES:
                param.setdefault("example", QUERY_VALUES[param["name"]])
    origin = base_url[: -len(API_PREFIX)] if base_url.endswith(API_PREFIX) else base_url
    out["servers"] = [{"url": origin, "description": "This Jewelia server"}]
    return out


def _function_name(call: Call, lang: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", call.operation_id).lower()
    return snake if lang in ("curl", "python") else call.operation_id


def download(
    document: dict[str, Any], lang: str, base_url: str, hint: KeyHint | None = None
) -> str:
    """Every operation's sample in one file: the set-up once, then one function per operation
    (nothing runs on import; the shell script runs the function named on its command line)."""
    head = setup(lang, base_url, hint)
    if lang == "curl":
        head = "\n".join(["#!/bin/sh", f"# Jewelia API samples for {base_url}", head]).strip()
    parts = [head]
    for call in calls(document):
        name = _function_name(call, lang)
        inner = body_lines(call, lang, base_url)
        title = f"{call.method} {call.path}: {call.summary}"
        if lang == "curl":
            parts.append(f"# {title}\n{name}() {{\n" + _indent(inner, "  ") + "\n}")
        elif lang == "python":
            parts.append(f"def {name}():\n" + _indent([f'"""{title}"""', *inner], "    "))
        else:
            parts.append(
                f"// {title}\nexport async function {name}() {{\n" + _indent(inner, "  ") + "\n}"
            )
    if lang == "curl":
        parts.append('# Run one: sh jewelia-samples.sh list_customers\n"$@"')
    return "\n\n\n".join(parts) + "\n"


def _indent(lines: list[str], pad: str) -> str:
    return "\n".join(pad + line if line else line for text in lines for line in text.split("\n"))
