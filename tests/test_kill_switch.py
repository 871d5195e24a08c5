"""The kill switch (issue 14): an admin pauses every outgoing delivery, a second person with the
approver role confirms; while paused the workers post nothing and hold their messages, nothing
is lost or dead-lettered, and the resume continues where it stopped.

The routes and the workers run through the real path (chalice.test.Client, the Lambda handlers,
moto's SQS, SNS, S3 and DynamoDB); the sweeper's timing runs on the in-memory World of
tests/test_delivery.py, whose clock can be moved.
"""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from chalicelib import composition, handlers
from chalicelib.domain.models import AdvisoryState, Role, User
from chalicelib.infra import resources
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.services.common import revise
from conftest import Api
from fakes import capture
from test_delivery import MASTODON, World
from test_workers import OWNED, approved, deliveries, invoke, queued

PLATFORMS = ("sms", "email", "banner")
REASON = "A compromised Mastodon token: stop everything until it is rotated."


def pause(api: Api) -> None:
    assert api.call("POST", "/switch/pause", "demo-admin", {"reason": REASON}).status_code == 200
    assert api.call("POST", "/switch/confirm", "demo-approver").status_code == 200


def sms_published(aws: Provisioned) -> int:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns import sns_backends

    topic = aws.environment()["CLARION_SMS_TOPIC_ARN"]
    return len(sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].topics[topic].sent_notifications)


def queue_depth(url: str) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
             "ApproximateNumberOfMessagesDelayed"]
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes.get(name, 0)) for name in names)


def run_worker(api: Api, aws: Provisioned, platform: str) -> list[dict[str, Any]]:
    """One receive from the platform's queue, its worker (the real Lambda handler) on the batch,
    and the deletes of the messages it reports done, as Lambda's SQS event source does."""
    records = queued(aws, platform)
    if records:
        failed = {f["itemIdentifier"] for f in invoke(api, platform, records)["batchItemFailures"]}
        sqs = boto3.client("sqs")
        for record in records:
            if record["messageId"] not in failed:
                sqs.delete_message(QueueUrl=aws.queue_urls[platform], ReceiptHandle=record["receiptHandle"])
    return records


# -- the routes -----------------------------------------------------------------------------------
ROUTES = [("GET", "/switch"), ("POST", "/switch/pause"), ("POST", "/switch/confirm"), ("POST", "/switch/resume")]


@pytest.mark.parametrize("method,path", ROUTES)
def test_every_switch_route_needs_credentials(api: Api, method: str, path: str) -> None:
    assert api.call(method, path, None, {"reason": REASON}).status_code == 401
    assert api.call(method, path, "not-a-real-token", {"reason": REASON}).status_code == 401


@pytest.mark.parametrize("path,wrong", [("/switch/pause", ["demo-approver", "demo-oncall", "demo-spokesperson"]),
                                        ("/switch/confirm", ["demo-admin", "demo-oncall", "demo-auditor"]),
                                        ("/switch/resume", ["demo-approver", "demo-oncall", "demo-auditor"])])
def test_each_step_needs_its_role(api: Api, path: str, wrong: list[str]) -> None:
    for token in wrong:
        response = api.call("POST", path, token, {"reason": REASON})
        assert response.status_code == 403, (token, response.json_body)
        trail = api.call("GET", f"/audit?actor={token}", "demo-auditor").json_body["entries"]
        assert trail[-1]["action"].startswith("refused:")
    assert api.call("GET", "/switch", "demo-admin").json_body["state"] == "running"


