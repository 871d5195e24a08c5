"""Let moto's HTTP server route requests from many processes without a process-wide queue.

moto's server (ThreadedMotoServer) picks each request's service under one lock, and for every
request lists moto's package directory (an os.listdir and an isdir per entry: some 200 system
calls) and tries the host against every service's URL patterns. With a dozen processes calling
one server (bench/delivery_bench.py --processes: a worker process per platform, as on Lambda),
requests waited on that lock longer than DynamoDB itself takes. The answer depends on the host
alone, so it is remembered per host, and the package is listed once.

The server tells a request's service by its signature; an unsigned one it mostly cannot (it
took an unsigned DynamoDB call for S3). The local stage's clients of DynamoDB, SQS and SNS skip
signing (chalicelib/composition.py `_local`), so the server also knows them by what they name:
DynamoDB's and SQS's X-Amz-Target, SNS's API version in the body. Only moto is patched.
"""
from __future__ import annotations

import threading
from typing import Any

_applied = False
MAX_HOSTS = 1024  # hosts are a service and a region: a handful; the bound is a safeguard


def apply() -> None:
    """Patch moto's server's dispatcher (idempotent)."""
    global _applied
    if _applied:
        return
    from moto import backends
    from moto.moto_server import werkzeug_app
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    # unsigned requests of the services the local stage calls unsigned (JSON targets, query version)
    werkzeug_app.UNSIGNED_REQUESTS.update({"DynamoDB_20120810": ("dynamodb", "us-east-1"),
                                           "AmazonSQS": ("sqs", "us-east-1")})
    werkzeug_app.SERVICE_BY_VERSION.setdefault("2010-03-31", "sns")

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: iter(modules)  # type: ignore[assignment]
    original = DomainDispatcherApplication.get_backend_for_host
    known: dict[str, Any] = {}
    lock = threading.Lock()

    def get_backend_for_host(self: Any, host: str | None) -> Any:
        if host is None:
            return None
        with lock:
            if host in known:
                return known[host]
        backend = original(self, host)
        with lock:
            if len(known) >= MAX_HOSTS:
                known.clear()
            known[host] = backend
        return backend

    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]
    # HTTP/1.1: a client keeps its connection (botocore pools them) instead of a new connection and
    # server thread per request. 3,000 GetItems from 8 threads took 5.3 ms of CPU each (client and
    # server) under HTTP/1.0, 4.1-4.7 ms with keep-alive.
    from moto.server import MotoRequestHandler

    MotoRequestHandler.protocol_version = "HTTP/1.1"
    _applied = True
