"""A small fault suite on the whole local stack: nothing lost, nothing posted twice."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import fault_suite  # noqa: E402


@pytest.fixture
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


def test_faults_lose_nothing_and_duplicate_nothing(stack: object) -> None:
    report = fault_suite.run(stack, advisories=4, per_advisory=10, fault_rate=0.3, seed=11,
                             timeout_s=180, say=lambda _: None)
    assert report.ok, "\n".join(report.lines())
    assert report.deliveries == 40 and report.posts_expected == report.posts_found
    assert sum(report.injected.values()) > 0, "the suite injected no fault at all"
