"""Integrations > Flow builder over HTTP: the editor's intents (save, add, move, remove, test,
publish), inline errors put on the field the service's path names, the JSON view, the webhook
URL and its secret shown once, run now with a failing step named in the history, read-only
members, and another business's flow."""

from __future__ import annotations

import asyncio
import html
import re
import uuid
from typing import Any

from jewelia.tenants.builder import service
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_pages import CSRF, form_post, signup
from tests.webhook_receiver import Receiver

PAGE = "/integrations/builder"
HTML = {"accept": "text/html"}


async def _new_flow(client: Any, name: str = "Blank flow") -> tuple[str, str]:
    """Create a blank flow through the page: its editor path and a CSRF token."""
    r = await form_post(client, PAGE, {"template": "blank", "name": name})
    assert r.status_code == 200, r.text
    found = re.search(r"/integrations/builder/([0-9a-f-]{36})$", str(r.url))
    assert found, r.url
    return f"{PAGE}/{found.group(1)}", CSRF.search(r.text).group(1)  # type: ignore[union-attr]


def _editor_fields(page: str) -> dict[str, Any]:
    """The editor form's fields as a browser would send them (steps in card order)."""
    fields: dict[str, Any] = {"order": re.findall(r'name="order" value="([^"]+)"', page)}
    for name, value in re.findall(
        r'<input type="(?:text|number|hidden)" name="([^"]+)" value="([^"]*)"', page
    ):
        if name not in ("order", "_csrf_token"):
            fields[name] = html.unescape(value)
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        if name != "configuration":
            fields[name] = html.unescape(value)
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'value="([^"]+)" selected', body) or re.search(r'value="([^"]+)"', body)
        fields[name] = chosen.group(1) if chosen else ""
    fields["trigger.operations"] = re.findall(
        r'name="trigger.operations" value="([^"]+)" checked', page
    )
    return fields


async def _post(client: Any, path: str, token: str, fields: dict[str, Any], intent: str) -> Any:
    return await client.post(path, data={**fields, "_csrf_token": token, "intent": intent})


async def test_pages_need_a_login(client: Any) -> None:
    for path in (PAGE, f"{PAGE}/{uuid.uuid4()}", f"{PAGE}/{uuid.uuid4()}/runs"):
        r = await client.get(path, follow_redirects=False)
        assert r.status_code in (302, 303) and r.headers["location"].startswith("/login"), path


async def test_editor_intents_and_inline_errors(client: Any) -> None:
    await signup(client, business="Editor Gems")
    path, token = await _new_flow(client)
    page = (await client.get(path)).text
    fields = _editor_fields(page)
    assert fields["order"] == ["transform_1"] and fields["transform_1.output"] == "trigger"

    # an added HTTP step has no URL yet: the draft is not saved, the error is on the field
    r = await _post(client, path, token, {**fields, "add_type": "http_request"}, "add")
    assert r.status_code == 422
    assert 'data-field="http_request_1.url"' in r.text and "Not saved" in r.text
    fields = _editor_fields(r.text)
    fields["http_request_1.url"] = "https://crm.example.com/customers"
    fields["http_request_1.body"] = '{"email": "{{ trigger.email }}"}'
    fields["http_request_1.headers"] = "X-Source: jewelia"
    r = await _post(client, path, token, fields, "save")
    assert r.status_code == 200 and "Draft saved." in r.text
    flow_id = uuid.UUID(path.rsplit("/", 1)[1])
    tenant = await _tenant_of(client)
    draft = (await service.get_flow(tenant, flow_id))["configuration"]
    step = draft["actions"][1]
    assert step["config"] == {
        "method": "POST",
        "url": "https://crm.example.com/customers",
        "headers": {"X-Source": "jewelia"},
        "body": {"email": "{{ trigger.email }}"},
    }

    # up / down / remove
    r = await _post(client, path, token, _editor_fields(r.text), "up:http_request_1")
    assert _editor_fields(r.text)["order"] == ["http_request_1", "transform_1"]
    r = await _post(client, path, token, _editor_fields(r.text), "down:http_request_1")
    assert _editor_fields(r.text)["order"] == ["transform_1", "http_request_1"]
    r = await _post(client, path, token, _editor_fields(r.text), "remove:transform_1")
    assert _editor_fields(r.text)["order"] == ["http_request_1"]
    draft = (await service.get_flow(tenant, flow_id))["configuration"]
    assert [s["id"] for s in draft["actions"]] == ["http_request_1"]

    # a field that is not JSON, a bad expression, a bad cron: each on its own field
    fields = {**_editor_fields(r.text), "add_type": "database"}
    r = await _post(client, path, token, fields, "add")
    fields = _editor_fields(r.text)
    fields["database_1.match"] = "{not json"
    r = await _post(client, path, token, fields, "save")
    assert 'data-field="database_1.match"' in r.text and "Not valid JSON" in r.text
    fields["database_1.match"] = '{"email": "trigger.email +"}'
    fields["trigger.type"] = "schedule"
    fields["trigger.cron"] = "every day"
    r = await _post(client, path, token, fields, "save")
    assert r.status_code == 422
    assert 'data-field="database_1.match"' in r.text and "JSONata" in r.text
    assert 'data-field="trigger.cron"' in r.text and "cron" in r.text
    fields["database_1.match"] = '{"email": "trigger.email"}'
    fields["trigger.cron"] = "0 9 * * *"
    r = await _post(client, path, token, fields, "publish")
    assert r.status_code == 200 and "Published version 1." in r.text
    r = await _post(client, path, token, _editor_fields(r.text), "publish")
    assert "No changes since version 1" in r.text
    page = (await client.get(path)).text  # the button offers no version it would not make
    assert ">Publish</button>" in page and "The draft is version 1" in page
    fields = {**_editor_fields(page), "database_1.match": '{"email": "trigger.mail"}'}
    r = await _post(client, path, token, fields, "save")
    assert "Publish as version 2</button>" in r.text
    version = await service.get_version(tenant, flow_id, 1)
    assert version["configuration"]["triggers"][0]["config"]["cron"] == "0 9 * * *"


