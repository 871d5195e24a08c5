"""Large fan-out (issue 16): one advisory to up to 1,000 channel accounts, through the real path
(chalice.test.Client, moto). The approval commits what makes it binding, then writes the delivery
rows in batches of at most 100; a crash between batches is repaired by the sweeper."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from typing import Any

import boto3
import pytest
from pydantic import ValidationError

from chalicelib import composition
from chalicelib.domain.errors import UnavailableError
from chalicelib.domain.messages import ACCOUNTS_PER_MESSAGE, DeliveryMessage, fan_out
from chalicelib.domain.models import AdvisoryContent, ChannelAccount, DeliveryRecord
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.ports import Put
from chalicelib.services import operations
from conftest import Api, advisory_body
from local.pump import sqs_record

HASH = "ab" * 32


def sms_accounts(count: int) -> list[str]:
    """`count` SMS accounts, each to one listed number (cheap to deliver on moto)."""
    accounts = [ChannelAccount(id=f"sms:county-{n:04d}", platform="sms", name=f"County {n} SMS",
                               settings={"phone_numbers": [f"+1555{n:07d}"]}) for n in range(count)]
    store = composition.clarion().store
    for start in range(0, count, 100):
        store.commit([Put(a, None) for a in accounts[start:start + 100]])
    return [a.id for a in accounts]


def submitted(api: Api, channels: list[str]) -> str:
    created = api.call("POST", "/advisories", "demo-spokesperson", advisory_body(channels=channels))
    assert created.status_code == 201, created.json_body
    advisory_id = str(created.json_body["id"])
    response = api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    assert response.status_code == 200, response.json_body
    return advisory_id


def queued(aws: Provisioned, platform: str) -> list[dict[str, Any]]:
    """Everything on the platform's queue (received, so invisible until deleted or it times out)."""
    sqs = boto3.client("sqs")
    url = aws.queue_urls[platform]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    records: list[dict[str, Any]] = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                  MessageAttributeNames=["All"]).get("Messages", [])
        if not got:
            return records
        records += [sqs_record(m, arn, "us-east-1") for m in got]


def work(api: Api, aws: Provisioned, platform: str, records: Sequence[dict[str, Any]]) -> set[str]:
    """The platform's worker on `records`, in batches of its queue's batch size; deletes the done
    ones (as Lambda's event source does); returns the ids of those it asked to retry."""
    sqs = boto3.client("sqs")
    retry: set[str] = set()
    for start in range(0, len(records), 5):
        batch = list(records[start:start + 5])
        payload = api.client.lambda_.invoke(f"deliver_{platform}", {"Records": batch}).payload
        failed = {f["itemIdentifier"] for f in payload["batchItemFailures"]}
        retry |= failed
        for record in batch:
            if record["messageId"] not in failed:
                sqs.delete_message(QueueUrl=aws.queue_urls[platform], ReceiptHandle=record["receiptHandle"])
    return retry


def rows(advisory_id: str) -> dict[str, DeliveryRecord]:
    return {d.channel_account: d for d in composition.clarion().store.deliveries_for(advisory_id)}


def state(api: Api, advisory_id: str) -> str:
    return str(api.call("GET", f"/advisories/{advisory_id}", "demo-oncall").json_body["state"])


def audit_actions(api: Api, advisory_id: str) -> list[str]:
    entries = api.call("GET", f"/audit?advisory_id={advisory_id}", "demo-auditor").json_body["entries"]
    return [e["action"] for e in entries]


def accounts_in(records: Sequence[dict[str, Any]]) -> list[str]:
    return [a for r in records for a in json.loads(r["body"])["channel_accounts"]]


# -- the messages ------------------------------------------------------------------------------------
def test_a_large_fan_out_is_cut_into_small_messages_and_a_small_one_stays_one() -> None:
    accounts = [f"{p}:acct-{n:03d}" for p in ("sms", "mastodon", "banner") for n in range(334)][:1000]
    messages = fan_out("adv_1", HASH, accounts)
    assert sorted(a for m in messages for a in m.channel_accounts) == sorted(accounts)
    assert all(len(m.channel_accounts) <= ACCOUNTS_PER_MESSAGE for m in messages)
    assert len(messages) == 20 and all(len(m.platforms) <= 2 for m in messages)
    assert max(len(m.body().encode()) for m in messages) < 16 * 1024  # SNS and SQS take 256 KB
    longest = [f"sms:{'a' * 63}{n:03d}"[:67] for n in range(ACCOUNTS_PER_MESSAGE)]
    assert len(fan_out("adv_1", HASH, longest)[0].body().encode()) < 8 * 1024
    [one] = fan_out("adv_1", HASH, ["sms:subscribers", "mastodon:city-health", "banner:website"])
    assert one.platforms == ("banner", "mastodon", "sms")
    assert DeliveryMessage.parse(one.body()) == one


