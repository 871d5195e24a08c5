"""The one HTTP helper every platform adapter uses: timeouts, JSON, error classes, redaction.

Adapters describe only what is special about their platform: an `Inspector` turns a response
into a `Complaint` (the platform's own error message, a retry delay from the body, a class
that overrides the one the status implies). Everything else is decided here, once:

- nothing sent (connection refused, connect timeout)   -> RetryableError
- sent, then no answer (read timeout, connection cut)   -> AmbiguousError for writes
- 429, 408, 5xx                                         -> RetryableError (+ retry_after_s)
- other 4xx                                             -> PermanentError (GoneError for 404)
- 2xx without the expected field / not JSON             -> AmbiguousError for writes

Every message is redacted: the credentials an adapter registers never appear in an error,
a log line of urllib3's, or an exception chain (errors are raised `from None`).
"""
from __future__ import annotations

import contextlib

import json
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import quote, urlencode

import urllib3
from urllib3.exceptions import ConnectTimeoutError, HTTPError, MaxRetryError, SSLError

from chalicelib.channels.port import (AmbiguousError, ChannelError, GoneError, PermanentError,
                                      RetryableError)

REDACTED = "***"


# ------------------------------------------------------------------------------- redaction

class _Redactor(logging.Filter):
    """Knows every credential in use in this process; scrubs text and urllib3's log records."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secrets: Iterable[str]) -> None:
        # Short values ("1", "true") would shred ordinary text and are not credentials.
        fresh = {s for s in secrets if isinstance(s, str) and len(s) >= 6}
        fresh |= {quote(s, safe="") for s in fresh}
        with self._lock:
            self._secrets |= fresh

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


redact = _Redactor()
# Telegram puts the token in the URL path, which urllib3 logs at DEBUG.
for _name in ("urllib3.connectionpool", "urllib3.connection", "urllib3.util.retry"):
    logging.getLogger(_name).addFilter(redact)


def secret_values(credentials: Mapping[str, Any]) -> list[str]:
    """Every string in a credentials document: all of it is treated as secret."""
    out: list[str] = []
    for value in credentials.values():
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, Mapping):
            out += secret_values(value)
    return out


# ------------------------------------------------------------------------------- data

@dataclass(frozen=True)
class Timeouts:
    connect_s: float = 3.05
    read_s: float = 10.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Timeouts:
        given = settings.get("timeouts") or {}
        return cls(float(given.get("connect_s", cls.connect_s)), float(given.get("read_s", cls.read_s)))


@dataclass(frozen=True)
class Complaint:
    """What a platform said about a failed call."""

    message: str = ""
    retry_after_s: float | None = None
    error: type[ChannelError] | None = None  # overrides the class the HTTP status implies


@dataclass(frozen=True)
class Reply:
    """A response, with what is needed to explain an unexpected one."""

    platform: str
    what: str
    write: bool
    status: int
    headers: Mapping[str, str]
    body: bytes
    data: Any = None
    json_ok: bool = False

    def need(self, *path: str | int) -> Any:
        """The value at `path` in the JSON body; its absence is an error, never a KeyError."""
        value: Any = self.data
        for key in path:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                value = None
                break
        if value is None or value == "":
            name = ".".join(str(p) for p in path)
            raise self.unexpected(f"without `{name}`" if self.json_ok else f"with {describe_body(self)}")
        return value

    def unexpected(self, detail: str) -> ChannelError:
        """A 2xx we cannot read: for a write, the thing may have happened."""
        text = f"{self.platform} answered the {self.what} with HTTP {self.status} {detail}"
        if self.write:
            return AmbiguousError(redact(f"{text}; it may have been made: reconcile before repeating it"),
                                  status=self.status)
        return RetryableError(redact(text), status=self.status)


Inspector = Callable[[Reply], Complaint | None]


def no_complaint(reply: Reply) -> Complaint | None:
    return None


# ------------------------------------------------------------------------------- client

_POOL = urllib3.PoolManager(num_pools=20, maxsize=4)
# Failures that happen before the request leaves: repeating it cannot make a duplicate.
# (NewConnectionError and NameResolutionError are ConnectTimeoutErrors in urllib3 2.)
_NOTHING_SENT = (ConnectTimeoutError, SSLError, ConnectionRefusedError)


def seg(value: Any) -> str:
    """One URL path segment, escaped (ids come from platforms and settings)."""
    return quote(str(value), safe="")


@dataclass
class HttpClient:
    """Calls one platform's API for one account."""

    platform: str                       # as people call it: "Mastodon"
    base_url: str
    inspect: Inspector = no_complaint
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    timeouts: Timeouts = field(default_factory=Timeouts)
    pool: urllib3.PoolManager = field(default=_POOL, repr=False)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self._timeout = urllib3.Timeout(connect=self.timeouts.connect_s, read=self.timeouts.read_s)

    def call(self, method: str, path: str, *, what: str, json_body: Any = None,
             form: Mapping[str, Any] | None = None, query: Mapping[str, Any] | None = None,
             headers: Mapping[str, str] | None = None, write: bool | None = None) -> Reply:
        """One request; returns the 2xx reply or raises the right ChannelError. `write` (default:
        not a GET) says whether an unanswered request may have changed something."""
        write = method.upper() != "GET" if write is None else write
        url = self.base_url + path + (("?" + urlencode(query, doseq=True)) if query else "")
        body, sent_headers = _encode(json_body, form)
        sent_headers = {**self.headers, **sent_headers, **(headers or {})}
        try:
            response = self.pool.request(method, url, body=body, headers=sent_headers,
                                         timeout=self._timeout, retries=False, redirect=False)
        except (HTTPError, OSError) as exc:
            raise self._transport_error(exc, what, write) from None
        reply = _reply(self.platform, what, write, response)
        complaint = self.inspect(reply)
        if 200 <= reply.status < 300 and complaint is None:
            return reply
        raise self._status_error(reply, complaint or Complaint()) from None

    # --------------------------------------------------------------------------- errors

    def _transport_error(self, exc: BaseException, what: str, write: bool) -> ChannelError:
        if isinstance(exc, MaxRetryError) and exc.reason is not None:
            exc = exc.reason
        reason = redact(str(exc))
        if isinstance(exc, _NOTHING_SENT):
            return RetryableError(f"Could not reach {self.platform} for the {what} ({reason}); nothing was sent")
        if write:
            return AmbiguousError(f"No complete answer from {self.platform} after the {what} was sent "
                                  f"({reason}): it may have been made; reconcile before repeating it")
        return RetryableError(f"No complete answer from {self.platform} to the {what} ({reason})")

    def _status_error(self, reply: Reply, complaint: Complaint) -> ChannelError:
        cls = complaint.error or _class_for(reply.status, reply.write)
        detail = complaint.message or describe_body(reply)
        if cls is RetryableError:
            wait = complaint.retry_after_s
            if wait is None:
                wait = retry_after(reply.headers, rate_limited=reply.status == 429)
            return RetryableError(redact(_retry_text(reply, detail, wait)), status=reply.status,
                                  retry_after_s=wait)
        return cls(redact(_text(cls, reply, detail)), status=reply.status)


