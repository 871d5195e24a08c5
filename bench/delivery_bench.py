"""Benchmark: approval to every delivery final, on the local stack, with platform latency L.

    .venv/bin/python bench/delivery_bench.py [--latency-ms 300] [--rounds 9] [--counts 1,10,30]
    .venv/bin/python bench/delivery_bench.py --processes [--counts 1,10,30,100,300,1000]
        [--rounds 9] [--large-rounds 3] [--call-ms 10] [--transaction-ms 20] [--calls] [--profile]

Starts the whole local stack in this process (moto, the API, the event pump with Lambda's
semantics, the sandbox platforms adding L to every platform call) on spare ports and approves
advisories through the HTTP API, for N channel accounts (copies of the seeded ones, spread over
the platforms). The end of a round is the moment the commit that made its last delivery final
returned (the store's commits are watched; nothing polls the store meanwhile). Between rounds it
waits for the round's tail (pins, completion) so rounds do not overlap. Counts of 300 and more
run --large-rounds rounds (3), the others --rounds (9).

Single process (the default): every platform's worker runs in this process, on the pump's
threads. Prints, per number of channel accounts: the median and max time from approval to all
final (goal: at most L + 0.5 s whatever the count), the process CPU per round (the whole local
stack but the sandbox runs in this one process: the limit on a small machine), and the DynamoDB
write calls per delivery made while delivering (goal: at most 4), and with the approval's own
writes. DynamoDB calls are not delayed unless --call-ms / --transaction-ms say so.

--processes: as on Lambda, each platform queue's worker (`deliver_<platform>`) runs in a process
of its own (spawned; it loads the app, talks to this process's moto server over HTTP with the
local stage's clients, and runs an EventPump fed only from its queue); this process keeps the
API, moto, the SNS trigger and the rest (its pump excludes the platform queues). Every DynamoDB
call of the store, in every process, is delayed by --call-ms (10 ms), a TransactWriteItems by
--transaction-ms (20 ms), as DynamoDB's own latency. Each worker process reports, over a
multiprocessing queue every 50 ms, what its store did and when (time.time()): each commit that
returned or raised, the deliveries it made final, each transaction DynamoDB refused and each
retry of the store's (nothing polls the store during the measured window). Prints, per count:

    accounts, rounds     how many channel accounts; rounds run
    median s, max s      approval -> every delivery final
    goal s, met          300 accounts: L + 1.5 s; 1,000: L + 5 s; up to 30: L + 0.5 s as in the
                         single process (no goal for 100); met: the median is within it
    commits/s            commits that returned from approval to all final, every process, per second
    refused              TransactWriteItems DynamoDB cancelled (a condition failed) or refused (a
                         conflict with another transaction), every process, in the whole round
    retries              the store's own retries because of them (adapters/dynamodb.py: a re-link
                         after an audit chain head race, `_repair`; a group commit that lost a race
                         split to write each of its commits alone)
    raised               commits that raised (StaleWrite included: a race the services expect and
                         handle, e.g. two workers completing one advisory; listed by kind at the end)
    not sent             deliveries whose final state is not 'sent'
    CPU main s, CPU workers s   CPU per round of this process and of the worker processes together

--calls adds, per count: the CPU per round of this process, the workers and the sandbox platforms'
process, the stack's CPU from approval to all final, and how busy the machine's cores were (other
sessions' processes too); then, from approval to all final, each DynamoDB operation's calls (GetItem by the kind
of item read), items per call and how long each took besides the bench's delay (the emulator's
share: moto in this one process serves every process), how long each audited group commit held
its process's append lock (by how many commits it carried), and the CPU moto's server spent
serving each kind of request ([moto serves]).

The stack's logs go to a file (each worker process's to its own, beside it). BENCH_DEBUG=1 writes
each round's audit timeline there too. --profile samples every thread's stack in every process
every 10 ms and writes where threads wait and where busy ones are to the logs' directory
(clarion-delivery-bench-<process>.prof).
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import re
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
LARGE = 300  # counts from here on run --large-rounds rounds
LOG_DIR = Path(os.environ.get("TMPDIR", "/tmp"))
now = time.time  # one clock for every process: the workers' commits are timed in theirs


def start_stack(pump_exclude: frozenset[str] = frozenset()) -> Any:
    os.environ.update(CLARION_PORT="18000", CLARION_MOTO_PORT="14566", CLARION_SANDBOX_PORT="18001",
                      CLARION_SANDBOX_URL="http://127.0.0.1:18001")
    os.environ.setdefault("CLARION_SIGNIN_PORT", "18002")  # not `make run`'s 8002
    from local.stack import LocalStack, Settings

    stack = LocalStack(Settings.from_env("app:app"), pump_exclude=pump_exclude)
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
        ids.append(f"{cycle[n % len(cycle)]}:bench-{n}")
    have = store.get_channels(ids)
    puts = [create(seeded[a.split(":")[0]].model_copy(update={"id": a, "pinned": None}))[1]
            for a in ids if a not in have]
    for start in range(0, len(puts), 50):  # not measured: written in a few transactions
        store.commit(puts[start:start + 50])
    return ids


def call(method: str, path: str, token: str, body: Any = None) -> Any:
    request = urllib.request.Request(f"http://127.0.0.1:18000{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


# --------------------------------------------------------------------------- what the stores did


class Tally:
    """What the stores of every process did, each with when it happened (`now()`): commits that
    returned or raised, deliveries made final, transactions refused and the store's retries."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.final: dict[str, dict[str, float]] = {}  # advisory id -> account -> when its delivery became final
        self.events: list[tuple[str, float]] = []  # (kind, when): commit, raised, refused, retry, split
        self.raised: Counter[str] = Counter()  # "what it wrote: the error" -> how many (whole run)
        self.calls: list[tuple[float, str, float, int]] = []  # DynamoDB calls: (when, operation, ms, items)

    def record(self, records: list[tuple[Any, ...]]) -> None:
        with self.changed:
            for record in records:
                if record[0] == "final":
                    _, advisory_id, account, at = record
                    self.final.setdefault(advisory_id, {}).setdefault(account, at)
                elif record[0] == "call":
                    self.calls.append(record[1:])
                else:
                    self.events.append((record[0], record[1]))
                    if record[0] == "raised":
                        self.raised[record[2]] += 1
            self.changed.notify_all()

    def call_summary(self, windows: list[tuple[float, float]]) -> list[str]:
        """Per DynamoDB operation in `windows`: how many calls, the items per call, and how long
        each took besides the delay the bench adds (the emulator's share), median / 90th / max."""
        by_op: dict[str, list[tuple[float, int]]] = {}
        with self.changed:
            for at, op, ms, items in self.calls:
                if any(start <= at < end for start, end in windows):
                    by_op.setdefault(op, []).append((ms, items))
        lines = []
        for op, calls in sorted(by_op.items(), key=lambda kv: -sum(ms for ms, _ in kv[1])):
            took = sorted(ms for ms, _ in calls)
            lines.append(f"    {op:34} {len(calls):6d} calls, {statistics.mean(i for _, i in calls):5.1f} items, "
                         f"{took[len(took) // 2]:6.1f} / {took[len(took) * 9 // 10]:6.1f} / {took[-1]:6.1f} ms, "
                         f"{sum(took) / 1000:6.2f} s in all")
        return lines

    def count(self, kind: str, start: float, end: float) -> int:
        with self.changed:
            return sum(1 for k, at in self.events if k == kind and start <= at < end)


