"""Event handlers' glue: SNS triggers from other systems and the scheduled release."""
from __future__ import annotations

import contextvars
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, UTC
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from chalicelib import safe_json
from chalicelib.composition import PARALLEL_DELIVERIES, Clarion, system_actor
from chalicelib.domain.errors import ClarionError, UnavailableError
from chalicelib.domain.messages import DeliveryMessage
from chalicelib.domain.models import AuditEvent, DeliveryRecord
from chalicelib.services.common import record_refusal
from chalicelib.services.delivery import Attempt, DeliveryService, Job, Outcome
from chalicelib.services.templates import SnsTrigger, TriggerRequest, validation_details

log = logging.getLogger("clarion_handlers")
STORAGE_BUSY_RETRY_S = 2.0
# The kill switch: while paused, each message is put back on its own queue as a new message,
# visible after this long (SQS's DelaySeconds: at most 900), and the one received is reported done.
HOLD_DELAY_S = 60


SNS_ACTOR = "sns-trigger"  # the audit actor of every SNS trigger: fixed by Clarion, never by the sender


def handle_sns_trigger(clarion: Clarion, message_id: str, message: str) -> str:
    """Trigger a template from an SNS message; returns the outcome.

    A message that can never succeed (malformed, unknown template, bad parameters, screening)
    is recorded as a refused trigger and acknowledged, so SNS does not retry it forever. Only a
    passing outage (storage, topic, AWS) raises, for Lambda's retries.
    """
    actor = system_actor(SNS_ACTOR)
    try:
        trigger = SnsTrigger.model_validate(safe_json.loads(message))
    except (safe_json.JsonRefused, ValidationError) as error:
        reason = (json.dumps(validation_details(error)) if isinstance(error, ValidationError) else str(error))
        return _refused(clarion, actor.id, message_id, f"malformed trigger message: {reason}")
    try:
        result = clarion.templates.trigger(
            actor, trigger.template_id,
            TriggerRequest(parameters=trigger.parameters, idempotency_key=f"sns:{message_id}"),
            source=f"sns message {message_id} from {trigger.source}")
    except (UnavailableError, BotoCoreError, ClientError):
        raise
    except ClarionError as error:
        detail = f": {json.dumps(error.details, default=str)}" if error.details else ""
        return _refused(clarion, actor.id, message_id,
                        f"from {trigger.source}: template {trigger.template_id}: {error.message}{detail}")
    except Exception as error:  # a defect: never a crash loop into the DLQ without a trace
        log.exception("trigger %s failed unexpectedly", message_id)
        return _refused(clarion, actor.id, message_id, f"from {trigger.source}: template "
                        f"{trigger.template_id} could not be triggered ({type(error).__name__})")
    return f"{'triggered' if result.created else 'duplicate'} {result.advisory.id}"


def _refused(clarion: Clarion, actor: str, message_id: str, reason: str) -> str:
    record_refusal(clarion.store, AuditEvent(actor=actor, action="refused:trigger",
                                             summary=f"sns message {message_id}: {reason}"[:2000]))
    log.warning("refused trigger %s: %s", message_id, reason)
    return f"refused: {reason}"


@dataclass(frozen=True)
class DeliveryBatch:
    """What a worker's batch did, for Lambda (`response`) and for its log lines and metrics
    (`observability`'s SQS middleware reads it: the rows it wrote, without reading them back)."""

    platform: str
    messages: int  # how many the batch held
    jobs: list[tuple[str, Job]]  # (message id, job) for every account of this platform in each message
    refused: list[str]  # message ids that were not delivery messages (recorded, never retried)
    retry: dict[str, float]  # message id -> seconds until it is visible again
    rows: dict[tuple[str, str], DeliveryRecord] = field(default_factory=dict)  # last row written per job
    held: list[tuple[str, Job]] = field(default_factory=list)  # paused: (message id, job) put back, untouched

    def response(self) -> dict[str, Any]:
        """Lambda's partial batch response: the messages with a delivery still owed."""
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in self.retry]}