def test_any_signed_in_user_reads_the_switch_with_an_etag(api: Api) -> None:
    for token in ("demo-spokesperson", "demo-approver", "demo-oncall", "demo-auditor", "demo-admin"):
        response = api.call("GET", "/switch", token)
        assert response.status_code == 200 and response.json_body["state"] == "running"
    etag = response.headers["ETag"]
    assert api.call("GET", "/switch", "demo-oncall", headers={"If-None-Match": etag}).status_code == 304
    pause(api)
    changed = api.call("GET", "/switch", "demo-oncall", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json_body["state"] == "paused"


@pytest.mark.parametrize("body", [{"reason": ""}, {"reason": "   "}, {}, {"reason": "x", "extra": 1},
                                  {"reason": "x" * 1001}])
def test_a_pause_needs_a_reason(api: Api, body: dict[str, Any]) -> None:
    response = api.call("POST", "/switch/pause", "demo-admin", body)
    assert response.status_code == 422, response.json_body
    assert response.json_body["error"]["code"] == "validation_failed"
    assert api.call("GET", "/switch", "demo-admin").json_body["state"] == "running"


def test_a_pause_without_a_body_is_400(api: Api) -> None:
    assert api.call("POST", "/switch/pause", "demo-admin").status_code == 400


def test_request_confirm_resume_and_their_audit_entries(api: Api) -> None:
    requested = api.call("POST", "/switch/pause", "demo-admin", {"reason": f"  {REASON}  "})
    assert requested.status_code == 200
    assert requested.json_body["state"] == "pause_requested" and requested.json_body["reason"] == REASON
    assert requested.json_body["requested_by"] == "demo-admin"
    # asked but not confirmed: deliveries still run, and the console can say who asked and why
    assert api.call("GET", "/switch", "demo-spokesperson").json_body["state"] == "pause_requested"
    confirmed = api.call("POST", "/switch/confirm", "demo-approver")
    assert confirmed.status_code == 200, confirmed.json_body
    assert confirmed.json_body["state"] == "paused" and confirmed.json_body["confirmed_by"] == "demo-approver"
    resumed = api.call("POST", "/switch/resume", "demo-admin")
    assert resumed.status_code == 200
    assert resumed.json_body["state"] == "running" and resumed.json_body["resumed_by"] == "demo-admin"
    assert resumed.json_body["redriven"] == 0  # nothing was owed
    trail = {action: api.call("GET", f"/audit?action={action}", "demo-auditor").json_body["entries"]
             for action in ("pause_request", "pause_confirm", "resume")}
    [request], [confirm], [resume] = trail["pause_request"], trail["pause_confirm"], trail["resume"]
    assert request["actor"] == "demo-admin" and REASON in request["summary"]
    assert confirm["actor"] == "demo-approver" and "demo-admin" in confirm["summary"]
    assert resume["actor"] == "demo-admin" and "paused" in resume["summary"]
    assert api.call("GET", "/audit/verify", "demo-auditor").json_body["intact"] is True


def test_wrong_states_are_409(api: Api) -> None:
    assert api.call("POST", "/switch/confirm", "demo-approver").status_code == 409  # nothing asked
    assert api.call("POST", "/switch/resume", "demo-admin").status_code == 409      # not paused
    assert api.call("POST", "/switch/pause", "demo-admin", {"reason": REASON}).status_code == 200
    again = api.call("POST", "/switch/pause", "demo-admin", {"reason": REASON})
    assert again.status_code == 409 and again.json_body["error"]["details"] == {"state": "pause_requested"}
    assert api.call("POST", "/switch/confirm", "demo-approver").status_code == 200
    assert api.call("POST", "/switch/confirm", "demo-approver").status_code == 409  # already paused
    assert api.call("POST", "/switch/pause", "demo-admin", {"reason": REASON}).status_code == 409
    # an unconfirmed request may be withdrawn by resuming
    assert api.call("POST", "/switch/resume", "demo-admin").status_code == 200
    assert api.call("POST", "/switch/pause", "demo-admin", {"reason": REASON}).status_code == 200
    withdrawn = api.call("POST", "/switch/resume", "demo-admin")
    assert withdrawn.status_code == 200 and withdrawn.json_body["state"] == "running"


def test_the_requester_cannot_confirm_their_own_pause(api: Api) -> None:
    store = composition.clarion().store
    admin = store.get_user("demo-admin")
    store.commit([revise(admin, roles=frozenset({Role.ADMIN, Role.APPROVER}))[1]])  # both roles
    assert api.call("POST", "/switch/pause", "demo-admin", {"reason": REASON}).status_code == 200
    own = api.call("POST", "/switch/confirm", "demo-admin")
    assert own.status_code == 409 and "second person" in own.json_body["error"]["message"]
    assert api.call("GET", "/switch", "demo-admin").json_body["state"] == "pause_requested"
    assert api.call("POST", "/switch/confirm", "demo-approver").json_body["state"] == "paused"


# -- the workers ------------------------------------------------------------------------------------
def test_while_paused_nothing_is_posted_lost_or_dead_lettered_and_resume_posts_each_once(
        api: Api, aws: Provisioned, monkeypatch: pytest.MonkeyPatch) -> None:
    # A held message comes back after HOLD_DELAY_S; with 0 the workers can take it again at once,
    # so the test runs them past the queue's maxReceiveCount without waiting.
    monkeypatch.setattr(handlers, "HOLD_DELAY_S", 0)
    pause(api)
    advisory_id = approved(api, OWNED)  # approving still works: its deliveries wait
    max_receives = max(resources.QUEUES[p].max_receive_count for p in PLATFORMS)
    for _ in range(max_receives + 5):
        for platform in PLATFORMS:
            [record] = run_worker(api, aws, platform)  # exactly one message: held, not multiplied
            assert record["attributes"]["ApproximateReceiveCount"] == "1"  # a new message every time
    assert sms_published(aws) == 0
    assert api.call("GET", "/banner.json").json_body == {"active": False}
    rows = deliveries(api, advisory_id)
    assert {r["state"] for r in rows.values()} == {"pending"} and all(r["attempts"] == 0 for r in rows.values())
    for platform in PLATFORMS:
        assert queue_depth(aws.dlq_urls[platform]) == 0
        assert queue_depth(aws.queue_urls[platform]) == 1
    assert api.call("GET", f"/advisories/{advisory_id}", "demo-oncall").json_body["state"] == "broadcasting"

    resumed = api.call("POST", "/switch/resume", "demo-admin")
    assert resumed.status_code == 200 and resumed.json_body["redriven"] == len(PLATFORMS)
    for platform in PLATFORMS:  # the redriven message and the held one, on each queue
        taken = run_worker(api, aws, platform) + run_worker(api, aws, platform)
        assert len(taken) == 2
    rows = deliveries(api, advisory_id)
    assert {r["state"] for r in rows.values()} == {"sent"} and all(r["attempts"] == 1 for r in rows.values())
    assert sms_published(aws) == 1  # two messages for it, one post
    assert api.call("GET", "/banner.json").json_body["id"] == advisory_id
    assert api.call("GET", f"/advisories/{advisory_id}", "demo-oncall").json_body["state"] == "delivered"
    for platform in PLATFORMS:
        assert queue_depth(aws.dlq_urls[platform]) == 0 and queue_depth(aws.queue_urls[platform]) == 0


def test_a_held_message_waits_out_its_delay_and_resume_does_not_wait_for_it(api: Api, aws: Provisioned) -> None:
    pause(api)
    advisory_id = approved(api, ["sms:subscribers"])
    with capture() as out:
        [record] = run_worker(api, aws, "sms")
    held = out.logs("delivery held")
    assert [(h["advisory_id"], h["channel"], h["correlation_id"]) for h in held] == [
        (advisory_id, "sms:subscribers", record["messageId"])]
    assert {dims["platform"]: value for value, dims in out.metrics()["DeliveriesHeld"]} == {"sms": [1.0]}
    assert out.metrics()["DeliveriesSent"][0][0] == [0.0]
    [batch] = out.logs("delivery batch")
    assert batch["held"] == 1 and batch["retried_messages"] == 0
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=aws.queue_urls["sms"], AttributeNames=["ApproximateNumberOfMessagesDelayed"])["Attributes"]
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "1"  # back in HOLD_DELAY_S, not now
    assert queued(aws, "sms") == []
    held_body = json.loads(record["body"])
    assert held_body["advisory_id"] == advisory_id

    assert api.call("POST", "/switch/resume", "demo-admin").json_body["redriven"] == 1
    [redriven] = run_worker(api, aws, "sms")  # at once, not after the hold delay
    assert json.loads(redriven["body"])["channel_accounts"] == ["sms:subscribers"]
    assert deliveries(api, advisory_id)["sms:subscribers"]["state"] == "sent" and sms_published(aws) == 1


