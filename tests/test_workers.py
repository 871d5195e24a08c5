"""The delivery workers through the real path: SNS -> SQS (moto) -> the Chalice handler -> adapters."""
from __future__ import annotations

import json
from typing import Any

import boto3

from chalicelib.infra.bootstrap import Provisioned
from conftest import Api, advisory_body
from local.pump import sqs_record

OWNED = ["sms:subscribers", "email:subscribers", "banner:website"]


def approved(api: Api, channels: list[str] = OWNED) -> str:
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", advisory_body(channels=channels)).json_body["id"]
    api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    assert api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver").status_code == 200
    return advisory_id


def queued(aws: Provisioned, platform: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    url = aws.queue_urls[platform]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                   MessageAttributeNames=["All"]).get("Messages", [])
    return [sqs_record(m, arn, "us-east-1") for m in messages]


def invoke(api: Api, platform: str, records: list[dict[str, Any]]) -> Any:
    return api.client.lambda_.invoke(f"deliver_{platform}", {"Records": records}).payload


def deliveries(api: Api, advisory_id: str) -> dict[str, dict[str, Any]]:
    rows = api.call("GET", f"/advisories/{advisory_id}/deliveries", "demo-oncall").json_body["deliveries"]
    return {r["channel_account"]: r for r in rows}


def test_each_platform_worker_posts_its_own_accounts_once(api: Api, aws: Provisioned) -> None:
    advisory_id = approved(api)
    for platform in ("sms", "email", "banner"):
        records = queued(aws, platform)
        assert len(records) == 1
        assert invoke(api, platform, records) == {"batchItemFailures": []}
        assert invoke(api, platform, records) == {"batchItemFailures": []}  # redelivered: nothing new
    rows = deliveries(api, advisory_id)
    assert {r["state"] for r in rows.values()} == {"sent"}
    assert all(r["attempts"] == 1 and r["latency_ms"] is not None for r in rows.values())
    assert rows["banner:website"]["pin_state"] == "pinned" and rows["banner:website"]["pin_by_hand"] is False
    assert rows["banner:website"]["post_url"] == rows["banner:website"]["post"]["url"] is not None
    assert api.call("GET", f"/advisories/{advisory_id}", "demo-oncall").json_body["state"] == "delivered"
    from moto.core import DEFAULT_ACCOUNT_ID  # moto keeps what was published: one SMS, not two
    from moto.sns import sns_backends

    topic = aws.environment()["CLARION_SMS_TOPIC_ARN"]
    published = [m for m in sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].topics[topic].sent_notifications]
    assert len(published) == 1
    actions = [e["summary"] for e in api.call("GET", f"/audit?advisory_id={advisory_id}",
                                              "demo-auditor").json_body["entries"] if e["action"] == "delivery"]
    assert any("sms:subscribers: sending -> sent" in a for a in actions)


def test_a_malformed_message_is_refused_not_retried(api: Api, aws: Provisioned) -> None:
    record = {"messageId": "m-1", "receiptHandle": "r", "body": "{not json", "eventSourceARN": "arn:aws:sqs:x"}
    assert invoke(api, "sms", [record]) == {"batchItemFailures": []}
    entries = api.call("GET", "/audit", "demo-auditor").json_body["entries"]
    assert entries[-1]["action"] == "refused:delivery_message" and "m-1" in entries[-1]["summary"]


def test_a_delivery_still_owed_fails_only_its_message(api: Api, aws: Provisioned) -> None:
    """A channel account whose credentials are missing fails permanently: message done, DLQ'd."""
    advisory_id = approved(api, ["slack:staff"])
    ssm = boto3.client("ssm")
    from chalicelib import composition

    ref = composition.clarion().store.get_channel("slack:staff").secret_ref
    ssm.delete_parameter(Name=ref)
    records = queued(aws, "slack")
    assert invoke(api, "slack", records) == {"batchItemFailures": []}
    row = deliveries(api, advisory_id)["slack:staff"]
    assert row["state"] == "failed" and ref in row["last_error"]  # names the missing secret, not its value
    dlq = boto3.client("sqs").receive_message(QueueUrl=aws.dlq_urls["slack"], MessageAttributeNames=["All"])
    [parked] = dlq["Messages"]
    assert json.loads(parked["Body"])["channel_accounts"] == ["slack:staff"]
    assert parked["MessageAttributes"]["reason"]["StringValue"] == row["last_error"]
    assert "sandbox-slack-token" not in json.dumps(api.call("GET", "/audit", "demo-auditor").json_body)


def test_retry_route_redrives_failed_deliveries(api: Api, aws: Provisioned) -> None:
    advisory_id = approved(api, ["slack:staff"])
    from chalicelib import composition

    store = composition.clarion().store
    ref = store.get_channel("slack:staff").secret_ref
    boto3.client("ssm").delete_parameter(Name=ref)
    invoke(api, "slack", queued(aws, "slack"))
    assert api.call("POST", f"/advisories/{advisory_id}/retry", "demo-spokesperson").status_code == 403
    response = api.call("POST", f"/advisories/{advisory_id}/retry", "demo-oncall")
    assert response.status_code == 200
    assert [r["channel_account"] for r in response.json_body["redriven"]] == ["slack:staff"]
    assert deliveries(api, advisory_id)["slack:staff"]["state"] == "pending"
    assert len(queued(aws, "slack")) == 1  # the redrive is on the queue again


def test_two_advisories_in_one_batch_leave_the_newest_pinned(api: Api, aws: Provisioned) -> None:
    """One account's deliveries in a batch run oldest first, whatever the messages' order."""
    older = api.call("POST", "/advisories", "demo-spokesperson",
                     advisory_body(channels=["banner:website"], headline="Older: boil water")).json_body["id"]
    newer = api.call("POST", "/advisories", "demo-spokesperson",
                     advisory_body(channels=["banner:website"], headline="Newer: water safe")).json_body["id"]
    for advisory_id in (older, newer):
        api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
        assert api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver").status_code == 200
    records = queued(aws, "banner")
    assert len(records) == 2
    assert invoke(api, "banner", list(reversed(records))) == {"batchItemFailures": []}
    from chalicelib import composition

    assert composition.clarion().store.get_channel("banner:website").pinned.advisory_id == newer
    assert deliveries(api, older)["banner:website"]["state"] == "sent"
    assert deliveries(api, newer)["banner:website"]["pin_state"] == "pinned"
    banner = api.call("GET", "/banner.json").json_body
    assert banner["active"] is True and banner["id"] == newer


def test_a_batch_reads_the_organisation_settings_once(api: Api, aws: Provisioned) -> None:
    """Rendering and each channel read the settings; a batch reads them once for all its deliveries."""
    from chalicelib.composition import get_db

    ids = [approved(api, ["sms:subscribers", "email:subscribers"]) for _ in range(3)]
    records = queued(aws, "email")
    assert len(records) == 3
    keys: list[str] = []
    get_db().meta.events.register("before-parameter-build.dynamodb.GetItem",
                                  lambda params, **_: keys.append(params["Key"]["pk"]["S"]))
    assert invoke(api, "email", records) == {"batchItemFailures": []}
    assert keys.count("CONF#org") == 1
    assert all(deliveries(api, i)["email:subscribers"]["state"] == "sent" for i in ids)
