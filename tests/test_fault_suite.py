"""A small fault suite on the whole local stack: nothing lost, nothing posted twice."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from collections.abc import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import fault_suite


@pytest.fixture(scope="module")  # one stack per process: Chalice's local server cannot be made twice
def stack() -> Iterator[object]:
    saved = dict(os.environ)
    from chalicelib import composition

    composition.use(None)
    running = fault_suite.start_stack()
    try:
        yield running
    finally:
        running.stop()
        composition.use(None)
        os.environ.clear()
        os.environ.update(saved)
        from chalicelib.settings import environment_settings

        environment_settings.cache_clear()  # the stack's own public URL must not outlive it


def test_faults_lose_nothing_and_duplicate_nothing(stack: object) -> None:
    report = fault_suite.run(stack, advisories=4, per_advisory=10, fault_rate=0.3, seed=11,
                             timeout_s=180, say=lambda _: None)
    assert report.ok, "\n".join(report.lines())
    assert report.deliveries == 40 and report.posts_expected == report.posts_found
    assert sum(report.injected.values()) > 0, "the suite injected no fault at all"


def test_links_in_feeds_follow_the_port_the_stack_was_given(stack: object) -> None:
    import urllib.request

    api_url = stack.settings.api_url  # type: ignore[attr-defined]
    assert not api_url.endswith(":8000")
    with urllib.request.urlopen(f"{api_url}/feeds/cap.atom", timeout=10) as response:
        feed = response.read().decode()
    assert f'href="{api_url}/feeds/cap.atom"' in feed and ":8000" not in feed
