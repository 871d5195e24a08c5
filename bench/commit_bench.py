"""Commit micro-benchmark (issue 16): K processes x M audited commits against one DynamoDB.

Each process is a Lambda container: its own DynamoDBStore (its own group commit), committing one
audited write at a time (a new advisory and its audit entry), against one moto server whose calls
are each delayed on the client side by a realistic latency (default 10 ms per call, 20 ms per
transaction). Prints, for K = 1, 2, 4, 8: throughput, p50/p95 commit latency, and failed commits.

    .venv/bin/python bench/commit_bench.py [--commits 40] [--processes 1,2,4,8] [--call-ms 10]
                                           [--transaction-ms 20] [--single-chain]

--single-chain puts every commit on one audit chain, as before issue 16 (one global head every
audited write updates conditionally): the "before" figures.
"""
from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import socket
import statistics
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import boto3

TABLE = "bench"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _client(endpoint: str, call_ms: float, transaction_ms: float) -> Any:
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="bench", aws_secret_access_key="bench")

    def delay(model: Any, **_: Any) -> None:
        time.sleep((transaction_ms if model.name == "TransactWriteItems" else call_ms) / 1000)

    client.meta.events.register("before-call.dynamodb", delay)
    return client


def _worker(endpoint: str, commits: int, call_ms: float, transaction_ms: float, single_chain: bool,
            start_at: float, out: Any) -> None:
    from chalicelib.adapters import dynamodb
    from chalicelib.domain.models import Advisory, AdvisoryContent, AuditEvent
    from chalicelib.services.common import create

    if single_chain:  # before issue 16: every audited commit appends to one chain, one head item
        dynamodb.chain_of = lambda key: "GLOBAL"  # type: ignore[assignment]
    store = dynamodb.DynamoDBStore(_client(endpoint, call_ms, transaction_ms), TABLE)
    latencies: list[float] = []
    failed = 0
    time.sleep(max(0.0, start_at - time.time()))
    began = time.perf_counter()
    for n in range(commits):
        advisory, put = create(Advisory(content=AdvisoryContent(headline=f"bench {n}", channels=["sms:subscribers"]),
                                        author="bench"))
        t0 = time.perf_counter()
        try:
            store.commit([put], [AuditEvent(actor="bench", action="create", advisory_id=advisory.id)])
        except Exception:  # a failed commit is what we count
            failed += 1
        latencies.append(time.perf_counter() - t0)
    out.put((latencies, failed, time.perf_counter() - began))


def run(endpoint: str, processes: int, commits: int, call_ms: float, transaction_ms: float,
        single_chain: bool) -> dict[str, float]:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start_at = time.time() + 2.0  # every process imported and ready: start together
    workers = [ctx.Process(target=_worker, args=(endpoint, commits, call_ms, transaction_ms, single_chain,
                                                  start_at, out)) for _ in range(processes)]
    for w in workers:
        w.start()
    results = [out.get(timeout=600) for _ in workers]
    for w in workers:
        w.join()
    latencies = sorted(x for r in results for x in r[0])
    wall = max(r[2] for r in results)
    quantiles = statistics.quantiles(latencies, n=20)
    return {"processes": processes, "commits": len(latencies), "failed": sum(r[1] for r in results),
            "per_s": (len(latencies) - sum(r[1] for r in results)) / wall,
            "p50_ms": statistics.median(latencies) * 1000, "p95_ms": quantiles[18] * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=40, help="audited commits per process (M)")
    parser.add_argument("--processes", default="1,2,4,8", help="the values of K")
    parser.add_argument("--call-ms", type=float, default=10.0)
    parser.add_argument("--transaction-ms", type=float, default=20.0)
    parser.add_argument("--single-chain", action="store_true", help="one global chain, as before issue 16")
    args = parser.parse_args()

    from moto.server import ThreadedMotoServer

    from chalicelib.infra import resources
    from local import moto_dynamodb

    moto_dynamodb.apply()  # transactions atomic and isolated, no whole-table copies (local stack's fix)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the server logs every request otherwise

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        definition = {**resources.table_definition("bench"), "TableName": TABLE}
        _client(endpoint, 0, 0).create_table(**definition)
        mode = "one global chain (before)" if args.single_chain else "a chain per item (after)"
        print(f"commit bench: {mode}; {args.commits} commits per process; "
              f"{args.call_ms:g} ms per call, {args.transaction_ms:g} ms per transaction")
        print(f"{'K':>3} {'commits':>8} {'failed':>7} {'commits/s':>10} {'p50 ms':>8} {'p95 ms':>8}")
        base = None
        for k in (int(x) for x in args.processes.split(",")):
            row = run(endpoint, k, args.commits, args.call_ms, args.transaction_ms, args.single_chain)
            base = base or row["per_s"]
            print(f"{k:>3} {row['commits']:>8.0f} {row['failed']:>7.0f} {row['per_s']:>10.1f} "
                  f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f}   x{row['per_s'] / base:.1f}")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