async def test_json_view_and_webhook_url(client: Any) -> None:
    await signup(client, business="Json Gems")
    path, token = await _new_flow(client)
    r = await client.post(f"{path}/json", data={"_csrf_token": token, "configuration": "{oops"})
    assert r.status_code == 422 and "Not valid JSON" in r.text
    bad = '{"triggers": [{"type": "webhook", "config": {}}], "actions": [{"type": "http_request", "config": {"method": "POST", "url": "http://169.254.169.254/x"}}]}'
    r = await client.post(f"{path}/json", data={"_csrf_token": token, "configuration": bad})
    assert r.status_code == 422 and "actions[0].config.url" in r.text
    good = bad.replace("http://169.254.169.254/x", "https://crm.example.com/in")
    r = await client.post(f"{path}/json", data={"_csrf_token": token, "configuration": good})
    assert r.status_code == 200 and "Configuration saved from the JSON view." in r.text
    assert 'id="webhook-url"' not in r.text  # not before a version has the trigger
    r = await _post(client, path, token, _editor_fields(r.text), "publish")
    secret = re.search(r'id="new-hook-secret">(whsec_[^<]+)<', r.text)
    assert secret and "Published version 1." in r.text
    again = await client.get(path)
    assert 'id="webhook-url"' in again.text and "/api/v1/integrations/builder/hooks/" in again.text
    assert secret.group(1) not in again.text  # shown once


async def test_run_now_names_the_failed_step(client: Any, worker: Any) -> None:
    await signup(client, business="Failing Gems")
    path, token = await _new_flow(client)
    with Receiver() as receiver:
        fields = {**_editor_fields((await client.get(path)).text), "add_type": "http_request"}
        r = await _post(client, path, token, fields, "add")
        fields = _editor_fields(r.text)
        fields["http_request_1.url"] = receiver.url("/status/500")
        r = await _post(client, path, token, fields, "publish")
        assert "Published version 1." in r.text
        r = await client.post(f"{path}/run", data={"_csrf_token": token, "payload": '{"a": 1}'})
        assert "Run started (version 1)." in r.text
        for _ in range(150):
            runs = await client.get(f"{path}/runs")
            if re.search(r'data-run="[^"]+" data-status="failed"', runs.text):
                break
            assert 'hx-trigger="every 1s"' in runs.text  # polled while in flight
            await asyncio.sleep(0.2)
        assert "failed at <code>http_request_1</code>" in runs.text
        assert "500" in runs.text  # the step's error
        assert 'hx-get="' not in runs.text  # finished, and the flow is off: no polling
        assert receiver.hits["/status/500"] >= 1
    r = await client.post(f"{path}/run", data={"_csrf_token": token, "payload": "{nope"})
    assert "not valid JSON" in r.text


async def _tenant_of(client: Any) -> Any:
    """The business the signed-in client works in."""
    from jewelia.core.db import TenantRef, fetch

    r = await client.get("/app")
    name = re.search(r'<option value="([0-9a-f-]{36})" selected>', r.text)
    assert name
    rows = await fetch(
        "SELECT schema_name FROM public.tenant WHERE id = $1", uuid.UUID(name.group(1))
    )
    return TenantRef(uuid.UUID(name.group(1)), rows[0]["schema_name"])


