"""Deliver SQS and SNS messages to a Chalice app's handlers the way AWS Lambda would.

On AWS, Lambda's event source mapping polls each queue and SNS invokes subscribed functions
asynchronously. Locally nothing does that, so this pump plays both parts against moto:

* SQS (`on_sqs_message`): batches of up to `batch_size`, Lambda-shaped events, partial batch
  responses (`batchItemFailures`), whole-batch failure on an exception, retries by visibility
  timeout, DLQ redrive by the queue's RedrivePolicy (moto moves the message on receive), and
  at most N batches in flight per queue.
* SNS (`on_sns_message`): a local-only bridge queue subscribed to the topic stands in for the
  Lambda subscription; each message is one async invocation, retried twice more after a
  failure, then parked in `<topic>-bridge-dlq` (Lambda's "on failure" destination).

A pump feeds every handler of the app, or only some (`only=`, `exclude=`: handler names), so
that several processes can each play some of the functions, as Lambda's containers do.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields
from typing import Any, Literal
from collections.abc import Callable, Collection, Iterable, Mapping

from botocore.config import Config as BotoConfig

from chalicelib.infra import resources

# Not under "clarion": Chalice gives the app's logger (named after app_name) level ERROR.
log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], Any], Any]
Message = dict[str, Any]

SQS_MAX_RECEIVE = 10  # SQS returns at most 10 messages per ReceiveMessage call
SNS_MAX_ATTEMPTS = 3  # Lambda async invocation: the first try plus two retries
QUEUE_NAME_MAX = 80
POLL_WAIT_S = 1  # long-poll wait; short so that stop() is prompt


@dataclass
class Counts:
    """What one pass (or the pump's lifetime) did; `failed` messages are left for a retry."""

    batches: int = 0
    received: int = 0
    succeeded: int = 0
    failed: int = 0
    dead_lettered: int = 0  # SNS bridge only: SQS queues redrive to their DLQ by themselves

    def add(self, other: Counts) -> Counts:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self


class LambdaContext:
    """The parts of Lambda's context object that handlers and Powertools read."""

    def __init__(self, function_name: str, region: str, account: str, timeout_s: int) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{account}:function:{function_name}"
        self.memory_limit_in_mb = 128
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"local/{self.aws_request_id}"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class Source:
    """One handler bound to the queue it is fed from (for SNS, the local bridge queue)."""

    kind: Literal["sqs", "sns"]
    name: str
    handler: Handler
    queue_name: str
    queue_url: str
    queue_arn: str
    batch_size: int
    concurrency: int
    topic_arn: str = ""
    subscription_arn: str = ""
    dlq_url: str = ""

    @property
    def region(self) -> str:
        return self.queue_arn.split(":")[3]

    @property
    def account(self) -> str:
        return self.queue_arn.split(":")[4]


class EventPump:
    """Feeds `app`'s SQS and SNS handlers from the queues and topics in `session`'s endpoint."""

    def __init__(
        self,
        app: Any,
        session: Any,
        queue_urls: Mapping[str, str] | None = None,
        *,
        stage: str | None = None,
        sns_retry_delay_s: int = 1,
        sns_concurrency: int = 4,
        timeout_s: int = 60,
        report_batch_item_failures: bool = True,
        only: Collection[str] | None = None,
        exclude: Collection[str] = (),
    ) -> None:
        """`only` / `exclude`: handler names (e.g. "deliver_slack") to feed, or not to feed; by
        default every handler. Lambda runs each function in its own containers: a pump per
        process, each feeding some handlers, plays that (bench/delivery_bench.py --processes)."""
        self._app = app
        self._only, self._exclude = _chosen(app, only, exclude)
        self._stage = stage or resources.stage()
        self._queue_urls = dict(queue_urls or {})
        self._sns_retry_delay_s = sns_retry_delay_s
        self._sns_concurrency = sns_concurrency
        self._timeout_s = timeout_s
        # Lambda honours batchItemFailures only with FunctionResponseTypes=ReportBatchItemFailures.
        self._report_failures = report_batch_item_failures
        # Every poller and worker thread shares these clients; the default pool of 10 is too small.
        cfg = BotoConfig(max_pool_connections=64, retries={"max_attempts": 2})
        self._sqs = session.client("sqs", config=cfg)
        self._sns = session.client("sns", config=cfg)
        self.sources: list[Source] = self._discover()
        self._executors = self._new_executors()
        self._stop = threading.Event()
        self._pollers: list[threading.Thread] = []
        self._totals = Counts()
        self._totals_lock = threading.Lock()

    # ----------------------------------------------------------------------------- discovery

    def _discover(self) -> list[Source]:
        out: list[Source] = []
        for cfg in self._app.event_sources:
            if cfg.name in self._exclude or (self._only is not None and cfg.name not in self._only):
                continue  # not fed by this pump: no bridge queue or subscription is made for it
            kind = type(cfg).__name__
            if kind == "SQSEventConfig":
                out.append(self._sqs_source(cfg))
            elif kind == "SNSEventConfig":
                out.append(self._sns_source(cfg))
        return out

    def _new_executors(self) -> dict[str, ThreadPoolExecutor]:
        # One pool per queue, sized to its maximum concurrency, as Lambda scales per mapping.
        return {
            s.name: ThreadPoolExecutor(s.concurrency, thread_name_prefix=f"pump-{s.name}")
            for s in self.sources
        }

    def _sqs_source(self, cfg: Any) -> Source:
        name = cfg.queue or cfg.queue_arn.rsplit(":", 1)[1]
        url = self._queue_urls.get(name) or self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
        return Source(
            kind="sqs", name=cfg.name, handler=self._app.handler_map[cfg.name],
            queue_name=name, queue_url=url, queue_arn=self._queue_arn(url),
            batch_size=cfg.batch_size, concurrency=self._concurrency(name, cfg),
        )

    def _concurrency(self, queue: str, cfg: Any) -> int:
        """The decorator's maximum_concurrency is what deploys; else the platform's spec; else 1."""
        if cfg.maximum_concurrency:
            return int(cfg.maximum_concurrency)
        for platform, spec in resources.QUEUES.items():
            if resources.queue_name(platform, self._stage) == queue:
                return spec.max_concurrency
        return 1

    def _sns_source(self, cfg: Any) -> Source:
        topic_arn = self._topic_arn(cfg.topic)
        topic = topic_arn.rsplit(":", 1)[1]
        # The bridge is per handler (each Lambda subscription gets every message); the DLQ is per topic.
        bridge = _queue_name(f"{topic}-bridge-{cfg.name}")
        url = self._sqs.create_queue(
            QueueName=bridge, Attributes={"VisibilityTimeout": str(self._sns_retry_delay_s)}
        )["QueueUrl"]
        arn = self._queue_arn(url)
        dlq_url = self._sqs.create_queue(QueueName=_queue_name(f"{topic}-bridge-dlq"))["QueueUrl"]
        return Source(
            kind="sns", name=cfg.name, handler=self._app.handler_map[cfg.name],
            queue_name=bridge, queue_url=url, queue_arn=arn,
            batch_size=SQS_MAX_RECEIVE, concurrency=self._sns_concurrency,
            topic_arn=topic_arn, subscription_arn=self._subscribe(topic_arn, arn), dlq_url=dlq_url,
        )

    def _topic_arn(self, topic: str) -> str:
        if topic.startswith("arn:"):
            return topic
        for page in self._sns.get_paginator("list_topics").paginate():
            for t in page["Topics"]:
                if t["TopicArn"].rsplit(":", 1)[1] == topic:
                    return t["TopicArn"]
        raise LookupError(f"SNS topic {topic!r} does not exist; provision it first")

    def _subscribe(self, topic_arn: str, queue_arn: str) -> str:
        """Idempotent: reuse the bridge's subscription when the pump is rebuilt on the same moto."""
        for page in self._sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn):
            for sub in page["Subscriptions"]:
                if sub["Endpoint"] == queue_arn:
                    return sub["SubscriptionArn"]
        # Raw delivery off: the queue gets SNS's JSON envelope, which is what Lambda's event carries.
        return self._sns.subscribe(
            TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn,
            Attributes={"RawMessageDelivery": "false"}, ReturnSubscriptionArn=True,
        )["SubscriptionArn"]

    def _queue_arn(self, url: str) -> str:
        attrs = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return attrs["Attributes"]["QueueArn"]

    # ----------------------------------------------------------------------------- driving

    def run_once(self) -> Counts:
        """One pass: up to `concurrency` batches per queue, run in parallel, waited for."""
        self._require_stopped()
        futures = [
            self._executors[src.name].submit(self._process, src, batch)
            for src in self.sources
            for batch in self._receive_batches(src)
        ]
        total = Counts()
        for fut in futures:
            total.add(fut.result())
        self._record(total)
        return total

    def _receive_batches(self, src: Source) -> Iterable[list[Message]]:
        # Receives for one queue stay on one thread: moto's ReceiveMessage takes no lock.
        for _ in range(src.concurrency):
            batch = self._receive(src, wait_s=0)
            if not batch:
                return
            yield batch

    def drain(self, timeout_s: float = 10.0) -> Counts:
        """Run passes until every queue is empty (in flight included) or the time is up."""
        deadline = time.monotonic() + timeout_s
        total = Counts()
        while time.monotonic() < deadline:
            got = self.run_once()
            total.add(got)
            if not got.received and self._all_empty():
                break
            if not got.received:
                time.sleep(0.1)  # waiting for failed messages to become visible again
        return total

    def _all_empty(self) -> bool:
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                 "ApproximateNumberOfMessagesDelayed"]
        for src in self.sources:
            attrs = self._sqs.get_queue_attributes(QueueUrl=src.queue_url, AttributeNames=names)
            if any(int(attrs["Attributes"].get(n, 0)) for n in names):
                return False
        return True

    def start(self) -> None:
        """Poll every queue on its own thread until stop()."""
        self._require_stopped()
        self._stop.clear()
        self._pollers = [
            threading.Thread(target=self._poll_loop, args=(src,), name=f"poll-{src.name}", daemon=True)
            for src in self.sources
        ]
        for t in self._pollers:
            t.start()

    def stop(self) -> None:
        """Stop polling, let in-flight invocations finish, and release the worker threads."""
        self._stop.set()
        for t in self._pollers:
            t.join()
        self._pollers = []
        for ex in self._executors.values():
            ex.shutdown(wait=True)
        self._executors = self._new_executors()  # so the pump can be started or run again

    @property
    def totals(self) -> Counts:
        with self._totals_lock:
            return Counts().add(self._totals)

    def _require_stopped(self) -> None:
        if self._pollers:
            raise RuntimeError("the pump is running in the background; stop() it first")

    def _poll_loop(self, src: Source) -> None:
        # A slot is held from receive until the batch's invocation ends: max concurrency per queue.
        slots = threading.BoundedSemaphore(src.concurrency)
        while not self._stop.is_set():
            if not slots.acquire(timeout=0.5):
                continue
            try:
                batch = self._receive(src, wait_s=POLL_WAIT_S)
            except Exception:
                log.exception("receive from %s failed", src.queue_name)
                batch = []
                self._stop.wait(1)
            if not batch:
                slots.release()
                continue
            fut = self._executors[src.name].submit(self._process, src, batch)
            fut.add_done_callback(lambda f: self._on_done(f, slots))

    def _on_done(self, fut: Future[Counts], slots: threading.BoundedSemaphore) -> None:
        slots.release()
        if fut.exception() is None:
            self._record(fut.result())
        else:
            log.error("pump worker crashed", exc_info=fut.exception())

    def _record(self, counts: Counts) -> None:
        with self._totals_lock:
            self._totals.add(counts)

    def _receive(self, src: Source, wait_s: int) -> list[Message]:
        """Up to batch_size messages; SQS caps a receive at 10, so larger batches take several."""
        out: list[Message] = []
        while len(out) < src.batch_size:
            resp = self._sqs.receive_message(
                QueueUrl=src.queue_url,
                MaxNumberOfMessages=min(SQS_MAX_RECEIVE, src.batch_size - len(out)),
                WaitTimeSeconds=0 if out else wait_s,
                MessageAttributeNames=["All"], AttributeNames=["All"],
            )
            got = resp.get("Messages", [])
            out.extend(got)
            if len(got) < SQS_MAX_RECEIVE:  # the queue had no more for now: do not ask again
                break
        return out

    # ----------------------------------------------------------------------------- invoking

    def _process(self, src: Source, batch: list[Message]) -> Counts:
        if src.kind == "sqs":
            return self._process_sqs(src, batch)
        counts = Counts(batches=1)
        for msg in batch:
            counts.add(self._deliver_sns(src, msg))
        return counts

    def _context(self, src: Source) -> LambdaContext:
        fn = f"{getattr(self._app, 'app_name', 'app')}-{self._stage}-{src.name}"
        return LambdaContext(fn, src.region, src.account, self._timeout_s)

    def _process_sqs(self, src: Source, batch: list[Message]) -> Counts:
        event = {"Records": [sqs_record(m, src.queue_arn, src.region) for m in batch]}
        failed = self._invoke_sqs(src, event, {m["MessageId"] for m in batch})
        done = [m for m in batch if m["MessageId"] not in failed]
        # Failed messages are left alone: they reappear after the visibility timeout, and SQS
        # moves them to the DLQ once they have been received maxReceiveCount times.
        self._delete(src.queue_url, done)
        return Counts(batches=1, received=len(batch), succeeded=len(done), failed=len(failed))

    def _invoke_sqs(self, src: Source, event: dict[str, Any], ids: set[str]) -> set[str]:
        """The message ids to keep on the queue."""
        try:
            result = src.handler(event, self._context(src))
        except Exception:
            log.exception("%s failed; the whole batch of %d will be retried", src.name, len(ids))
            return ids
        if not self._report_failures:
            return set()
        return batch_item_failures(result, ids, src.name)

    def _delete(self, url: str, msgs: list[Message]) -> None:
        for i in range(0, len(msgs), SQS_MAX_RECEIVE):
            entries = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                       for n, m in enumerate(msgs[i:i + SQS_MAX_RECEIVE])]
            resp = self._sqs.delete_message_batch(QueueUrl=url, Entries=entries)
            for err in resp.get("Failed", []):
                log.warning("could not delete a message from %s: %s", url, err)

    def _deliver_sns(self, src: Source, msg: Message) -> Counts:
        """One async invocation; the bridge's receive count is the attempt number."""
        event = sns_event(json.loads(msg["Body"]), src.subscription_arn)
        attempt = int(msg["Attributes"]["ApproximateReceiveCount"])
        ctx = self._context(src)
        try:
            src.handler(event, ctx)
        except Exception as exc:
            return self._sns_failed(src, msg, event, ctx, attempt, exc)
        self._delete(src.queue_url, [msg])
        return Counts(received=1, succeeded=1)

    def _sns_failed(self, src: Source, msg: Message, event: dict[str, Any], ctx: LambdaContext,
                    attempt: int, exc: Exception) -> Counts:
        if attempt < SNS_MAX_ATTEMPTS:
            log.warning("%s failed (attempt %d of %d), retrying in %ds: %r", src.name, attempt,
                        SNS_MAX_ATTEMPTS, self._sns_retry_delay_s, exc, exc_info=exc)
            return Counts(received=1, failed=1)  # the bridge's visibility timeout is the retry delay
        log.error("%s failed %d times; event parked in %s", src.name, attempt, src.dlq_url, exc_info=exc)
        # Like Lambda's async DLQ: the body is the event, the attributes say what went wrong.
        self._sqs.send_message(
            QueueUrl=src.dlq_url, MessageBody=json.dumps(event),
            MessageAttributes={
                "RequestID": {"DataType": "String", "StringValue": ctx.aws_request_id},
                "ErrorMessage": {"DataType": "String", "StringValue": repr(exc)[:1000]},
                "FunctionName": {"DataType": "String", "StringValue": ctx.function_name},
            },
        )
        self._delete(src.queue_url, [msg])
        return Counts(received=1, failed=1, dead_lettered=1)


