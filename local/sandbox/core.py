"""What every platform module shares: the context, request parsing, JSON responses, ids."""
from __future__ import annotations

import base64
import functools
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable
from urllib.parse import quote

from flask import Blueprint, Response, request

from local.sandbox import accounts
from local.sandbox.faults import Faults
from local.sandbox.readiness import Modes
from local.sandbox.state import Post, Store
from datetime import UTC


@dataclass
class Context:
    """One running sandbox: its state, faults, readiness modes and a stop signal for sleeping requests."""

    store: Store = field(default_factory=Store)
    faults: Faults = field(default_factory=Faults)
    stopping: threading.Event = field(default_factory=threading.Event)
    ids: Ids = field(default_factory=lambda: Ids())
    modes: Modes = field(default_factory=Modes)

    def __post_init__(self) -> None:
        self.store.on_reset(self.modes.clear)  # a revoked token is the account's state: reset forgets it


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    text = "" if body is None else json.dumps(body, ensure_ascii=False)
    mimetype = "application/json" if body is not None else None
    return Response(text, status=status, headers=headers or {}, mimetype=mimetype)


def params() -> dict[str, Any]:
    """Query, form and JSON body merged (later wins), as the platforms accept any of them."""
    merged: dict[str, Any] = dict(request.args.items())
    merged.update(request.form.items())
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):
        merged.update(body)
    return merged


def bearer(scheme: str = "Bearer") -> str | None:
    header = request.headers.get("Authorization", "")
    prefix = scheme + " "
    if header[:len(prefix)].lower() == prefix.lower():
        return header[len(prefix):].strip() or None
    return None


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def maybe_json(value: Any) -> Any:
    """Nested parameters arrive JSON-encoded in forms (Telegram, Slack blocks); decode those."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class Ids:
    """Monotonic ids in each platform's own shape (snowflakes, Mastodon ids, Slack ts, TIDs)."""

    _B32_SORT = "234567abcdefghijklmnopqrstuvwxyz"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_us = 0
        self._counters: dict[str, int] = {}

    def _tick_us(self) -> int:
        with self._lock:
            now = int(time.time() * 1_000_000)
            self._last_us = max(now, self._last_us + 1)
            return self._last_us

    def snowflake(self, epoch_ms: int) -> str:
        """Twitter / Discord: ms since the platform's epoch << 22, plus a sequence."""
        us = self._tick_us()
        return str(((us // 1000 - epoch_ms) << 22) | (us % 1000))

    def mastodon(self) -> str:
        us = self._tick_us()
        return str(((us // 1000) << 16) | (us % 1000))

    def slack_ts(self) -> str:
        us = self._tick_us()
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    def tid(self) -> str:
        """atproto record key: 53 bits of microseconds and 10 bits of clock id, base32-sortable."""
        value = (self._tick_us() << 10) | 7
        return "".join(self._B32_SORT[(value >> (5 * i)) & 31] for i in reversed(range(13)))

    def counter(self, name: str, start: int = 1) -> int:
        with self._lock:
            self._counters[name] = self._counters.get(name, start - 1) + 1
            return self._counters[name]


def cid_for(value: Any) -> str:
    """A CIDv1 (dag-cbor, sha2-256) string over the record's canonical JSON: "bafyrei…"."""
    digest = hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).digest()
    raw = bytes([0x01, 0x71, 0x12, 0x20]) + digest
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


class Platform:
    """Base of every sandbox platform: a blueprint whose views run under the state lock,
    plus the platform's own bodies for the faults the core injects."""

    name = ""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.blueprint = Blueprint(f"sandbox_{self.name}", __name__, url_prefix=f"/{self.name}")
        self.accounts = accounts.for_platform(self.name)
        ctx.store.on_reset(self.reset)
        self.reset()
        self.routes()

    def route(self, rule: str, view: Callable[..., Response], methods: list[str]) -> None:
        @functools.wraps(view)
        def locked(*args: Any, **kwargs: Any) -> Response:
            with self.store.lock:  # handlers are short; sleeps happen outside the lock
                return view(*args, **kwargs)

        self.blueprint.add_url_rule(rule, view.__name__ + rule, locked, methods=methods)

    # Each platform overrides these.
    def routes(self) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget platform-private state (sessions, idempotency keys, counters)."""

    def token_revoked(self) -> Response:
        """The platform's answer to a token that was revoked (readiness mode `revoked`)."""
        raise NotImplementedError

    def server_error(self) -> Response:
        raise NotImplementedError

    def rate_limited(self, retry_after_s: float, code: int) -> Response:
        raise NotImplementedError

    def not_found(self) -> Response:
        return json_response({"error": "Not Found"}, 404)

    def method_not_allowed(self) -> Response:
        return json_response({"error": "Method Not Allowed"}, 405)

    def open_url(self, post_id: str) -> str:
        """The sandbox page of one post: what the platform's own post link would show."""
        return f"{request.host_url.rstrip('/')}/_sandbox/open/{self.name}/{quote(post_id, safe='')}"

    def web_url(self, path: str) -> str:
        """A URL on the sandbox host (a link a person can follow from a post)."""
        return f"{request.host_url.rstrip('/')}/{self.name}{path}"


def paged(posts: list[Post], cursor: str | None, limit: int) -> tuple[list[Post], str | None]:
    """One page of a timeline (newest first) after the post `cursor` names, and the opaque cursor
    to the next page (None at the end). A cursor names a post, as the platforms' cursors do, so
    posts made between two calls do not shift the pages."""
    start = 0
    if cursor:
        try:
            at, _, last = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
            older_than = float(at)
        except (ValueError, UnicodeDecodeError):
            return [], None
        ids = [p.id for p in posts]
        start = ids.index(last) + 1 if last in ids else next(
            (i for i, p in enumerate(posts) if p.created_at < older_than), len(posts))
    page = posts[start:start + limit]
    more = bool(page) and start + limit < len(posts)
    token = base64.urlsafe_b64encode(f"{page[-1].created_at}|{page[-1].id}".encode()).decode() if more else None
    return page, token


def since_epoch(value: Any) -> float | None:
    """A `since`/`start_time`/`oldest` parameter (epoch seconds or ISO 8601) as epoch seconds."""
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    from datetime import datetime

    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
