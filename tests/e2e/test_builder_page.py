"""Integrations > Flow builder in a real browser, with a real worker and a real receiver: build
the data_sync flow from its template, edit its URL (a bad one is refused inline), test the step
against the receiver, add a step and reorder by the buttons and by dragging, publish, switch it
on, trigger it by adding a customer, and watch the run reach succeeded in the history."""

from __future__ import annotations

import re
import shutil
import uuid
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accounts_browser import sign_up
from tests.e2e.test_crm_browser import add_customer
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.e2e


def _shots(page: Any, name: str) -> None:
    """Desktop and phone-width captures (kept with the other artifacts, copied to /tmp); the
    page must not be wider than the phone."""
    for width, suffix in ((1280, ""), (390, "-390")):
        page.set_viewport_size({"width": width, "height": 860})
        path = ARTIFACTS / f"{name}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        shutil.copy(path, f"/tmp/{name}{suffix}.png")
        if width == 390:
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 390, f"{page.url} is {wide}px wide on a phone"
    page.set_viewport_size({"width": 1280, "height": 800})


def _order(page: Any) -> list[str]:
    return [
        str(k)
        for k in page.locator("#steps > li.step-card").evaluate_all(
            "cards => cards.map(c => c.dataset.step)"
        )
    ]


def _drag(page: Any, handle: Any, onto: Any) -> None:
    """Drag a card by its handle below another card, with the mouse (as a person would)."""
    start, end = handle.bounding_box(), onto.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    x = end["x"] + end["width"] / 2
    # small steps and a pause over the target before letting go: on a loaded machine ten
    # 30 ms steps were sometimes too coarse for SortableJS to see the card pass its target
    for n in range(1, 21):
        page.mouse.move(x, start["y"] + (end["y"] + end["height"] * 0.8 - start["y"]) * n / 20)
        page.wait_for_timeout(30)
    page.wait_for_timeout(150)
    page.mouse.up()


def test_build_test_publish_and_watch_a_flow(page: Any, live_server: str, worker: Any) -> None:
    base = live_server
    sign_up(page, base, "Flow Gems", "Fay Flow", f"flow-{uuid.uuid4().hex[:8]}@example.com")
    page.click("nav.sidenav >> text=Flow builder")
    page.wait_for_url(f"{base}/integrations/builder")
    assert page.locator("label[data-template]").count() == 8  # the template gallery

    with Receiver() as receiver:
        assert page.locator(".template-settings[data-for=data_sync]").is_hidden()
        page.check("label[data-template=data_sync] input")
        settings = page.locator(".template-settings[data-for=data_sync]")
        settings.wait_for()  # only the chosen template's settings show
        assert page.locator(".template-settings:visible").count() == 1
        settings.locator("input[name='setting.data_sync.partner_url']").fill(
            "https://crm.example.com/in"
        )
        page.fill("#new-flow-form input[name=name]", "CRM sync")
        page.click("#new-flow-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/integrations/builder/[0-9a-f-]{36}$"))
        flow_url = page.url
        assert page.inner_text("h1") == "CRM sync"
        assert page.locator("#trigger-type").input_value() == "database_change"
        assert _order(page) == ["step_1"]

        # a bad URL is refused next to its field; nothing is saved
        url = page.locator("input[name='step_1.url']")
        assert url.input_value() == "https://crm.example.com/in"  # the setting, put in
        url.fill("ftp://crm.example.com/customers")
        page.click("#save-draft")
        page.locator(".error[data-field='step_1.url']").wait_for()
        assert "http" in page.inner_text(".error[data-field='step_1.url']")
        assert "Not saved" in page.inner_text("#editor-notice")

        page.fill("input[name='step_1.url']", receiver.url("/hook"))
        page.click("#save-draft")
        page.locator("#editor-notice", has_text="Draft saved.").wait_for()
        assert page.locator(".error").count() == 0

        # test the step for real against the receiver, with pinned input
        card = page.locator("#step-step_1")
        card.locator(".test-panel > summary").click()
        card.locator("textarea[name='step_1.pinned']").fill(
            '{"trigger": {"event": "customer.created", "data": {"email": "pin@example.com"}}}'
        )
        card.locator("button.test-button").click()
        result = page.locator(".test-result[data-step=step_1]")
        result.wait_for()
        assert "succeeded" in result.inner_text()
        assert '"received": true' in result.locator(".test-output").inner_text()
        assert len(receiver.received) == 1
        assert receiver.received[0].json()["data"]["email"] == "pin@example.com"
        _shots(page, "builder-editor")

        # add a step, then reorder with the buttons (keyboard reachable) and by dragging
        page.select_option("#add-type", "transform")
        page.click("#add-step")
        page.locator("#step-transform_1").wait_for()
        assert _order(page) == ["step_1", "transform_1"]
        up = page.locator("button[aria-label='Move step transform_1 up']")
        up.focus()
        page.keyboard.press("Enter")
        page.locator("#editor-notice", has_text="Steps reordered").wait_for()
        assert _order(page) == ["transform_1", "step_1"]
        for _ in range(3):  # a drag SortableJS missed on a loaded machine moves nothing: again
            _drag(
                page,
                page.locator("#step-transform_1 .drag-handle"),
                page.locator("#step-step_1"),
            )
            page.wait_for_timeout(500)
            if _order(page)[0] == "step_1":
                break
        page.wait_for_function(
            "() => document.querySelector('#editor-notice')?.textContent.includes('reordered')"
            " && document.querySelector('#steps > li').dataset.step === 'step_1'"
        )
        page.goto(flow_url)  # saved, not only moved on the page
        assert _order(page) == ["step_1", "transform_1"]

        # publish in one click, switch on, trigger with a database change
        assert page.locator("#run-now-form button[type=submit]").first.is_disabled()
        page.click("#publish")
        page.locator("#editor-notice", has_text="Published version 1.").wait_for()
        assert page.inner_text("#flow-version") == "version 1"
        assert page.locator("#run-now-form button[type=submit]").first.is_enabled()
        page.click("#active-form button")
        assert "The flow is on." in page.inner_text(".flash")
        assert page.inner_text("#flow-state") == "on"

        add_customer(page, base, "Dora Data", "dora@example.com")
        page.goto(flow_url)
        run = page.locator("#runs details.run").first
        run.wait_for()
        page.locator("#runs details.run[data-status=succeeded]").first.wait_for(timeout=60000)
        page.goto(flow_url)  # the picker reads the fields this run recorded
        assert "database_change" in run.inner_text()
        assert run.locator(".tl-step[data-status=succeeded]").count() == 2
        sent = [r.json() for r in receiver.received[1:]]
        assert [s["data"]["email"] for s in sent] == ["dora@example.com"]

        # the picker offers the fields the run recorded, and inserts one where the cursor is
        picker = page.locator("#step-transform_1 .field-picker")
        picker.locator("summary").click()
        output = page.locator("textarea[name='transform_1.output']")
        output.fill("")
        output.focus()
        picker.locator("button.pick", has_text="steps.step_1.output.status").click()
        assert output.input_value() == "steps.step_1.output.status"
        _shots(page, "builder-runs")

    page.goto(f"{base}/integrations/builder")
    row = page.locator("#flows-table tr[data-flow]").first
    assert "CRM sync" in row.inner_text() and "v1" in row.inner_text()
    assert "100.0%" in row.inner_text()
    _shots(page, "builder-list")
