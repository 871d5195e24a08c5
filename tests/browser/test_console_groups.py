"""Channel groups in a real browser (issue 16): an admin makes a group, a spokesperson ticks it in the
composer (its accounts tick, its count shows), saves a draft that goes to exactly those accounts and
submits it; the approver's review says which group chose them; the admin changes the group (a stale
revision is explained) and deletes it. Every screen is screenshotted at its width and checked with
axe (conftest.Screen.look).

The stack is shared by every browser test: each group made here has a unique name and is deleted in
a `finally`, and each advisory is withdrawn.
"""
from __future__ import annotations

import re
import urllib.error
import uuid
from typing import Any

import pytest

from .conftest import Screen, Stack

pytestmark = pytest.mark.browser

MEMBERS = ["mastodon:drills", "slack:drills", "sms:subscribers"]  # the first two are test accounts


def groups(stack: Stack) -> dict[str, dict[str, Any]]:
    return {g["name"]: g for g in stack.call("GET", "/channel-groups", "demo-admin")["channel_groups"]}


def remove_group(stack: Stack, name: str) -> None:
    try:
        stack.call("DELETE", f"/channel-groups/{name}", "demo-admin")
    except urllib.error.HTTPError as error:
        assert error.code == 404


def look_at_the_end(screen: Screen, name: str) -> None:
    """A full-page look with the page scrolled to its end, so the sticky actions sit where they end
    up rather than over the middle of the screenshot."""
    screen.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    screen.look(name)


def withdraw(stack: Stack, advisory_id: str) -> None:
    try:
        stack.call("POST", f"/advisories/{advisory_id}/withdraw", "demo-spokesperson", {"reason": "browser test"})
    except urllib.error.HTTPError as error:
        assert error.code == 409  # already final


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_an_admin_makes_a_group_and_a_spokesperson_writes_to_it(screens: Any, stack: Stack, width: str) -> None:
    suffix = uuid.uuid4().hex[:6]
    label, name = f"Drill audience {suffix}", f"drill-audience-{suffix}"
    advisory_id = None
    admin: Screen = screens(width)
    admin.sign_in("Lee Admin")
    page = admin.page
    try:
        page.goto(stack.api + "/#/groups")
        page.get_by_role("heading", name="Channel groups", level=1).wait_for()
        page.get_by_role("link", name="Add a channel group").click()
        page.get_by_role("heading", name="Add a channel group", level=1).wait_for()
        page.get_by_label("Name people see").fill(label)
        assert page.get_by_label("Short name").input_value() == name  # made from the name
        page.get_by_label("Description (optional)").fill("The drill accounts, and the SMS list for the real thing.")
        # No account yet: the API's 422 shows under the accounts, and in the summary.
        page.get_by_role("button", name="Create group").click()
        page.get_by_role("alert").filter(has_text="at least one channel account").wait_for()
        assert page.locator(".group-members").get_attribute("aria-invalid") == "true"
        look_at_the_end(admin, "group-new-invalid")

        for words in ("@drills@health.social", "test workspace"):  # (other tests add accounts named "drills")
            page.get_by_label("Find accounts").fill(words)
            page.get_by_text("1 account matches").wait_for()
            page.get_by_role("button", name="Tick all shown", exact=True).click()
        page.get_by_label("Find accounts").fill("")
        page.get_by_label("SMS subscribers").check()
        assert page.locator(".group-total").inner_text() == "3 accounts in the group"
        look_at_the_end(admin, "group-new")
        page.get_by_role("button", name="Create group").click()
        page.get_by_role("heading", name="Channel groups", level=1).wait_for()
        page.locator("#main").get_by_text(f"Created {label} (3 accounts).").wait_for()
        row = page.get_by_role("row").filter(has_text=label)
        assert "3 accounts" in row.inner_text()
        admin.look("groups")
        made = groups(stack)[name]
        assert sorted(made["channels"]) == sorted(MEMBERS) and made["revision"] == 1

        # The spokesperson ticks the group: its accounts tick; one unticked leaves it half-ticked.
        writer: Screen = screens(width)
        writer.sign_in("Sam Spokesperson")
        page = writer.page
        page.goto(stack.api + "/#/write")
        box = page.get_by_role("checkbox", name=re.compile(re.escape(label)))
        assert "3 accounts" in page.locator(".group-choice").filter(has_text=label).inner_text()
        box.check()
        for account in ("@drills@health.social", "#drills on Slack", "SMS subscribers"):
            assert page.get_by_role("checkbox", name=re.compile(re.escape(account))).is_checked(), account
        page.get_by_role("checkbox", name=re.compile("SMS subscribers")).uncheck()
        assert box.evaluate("b => b.indeterminate") and not box.is_checked()
        assert "2 ticked" in page.locator(".group-choice").filter(has_text=label).inner_text()
        box.check()
        assert box.is_checked() and not box.evaluate("b => b.indeterminate")
        assert page.get_by_role("checkbox", name=re.compile("SMS subscribers")).is_checked()
        page.get_by_role("checkbox", name=re.compile("@cityhealth@health.social")).check()
        page.get_by_label("Headline").fill(f"Boil water notice for Harbour ({width})")
        page.get_by_label("What happened").fill("E. coli was found in the Harbour water supply.")
        page.get_by_label("What people should do").fill("Boil tap water for one minute before drinking it.")
        page.get_by_label("Event").fill("Boil Water Notice")
        page.get_by_label("Urgency").select_option("Immediate")
        page.get_by_label("Severity").select_option("Severe")
        page.get_by_label("Certainty").select_option("Observed")
        page.get_by_label("Area").fill("Harbour")
        page.locator(".channel-row").nth(3).wait_for()  # every account of the group, and the one ticked alone
        assert page.locator(".channel-row").count() == 4
        assert "4 accounts chosen" in page.locator(".picker-total").inner_text()
        page.locator(".group-choice").filter(has_text=label).scroll_into_view_if_needed()
        look_at_the_end(writer, "write-with-group")
        page.get_by_role("button", name="Save draft").click()
        page.locator("#main").get_by_text("Draft saved").wait_for()
        advisory_id = page.url.rsplit("/", 1)[-1]
        saved = stack.call("GET", f"/advisories/{advisory_id}", "demo-spokesperson")
        assert saved["content"]["channels"] == [*MEMBERS, "mastodon:city-health"]  # concrete, in picker order
        assert [(g["name"], g["label"], len(g["channels"])) for g in saved["channel_groups"]] == [(name, label, 3)]

        # An exercise goes to test accounts only: the live SMS list is switched off, the group half-ticked.
        page.get_by_label("Exercise — test accounts only").check()
        assert box.evaluate("b => b.indeterminate")
        assert not page.get_by_role("checkbox", name=re.compile("SMS subscribers")).is_enabled()
        page.get_by_label("Real — goes to the public").check()

        # Reopened, the draft shows its group ticked; submitted, the approver sees which group chose them.
        page.reload()
        page.get_by_role("heading", name="Edit draft").wait_for()
        box = page.get_by_role("checkbox", name=re.compile(re.escape(label)))
        assert box.is_checked()
        stack.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
        approver: Screen = screens(width)
        approver.sign_in("Alex Approver")
        approver.page.goto(stack.api + f"/#/approvals/{advisory_id}")
        chosen = approver.page.locator("dt", has_text="Channels chosen by group").locator("xpath=following-sibling::dd[1]")
        chosen.wait_for()
        assert chosen.inner_text() == f"{label} (3 accounts)"
        look_at_the_end(approver, "review-with-group")
    finally:
        if advisory_id:
            withdraw(stack, advisory_id)
        remove_group(stack, name)


