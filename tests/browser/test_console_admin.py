"""The admin's screens in a real browser: users and their roles, channel accounts (create, a refused
setting, credentials, readiness, a test post, enable, a broadcast to it, delete), and readiness in
the composer's channel picker. Every screen is screenshotted at its width and checked with axe
(conftest.Screen.look).

The stack is shared by every browser test: a demo user's role or access changed here is put back
in a `finally`, and each channel account made here has a new, unique name.
"""
from __future__ import annotations

import re
import time
import urllib.error
import uuid
from typing import Any
from collections.abc import Callable
from urllib.parse import quote

import pytest

from .conftest import Screen, Stack

pytestmark = pytest.mark.browser

FINAL = {"sent", "failed", "skipped", "cancelled"}
DEMO_NAMES = ["Sam Spokesperson", "Kim Spokesperson", "Alex Approver", "Jo On-call", "Pat Auditor", "Lee Admin"]


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


def wait_for(check: Callable[[], Any], seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("timed out")


def user(stack: Stack, user_id: str) -> dict[str, Any]:
    return next(u for u in stack.call("GET", "/users", "demo-admin")["users"] if u["id"] == user_id)


def restore_role(stack: Stack, user_id: str, role: str, present: bool) -> None:
    if (role in user(stack, user_id)["roles"]) != present:
        stack.call("PUT" if present else "DELETE", f"/users/{user_id}/roles/{role}", "demo-admin")


def account_named(stack: Stack, name: str) -> dict[str, Any] | None:
    return next((c for c in stack.call("GET", "/channels", "demo-admin")["channels"] if c["name"] == name), None)


def sandbox_mastodon(stack: Stack, name: str, token: str, enabled: bool = True) -> str:
    """A sandbox Mastodon account on the local sandbox, its token stored (and enabled), made through the API."""
    account = stack.call("POST", "/channels", "demo-admin", {
        "platform": "mastodon", "name": name, "sandbox": True,
        "settings": {"base_url": f"{stack.sandbox}/mastodon", "max_characters": 500}})
    account_id = str(account["id"])
    stack.call("PUT", f"/channels/{quote(account_id)}/credentials", "demo-admin", {"access_token": token})
    if enabled:
        stack.call("POST", f"/channels/{quote(account_id)}/enable", "demo-admin")
    return account_id


def retire(stack: Stack, account_id: str) -> None:
    """Delete the account, or disable it where something was sent to it."""
    try:
        stack.call("DELETE", f"/channels/{quote(account_id)}", "demo-admin")
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return
        assert error.code == 409
        stack.call("POST", f"/channels/{quote(account_id)}/disable", "demo-admin")


# -- users ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_an_admin_gives_a_role_takes_it_away_and_the_last_admin_keeps_theirs(screens: Any, stack: Stack,
                                                                            width: str) -> None:
    admin: Screen = screens(width)
    admin.sign_in("Lee Admin")
    page = admin.page
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("heading", name="Users", level=1).wait_for()
    for name in DEMO_NAMES:
        page.locator(".user-card h2").filter(has_text=name).wait_for()
    pat = page.locator(".user-card").filter(has=page.locator("h2", has_text="Pat Auditor"))
    assert pat.get_by_label("Auditor", exact=True).is_checked()
    assert not pat.get_by_label("On-call", exact=True).is_checked()
    lee = page.locator(".user-card").filter(has=page.locator("h2", has_text="Lee Admin"))
    assert lee.get_by_label("Admin", exact=True).is_checked()
    assert "You cannot disable yourself" in lee.inner_text()
    admin.look("users")
    try:
        pat.get_by_label("On-call", exact=True).check()
        pat.get_by_text("On-call given to Pat Auditor").wait_for()
        assert user(stack, "demo-auditor")["roles"] == ["auditor", "oncall"]
        admin.look("users-role-given")
        pat.get_by_label("On-call", exact=True).uncheck()
        pat.get_by_text("On-call taken from Pat Auditor").wait_for()
        assert user(stack, "demo-auditor")["roles"] == ["auditor"]
        # The only admin cannot lose the admin role: the API's 409 is shown and the box stays ticked.
        lee.get_by_label("Admin", exact=True).click()
        lee.get_by_role("alert").filter(has_text="last enabled admin").wait_for()
        assert lee.get_by_label("Admin", exact=True).is_checked()
        assert "admin" in user(stack, "demo-admin")["roles"]
        admin.look("users-last-admin")
    finally:
        restore_role(stack, "demo-auditor", "oncall", False)
        restore_role(stack, "demo-admin", "admin", True)


