"""Signed audit digests (issue 16): what a table writer can do to the trail, and what catches it.

A writer with access to the table can re-hash a chain consistently, roll a head back over deleted
entries, or delete a head or a whole chain: each chain then agrees with itself, but not with the
digest of the chain heads that the digest job signed with the KMS key and stored write-once.
Each case is named by /audit/verify, raises the integrity alarm, and recording goes on.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib import composition
from chalicelib.adapters.digests import DIGEST_PREFIX
from chalicelib.adapters.dynamodb import DynamoDBStore
from chalicelib.domain.audit import entry_hash, event_of
from chalicelib.domain.models import AuditEntry, AuditEvent
from chalicelib.infra import resources
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.services.audit_digest import AuditDigester
from chalicelib.services.common import revise
from conftest import Api
from test_audit_trail import advisory_chain, audit_item, delete_entry, put_raw, some_history

Alarms = list[tuple[str, str]]


@pytest.fixture
def alarms(api: Api) -> Iterator[Alarms]:
    """What the store, verify and the digest job page on-call with."""
    raised: Alarms = []
    services = composition.clarion()

    def alarm(subject: str, message: str) -> None:
        raised.append((subject, message))

    services.store._alarm = alarm  # type: ignore[attr-defined]
    services.audit.attach(*composition.audit_digests(), alarm=alarm)
    yield raised


def digest_now(alarms: Alarms | None = None) -> Any:
    archive, signer = composition.audit_digests()
    assert archive is not None and signer is not None
    from chalicelib.composition import SystemClock

    alarm = None if alarms is None else (lambda s, m: alarms.append((s, m)))
    return AuditDigester(composition.clarion().store, archive, signer, SystemClock(), alarm=alarm).run()


def verify(api: Api) -> dict[str, Any]:
    response = api.call("GET", "/audit/verify", "demo-auditor")
    assert response.status_code == 200
    body: dict[str, Any] = response.json_body
    return body


def head_key(advisory_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"AUDIT#{advisory_chain(advisory_id)}"}, "sk": {"S": "HEAD"}}


def record_more(advisory_id: str, store: Any = None) -> list[AuditEntry]:
    """Another audited change to the advisory (the item whose chain was tampered with)."""
    store = store or composition.clarion().store
    advisory = store.get_advisory(advisory_id)
    _changed, put = revise(advisory, author=advisory.author)
    return list(store.commit([put], [AuditEvent(actor="demo-admin", action="note", advisory_id=advisory_id,
                                                summary="recorded after the tampering")]))


def test_a_digest_is_signed_and_verifies_with_the_kms_public_key(api: Api, aws: Provisioned) -> None:
    advisory_id = some_history(api)
    digest = digest_now()
    assert digest.heads[advisory_chain(advisory_id)].seq == 4
    s3, kms = boto3.client("s3"), boto3.client("kms")
    stored = s3.get_object(Bucket=aws.audit_digest_bucket, Key=DIGEST_PREFIX + digest.name)
    body = stored["Body"].read()
    assert json.loads(body)["heads"][advisory_chain(advisory_id)]["seq"] == 4
    import base64

    signature = base64.b64decode(stored["Metadata"]["signature"])
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=aws.audit_key_id)["PublicKey"])
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(signature, body, ec.ECDSA(hashes.SHA256()))  # raises if it does not verify
    assert kms.verify(KeyId=aws.audit_key_id, Message=body, MessageType="RAW", Signature=signature,
                      SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"]
    assert s3.get_object_lock_configuration(Bucket=aws.audit_digest_bucket)[
        "ObjectLockConfiguration"]["ObjectLockEnabled"] == "Enabled"
    result = verify(api)
    assert result["intact"] is True and result["digests"] == 1 and result["digested_at"]


def test_digests_form_a_chain_and_sign_only_what_moved(api: Api) -> None:
    first_id = some_history(api)
    first = digest_now()
    second_id = some_history(api)
    second = digest_now()
    assert advisory_chain(second_id) in second.heads and advisory_chain(first_id) in first.heads
    assert second.previous != first.previous  # the second names the first's hash
    assert verify(api) == {**verify(api), "intact": True, "digests": 2}


def test_a_consistent_rewrite_is_named_by_the_signed_digest(api: Api, aws: Provisioned, alarms: Alarms) -> None:
    """Edit entry 2 and re-hash it and everything after it, head included: the chain agrees with
    itself, but not with the signed digest."""
    advisory_id = some_history(api)
    digest_now()
    chain = advisory_chain(advisory_id)
    prev_hash = audit_item(aws, 1, advisory_id) and json.loads(audit_item(aws, 1, advisory_id)["doc"]["S"])["hash"]
    for seq in range(2, 5):
        item = audit_item(aws, seq, advisory_id)
        entry = AuditEntry.model_validate_json(item["doc"]["S"])
        if seq == 2:
            entry = entry.model_copy(update={"summary": "nothing to see here"})
        forged = entry.model_copy(update={"prev_hash": prev_hash,
                                          "hash": entry_hash(seq, prev_hash, event_of(entry), chain)})
        put_raw(aws, {**item, "doc": {"S": forged.model_dump_json()}})
        prev_hash = forged.hash
    put_raw(aws, {**boto3.client("dynamodb").get_item(TableName=aws.table, Key=head_key(advisory_id))["Item"],
                  "hash": {"S": prev_hash}})
    result = verify(api)
    assert result["intact"] is False and result["chain"] == chain and result["first_broken_seq"] == 4
    assert "rewritten" in result["problem"] and "signed digest" in result["problem"]
    assert any("rewritten" in message for _, message in alarms)
    assert record_more(advisory_id)[0].seq == 5  # recording goes on
    assert "rewritten" in verify(api)["problem"]


def test_a_head_rolled_back_over_deleted_entries_is_named(api: Api, aws: Provisioned, alarms: Alarms) -> None:
    advisory_id = some_history(api)
    digest_now()
    second = json.loads(audit_item(aws, 2, advisory_id)["doc"]["S"])
    delete_entry(aws, 4, advisory_id)
    delete_entry(aws, 3, advisory_id)
    put_raw(aws, {**boto3.client("dynamodb").get_item(TableName=aws.table, Key=head_key(advisory_id))["Item"],
                  "seq": {"N": "2"}, "hash": {"S": second["hash"]}})
    result = verify(api)
    assert result["intact"] is False and result["first_broken_seq"] == 3
    assert "rolled back" in result["problem"] and advisory_chain(advisory_id) in result["problem"]
    assert alarms
    alarms.clear()
    assert record_more(advisory_id)[0].seq == 3  # recording goes on (from the chain as it is)...
    assert any("went back" in message for _, message in alarms)  # ...and the writer noticed the head move back
    assert "rolled back" in verify(api)["problem"]
    digest_now(alarms)  # the next digest pages on-call too
    assert any("signed entry 4" in message for _, message in alarms)


def test_a_deleted_head_is_named_and_recording_goes_on(api: Api, aws: Provisioned, alarms: Alarms) -> None:
    advisory_id = some_history(api)
    digest_now()
    boto3.client("dynamodb").delete_item(TableName=aws.table, Key=head_key(advisory_id))
    result = verify(api)
    assert result["intact"] is False and result["chain"] == advisory_chain(advisory_id)
    assert "head of chain" in result["problem"] and "deleted" in result["problem"]
    assert alarms
    alarms.clear()
    # Another process (no head cached) appends: its entry 1 is taken, so it finds the chain's end,
    # pages on-call about the missing head, and appends after it; never a 503 "too busy".
    raised: Alarms = []
    fresh = DynamoDBStore(boto3.client("dynamodb"), resources.table_name(),
                          alarm=lambda s, m: raised.append((s, m)))
    assert record_more(advisory_id, fresh)[0].seq == 5
    assert any("missing" in message for _, message in raised)
    assert verify(api)["intact"] is True  # the head is back, and the chain still matches the digest


def test_a_deleted_chain_is_named_by_the_signed_digest(api: Api, aws: Provisioned, alarms: Alarms) -> None:
    advisory_id = some_history(api)
    digest_now()
    for seq in range(1, 5):
        delete_entry(aws, seq, advisory_id)
    boto3.client("dynamodb").delete_item(TableName=aws.table, Key=head_key(advisory_id))
    result = verify(api)
    assert result["intact"] is False and "was deleted" in result["problem"]
    assert "signed digest" in result["problem"] and alarms


def test_a_truncated_chain_is_named(api: Api, aws: Provisioned) -> None:
    """The newest entries deleted, the head left alone: the head names it even before a digest."""
    advisory_id = some_history(api)
    digest_now()
    delete_entry(aws, 4, advisory_id)
    result = verify(api)
    assert result["intact"] is False and result["first_broken_seq"] == 4 and "deleted" in result["problem"]


def test_a_forged_digest_is_named(api: Api, aws: Provisioned) -> None:
    """A digest not signed by the audit key (only the digest job may kms:Sign) is refused."""
    some_history(api)
    digest = digest_now()
    boto3.client("s3").put_object(Bucket=aws.audit_digest_bucket, Key=DIGEST_PREFIX + digest.name + "x",
                                  Body=b"{}", Metadata={"signature": "AAAA"})
    result = verify(api)
    assert result["intact"] is False and "not signed by the audit key" in result["problem"]


# -- the quick verify: from the newest signed digest on ------------------------------------------------
def verify_recent(api: Api) -> dict[str, Any]:
    response = api.call("GET", "/audit/verify?scope=recent", "demo-auditor")
    assert response.status_code == 200, response.json_body
    body: dict[str, Any] = response.json_body
    return body


def test_the_recent_verify_reads_each_chain_from_its_signed_checkpoint(api: Api, aws: Provisioned) -> None:
    advisory_id = some_history(api)
    assert verify_recent(api)["scope"] == "full"  # no digest yet: the full verify
    digest_now()
    record_more(advisory_id)
    full, recent = verify(api), verify_recent(api)
    assert full["intact"] is True and recent["intact"] is True and recent["scope"] == "recent"
    assert recent["entries"] < full["entries"]  # the chain's entries before its checkpoint are not read
    assert recent["digests"] == full["digests"] == 1


def test_the_recent_verify_names_what_was_done_since_the_digest(api: Api, aws: Provisioned, alarms: Alarms) -> None:
    advisory_id = some_history(api)
    digest_now()
    record_more(advisory_id)
    item = audit_item(aws, 5, advisory_id)
    entry = AuditEntry.model_validate_json(item["doc"]["S"])
    put_raw(aws, {**item, "doc": {"S": entry.model_copy(update={"summary": "quietly changed"}).model_dump_json()}})
    result = verify_recent(api)
    assert result["intact"] is False and result["first_broken_seq"] == 5 and "modified" in result["problem"]
    assert any("modified" in message for _, message in alarms)


def test_the_recent_verify_names_a_rewritten_checkpoint_a_rollback_and_a_deleted_head(
        api: Api, aws: Provisioned) -> None:
    rewritten, rolled_back, headless = some_history(api), some_history(api), some_history(api)
    digest_now()
    chain = advisory_chain(rewritten)
    item = audit_item(aws, 4, rewritten)  # the signed entry, re-hashed consistently with its head
    entry = AuditEntry.model_validate_json(item["doc"]["S"]).model_copy(update={"summary": "forged"})
    forged = entry.model_copy(update={"hash": entry_hash(4, entry.prev_hash, event_of(entry), chain)})
    put_raw(aws, {**item, "doc": {"S": forged.model_dump_json()}})
    head = boto3.client("dynamodb").get_item(TableName=aws.table, Key=head_key(rewritten))["Item"]
    put_raw(aws, {**head, "hash": {"S": forged.hash}})
    result = verify_recent(api)
    assert result["intact"] is False and "rewritten" in result["problem"] and result["chain"] == chain

    put_raw(aws, item)  # put the entry and head back: one broken chain at a time
    put_raw(aws, head)
    assert verify_recent(api)["intact"] is True

    rolled_head = boto3.client("dynamodb").get_item(TableName=aws.table, Key=head_key(rolled_back))["Item"]
    removed = [audit_item(aws, 3, rolled_back), audit_item(aws, 4, rolled_back)]
    second = json.loads(audit_item(aws, 2, rolled_back)["doc"]["S"])
    delete_entry(aws, 4, rolled_back)
    delete_entry(aws, 3, rolled_back)
    put_raw(aws, {**rolled_head, "seq": {"N": "2"}, "hash": {"S": second["hash"]}})
    result = verify_recent(api)
    assert result["intact"] is False and "rolled back" in result["problem"]
    for entry_item in [*removed, rolled_head]:
        put_raw(aws, entry_item)
    assert verify_recent(api)["intact"] is True

    boto3.client("dynamodb").delete_item(TableName=aws.table, Key=head_key(headless))
    result = verify_recent(api)
    assert result["intact"] is False and "deleted" in result["problem"] and result["chain"] == advisory_chain(headless)


def test_an_entry_before_its_checkpoint_is_seen_only_by_the_full_verify(api: Api, aws: Provisioned) -> None:
    """The recent verify trusts the signed checkpoint and does not read the entries before it:
    an edit there (hash left as it was) is the full verify's to find. Both are on the API."""
    advisory_id = some_history(api)
    digest_now()
    item = audit_item(aws, 2, advisory_id)
    entry = AuditEntry.model_validate_json(item["doc"]["S"])
    put_raw(aws, {**item, "doc": {"S": entry.model_copy(update={"summary": "quietly changed"}).model_dump_json()}})
    assert verify_recent(api)["intact"] is True
    full = verify(api)
    assert full["intact"] is False and full["first_broken_seq"] == 2 and "modified" in full["problem"]


