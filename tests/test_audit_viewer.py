"""The auditors' audit-trail viewer (issue 14): GET /audit's filters and paging as the console uses
them, and GET /audit/verify naming the first broken entry, why, and the entry as stored."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, UTC
from typing import Any
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from chalicelib import composition
from chalicelib.domain.models import AuditEntry
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.services import audit_trail
from conftest import Api, advisory_body
from test_audit_trail import advisory_chain, audit_item, delete_entry, put_raw, some_history


def entries(api: Api, query: str) -> list[dict[str, Any]]:
    response = api.call("GET", f"/audit?{query}", "demo-auditor")
    assert response.status_code == 200, response.body
    return response.json_body["entries"]


def pages(api: Api, query: str) -> list[list[dict[str, Any]]]:
    out, cursor = [], ""
    while True:
        response = api.call("GET", f"/audit?{query}{cursor}", "demo-auditor")
        assert response.status_code == 200, response.body
        out.append(response.json_body["entries"])
        if response.json_body["next_cursor"] is None:
            return out
        cursor = f"&cursor={response.json_body['next_cursor']}"
        assert len(out) < 100


def iso(moment: datetime) -> str:
    return quote(moment.isoformat())


# -- filters ------------------------------------------------------------------------------------------
def test_each_filter_and_their_combination(api: Api) -> None:
    start = datetime.now(UTC) - timedelta(seconds=1)
    first = some_history(api)
    middle = datetime.now(UTC)
    second = some_history(api)
    end = datetime.now(UTC) + timedelta(seconds=1)
    assert {e["advisory_id"] for e in entries(api, f"advisory_id={first}")} == {first}
    assert {e["actor"] for e in entries(api, "actor=demo-approver")} == {"demo-approver"}
    assert [e["advisory_id"] for e in entries(api, "action=approve")] == [first, second]
    assert [e["action"] for e in entries(api, f"advisory_id={second}&actor=demo-approver&action=approve")] == [
        "approve"]
    in_range = entries(api, f"since={iso(middle)}&until={iso(end)}")
    assert in_range and {e["advisory_id"] for e in in_range} == {second}
    assert all(middle.isoformat() <= e["at"] <= end.isoformat() for e in in_range)
    # `from` / `to` are the same filter, as GET /deliveries names it.
    assert entries(api, f"from={iso(middle)}&to={iso(end)}") == in_range
    assert {e["advisory_id"] for e in entries(api, f"from={iso(start)}&to={iso(middle)}")} >= {first}
    assert second not in {e["advisory_id"] for e in entries(api, f"from={iso(start)}&to={iso(middle)}")}


@pytest.mark.parametrize("query,field", [
    ("since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "until"),
    ("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
    ("until=9999-12-31T23:59:59-01:00", "until"), ("since=1999-12-31T00:00:00Z", "since"),
    ("actor_id=demo-approver", "actor_id"), ("advisory=adv_1", "advisory"),
])
def test_a_bad_filter_is_422_naming_the_field(api: Api, query: str, field: str) -> None:
    response = api.call("GET", f"/audit?{query}", "demo-auditor")
    assert response.status_code == 422, response.body
    assert field in [d["field"] for d in response.json_body["error"]["details"]]


def test_since_and_from_together_are_refused(api: Api) -> None:
    response = api.call("GET", "/audit?since=2026-01-01T00:00:00Z&from=2026-01-02T00:00:00Z", "demo-auditor")
    assert response.status_code == 422 and "not both" in response.body.decode()


def test_an_unencoded_plus_in_the_offset_is_read_as_meant(api: Api) -> None:
    some_history(api)
    hour_ago = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert entries(api, f"since={hour_ago}+00:00")  # arrives as a space


# -- paging -------------------------------------------------------------------------------------------
def test_filtered_pages_join_into_the_whole_filter(api: Api) -> None:
    for _ in range(3):
        some_history(api)
    whole = entries(api, "action=submit")
    assert len(whole) == 3
    split = pages(api, "action=submit&limit=2")
    assert [len(p) for p in split] == [2, 1]
    assert [e["seq"] for p in split for e in p] == [e["seq"] for e in whole]


def test_a_page_reads_a_bounded_number_of_entries(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(3):
        some_history(api)
    whole = entries(api, "action=approve")
    monkeypatch.setattr(audit_trail, "MAX_EXAMINED", 5)
    first = api.call("GET", "/audit?action=approve&actor=demo-approver", "demo-auditor").json_body
    assert len(first["entries"]) <= 1 and first["next_cursor"] is not None
    split = pages(api, "action=approve&actor=demo-approver")
    assert [e["seq"] for p in split for e in p] == [e["seq"] for e in whole]


def test_a_filter_with_until_stops_reading_past_it(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    some_history(api)
    past = datetime.now(UTC) - timedelta(hours=2)
    store = composition.clarion().store
    read: list[int] = []
    original = store.audit_entries

    def counted(after: str | None = None) -> Iterator[AuditEntry]:
        for entry in original(after):
            read.append(entry.seq)
            yield entry

    monkeypatch.setattr(store, "audit_entries", counted)
    body = api.call("GET", f"/audit?until={iso(past)}", "demo-auditor").json_body
    assert body == {"entries": [], "next_cursor": None}
    assert len(read) == 1  # the first entry is already well past `until`


# -- verify -------------------------------------------------------------------------------------------
def verify(api: Api) -> dict[str, Any]:
    response = api.call("GET", "/audit/verify", "demo-auditor")
    assert response.status_code == 200
    return response.json_body


def test_an_intact_trail_says_so_and_how_far(api: Api) -> None:
    some_history(api)
    result = verify(api)
    assert result["intact"] is True and result["entries"] == result["head_seq"] >= 6
    assert "broken_entry" not in result and "problem" not in result


def test_a_modified_entry_is_shown_as_stored(api: Api, aws: Provisioned) -> None:
    advisory_id = some_history(api)
    item = audit_item(aws, 3, advisory_id)
    doc = json.loads(item["doc"]["S"])
    doc["summary"] = "nothing happened here"
    put_raw(aws, {**item, "doc": {"S": json.dumps(doc)}})
    result = verify(api)
    assert result["intact"] is False and result["first_broken_seq"] == 3 and result["verified_through_seq"] == 2
    assert "entry 3 was modified" in result["problem"]
    broken = result["broken_entry"]
    assert broken["seq"] == 3 and broken["summary"] == "nothing happened here"
    assert broken["advisory_id"] == advisory_id


def test_a_missing_entry_shows_what_stands_in_its_place(api: Api, aws: Provisioned) -> None:
    advisory_id = some_history(api)
    delete_entry(aws, 2, advisory_id)
    result = verify(api)
    assert result["first_broken_seq"] == 2 and "missing" in result["problem"]
    assert result["broken_entry"]["seq"] == 3 and result["chain"] == advisory_chain(advisory_id)


def test_entries_deleted_from_the_end_have_no_entry_to_show(api: Api, aws: Provisioned) -> None:
    advisory_id = some_history(api)
    recorded = verify(api)["head_seq"]
    head = composition.clarion().store.audit_heads()[advisory_chain(advisory_id)].seq
    delete_entry(aws, head, advisory_id)
    result = verify(api)
    assert result["intact"] is False and result["first_broken_seq"] == head
    assert result["broken_entry"] is None and "deleted" in result["problem"]
    assert result["verified_through_seq"] == head - 1 and result["head_seq"] == recorded


def test_entries_appended_while_verifying_are_simply_extra(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """verify reads the head first; what is appended after that is not judged against it."""
    some_history(api)
    store = composition.clarion().store
    heads = store.audit_heads()
    api.call("POST", "/advisories", "demo-spokesperson", advisory_body())
    monkeypatch.setattr(store, "audit_heads", lambda **_: heads)
    result = verify(api)
    assert result["intact"] is True and result["entries"] == result["head_seq"] == sum(h.seq for h in heads.values())
