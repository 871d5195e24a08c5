"""The auditor's screens in a real browser (issue 14): the delivery log (filters, paging, CSV), the
audit trail (filter, verify) and the after-action report (approver, content hash, post links, PDF,
print). Every screen is screenshotted at its width and checked with axe (conftest.Screen.look).

The advisory this module reads is made through the API with demo tokens and delivered by the
stack's workers; nothing here changes what other tests rely on (no pause, no settings)."""
from __future__ import annotations

import csv
import functools
import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import SCREENSHOTS, Screen, Stack
from .test_console_crisis_path import FINAL, advisory_body, pending, wait_for

pytestmark = pytest.mark.browser

HEADLINE = "Audit check: Riverside clinic opening hours"
CHANNELS = ["banner:website", "mastodon:city-health", "slack:staff", "sms:subscribers"]
ENDED = {"delivered", "partially_delivered", "failed"}


@pytest.fixture(scope="module")
def delivered(stack: Stack) -> dict[str, Any]:
    """An advisory approved by demo-approver, every delivery of it final, and its report."""
    advisory_id = pending(stack, headline=HEADLINE, channels=CHANNELS)
    stack.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")

    def final() -> list[dict[str, Any]] | None:
        advisory = stack.call("GET", f"/advisories/{advisory_id}", "demo-auditor")
        rows = stack.call("GET", f"/advisories/{advisory_id}/deliveries", "demo-auditor")["deliveries"]
        done = advisory["state"] in ENDED and len(rows) == len(CHANNELS) and all(r["state"] in FINAL for r in rows)
        return rows if done else None

    deliveries = wait_for(final, seconds=90)
    report = stack.call("GET", f"/advisories/{advisory_id}/report", "demo-auditor")
    return {"id": advisory_id, "deliveries": deliveries, "report": report}


def settled(stack: Stack, advisory_id: str, channels: int) -> bool:
    advisory = stack.call("GET", f"/advisories/{advisory_id}", "demo-auditor")
    rows = stack.call("GET", f"/advisories/{advisory_id}/deliveries", "demo-auditor")["deliveries"]
    return advisory["state"] not in ("approved", "broadcasting") and len(rows) == channels and all(
        r["state"] in FINAL for r in rows)


@pytest.fixture(scope="module")
def incident(stack: Stack) -> dict[str, str]:
    """An Alert, its Update and the Update's Cancel (all-clear), each approved and delivered."""
    channels = ["banner:website", "slack:staff"]
    ids = {"alert": pending(stack, headline="Audit check: heat alert for Old Town", channels=channels)}
    stack.call("POST", f"/advisories/{ids['alert']}/approve", "demo-approver")
    wait_for(lambda: settled(stack, ids["alert"], 2), seconds=90)
    for kind, source, body in (("update", "alert", advisory_body(headline="Audit check: heat alert extended",
                                                                   channels=channels)),
                               ("cancel", "update", None)):
        draft = stack.call("POST", f"/advisories/{ids[source]}/{kind}", "demo-spokesperson", body)
        stack.call("POST", f"/advisories/{draft['id']}/submit", "demo-spokesperson")
        stack.call("POST", f"/advisories/{draft['id']}/approve", "demo-approver")
        ids[kind] = made = str(draft["id"])
        wait_for(functools.partial(settled, stack, made, 2), seconds=90)
    return ids


def auditor(screens: Any, width: str) -> Screen:
    screen: Screen = screens(width)
    screen.sign_in("Pat Auditor")
    return screen