def test_an_admin_disables_and_enables_a_user(screens: Any, stack: Stack) -> None:
    admin: Screen = screens("desktop")
    admin.sign_in("Lee Admin")
    page = admin.page
    page.goto(stack.api + "/#/users")
    kim = page.locator(".user-card").filter(has=page.locator("h2", has_text="Kim Spokesperson"))
    try:
        kim.get_by_role("button", name="Disable…").click()
        dialog = page.get_by_role("dialog", name="Disable Kim Spokesperson?")
        dialog.wait_for()
        dialog.get_by_role("button", name="Go back").click()
        assert user(stack, "demo-spokesperson-2")["status"] == "enabled"
        kim.get_by_role("button", name="Disable…").click()
        dialog.get_by_role("button", name="Disable Kim Spokesperson").click()
        kim.get_by_text("Kim Spokesperson is disabled").wait_for()
        assert user(stack, "demo-spokesperson-2")["status"] == "disabled"
        with pytest.raises(urllib.error.HTTPError) as refused:
            stack.call("GET", "/me", "demo-spokesperson-2")
        assert refused.value.code == 401
        admin.look("users-disabled")
        kim.get_by_role("button", name="Enable", exact=True).click()
        kim.get_by_text("Kim Spokesperson is enabled").wait_for()
        assert stack.call("GET", "/me", "demo-spokesperson-2")["name"] == "Kim Spokesperson"
    finally:
        if user(stack, "demo-spokesperson-2")["disabled"]:
            stack.call("POST", "/users/demo-spokesperson-2/enable", "demo-admin")


# -- channel accounts -------------------------------------------------------------------------------

