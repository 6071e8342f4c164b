"""Flow secrets over the API with a real worker and receiver: the receiver gets the real value
(on a step's retries and a run's retry too), while the run's steps, the flow, its versions, a
dry run, a step test and the exported code carry only markers; values are encrypted at rest,
an unknown name is refused at publish with its path and fails a run with missing_secret, and
another business can neither read nor use them."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

from jewelia.core.db import fetch, tenant_scope
from jewelia.platform.apikeys.service import create_key
from tests.integration.test_api_security import client_for
from tests.integration.test_builder_runs_api import BASE, finished
from tests.webhook_receiver import Receiver


class EchoReceiver(Receiver):
    """`/echo` answers with the Authorization header and the body it got (a careless server)."""

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, dict]:
        if path == "/echo":
            echoed = {"auth": headers.get("Authorization"), "body": body.decode()}
            return 200, json.dumps(echoed).encode(), {"Content-Type": "application/json"}
        return super().answer(path, headers, body)


def actions(receiver: Receiver) -> list[dict[str, Any]]:
    return [
        {
            "id": "call",
            "type": "http_request",
            "config": {
                "method": "POST",
                "url": receiver.url("/flaky/1"),
                "headers": {"Authorization": "Bearer {{ secrets.API_TOKEN }}"},
                "body": {"who": "{{ trigger.name }}"},
            },
            "retry": {"attempts": 3, "delaySeconds": 0.1},
        },
        {
            "id": "echo",
            "type": "http_request",
            "config": {
                "method": "POST",
                "url": receiver.url("/echo"),
                "headers": {
                    "Authorization": "Bearer {{ secrets.API_TOKEN }}",
                    "X-Api-Key": "typed-in-plain",
                },
                "body": "token={{ secrets['API_TOKEN'] }}",
            },
        },
        {
            "id": "slack",
            "type": "notification",
            "config": {"channel": "slack", "webhookUrl": "{{ secrets.SLACK_URL }}", "body": "hi"},
        },
    ]


async def test_secrets_are_sent_but_never_shown(api: Any, app: Any, worker: Any) -> None:
    token = f"topsecret-{uuid.uuid4().hex}"
    with EchoReceiver() as receiver:
        slack_url = receiver.url("/hook")
        body = {
            "name": "Secret flow",
            "configuration": {
                "triggers": [{"type": "api_call", "config": {}}],
                "actions": actions(receiver),
            },
        }
        made = await api.post(BASE, json=body)
        assert made.status_code == 201, made.text
        flow_id = made.json()["data"]["id"]

        # publishing before the secrets exist names each reference's path
        refused = await api.post(f"{BASE}/{flow_id}/publish")
        assert refused.status_code == 422, refused.text
        details = refused.json()["details"]
        unknown = {(d["field"], d["code"]) for d in details}
        assert (
            "configuration.actions[0].config.headers.Authorization",
            "UNKNOWN_SECRET",
        ) in unknown
        assert ("configuration.actions[2].config.webhookUrl", "UNKNOWN_SECRET") in unknown

        bad = await api.put(f"{BASE}/{flow_id}/secrets/lower", json={"value": "x"})
        assert bad.status_code == 422 and "name" in bad.text
        too_big = await api.put(f"{BASE}/{flow_id}/secrets/BIG", json={"value": "x" * 4097})
        assert too_big.status_code == 422
        first = await api.put(f"{BASE}/{flow_id}/secrets/API_TOKEN", json={"value": "old"})
        assert first.status_code == 201 and "old" not in first.text.replace("••••", "")
        again = await api.put(f"{BASE}/{flow_id}/secrets/API_TOKEN", json={"value": token})
        assert again.status_code == 200 and token not in again.text
        assert (
            await api.put(f"{BASE}/{flow_id}/secrets/SLACK_URL", json={"value": slack_url})
        ).status_code == 201
        listed = await api.get(f"{BASE}/{flow_id}/secrets")
        assert listed.status_code == 200 and token not in listed.text
        assert [s["name"] for s in listed.json()["data"]] == ["API_TOKEN", "SLACK_URL"]
        assert listed.json()["data"][0]["preview"] == "••••" + token[-4:]

        published = await api.post(f"{BASE}/{flow_id}/publish")
        assert published.status_code == 201, published.text
        await api.put(BASE, json={"id": flow_id, "isActive": True})
        started = await api.post(f"{BASE}/{flow_id}/run", json={"payload": {"name": "ada"}})
        assert started.status_code == 202, started.text
        run_id = started.json()["data"]["run_id"]
        run = await finished(api, run_id)
        assert run["status"] == "succeeded", run

        flaky = [r for r in receiver.received if r.path == "/flaky/1"]
        assert len(flaky) == 2  # the retry resent the recorded input, the value put in again
        assert all(r.headers["Authorization"] == f"Bearer {token}" for r in flaky)
        [echo] = [r for r in receiver.received if r.path == "/echo"]
        assert echo.body.decode() == f"token={token}"
        assert [r for r in receiver.received if r.path == "/hook"]  # the Slack post

        shown = await api.get(f"{BASE}/runs/{run_id}")
        assert token not in shown.text and slack_url not in shown.text
        steps = {s["step_path"]: s for s in shown.json()["data"]["steps"]}
        assert steps["call"]["input"]["headers"]["Authorization"] == "Bearer «secret:API_TOKEN»"
        # a credential typed in plain text is masked for display, yet sent (and stored to resend)
        assert steps["echo"]["input"]["headers"]["X-Api-Key"] == "••••"
        assert echo.headers["X-Api-Key"] == "typed-in-plain"
        assert steps["echo"]["output"]["body"]["auth"] == "Bearer «secret:API_TOKEN»"
        assert steps["slack"]["input"]["webhookUrl"] == "«secret:SLACK_URL»"

        for path in (f"{BASE}/{flow_id}", f"{BASE}/{flow_id}/versions"):
            got = await api.get(path)
            assert got.status_code == 200 and token not in got.text
        dry = await api.post(f"{BASE}/{flow_id}/dry-run", json={"payload": {"name": "ada"}})
        assert dry.status_code == 200, dry.text
        assert token not in dry.text and slack_url not in dry.text and "«secret:" in dry.text
        tested = await api.post(f"{BASE}/{flow_id}/steps/echo/test", json={"simulate": True})
        assert tested.status_code == 200, tested.text
        assert token not in tested.text and "«secret:API_TOKEN»" in tested.text
        for language in ("python", "typescript"):
            code = await api.get(f"{BASE}/{flow_id}/versions/1/code", params={"language": language})
            assert code.status_code == 200
            with zipfile.ZipFile(io.BytesIO(code.content)) as archive:
                texts = {n: archive.read(n).decode("utf-8", "replace") for n in archive.namelist()}
            assert all(token not in text for text in texts.values())
            readme = next(t for n, t in texts.items() if n.endswith("README.md"))
            assert "FLOW_SECRET_API_TOKEN" in readme and "FLOW_SECRET_SLACK_URL" in readme
            assert any("FLOW_SECRET_" in t for n, t in texts.items() if "runtime" in n)

        async with tenant_scope(api.tenant.ref):
            rows = await fetch("SELECT * FROM flow_secret WHERE flow_id = $1", uuid.UUID(flow_id))
            stored = await fetch(
                "SELECT input::text || coalesce(output::text, '') AS t FROM flow_run_step"
                " WHERE run_id = $1",
                uuid.UUID(run_id),
            )
        assert len(rows) == 2 and token not in repr(rows)
        assert all(token not in r["t"] and slack_url not in r["t"] for r in stored)

        # a deleted secret fails the step naming it; set again, a run's retry sends the value
        assert (await api.delete(f"{BASE}/{flow_id}/secrets/API_TOKEN")).status_code == 200
        assert (await api.delete(f"{BASE}/{flow_id}/secrets/API_TOKEN")).status_code == 404
        again_run = await api.post(f"{BASE}/{flow_id}/run", json={"payload": {"name": "bo"}})
        failed = await finished(api, again_run.json()["data"]["run_id"])
        assert failed["status"] == "failed", failed
        [call] = [s for s in failed["steps"] if s["step_path"] == "call"]
        assert call["error_type"] == "missing_secret" and "API_TOKEN" in call["error"]
        await api.put(f"{BASE}/{flow_id}/secrets/API_TOKEN", json={"value": token})
        before = len(receiver.received)
        retried = await api.post(f"{BASE}/runs/{failed['id']}/retry")
        assert retried.status_code in (200, 202), retried.text
        done = await finished(api, failed["id"])
        assert done["status"] == "succeeded", done
        resent = [r for r in receiver.received[before:] if r.path == "/flaky/1"]
        assert resent and resent[0].headers["Authorization"] == f"Bearer {token}"

    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email

    _, other = await accounts.signup("Other Gems", "Otto", unique_email("o"), STRONG_PASSWORD)
    other_key = await create_key(other.id, "other", ["read", "write", "delete"])
    async with client_for(app, other_key.secret) as intruder:
        assert (await intruder.get(f"{BASE}/{flow_id}/secrets")).status_code == 404
        put = await intruder.put(f"{BASE}/{flow_id}/secrets/API_TOKEN", json={"value": "mine"})
        assert put.status_code == 404
        assert (await intruder.delete(f"{BASE}/{flow_id}/secrets/API_TOKEN")).status_code == 404
        assert (await intruder.post(f"{BASE}/{flow_id}/run", json={})).status_code == 404
    reader = await create_key(api.tenant.id, "reader", ["read"])
    async with client_for(app, reader.secret) as read_only:
        assert (await read_only.get(f"{BASE}/{flow_id}/secrets")).status_code == 200
        put = await read_only.put(f"{BASE}/{flow_id}/secrets/OTHER", json={"value": "x"})
        assert put.status_code == 403
    async with tenant_scope(api.tenant.ref):
        audit = await fetch(
            "SELECT action, before::text || after::text AS t FROM audit_log"
            " WHERE entity_id = $1 AND action LIKE 'flow.secret_%'",
            flow_id,
        )
    assert {a["action"] for a in audit} == {
        "flow.secret_created",
        "flow.secret_updated",
        "flow.secret_deleted",
    }
    assert all(a["t"] is None or token not in a["t"] for a in audit)


async def test_the_secrets_page_sets_lists_masked_and_deletes(client: Any) -> None:
    from tests.integration.test_builder_pages import _new_flow
    from tests.integration.test_pages import form_post, signup

    await signup(client, business="Secret Page Gems")
    path, token = await _new_flow(client)
    value = f"hooks-{uuid.uuid4().hex}"
    config = {
        "triggers": [{"type": "api_call", "config": {}}],
        "actions": [
            {
                "id": "tell",
                "type": "notification",
                "config": {
                    "channel": "slack",
                    "webhookUrl": "{{ secrets.SLACK_URL }}",
                    "body": "x",
                },
            }
        ],
    }
    saved = await client.post(
        f"{path}/json", data={"_csrf_token": token, "configuration": json.dumps(config)}
    )
    assert saved.status_code == 200, saved.text
    editor = await client.get(path)
    assert 'href="' + path + '/secrets"' in editor.text and "secrets.NAME" in editor.text

    bad = await form_post(client, f"{path}/secrets", {"name": "bad name", "value": "v"})
    assert bad.status_code == 422 and "name must match" in bad.text
    r = await form_post(client, f"{path}/secrets", {"name": "SLACK_URL", "value": value})
    assert r.status_code == 200 and "Secret SLACK_URL saved." in r.text
    assert value not in r.text and "••••" + value[-4:] in r.text
    for page in (path, f"{path}/secrets"):
        assert value not in (await client.get(page)).text

    asked = await form_post(
        client, f"{path}/secrets", {"name": "SLACK_URL"}, f"{path}/secrets/delete"
    )
    assert asked.status_code == 200 and "Delete the secret SLACK_URL?" in asked.text
    gone = await form_post(
        client, f"{path}/secrets", {"name": "SLACK_URL", "confirm": "yes"}, f"{path}/secrets/delete"
    )
    assert gone.status_code == 200 and "Secret SLACK_URL deleted." in gone.text
    assert 'data-secret="SLACK_URL"' not in gone.text