def focus_lands_on(screen: Screen, text: str) -> None:
    """Focus moves to the results once they are drawn (keyboard and screen-reader users land there)."""
    screen.page.wait_for_function("t => document.activeElement && document.activeElement.textContent === t", arg=text)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_an_auditor_sees_only_the_auditors_screens(screens: Any, delivered: dict[str, Any], width: str) -> None:
    screen = auditor(screens, width)
    page = screen.page
    assert [t.strip() for t in page.locator("#nav a").all_inner_texts()] == ["Broadcasts", "Delivery log", "Audit trail"]
    assert "auditor" in page.locator("#who .who-roles").inner_text()
    # The broadcasts list offers each advisory's report to auditors.
    item = page.locator(".advisory-item", has_text=HEADLINE)
    item.get_by_role("link", name=re.compile("After-action report")).wait_for()
    screen.look("auditor-broadcasts")
    # The report route is not in the nav, but the router finds it; an unknown route falls back to a nav screen.
    page.goto(screen.stack.api + "/#/nowhere")
    page.get_by_role("heading", name="Broadcasts", level=1).wait_for()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_delivery_log_filters_pages_and_downloads(screens: Any, stack: Stack, delivered: dict[str, Any],
                                                      width: str) -> None:
    screen = auditor(screens, width)
    page = screen.page
    page.get_by_role("link", name="Delivery log").click()
    page.get_by_role("heading", name="Delivery log", level=1).wait_for()
    page.locator("table.log tbody tr").first.wait_for()
    screen.look("delivery-log")

    # Platform and state: only sent SMS deliveries, ours among them; the filter is kept in the address.
    page.get_by_label("Platform").select_option("sms")
    page.get_by_label("State", exact=True).select_option("sent")
    page.get_by_role("button", name="Show deliveries").click()
    page.wait_for_url(re.compile(r"platform=sms"))
    rows = page.locator("table.log tbody tr")
    focus_lands_on(screen, "Deliveries")
    channels = [t for t in rows.locator('td[data-label="Channel"]').all_inner_texts()]
    assert channels and all("sms:" in c for c in channels), channels
    assert {t.strip() for t in rows.locator(".badge.delivery").all_inner_texts()} == {"sent"}
    ours = rows.filter(has_text=HEADLINE)
    assert ours.count() >= 1 and "sms:subscribers" in ours.first.inner_text()
    screen.look("delivery-log-filtered")

    # A range that ends before it starts is refused in place, naming the field.
    page.get_by_label("From").fill("2026-03-02T10:00")
    page.get_by_label("To", exact=True).fill("2026-03-01T10:00")
    page.get_by_role("button", name="Show deliveries").click()
    alert = page.get_by_role("alert").filter(has_text="not valid")
    alert.wait_for()
    assert "To:" in alert.inner_text()
    assert page.get_by_label("To", exact=True).get_attribute("aria-invalid") == "true"

    # One advisory, two to a page: "Older" brings the rest, then nothing is left to show.
    page.goto(stack.api + f"/#/deliveries?advisory={delivered['id']}&limit=2")
    page.locator("#results-title + [role=status]", has_text="2 shown, newest first").wait_for()
    assert rows.count() == 2
    page.get_by_role("button", name="Older").click()
    page.locator("#results-title + [role=status]", has_text="4 shown: every delivery that matches").wait_for()
    assert rows.count() == 4 and page.get_by_role("button", name="Older").is_hidden()
    screen.look("delivery-log-paged")

    # The whole filter as CSV, fetched with the sign-in token and saved by the browser.
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV of this filter").click()
    saved = Path(info.value.path()).read_text(encoding="utf-8")
    assert info.value.suggested_filename.startswith("clarion-deliveries-")
    table = list(csv.DictReader(io.StringIO(saved)))
    assert {r["advisory_id"] for r in table} == {delivered["id"]}
    assert sorted(r["channel_account"] for r in table) == CHANNELS
    sms = next(r for r in table if r["channel_account"] == "sms:subscribers")
    assert sms["headline"] == HEADLINE and sms["state"] in FINAL
    page.get_by_role("status").filter(has_text="Downloaded: every delivery that matches").wait_for()

    # Each row opens its advisory's after-action report.
    rows.filter(has_text="sms:subscribers").get_by_role("link", name=HEADLINE).click()
    page.wait_for_url(re.compile(rf"#/report/{delivered['id']}$"))
    page.get_by_role("heading", name=f"After-action report: {HEADLINE}").wait_for()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_audit_trail_filters_by_advisory_and_verifies_the_chain(screens: Any, stack: Stack,
                                                                    delivered: dict[str, Any], width: str) -> None:
    screen = auditor(screens, width)
    page = screen.page
    page.get_by_role("link", name="Audit trail").click()
    page.get_by_role("heading", name="Audit trail", level=1).wait_for()
    page.locator("table.audit tbody tr").first.wait_for()
    screen.look("audit-trail")

    page.get_by_label("Advisory id").fill(delivered["id"])
    page.get_by_role("button", name="Show entries").click()
    page.wait_for_url(re.compile(rf"advisory_id={delivered['id']}"))
    page.locator("#entries-title + [role=status]", has_text="shown: every entry that matches").wait_for()
    focus_lands_on(screen, "Entries")
    rows = page.locator("table.audit tbody tr")
    advisories = rows.locator('td[data-label="Advisory"]').all_inner_texts()
    assert advisories and all(delivered["id"] in a for a in advisories)
    actions = [a.strip() for a in rows.locator('td[data-label="Action"]').all_inner_texts()]
    assert actions[:3] == ["create", "submit", "approve"] and "delivery" in actions
    # A person and the machine are told apart by a word, not only a colour.
    assert rows.locator(".actor-kind.machine", has_text="machine").count() >= 1
    assert rows.filter(has_text="demo-approver").locator(".actor-kind", has_text="person").count() >= 1

    page.get_by_role("button", name="Verify the whole trail").click()
    intact = page.locator(".notice.ok", has_text="Intact:")
    intact.wait_for()
    assert re.search(r"Intact: \d+ entries", intact.inner_text())
    screen.look("audit-trail-verified")
    # The quick check: since the newest signed digest (the whole trail while there is none yet).
    digested = stack.call("GET", "/audit/verify?scope=recent", "demo-auditor")
    page.get_by_role("button", name="Check what changed since the last digest").click()
    quick = page.locator(".notice.ok", has_text="Intact:")
    expect(quick).to_contain_text("since the signed digest" if digested["scope"] == "recent"
                                  else "No digest has been signed yet, so the whole trail was checked")
    screen.look("audit-trail-quick-check")

    # The advisory id opens its report.
    rows.first.get_by_role("link", name=re.compile(delivered["id"])).click()
    page.wait_for_url(re.compile(rf"#/report/{delivered['id']}$"))
    page.get_by_role("heading", name=f"After-action report: {HEADLINE}").wait_for()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_report_names_the_approver_the_content_and_every_post(screens: Any, stack: Stack,
                                                                  delivered: dict[str, Any], width: str) -> None:
    report = delivered["report"]
    [advisory] = report["advisories"]
    approval = advisory["approval"]
    screen = auditor(screens, width)
    page = screen.page
    page.goto(stack.api + f"/#/report/{delivered['id']}")
    page.get_by_role("heading", name=f"After-action report: {HEADLINE}").wait_for()
    section = page.locator(f"#advisory-{delivered['id']}")
    assert section.locator(".approver").inner_text() == approval["by"] == "demo-approver"
    shown_hash = section.locator("code.hash")
    assert shown_hash.inner_text() == approval["content_hash"][:12]
    assert shown_hash.get_attribute("title") == approval["content_hash"]
    posted = [d for d in advisory["deliveries"] if d["post_url"]]
    assert posted
    for delivery in posted:
        link = section.locator(f'a[href="{delivery["post_url"]}"]')
        assert link.count() == 1 and "Open post" in link.inner_text()
    table_rows = section.locator("table.report-deliveries tbody tr")
    assert table_rows.count() == len(CHANNELS)
    assert page.locator("#timeline table tbody tr").count() == len(report["timeline"])
    assert page.locator("#timeline .actor-kind.machine").count() >= 1
    screen.look("report")

    # The whole incident: the same advisory (it has no Update or Cancel), under the incident's name.
    page.get_by_role("link", name=re.compile("The whole incident")).click()
    page.wait_for_url(re.compile(rf"#/report/{delivered['id']}/incident$"))
    page.get_by_text(f"Incident {delivered['id']}").wait_for()
    screen.look("report-incident")
    page.get_by_role("link", name="This advisory", exact=True).click()
    page.get_by_text(f"Advisory {delivered['id']}").first.wait_for()

    with page.expect_download() as info:
        page.get_by_role("button", name="Download PDF").click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    assert info.value.suggested_filename == f"clarion-report-{delivered['id']}.pdf"
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    records = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert [r["actor"] for r in records if r["record"] == "approval"] == ["demo-approver"]

    # On paper: no nav, no buttons, the full hash, each advisory on a new page, link addresses printed.
    page.emulate_media(media="print")
    try:
        assert page.locator("#nav").is_hidden() and page.locator(".bar").is_hidden()
        assert page.get_by_role("button", name="Print").is_hidden()
        assert page.get_by_role("button", name="Download PDF").is_hidden()
        assert page.locator(".report-nav").is_hidden()
        assert section.locator(".print-only").inner_text() == approval["content_hash"]
        assert section.evaluate("s => getComputedStyle(s).breakBefore") == "page"
        first_post = posted[0]["post_url"]
        after = section.locator(f'a[href="{first_post}"]').evaluate("a => getComputedStyle(a, '::after').content")
        assert first_post in after
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"report-print-{width}.png"), full_page=True)
        # Printed for real (A4, the stylesheet's @page): the summary on the first page, the advisory on the next.
        paper = SCREENSHOTS / f"report-print-{width}.pdf"
        page.pdf(path=str(paper), prefer_css_page_size=True, print_background=True)
        printed = PdfReader(paper).pages
        assert len(printed) >= 2
        assert "Summary" in printed[0].extract_text() and "Approval" not in printed[0].extract_text()
        assert "Approval" in printed[1].extract_text()
    finally:
        page.emulate_media(media="screen")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_an_incident_report_has_a_section_for_each_advisory(screens: Any, stack: Stack, incident: dict[str, str],
                                                            width: str) -> None:
    screen = auditor(screens, width)
    page = screen.page
    page.goto(stack.api + f"/#/report/{incident['update']}/incident")
    page.get_by_role("heading", name="After-action report: Audit check: heat alert for Old Town").wait_for()
    sections = page.locator("section.report-advisory h2")
    assert [t.split(":")[0] for t in sections.all_inner_texts()] == ["Alert", "Update", "Cancel"]
    assert page.get_by_text("3 advisories").count() >= 1
    assert page.locator("dl.summary").get_by_text("All clear posted").count() == 1
    for advisory_id in incident.values():
        assert page.locator(f"#advisory-{advisory_id} .approver").inner_text() == "demo-approver"
    # The full hash opens from its summary, by keyboard too.
    first = page.locator(f"#advisory-{incident['alert']} details.full-hash")
    first.locator("summary").focus()
    page.keyboard.press("Enter")
    assert first.get_attribute("open") is not None
    screen.look("report-incident-three")
    if width == "desktop":  # on paper, each advisory starts a page
        paper = SCREENSHOTS / "report-incident-print.pdf"
        page.emulate_media(media="print")
        page.pdf(path=str(paper), prefer_css_page_size=True)
        page.emulate_media(media="screen")
        pages = [p.extract_text() for p in PdfReader(paper).pages]
        starts = [next(i for i, text in enumerate(pages) if label in text)
                  for label in ("Alert: Audit check", "Update: Audit check", "Cancel: Audit check")]
        assert starts == sorted(set(starts)) and starts[0] >= 1, starts


def test_the_monitor_links_to_the_report_for_auditors(screens: Any, stack: Stack, delivered: dict[str, Any]) -> None:
    screen = auditor(screens, "desktop")
    page = screen.page
    page.goto(stack.api + f"/#/advisories/{delivered['id']}")
    page.locator(".progress-text", has_text=f"{len(CHANNELS)} of {len(CHANNELS)} final").wait_for()
    page.get_by_role("link", name="After-action report").click()
    page.wait_for_url(re.compile(rf"#/report/{delivered['id']}$"))
    page.get_by_role("heading", name=f"After-action report: {HEADLINE}").wait_for()