def instrument(sink: Any, call_ms: float, transaction_ms: float, calls: bool = False) -> None:
    """In this process: delay the store's DynamoDB calls; note every commit (returned or raised,
    and the deliveries it made final), every transaction DynamoDB refused, and the store's retries
    because of them, and with `calls` each DynamoDB call and append lock hold with how long it
    took, through `sink(records)`. Changes nothing the store does."""
    from chalicelib.composition import clarion, get_db
    from chalicelib.domain.delivery import FINAL as FINAL_STATES
    from chalicelib.domain.errors import StaleWrite
    from chalicelib.domain.models import DeliveryRecord

    db, store = get_db(), clarion().store
    call = threading.local()

    def size(params: Any, model: Any, **_: Any) -> None:
        call.what = params["Key"]["sk"]["S"].split("#")[0] if model.name == "GetItem" else ""
        call.items = len(params.get("TransactItems") or params.get("RequestItems", {}).get(store._table, {})
                         .get("Keys") or ()) or 1

    def delay(model: Any, **_: Any) -> None:  # DynamoDB's own latency, on every call
        if call_ms or transaction_ms:
            time.sleep((transaction_ms if model.name == "TransactWriteItems" else call_ms) / 1000)
        call.started = time.perf_counter()  # what the call takes besides that: the emulator's time

    def answered(http_response: Any, parsed: Any, model: Any, **_: Any) -> None:
        at, took = now(), (time.perf_counter() - call.started) * 1000
        records: list[tuple[Any, ...]] = [("call", at, f"{model.name} {getattr(call, 'what', '')}".strip(), took,
                                            getattr(call, "items", 1))] if calls else []
        code = (parsed or {}).get("Error", {}).get("Code")
        if code in ("TransactionCanceledException", "TransactionConflictException"):
            records.append(("refused", at))
        if records:
            sink(records)

    db.meta.events.register("before-parameter-build.dynamodb", size)
    db.meta.events.register("before-call.dynamodb", delay)
    db.meta.events.register("after-call.dynamodb", answered)

    commit, append, repair = store.commit, store._append, store._repair  # type: ignore[attr-defined]

    def timed_commit(puts: Any, events: Any = ()) -> Any:
        try:
            written = commit(puts, events)
        except Exception as error:
            what = f"{'+'.join(sorted({type(p.item).__name__ for p in puts})) or 'audit only'}: {type(error).__name__}"
            sink([("raised", now(), what)])
            print(f"bench: a commit of {[type(p.item).__name__ for p in puts]} raised {error!r}", flush=True)
            raise
        done = now()
        sink([("commit", done)] + [("final", p.item.advisory_id, p.item.channel_account, done) for p in puts
                                   if isinstance(p.item, DeliveryRecord) and p.item.state in FINAL_STATES])
        return written

    def counted_append(group: Any) -> Any:
        started = time.perf_counter()
        try:
            return append(group)
        except StaleWrite:
            if len(group) > 1:  # the store now writes each commit of the group alone
                sink([("split", now())])
            raise
        finally:  # how many commits one audited transaction carried, and how long it held the append lock
            if calls:
                size = "alone" if len(group) == 1 else "2-9 commits" if len(group) < 10 else "10+ commits"
                sink([("call", now(), f"(append lock: {size})", (time.perf_counter() - started) * 1000,
                       sum(c.size + 1 for c in group))])

    def counted_repair(*args: Any) -> Any:  # a head race: the store re-links and writes again
        sink([("retry", now())])
        return repair(*args)

    store.commit = timed_commit  # type: ignore[method-assign]
    store._append = counted_append  # type: ignore[attr-defined]
    store._repair = counted_repair  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- single process: writes


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
    for name in ("prepare", "carry_out", "finish_post", "complete"):  # what a worker calls, in its threads
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


