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


def test_the_kill_switch_holds_every_delivery_through_the_event_pump_and_resume_posts_each_once(
        stack: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole stack as `make run` runs it (event pump, sandbox platforms over HTTP): while
    paused nothing is posted, lost or dead-lettered, however often the held messages come round;
    after resume every delivery is posted exactly once."""
    import time

    import boto3

    from chalicelib import composition, handlers
    from chalicelib.domain.delivery import DeliveryPolicy
    from chalicelib.rendering.view import clarion_ref

    sandbox = stack._sandbox  # type: ignore[attr-defined]
    sandbox.clear_faults()
    services = composition.clarion(DeliveryPolicy())  # plain services: no crashing workers here
    monkeypatch.setattr(handlers, "HOLD_DELAY_S", 1)  # held messages come round every second

    def api(method: str, path: str, token: str, body: object = None) -> object:
        return fault_suite._api(stack, method, path, token, body)

    def posts(advisory_id: str) -> dict[str, int]:
        state, ref = sandbox.state(), clarion_ref(advisory_id)
        return {account: sum(ref in (p.get("text") or "") for p in
                             state.get(platform, {}).get(key, {}).get("posts", []) if not p.get("deleted"))
                for account, (platform, key) in fault_suite.SANDBOX_KEYS.items() if account in accounts}

    accounts = ["mastodon:city-health", "slack:staff", "discord:community", "sms:subscribers"]
    api("POST", "/switch/pause", "demo-admin", {"reason": "Wrong hotline in the last alert"})
    api("POST", "/switch/confirm", "demo-approver")
    try:
        body = {"headline": "Kill switch test: boil water in Riverside", "instruction": "Boil tap water.",
                "event": "Boil Water", "urgency": "Immediate", "severity": "Severe", "certainty": "Observed",
                "area_desc": "Riverside", "channels": accounts}
        advisory_id = str(api("POST", "/advisories", "demo-spokesperson", body)["id"])  # type: ignore[index]
        api("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
        api("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
        time.sleep(8)  # the workers take and hold each message several times over
        rows = services.store.deliveries_for(advisory_id)
        assert {r.state.value for r in rows} == {"pending"} and {r.attempts for r in rows} == {0}
        assert set(posts(advisory_id).values()) == {0}
        sqs = boto3.client("sqs")
        for url in stack.provisioned.dlq_urls.values():  # type: ignore[attr-defined]
            depth = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
            assert depth["Attributes"]["ApproximateNumberOfMessages"] == "0"
    finally:
        api("POST", "/switch/resume", "demo-admin")
    deadline = time.monotonic() + 60
    while {r.state.value for r in services.store.deliveries_for(advisory_id)} != {"sent"}:
        assert time.monotonic() < deadline, [(r.channel_account, r.state.value) for r in
                                             services.store.deliveries_for(advisory_id)]
        time.sleep(0.5)
    time.sleep(3)  # the held copies come round again and find their deliveries sent
    assert set(posts(advisory_id).values()) == {1}
    assert {r.attempts for r in services.store.deliveries_for(advisory_id)} == {1}
