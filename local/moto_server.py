"""Let moto's HTTP server route requests from many processes without a process-wide queue.

moto's server (ThreadedMotoServer) picks each request's service under one lock, and for every
request lists moto's package directory (an os.listdir and an isdir per entry: some 200 system
calls) and tries the host against every service's URL patterns. With a dozen processes calling
one server (bench/delivery_bench.py --processes: a worker process per platform, as on Lambda),
requests waited on that lock longer than DynamoDB itself takes. The answer depends on the host
alone, so it is remembered per host, and the package is listed once. Only moto is patched.
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
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

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
    _applied = True