# --------------------------------------------------------------------------------- event shapes


def sqs_record(msg: Message, queue_arn: str, region: str) -> dict[str, Any]:
    """One record of Lambda's SQS event (note the lowercase keys, unlike ReceiveMessage's)."""
    record = {
        "messageId": msg["MessageId"],
        "receiptHandle": msg["ReceiptHandle"],
        "body": msg["Body"],
        "attributes": dict(msg.get("Attributes", {})),
        "messageAttributes": {k: _lambda_attr(v) for k, v in msg.get("MessageAttributes", {}).items()},
        "md5OfBody": msg["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in msg:
        record["md5OfMessageAttributes"] = msg["MD5OfMessageAttributes"]
    return record


def _lambda_attr(attr: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": attr["DataType"]}
    if "StringValue" in attr:
        out["stringValue"] = attr["StringValue"]
    if "BinaryValue" in attr:
        out["binaryValue"] = base64.b64encode(attr["BinaryValue"]).decode()
    return out


def sns_event(envelope: dict[str, Any], subscription_arn: str) -> dict[str, Any]:
    """Lambda's SNS event from the JSON envelope SNS delivers to SQS (some keys are renamed)."""
    sns = {
        "Type": envelope.get("Type", "Notification"),
        "MessageId": envelope["MessageId"],
        "TopicArn": envelope["TopicArn"],
        "Subject": envelope.get("Subject"),
        "Message": envelope["Message"],
        "Timestamp": envelope["Timestamp"],
        "SignatureVersion": envelope.get("SignatureVersion", "1"),
        "Signature": envelope.get("Signature", ""),
        "SigningCertUrl": envelope.get("SigningCertURL", ""),
        "UnsubscribeUrl": envelope.get("UnsubscribeURL", ""),
        "MessageAttributes": envelope.get("MessageAttributes", {}),
    }
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
                         "EventSubscriptionArn": subscription_arn, "Sns": sns}]}