def test_an_admin_adds_a_sandbox_mastodon_account_that_takes_a_broadcast(screens: Any, stack: Stack) -> None:
    admin: Screen = screens("desktop")
    admin.sign_in("Lee Admin")
    page = admin.page
    page.get_by_role("link", name="Channels", exact=True).click()
    page.get_by_role("heading", name="Channels", level=1).wait_for()
    page.get_by_role("link", name="@drills@health.social (test account)").wait_for()
    admin.look("channels")

    page.get_by_role("link", name="Add a channel account").click()
    page.get_by_role("heading", name="Add a channel account").wait_for()
    page.get_by_label("Platform").select_option("mastodon")
    name = unique("Drills on Mastodon")
    page.get_by_label("Name (required)", exact=True).fill(name)
    page.get_by_label("Test account (sandbox)").check()
    base_url = page.get_by_label("Base URL")
    base_url.fill("not a web address")
    page.get_by_role("button", name="Create account").click()
    # The 422 names settings.base_url: its problem shows under that field, and in the summary.
    field = page.locator(".field").filter(has=base_url)
    field.locator(".finding").filter(has_text="http(s) URL").wait_for()
    assert base_url.get_attribute("aria-invalid") == "true"
    page.get_by_role("alert").filter(has_text="Base URL").wait_for()
    admin.look("channel-new-invalid")
    assert account_named(stack, name) is None

    base_url.fill(f"{stack.sandbox}/mastodon")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name=name, level=1).wait_for()
    page.locator("#main").get_by_text("Next: store its credentials, check it, then enable it").wait_for()
    created = account_named(stack, name)
    assert created is not None and created["sandbox"] and not created["enabled"]
    account_id = created["id"]
    try:
        assert page.locator("#main").get_by_text("Credentials missing").is_visible()
        # Enabling without credentials: the 409 says what to do first.
        page.get_by_role("button", name="Enable", exact=True).click()
        page.get_by_role("alert").filter(has_text="Set its credentials first").wait_for()
        admin.look("channel-created")

        token = page.get_by_label("Access token")
        assert token.get_attribute("type") == "password" and token.get_attribute("autocomplete") == "off"
        token.fill("sandbox-mastodon-token-2")
        page.get_by_role("button", name="Save credentials").click()
        page.locator("#main").get_by_text("Credentials saved").wait_for()
        assert token.input_value() == ""
        assert stack.call("GET", f"/channels/{quote(account_id)}", "demo-admin")["credentials"] == "set"
        assert "sandbox-mastodon-token-2" not in page.content()

        page.get_by_role("button", name="Check now").click()
        page.locator("#main .readiness.ok").filter(has_text="Ready").wait_for()
        health = stack.call("GET", f"/channels/{quote(account_id)}", "demo-admin")["health"]
        assert health["healthy"] is True

        page.get_by_role("button", name="Send a test post").click()
        link = page.get_by_role("link", name="Open the test post")
        link.wait_for()
        assert (link.get_attribute("href") or "").startswith("http")

        page.get_by_role("button", name="Enable", exact=True).click()
        page.locator("#main").get_by_text(f"{name} is enabled").wait_for()
        admin.look("channel-ready")

        # An exercise advisory to it gets delivered.
        advisory = stack.call("POST", "/advisories", "demo-spokesperson", {
            "headline": "EXERCISE: boil water notice for Harbour", "status": "Exercise",
            "description": "This is a drill. Nothing is wrong with the Harbour water supply.",
            "instruction": "Staff: follow the boil-water runbook. The public need do nothing.",
            "event": "Boil Water Notice", "urgency": "Immediate", "severity": "Minor", "certainty": "Possible",
            "area_desc": "Harbour", "channels": [account_id]})
        stack.call("POST", f"/advisories/{advisory['id']}/submit", "demo-spokesperson")
        stack.call("POST", f"/advisories/{advisory['id']}/approve", "demo-approver")
        deliveries = wait_for(lambda: (lambda ds: ds if ds and all(d["state"] in FINAL for d in ds) else None)(
            stack.call("GET", f"/advisories/{advisory['id']}/deliveries", "demo-auditor")["deliveries"]))
        assert [(d["channel_account"], d["state"]) for d in deliveries] == [(account_id, "sent")]

        # Something was sent to it: deleting is refused, disabling is offered instead.
        page.reload()
        page.get_by_role("heading", name=name, level=1).wait_for()
        page.get_by_role("button", name="Delete this account…").click()
        page.get_by_role("dialog", name=f"Delete {name}?").get_by_role("button", name=f"Delete {name}").click()
        refusal = page.get_by_role("alert").filter(has_text="cannot be deleted")
        refusal.wait_for()
        assert "disable it instead" in refusal.inner_text()
        admin.look("channel-delete-refused")
        refusal.get_by_role("button", name="Disable it").click()
        page.locator("#main").get_by_text(f"{name} is disabled").wait_for()
        assert not stack.call("GET", f"/channels/{quote(account_id)}", "demo-admin")["enabled"]
    finally:
        retire(stack, account_id)