# --------------------------------------------------------------------------- rounds


def one_round(tally: Tally, accounts: list[str], n: int,
              at_final: Any = None) -> tuple[float, float, float, int]:
    """(approved at, every delivery final at, round ended at, deliveries not sent); `at_final()`
    is called as soon as the bench hears that every delivery is final."""
    from chalicelib.composition import clarion

    body = {"headline": f"Benchmark advisory {n}", "instruction": "Boil water for one minute.",
            "event": "Boil Water", "urgency": "Immediate", "severity": "Severe", "certainty": "Observed",
            "area_desc": "Riverside", "required_text": "Nurse line 0800 555 0100.", "channels": accounts}
    advisory_id = call("POST", "/advisories", "demo-spokesperson", body)["id"]
    call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    store = clarion().store
    approved_at = now()
    call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    timeout = max(60.0, len(accounts) * 0.2)
    with tally.changed:
        if not tally.changed.wait_for(lambda: len(tally.final.get(advisory_id, ())) == len(accounts),
                                      timeout=timeout):
            raise RuntimeError(f"deliveries not final after {timeout:.0f} s "
                               f"({len(tally.final.get(advisory_id, ()))} of {len(accounts)})")
        final_at = max(tally.final[advisory_id].values())
    if at_final is not None:
        at_final()
    rows = store.deliveries_for(advisory_id)
    if store.unfinished_deliveries(advisory_id):  # the store must agree with what the bench saw
        raise RuntimeError(f"{advisory_id}: the commits said every delivery is final, the store does not")
    failed = sum(r.state.value != "sent" for r in rows)
    if os.environ.get("BENCH_DEBUG"):  # the audit trail's timeline of this round, into the log
        entries = sorted((e for e in store.audit_entries_about(advisory_id)), key=lambda e: e.at)
        approved = next(e.at for e in entries if e.action == "approve")
        print(f"round {n}: {len(accounts)} accounts, all final after {final_at - approved_at:.2f} s")
        for e in entries:
            print(f"  +{(e.at - approved).total_seconds() * 1000:6.0f} ms {e.action:10} {e.summary[:90]}")
    settle(advisory_id)  # after the clock stopped: the next approval starts on a quiet stack
    return approved_at, final_at, now(), failed