def test_an_advisory_may_target_1000_accounts_and_no_more() -> None:
    channels = [f"sms:c-{n:04d}" for n in range(1001)]
    assert len(AdvisoryContent(headline="h", channels=channels[:1000]).channels) == 1000
    with pytest.raises(ValidationError):
        AdvisoryContent(headline="h", channels=channels)


# -- 150 accounts through the API -----------------------------------------------------------------------
def test_a_150_account_approval_writes_every_row_publishes_them_all_and_the_workers_deliver_all(
        api: Api, aws: Provisioned) -> None:
    accounts = sms_accounts(150)
    advisory_id = submitted(api, accounts)
    started = time.perf_counter()
    approved = api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    print(f"approval of 150 accounts on moto: {time.perf_counter() - started:.2f} s")
    assert approved.status_code == 200, approved.json_body  # was a 500 from 98 accounts up
    assert approved.json_body["broadcast"] == {"published": True, "error": None}
    written = rows(advisory_id)
    assert sorted(written) == sorted(accounts) and {d.state.value for d in written.values()} == {"pending"}
    listed = api.call("GET", f"/advisories/{advisory_id}/deliveries", "demo-oncall").json_body["deliveries"]
    assert len(listed) == 150

    records = queued(aws, "sms")
    assert len(records) == 3 and sorted(accounts_in(records)) == sorted(accounts)
    assert all(len(json.loads(r["body"])["channel_accounts"]) <= ACCOUNTS_PER_MESSAGE for r in records)
    assert queued(aws, "mastodon") == []  # only the platforms named receive them
    assert audit_actions(api, advisory_id) == ["create", "submit", "approve", "broadcast", "broadcast_published"]

    assert work(api, aws, "sms", records) == set()
    assert {d.state.value for d in rows(advisory_id).values()} == {"sent"}
    assert state(api, advisory_id) == "delivered"


# -- a crash between delivery-row batches ----------------------------------------------------------------
def crash_after_first_row_batch(monkeypatch: pytest.MonkeyPatch, error: Exception) -> list[int]:
    """The store fails every commit of delivery rows but the first it is asked for (the batches
    are written at once: either may come first); returns the batch sizes in that order."""
    store = composition.clarion().store
    real = store.commit
    batches: list[int] = []
    lock = threading.Lock()

    def commit(puts: Sequence[Put], events: Sequence[Any] = ()) -> Any:
        if puts and all(isinstance(p.item, DeliveryRecord) and p.expect_revision is None for p in puts):
            with lock:
                batches.append(len(puts))
                first = len(batches) == 1
            if not first:
                raise error
        return real(puts, events)

    monkeypatch.setattr(store, "commit", commit)
    return batches


@pytest.mark.parametrize("crash", ["outage", "process dies"])
def test_a_crash_between_row_batches_is_repaired_by_the_sweeper_and_every_delivery_ends_final(
        api: Api, aws: Provisioned, monkeypatch: pytest.MonkeyPatch, crash: str) -> None:
    accounts = sms_accounts(150)
    advisory_id = submitted(api, accounts)
    with monkeypatch.context() as patch:
        if crash == "outage":  # the store is unavailable: the approval stands and says so
            batches = crash_after_first_row_batch(patch, UnavailableError("storage is throttling writes"))
            response = api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
            assert response.status_code == 200, response.json_body
            assert response.json_body["broadcast"]["published"] is False
            assert "sweeper" in response.json_body["broadcast"]["error"]
        else:  # the Lambda stops mid-way: no answer at all
            batches = crash_after_first_row_batch(patch, SystemExit("the function timed out"))
            services = composition.clarion()
            with pytest.raises(SystemExit):
                services.advisories.approve(services.store.get_user("demo-approver"), advisory_id)
    assert sorted(batches) == [50, 100]  # both batches tried; the first one written
    assert state(api, advisory_id) == "broadcasting"  # binding: the approval, its hash, the accounts owed
    assert len(rows(advisory_id)) == batches[0] and queued(aws, "sms") == []  # nothing was published

    # The deliveries that have rows go out (say, redriven), and the advisory is not finished: 50 are owed.
    first = sorted(rows(advisory_id))
    message = DeliveryMessage(advisory_id=advisory_id, content_hash=next(iter(rows(advisory_id).values())).content_hash,
                              channel_accounts=tuple(first[:50]))
    record = {"messageId": "m-1", "receiptHandle": "r-1", "body": message.body(), "eventSourceARN": "arn:aws:sqs:x"}
    assert api.client.lambda_.invoke("deliver_sms", {"Records": [record]}).payload == {"batchItemFailures": []}
    assert state(api, advisory_id) == "broadcasting"
    # A message for an owed account whose row is missing is left to come back, not dropped.
    missing = sorted(set(accounts) - set(rows(advisory_id)))
    early = DeliveryMessage(advisory_id=advisory_id, content_hash=message.content_hash,
                            channel_accounts=tuple(missing[:3]))
    record = {**record, "messageId": "m-2", "body": early.body()}
    assert api.client.lambda_.invoke("deliver_sms", {"Records": [record]}).payload == \
        {"batchItemFailures": [{"itemIdentifier": "m-2"}]}

    services = composition.clarion()
    assert services.operations.sweep().repaired == []  # its approval may still be writing: not yet
    monkeypatch.setattr(operations, "REPAIR_AFTER_S", 0.0)
    report = services.operations.sweep()
    assert sorted(report.repaired) == sorted(f"{advisory_id}/{a}" for a in missing)
    assert sorted(rows(advisory_id)) == sorted(accounts)
    assert "broadcast_repaired" in audit_actions(api, advisory_id)
    records = queued(aws, "sms")
    assert sorted(accounts_in(records)) == sorted(set(accounts) - set(first[:50]))  # every one not final
    assert services.operations.sweep().repaired == []  # once

    assert work(api, aws, "sms", records) == set()
    assert {d.state.value for d in rows(advisory_id).values()} == {"sent"}
    assert all(d.attempts == 1 for d in rows(advisory_id).values())  # none posted twice
    assert state(api, advisory_id) == "delivered"