def test_an_admin_edits_checks_all_and_deletes_an_unused_account(screens: Any, stack: Stack) -> None:
    name = unique("Spare Mastodon")
    account_id = sandbox_mastodon(stack, name, "sandbox-mastodon-token-2", enabled=False)
    try:
        admin: Screen = screens("desktop")
        admin.sign_in("Lee Admin")
        page = admin.page
        page.goto(stack.api + f"/#/channels/{quote(account_id, safe='')}")
        page.get_by_role("heading", name=name, level=1).wait_for()
        # Edit: a refused setting shows under its field, then a good one is saved.
        limit = page.get_by_label("Max characters")
        assert limit.input_value() == "500"
        limit.fill("0")
        page.get_by_role("button", name="Save changes").click()
        page.locator(".field").filter(has=limit).locator(".finding").wait_for()
        limit.fill("480")
        page.get_by_role("button", name="Save changes").click()
        page.locator("#main").get_by_text("Saved. The next delivery uses the new settings.").wait_for()
        saved = stack.call("GET", f"/channels/{quote(account_id)}", "demo-admin")
        assert saved["settings"]["max_characters"] == 480
        assert saved["settings"]["base_url"] == f"{stack.sandbox}/mastodon"
        # Someone else saves meanwhile: this form's revision is stale, and it says how to go on.
        stack.call("PUT", f"/channels/{quote(account_id)}", "demo-admin",
                   {"revision": saved["revision"], "language": "en-GB"})
        limit.fill("450")
        page.get_by_role("button", name="Save changes").click()
        page.get_by_role("alert").filter(has_text="Someone else changed this account").wait_for()
        page.get_by_role("button", name="Load the latest version").click()
        page.locator("#main").get_by_text(re.compile(r"en-GB · revision")).wait_for()

        page.get_by_role("link", name="← Channels").click()
        page.get_by_role("button", name="Check all enabled accounts").click()
        page.locator(".channels-status").get_by_text(re.compile(r"^Checked \d+ account")).wait_for(timeout=40000)
        page.get_by_role("row").filter(has_text="@drills@health.social").locator(".readiness.ok").wait_for()

        page.get_by_role("link", name=name).click()
        page.get_by_role("heading", name=name, level=1).wait_for()
        page.get_by_role("button", name="Delete this account…").click()
        page.get_by_role("dialog", name=f"Delete {name}?").get_by_role("button", name=f"Delete {name}").click()
        page.locator("#main").get_by_text(f"Deleted {name}.").wait_for()
        page.get_by_role("heading", name="Channels", level=1).wait_for()
        assert account_named(stack, name) is None
        with pytest.raises(urllib.error.HTTPError) as gone:
            stack.call("GET", f"/channels/{quote(account_id)}", "demo-admin")
        assert gone.value.code == 404
    finally:
        retire(stack, account_id)


def test_the_channel_screens_at_phone_width(screens: Any, stack: Stack) -> None:
    admin: Screen = screens("phone")
    admin.sign_in("Lee Admin")
    page = admin.page
    page.goto(stack.api + "/#/channels")
    page.get_by_role("heading", name="Channels", level=1).wait_for()
    admin.look("channels")
    page.get_by_role("link", name="Add a channel account").click()
    page.get_by_label("Platform").select_option("email")
    page.get_by_label("To addresses").wait_for()
    admin.look("channel-new")
    page.goto(stack.api + "/#/channels/" + quote("mastodon:drills", safe=""))
    page.get_by_role("heading", name="@drills@health.social (test account)", level=1).wait_for()
    admin.look("channel")


def test_the_composer_shows_each_accounts_readiness(screens: Any, stack: Stack) -> None:
    name = unique("Revoked Mastodon")
    account_id = sandbox_mastodon(stack, name, "a-revoked-token")
    try:
        checked = stack.call("POST", f"/channels/{quote(account_id)}/check", "demo-admin")
        assert checked["health"]["healthy"] is False and checked["health"]["problem"] == "credentials"
        stack.call("POST", f"/channels/{quote('mastodon:drills')}/check", "demo-admin")
        writer: Screen = screens("phone")
        writer.sign_in("Sam Spokesperson")
        page = writer.page
        page.goto(stack.api + "/#/write")
        picker = page.locator(".channel-picker")
        revoked = picker.locator("label.choice").filter(has_text=name)
        revoked.locator(".readiness").filter(has_text="Not ready: token revoked").wait_for()
        assert "✖" in revoked.inner_text()
        drills = picker.locator("label.choice").filter(has_text="@drills@health.social")
        assert "Ready" in drills.locator(".readiness.ok").inner_text()
        picker.scroll_into_view_if_needed()
        writer.look("write-readiness")
    finally:
        retire(stack, account_id)