def handle_delivery_batch(clarion: Clarion, platform: str, records: list[dict[str, Any]]) -> DeliveryBatch:
    """Deliver every (message, account of this platform) in parallel; report the failed messages.

    One read and one claim serve the whole batch; then each delivery posts in its own thread, and
    each advisory is checked for completion once at the end. A message whose deliveries are all
    final is deleted; one with a delivery still owed stays, made visible again after that
    delivery's backoff. A malformed message can never succeed: it is recorded as refused and
    deleted, never retried forever.

    The kill switch is read once per batch, never cached: while deliveries are paused the batch
    posts nothing and holds its messages (`_hold`). So are the organisation's settings (rendering
    and each channel read them): once per batch, for all its deliveries.
    """
    with clarion.settings.held():
        return _deliver_batch(clarion, platform, records)


def _deliver_batch(clarion: Clarion, platform: str, records: list[dict[str, Any]]) -> DeliveryBatch:
    work: list[tuple[dict[str, Any], Job]] = []
    refused: list[str] = []
    for record in records:
        message = _parse_delivery(clarion, record)
        if message is None:
            refused.append(str(record.get("messageId")))
            continue
        work += [(record, Job(message.advisory_id, a, message.content_hash)) for a in message.accounts_on(platform)]
    service = clarion.delivery
    jobs = [job for _, job in work]
    try:
        paused = bool(work) and _paused(clarion)
    except (UnavailableError, BotoCoreError, ClientError) as error:  # unknown: post nothing yet
        log.warning("delivery batch deferred: the kill switch could not be read: %s", error)
        return _answer(service, platform, records, work, refused, [Outcome.later(STORAGE_BUSY_RETRY_S)] * len(work))
    if paused:
        return _hold(service, platform, records, work, refused)
    try:
        attempts = service.prepare(jobs)
    except UnavailableError as error:  # storage busy: the whole batch again shortly
        log.warning("delivery batch deferred: %s", error.message)
        outcomes = [Outcome.later(STORAGE_BUSY_RETRY_S)] * len(work)
    else:
        outcomes = _carry_out_by_account(service, attempts)
        try:
            service.complete([job.advisory_id for job in jobs])
        except UnavailableError as error:  # the sweeper completes it later; the deliveries are final
            log.warning("completion check deferred: %s", error.message)
    finally:
        rows = service.written(jobs)  # for the batch's log lines, without a read
    return _answer(service, platform, records, work, refused, outcomes, rows)


def _answer(service: DeliveryService, platform: str, records: list[dict[str, Any]],
            work: list[tuple[dict[str, Any], Job]], refused: list[str], outcomes: list[Outcome],
            rows: dict[tuple[str, str], DeliveryRecord] | None = None) -> DeliveryBatch:
    """The batch's answer: each message with a delivery still owed made visible again after the
    shortest of its deliveries' delays, and reported failed (so it stays); the others are done."""
    retry: dict[str, float] = {}
    for (record, _), outcome in zip(work, outcomes, strict=False):
        if not outcome.done:
            delay = outcome.retry_after_s if outcome.retry_after_s is not None else 1.0
            retry[record["messageId"]] = min(retry.get(record["messageId"], delay), delay)
    for record in records:
        if record["messageId"] in retry:
            service.redriver.delay(record.get("eventSourceARN", ""), record.get("receiptHandle", ""),
                                   retry[record["messageId"]])
    return DeliveryBatch(platform, len(records), [(str(record.get("messageId")), job) for record, job in work],
                         refused, retry, rows or {})


def _paused(clarion: Clarion) -> bool:
    """Whether the kill switch is paused now: one strongly consistent read, on every batch (a
    Lambda process may live for hours, and a pause must stop the very next batch)."""
    switch = clarion.store.get_switch()
    return switch is not None and switch.paused


