"""Fault suite: many advisories to many channel accounts while the platforms misbehave.

Run: .venv/bin/python bench/fault_suite.py [--advisories 200] [--accounts 10] [--fault-rate 0.3]

On the whole local stack (moto, API, event pump, sandbox platforms in their own process), it
approves advisories through the HTTP API while the sandbox injects faults on every platform
call (5xx, 429 with Retry-After, accept-then-time-out) and workers are killed between a post
and its record. At the end it checks, and prints: every delivery final; the sandbox holds
exactly one post per successful delivery (none lost, none duplicated); each account's pin is
on its newest advisory; the audit trail verifies. tests/test_fault_suite.py runs a small one.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ACCOUNTS = ("x:city-health", "facebook:city-health", "mastodon:city-health", "mastodon:general-hospital",
            "bluesky:city-health", "slack:staff", "discord:community", "sms:subscribers",
            "email:subscribers", "banner:website")
# Clarion account -> (sandbox platform, sandbox account key) for the HTTP platforms
SANDBOX_KEYS = {"x:city-health": ("x", "cityhealth"), "facebook:city-health": ("facebook", "100000000000001"),
                "mastodon:city-health": ("mastodon", "cityhealth"),
                "mastodon:general-hospital": ("mastodon", "stmarys"),
                "bluesky:city-health": ("bluesky", "cityhealth.bsky.social"),
                "slack:staff": ("slack", "C0CLARION"), "discord:community": ("discord", "1300000000000000001")}


class WorkerKilled(BaseException):
    """The worker died between the post and its record (BaseException: nothing catches it)."""


class _Crashing:
    def __init__(self, channel: Any, rate: float, rng: random.Random, counts: Counter[str]) -> None:
        self._channel, self._rate, self._rng, self._counts = channel, rate, rng, counts
        self.capabilities = channel.capabilities

    def publish(self, rendering: Any, key: str, reply_to: Any = None) -> Any:
        ref = self._channel.publish(rendering, key, reply_to)
        if self._rng.random() < self._rate:
            self._counts["worker killed after post"] += 1
            raise WorkerKilled()
        return ref

    def __getattr__(self, name: str) -> Any:
        return getattr(self._channel, name)


class CrashAfterPost:
    """A channel provider whose posts sometimes 'kill the worker' right after posting."""

    def __init__(self, inner: Any, rate: float, rng: random.Random, counts: Counter[str]) -> None:
        self._inner, self._rate, self._rng, self._counts = inner, rate, rng, counts

    def channel(self, account: Any) -> Any:
        return _Crashing(self._inner.channel(account), self._rate, self._rng, self._counts)


@dataclass
class Report:
    advisories: int = 0
    deliveries: int = 0
    states: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    posts_expected: int = 0
    posts_found: int = 0
    failures: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    pins_wrong: list[str] = field(default_factory=list)
    audit: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        final = sum(self.states[s] for s in ("sent", "failed", "skipped")) == self.deliveries
        return (final and not self.lost and not self.duplicated and not self.unexpected
                and not self.pins_wrong and bool(self.audit.get("intact")))

    def lines(self) -> list[str]:
        return [
            f"advisories {self.advisories}, deliveries {self.deliveries}, in {self.seconds:.1f} s",
            f"final states: {dict(self.states)}; failed by account: "
            f"{dict(Counter(f.split(':', 1)[0] + ':' + f.split(':', 2)[1] for f in self.failures))} {self.failures[:3]}",
            f"faults seen by the platforms' clients and workers: {dict(self.injected)}",
            f"posts expected {self.posts_expected}, found {self.posts_found}; lost {len(self.lost)}, "
            f"duplicated {len(self.duplicated)}, posted for a delivery not sent {len(self.unexpected)}"
            + "".join(f"\n  {what}: {items[:5]}" for what, items in (
                ("lost", self.lost), ("duplicated", self.duplicated), ("not sent", self.unexpected)) if items),
            f"pins not on the newest advisory: {len(self.pins_wrong)} {self.pins_wrong[:5]}",
            f"audit trail: {self.audit}",
            "RESULT: " + ("PASS" if self.ok else "FAIL"),
        ]


def _api(stack: Any, method: str, path: str, token: str, body: Any = None) -> Any:
    request = urllib.request.Request(stack.settings.api_url + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def prepare(stack: Any, rate: float, seed: int, counts: Counter[str]) -> None:
    """Short timings so that retries happen in seconds, faults on, crashing workers."""
    import boto3

    from chalicelib import composition
    from chalicelib.domain.delivery import DeliveryPolicy
    from chalicelib.services.common import revise

    # Short timings, for every service alike (a rotation here takes well under a second).
    services = composition.clarion(DeliveryPolicy(
        lease_s=2.0, base_backoff_s=0.5, max_backoff_s=4.0, ambiguous_recheck_s=1.0, deadline_s=10.0,
        max_attempts=8, pin_lease_s=3.0))
    services.delivery.channels = CrashAfterPost(services.delivery.channels, rate * 0.15,
                                                random.Random(seed), counts)
    sqs = boto3.client("sqs")
    for url in stack.provisioned.queue_urls.values():  # a dead worker's message returns in 3 s
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "3"})
    for account in services.store.list_channels():  # this stack's sandbox; time out fast
        settings = {**account.settings, "timeouts": {"connect_s": 1.0, "read_s": 1.0}}
        if "base_url" in settings:  # the seed may have been imported before the port was chosen
            settings["base_url"] = stack._sandbox.base_url(account.platform)
        services.store.commit([revise(account, settings=settings)[1]])
    share = rate * 0.85 / 3
    stack._sandbox.set_faults("*", error_5xx=share, rate_limit=share, retry_after_s=1,
                              accept_then_timeout=share, timeout_sleep_s=1.5, seed=seed)


def run(stack: Any, advisories: int = 200, per_advisory: int = 10, fault_rate: float = 0.3,
        seed: int = 7, timeout_s: float = 900.0, say: Callable[[str], None] = print) -> Report:
    from chalicelib import composition

    counts: Counter[str] = Counter()
    prepare(stack, fault_rate, seed, counts)
    services = composition.clarion()
    accounts = list(ACCOUNTS[:per_advisory])
    start = time.perf_counter()
    ids = []
    for n in range(advisories):
        body = {"headline": f"Fault suite advisory {n}: boil water in zone {n % 17}",
                "instruction": "Boil tap water for one minute.", "event": "Boil Water",
                "urgency": "Immediate", "severity": "Severe", "certainty": "Observed",
                "area_desc": f"Zone {n % 17}", "required_text": "Nurse line 0800 555 0100.",
                "channels": accounts}
        advisory_id = _api(stack, "POST", "/advisories", "demo-spokesperson", body)["id"]
        _api(stack, "POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
        _api(stack, "POST", f"/advisories/{advisory_id}/approve", "demo-approver")
        ids.append(advisory_id)
        if n % 20 == 19:
            say(f"  approved {n + 1}/{advisories}")
    _wait_until_final(services, ids, timeout_s, start, say)
    stack._sandbox.clear_faults()
    _settle_pins(services, ids)
    report = check(stack, services, ids, accounts)
    report.injected.update(counts)
    report.injected.update(_client_faults(services, ids))
    report.seconds = time.perf_counter() - start
    return report


def _wait_until_final(services: Any, ids: list[str], timeout_s: float, start: float,
                      say: Callable[[str], None]) -> None:
    last_sweep = time.perf_counter()
    while True:
        owed = sum(services.store.unfinished_deliveries(i) for i in ids)
        if owed == 0:
            return
        if time.perf_counter() - start > timeout_s:
            say(f"  gave up waiting: {owed} deliveries not final")
            return
        if time.perf_counter() - last_sweep > 5:  # the scheduled sweeper, every 5 s here
            services.operations.sweep()
            last_sweep = time.perf_counter()
            say(f"  {owed} deliveries still owed")
        time.sleep(0.5)


def _settle_pins(services: Any, ids: list[str]) -> None:
    """The sweeper re-pins posts whose pin failed under faults, and pins those whose worker died
    between recording the post and pinning it once that worker's pin lease has run out. A worker
    still waiting out a timeout may write `pin_failed` after a sweep, so this sweeps until no
    post is left in a state the sweeper acts on (as its schedule would on a stage)."""
    from chalicelib.domain.models import PinState

    acted_on = (PinState.NONE, PinState.PIN_FAILED, PinState.PIN_WAITING)
    deadline = time.perf_counter() + services.delivery.policy.pin_lease_s + 10
    while True:
        services.operations.sweep()
        unsettled = [d for i in ids for d in services.store.deliveries_for(i)
                     if d.state.value == "sent" and d.pin_state in acted_on]
        if not unsettled or time.perf_counter() > deadline:
            return
        time.sleep(0.5)


def _client_faults(services: Any, ids: list[str]) -> Counter[str]:
    """What the workers met, read back from the audit trail."""
    seen: Counter[str] = Counter()
    for entry in services.store.audit_entries():
        if entry.action != "delivery" or entry.advisory_id not in ids:
            continue
        if "-> unknown" in entry.summary:
            seen["ambiguous outcomes (accepted, then timed out)"] += 1
        elif "sending -> pending: retry" in entry.summary:
            seen["retryable errors (5xx, 429)"] += 1
        elif "reconciling -> sent" in entry.summary:
            seen["reconciled: found the post"] += 1
    return seen


def check(stack: Any, services: Any, ids: list[str], accounts: list[str]) -> Report:
    report = Report(advisories=len(ids))
    state = stack._sandbox.state()
    sent_refs: dict[str, set[str]] = {a: set() for a in accounts}
    newest_sent: dict[str, tuple[Any, str]] = {}
    from chalicelib.rendering.view import clarion_ref

    for advisory_id in ids:
        advisory = services.store.get_advisory(advisory_id)
        for d in services.store.deliveries_for(advisory_id):
            report.deliveries += 1
            report.states[d.state.value] += 1
            if d.state.value == "failed":
                report.failures.append(f"{d.channel_account}: {d.last_error}")
            if d.state.value == "sent":
                sent_refs[d.channel_account].add(clarion_ref(advisory_id))
                if d.channel_account not in newest_sent or advisory.created_at > newest_sent[d.channel_account][0]:
                    newest_sent[d.channel_account] = (advisory.created_at, advisory_id)
    for account, (platform, key) in SANDBOX_KEYS.items():
        if account not in accounts:
            continue
        posts = [p for p in state.get(platform, {}).get(key, {}).get("posts", []) if not p.get("deleted")]
        _compare(report, account, posts, sent_refs[account], {clarion_ref(i) for i in ids})
        _check_pin(report, services, account, newest_sent.get(account))
    report.audit = services.audit.verify().as_dict()
    return report


def _compare(report: Report, account: str, posts: list[dict[str, Any]], sent: set[str], ours: set[str]) -> None:
    found: Counter[str] = Counter()
    for post in posts:
        for ref in ours:
            if ref in (post.get("text") or ""):
                found[ref] += 1
    report.posts_expected += len(sent)
    report.posts_found += sum(found.values())
    report.lost += [f"{account} {r}" for r in sent if found[r] == 0]
    report.duplicated += [f"{account} {r} x{n}" for r, n in found.items() if n > 1]
    report.unexpected += [f"{account} {r}" for r in found if r not in sent]


def _check_pin(report: Report, services: Any, account: str, newest: tuple[Any, str] | None) -> None:
    stored = services.store.get_channel(account)
    if newest is None or account.startswith("x:"):
        return  # nothing sent there, or X (no pin API: pinned by hand)
    if stored.pinned is None or stored.pinned.advisory_id != newest[1]:
        row = services.store.get_delivery(newest[1], account)
        report.pins_wrong.append(f"{account}: pinned {stored.pinned.advisory_id if stored.pinned else None}, "
                                 f"newest {newest[1]} ({row.pin_state.value}: {row.pin_error})")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_stack() -> Any:
    os.environ.update(CLARION_PORT=str(free_port()), CLARION_MOTO_PORT=str(free_port()))
    sandbox_port = free_port()
    os.environ.update(CLARION_SANDBOX_PORT=str(sandbox_port), CLARION_SANDBOX_URL=f"http://127.0.0.1:{sandbox_port}")
    from local.stack import LocalStack, Settings

    stack = LocalStack(Settings.from_env("app:app"))
    stack.start()
    return stack


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--advisories", type=int, default=200)
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    stack = start_stack()
    try:
        print(f"Fault suite: {args.advisories} advisories x {args.accounts} channel accounts, "
              f"{args.fault_rate:.0%} of platform calls faulted")
        report = run(stack, args.advisories, args.accounts, args.fault_rate, args.seed)
        print("\n".join(report.lines()))
    finally:
        stack.stop()
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    main()