def test_the_switch_is_read_on_every_batch(api: Api, aws: Provisioned) -> None:
    """One process (as a warm Lambda): a batch before the pause posts, the next one holds."""
    first = approved(api, ["sms:subscribers"])
    run_worker(api, aws, "sms")
    assert deliveries(api, first)["sms:subscribers"]["state"] == "sent"
    pause(api)
    second = approved(api, ["sms:subscribers"])
    run_worker(api, aws, "sms")
    assert deliveries(api, second)["sms:subscribers"]["state"] == "pending" and sms_published(aws) == 1
    api.call("POST", "/switch/resume", "demo-admin")
    run_worker(api, aws, "sms")
    assert deliveries(api, second)["sms:subscribers"]["state"] == "sent" and sms_published(aws) == 2


def test_a_pause_not_yet_confirmed_stops_nothing(api: Api, aws: Provisioned) -> None:
    assert api.call("POST", "/switch/pause", "demo-admin", {"reason": REASON}).status_code == 200
    advisory_id = approved(api, ["sms:subscribers"])
    run_worker(api, aws, "sms")
    assert deliveries(api, advisory_id)["sms:subscribers"]["state"] == "sent"


def test_a_malformed_message_is_still_refused_while_paused(api: Api, aws: Provisioned) -> None:
    pause(api)
    record = {"messageId": "m-1", "receiptHandle": "r", "body": "{not json", "eventSourceARN": "arn:aws:sqs:x"}
    assert invoke(api, "sms", [record]) == {"batchItemFailures": []}
    assert queue_depth(aws.queue_urls["sms"]) == 0  # refused, not held
    entries = api.call("GET", "/audit", "demo-auditor").json_body["entries"]
    assert entries[-1]["action"] == "refused:delivery_message"


