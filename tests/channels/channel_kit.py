"""Helpers shared by the channel tests: renderings, adapters for the local accounts, a canned server."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from collections.abc import Iterator

import pytest

from chalicelib.channels.port import Channel
from chalicelib.channels.registry import channel_for
from chalicelib.rendering.model import Part, Rendering
from chalicelib.secrets import InMemorySecretStore
from chalicelib.seed import LOCAL_CHANNELS, SANDBOX_CREDENTIALS

# The local account used for each HTTP platform, and the key the sandbox files its posts under.
ACCOUNT = {"x": "x:city-health", "facebook": "facebook:city-health", "mastodon": "mastodon:city-health",
           "bluesky": "bluesky:city-health", "telegram": "telegram:city-health", "slack": "slack:staff",
           "discord": "discord:community"}
STATE_KEY = {"x": "cityhealth", "facebook": "100000000000001", "mastodon": "cityhealth",
             "bluesky": "cityhealth.bsky.social", "telegram": "@cityhealth", "slack": "C0CLARION",
             "discord": "1300000000000000001"}
HTTP_PLATFORMS = tuple(ACCOUNT)


def adapter(platform: str, base_url: str, read_timeout_s: float = 5.0,
            credentials: dict[str, str] | None = None) -> Channel:
    """The registry's adapter for the platform's local account, pointed at `base_url`."""
    account = next(a for a in LOCAL_CHANNELS if a.id == ACCOUNT[platform])
    settings = {**account.settings, "base_url": base_url,
                "timeouts": {"connect_s": 2.0, "read_s": read_timeout_s}}
    secrets = InMemorySecretStore({account.secret_ref: credentials or SANDBOX_CREDENTIALS[account.id]})
    return channel_for(account.model_copy(update={"settings": settings}), secrets)


def rendering(*texts: str, platform: str = "mastodon", marker: str = "Ref CL-TEST0001",
              advisory_id: str = "adv_test0001", **extra: Any) -> Rendering:
    """A rendering whose parts are `texts` (several = a thread), each carrying the marker."""
    parts = [Part(text=t, length=len(t)) for t in texts]
    return Rendering(advisory_id=advisory_id, channel_account=f"{platform}:test", platform=platform,
                     parts=parts, marker=marker, **extra)


@dataclass
class Canned:
    """One response the canned server gives: status, body, headers, and a delay before it."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


class CannedServer:
    """A tiny HTTP server answering by path: `routes[substring]` first, else `default`."""

    def __init__(self) -> None:
        self.default = Canned()
        self.routes: dict[str, Canned] = {}
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                outer.requests.append((self.command, self.path, dict(self.headers), self.rfile.read(length)))
                canned = next((c for k, c in outer.routes.items() if k in self.path), outer.default)
                if canned.delay_s:
                    threading.Event().wait(canned.delay_s)
                body = canned.encoded()
                self.send_response(canned.status)
                for name, value in canned.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a read-timeout test)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, status: int = 200, body: Any = b"", headers: dict[str, str] | None = None,
               delay_s: float = 0.0) -> None:
        self.default = Canned(status, body, headers or {}, delay_s)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# Fixtures: a test module imports the ones it uses (a conftest.py here would shadow tests/conftest.py,
# which other test modules import by name).
@pytest.fixture(scope="module")
def canned_server() -> Iterator[CannedServer]:
    server = CannedServer()
    yield server
    server.stop()


@pytest.fixture
def canned(canned_server: CannedServer) -> CannedServer:
    from chalicelib.channels.bluesky import forget_sessions

    forget_sessions()
    canned_server.routes.clear()
    canned_server.requests.clear()
    canned_server.answer()
    return canned_server


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[Any]:
    from local.sandbox import start_sandbox

    server = start_sandbox("127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server: Any) -> Any:
    """The sandbox platforms, empty and without faults for each test."""
    from chalicelib.channels.bluesky import forget_sessions

    forget_sessions()
    sandbox_server.reset()
    sandbox_server.clear_faults()
    return sandbox_server
