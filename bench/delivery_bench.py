"""Benchmark: approval to every delivery final, on the local stack, with platform latency L.

Run: .venv/bin/python bench/delivery_bench.py [--latency-ms 300] [--rounds 9] [--counts 1,10,30]

Starts the whole local stack in this process (moto, the API, the event pump with Lambda's
semantics, the sandbox platforms adding L to every platform call) on spare ports and approves
advisories through the HTTP API. The end of a round is the moment the commit that made its last
delivery final returned (the store's commits are watched; nothing polls the store meanwhile).
Between rounds it waits for the round's tail (pins, completion) so rounds do not overlap.

Prints, per number of channel accounts: the median and max time from approval to all final
(goal: at most L + 0.5 s whatever the count), the process CPU per round (the whole local stack
but the sandbox runs in this one process: the limit on a small machine), and the DynamoDB write
calls per delivery made while delivering (goal: at most 4), and with the approval's own writes.
The stack's logs go to a file. BENCH_DEBUG=1 writes each round's audit timeline there too.
"""
from __future__ import annotations

import argparse
import functools
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


FINAL_AT: dict[str, float] = {}  # advisory id -> when its latest delivery became final
FINAL: dict[str, set[str]] = {}   # advisory id -> the accounts whose delivery is final
FINAL_CHANGED = threading.Condition()


def watch_final_commits() -> None:
    """Note when each commit that makes a delivery final has returned: the bench's clock for
    "every delivery final", with no polling of the store in the way of the workers."""
    from chalicelib.composition import clarion
    from chalicelib.domain.delivery import FINAL as FINAL_STATES
    from chalicelib.domain.models import DeliveryRecord

    store = clarion().store
    commit = store.commit

    def timed_commit(puts: Any, events: Any = ()) -> Any:
        written = commit(puts, events)
        done = time.perf_counter()
        with FINAL_CHANGED:
            for put in puts:
                item = put.item
                if (isinstance(item, DeliveryRecord) and item.state in FINAL_STATES
                        and item.channel_account not in FINAL.setdefault(item.advisory_id, set())):
                    FINAL[item.advisory_id].add(item.channel_account)
                    FINAL_AT[item.advisory_id] = done
            FINAL_CHANGED.notify_all()
        return written

    store.commit = timed_commit  # type: ignore[method-assign]


def one_round(accounts: list[str], n: int) -> tuple[float, int]:
    from chalicelib.composition import clarion

    body = {"headline": f"Benchmark advisory {n}", "instruction": "Boil water for one minute.",
            "event": "Boil Water", "urgency": "Immediate", "severity": "Severe", "certainty": "Observed",
            "area_desc": "Riverside", "required_text": "Nurse line 0800 555 0100.", "channels": accounts}
    advisory_id = call("POST", "/advisories", "demo-spokesperson", body)["id"]
    call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    store = clarion().store
    approved_at = time.perf_counter()
    call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    with FINAL_CHANGED:
        if not FINAL_CHANGED.wait_for(lambda: len(FINAL.get(advisory_id, ())) == len(accounts), timeout=60):
            raise RuntimeError("deliveries not final after 60 s")
    elapsed = FINAL_AT[advisory_id] - approved_at
    rows = store.deliveries_for(advisory_id)
    if store.unfinished_deliveries(advisory_id):  # the store must agree with what the bench saw
        raise RuntimeError(f"{advisory_id}: the commits said every delivery is final, the store does not")
    failed = sum(r.state.value != "sent" for r in rows)
    if os.environ.get("BENCH_DEBUG"):  # the audit trail's timeline of this round, into the log
        entries = [e for e in store.audit_entries() if e.advisory_id == advisory_id]
        approved = next(e.at for e in entries if e.action == "approve")
        for e in entries:
            print(f"  +{(e.at - approved).total_seconds() * 1000:6.0f} ms {e.action:10} {e.summary[:90]}")
    settle(advisory_id)  # after the clock stopped: the next approval starts on a quiet stack
    return elapsed, failed


def settle(advisory_id: str) -> None:
    """Wait for this round's tail (pins, links, the advisory's completion) to end, so that one
    round's pins do not slow the next round's approval down."""
    from chalicelib.composition import clarion

    store = clarion().store
    deadline = time.perf_counter() + 30
    while store.get_advisory(advisory_id).state.value == "broadcasting" and time.perf_counter() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)  # the last worker's log lines and message deletes


def count_writes() -> tuple[Counter[str], Counter[str]]:
    """DynamoDB write calls: all of them, and those made while delivering (the workers' share)."""
    from chalicelib.composition import clarion, get_db

    every: Counter[str] = Counter()
    delivering: Counter[str] = Counter()
    lock, inside = threading.Lock(), threading.local()

    def count_write(event_name: str, **_: Any) -> None:
        op = event_name.rsplit(".", 1)[-1]
        with lock:
            every[op] += 1
            if getattr(inside, "delivering", False):
                delivering[op] += 1

    for op in WRITES:  # on the client itself: a client copies its session's events when made
        get_db().meta.events.register(f"before-call.dynamodb.{op}", count_write)
    service = clarion().delivery
    for name in ("prepare", "carry_out", "complete"):  # what a worker calls, in its threads
        setattr(service, name, _marked(getattr(service, name), inside))
    return every, delivering


def _marked(method: Any, inside: threading.local) -> Any:
    def marked(*args: Any, **kwargs: Any) -> Any:
        inside.delivering = True
        try:
            return method(*args, **kwargs)
        finally:
            inside.delivering = False

    return marked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--counts", default="1,10,30")
    args = parser.parse_args()
    out = sys.stdout
    say = functools.partial(print, file=out, flush=True)
    # The stack's logs (JSON lines, as on Lambda: still written, so still paid for) go to a file.
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / "clarion-delivery-bench.log"
    sys.stdout = sys.stderr = open(log_path, "w", buffering=1)  # noqa: SIM115 (open for the run; closed at exit)
    say(f"(the stack's logs go to {log_path})")
    stack = start_stack()
    every, delivering = count_writes()
    watch_final_commits()
    try:
        stack._sandbox.set_faults("*", latency_ms=args.latency_ms)
        goal = args.latency_ms / 1000 + 0.5
        say(f"\nApproval -> every delivery final; sandbox latency L = {args.latency_ms} ms on every platform call")
        say(f"{'accounts':>8} {'median s':>9} {'max s':>6} {'goal s':>6} {'CPU s/round':>11} "
            f"{'writes/delivery':>15} {'(+approval)':>11} {'failed':>6}")
        for count in (int(c) for c in args.counts.split(",")):
            accounts = bench_accounts(count)
            times, cpu, failed = [], [], 0
            before_all, before_worker = sum(every.values()), sum(delivering.values())
            for n in range(args.rounds):
                cpu_before = time.process_time()
                elapsed, bad = one_round(accounts, n)
                times.append(elapsed)
                failed += bad
                cpu.append(time.process_time() - cpu_before)
            deliveries = count * args.rounds
            worker = (sum(delivering.values()) - before_worker) / deliveries
            total = (sum(every.values()) - before_all - 2 * args.rounds) / deliveries  # less create+submit
            say(f"{count:>8} {statistics.median(times):9.2f} {max(times):6.2f} {goal:6.2f} "
                f"{statistics.median(cpu):11.2f} {worker:15.2f} {total:11.2f} {failed:>6}")
        say("\nDynamoDB write calls by operation (whole run):", dict(every))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