def _class_for(status: int, write: bool) -> type[ChannelError]:
    if status == 429 or status == 408 or status >= 500:
        return RetryableError
    if 200 <= status < 300:  # a 2xx whose body says it failed without saying how
        return AmbiguousError if write else RetryableError
    if status == 404 or status == 410:
        return GoneError
    return PermanentError


def _text(cls: type[ChannelError], reply: Reply, detail: str) -> str:
    p, what, status = reply.platform, reply.what, reply.status
    if cls is AmbiguousError:
        return f"{p} answered the {what} with HTTP {status} and {detail}: it may have been made"
    if status == 401:
        return f"{p} refused the credentials for the {what} (HTTP 401): {detail}. Check the account's secret"
    return f"{p} rejected the {what}: {detail}"


def _retry_text(reply: Reply, detail: str, wait: float | None) -> str:
    when = f"; retry after {wait:.1f} s" if wait is not None else ""
    if reply.status == 429:
        return f"{reply.platform} rate-limited the {reply.what} (HTTP 429): {detail}{when}"
    return f"{reply.platform} failed the {reply.what} (HTTP {reply.status}): {detail}{when}"


_TITLE = re.compile(rb"<title>\s*(.*?)\s*</title>", re.I | re.S)


def describe_body(reply: Reply) -> str:
    """A short, safe description of a body that is not the platform's usual error JSON."""
    body = reply.body.strip()
    if not body:
        return "an empty body"
    if body[:1] == b"<" or b"<html" in body[:200].lower():
        title = _TITLE.search(body)
        name = title.group(1)[:80].decode("utf-8", "replace") if title else ""
        return f"an HTML page ({name})" if name else "an HTML page"
    if not reply.json_ok:
        return "a body that is not JSON"
    return body[:200].decode("utf-8", "replace")


def _encode(json_body: Any, form: Mapping[str, Any] | None) -> tuple[bytes | None, dict[str, str]]:
    if json_body is not None:
        return json.dumps(json_body).encode(), {"Content-Type": "application/json; charset=utf-8"}
    if form is not None:
        return urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    return None, {}


def _reply(platform: str, what: str, write: bool, response: Any) -> Reply:
    body: bytes = response.data or b""
    data, ok = None, False
    if body.strip():
        with contextlib.suppress(ValueError):  # includes UnicodeDecodeError
            data, ok = json.loads(body), True
    return Reply(platform, what, write, response.status, response.headers, body, data, ok)


# ------------------------------------------------------------------------------- Retry-After

_RESET_HEADERS = ("retry-after", "x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset")


def retry_after(headers: Mapping[str, str], now: float | None = None,
                rate_limited: bool = True) -> float | None:
    """Seconds to wait, from whichever of the platforms' headers is present. The rate-limit
    reset headers come with every answer (X, Mastodon): they mean "wait" only on a 429."""
    now = time.time() if now is None else now
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in _RESET_HEADERS if rate_limited else _RESET_HEADERS[:1]:
        if name in lowered:
            wait = _seconds_until(lowered[name].strip(), now)
            if wait is not None:
                return wait
    return None


def _seconds_until(value: str, now: float) -> float | None:
    """A delay in seconds, an epoch time (X, Bluesky), an ISO time (Mastodon) or an HTTP date."""
    try:
        number = float(value)
        return max(0.0, number - now) if number > 1e9 else max(0.0, number)
    except ValueError:
        pass
    for parse in (lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")), parsedate_to_datetime):
        try:
            return max(0.0, parse(value).timestamp() - now)
        except (ValueError, TypeError, IndexError):
            continue
    return None


def json_list(data: Mapping[str, Any], name: str) -> list[Any]:
    """`data[name]` if it is a JSON array, else an empty one (platforms leave fields out)."""
    value = data.get(name)
    return value if isinstance(value, list) else []


def json_object(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    """`data[name]` if it is a JSON object, else an empty one."""
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def error_field(reply: Reply, *names: str) -> str:
    """The first non-empty string among top-level JSON fields `names` (platform error bodies)."""
    if not isinstance(reply.data, dict):
        return ""
    for name in names:
        value = reply.data.get(name)
        if isinstance(value, str) and value:
            return value
    return ""