def settle(advisory_id: str) -> None:
    """Wait for this round's tail (pins, links, the advisory's completion) to end, so that one
    round's pins do not slow the next round's approval down."""
    from chalicelib.composition import clarion

    store = clarion().store
    deadline = time.perf_counter() + 30
    while store.get_advisory(advisory_id).state.value == "broadcasting" and time.perf_counter() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)  # the last worker's log lines and message deletes


def rounds_for(count: int, args: argparse.Namespace) -> int:
    return args.large_rounds if count >= LARGE else args.rounds


def single_process(args: argparse.Namespace, say: Any) -> None:
    stack = start_stack()
    tally = Tally()
    every, delivering = count_writes()
    instrument(tally.record, args.call_ms or 0, args.transaction_ms or 0)
    try:
        stack._sandbox.set_faults("*", latency_ms=args.latency_ms)
        goal = args.latency_ms / 1000 + 0.5
        say(f"\nApproval -> every delivery final; sandbox latency L = {args.latency_ms} ms on every platform call")
        say(f"{'accounts':>8} {'median s':>9} {'max s':>6} {'goal s':>6} {'CPU s/round':>11} "
            f"{'writes/delivery':>15} {'(+approval)':>11} {'failed':>6}")
        for count in (int(c) for c in args.counts.split(",")):
            accounts = bench_accounts(count)
            rounds = rounds_for(count, args)
            times, cpu, failed = [], [], 0
            before_all, before_worker = sum(every.values()), sum(delivering.values())
            for n in range(rounds):
                cpu_before = time.process_time()
                approved_at, final_at, _, bad = one_round(tally, accounts, n)
                times.append(final_at - approved_at)
                failed += bad
                cpu.append(time.process_time() - cpu_before)
            deliveries = count * rounds
            worker = (sum(delivering.values()) - before_worker) / deliveries
            total = (sum(every.values()) - before_all - 2 * rounds) / deliveries  # less create+submit
            say(f"{count:>8} {statistics.median(times):9.2f} {max(times):6.2f} {goal:6.2f} "
                f"{statistics.median(cpu):11.2f} {worker:15.2f} {total:11.2f} {failed:>6}")
        say("\nDynamoDB write calls by operation (whole run):", dict(every))
    finally:
        stack.stop()


