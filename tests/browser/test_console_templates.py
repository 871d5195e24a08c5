"""Templates in a real browser (issue 14): an admin writes one with a typed parameter, watching the
live preview; an approver approves it from Approvals; on-call see it on Launch; the admin retires
it and it is gone. Every screen is screenshotted at its width and checked with axe
(conftest.Screen.look). The stack is shared: these tests make their own templates, with unique
names, and never touch the seeded ones."""
from __future__ import annotations

import json
import re
import uuid
from typing import Any
from urllib.error import HTTPError

import pytest
from playwright.sync_api import expect

from .conftest import Screen, Stack

pytestmark = pytest.mark.browser

ZONES = ["North bank", "South bank", "Old Town"]


def answer(stack: Stack, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    """The status and body of an API call (stack.call raises on an HTTP error)."""
    try:
        return 200, stack.call(method, path, token, body)
    except HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def template_body(name: str) -> dict[str, Any]:
    return {"name": name,
            "content": {"headline": "Water off in {zone} today",
                        "description": "A burst main cut the water supply in {zone}.",
                        "instruction": "Use bottled water; the council hands it out at the library.",
                        "event": "Water outage", "urgency": "Immediate", "severity": "Moderate",
                        "certainty": "Observed", "area_desc": "{zone}",
                        "channels": ["mastodon:city-health", "slack:staff"]},
            "parameters": [{"name": "zone", "allowed": ZONES, "description": "Which part of town"}]}


def by_name(stack: Stack, name: str) -> dict[str, Any]:
    [template] = [t for t in stack.call("GET", "/templates", "demo-admin")["templates"] if t["name"] == name]
    return dict(template)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_template_is_written_approved_launched_and_retired(screens: Any, stack: Stack, width: str) -> None:
    name = f"Water outage ({width} {uuid.uuid4().hex[:6]})"

    # -- the admin writes it, with a live preview from a sample value ------------------------------
    admin: Screen = screens(width)
    admin.sign_in("Lee Admin")
    page = admin.page
    page.locator("#nav").get_by_role("link", name="Templates").click()
    page.get_by_role("heading", name="Templates", exact=True).wait_for()
    expect(page.get_by_role("link", name="Boil-water notice")).to_be_visible()  # the seeded ones are listed
    admin.look("templates")
    page.get_by_role("link", name="New template").click()
    page.get_by_role("heading", name="New template").wait_for()
    page.get_by_role("group", name="Template").get_by_label("Name").fill(name)
    parameter = page.locator("fieldset.param").first
    parameter.get_by_label("Name").fill("zone")
    parameter.get_by_label("What to fill in").fill("Which part of town")
    parameter.get_by_label("Allowed values").fill("\n".join(ZONES))
    expect(parameter.locator("legend")).to_have_text("Parameter 1: {zone}")
    # A second parameter, added and removed by keyboard-friendly buttons; declared ones are offered
    # as choices for the CAP fields.
    page.get_by_role("button", name="Add parameter").click()
    second = page.locator("fieldset.param").nth(1)
    expect(second.get_by_label("Name")).to_be_focused()
    second.get_by_label("Name").fill("level")
    second.get_by_label("Type").select_option("integer")
    expect(page.get_by_label("Severity").locator("option", has_text="{level}")).to_have_count(1)
    expect(page.locator(".sample-box input[type=number]")).to_have_count(1)
    page.get_by_role("button", name="Remove parameter 2").click()
    expect(page.locator("fieldset.param")).to_have_count(1)
    expect(page.get_by_role("button", name="Add parameter")).to_be_focused()
    expect(page.get_by_label("Severity").locator("option", has_text="{level}")).to_have_count(0)
    page.get_by_label("Headline").fill("Water off in {zone} today")
    page.get_by_label("What happened").fill("A burst main cut the water supply in {zone}.")
    page.get_by_label("What people should do").fill("Use bottled water; the council hands it out at the library.")
    page.get_by_label("Event", exact=True).fill("Water outage")
    page.get_by_label("Urgency").select_option("Immediate")
    page.get_by_label("Severity").select_option("Moderate")
    page.get_by_label("Certainty").select_option("Observed")
    page.get_by_label("Area", exact=True).fill("{zone}")
    page.get_by_label("@cityhealth@health.social").check()
    page.get_by_label("#staff-alerts on Slack").check()
    # A new template is offered only live accounts (a switched-off one is listed, badged, only where
    # a saved template already uses it), so nothing here carries the badge.
    accounts = stack.call("GET", "/channels", "demo-admin")["channels"]
    picker = page.locator("fieldset.channel-picker")
    expect(picker.locator("input[name=channels]")).to_have_count(sum(c["enabled"] for c in accounts))
    expect(picker.locator(".badge.warn", has_text="switched off")).to_have_count(0)
    preview = page.locator(".preview-pane .channels-preview")
    expect(preview.locator(".channel-row")).to_have_count(2)
    expect(preview).to_contain_text("Water off in North bank today")  # the first allowed value
    # The sample changes: the preview follows.
    page.locator(".sample-box").get_by_label(re.compile(r"\{zone\}")).select_option("Old Town")
    expect(preview).to_contain_text("Water off in Old Town today")
    expect(preview).not_to_contain_text("North bank")
    # Its own wording for Slack: the sandbox refuses a reach for internals, under that field.
    page.locator("details.wording > summary", has_text="Slack").click()
    wording = page.get_by_label("Wording for Slack")
    wording.fill("{{ post.__class__ }}")
    wording_note = page.locator(".field", has=page.get_by_label("Wording for Slack")).locator(".finding.blocking")
    expect(wording_note).to_contain_text("Wording for Slack:")
    wording.fill("{{ post.headline|upper }}")
    expect(wording_note).to_have_count(0)
    expect(preview).to_contain_text("WATER OFF IN OLD TOWN TODAY")
    admin.look("template-new")

    # A placeholder nobody declared: the problem shows under the field that uses it, live and on save.
    page.get_by_label("Headline").fill("Water off in {zoen} today")
    headline_note = page.locator(".field", has=page.get_by_label("Headline")).locator(".finding.blocking")
    expect(headline_note).to_contain_text("{zoen}")
    expect(page.get_by_label("Headline")).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Save template").click()
    summary = page.locator(".findings-summary")
    expect(summary.get_by_role("alert")).to_contain_text("{zoen} is not a declared parameter")
    expect(headline_note).to_contain_text("add it under Parameters")
    admin.look("template-undeclared-placeholder")
    assert not [t for t in stack.call("GET", "/templates", "demo-admin")["templates"] if t["name"] == name]
    page.get_by_label("Headline").fill("Water off in {zone} today")
    expect(headline_note).to_have_count(0)
    # A parameter name the API refuses: said under that parameter's name.
    parameter.get_by_label("Name").fill("Zone")
    name_note = parameter.locator(".param-name .finding.blocking")
    expect(name_note).to_contain_text("Parameter 1, name: use lower-case letters")
    expect(parameter.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    parameter.get_by_label("Name").fill("zone")
    expect(name_note).to_have_count(0)
    page.get_by_role("button", name="Save template").click()
    saved = page.locator("main .notice.ok[role=status]")
    expect(saved).to_contain_text("waits for an approver")
    page.wait_for_url(re.compile(r"#/templates/tpl_"))
    template = by_name(stack, name)
    assert template["state"] == "draft" and template["author"] == "demo-admin"
    assert template["parameters"] == [{"name": "zone", "type": "string", "required": True, "allowed": ZONES,
                                       "max_length": 200, "description": "Which part of town"}]
    assert template["content"]["channels"] == ["mastodon:city-health", "slack:staff"]
    assert template["content"]["area_desc"] == "{zone}"
    assert template["renderings"] == {"slack": "{{ post.headline|upper }}"}
    expect(page.get_by_role("heading", name=f"Edit “{name}”")).to_be_visible()
    expect(page.locator(".preview-pane .channel-row")).to_have_count(2)
    expect(saved).to_be_visible()  # the preview after saving leaves the notice be
    admin.look("template-saved")

    # -- an approver approves it from the Approvals screen ---------------------------------------
    approver: Screen = screens(width)
    approver.sign_in("Alex Approver")
    approver.page.goto(stack.api + "/#/approvals")
    waiting = approver.page.locator(".templates-awaiting")
    waiting.get_by_role("link", name=name).wait_for()
    approver.look("approvals-with-templates")
    waiting.get_by_role("link", name=name).click()
    approver.page.get_by_role("button", name="Approve…").wait_for()
    review = approver.page.locator(".channels-preview")
    expect(review.locator(".channel-row")).to_have_count(2)
    expect(review).to_contain_text("Water off in North bank today")
    approver.page.locator(".sample-box").get_by_label(re.compile(r"\{zone\}")).select_option("South bank")
    expect(review).to_contain_text("Water off in South bank today")
    assert "Which part of town" in approver.page.locator(".param-list").inner_text()
    expect(approver.page.get_by_text("Own wording for Slack")).to_be_visible()
    approver.look("template-review")
    approver.page.get_by_role("button", name="Approve…").click()
    dialog = approver.page.get_by_role("dialog")
    dialog.wait_for()
    approver.look("template-approve-confirm")
    dialog.get_by_role("button", name="Approve template").click()
    expect(approver.page.locator("main .notice.ok[role=status]")).to_contain_text("Approved: on-call can launch")
    expect(approver.page.get_by_role("button", name="Approve…")).to_have_count(0)
    approver.look("template-approved")
    approved = by_name(stack, name)
    assert approved["state"] == "approved" and approved["triggerable"] is True
    assert approved["approval"]["by"] == "demo-approver"

    # -- on-call find it on Launch ------------------------------------------------------------------
    oncall: Screen = screens(width)
    oncall.sign_in("Jo On-call")
    oncall.page.goto(stack.api + "/#/launch")
    oncall.page.get_by_role("link", name=re.compile(re.escape(name))).wait_for()
    oncall.look("launch-with-new-template")

    # -- the admin retires it: read-only, gone from Launch, never triggered ---------------------
    page.locator("#nav").get_by_role("link", name="Templates").click()
    page.get_by_role("link", name=name).click()
    expect(page.locator(".notice[role=note]")).to_contain_text("Approved by demo-approver")
    page.get_by_role("button", name="Retire…").click()
    retire = page.get_by_role("dialog")
    retire.get_by_label("Why (optional)").fill("Replaced by the county's outage notice")
    admin.look("template-retire-confirm")
    retire.get_by_role("button", name="Retire template").click()
    expect(page.get_by_text("Retired by demo-admin on")).to_be_visible()
    expect(page.get_by_text("Reason: Replaced by the county's outage notice")).to_be_visible()
    expect(page.get_by_role("button", name="Save template")).to_have_count(0)
    expect(page.locator("input, textarea, select")).to_have_count(0)  # read-only
    admin.look("template-retired")
    page.get_by_role("link", name="← Templates").click()
    retired_list = page.locator(".retired-list")
    expect(retired_list.get_by_role("link", name=name)).to_be_visible()
    expect(page.locator(".advisory-list:not(.retired-list)").get_by_role("link", name=name)).to_have_count(0)
    admin.look("templates-with-retired")

    oncall.page.reload()
    oncall.page.get_by_role("heading", name="Launch an alert").wait_for()
    expect(oncall.page.get_by_role("link", name="Boil-water notice")).to_be_visible()
    expect(oncall.page.get_by_role("link", name=re.compile(re.escape(name)))).to_have_count(0)
    status, body = answer(stack, "POST", f"/templates/{approved['id']}/trigger", "demo-oncall",
                          {"parameters": {"zone": "Old Town"}})
    assert status == 409, body
    assert "retired by demo-admin" in body["error"]["message"] and body["error"]["details"] == {"state": "retired"}


def test_an_approver_who_edited_a_template_is_refused_with_the_apis_reason(screens: Any, stack: Stack) -> None:
    name = f"Water outage (edited by the approver {uuid.uuid4().hex[:6]})"
    body = template_body(name)
    template = stack.call("POST", "/templates", "demo-admin", body)
    approver: Screen = screens("desktop")
    approver.sign_in("Alex Approver")
    page = approver.page
    page.goto(stack.api + f"/#/approvals/{template['id']}")
    page.get_by_role("button", name="Approve…").wait_for()
    # Meanwhile the approver (an admin for a moment) edits it, without changing a word.
    stack.call("PUT", "/users/demo-approver/roles/admin", "demo-admin")
    try:
        edited = stack.call("PUT", f"/templates/{template['id']}", "demo-approver", body)
    finally:
        stack.call("DELETE", "/users/demo-approver/roles/admin", "demo-admin")
    assert edited["editors"] == ["demo-approver"] and edited["content_hash"] == template["content_hash"]
    page.get_by_role("button", name="Approve…").click()
    page.get_by_role("dialog").get_by_role("button", name="Approve template").click()
    refusal = page.get_by_role("alert").filter(has_text="you cannot approve a template you wrote or edited")
    expect(refusal).to_be_visible()
    expect(page.get_by_role("button", name="Approve…")).to_have_count(0)
    approver.look("template-approve-refused")
    assert by_name(stack, name)["state"] == "draft"
    # Opened again, it says so up front and offers no Approve.
    page.reload()
    expect(page.get_by_text("You wrote or edited this template, so another approver must approve it.")).to_be_visible()
    expect(page.get_by_role("button", name="Approve…")).to_have_count(0)
    page.goto(stack.api + "/#/approvals")
    item = page.locator(".templates-awaiting .advisory-item", has=page.get_by_role("link", name=name))
    expect(item.get_by_text("You wrote or edited this")).to_be_visible()
    # Tidy: the shared stack's approvers need not see it waiting.
    stack.call("POST", f"/templates/{template['id']}/retire", "demo-admin", {"reason": "browser test"})