def _hold(service: DeliveryService, platform: str, records: list[dict[str, Any]],
          work: list[tuple[dict[str, Any], Job]], refused: list[str]) -> DeliveryBatch:
    """Deliveries are paused: post nothing, change no delivery row (they stay owed, with their
    attempts), and hold every message that asks for one of this platform's deliveries.

    Holding puts the message's body back on this platform's queue as a new message, delayed by
    HOLD_DELAY_S, and reports the one received done, so Lambda deletes it. Its copy starts with a
    receive count of 0 and a fresh retention period: however long the pause, no held message
    reaches the queue's maxReceiveCount (its DLQ) or expires. Failing the message back to the
    queue instead would count every receive, and a long pause would dead-letter it. If the copy
    cannot be sent, the message itself stays (reported failed, visible again after the delay):
    nothing is lost; it is received once more. A crash between the copy and the answer leaves
    both: a duplicate message, which the delivery's claim makes harmless.
    """
    held: list[tuple[str, Job]] = []
    retry: dict[str, float] = {}
    done: set[str] = set()
    for record, job in work:
        message_id = str(record.get("messageId"))
        if message_id not in done and message_id not in retry:
            try:
                service.redriver.hold(platform, str(record.get("body") or ""), HOLD_DELAY_S)
                done.add(message_id)
            except UnavailableError as error:
                log.warning("delivery message %s could not be held; it stays on the queue: %s",
                            message_id, error.message)
                retry[message_id] = HOLD_DELAY_S
                service.redriver.delay(record.get("eventSourceARN", ""), record.get("receiptHandle", ""),
                                       HOLD_DELAY_S)
        if message_id in done:
            held.append((message_id, job))
    log.info("deliveries paused: %d message(s) held for %ds", len(done), HOLD_DELAY_S)
    return DeliveryBatch(platform, len(records), [], refused, retry, {}, held)


def _carry_out_by_account(service: DeliveryService, attempts: list[Attempt]) -> list[Outcome]:
    """Accounts in parallel; one account's deliveries one after another, oldest advisory first,
    so two advisories in one batch never rotate the same account's pin at once. First every post
    (each recorded as it lands: the delivery is final), then the links and pins the same way:
    with more accounts than threads, the last accounts' posts do not wait for the first ones' pins."""
    by_account: dict[str, list[int]] = {}
    for index, attempt in enumerate(attempts):
        by_account.setdefault(attempt.job.account_id, []).append(index)

    def oldest_first(index: int) -> Any:
        advisory = attempts[index].advisory
        return (advisory.created_at, advisory.id) if advisory else (datetime.min.replace(tzinfo=UTC), "")

    def post(indexes: list[int]) -> list[tuple[int, Outcome | None]]:
        return [(i, _carry_out(service, attempts[i])) for i in sorted(indexes, key=oldest_first)]

    def pin(indexes: list[int]) -> list[tuple[int, Outcome | None]]:
        return [(i, _finish_post(service, attempts[i])) for i in sorted(indexes, key=oldest_first)]

    for attempt in attempts:
        attempt.pin_later = True
    outcomes: list[Outcome] = [Outcome.finished()] * len(attempts)
    with ThreadPoolExecutor(max_workers=max(1, min(PARALLEL_DELIVERIES, len(by_account)))) as pool:
        for step in (post, pin):
            # each in a copy of this thread's context: the batch's settings (SettingsService.held) hold there too
            futures = [pool.submit(contextvars.copy_context().run, step, indexes) for indexes in by_account.values()]
            for future in futures:
                for index, outcome in future.result():
                    if outcome is not None:
                        outcomes[index] = outcome
    return outcomes


def _carry_out(service: DeliveryService, attempt: Attempt) -> Outcome:
    try:
        return service.carry_out(attempt)
    except UnavailableError as error:  # storage busy: try the message again shortly
        log.warning("delivery of %s to %s deferred: %s", attempt.job.advisory_id, attempt.job.account_id,
                    error.message)
        return Outcome.later(STORAGE_BUSY_RETRY_S)


def _finish_post(service: DeliveryService, attempt: Attempt) -> Outcome | None:
    """The recorded post's link and pin; None, or the message again shortly if storage was busy
    (as when they ran inside carry_out: the sweeper repairs a pin left undone)."""
    try:
        service.finish_post(attempt)
    except UnavailableError as error:
        log.warning("pin of %s on %s deferred: %s", attempt.job.advisory_id, attempt.job.account_id, error.message)
        return Outcome.later(STORAGE_BUSY_RETRY_S)
    return None


def _parse_delivery(clarion: Clarion, record: dict[str, Any]) -> DeliveryMessage | None:
    try:
        return DeliveryMessage.parse(record.get("body") or "")
    except ValidationError as error:
        record_refusal(clarion.store, AuditEvent(actor="system:worker", action="refused:delivery_message",
                                                 summary=f"message {record.get('messageId')}: "
                                                         f"{json.dumps(validation_details(error))}"[:2000]))
        return None


def sns_message_id(event: Any) -> str:
    return str(event.to_dict()["Records"][0]["Sns"].get("MessageId", "unknown"))
