"""The local event pump gives a Chalice app's SQS and SNS handlers AWS Lambda's semantics.

Runs against an in-process moto server (the pump's threads must share its backend) and a
small Chalice app defined here, on queues and topics created by the real `provision()`.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any
from collections.abc import Iterator

import boto3
import pytest
from chalice import Chalice
from moto.server import ThreadedMotoServer

from chalicelib.infra import resources
from chalicelib.infra.bootstrap import provision
from local.pump import EventPump

STAGE = "pumptest"
SLACK_QUEUE = resources.queue_name("slack", STAGE)
MASTODON_QUEUE = resources.queue_name("mastodon", STAGE)  # max_concurrency=2 in QUEUES
TRIGGER_TOPIC = resources.trigger_topic_name(STAGE)
BRIDGE_DLQ = f"{TRIGGER_TOPIC}-bridge-dlq"
MAX_RECEIVES = 2

app = Chalice(app_name="pumptest")
sqs_events: list[dict[str, Any]] = []
sns_events: list[dict[str, Any]] = []
in_flight = {"now": 0, "max": 0}
in_flight_lock = threading.Lock()


@app.on_sqs_message(queue=SLACK_QUEUE, batch_size=10)
def on_slack(event: Any) -> dict[str, Any]:
    """Behaves as each message body's `mode` says, on its first receive or always."""
    raw = event.to_dict()
    sqs_events.append(raw)
    failures = []
    for rec in raw["Records"]:
        mode = json.loads(rec["body"])["mode"]
        first = rec["attributes"]["ApproximateReceiveCount"] == "1"
        if mode == "raise_once" and first:
            raise RuntimeError("handler crashed")
        if mode == "fail" or (mode == "fail_once" and first):
            failures.append({"itemIdentifier": rec["messageId"]})
        if mode == "unknown_id_once" and first:
            failures.append({"itemIdentifier": "not-in-this-batch"})
    return {"batchItemFailures": failures}


@app.on_sqs_message(queue=MASTODON_QUEUE, batch_size=1)
def on_mastodon(event: Any) -> None:
    with in_flight_lock:
        in_flight["now"] += 1
        in_flight["max"] = max(in_flight["max"], in_flight["now"])
    time.sleep(0.25)
    with in_flight_lock:
        in_flight["now"] -= 1


@app.on_sns_message(topic=TRIGGER_TOPIC)
def on_trigger(event: Any) -> None:
    sns_events.append(event.to_dict())
    if event.message == "boom":
        raise RuntimeError("trigger failed")


class Env:
    def __init__(self, session: Any, pump: EventPump, urls: dict[str, str]) -> None:
        self.session = session
        self.sqs = session.client("sqs")
        self.sns = session.client("sns")
        self.pump = pump
        self.urls = urls

    def send(self, queue: str, **body: Any) -> str:
        return self.sqs.send_message(QueueUrl=self.urls[queue], MessageBody=json.dumps(body))["MessageId"]

    def depth(self, queue: str) -> int:
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        attrs = self.sqs.get_queue_attributes(QueueUrl=self.urls[queue], AttributeNames=names)
        return sum(int(attrs["Attributes"][n]) for n in names)

    def bodies(self, queue: str) -> list[str]:
        resp = self.sqs.receive_message(QueueUrl=self.urls[queue], MaxNumberOfMessages=10,
                                        VisibilityTimeout=0)
        return [m["Body"] for m in resp.get("Messages", [])]


@pytest.fixture(scope="module")
def env() -> Iterator[Env]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs every request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
        for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            mp.setenv(var, "testing")
        mp.delenv("AWS_PROFILE", raising=False)
        session = boto3.Session(region_name="us-east-1")
        prov = provision(session, STAGE)
        sqs = session.client("sqs")
        dlq_arn = sqs.get_queue_attributes(QueueUrl=prov.dlq_urls["slack"], AttributeNames=["QueueArn"])
        # Short timeouts keep retries quick: a failed message is visible again after 1 s.
        sqs.set_queue_attributes(QueueUrl=prov.queue_urls["slack"], Attributes={
            "VisibilityTimeout": "1",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"],
                                         "maxReceiveCount": str(MAX_RECEIVES)}),
        })
        urls = {resources.queue_name(p, STAGE): u for p, u in prov.queue_urls.items()}
        pump = EventPump(app, session, urls, stage=STAGE, sns_retry_delay_s=1)
        urls |= {"slack-dlq": prov.dlq_urls["slack"],
                 BRIDGE_DLQ: sqs.get_queue_url(QueueName=BRIDGE_DLQ)["QueueUrl"]}
        yield Env(session, pump, urls)
        pump.stop()
    server.stop()


