"""The console as a person meets it, measured in Chromium against the whole local stack.

    .venv/bin/python bench/console_bench.py [--rounds 5]

Prints:
- first load: the bytes (as sent, uncompressed) and requests of the sign-in screen, and what each
  role's first screen adds after signing in;
- the live monitor: seconds from pressing "Approve and send" to the monitor showing every
  delivery final, for 4 channels and for every live channel account (median, min, max over
  the rounds), and how many polls it made and how many were 304s.
Needs Debian's chromium (scripts/ensure_browser.sh) and Playwright for Python.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from local.stack_process import RunningStack, start_stack

CHROMIUM = "/usr/bin/chromium"
FIRST_SCREENS = {"Sam Spokesperson": "spokesperson", "Alex Approver": "approver", "Jo On-call": "on-call",
                 "Pat Auditor": "auditor"}


class Traffic:
    """Every response a page received from the API's origin: bytes of body and how many."""

    def __init__(self, page: Any, origin: str) -> None:
        self.items: list[tuple[str, int, int]] = []
        page.on("requestfinished", lambda r: self._add(r, origin))

    def _add(self, request: Any, origin: str) -> None:
        if not request.url.startswith(origin):
            return
        response = request.response()
        size = request.sizes()["responseBodySize"]
        self.items.append((request.url[len(origin):], response.status if response else 0, size))

    def take(self) -> list[tuple[str, int, int]]:
        out, self.items = self.items, []
        return out


def sign_in(page: Any, stack: RunningStack, user: str, traffic: Traffic | None = None) -> None:
    page.goto(stack.api + "/")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(stack.signin + "/**")
    if traffic is not None:
        traffic.take()  # what follows is the signed-in console, coming back from sign-in
    page.get_by_role("button", name=user).click()
    page.wait_for_url(stack.api + "/**")
    page.locator("#who .who-name").wait_for()
    page.locator("main h1").wait_for()
    page.wait_for_load_state("networkidle")


def first_load(browser: Any, stack: RunningStack) -> None:
    print("First load of the console (bytes as sent by the API, uncompressed)")
    context = browser.new_context()
    page = context.new_page()
    traffic = Traffic(page, stack.api)
    page.goto(stack.api + "/")
    page.get_by_role("button", name="Sign in").wait_for()
    page.wait_for_load_state("networkidle")
    shown = traffic.take()
    total = sum(size for _, _, size in shown)
    print(f"  sign-in screen: {total / 1024:.1f} KiB in {len(shown)} requests "
          f"({', '.join(path for path, _, _ in shown)})")
    context.close()
    for user, label in FIRST_SCREENS.items():
        context = browser.new_context()
        page = context.new_page()
        traffic = Traffic(page, stack.api)
        sign_in(page, stack, user, traffic)
        loaded = traffic.take()
        code = [(p, st, n) for p, st, n in loaded if p.split("?")[0].startswith("/console/") or p.split("?")[0] in ("/", "/favicon.ico")]
        data = sum(n for _, _, n in loaded) - sum(n for _, _, n in code)
        print(f"  {label:>12} back from sign-in, first screen: {sum(n for _, _, n in code) / 1024:.1f} KiB of "
              f"console files ({sum(1 for _, st, _ in code if st == 304)} of {len(code)} unchanged: 304) and "
              f"{data / 1024:.1f} KiB of API data in {len(loaded)} requests")
        context.close()


def pending(stack: RunningStack, channels: list[str], label: str) -> str:
    body = {"headline": f"Bench {label}", "description": "Bacteria were found in the Riverside water supply.",
            "instruction": "Boil tap water for one minute before drinking or cooking.", "event": "Boil Water Notice",
            "urgency": "Immediate", "severity": "Severe", "certainty": "Observed", "area_desc": "Riverside",
            "channels": channels}
    advisory = stack.call("POST", "/advisories", "demo-spokesperson", body)
    stack.call("POST", f"/advisories/{advisory['id']}/submit", "demo-spokesperson")
    return str(advisory["id"])


def approve_and_watch(browser: Any, stack: RunningStack, channels: list[str], label: str) -> tuple[float, int, int]:
    advisory_id = pending(stack, channels, label)
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, stack, "Alex Approver")
    page.goto(f"{stack.api}/#/approvals/{advisory_id}")
    page.get_by_role("button", name="Approve…").click()
    confirm = page.get_by_role("dialog").get_by_role("button", name=re.compile("Approve and send"))
    polls: list[int] = []
    page.on("response", lambda r: polls.append(r.status) if r.url.endswith(f"/{advisory_id}/deliveries") else None)
    started = time.perf_counter()
    confirm.click()
    page.locator(".progress-text", has_text=f"{len(channels)} of {len(channels)} final").wait_for(timeout=120000)
    seconds = time.perf_counter() - started
    context.close()
    return seconds, len(polls), polls.count(304)


def monitor(browser: Any, stack: RunningStack, rounds: int) -> None:
    accounts = stack.call("GET", "/channels", "demo-auditor")["channels"]
    live = [a["id"] for a in accounts if a["enabled"] and not a["sandbox"]]
    four = ["mastodon:city-health", "slack:staff", "sms:subscribers", "banner:website"]
    print(f"Approve → every delivery final in the monitor ({rounds} rounds each)")
    for channels in (four, live):
        times, counts, unchanged = [], [], []
        for n in range(rounds):
            seconds, polled, not_modified = approve_and_watch(browser, stack, channels, f"{len(channels)}-{n}")
            times.append(seconds)
            counts.append(polled)
            unchanged.append(not_modified)
        print(f"  {len(channels):>2} channels: median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f}); polls per advisory median "
              f"{statistics.median(counts):.0f}, of which 304 {statistics.median(unchanged):.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        stack = start_stack(Path(folder) / "stack.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=["--no-sandbox", "--disable-gpu"])
                first_load(browser, stack)
                monitor(browser, stack, args.rounds)
                browser.close()
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
