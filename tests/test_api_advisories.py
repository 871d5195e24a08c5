"""The advisory's life through the HTTP API (chalice.test.Client) on moto."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, UTC

import boto3
import pytest

from chalicelib import composition
from chalicelib.domain.errors import Conflict
from chalicelib.infra.bootstrap import Provisioned
from conftest import Api, advisory_body


def submitted(api: Api, **overrides: object) -> str:
    created = api.call("POST", "/advisories", "demo-spokesperson", advisory_body(**overrides))
    assert created.status_code == 201, created.json_body
    advisory_id = created.json_body["id"]
    response = api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    assert response.status_code == 200, response.json_body
    return advisory_id


def audit_actions(api: Api, advisory_id: str) -> list[str]:
    entries = api.call("GET", f"/audit?advisory_id={advisory_id}", "demo-auditor").json_body["entries"]
    return [e["action"] for e in entries]


# -- bad input is never a 500 ---------------------------------------------------------------------
def test_malformed_json_is_400(api: Api) -> None:
    response = api.call("POST", "/advisories", "demo-spokesperson", raw=b'{"headline": ')
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "bad_request"


def test_an_empty_body_is_400(api: Api) -> None:
    response = api.call("POST", "/advisories", "demo-spokesperson", raw=b"")
    assert response.status_code == 400


def test_invalid_fields_are_422_naming_each(api: Api) -> None:
    body = advisory_body(urgency="Soonish", web="not a url", headline="", colour="red")
    response = api.call("POST", "/advisories", "demo-spokesperson", body)
    assert response.status_code == 422
    fields = {d["field"] for d in response.json_body["error"]["details"]}
    assert {"urgency", "web", "headline", "colour"} <= fields


def test_a_naive_datetime_is_422(api: Api) -> None:
    response = api.call("POST", "/advisories", "demo-spokesperson", advisory_body(expires="2030-01-01T00:00:00"))
    assert response.status_code == 422
    assert response.json_body["error"]["details"][0]["field"] == "expires"


def test_a_body_over_256_kb_is_413(api: Api) -> None:
    big = advisory_body(description="x" * (300 * 1024))
    response = api.call("POST", "/advisories", "demo-spokesperson", big)
    assert response.status_code == 413
    assert response.json_body["error"]["details"]["limit_bytes"] == 256 * 1024


def test_an_unknown_channel_is_422(api: Api) -> None:
    response = api.call("POST", "/advisories", "demo-spokesperson", advisory_body(channels=["x:nobody"]))
    assert response.status_code == 422
    assert "x:nobody" in response.json_body["error"]["details"][0]["problem"]


def test_an_unknown_advisory_is_404(api: Api) -> None:
    assert api.call("GET", "/advisories/adv_nope", "demo-auditor").status_code == 404
    assert api.call("POST", "/advisories/adv_nope/approve", "demo-approver").status_code == 404


# -- the lifecycle ----------------------------------------------------------------------------------
def test_draft_to_approval_creates_deliveries_and_publishes_one_event(api: Api, aws: Provisioned) -> None:
    advisory_id = submitted(api)
    approved = api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    assert approved.status_code == 200, approved.json_body
    assert approved.json_body["state"] == "broadcasting"
    assert approved.json_body["broadcast"] == {"published": True, "error": None}

    rows = api.call("GET", f"/advisories/{advisory_id}/deliveries", "demo-oncall").json_body["deliveries"]
    assert sorted(r["channel_account"] for r in rows) == ["banner:website", "mastodon:city-health",
                                                          "sms:subscribers"]
    assert {r["state"] for r in rows} == {"pending"}

    # One SNS message, which only the targeted platforms' queues receive.
    sqs = boto3.client("sqs")
    for platform, url in aws.queue_urls.items():
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                       MessageAttributeNames=["All"]).get("Messages", [])
        expected = 1 if platform in ("mastodon", "sms", "banner") else 0
        assert len(messages) == expected, platform
        if messages:
            body = json.loads(messages[0]["Body"])
            assert body["advisory_id"] == advisory_id
            assert body["content_hash"] == approved.json_body["content_hash"]
    assert audit_actions(api, advisory_id) == ["create", "submit", "approve", "broadcast",
                                               "broadcast_published"]


def test_submit_runs_screening_and_lists_what_to_fix(api: Api) -> None:
    body = advisory_body(urgency=None, area_desc=None, channels=[])
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", body).json_body["id"]
    response = api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    assert response.status_code == 422
    codes = [(f["code"], f["message"]) for f in response.json_body["error"]["details"]]
    assert ("no_channels", "choose at least one channel account") in codes
    assert any("urgency" in m for _, m in codes) and any("area_desc" in m for _, m in codes)
    assert api.call("GET", f"/advisories/{advisory_id}", "demo-auditor").json_body["state"] == "draft"


def test_a_drill_may_only_go_to_sandbox_accounts(api: Api) -> None:
    body = advisory_body(status="Exercise", channels=["mastodon:city-health", "mastodon:drills"])
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", body).json_body["id"]
    response = api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    assert response.status_code == 422
    [finding] = response.json_body["error"]["details"]
    assert finding["code"] == "drill_to_live_channel" and finding["channel"] == "mastodon:city-health"


def test_the_author_cannot_approve_their_own_advisory(api: Api, aws: Provisioned) -> None:
    # A user with both roles is the case that matters; give the demo spokesperson approver too.
    store = composition.clarion().store
    user = store.get_user("demo-spokesperson")
    assert user is not None
    from chalicelib.domain.models import Role
    from chalicelib.services.common import revise

    store.commit([revise(user, roles=frozenset({Role.SPOKESPERSON, Role.APPROVER}))[1]])
    advisory_id = submitted(api)
    response = api.call("POST", f"/advisories/{advisory_id}/approve", "demo-spokesperson")
    assert response.status_code == 403
    assert "own advisory" in response.json_body["error"]["message"]
    assert api.call("GET", f"/advisories/{advisory_id}", "demo-auditor").json_body["state"] == "pending_approval"
    assert audit_actions(api, advisory_id)[-1] == "refused:approve"


def test_only_the_author_edits(api: Api) -> None:
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", advisory_body()).json_body["id"]
    response = api.call("PUT", f"/advisories/{advisory_id}", "demo-spokesperson-2", advisory_body())
    assert response.status_code == 403
    assert audit_actions(api, advisory_id)[-1] == "refused:edit"


def test_an_illegal_transition_is_409_naming_the_state(api: Api) -> None:
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", advisory_body()).json_body["id"]
    response = api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    assert response.status_code == 409
    assert response.json_body["error"]["details"]["state"] == "draft"
    assert "draft" in response.json_body["error"]["message"]


def test_a_second_approval_is_409(api: Api) -> None:
    advisory_id = submitted(api)
    assert api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver").status_code == 200
    again = api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    assert again.status_code == 409
    assert again.json_body["error"]["details"]["state"] == "broadcasting"


def test_two_concurrent_approvals_approve_once(api: Api, aws: Provisioned) -> None:
    """Two approvers click at the same moment: one approval, one broadcast, one set of rows."""
    from chalicelib.domain.models import Role, User

    advisory_id = submitted(api)
    services = composition.clarion()
    approvers = [User(id=f"approver-{n}", name="A", roles=frozenset({Role.APPROVER})) for n in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(user: User) -> None:
        barrier.wait()
        try:
            services.advisories.approve(user, advisory_id)
            outcomes.append("approved")
        except Conflict as conflict:
            outcomes.append(f"409:{conflict.details['state']}")

    threads = [threading.Thread(target=approve, args=(u,)) for u in approvers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 2 and outcomes.count("approved") == 1
    assert next(o for o in outcomes if o != "approved") in ("409:approved", "409:broadcasting")
    assert audit_actions(api, advisory_id).count("approve") == 1
    assert audit_actions(api, advisory_id).count("broadcast_published") == 1
    assert len(api.call("GET", f"/advisories/{advisory_id}/deliveries", "demo-auditor").json_body["deliveries"]) == 3
    published = boto3.client("sqs").receive_message(QueueUrl=aws.queue_urls["sms"], MaxNumberOfMessages=10)
    assert len(published.get("Messages", [])) == 1


def test_an_edit_after_approval_voids_it(api: Api) -> None:
    """Approved for a later effective time, then edited: back to draft, approval void."""
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    advisory_id = submitted(api, effective=later)
    approved = api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver").json_body
    assert approved["state"] == "approved" and approved["approval_valid"] is True
    assert approved["broadcast"]["published"] is False  # waits for its effective time

    edited = api.call("PUT", f"/advisories/{advisory_id}", "demo-spokesperson",
                      advisory_body(effective=later, headline="Boil water notice: Riverside and Oakwood"))
    assert edited.status_code == 200
    assert edited.json_body["state"] == "draft"
    assert edited.json_body["approval"] is None and edited.json_body["approval_valid"] is False
    entries = api.call("GET", f"/audit?advisory_id={advisory_id}", "demo-auditor").json_body["entries"]
    assert "approval is void" in entries[-1]["summary"]
    # Nothing is released for it: the scheduler only broadcasts approved advisories.
    released = composition.clarion().advisories.release_due(composition.system_actor("scheduler"))
    assert released == []


def test_approval_is_bound_to_the_reviewed_hash(api: Api) -> None:
    advisory_id = submitted(api)
    response = api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver",
                        {"content_hash": "0" * 64})
    assert response.status_code == 409
    assert "changed since you reviewed" in response.json_body["error"]["message"]
    current = api.call("GET", f"/advisories/{advisory_id}", "demo-approver").json_body["content_hash"]
    ok = api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver", {"content_hash": current})
    assert ok.status_code == 200


def test_content_changed_behind_the_approval_is_never_broadcast(api: Api) -> None:
    """Defence in depth: if stored content no longer matches the approval, broadcast refuses."""
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    advisory_id = submitted(api, effective=later)
    api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    services = composition.clarion()
    advisory = services.advisories.get(advisory_id)
    from chalicelib.services.common import revise

    tampered = advisory.content.model_copy(update={"headline": "Tampered", "effective": None})
    services.store.commit([revise(advisory, content=tampered)[1]])
    with pytest.raises(Conflict):
        services.advisories.broadcast(composition.system_actor("scheduler"), services.advisories.get(advisory_id))
    assert services.store.deliveries_for(advisory_id) == []


def test_rejection_needs_a_reason_and_returns_to_the_author(api: Api) -> None:
    advisory_id = submitted(api)
    assert api.call("POST", f"/advisories/{advisory_id}/reject", "demo-approver", {}).status_code == 422
    rejected = api.call("POST", f"/advisories/{advisory_id}/reject", "demo-approver",
                        {"reason": "Say which streets are affected"})
    assert rejected.status_code == 200
    assert rejected.json_body["state"] == "rejected"
    assert rejected.json_body["rejection"]["reason"] == "Say which streets are affected"
    edited = api.call("PUT", f"/advisories/{advisory_id}", "demo-spokesperson", advisory_body())
    assert edited.json_body["state"] == "draft"
    # The latest rejection stays on it, so the author still sees what to fix while revising.
    seen = api.call("GET", f"/advisories/{advisory_id}", "demo-spokesperson").json_body
    assert seen["rejection_reason"] == "Say which streets are affected"
    assert seen["rejected_by"] == "demo-approver" and seen["rejected_at"] and seen["author"] == "demo-spokesperson"
    resubmitted = api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    assert resubmitted.status_code == 200, resubmitted.json_body
    assert resubmitted.json_body["state"] == "pending_approval" and resubmitted.json_body["id"] == advisory_id
    assert resubmitted.json_body["submitted_at"]
    approved = api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    assert approved.status_code == 200
    assert approved.json_body["approved_by"] == "demo-approver" and approved.json_body["approved_at"]
    assert audit_actions(api, advisory_id)[:5] == ["create", "submit", "reject", "edit", "submit"]


def test_update_and_cancel_are_linked_drafts_that_close_the_original(api: Api) -> None:
    original = submitted(api)
    api.call("POST", f"/advisories/{original}/approve", "demo-approver")
    update = api.call("POST", f"/advisories/{original}/update", "demo-spokesperson",
                      advisory_body(headline="Boil water notice extended to Oakwood"))
    assert update.status_code == 201
    assert update.json_body["msg_type"] == "Update" and update.json_body["references"] == [original]
    update_id = update.json_body["id"]
    api.call("POST", f"/advisories/{update_id}/submit", "demo-spokesperson")
    api.call("POST", f"/advisories/{update_id}/approve", "demo-approver")
    assert api.call("GET", f"/advisories/{original}", "demo-auditor").json_body["state"] == "superseded"

    cancel = api.call("POST", f"/advisories/{update_id}/cancel", "demo-spokesperson")
    assert cancel.status_code == 201
    assert cancel.json_body["msg_type"] == "Cancel"
    assert cancel.json_body["content"]["response_type"] == ["AllClear"]
    cancel_id = cancel.json_body["id"]
    api.call("POST", f"/advisories/{cancel_id}/submit", "demo-spokesperson")
    api.call("POST", f"/advisories/{cancel_id}/approve", "demo-approver")
    assert api.call("GET", f"/advisories/{update_id}", "demo-auditor").json_body["state"] == "cancelled"
    # A draft cannot be followed up.
    draft = api.call("POST", "/advisories", "demo-spokesperson", advisory_body()).json_body["id"]
    assert api.call("POST", f"/advisories/{draft}/update", "demo-spokesperson").status_code == 409


def test_list_is_newest_first(api: Api) -> None:
    first = api.call("POST", "/advisories", "demo-spokesperson", advisory_body(headline="one")).json_body["id"]
    second = api.call("POST", "/advisories", "demo-spokesperson", advisory_body(headline="two")).json_body["id"]
    listed = [a["id"] for a in api.call("GET", "/advisories", "demo-auditor").json_body["advisories"]]
    assert listed[:2] == [second, first]


def test_a_failed_publish_keeps_the_pending_rows_and_says_so(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    advisory_id = submitted(api)
    monkeypatch.setenv("CLARION_BROADCAST_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:missing-topic")
    composition.use(None)
    response = api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    assert response.status_code == 200
    assert response.json_body["broadcast"]["published"] is False
    assert "could not publish" in response.json_body["broadcast"]["error"]
    rows = api.call("GET", f"/advisories/{advisory_id}/deliveries", "demo-auditor").json_body["deliveries"]
    assert len(rows) == 3 and {r["state"] for r in rows} == {"pending"}
    assert audit_actions(api, advisory_id)[-1] == "broadcast_publish_failed"


def test_channels_are_listed_with_their_sandbox_flag(api: Api) -> None:
    channels = api.call("GET", "/channels", "demo-oncall").json_body["channels"]
    by_id = {c["id"]: c for c in channels}
    assert by_id["mastodon:drills"]["sandbox"] is True
    assert by_id["x:city-health"]["sandbox"] is False
    assert "secret_ref" not in by_id["x:city-health"]