@pytest.fixture(autouse=True)
def clean(env: Env) -> Iterator[None]:
    sqs_events.clear()
    sns_events.clear()
    yield
    # moto, like SQS, allows one PurgeQueue per queue per 60 s, so delete what is left instead.
    for url in {*env.urls.values(), *(s.queue_url for s in env.pump.sources)}:
        while msgs := env.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
            for m in msgs:
                env.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def deliveries(message_id: str) -> list[dict[str, Any]]:
    return [r for e in sqs_events for r in e["Records"] if r["messageId"] == message_id]


def test_sources_are_discovered_with_their_limits(env: Env) -> None:
    by_name = {s.name: s for s in env.pump.sources}
    assert by_name["on_slack"].batch_size == 10 and by_name["on_slack"].concurrency == 5
    assert by_name["on_mastodon"].concurrency == resources.QUEUES["mastodon"].max_concurrency == 2
    assert by_name["on_trigger"].kind == "sns"


def test_successful_batch_is_delivered_in_lambda_shape_and_deleted(env: Env) -> None:
    env.sqs.send_message(QueueUrl=env.urls[SLACK_QUEUE], MessageBody=json.dumps({"mode": "ok"}),
                         MessageAttributes={"kind": {"DataType": "String", "StringValue": "post"}})
    ids = [env.send(SLACK_QUEUE, mode="ok") for _ in range(2)]

    counts = env.pump.drain(5)

    assert (counts.received, counts.succeeded, counts.failed) == (3, 3, 0)
    assert len(sqs_events) == 1 and len(sqs_events[0]["Records"]) == 3
    rec = sqs_events[0]["Records"][0]
    assert rec["eventSource"] == "aws:sqs" and rec["awsRegion"] == "us-east-1"
    assert rec["eventSourceARN"].endswith(f":{SLACK_QUEUE}")
    assert rec["messageAttributes"]["kind"]["stringValue"] == "post"
    assert rec["messageAttributes"]["kind"]["dataType"] == "String"
    assert {"ApproximateReceiveCount", "SentTimestamp", "ApproximateFirstReceiveTimestamp"} <= set(rec["attributes"])
    assert rec["md5OfBody"] and rec["receiptHandle"]
    assert all(len(deliveries(i)) == 1 for i in ids)
    assert env.depth(SLACK_QUEUE) == 0


def test_partial_batch_failure_retries_only_the_failed_message(env: Env) -> None:
    ok = env.send(SLACK_QUEUE, mode="ok")
    flaky = env.send(SLACK_QUEUE, mode="fail_once")

    env.pump.drain(20)  # returns as soon as every queue is empty; the rest is slack for a busy machine

    assert len(deliveries(ok)) == 1
    assert [r["attributes"]["ApproximateReceiveCount"] for r in deliveries(flaky)] == ["1", "2"]
    assert env.depth(SLACK_QUEUE) == 0 and env.depth("slack-dlq") == 0


def test_message_that_always_fails_lands_in_the_dlq_after_max_receives(env: Env) -> None:
    bad = env.send(SLACK_QUEUE, mode="fail")

    env.pump.drain(20)  # returns as soon as every queue is empty: about 2 s; the rest is slack for a busy machine

    assert len(deliveries(bad)) == MAX_RECEIVES
    assert env.depth(SLACK_QUEUE) == 0
    assert env.bodies("slack-dlq") == [json.dumps({"mode": "fail"})]


