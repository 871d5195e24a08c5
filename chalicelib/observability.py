"""Structured JSON logs and CloudWatch metrics, as Chalice middleware (`install(app)`).

One JSON line per HTTP request, per delivery (advisory id, channel account, platform, delivery
state, attempts, latency, request and correlation ids), per template trigger and per sweep,
written by AWS Lambda Powertools' Logger; metrics in CloudWatch's embedded metric format (EMF)
written by Powertools' EMF provider, so publishing them is a log write, not an API call:

    DeliveriesSent, DeliveriesFailed, DeliveriesDeferred   count, per platform, per worker run
    DeliveriesHeld                                         held by the kill switch, per platform, per run
    DeliveryLatencyMs                                      approval -> final, per platform
    DeliveriesPastDeadline                                 from every sweep (0 when all is well)
    DeliveriesRedriven, AdvisoriesExpired, AdvisoriesReleased, PinsRepaired   from every sweep
    ChannelsUnhealthy                                      from the daily readiness run
    TemplateTriggers                                       per outcome (triggered/duplicate/refused)

Namespace `Clarion`, dimensions `service`, `stage` (and `platform` / `outcome`); the alarms in
chalicelib/infra/cloudformation.py use exactly these.

What is never logged: request or message bodies, headers (the bearer token), channel
credentials, and the advisory's text. Delivery lines are built from the delivery row (state,
timings, post URL) and a delivery's last error has the advisory's text cut out before it is
logged. A filter on the handler also masks anything shaped like a bearer token or a platform
token, in every line.

Cold start: importing this module costs nothing; Powertools is imported on the first event.
The loggers named `clarion*` (Chalice's app log, `clarion.web`, `clarion_handlers`, ...) are
written through the same JSON handler from then on, and stop propagating to the root logger
(Lambda's own handler would print them a second time). The tests read them with tests/fakes.capture().
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import time
from datetime import datetime, UTC
from typing import TYPE_CHECKING, Any
from collections.abc import Callable

if TYPE_CHECKING:
    from chalicelib.handlers import DeliveryBatch

NAMESPACE = "Clarion"
SERVICE = "clarion"
_TEXT_FIELDS = ("headline", "description", "instruction", "required_text")


class _Telemetry:
    """The Powertools logger and where EMF lines go; built on the first event."""

    def __init__(self, stream: Any) -> None:
        from aws_lambda_powertools import Logger

        app_log = logging.getLogger(SERVICE)
        for handler in list(app_log.handlers):  # Chalice's plain-text handler: JSON replaces it
            if not getattr(handler, "_clarion", False):
                app_log.removeHandler(handler)
        self.logger = Logger(service=SERVICE, stream=stream,
                             level=os.environ.get("POWERTOOLS_LOG_LEVEL") or os.environ.get("LOG_LEVEL") or "INFO")
        self.handler: logging.StreamHandler[Any] = self.logger.registered_handler  # type: ignore[assignment]
        self.handler._clarion = True  # type: ignore[attr-defined]
        if not any(isinstance(f, _Masking) for f in self.handler.filters):
            self.handler.addFilter(_Masking())
        self.stream = stream
        self.lock = threading.Lock()
        self.adopt_loggers()

    def adopt_loggers(self) -> None:
        """Write every `clarion*` logger (not `clarion.x`: those reach us through `clarion`) as JSON."""
        for name, candidate in list(logging.root.manager.loggerDict.items()):
            if (name.startswith(SERVICE) and "." not in name and name != SERVICE
                    and isinstance(candidate, logging.Logger) and self.handler not in candidate.handlers):
                candidate.addHandler(self.handler)
                candidate.propagate = False
                if candidate.level == logging.NOTSET:
                    candidate.setLevel(logging.INFO)

    def log(self, message: str, level: int = logging.INFO, **fields: Any) -> None:
        # Powertools' Logger passes log() on to its logging.Logger; its stubs do not say so.
        self.logger.log(level, message, extra={k: v for k, v in fields.items() if v is not None},  # type: ignore[attr-defined]
                        stacklevel=2)

    def emit(self, metrics: list[tuple[str, str, Any]], stage: str, **dimensions: str) -> None:
        """EMF documents: (name, unit, value or list of values) with these dimensions; one document
        unless a metric has more values than one may hold (a batch of many deliveries)."""
        if not metrics or _metrics_disabled():
            return
        from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import (
            AmazonCloudWatchEMFProvider)

        as_lists = [(name, unit, value if isinstance(value, list) else [value]) for name, unit, value in metrics]
        parts = max(1, *(-(-len(values) // VALUES_PER_DOCUMENT) for _, _, values in as_lists))
        for part in range(parts):
            provider = AmazonCloudWatchEMFProvider(namespace=NAMESPACE, service=SERVICE,
                                                   default_dimensions={"stage": stage, **dimensions})
            for name, unit, values in as_lists:
                for v in values[part * VALUES_PER_DOCUMENT:(part + 1) * VALUES_PER_DOCUMENT]:
                    provider.add_metric(name=name, unit=unit, value=v)
            document = json.dumps(provider.serialize_metric_set(), separators=(",", ":"))
            with self.lock:
                try:
                    self.stream.write(document + "\n")
                    self.stream.flush()
                except (OSError, ValueError):  # a closed stream must never fail an invocation
                    pass


# Powertools flushes a metric set when one metric reaches 100 values (EMF's limit per metric):
# each document carries at most 99 of them, so nothing is flushed behind our back.
VALUES_PER_DOCUMENT = 99


class _Stdout:
    """Whatever sys.stdout is at the moment of writing (Lambda's, or a test runner's)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