def test_an_admin_changes_a_group_meets_a_stale_revision_and_deletes_it(screens: Any, stack: Stack) -> None:
    suffix = uuid.uuid4().hex[:6]
    label, name = f"Staff channels {suffix}", f"staff-{suffix}"
    stack.call("PUT", f"/channel-groups/{name}", "demo-admin",
               {"revision": 0, "label": label, "channels": ["slack:staff", "slack:drills"]})
    try:
        admin: Screen = screens("desktop")
        admin.sign_in("Lee Admin")
        page = admin.page
        page.goto(stack.api + "/#/groups")
        page.get_by_role("link", name=label).click()
        page.get_by_role("heading", name=label, level=1).wait_for()
        page.locator("#main").get_by_text(f"group:{name} · revision 1").wait_for()
        look_at_the_end(admin, "group")
        page.get_by_label("Name people see").fill(f"{label} and drills")
        page.get_by_role("checkbox", name=re.compile("#staff-alerts on Slack")).uncheck()
        page.get_by_role("button", name="Save changes").click()
        page.locator("#main").get_by_text(f"Saved {label} and drills (1 account).").wait_for()
        assert groups(stack)[name]["channels"] == ["slack:drills"]

        # Someone else changes it meanwhile: this page's revision is stale, and it says how to go on.
        page.get_by_role("link", name=f"{label} and drills").click()
        page.get_by_role("heading", name=f"{label} and drills", level=1).wait_for()
        stack.call("PUT", f"/channel-groups/{name}", "demo-admin",
                   {"revision": 2, "label": label, "channels": ["slack:drills", "mastodon:drills"]})
        page.get_by_label("Description (optional)").fill("Written from an old revision")
        page.get_by_role("button", name="Save changes").click()
        page.get_by_role("alert").filter(has_text="Someone else changed or deleted this group").wait_for()
        look_at_the_end(admin, "group-stale")
        page.get_by_role("button", name="Load the latest version").click()
        page.locator("#main").get_by_text(f"group:{name} · revision 3").wait_for()
        assert groups(stack)[name]["description"] == ""

        page.get_by_role("button", name="Delete this group…").click()
        dialog = page.get_by_role("dialog", name=f"Delete {label}?")
        dialog.get_by_role("button", name="Go back").click()
        assert name in groups(stack)
        page.get_by_role("button", name="Delete this group…").click()
        dialog.get_by_role("button", name=f"Delete {label}").click()
        page.locator("#main").get_by_text(f"Deleted {label}.").wait_for()
        page.get_by_role("heading", name="Channel groups", level=1).wait_for()
        assert name not in groups(stack)
        assert page.get_by_role("link", name=label).count() == 0
    finally:
        remove_group(stack, name)