def batch_item_failures(result: Any, ids: set[str], name: str = "handler") -> set[str]:
    """The ids a partial batch response asks to retry; Lambda fails the whole batch on a bad one."""
    if not isinstance(result, dict) or not result.get("batchItemFailures"):
        return set()
    items = result["batchItemFailures"]
    if not isinstance(items, list):
        items = [items]
    reported = [i.get("itemIdentifier") if isinstance(i, dict) else None for i in items]
    if not all(r in ids for r in reported):
        log.error("%s returned an invalid batchItemFailures %r; failing the whole batch", name, items)
        return set(ids)
    return set(reported)


def _chosen(app: Any, only: Collection[str] | None, exclude: Collection[str]
            ) -> tuple[frozenset[str] | None, frozenset[str]]:
    """`only` and `exclude` checked against the app's event handlers: a misspelt name is an error,
    not a handler silently left without a feed."""
    if isinstance(only, str) or isinstance(exclude, str):
        raise TypeError("only and exclude take collections of handler names, not one string")
    known = {cfg.name for cfg in app.event_sources}
    unknown = sorted({*(only or ()), *exclude} - known)
    if unknown:
        raise ValueError(f"no event handler named {', '.join(unknown)} (the app has {', '.join(sorted(known))})")
    return (frozenset(only) if only is not None else None), frozenset(exclude)


def _queue_name(name: str) -> str:
    """SQS names are at most 80 characters; keep long ones unique with a hash suffix."""
    if len(name) <= QUEUE_NAME_MAX:
        return name
    return f"{name[:QUEUE_NAME_MAX - 9]}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"