_telemetry: _Telemetry | None = None
_telemetry_lock = threading.Lock()
_cold = True


def telemetry() -> _Telemetry:
    global _telemetry
    if _telemetry is None:
        with _telemetry_lock:
            if _telemetry is None:
                _telemetry = _Telemetry(_Stdout())
    return _telemetry


def _metrics_disabled() -> bool:
    return os.environ.get("POWERTOOLS_METRICS_DISABLED", "").lower() in ("1", "true", "yes")


def _stage() -> str:
    return os.environ.get("CLARION_STAGE", "local")


# -- what is never written ------------------------------------------------------------------------------
_SECRETS = [
    re.compile(r"(?i)\bbearer\s+[^\s\"',;]+"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]+"),                     # Slack tokens
    re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}"),                    # Telegram bot tokens
    re.compile(r"\b[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}\b"),  # Bluesky app passwords
    re.compile(r"(?i)\b(access_token|app_password|bot_token|page_access_token|password|token|secret)"
               r"(\"?\s*[:=]\s*\"?)[^\s\"',;&]+"),
]


def mask(text: str) -> str:
    """Anything shaped like a credential, masked."""
    for pattern in _SECRETS:
        text = pattern.sub(lambda m: (m.group(1) + m.group(2) + "***") if m.re.groups >= 2 else "***", text)
    return text


