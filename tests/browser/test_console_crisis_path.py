"""The crisis path in a real browser, one test per job: sign in, write, approve and watch, reject
and revise, update and cancel, launch a template on a phone. Every screen is screenshotted at
its width and checked with axe (conftest.Screen.look)."""
from __future__ import annotations

import re
import time
from typing import Any
from collections.abc import Callable

import pytest

from .conftest import Screen, Stack

pytestmark = pytest.mark.browser

FINAL = {"sent", "failed", "skipped", "cancelled"}


def advisory_body(**overrides: Any) -> dict[str, Any]:
    body = {"headline": "Boil water notice for Riverside",
            "description": "Bacteria were found in the Riverside water supply.",
            "instruction": "Boil tap water for one minute before drinking or cooking.",
            "event": "Boil Water Notice", "urgency": "Immediate", "severity": "Severe", "certainty": "Observed",
            "area_desc": "Riverside district",
            "channels": ["mastodon:city-health", "slack:staff", "sms:subscribers", "banner:website"]}
    return {**body, **overrides}


def pending(stack: Stack, **overrides: Any) -> str:
    advisory = stack.call("POST", "/advisories", "demo-spokesperson", advisory_body(**overrides))
    stack.call("POST", f"/advisories/{advisory['id']}/submit", "demo-spokesperson")
    return str(advisory["id"])


def mine(stack: Stack, token: str = "demo-spokesperson") -> list[dict[str, Any]]:
    return list(stack.call("GET", "/advisories?view=mine&limit=200", token)["advisories"])