async def test_read_only_members_and_other_businesses(client: Any) -> None:
    from jewelia.platform.accounts import service as accounts

    owner, tenant = await accounts.signup(
        "Watch Gems", "Owner", unique_email("owner"), STRONG_PASSWORD
    )
    flow = await service.create_flow(
        tenant.ref,
        owner.actor,
        {
            "name": "Watched",
            "configuration": {
                "triggers": [{"type": "api_call", "config": {}}],
                "actions": [{"type": "transform", "config": {"output": "trigger"}}],
            },
        },
    )
    invite = await accounts.invite_member(
        owner, await accounts.membership(owner.id, tenant.id), unique_email("ro"), "read-only"
    )
    user, _ = await accounts.register_and_accept(invite, "Reader", STRONG_PASSWORD)
    r = await form_post(client, "/login", {"email": user.email, "password": STRONG_PASSWORD})
    path = f"{PAGE}/{flow['id']}"
    listing = await client.get(PAGE)
    assert "Watched" in listing.text and 'id="new-flow-form"' not in listing.text
    page = await client.get(path)
    assert page.status_code == 200 and "step_1" in page.text
    assert '<fieldset class="plain" disabled>' in page.text
    assert 'id="save-draft"' not in page.text and 'id="run-now-form"' not in page.text
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    for target in (PAGE, path, f"{path}/json", f"{path}/active", f"{path}/run", f"{path}/delete"):
        r = await client.post(target, data={"_csrf_token": token, "confirm": "yes"}, headers=HTML)
        assert r.status_code == 403, target
    assert (await service.get_flow(tenant.ref, flow["id"]))["name"] == "Watched"

    # a business of one's own sees none of another's flows
    await client.post("/logout", data={"_csrf_token": token})
    await signup(client, business="Other Gems")
    other = await client.get(PAGE)
    assert "Watched" not in other.text
    token = CSRF.search(other.text).group(1)  # type: ignore[union-attr]
    assert (await client.get(path)).status_code == 404
    assert (await client.get(f"{path}/runs")).status_code == 404
    for target in (path, f"{path}/run", f"{path}/delete"):
        r = await client.post(target, data={"_csrf_token": token, "confirm": "yes"}, headers=HTML)
        assert r.status_code == 404, target
    assert (await service.get_flow(tenant.ref, flow["id"]))["name"] == "Watched"


async def test_dry_run_shows_what_steps_would_do_and_sends_nothing(client: Any) -> None:
    await signup(client, business="Dry Gems")
    path, token = await _new_flow(client)
    with Receiver() as receiver:
        fields = {**_editor_fields((await client.get(path)).text), "add_type": "http_request"}
        fields = _editor_fields((await _post(client, path, token, fields, "add")).text)
        fields["http_request_1.url"] = receiver.url("/hook")
        fields["http_request_1.body"] = '{"ring": "{{ trigger.ring }}"}'
        assert "Draft saved." in (await _post(client, path, token, fields, "save")).text
        r = await client.post(
            f"{path}/dry-run", data={"_csrf_token": token, "payload": '{"ring": "R-7"}'}
        )
        assert r.status_code == 200
        result = r.text[r.text.index('id="dry-result"') :]
        assert "dry run succeeded" in result
        assert result.count('data-status="succeeded"') == 2 and "simulated" in result
        assert "R-7" in result  # the rendered body it would send
        assert receiver.received == []  # nothing was sent
        r = await client.post(f"{path}/dry-run", data={"_csrf_token": token, "payload": "{x"})
        assert "Not valid JSON" in r.text


async def test_a_template_with_its_settings(client: Any) -> None:
    await signup(client, business="Template Gems")
    page = await client.get(PAGE)
    assert 'name="setting.data_sync.partner_url"' in page.text
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    data = {"_csrf_token": token, "template": "data_sync", "name": ""}
    r = await client.post(PAGE, data={**data, "setting.data_sync.partner_url": "ftp://crm.example"})
    assert r.status_code == 422
    assert 'data-field="setting.data_sync.partner_url"' in r.text and "http" in r.text
    assert 'value="ftp://crm.example"' in r.text  # what was typed stays
    r = await client.post(
        PAGE, data={**data, "setting.data_sync.partner_url": "https://crm.example/in"}
    )
    assert r.status_code == 200 and "Customer data sync" in r.text  # the template's title
    assert 'value="https://crm.example/in"' in r.text
    assert "Send every new or changed customer" in (await client.get(PAGE)).text


async def test_deleting_a_flow_asks_first(client: Any) -> None:
    await signup(client, business="Delete Gems")
    path, token = await _new_flow(client, "Doomed flow")
    r = await client.post(f"{path}/delete", data={"_csrf_token": token})
    assert r.status_code == 200 and "Delete the flow Doomed flow?" in r.text
    assert 'name="confirm" value="yes"' in r.text
    assert "Doomed flow" in (await client.get(PAGE)).text  # nothing happened yet
    r = await client.post(f"{path}/delete", data={"_csrf_token": token, "confirm": "yes"})
    assert r.status_code == 200 and "The flow Doomed flow was deleted." in r.text
    assert 'href="/integrations/builder/' not in r.text.split('id="flows-table"')[1]
    assert (await client.get(path)).status_code == 404