class _Masking(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string: keep the record as it is
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def without_text(text: str | None, advisory: Any) -> str | None:
    """`text` (an error message) with any part of the advisory's own text cut out."""
    if not text or advisory is None:
        return text
    content = getattr(advisory, "content", None)
    pieces: list[str] = []
    for field in _TEXT_FIELDS:
        value = getattr(content, field, None)
        if isinstance(value, str) and value.strip():
            pieces.append(value.strip())
            pieces += [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", value) if len(s.strip()) >= 12]
    for piece in sorted(set(pieces), key=len, reverse=True):
        text = text.replace(piece, "[advisory text]")
    return text


# -- the middleware -----------------------------------------------------------------------------------------
def install(app: Any) -> None:
    """Register the middleware on a Chalice app (call right after `app = Chalice(...)`)."""
    app.register_middleware(_http, "http")
    app.register_middleware(_sqs, "sqs")
    app.register_middleware(_sns, "sns")
    app.register_middleware(_scheduled, "scheduled")


def _invocation(context: Any) -> dict[str, Any]:
    global _cold
    cold, _cold = _cold, False
    return {"request_id": getattr(context, "aws_request_id", None),
            "function": getattr(context, "function_name", None), "cold_start": cold}


def _elapsed_ms(start: float) -> int:
    return int((time.perf_counter() - start) * 1000)


def _http(request: Any, get_response: Callable[[Any], Any]) -> Any:
    t = telemetry()
    start = time.perf_counter()
    context = request.context or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    fields = {**_invocation(getattr(request, "lambda_context", None)),
              "correlation_id": context.get("requestId"), "method": request.method,
              "route": context.get("resourcePath"),
              "advisory_id": (request.uri_params or {}).get("advisory_id"),
              "user": claims.get("cognito:username") or claims.get("sub")}
    try:
        response = get_response(request)
    except Exception as error:
        t.log("request failed", logging.ERROR, **fields, error_type=type(error).__name__,
              latency_ms=_elapsed_ms(start))
        raise
    status = getattr(response, "status_code", None)
    t.log("request", logging.ERROR if status and status >= 500 else logging.INFO, **fields,
          status=status, latency_ms=_elapsed_ms(start))
    return response


def _sqs(event: Any, get_response: Callable[[Any], Any]) -> Any:
    t = telemetry()
    t.adopt_loggers()
    start, started_at = time.perf_counter(), datetime.now(UTC)
    invocation = _invocation(getattr(event, "context", None))
    records = event.to_dict().get("Records", [])
    platform = _platform(records, invocation.get("function"))
    try:
        batch = get_response(event)
    except Exception as error:
        t.log("delivery batch failed", logging.ERROR, **invocation, platform=platform,
              error_type=type(error).__name__, messages=len(records), duration_ms=_elapsed_ms(start))
        raise
    from chalicelib.handlers import DeliveryBatch

    if not isinstance(batch, DeliveryBatch):  # not a delivery worker: pass its answer on
        return batch
    try:
        observe_deliveries(t, batch, started_at, invocation, _elapsed_ms(start))
    except Exception as error:  # observing must never fail a delivery batch
        t.log("could not observe deliveries", logging.WARNING, **invocation, platform=platform,
              error_type=type(error).__name__)
    return batch.response()


def _advisory(cache: dict[str, Any], advisory_id: str) -> Any:
    """The advisory (to cut its text out of an error), read once per batch, only when needed."""
    if advisory_id not in cache:
        from chalicelib.composition import clarion

        cache[advisory_id] = clarion().store.get_advisory(advisory_id)
    return cache[advisory_id]


def _platform(records: list[dict[str, Any]], function: str | None) -> str:
    from chalicelib.infra import resources

    prefix = resources.prefix() + "-"
    for record in records:
        queue = str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1]
        if queue.startswith(prefix) and queue[len(prefix):] in resources.QUEUES:
            return queue[len(prefix):]
    if function and "deliver_" in function:
        return function.rsplit("deliver_", 1)[-1]
    return "unknown"


def observe_deliveries(t: _Telemetry, batch: DeliveryBatch, started_at: datetime, invocation: dict[str, Any],
                       duration_ms: int) -> None:
    """One line per (message, channel account of this platform), from the rows the batch wrote."""
    from chalicelib.composition import clarion

    platform, failed = batch.platform, set(batch.retry)
    for message_id in batch.refused:
        t.log("delivery message refused", logging.WARNING, **invocation, platform=platform,
              correlation_id=message_id)
    wanted = [(message_id, job.advisory_id, job.account_id) for message_id, job in batch.jobs]
    rows = dict(batch.rows)
    missing = [(a, c) for _, a, c in wanted if (a, c) not in rows]  # e.g. a batch deferred before its read
    loaded = clarion().store.load_deliveries(missing) if missing else None
    if loaded is not None:
        rows.update(loaded.deliveries)
    advisories: dict[str, Any] = dict(loaded.advisories) if loaded is not None else {}
    sent: list[int] = []
    counts = {"failed": 0, "deferred": 0}
    for message_id, advisory_id, account in wanted:
        row = rows.get((advisory_id, account))
        if row is None:
            t.log("delivery", **invocation, correlation_id=message_id, platform=platform,
                  advisory_id=advisory_id, channel=account, state="unknown_delivery")
            continue
        now_final = row.finished_at is not None and row.finished_at >= started_at
        latency = row.latency_ms if row.finished_at and row.latency_ms is not None else int(
            (datetime.now(UTC) - row.queued_at).total_seconds() * 1000)
        state = row.state.value
        if now_final and state == "sent":
            sent.append(latency)
        elif now_final and state == "failed":
            counts["failed"] += 1
        elif not row.finished_at:
            counts["deferred"] += 1
        error = None
        if state != "sent" and row.last_error:
            error = mask(without_text(row.last_error, _advisory(advisories, advisory_id)) or "")[:500]
        t.log("delivery", logging.WARNING if state == "failed" and now_final else logging.INFO,
              **invocation, correlation_id=message_id, platform=platform,
              advisory_id=advisory_id, channel=account, state=state, attempts=row.attempts,
              latency_ms=latency, final=row.finished_at is not None,
              outcome=("finished now" if now_final else "already final" if row.finished_at else
                       "retry" if message_id in failed else "in progress"),
              pin_state=row.pin_state.value, post_url=row.post_url, error=error)
    for message_id, job in batch.held:  # the kill switch: nothing was read or written for these
        t.log("delivery held", **invocation, correlation_id=message_id, platform=platform,
              advisory_id=job.advisory_id, channel=job.account_id, state="held", outcome="paused")
    t.log("delivery batch", **invocation, platform=platform, messages=batch.messages,
          retried_messages=len(failed), held=len(batch.held) or None, duration_ms=duration_ms)
    metrics: list[tuple[str, str, Any]] = [("DeliveriesSent", "Count", len(sent)),
                                           ("DeliveriesFailed", "Count", counts["failed"]),
                                           ("DeliveriesDeferred", "Count", counts["deferred"]),
                                           ("DeliveriesHeld", "Count", len(batch.held))]
    if sent:
        metrics.append(("DeliveryLatencyMs", "Milliseconds", sent))
    t.emit(metrics, _stage(), platform=platform)


def _sns(event: Any, get_response: Callable[[Any], Any]) -> Any:
    t = telemetry()
    t.adopt_loggers()
    start = time.perf_counter()
    invocation = _invocation(getattr(event, "context", None))
    message_id = (event.to_dict().get("Records") or [{}])[0].get("Sns", {}).get("MessageId")
    try:
        result = get_response(event)
    except Exception as error:
        t.log("trigger failed", logging.ERROR, **invocation, correlation_id=message_id,
              error_type=type(error).__name__, latency_ms=_elapsed_ms(start))
        raise
    text = str(result or "")
    outcome = text.split(":")[0].split(" ")[0] or "unknown"  # triggered / duplicate / refused
    advisory_id = text.split(" ", 1)[1] if outcome in ("triggered", "duplicate") and " " in text else None
    t.log("trigger", logging.WARNING if outcome == "refused" else logging.INFO, **invocation,
          correlation_id=message_id, outcome=outcome, advisory_id=advisory_id, latency_ms=_elapsed_ms(start))
    t.emit([("TemplateTriggers", "Count", 1)], _stage(), outcome=outcome)
    return result


def _scheduled(event: Any, get_response: Callable[[Any], Any]) -> Any:
    t = telemetry()
    t.adopt_loggers()
    start = time.perf_counter()
    invocation = _invocation(getattr(event, "context", None))
    try:
        report = get_response(event)
    except Exception as error:
        t.log("sweep failed", logging.ERROR, **invocation, error_type=type(error).__name__,
              duration_ms=_elapsed_ms(start))
        raise
    report = report if isinstance(report, dict) else {}
    if "not_checked" in report:  # the daily readiness run, the other scheduled function
        observe_readiness(t, report, invocation, _elapsed_ms(start))
    else:
        observe_sweep(t, report, invocation, _elapsed_ms(start))
    return report


def observe_readiness(t: _Telemetry, report: dict[str, Any], invocation: dict[str, Any], duration_ms: int) -> None:
    """The readiness run's report (services/readiness.CheckSummary: account ids per outcome)."""
    def ids(key: str) -> list[str]:
        value = report.get(key)
        return sorted(str(v) for v in value) if isinstance(value, list) else []

    unhealthy = ids("unhealthy")
    t.log("readiness", logging.WARNING if unhealthy else logging.INFO, **invocation, checked=len(ids("checked")),
          unhealthy=unhealthy or None, changed=ids("changed") or None, paged=ids("paged") or None,
          not_checked=ids("not_checked") or None, duration_ms=duration_ms)
    t.emit([("ChannelsUnhealthy", "Count", len(unhealthy))], _stage())


def observe_sweep(t: _Telemetry, report: dict[str, Any], invocation: dict[str, Any], duration_ms: int) -> None:
    """The sweeper's report (app.py's `sweep`: `released` and operations.SweepReport's lists).
    `late` holds every delivery it found past its deadline on this run (so the alarm holds while
    any stays late); `alerted` only those on-call was paged about now (once each)."""
    def count(key: str) -> int:
        value = report.get(key)
        return len(value) if isinstance(value, (list, tuple, set)) else int(value or 0)

    past_deadline = count("late")
    t.log("sweep", logging.WARNING if past_deadline else logging.INFO, **invocation,
          past_deadline=past_deadline, late_channels=sorted(set(report.get("late") or [])) or None,
          alerted=count("alerted"), completed=count("completed"),
          redriven=count("redriven"), expired=count("expired"), released=count("released"),
          repinned=count("repinned"), paused=report.get("paused") or None, held=count("held") or None,
          duration_ms=duration_ms)
    t.emit([("DeliveriesPastDeadline", "Count", past_deadline),
            ("DeliveriesRedriven", "Count", count("redriven")),
            ("AdvisoriesExpired", "Count", count("expired")),
            ("AdvisoriesReleased", "Count", count("released")),
            ("PinsRepaired", "Count", count("repinned"))], _stage())