def test_rows_written_twice_create_only_what_is_missing(api: Api, aws: Provisioned) -> None:
    """The sweeper racing a slow approval: conditional creates, so a repeat is harmless."""
    from chalicelib.services import fan_out as rows_of

    accounts = sms_accounts(120)
    advisory_id = submitted(api, accounts)
    services = composition.clarion()
    advisory = services.store.get_advisory(advisory_id)
    assert advisory is not None
    now = services.operations._clock.now()
    assert rows_of.write_rows(services.store, advisory, accounts[::7], now) == accounts[::7]
    created = rows_of.write_rows(services.store, advisory, accounts, now)
    assert sorted(created) == sorted(set(accounts) - set(accounts[::7]))
    assert rows_of.write_rows(services.store, advisory, accounts, now) == []
    assert len(rows(advisory_id)) == 120


def test_the_resume_after_a_pause_requeues_a_large_fan_out_in_small_messages(api: Api, aws: Provisioned) -> None:
    accounts = sms_accounts(120)
    advisory_id = submitted(api, accounts)
    assert api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver").status_code == 200
    assert len(queued(aws, "sms")) == 3
    assert composition.clarion().operations.redrive_owed() == 3  # was one message of 120: refused by its schema
    records = queued(aws, "sms")
    assert sorted(accounts_in(records)) == sorted(accounts)
    assert max(len(json.loads(r["body"])["channel_accounts"]) for r in records) == ACCOUNTS_PER_MESSAGE


def test_approving_1000_accounts_through_the_api(api: Api, aws: Provisioned) -> None:
    """The ceiling: 1,000 accounts, ten row transactions, twenty messages (in two PublishBatch calls)."""
    accounts = sms_accounts(1000)
    advisory_id = submitted(api, accounts)
    started = time.perf_counter()
    approved = api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    elapsed = time.perf_counter() - started
    assert approved.status_code == 200 and approved.json_body["broadcast"]["published"] is True
    assert len(rows(advisory_id)) == 1000
    records = queued(aws, "sms")
    assert len(records) == 20 and sorted(accounts_in(records)) == sorted(accounts)
    print(f"approval of 1,000 accounts on moto: {elapsed:.2f} s")


def test_the_row_transactions_are_written_at_once(api: Api, aws: Provisioned) -> None:
    """300 accounts: three row transactions side by side, not one after another."""
    accounts = sms_accounts(300)
    advisory_id = submitted(api, accounts)
    in_flight, most, lock = [0], [0], threading.Lock()

    def before(**_: Any) -> None:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.05)  # a transaction takes a while, as DynamoDB's does

    def after(**_: Any) -> None:
        with lock:
            in_flight[0] -= 1

    db = composition.get_db()
    db.meta.events.register("before-call.dynamodb.TransactWriteItems", before)
    db.meta.events.register("after-call.dynamodb.TransactWriteItems", after)
    assert api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver").status_code == 200
    assert sorted(rows(advisory_id)) == sorted(accounts) and most[0] == 3