# -- the sweeper --------------------------------------------------------------------------------------
ADMIN = User(id="admin", name="Ad", roles=frozenset({Role.ADMIN}))
SECOND = User(id="second", name="Ap", roles=frozenset({Role.APPROVER}))


@pytest.fixture
def world() -> World:
    return World()


def paused(world: World) -> None:
    world.app.switch.request_pause(ADMIN, REASON)
    world.app.switch.confirm_pause(SECOND)


def test_the_sweeper_neither_redrives_nor_pages_about_a_paused_delivery(world: World) -> None:
    paused(world)
    advisory_id = world.approved()
    world.clock.advance(seconds=world.delivery.policy.deadline_s * 10)
    for _ in range(3):
        report = world.app.operations.sweep()
        assert report.paused and report.held == [MASTODON]
        assert report.late == report.redriven == report.alerted == []  # the past-deadline alarm stays quiet
    assert world.alerts.sent == [] and world.redriver.redriven == []
    assert world.row(advisory_id).redrives == 0

    world.app.switch.resume(ADMIN)  # every delivery still owed back on its queue at once
    assert world.redriver.redriven == [("mastodon", advisory_id, (MASTODON,))]
    report = world.app.operations.sweep()  # late only because of the pause: timed from the resume
    assert not report.paused and report.late == report.redriven == report.alerted == []
    world.clock.advance(seconds=world.delivery.policy.deadline_s + 1)
    report = world.app.operations.sweep()  # still not delivered well after the resume: that is late
    assert report.redriven == [MASTODON] and report.alerted == [MASTODON] and len(world.alerts.sent) == 1


def test_while_paused_expiry_and_pin_repairs_wait_for_the_resume(world: World) -> None:
    advisory_id = world.approved(expires=world.clock.now() + timedelta(minutes=30))
    world.deliver(advisory_id)
    assert world.fake().pinned == ["p1"]
    paused(world)
    world.clock.advance(minutes=31)
    report = world.app.operations.sweep()
    assert report.expired == [] and world.fake().pinned == ["p1"]  # unpinning is a platform call
    assert world.store.get_advisory(advisory_id).state is AdvisoryState.DELIVERED
    world.app.switch.resume(ADMIN)
    assert world.redriver.redriven == []  # nothing was owed
    assert world.app.operations.sweep().expired == [advisory_id]
    assert world.fake().pinned == []


def test_the_service_checks_roles_and_the_second_person(world: World) -> None:
    from chalicelib.domain.errors import Conflict, Forbidden, ValidationFailed

    with pytest.raises(Forbidden):
        world.app.switch.request_pause(SECOND, REASON)
    with pytest.raises(ValidationFailed):
        world.app.switch.request_pause(ADMIN, "  ")
    both = User(id="both", name="B", roles=frozenset({Role.ADMIN, Role.APPROVER}))
    world.app.switch.request_pause(both, REASON)
    with pytest.raises(Forbidden):
        world.app.switch.confirm_pause(ADMIN)
    with pytest.raises(Conflict):
        world.app.switch.confirm_pause(both)
    assert world.app.switch.confirm_pause(SECOND).paused
    assert world.app.switch.state().revision == 2
