"""The audit trail: filters, CSV export, and a verify that catches tampering in the table itself."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, UTC
from typing import Any

import boto3
import pytest

from chalicelib.infra.bootstrap import Provisioned
from conftest import Api, advisory_body


def some_history(api: Api) -> str:
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", advisory_body()).json_body["id"]
    api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    return advisory_id


def advisory_chain(advisory_id: str) -> str:
    """The audit chain of the advisory item (domain/audit.py): its create, submit, approve, broadcast."""
    return f"ADV#{advisory_id}/ADV"


def entry_key(advisory_id: str, seq: int) -> dict[str, Any]:
    return {"pk": {"S": f"AUDIT#{advisory_chain(advisory_id)}"}, "sk": {"S": f"{seq:012d}"}}


def audit_item(aws: Provisioned, seq: int, advisory_id: str) -> dict[str, Any]:
    """Entry `seq` of the advisory's chain, as stored."""
    return boto3.client("dynamodb").get_item(TableName=aws.table, Key=entry_key(advisory_id, seq))["Item"]


def delete_entry(aws: Provisioned, seq: int, advisory_id: str) -> None:
    boto3.client("dynamodb").delete_item(TableName=aws.table, Key=entry_key(advisory_id, seq))


def put_raw(aws: Provisioned, item: dict[str, Any]) -> None:
    boto3.client("dynamodb").put_item(TableName=aws.table, Item=item)


def verify(api: Api) -> dict[str, Any]:
    response = api.call("GET", "/audit/verify", "demo-auditor")
    assert response.status_code == 200
    return response.json_body


def test_an_untouched_trail_verifies(api: Api) -> None:
    some_history(api)
    result = verify(api)
    assert result["intact"] is True and result["entries"] >= 6


def test_a_modified_entry_is_named(api: Api, aws: Provisioned) -> None:
    advisory_id = some_history(api)
    item = audit_item(aws, 3, advisory_id)
    doc = json.loads(item["doc"]["S"])
    doc["actor"] = "someone-else"
    put_raw(aws, {**item, "doc": {"S": json.dumps(doc)}})
    result = verify(api)
    assert result == {**result, "intact": False, "first_broken_seq": 3, "chain": advisory_chain(advisory_id)}
    assert "modified" in result["problem"]


def test_a_deleted_entry_is_named(api: Api, aws: Provisioned) -> None:
    advisory_id = some_history(api)
    delete_entry(aws, 2, advisory_id)
    result = verify(api)
    assert result["intact"] is False and result["first_broken_seq"] == 2
    assert "missing" in result["problem"]


def test_deleting_the_newest_entries_is_caught_by_the_head(api: Api, aws: Provisioned) -> None:
    advisory_id = some_history(api)
    head = len(api.call("GET", f"/audit?advisory_id={advisory_id}", "demo-auditor").json_body["entries"]) - 1
    assert audit_item(aws, head, advisory_id)  # the advisory chain's last (broadcast_published is a system one)
    delete_entry(aws, head, advisory_id)
    result = verify(api)
    assert result["intact"] is False and result["first_broken_seq"] == head
    assert "deleted" in result["problem"]


def test_reordered_entries_are_named(api: Api, aws: Provisioned) -> None:
    """Swap entries 2 and 3, renumbering them so the sequence itself looks whole."""
    advisory_id = some_history(api)
    second, third = audit_item(aws, 2, advisory_id), audit_item(aws, 3, advisory_id)
    doc2, doc3 = json.loads(second["doc"]["S"]), json.loads(third["doc"]["S"])
    doc2["seq"], doc3["seq"] = 3, 2
    put_raw(aws, {**second, "doc": {"S": json.dumps(doc3)}})
    put_raw(aws, {**third, "doc": {"S": json.dumps(doc2)}})
    result = verify(api)
    assert result["intact"] is False and result["first_broken_seq"] == 2
    assert "does not follow" in result["problem"]


def test_a_rehashed_forgery_still_breaks_the_chain(api: Api, aws: Provisioned) -> None:
    """Recomputing the edited entry's own hash does not help: the next entry points at the old one."""
    from chalicelib.domain.audit import entry_hash
    from chalicelib.domain.models import AuditEvent

    advisory_id = some_history(api)
    item = audit_item(aws, 3, advisory_id)
    doc = json.loads(item["doc"]["S"])
    doc["summary"] = "nothing to see"
    event = AuditEvent(**{k: doc[k] for k in ("actor", "action", "advisory_id", "summary", "at")})
    doc["hash"] = entry_hash(3, doc["prev_hash"], event, doc["chain"])
    put_raw(aws, {**item, "doc": {"S": json.dumps(doc)}})
    result = verify(api)
    assert result["intact"] is False and result["first_broken_seq"] == 4


def test_filters_by_advisory_actor_and_time(api: Api) -> None:
    advisory_id = some_history(api)
    other = api.call("POST", "/advisories", "demo-spokesperson-2", advisory_body()).json_body["id"]
    by_advisory = api.call("GET", f"/audit?advisory_id={advisory_id}", "demo-auditor").json_body["entries"]
    assert {e["advisory_id"] for e in by_advisory} == {advisory_id}
    by_actor = api.call("GET", "/audit?actor=demo-spokesperson-2", "demo-auditor").json_body["entries"]
    assert [e["advisory_id"] for e in by_actor] == [other]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert api.call("GET", f"/audit?since={future}", "demo-auditor").json_body["entries"] == []
    everything = api.call("GET", f"/audit?until={future}", "demo-auditor").json_body["entries"]
    assert len(everything) >= len(by_advisory) + 1


def test_a_bad_filter_is_422_not_500(api: Api) -> None:
    response = api.call("GET", "/audit?since=yesterday", "demo-auditor")
    assert response.status_code == 422
    assert response.json_body["error"]["details"][0]["field"] == "since"
    assert api.call("GET", "/audit?format=xml", "demo-auditor").status_code == 400


def test_csv_export_has_every_column_and_neutralises_formulas(api: Api) -> None:
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson",
                           advisory_body(headline="=HYPERLINK(\"http://evil\")")).json_body["id"]
    response = api.call("GET", f"/audit?advisory_id={advisory_id}&format=csv", "demo-auditor")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.body.decode())))
    assert list(rows[0]) == ["seq", "at", "actor", "action", "advisory_id", "summary", "prev_hash", "hash", "chain"]
    assert rows[0]["action"] == "create" and rows[0]["advisory_id"] == advisory_id
    assert not rows[0]["summary"].startswith("=")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_no_api_changes_or_deletes_an_entry(api: Api, method: str) -> None:
    response = api.call(method, "/audit", "demo-admin", {})
    assert response.status_code in (403, 405)
