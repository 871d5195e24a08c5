"""Benchmark: approval to every delivery final, on the local stack, with platform latency L.

Run: .venv/bin/python bench/delivery_bench.py [--latency-ms 300] [--rounds 5] [--counts 1,10,30]

Starts the whole local stack in this process (moto, the API, the event pump with Lambda's
semantics, the sandbox platforms adding L to every platform call) on spare ports, approves
advisories through the HTTP API and polls the deliveries until all are final. Prints, per number
of channel accounts, the median and max time from approval to all final (goal: at most
L + 0.5 s whatever the count) and the DynamoDB write calls per delivery (goal: at most 4).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PLATFORM_CYCLE = ("mastodon", "slack", "discord", "telegram", "facebook", "bluesky", "x", "sms", "email")
# Bench accounts share the sandbox's few accounts; X and Facebook refuse duplicate text per
# account, so only the first bench account of each posts there.
REPEATABLE = ("mastodon", "slack", "discord", "telegram", "bluesky", "sms", "email")
WRITES = ("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")


def start_stack() -> Any:
    os.environ.update(CLARION_PORT="18000", CLARION_MOTO_PORT="14566", CLARION_SANDBOX_PORT="18001",
                      CLARION_SANDBOX_URL="http://127.0.0.1:18001")
    from local.stack import LocalStack, Settings

    stack = LocalStack(Settings.from_env("app:app"))
    stack.start()
    return stack


def bench_accounts(count: int) -> list[str]:
    """`count` channel accounts spread over the platforms, copies of the seeded ones."""
    from chalicelib.composition import clarion
    from chalicelib.services.common import create

    store = clarion().store
    seeded = {a.platform: a for a in store.list_channels() if not a.sandbox}
    ids = []
    for n in range(count):
        cycle = PLATFORM_CYCLE if n < len(PLATFORM_CYCLE) else REPEATABLE
        platform = cycle[n % len(cycle)]
        account_id = f"{platform}:bench-{n}"
        if store.get_channel(account_id) is None:
            store.commit([create(seeded[platform].model_copy(update={"id": account_id, "pinned": None}))[1]])
        ids.append(account_id)
    return ids


def call(method: str, path: str, token: str, body: Any = None) -> Any:
    request = urllib.request.Request(f"http://127.0.0.1:18000{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def one_round(accounts: list[str], n: int) -> tuple[float, int]:
    from chalicelib.composition import clarion

    body = {"headline": f"Benchmark advisory {n}", "instruction": "Boil water for one minute.",
            "event": "Boil Water", "urgency": "Immediate", "severity": "Severe", "certainty": "Observed",
            "area_desc": "Riverside", "required_text": "Nurse line 0800 555 0100.", "channels": accounts}
    advisory_id = call("POST", "/advisories", "demo-spokesperson", body)["id"]
    call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    store = clarion().store
    start = time.perf_counter()
    call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    while store.unfinished_deliveries(advisory_id):  # a cheap count: the poll must not load the stack
        if time.perf_counter() - start > 60:
            raise RuntimeError("deliveries not final after 60 s")
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    rows = store.deliveries_for(advisory_id)
    failed = sum(r.state.value != "sent" for r in rows)
    if os.environ.get("BENCH_DEBUG"):
        for r in rows:
            print(f"  {r.channel_account:22} {r.state.value:7} attempts={r.attempts} "
                  f"latency={r.latency_ms}ms {r.last_error or ''}"[:200])
    return elapsed, failed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--counts", default="1,10,30")
    args = parser.parse_args()
    stack = start_stack()
    from chalicelib import composition

    writes: Counter[str] = Counter()
    lock = threading.Lock()

    def count_write(event_name: str, **_: Any) -> None:
        with lock:
            writes[event_name.rsplit(".", 1)[-1]] += 1

    for op in WRITES:  # on the client itself: a client copies its session's events when made
        composition.get_db().meta.events.register(f"before-call.dynamodb.{op}", count_write)
    try:
        stack._sandbox.set_faults("*", latency_ms=args.latency_ms)
        latency = args.latency_ms / 1000
        print(f"Approval -> every delivery final, sandbox latency L = {args.latency_ms} ms on every platform call")
        print(f"{'accounts':>8} {'median s':>9} {'max s':>7} {'goal s':>7} {'writes/delivery':>16} {'failed':>7}")
        for count in (int(c) for c in args.counts.split(",")):
            accounts = bench_accounts(count)
            times, failed = [], 0
            before = sum(writes.values())
            for n in range(args.rounds):
                elapsed, bad = one_round(accounts, n)
                times.append(elapsed)
                failed += bad
                time.sleep(0.5)  # let pin rotation of this round finish before the next approval
            per_delivery = (sum(writes.values()) - before) / (count * args.rounds)
            print(f"{count:>8} {statistics.median(times):9.2f} {max(times):7.2f} {latency + 0.5:7.2f} "
                  f"{per_delivery:16.2f} {failed:>7}")
        print("\nDynamoDB write calls by operation (whole run, including approvals):", dict(writes))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