def test_handler_that_raises_fails_the_whole_batch(env: Env) -> None:
    ok = env.send(SLACK_QUEUE, mode="ok")
    crash = env.send(SLACK_QUEUE, mode="raise_once")

    counts = env.pump.run_once()

    assert (counts.received, counts.succeeded, counts.failed) == (2, 0, 2)
    assert env.depth(SLACK_QUEUE) == 2  # nothing deleted
    env.pump.drain(20)  # returns as soon as every queue is empty; the rest is slack for a busy machine
    assert len(deliveries(ok)) == 2 and len(deliveries(crash)) == 2
    assert env.depth(SLACK_QUEUE) == 0


def test_unknown_item_identifier_fails_the_whole_batch(env: Env) -> None:
    ok = env.send(SLACK_QUEUE, mode="ok")
    odd = env.send(SLACK_QUEUE, mode="unknown_id_once")

    env.pump.drain(20)  # returns as soon as every queue is empty; the rest is slack for a busy machine

    assert len(deliveries(ok)) == 2 and len(deliveries(odd)) == 2
    assert env.depth(SLACK_QUEUE) == 0


def test_background_pump_keeps_within_the_queues_max_concurrency(env: Env) -> None:
    in_flight.update(now=0, max=0)
    for _ in range(6):
        env.send(MASTODON_QUEUE, mode="ok")

    env.pump.start()
    try:
        deadline = time.monotonic() + 6
        while env.depth(MASTODON_QUEUE) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        env.pump.stop()

    assert env.depth(MASTODON_QUEUE) == 0
    assert in_flight["max"] == 2
    assert env.pump.totals.succeeded >= 6


def test_sns_handler_receives_an_sns_shaped_event(env: Env) -> None:
    topic_arn = env.sns.create_topic(Name=TRIGGER_TOPIC)["TopicArn"]
    env.sns.publish(TopicArn=topic_arn, Message="hello", Subject="greeting",
                    MessageAttributes={"kind": {"DataType": "String", "StringValue": "advisory"}})

    counts = env.pump.drain(5)

    assert counts.succeeded == 1 and len(sns_events) == 1
    record = sns_events[0]["Records"][0]
    assert record["EventSource"] == "aws:sns"
    sns = record["Sns"]
    assert (sns["Message"], sns["Subject"], sns["TopicArn"]) == ("hello", "greeting", topic_arn)
    assert sns["MessageAttributes"] == {"kind": {"Type": "String", "Value": "advisory"}}
    assert sns["MessageId"] and sns["Timestamp"]


def test_failing_sns_handler_is_tried_three_times_then_parked_in_the_bridge_dlq(env: Env) -> None:
    topic_arn = env.sns.create_topic(Name=TRIGGER_TOPIC)["TopicArn"]
    env.sns.publish(TopicArn=topic_arn, Message="boom")

    counts = env.pump.drain(8)

    assert len(sns_events) == 3
    assert counts.dead_lettered == 1
    parked = [json.loads(b) for b in env.bodies(BRIDGE_DLQ)]
    assert [p["Records"][0]["Sns"]["Message"] for p in parked] == ["boom"]


def test_a_pump_can_feed_only_some_handlers_or_all_but_some(env: Env) -> None:
    only = EventPump(app, env.session, env.urls, stage=STAGE, only={"on_slack"})
    rest = EventPump(app, env.session, env.urls, stage=STAGE, exclude=["on_slack"])

    assert [s.name for s in only.sources] == ["on_slack"]
    assert {s.name for s in rest.sources} == {"on_mastodon", "on_trigger"}
    ok = env.send(SLACK_QUEUE, mode="ok")
    rest.drain(2)  # does not touch the excluded handler's queue
    assert env.depth(SLACK_QUEUE) == 1 and not deliveries(ok)
    only.drain(5)
    assert len(deliveries(ok)) == 1 and env.depth(SLACK_QUEUE) == 0


def test_a_misspelt_handler_name_is_refused(env: Env) -> None:
    with pytest.raises(ValueError, match="on_slak"):
        EventPump(app, env.session, env.urls, stage=STAGE, exclude={"on_slak"})
    with pytest.raises(TypeError):
        EventPump(app, env.session, env.urls, stage=STAGE, only="on_slack")
