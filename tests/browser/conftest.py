"""The console in a real browser: Debian's chromium driven by Playwright, against the whole local
stack (`python -m local.stack`: API, moto, sandbox platforms, the sign-in stand-in) started as a
subprocess on free ports, as a person would run it.

Every screen a test reaches goes through `look`: a full-page screenshot in build/screenshots/
(phone 390 px and desktop 1280 px), axe-core's WCAG 2.2 AA rules, and no horizontal scroll.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Iterator

import pytest

from local.stack_process import RunningStack, start_stack

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_DIR / "build" / "screenshots"
CHROMIUM = os.environ.get("CLARION_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


Stack = RunningStack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("stack") / "stack.log")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped: Playwright's sync API runs an event loop on this thread while it is open,
    which would break later tests that call asyncio.run()."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_browser.sh (make test does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@dataclass
class Screen:
    """One person's browser tab at one width: everything it showed is checked as it goes."""

    page: Any
    width: str
    stack: Stack
    errors: list[str] = field(default_factory=list)

    def sign_in(self, user: str) -> None:
        page = self.page
        page.goto(self.stack.api + "/")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(self.stack.signin + "/**")
        page.get_by_role("button", name=user).click()
        page.wait_for_url(self.stack.api + "/**")
        page.locator("#who .who-name").wait_for()

    def look(self, name: str) -> Path:
        """Screenshot, accessibility and layout check of what is on screen now."""
        page = self.page
        page.wait_for_load_state("networkidle")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.width}.png"
        page.screenshot(path=str(path), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} at {self.width} scrolls sideways by {overflow} px"
        violations = self.axe()
        assert not violations, f"{name} at {self.width}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in violations)
        return path

    def axe(self) -> list[dict[str, Any]]:
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(_axe_source())  # evaluated by the browser, so the page's CSP allows it
        result = self.page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        return list(result["violations"])


_AXE_CACHE: dict[str, str] = {}


def _axe_source() -> str:
    if "src" not in _AXE_CACHE:
        data = AXE.read_bytes()
        assert hashlib.sha256(data).hexdigest() == AXE_SHA256, "tests/browser/vendor/axe.min.js is not axe-core 4.14.1"
        _AXE_CACHE["src"] = data.decode()
    return _AXE_CACHE["src"]


@pytest.fixture
def screens(browser: Any, stack: Stack) -> Iterator[Any]:
    """screens("phone") / screens("desktop"): a fresh browser context (no shared storage)."""
    made: list[tuple[Any, Screen]] = []

    def open_screen(width: str = "desktop") -> Screen:
        # Reduced motion: a screenshot shows where an animation ends, not a frame of it.
        context = browser.new_context(**(PHONE if width == "phone" else DESKTOP), locale="en-GB",
                                      timezone_id="Europe/London", reduced_motion="reduce")
        context.set_default_timeout(15000)
        page = context.new_page()
        screen = Screen(page, width, stack)
        page.on("console", lambda m: screen.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: screen.errors.append(str(e)))
        made.append((context, screen))
        return screen

    yield open_screen
    for context, _ in made:
        context.close()
    for _, screen in made:
        # Failed API calls the test provoked are errors the page handled; scripts that broke,
        # or anything the CSP blocked, are not.
        broken = [e for e in screen.errors if "Failed to load resource" not in e]
        assert not broken, f"the console logged errors: {broken}"