# --------------------------------------------------------------------------- one process per platform


def platform_process(platform: str, moto_url: str, queue_urls: dict[str, str], call_ms: float,
                     transaction_ms: float, calls: bool, profile: bool, out: Any, stop: Any) -> None:
    """A platform's worker as its own Lambda: this process loads the app, talks to the stack's moto
    over HTTP, and feeds `deliver_<platform>` from its queue until `stop` is set."""
    log = open(LOG_DIR / f"clarion-delivery-bench-{platform}.log", "w", buffering=1)  # noqa: SIM115 (the process's)
    sys.stdout = sys.stderr = log
    os.environ["AWS_ENDPOINT_URL"] = moto_url  # every client of this process: the stack's moto server
    sampler = Sampler() if profile else None
    import boto3

    from local.pump import EventPump
    from local.stack import STAGE, load_app

    app = load_app("app:app")
    buffered: list[tuple[Any, ...]] = []
    lock = threading.Lock()

    def sink(records: list[tuple[Any, ...]]) -> None:
        with lock:
            buffered.extend(records)

    def flush() -> None:  # what the store did goes to the bench every 50 ms, stamped when it happened
        while True:
            time.sleep(0.05)
            with lock:
                records, buffered[:] = list(buffered), []
            if records:
                out.put(("records", records))

    instrument(sink, call_ms, transaction_ms, calls)
    threading.Thread(target=flush, daemon=True, name="bench-flush").start()
    pump = EventPump(app, boto3.Session(), queue_urls, stage=STAGE, only={f"deliver_{platform}"})
    pump.start()
    out.put(("ready", platform))
    stop.wait()
    pump.stop()
    time.sleep(0.05)  # the last flush
    if sampler is not None:
        sampler.write(LOG_DIR / f"clarion-delivery-bench-{platform}.prof")
    out.put(("stopped", platform))


class Workers:
    """The worker processes, one per platform queue, and the thread that takes their reports."""

    def __init__(self, stack: Any, tally: Tally, args: argparse.Namespace) -> None:
        import multiprocessing

        from chalicelib.infra import resources
        from local.stack import STAGE

        assert stack.provisioned is not None
        context = multiprocessing.get_context("spawn")
        self.out, self.stop = context.Queue(), context.Event()
        self.tally = tally
        urls = {resources.queue_name(p, STAGE): u for p, u in stack.provisioned.queue_urls.items()}
        self.processes = [context.Process(target=platform_process, name=f"worker-{p}", daemon=True,
                                          args=(p, stack.settings.moto_url, urls, args.call_ms, args.transaction_ms,
                                                args.calls, args.profile, self.out, self.stop))
                          for p in resources.QUEUES]
        self.ready: set[str] = set()
        for process in self.processes:
            process.start()
        self.reader = threading.Thread(target=self._read, daemon=True, name="bench-reports")
        self.reader.start()
        deadline = time.monotonic() + 180
        while len(self.ready) < len(self.processes):
            if time.monotonic() > deadline or any(p.exitcode is not None for p in self.processes):
                raise RuntimeError(f"worker processes not ready: {sorted(set(resources.QUEUES) - self.ready)}")
            time.sleep(0.1)

    def _read(self) -> None:
        while True:
            kind, payload = self.out.get()
            if kind == "records":
                self.tally.record(payload)
            elif kind == "ready":
                self.ready.add(payload)
            elif kind == "end":
                return

    def cpu_s(self) -> float:
        """User and system CPU of the worker processes so far (Linux: /proc)."""
        return sum(self.cpu_by_process().values())

    def cpu_by_process(self) -> dict[str, float]:
        return {process.name: process_cpu_s(process.pid) for process in self.processes if process.pid}

    def close(self) -> None:
        self.stop.set()
        for process in self.processes:
            process.join(timeout=20)
            if process.is_alive():
                process.terminate()
        self.out.put(("end", None))
        self.reader.join(timeout=5)


