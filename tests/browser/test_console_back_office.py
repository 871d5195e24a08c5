"""The back office in a real browser: the organisation's settings and the kill switch. Every screen
is screenshotted at its width and checked with axe (conftest.Screen.look)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import Screen, Stack

pytestmark = pytest.mark.browser


@pytest.fixture
def running_again(stack: Stack) -> Iterator[None]:
    """The stack is shared by every browser test: whatever a test does, deliveries run after it."""
    yield
    if stack.call("GET", "/switch", "demo-admin")["state"] != "running":
        stack.call("POST", "/switch/resume", "demo-admin")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_two_people_pause_every_delivery_and_one_resumes(screens: Any, stack: Stack, width: str,
                                                         running_again: None) -> None:
    admin: Screen = screens(width)
    admin.sign_in("Lee Admin")
    page = admin.page
    page.get_by_role("link", name="Organisation").click()
    page.get_by_role("heading", name="Outgoing deliveries").wait_for()
    admin.look("organisation")
    # A pause needs a reason: the confirming approver reads it.
    page.get_by_role("button", name="Ask to pause all deliveries").click()
    page.get_by_role("alert").filter(has_text="Say why").wait_for()
    page.get_by_label("Why pause everything?").fill("Wrong hotline number in the last alert")
    page.get_by_role("button", name="Ask to pause all deliveries").click()
    page.get_by_text("asked to pause all deliveries").wait_for()
    page.locator("#switch-banner").filter(has_text="waits for confirmation").wait_for()
    admin.look("organisation-pause-requested")

    approver: Screen = screens(width)
    approver.sign_in("Alex Approver")
    approver.page.locator("#switch-banner").filter(has_text="waits for confirmation").wait_for()
    approver.page.get_by_role("link", name="Details").click()
    approver.page.get_by_role("button", name="Confirm: pause all deliveries").click()
    approver.page.locator("#switch-banner").filter(has_text="All deliveries are paused").wait_for()
    approver.look("organisation-paused")
    assert stack.call("GET", "/switch", "demo-auditor")["state"] == "paused"

    page.reload()
    page.locator("#switch-banner").filter(has_text="All deliveries are paused").wait_for()
    page.get_by_role("button", name="Resume deliveries").click()
    page.get_by_text("Running: approved advisories go out").wait_for()
    assert page.locator("#switch-banner").is_hidden()
    # The trail is oldest first and shared by every browser test: ask for each action by name.
    for action in ("pause_request", "pause_confirm", "resume"):
        assert stack.call("GET", f"/audit?action={action}&limit=1", "demo-auditor")["entries"], action


def test_an_admin_changes_a_setting_and_a_stale_save_is_refused(screens: Any, stack: Stack) -> None:
    admin: Screen = screens("desktop")
    admin.sign_in("Lee Admin")
    page = admin.page
    page.get_by_role("link", name="Organisation").click()
    before = stack.call("GET", "/settings", "demo-admin")
    page.get_by_label("Organisation name").fill(before["sender_name"] + " (test)")
    # Meanwhile another admin saves: this form's revision is stale.
    stack.call("PUT", "/settings", "demo-admin", {"banned_claims": [*before["banned_claims"], "instant cure"]})
    page.get_by_role("button", name="Save settings").click()
    page.get_by_role("alert").filter(has_text="changed since you loaded them").wait_for()
    admin.look("settings-stale")
    page.reload()
    page.get_by_label("Organisation name").fill(before["sender_name"] + " (test)")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Saved. Screening, previews and feeds use them").wait_for()
    admin.look("settings-saved")
    after = stack.call("GET", "/settings", "demo-admin")
    assert after["sender_name"] == before["sender_name"] + " (test)" and "instant cure" in after["banned_claims"]
    stack.call("PUT", "/settings", "demo-admin", {"sender_name": before["sender_name"],
                                                  "banned_claims": before["banned_claims"]})