def test_an_unknown_scope_is_refused_clearly(api: Api) -> None:
    response = api.call("GET", "/audit/verify?scope=everything", "demo-auditor")
    assert response.status_code == 422 and "scope" in json.dumps(response.json_body)


# -- the nightly full check, on the digest job -----------------------------------------------------------
def scheduled(at: str) -> dict[str, Any]:
    return {"version": "0", "id": "e1", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "123456789012", "time": at, "region": "us-east-1",
            "resources": ["arn:aws:events:us-east-1:123456789012:rule/audit_digest"], "detail": {}}


def test_the_digest_run_at_three_also_verifies_the_whole_trail(api: Api, aws: Provisioned, alarms: Alarms) -> None:
    """What the quick check cannot see (an entry before its checkpoint edited), the nightly run of
    the digest job finds and pages on-call about; the other runs only sign."""
    advisory_id = some_history(api)
    night = api.client.lambda_.invoke("audit_digest", scheduled("2026-12-07T03:00:00Z")).payload
    assert night["full_check"]["intact"] is True and night["full_check"]["scope"] == "full"
    item = audit_item(aws, 2, advisory_id)
    entry = AuditEntry.model_validate_json(item["doc"]["S"])
    put_raw(aws, {**item, "doc": {"S": entry.model_copy(update={"summary": "quietly changed"}).model_dump_json()}})
    day = api.client.lambda_.invoke("audit_digest", scheduled("2026-12-07T14:30:00Z")).payload
    assert day["full_check"] is None and day["digest"]
    assert verify_recent(api)["intact"] is True  # the quick check trusts the signed checkpoint
    next_night = api.client.lambda_.invoke("audit_digest", scheduled("2026-12-08T03:14:59Z")).payload
    assert next_night["full_check"]["intact"] is False and "modified" in next_night["full_check"]["problem"]
    assert any("modified" in message for _, message in alarms)


@pytest.mark.parametrize("at,due", [("2026-12-07T03:00:00Z", True), ("2026-12-07T03:15:00Z", False),
                                    ("2026-12-07T02:59:59Z", False), ("2026-12-07T04:05:00+01:00", True),
                                    ("not a time", False)])
def test_one_digest_run_a_day_carries_the_full_check(at: str, due: bool) -> None:
    from chalicelib.domain.audit import full_check_due

    assert full_check_due(at) is due
