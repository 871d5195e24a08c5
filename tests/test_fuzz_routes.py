"""Hypothesis over every route, the SNS trigger and the delivery workers: never a 500, never a crash,
every error in the error shape. Bounded here; `scripts/fuzz_routes.py` runs it long."""
from __future__ import annotations

from typing import Any

from fuzz_kit import Fuzzer, run, seed_known_ids


def test_no_generated_input_is_a_server_error(api: Any) -> None:
    fuzzer = Fuzzer(api.client, seed_known_ids(api))
    tally = run(fuzzer, examples=150)
    assert tally.broken == [], "\n".join(tally.broken[:10])
    assert tally.requests >= 150
    # The run reached the handlers, not only the authoriser: some calls got past it.
    assert any(status < 400 for counts in tally.statuses.values() for status in counts)
