"""The developer portal over HTTP: seven public tabs for visitors and members, code samples for
every operation (complete, compiling, naming real paths), personal touches without secrets, the
try-it token (session + CSRF, short-lived, read-only, one business), /api/v1/docs moved."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt

from jewelia.core.db import TenantRef
from jewelia.core.openapi_sdk import API_PREFIX, SDK_NAMES, camel, operations
from jewelia.platform.apikeys.service import PERMISSIONS, create_key
from jewelia.tenants.audit.service import Actor
from jewelia.tenants.crm.customers import service as customers
from jewelia.web.developers import samples
from jewelia.web.developers.portal import TABS
from tests.integration.test_pages import signup
from tests.integration.test_webhook_pages import _signed_up

HX_TOKEN = re.compile(r'"x-csrftoken": "([^"]+)"')
JSON = {"accept": "application/json"}
CURL_URL = re.compile(r'curl -X (\w+) "([^"]+)"')


def _csrf(page: str) -> str:
    found = HX_TOKEN.search(page)
    assert found, "no CSRF token in the page"
    return found.group(1)


async def _reference_document(client: Any) -> dict[str, Any]:
    r = await client.get("/developers/reference/openapi.json")
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_every_tab_renders_for_visitors(client: Any) -> None:
    for key, label, href in TABS:
        r = await client.get(href)
        assert r.status_code == 200, (href, r.text[:300])
        assert 'aria-label="Developer portal"' in r.text
        assert f'href="{href}" aria-current="page">{label.replace("&", "&amp;")}<' in r.text, key
        assert 'class="sidebar"' not in r.text  # the public layout
        if key in ("start", "auth", "sdks"):
            assert "http://testserver.local/api/v1" in r.text


async def test_every_tab_renders_for_members_with_their_business(client: Any) -> None:
    await signup(client, business="Portal Pearls")
    for _key, _label, href in TABS:
        r = await client.get(href)
        assert r.status_code == 200, (href, r.text[:300])
        assert 'class="sidebar"' in r.text and "Portal Pearls" in r.text
        assert 'href="/developers" aria-current="page">Developers</a>' in r.text


async def test_get_started_has_the_three_steps_with_this_servers_base_url(client: Any) -> None:
    r = await client.get("/developers")
    text = r.text
    for step in ("step-key", "step-call", "step-sdk"):
        assert f'id="{step}"' in text
    assert '<code class="dev-base" id="base-url">http://testserver.local/api/v1</code>' in text
    assert "curl -X GET &#34;http://testserver.local/api/v1/customers?page=1&amp;limit=20" in text
    assert "pip install jewelia-api-client" in text and "npm install @jewelia/api-client" in text
    assert 'href="/settings/api-keys"' in text or 'href="/signup"' in text


async def test_authentication_lists_permissions_from_the_guard_and_the_scopes(client: Any) -> None:
    text = (await client.get("/developers/auth")).text
    for anchor in ("api-keys", "permissions", "key-controls", "jwt", "oauth", "scopes", "cors"):
        assert f'id="{anchor}"' in text
    admin = text.split('id="permission-admin"')[1].split("</tr>")[0]
    assert "/api-keys" in admin and "/webhooks/inbound" in admin
    read = text.split('id="permission-read"')[1].split("</tr>")[0]
    assert "/customers" in read and "/api-keys" not in read
    none = text.split('id="permission-none"')[1].split("</tr>")[0]
    assert "/auth/token" in none
    assert 'id="scope-customers-read"' in text and 'id="scope-import_export-write"' in text


async def test_code_samples_cover_every_operation_in_four_languages(client: Any) -> None:
    document = await _reference_document(client)
    ops = operations(document)
    assert len(ops) == len(SDK_NAMES)
    templates = {
        (method, re.sub(r"\{[^}]+\}", "[^/]+", path)) for method, path, _ in operations(document)
    }
    for method, path, operation in ops:
        got = {s["label"]: s for s in operation["x-codeSamples"]}
        assert set(got) == {"curl", "Python (SDK)", "TypeScript (SDK)", "fetch"}, path
        resource, name = SDK_NAMES[operation["operationId"]]
        python = got["Python (SDK)"]["source"]
        compile(python, f"{operation['operationId']}.py", "exec")  # SyntaxError fails the test
        assert f"client.{resource}.{name}(" in python
        assert f"client.{camel(resource)}.{camel(name)}(" in got["TypeScript (SDK)"]["source"]
        curl = CURL_URL.search(got["curl"]["source"])
        assert curl and curl.group(1) == method, got["curl"]["source"]
        url = httpx.URL(curl.group(2))
        assert str(url).startswith("http://testserver.local/api/v1/")
        assert any(m == method and re.fullmatch(t, url.path) for m, t in templates), (
            f"{method} {url.path} is not a path of the API"
        )
        assert (
            f"fetch(`${{BASE_URL}}{path[len(API_PREFIX) :].split('{')[0]}"
            in (got["fetch"]["source"])
        )
    assert document["servers"] == [
        {"url": "http://testserver.local", "description": "This Jewelia server"}
    ]
    # The API's own document and the SDKs' are left alone.
    plain = (await client.get("/api/v1/openapi.json")).json()
    assert "x-codeSamples" not in json.dumps(plain)


async def test_samples_follow_the_sdk_conventions(client: Any) -> None:
    document = await _reference_document(client)
    by_id = {
        op["operationId"]: {s["label"]: s["source"] for s in op["x-codeSamples"]}
        for _m, _p, op in operations(document)
    }
    listing = by_id["listCustomers"]
    assert 'client.customers.list(page=1, limit=20, search="john")' in listing["Python (SDK)"]
    assert (
        "client.customers.list({ page: 1, limit: 20, search: 'john' })"
        in listing["TypeScript (SDK)"]
    )
    update = by_id["updateCustomer"]
    assert 'client.customers.update(customer_id, {"phone": "+15550123"})' in update["Python (SDK)"]
    assert (
        "client.customers.update(customerId, { phone: '+15550123' })" in update["TypeScript (SDK)"]
    )
    assert "client.customers.delete(customer_id)" in by_id["deleteCustomer"]["Python (SDK)"]
    start = by_id["startImportExport"]["Python (SDK)"]
    assert re.search(r'client\.import_export\.start\(\{.*\}, action="import"\)', start, re.S)
    browse = by_id["browseMarketplace"]["Python (SDK)"]
    assert "client.marketplace.list(" in browse
    create = by_id["createInventoryItem"]["curl"]
    body = json.loads(create.split("-d '")[1].rsplit("'", 1)[0])
    assert body["sku"] == "RING-001" and body["price"] > 0
    assert "Idempotency-Key" in create and "Idempotency-Key" not in by_id["createToken"]["curl"]
    assert "Authorization" not in by_id["createToken"]["curl"]


async def test_downloads_hold_every_operation_and_run_nothing_on_import(client: Any) -> None:
    for lang, meta in samples.LANGS.items():
        r = await client.get(f"/developers/samples/{lang}")
        assert r.status_code == 200
        assert meta["file"] in r.headers["content-disposition"]
        assert r.headers["content-type"].startswith(meta["media"])
        for operation_id in SDK_NAMES:
            marker = (
                re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", operation_id).lower()
                if lang in ("curl", "python")
                else operation_id
            )
            assert marker in r.text, (lang, operation_id)
        if lang == "python":
            compile(r.text, meta["file"], "exec")
        if lang == "curl":
            checked = await asyncio.to_thread(
                subprocess.run, ["sh", "-n"], input=r.text, text=True, capture_output=True
            )
            assert checked.returncode == 0, checked.stderr
    assert (await client.get("/developers/samples/cobol")).status_code == 404


async def test_members_see_their_key_names_and_prefixes_never_secrets(client: Any) -> None:
    tenant = await _signed_up(client, "Keyed Gems")
    key = await create_key(tenant.id, "Shop sync", ["read", "write"])
    revoked = await create_key(tenant.id, "Old till", ["read"])
    from jewelia.platform.apikeys.service import revoke_key

    await revoke_key(tenant.id, revoked.key.id)
    pages = [(await client.get(href)).text for _k, _l, href in TABS]
    document = await _reference_document(client)
    pages.append(json.dumps(document))
    pages += [(await client.get(f"/developers/samples/{lang}")).text for lang in samples.LANGS]
    shown = f'Your key "Shop sync" ({key.key.prefix}…)'
    assert shown in pages[0].replace("&#34;", '"')
    assert shown in pages[-1]  # the downloads
    for _method, _path, operation in operations(document):  # the reference's samples
        assert all(shown in s["source"] for s in operation["x-codeSamples"])
    for text in pages:
        assert key.secret not in text and revoked.secret not in text
        assert key.secret[len(key.key.prefix) :] not in text
        assert "Old till" not in text
        assert "eyJ" not in text  # no JWT either


async def test_only_owners_and_admins_see_key_names(client: Any) -> None:
    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email
    from tests.integration.test_pages import form_post

    owner, tenant = await accounts.signup(
        "Quiet Gems", "Ona Owner", unique_email(), STRONG_PASSWORD
    )
    await create_key(tenant.id, "Secret project", ["read"])
    token = await accounts.invite_member(
        owner, await accounts.membership(owner.id, tenant.id), unique_email("member"), "member"
    )
    user, _ = await accounts.register_and_accept(token, "Mia Member", STRONG_PASSWORD)
    r = await form_post(client, "/login", {"email": user.email, "password": STRONG_PASSWORD})
    assert r.status_code == 200
    text = (await client.get("/developers")).text
    assert "Quiet Gems" in text and "only owners and admins make API keys" in text
    assert "Secret project" not in text
    assert "Secret project" not in (await client.get("/developers/samples/python")).text


async def test_try_token_needs_a_session_and_csrf(client: Any) -> None:
    visitor = await client.get("/developers/reference")
    assert "data-token-url" not in visitor.text
    # No CSRF token: refused before anything else; with a visitor's token: not signed in.
    r = await client.post("/developers/reference/token", headers=JSON)
    assert r.status_code == 403
    r = await client.post(
        "/developers/reference/token", headers={**JSON, "x-csrftoken": _csrf(visitor.text)}
    )
    assert r.status_code == 401 and r.json()["code"] == "AUTHENTICATION_ERROR"
    await signup(client, business="Try Gems")
    page = await client.get("/developers/reference")
    assert 'data-token-url="/developers/reference/token"' in page.text
    r = await client.post("/developers/reference/token", headers=JSON)
    assert r.status_code == 403  # signed in, but no CSRF token
    r = await client.post("/developers/reference/token", headers={**JSON, "x-csrftoken": "0" * 64})
    assert r.status_code == 403


async def test_try_token_is_short_lived_read_only_and_for_one_business(
    client: Any, app: Any
) -> None:
    tenant = await _signed_up(client, "Tried Gems")
    actor = Actor("user", uuid.uuid4(), "seed")
    name = f"Tess Try {uuid.uuid4().hex[:6]}"
    await customers.create_customer(
        TenantRef(tenant.id, tenant.schema_name), actor, {"full_name": name}
    )
    other = await _signed_up_elsewhere()
    page = await client.get("/developers/reference")
    r = await client.post(
        "/developers/reference/token", headers={**JSON, "x-csrftoken": _csrf(page.text)}
    )
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    data = r.json()["data"]
    assert data["permissions"] == ["read"] and data["expires_in"] == 300
    assert data["business"] == {"id": str(tenant.id), "name": "Tried Gems"}
    claims = jwt.decode(data["token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 300 and claims["role"] == "read-only"
    assert claims["tid"] == str(tenant.id)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50002))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver.local/api/v1",
        headers={"Authorization": f"Bearer {data['token']}"},
    ) as api:
        listed = await api.get("/customers", params={"search": name})
        assert listed.status_code == 200
        assert [c["full_name"] for c in listed.json()["data"]] == [name]
        created = await api.post("/customers", json={"full_name": "Not Allowed"})
        assert created.status_code == 403 and "only reads" in created.json()["error"]
        theirs = await api.get(f"/customers/{other}")
        assert theirs.status_code == 404  # another business's customer
        # Marked as the portal's: refused on anything but GET/HEAD, whatever the route's
        # own permission (starting an export and reporting a review need only `read`).
        assert claims["purpose"] == "try"
        refusals = [
            await api.post(
                "/import-export?action=export", json={"type": "customers", "format": "csv"}
            ),
            await api.post(
                f"/integrations/marketplace/{uuid.uuid4()}/reviews/{uuid.uuid4()}/report",
                json={"reason": "This review is about another app"},
            ),
            await api.request("OPTIONS", "/customers"),
        ]
        for refused in refusals:
            assert refused.status_code == 403, refused.text
            assert refused.json()["details"] == {"token": "try"}
            assert "try-it token only reads" in refused.json()["error"]
    # The same member's own (unmarked) token may start an export: the refusal is the mark's.
    from jewelia.platform.apikeys.tokens import issue_access

    own = issue_access(uuid.UUID(claims["sub"]), tenant.id, "read-only", claims["sep"])
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver.local/api/v1",
        headers={"Authorization": f"Bearer {own}"},
    ) as api:
        started = await api.post(
            "/import-export?action=export", json={"type": "customers", "format": "csv"}
        )
        assert started.status_code == 202, started.text


async def _signed_up_elsewhere() -> str:
    """A customer of another business; its id."""
    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email

    _user, tenant = await accounts.signup("Other Gems", "Oz Other", unique_email(), STRONG_PASSWORD)
    made = await customers.create_customer(
        tenant.ref, Actor("user", uuid.uuid4(), "seed"), {"full_name": "Someone Else"}
    )
    return str(made["id"])


async def test_api_docs_moved_and_the_reference_has_its_own_style_policy(client: Any) -> None:
    r = await client.get("/api/v1/docs", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/developers/reference"
    ref = await client.get("/developers/reference")
    csp = ref.headers["content-security-policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp and "script-src 'self';" in csp
    assert '<script src="/static/vendor/scalar/standalone.js"></script>' in ref.text
    other = await client.get("/developers")
    assert "unsafe-inline" not in other.headers["content-security-policy"]
    assert "<script>" not in ref.text.replace("<script src", "")
    static = await client.get("/static/vendor/scalar/standalone.js")
    assert static.status_code == 200 and len(static.content) > 1_000_000
    assert (await client.get("/static/vendor/scalar/LICENSE")).status_code == 200
    assert (await client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")).status_code == 404


async def test_personal_answers_are_private_and_pages_answer_head(client: Any) -> None:
    """The reference document and the downloads (a signed-in admin's key names) are the
    browser's only and vary by cookie; every HTML page is private, no-cache unless it says
    otherwise (static files keep theirs); HEAD on a portal page answers as GET does."""
    await signup(client, business="Cached Gems")
    personal = [await client.get("/developers/reference/openapi.json")]
    personal += [await client.get(f"/developers/samples/{lang}") for lang in samples.LANGS]
    for r in personal:
        assert r.status_code == 200
        assert r.headers["cache-control"] == "private, no-cache", r.request.url
        assert "Cookie" in r.headers.get_list("vary")
    for href in ("/developers", "/app/customers", "/app/inventory", "/settings/api-keys"):
        r = await client.get(href)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), href
        assert r.headers["cache-control"] == "private, no-cache", href
    static = await client.get("/static/app.css")
    assert static.status_code == 200 and "private" not in static.headers.get("cache-control", "")
    api = await client.get("/api/v1/openapi.json")
    assert "private" not in api.headers.get("cache-control", "")
    for _key, _label, href in TABS:
        got, head = await client.get(href), await client.head(href)
        assert head.status_code == 200, (href, head.status_code)
        for name in ("content-type", "cache-control"):
            assert head.headers[name] == got.headers[name], (href, name)
    head = await client.head("/developers/reference/openapi.json")
    assert head.status_code == 200 and head.headers["vary"] == "Cookie"
    client.cookies.clear()
    visitor = await client.get("/developers")  # a visitor's page holds its CSRF token too
    assert visitor.headers["cache-control"] == "private, no-cache"


async def test_errors_page_has_an_anchor_per_catalog_code(client: Any) -> None:
    from jewelia.core.error_catalog import CATALOG

    text = (await client.get("/developers/errors")).text
    for code in CATALOG:
        assert text.count(f'id="error-{code}"') == 1, code


async def test_pages_say_what_the_sdks_do(client: Any) -> None:
    """Retries of a 429 (only up to a 60 s Retry-After), the request id and retry-after
    spellings per language, webhook verification without a silent legacy fall-back."""
    from jewelia.core.error_catalog import CATALOG

    errors = (await client.get("/developers/errors")).text
    assert "`" not in errors.split('id="rate-limits"')[1].split("</section>")[0]
    assert "(also <code>retryAfter</code>)" in errors
    assert "at most 60 seconds" in errors and "raises <code>RateLimitError</code> at once" in errors
    limit = CATALOG["RATE_LIMIT_EXCEEDED"].fix
    assert "at most 60 s" in limit and "`RateLimitError`" in limit and "`retryAfter`" in limit
    sdks = (await client.get("/developers/sdks")).text
    assert "<code>request_id</code> and TypeScript <code>requestId</code>" in sdks
    assert "<code>retry_after</code> (Python) / <code>retryAfter</code> (TypeScript)" in sdks
    assert "longer than 60 seconds" in sdks
    assert "import asyncio\nimport os\n\nfrom jewelia_api_client import AsyncJeweliaClient" in (
        sdks.replace("&#34;", '"')
    )
    assert "<code>allow_legacy=True</code> (Python)" in sdks and "cannot stop a replay" in sdks
    guide = (await client.get("/developers/webhooks-guide")).text
    assert "cannot stop a replay</em>" in guide and "never as a fall-back" in guide


async def test_changelog_renders_the_repository_file(client: Any) -> None:
    text = (await client.get("/developers/changelog")).text
    assert '<div class="markdown dev-changelog"><h1>' in text
    assert "Versioning" in text and "/api/v1" in text


def test_permissions_list_is_complete() -> None:
    assert PERMISSIONS == ("read", "write", "delete", "admin")


def test_signature_samples_verify_real_signatures(tmp_path: Any) -> None:
    """The Webhooks tab's samples (shell with openssl, Python, TypeScript) accept what
    signing.py signs and refuse a changed body, a stale timestamp, and a delivery whose
    webhook-* headers were stripped (a replay) unless the legacy check was opted into."""
    import time

    from jewelia.tenants.webhooks import signing
    from jewelia.web.developers import guide
    from tests.sdk.test_typescript_sdk import SDK_DIR, ensure_node_modules

    secret = signing.new_secret()
    body = json.dumps({"event": "customer.created", "data": {"full_name": "Zoë Ångström"}})
    now = int(time.time())
    fresh = signing.signed_headers([secret], "msg_fresh", now, body.encode())
    stale = signing.signed_headers([secret], "msg_stale", now - 3600, body.encode())
    legacy = {"X-Webhook-Signature": fresh["X-Webhook-Signature"]}
    replayed = {"X-Webhook-Signature": stale["X-Webhook-Signature"]}  # webhook-* stripped
    no_stamp = {k: v for k, v in fresh.items() if k != "webhook-timestamp"}
    # (body, headers, valid by default, valid with the legacy check allowed)
    cases = [
        (body, fresh, True, True),
        (body, legacy, False, True),
        (body, replayed, False, True),  # why the legacy check is opt-in only
        (body + " ", fresh, False, False),
        (body + " ", legacy, False, False),
        (body, stale, False, False),
        (body, no_stamp, False, False),  # webhook-* present: no fall back to the legacy check
    ]

    namespace: dict[str, Any] = {}
    exec(guide.VERIFY_PYTHON, namespace)
    for text, headers, default, with_legacy in cases:
        assert namespace["verify"](text.encode(), headers, secret) is default, headers
        got = namespace["verify"](text.encode(), headers, secret, allow_legacy=True)
        assert got is with_legacy, headers

    for text, headers, default, _ in cases:
        env = {
            "BODY": text,
            "SECRET": secret,
            "X_WEBHOOK_SIGNATURE": headers.get("X-Webhook-Signature", ""),
            "WEBHOOK_ID": headers.get("webhook-id", ""),
            "WEBHOOK_TIMESTAMP": headers.get("webhook-timestamp", ""),
            "WEBHOOK_SIGNATURE": headers.get("webhook-signature", ""),
            "PATH": "/usr/bin:/bin",
        }
        shell = subprocess.run(
            ["sh", "-c", guide.VERIFY_SHELL], env=env, capture_output=True, text=True
        )
        assert (shell.returncode == 0) is default, (headers, shell.stdout, shell.stderr)
        assert ("webhook-signature valid" in shell.stdout) is default
        assert default or shell.stderr.startswith("refused: "), shell.stderr

    ensure_node_modules()  # the TypeScript SDK's lockfile brings the compiler
    (tmp_path / "verify.ts").write_text(guide.VERIFY_TYPESCRIPT)
    tsc = str(SDK_DIR / "node_modules" / ".bin" / "tsc")
    compiled = subprocess.run(
        [
            tsc,
            "--strict",
            "--target",
            "es2022",
            "--module",
            "es2022",
            "--lib",
            "es2022,dom",
            "--outDir",
            "out",
            "verify.ts",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    (tmp_path / "out" / "package.json").write_text('{"type": "module"}')
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    (tmp_path / "run.mjs").write_text(
        "import { readFileSync } from 'node:fs';\n"
        "import { verify } from './out/verify.js';\n"
        "const cases = JSON.parse(readFileSync('cases.json', 'utf8'));\n"
        "const got = [];\n"
        "for (const [body, headers] of cases) {\n"
        "  got.push([\n"
        "    await verify(body, headers, process.argv[2]),\n"
        "    await verify(body, headers, process.argv[2], { allowLegacy: true }),\n"
        "  ]);\n"
        "}\n"
        "console.log(JSON.stringify(got));\n"
    )
    ran = subprocess.run(["node", "run.mjs", secret], cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == [[d, legacy_ok] for _b, _h, d, legacy_ok in cases]


SDKS = Path(__file__).resolve().parents[2] / "sdks"


def _sample_call(source: str) -> tuple[str, str, list[Any], dict[str, Any]]:
    """The `client.<resource>.<method>(...)` call of a Python sample, its arguments evaluated
    (path parameters from the sample's own assignments)."""
    import ast

    tree = ast.parse(source)
    values: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Attribute)
            and isinstance(node.func.value.value, ast.Name)
            and node.func.value.value.id == "client"
        ):

            def value(arg: ast.expr) -> Any:
                if isinstance(arg, ast.Name):
                    return values[arg.id]
                if isinstance(arg, ast.Subscript):  # os.environ["..."]: a secret, not shown
                    return "from-the-environment"
                return ast.literal_eval(arg)

            args = [value(a) for a in node.args]
            kwargs = {k.arg: value(k.value) for k in node.keywords if k.arg}
            return node.func.value.attr, node.func.attr, args, kwargs
    raise AssertionError(f"no client call in:\n{source}")