def wait_for(check: Callable[[], Any], seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("timed out")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_sign_in_shows_who_and_only_what_their_roles_may_do(screens: Any, width: str) -> None:
    screen: Screen = screens(width)
    page = screen.page
    page.goto(screen.stack.api + "/")
    page.get_by_role("button", name="Sign in").wait_for()
    screen.look("sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(screen.stack.signin + "/**")
    screen.look("sign-in-choose-user")
    page.get_by_role("button", name=re.compile("Alex Approver")).click()
    page.locator("#who .who-name").wait_for()
    assert page.locator("#who .who-name").inner_text() == "Alex Approver"
    assert "approver" in page.locator("#who .who-roles").inner_text()
    nav = [t.strip() for t in page.locator("#nav a").all_inner_texts()]
    assert nav == ["Approvals", "Broadcasts", "Organisation"]
    screen.look("approvals-empty-or-queue")
    # A reload keeps the person signed in: the ID token was in memory only, so the console
    # exchanges the tab's refresh token for a new one.
    page.reload()
    page.locator("#who .who-name").wait_for()
    # The screen has drawn (and moved focus to its heading) once the title names it.
    page.wait_for_function("() => document.title.startsWith('Approvals')")
    assert page.locator("#who .who-name").inner_text() == "Alex Approver"
    assert page.evaluate("Object.keys(localStorage).length") == 0
    assert page.evaluate("Object.keys(sessionStorage)") == ["clarion.refresh"]
    # Keyboard: the skip link is the first stop and moves focus to the screen.
    address = page.url
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main" and page.url == address
    # Sign out clears the session: a reload shows the sign-in screen, not the approver's queue.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(screen.stack.api + "/**")
    page.get_by_role("button", name="Sign in").wait_for()
    page.reload()
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.locator("#nav a").count() == 0
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k === 'clarion.refresh')") == []
    # Another user in the same tab sees only their own screens.
    screen.sign_in("Jo On-call")
    assert [t.strip() for t in page.locator("#nav a").all_inner_texts()] == ["Launch", "Broadcasts"]


def test_a_spokesperson_writes_fixes_a_finding_and_submits_once(screens: Any, stack: Stack) -> None:
    screen: Screen = screens("desktop")
    page = screen.page
    screen.sign_in("Sam Spokesperson")
    before = len(mine(stack))
    page.goto(stack.api + "/#/write")
    page.get_by_label("Headline").fill("Measles exposure at Riverside clinic")
    page.get_by_label("What happened").fill("A visitor with measles was at the clinic. Call the mother on "
                                             "(415) 555-2671 for details.")
    page.get_by_label("What people should do").fill("Check your vaccination record; call your doctor if unwell.")
    page.get_by_label("Event").fill("Measles exposure")
    page.get_by_label("Urgency").select_option("Expected")
    page.get_by_label("Severity").select_option("Moderate")
    page.get_by_label("Certainty").select_option("Observed")
    page.get_by_label("Area").fill("Riverside")
    page.get_by_label("@cityhealth@health.social").check()
    page.get_by_label("#staff-alerts on Slack").check()
    # The live preview shows each channel as a compact row.
    page.locator(".channel-row").first.wait_for()
    assert page.locator(".channel-row").count() == 2
    page.get_by_role("button", name="Submit for approval").click()
    finding = page.locator(".field-findings .finding.blocking").filter(has_text="415")
    finding.wait_for()
    assert finding.locator("mark").inner_text().strip() == "(415) 555-2671"
    summary = page.locator(".findings-summary")
    assert "to fix before submitting" in summary.inner_text()
    screen.look("write-with-finding")
    assert [a["state"] for a in mine(stack)][: len(mine(stack)) - before] == ["draft"]  # one draft, not submitted
    page.get_by_label("What happened").fill("A visitor with measles was at the Riverside clinic on Tuesday.")
    submit = page.get_by_role("button", name="Submit for approval")
    submit.dblclick()  # a double click still submits once
    page.wait_for_url(re.compile(r"#/mine/adv_"))
    page.locator(".progress").wait_for()
    screen.look("submitted-monitor")
    added = mine(stack)[: len(mine(stack)) - before]
    assert [a["state"] for a in added] == ["pending_approval"], added


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_an_approver_reviews_approves_and_watches_every_delivery_end(screens: Any, stack: Stack, width: str) -> None:
    advisory_id = pending(stack, headline=f"Water main burst near Riverside ({width})")
    screen: Screen = screens(width)
    page = screen.page
    screen.sign_in("Alex Approver")
    page.goto(stack.api + "/#/approvals")
    page.get_by_role("link", name=f"Water main burst near Riverside ({width})").click()
    page.get_by_role("button", name="Approve…").wait_for()
    assert page.locator(".channel-row").count() == 4
    assert "#staff-alerts on Slack" in page.locator("dl.summary").inner_text()  # names, not ids
    screen.look("review")
    page.get_by_role("button", name="Approve…").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    screen.look("approve-confirm")
    dialog.get_by_role("button", name=re.compile("Approve and send to 4 channels")).click()
    page.wait_for_url(re.compile(rf"#/advisories/{advisory_id}"))
    page.locator(".progress-text", has_text="4 of 4 final").wait_for(timeout=60000)
    rows = page.locator("table.deliveries tbody tr")
    assert rows.count() == 4
    states = {d["state"] for d in stack.call("GET", f"/advisories/{advisory_id}/deliveries", "demo-auditor")["deliveries"]}
    assert states <= FINAL
    assert page.locator("table.deliveries a", has_text="Open post").count() >= 1
    screen.look("monitor-final")


def test_a_rejection_reaches_the_author_who_revises_and_resubmits(screens: Any, stack: Stack) -> None:
    advisory_id = pending(stack, headline="Clinic closed tomorrow")
    approver: Screen = screens("desktop")
    approver.sign_in("Alex Approver")
    approver.page.goto(stack.api + f"/#/approvals/{advisory_id}")
    approver.page.get_by_text("Reject…").click()
    approver.page.get_by_role("button", name="Reject").click()  # no reason: refused in place
    approver.page.get_by_role("alert").filter(has_text="Say what the author should change").wait_for()
    approver.page.get_by_label("Reason for rejecting").fill("Say which clinic and until when")
    approver.look("reject")
    approver.page.get_by_role("button", name="Reject").click()
    approver.page.wait_for_url(re.compile(r"#/approvals$"))

    author: Screen = screens("phone")
    author.sign_in("Sam Spokesperson")
    author.page.goto(stack.api + "/#/mine?view=drafts")
    item = author.page.locator(".advisory-item", has_text="Clinic closed tomorrow")
    item.get_by_text("Say which clinic and until when").wait_for()
    author.look("my-drafts-rejected")
    item.get_by_role("link", name="Revise").click()
    author.page.get_by_role("note").filter(has_text="Say which clinic and until when").wait_for()
    author.page.get_by_label("Headline").fill("Riverside clinic closed until Monday")
    author.look("revise")
    author.page.get_by_role("button", name="Submit for approval").click()
    author.page.wait_for_url(re.compile(rf"#/mine/{advisory_id}"))
    assert stack.call("GET", f"/advisories/{advisory_id}", "demo-auditor")["state"] == "pending_approval"


def test_update_and_cancel_go_out_as_linked_advisories(screens: Any, stack: Stack) -> None:
    advisory_id = pending(stack, headline="Heat alert for Old Town")
    stack.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    author: Screen = screens("desktop")
    author.sign_in("Sam Spokesperson")
    author.page.goto(stack.api + "/#/mine?view=live")
    item = author.page.locator(".advisory-item", has_text="Heat alert for Old Town")
    item.get_by_role("button", name="Update").click()
    author.page.wait_for_url(re.compile(r"#/write/adv_"))
    author.page.get_by_text("This Update follows").wait_for()
    author.page.get_by_label("Headline").fill("Heat alert for Old Town extended to Sunday")
    author.look("update-draft")
    author.page.get_by_role("button", name="Submit for approval").click()
    author.page.wait_for_url(re.compile(r"#/mine/adv_"))
    update_id = author.page.url.rsplit("/", 1)[-1]

    approver: Screen = screens("desktop")
    approver.sign_in("Alex Approver")
    approver.page.goto(stack.api + f"/#/approvals/{update_id}")
    diff = approver.page.locator("table.diff")
    diff.wait_for()
    assert "extended to Sunday" in diff.inner_text() and "Heat alert for Old Town" in diff.inner_text()
    approver.look("review-update-diff")
    approver.page.get_by_role("button", name="Approve…").click()
    approver.page.get_by_role("dialog").get_by_role("button", name=re.compile("Approve and send")).click()
    approver.page.wait_for_url(re.compile(rf"#/advisories/{update_id}"))
    wait_for(lambda: stack.call("GET", f"/advisories/{advisory_id}", "demo-auditor")["state"] == "superseded")

    author.page.goto(stack.api + "/#/mine?view=live")
    live = author.page.locator(".advisory-item", has_text="extended to Sunday")
    live.get_by_role("button", name="Cancel / all-clear").click()
    author.page.wait_for_url(re.compile(r"#/write/adv_"))
    author.page.get_by_text("all-clear (Cancel)").wait_for()


def test_on_call_launch_a_template_on_a_phone_in_three_taps(screens: Any, stack: Stack) -> None:
    screen: Screen = screens("phone")
    page = screen.page
    screen.sign_in("Jo On-call")
    page.goto(stack.api + "/#/launch")
    page.get_by_role("link", name=re.compile("Boil-water notice")).wait_for()
    screen.look("launch-templates")
    before = {a["id"] for a in stack.call("GET", "/advisories?view=all&limit=200", "demo-auditor")["advisories"]}
    page.get_by_role("link", name=re.compile("Boil-water notice")).tap()           # 1
    page.get_by_role("button", name="Harbour").wait_for()
    screen.look("launch-choose")
    page.get_by_role("button", name="Harbour").tap()                               # 2
    page.get_by_role("heading", name="Check and launch").wait_for()
    assert "Boil water notice for Harbour" in page.locator(".channels-preview").inner_text()
    screen.look("launch-confirm")
    launch = page.get_by_role("button", name=re.compile(r"Launch to 6 channels"))
    launch.dblclick()                                                              # 3 (twice, by a shaking hand)
    page.wait_for_url(re.compile(r"#/advisories/adv_"))
    page.locator(".progress-text", has_text="6 of 6 final").wait_for(timeout=60000)
    screen.look("launch-monitor")
    after = stack.call("GET", "/advisories?view=all&limit=200", "demo-auditor")["advisories"]
    launched = [a for a in after if a["id"] not in before]
    assert len(launched) == 1 and launched[0]["content"]["headline"] == "Boil water notice for Harbour"