def watch_moto_server(tally: Tally) -> None:
    """What moto's server (in this process) spends on each request it serves the workers: CPU time
    of the request's thread from routing to answer, by what the request names (a JSON API's
    target; else its path), noted as calls like the stores'."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    serve = DomainDispatcherApplication.__call__

    def timed(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        cpu = time.thread_time()
        try:
            return serve(self, environ, start_response)
        finally:
            what = environ.get("HTTP_X_AMZ_TARGET", "").rsplit(".", 1)[-1] or f"query {environ.get('PATH_INFO')}"
            tally.record([("call", now(), f"[moto serves] {what}", (time.thread_time() - cpu) * 1000, 1)])

    DomainDispatcherApplication.__call__ = timed  # type: ignore[method-assign]


def process_cpu_s(pid: int) -> float:
    """User and system CPU of process `pid` so far (Linux: /proc); 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def note_cpu(into: list[float], before: float, cpu: Any) -> None:
    into.append(cpu() - before)


def machine_busy() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine so far, every core and every process (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / tick, sum(fields) / tick


def goal_s(count: int, latency_s: float) -> float | None:
    """Issue 16's goals: 300 accounts within L + 1.5 s, 1,000 within L + 5 s; up to 30, L + 0.5 s."""
    if count <= 30:
        return latency_s + 0.5
    return {300: latency_s + 1.5, 1000: latency_s + 5.0}.get(count)


def multi_process(args: argparse.Namespace, say: Any) -> None:
    from chalicelib.infra import resources

    stack = start_stack(pump_exclude=frozenset(f"deliver_{p}" for p in resources.QUEUES))
    tally = Tally()
    instrument(tally.record, args.call_ms, args.transaction_ms, args.calls)
    if args.calls:
        watch_moto_server(tally)
    sampler = Sampler() if args.profile else None
    workers = None
    try:
        workers = Workers(stack, tally, args)

        def stack_cpu() -> float:  # CPU so far of this process, the workers and the sandbox platforms
            assert workers is not None
            return time.process_time() + workers.cpu_s() + process_cpu_s(stack._sandbox._process.pid)

        stack._sandbox.set_faults("*", latency_ms=args.latency_ms)
        latency_s = args.latency_ms / 1000
        say(f"\nApproval -> every delivery final; {len(workers.processes)} worker processes (one per platform "
            f"queue); sandbox latency L = {args.latency_ms} ms on every platform call; DynamoDB "
            f"{args.call_ms:g} ms per call, {args.transaction_ms:g} ms per TransactWriteItems, in every process")
        say(f"{'accounts':>8} {'rounds':>6} {'median s':>9} {'max s':>6} {'goal s':>6} {'met':>4} "
            f"{'commits/s':>9} {'refused':>7} {'retries':>7} {'raised':>6} {'not sent':>8} "
            f"{'CPU main s':>10} {'CPU workers s':>13}")
        for count in (int(c) for c in args.counts.split(",")):
            accounts = bench_accounts(count)
            times, commits, window, not_sent = [], 0, 0.0, 0
            refused = retries = raised = 0
            cpu_main, cpu_workers, cpu_sandbox, windows, rounds_at, machine = [], [], [], [], [], []
            cpu_to_final: list[float] = []
            cpu_each: dict[str, list[float]] = {}
            for n in range(rounds_for(count, args)):
                main_before, workers_before = time.process_time(), workers.cpu_s()
                each_before = workers.cpu_by_process()
                sandbox_before = process_cpu_s(stack._sandbox._process.pid)
                busy_before, all_before = machine_busy()
                at_final = functools.partial(note_cpu, cpu_to_final, stack_cpu(), stack_cpu)
                approved_at, final_at, ended_at, bad = one_round(tally, accounts, n, at_final)
                busy_after, all_after = machine_busy()
                machine.append((busy_after - busy_before) / max(1e-9, all_after - all_before))
                cpu_main.append(time.process_time() - main_before)
                cpu_workers.append(workers.cpu_s() - workers_before)
                for name, cpu in workers.cpu_by_process().items():
                    cpu_each.setdefault(name, []).append(cpu - each_before.get(name, cpu))
                cpu_sandbox.append(process_cpu_s(stack._sandbox._process.pid) - sandbox_before)
                times.append(final_at - approved_at)
                commits += tally.count("commit", approved_at, final_at + 1e-6)
                window += final_at - approved_at
                refused += tally.count("refused", approved_at, ended_at)
                retries += tally.count("retry", approved_at, ended_at) + tally.count("split", approved_at, ended_at)
                raised += tally.count("raised", approved_at, ended_at)
                not_sent += bad
                windows.append((approved_at, final_at))
                rounds_at.append((approved_at, ended_at))
            goal = goal_s(count, latency_s)
            median = statistics.median(times)
            met = "-" if goal is None else ("yes" if median <= goal else "NO")
            say(f"{count:>8} {len(times):>6} {median:9.2f} {max(times):6.2f} "
                f"{'-' if goal is None else f'{goal:.2f}':>6} {met:>4} {commits / window:9.1f} "
                f"{refused:>7} {retries:>7} {raised:>6} {not_sent:>8} "
                f"{statistics.median(cpu_main):10.2f} {statistics.median(cpu_workers):13.2f}")
            if args.calls:
                say(f"  CPU per round (median): this process {statistics.median(cpu_main):.2f} s, the workers "
                    f"{statistics.median(cpu_workers):.2f} s, the sandbox platforms {statistics.median(cpu_sandbox):.2f} s; "
                    f"the round (approval to settled) {statistics.median(e - a for a, e in rounds_at):.2f} s; "
                    f"from approval to all final the stack used {statistics.median(cpu_to_final):.2f} CPU s; "
                    f"the machine's {os.cpu_count()} cores were busy {statistics.median(machine):.0%} of it "
                    "(every process, other sessions' too)")
                say("  CPU per round (median) of each worker process: " + ", ".join(
                    f"{name.removeprefix('worker-')} {statistics.median(v):.2f} s" for name, v in sorted(cpu_each.items())))
                say("  From approval to all final, every process: DynamoDB calls and the time each took besides the "
                    "bench's delay (median / p90 / max, and in all); the append lock's holds; the CPU moto's "
                    "server spent on each request it served:", *tally.call_summary(windows), sep="\n")
        say("\nCommits that raised (whole run), by what they wrote:", dict(tally.raised) or "none")
    finally:
        if workers is not None:
            workers.close()
        if sampler is not None:
            sampler.write(LOG_DIR / "clarion-delivery-bench-main.prof")
        stack.stop()


# --------------------------------------------------------------------------- profiling


class Sampler:
    """A sampling profiler for every thread of this process (cProfile sees one thread only): every
    10 ms, each thread's stack. A thread whose innermost line waits (a lock, a queue, a socket, a
    sleep) counts as waiting there; `write` lists where threads wait, the lines busy threads are
    on (self) and the functions on their stacks (inclusive)."""

    WAITING = re.compile(r"\.wait\(|sleep\(|\.acquire\(|select\(|\.poll\(|accept\(|recv|readinto|readline|"
                         r"\.get\(block|\bget\(\)|\.join\(|with [\w.]*(lock|LOCK|changed|fetching)\b|_wait_for_tstate_lock|"
                         r"\.connect\(|sendall\(|getaddrinfo\(|_recv_bytes|\bread\(handle")

    def __init__(self, interval_s: float = 0.01) -> None:
        self.samples = self.busy = 0
        self.inclusive: Counter[str] = Counter()
        self.top: Counter[str] = Counter()
        self.waits: Counter[str] = Counter()
        self._interval = interval_s
        threading.Thread(target=self._run, daemon=True, name="bench-sampler").start()

    def _run(self) -> None:
        import linecache

        me = threading.get_ident()
        while True:
            time.sleep(self._interval)
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                self.samples += 1
                line = linecache.getline(frame.f_code.co_filename, frame.f_lineno or 0)
                if self.WAITING.search(line):
                    caller = frame.f_back
                    self.waits[f"{_where(frame)} <- {_where(caller) if caller else '?'}"] += 1
                    continue
                self.busy += 1
                self.top[f"{_where(frame)} line {frame.f_lineno}"] += 1
                seen = set()
                while frame is not None:
                    where = _where(frame)
                    if where not in seen:
                        seen.add(where)
                        self.inclusive[where] += 1
                    frame = frame.f_back  # type: ignore[assignment]

    def write(self, path: Path) -> None:
        busy = max(1, self.busy)
        lines = [f"{self.samples} thread samples ({self._interval * 1000:g} ms apart), {self.busy} busy", "",
                 "waiting at:"]
        lines += [f"{n:7d} {w}" for w, n in self.waits.most_common(30)]
        lines += ["", "busy, self:"]
        lines += [f"{n:7d} {n / busy:6.1%} {w}" for w, n in self.top.most_common(60)]
        lines += ["", "busy, inclusive:"]
        lines += [f"{n:7d} {n / busy:6.1%} {w}" for w, n in self.inclusive.most_common(150)]
        path.write_text("\n".join(lines) + "\n")


def _where(frame: Any) -> str:
    code = frame.f_code
    return f"{code.co_name} ({'/'.join(Path(code.co_filename).parts[-2:])}:{code.co_firstlineno})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--large-rounds", type=int, default=3, help=f"rounds for counts of {LARGE} and more")
    parser.add_argument("--counts", default=None, help="default 1,10,30; with --processes 1,10,30,100,300,1000")
    parser.add_argument("--processes", action="store_true", help="each platform's worker in a process of its own")
    parser.add_argument("--call-ms", type=float, default=None,
                        help="delay per DynamoDB call (default 10 with --processes, else 0)")
    parser.add_argument("--transaction-ms", type=float, default=None,
                        help="delay per TransactWriteItems (default 20 with --processes, else 0)")
    parser.add_argument("--profile", action="store_true", help="sample every thread's stack, in every process")
    parser.add_argument("--calls", action="store_true",
                        help="with --processes: per count, the DynamoDB calls made and how long they took, "
                             "the CPU per process group and what moto's server spent on each request")
    args = parser.parse_args()
    if args.processes:
        args.counts = args.counts or "1,10,30,100,300,1000"
        args.call_ms = 10.0 if args.call_ms is None else args.call_ms
        args.transaction_ms = 20.0 if args.transaction_ms is None else args.transaction_ms
    else:
        args.counts = args.counts or "1,10,30"
    out = sys.stdout
    say = functools.partial(print, file=out, flush=True)
    # The stack's logs (JSON lines, as on Lambda: still written, so still paid for) go to a file.
    log_path = LOG_DIR / "clarion-delivery-bench.log"
    sys.stdout = sys.stderr = open(log_path, "w", buffering=1)  # noqa: SIM115 (open for the run; closed at exit)
    say(f"(the stack's logs go to {log_path})")
    if args.processes:
        multi_process(args, say)
    else:
        sampler = Sampler() if args.profile else None
        single_process(args, say)
        if sampler is not None:
            sampler.write(LOG_DIR / "clarion-delivery-bench-main.prof")


if __name__ == "__main__":
    main()