async def test_python_samples_bind_to_the_python_sdk(client: Any, monkeypatch: Any) -> None:
    """Each Python sample's call fits its method in sdks/python: the names, the positional
    path parameters and body, the keyword query parameters."""
    import inspect

    monkeypatch.syspath_prepend(str(SDKS / "python"))
    from jewelia_api_client import JeweliaClient

    sdk = JeweliaClient(api_key="jw_live_x", base_url="http://testserver.local/api/v1")
    document = await _reference_document(client)
    for _method, _path, operation in operations(document):
        source = next(s["source"] for s in operation["x-codeSamples"] if s["lang"] == "python")
        resource, name, args, kwargs = _sample_call(source)
        method = getattr(getattr(sdk, resource), name)
        inspect.signature(method).bind(*args, **kwargs)  # TypeError names what does not fit


async def test_typescript_samples_type_check_against_the_typescript_sdk(
    client: Any, tmp_path: Any
) -> None:
    """Every TypeScript and fetch sample compiles under `tsc --strict` against the SDK's
    source in sdks/typescript (its methods, parameter objects and body types)."""
    from tests.sdk.test_typescript_sdk import SDK_DIR, ensure_node_modules

    document = await _reference_document(client)
    for _method, _path, operation in operations(document):
        for s in operation["x-codeSamples"]:
            if s["lang"] in ("typescript", "javascript"):
                kind = "sdk" if s["lang"] == "typescript" else "fetch"
                path = tmp_path / f"{kind}_{operation['operationId']}.ts"
                path.write_text(s["source"] + "\nexport {};\n")
    (tmp_path / "env.d.ts").write_text(
        "declare const process: { env: Record<string, string | undefined> };\n"
    )
    (tmp_path / "tsconfig.json").write_text(
        json.dumps(
            {
                "compilerOptions": {
                    "target": "ES2022",
                    "lib": ["ES2022", "DOM", "DOM.Iterable"],
                    "module": "ESNext",
                    "moduleResolution": "Bundler",
                    "types": [],
                    "strict": True,
                    "noEmit": True,
                    "skipLibCheck": True,
                    "paths": {"@jewelia/api-client": [str(SDK_DIR / "src" / "index.ts")]},
                },
                "include": ["*.ts"],
            }
        )
    )
    await asyncio.to_thread(ensure_node_modules)
    checked = await asyncio.to_thread(
        subprocess.run,
        [str(SDK_DIR / "node_modules" / ".bin" / "tsc"), "-p", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert len(list(tmp_path.glob("sdk_*.ts"))) == len(SDK_NAMES)


async def test_receive_samples_deliver_a_signed_event(
    api: Any, app: Any, live_server: str, tmp_path: Path
) -> None:
    """The incoming-webhook samples run as written against a live server: curl signing with
    openssl, Python through sdks/python (it signs what it sends), fetch signing with WebCrypto
    under node. Each event is taken (202), none is a duplicate."""
    import os
    import sys

    from jewelia.core.openapi import with_error_responses

    source = (await api.post("/webhooks/inbound", json={"name": "Samples"})).json()["data"]
    call = next(
        c
        for c in samples.calls(with_error_responses(app.openapi_schema.to_schema()))
        if c.operation_id == "receiveWebhook"
    )
    env = {
        "PATH": os.environ["PATH"],
        "JEWELIA_SOURCE_SECRET": source["secret"],
        "JEWELIA_API_KEY": "jw_live_not_needed_here",
        "PYTHONPATH": str(SDKS / "python"),
    }
    runners = {
        "curl": (["sh", "sample.sh"], "sample.sh"),
        "python": ([sys.executable, "sample.py"], "sample.py"),
        "fetch": (["node", "sample.mjs"], "sample.mjs"),
    }
    for lang, (command, file_name) in runners.items():
        text = samples.sample(call, lang, f"{live_server}/api/v1")
        assert "JEWELIA_SOURCE_SECRET" in text, lang
        text = text.replace(samples.EXAMPLE_ID, source["id"]).replace(
            "evt_1001", f"evt-{lang}-{uuid.uuid4().hex[:8]}"
        )
        (tmp_path / file_name).write_text(text)
        ran = await asyncio.to_thread(
            subprocess.run, command, cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert ran.returncode == 0, (lang, ran.stdout, ran.stderr)
        out = ran.stdout
        if lang == "curl":
            answer = json.loads(out)
            assert answer["success"] is True and answer["data"]["duplicate"] is False, out
        else:
            assert re.search(r"duplicate[=:] ?(False|false)", out), (lang, out)
    events = (await api.get(f"/webhooks/inbound/{source['id']}/events")).json()
    assert len(events["data"]) == 3, events
