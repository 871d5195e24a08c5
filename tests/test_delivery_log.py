"""GET /deliveries: the auditors' delivery log across advisories, on the real path (Chalice on moto):
who may read it, its filters, its paging and its CSV export."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, UTC
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib import composition
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.ports import Put
from chalicelib.services import reports
from conftest import Api, advisory_body, deliver_queued

OWNED = ["banner:website", "sms:subscribers"]


def approved(api: Api, channels: list[str] = OWNED, **fields: Any) -> str:
    """An advisory written, submitted and approved: its deliveries are pending."""
    created = api.call("POST", "/advisories", "demo-spokesperson", advisory_body(channels=channels, **fields))
    assert created.status_code == 201, created.json_body
    advisory_id = created.json_body["id"]
    assert api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson").status_code == 200
    assert api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver").status_code == 200
    return advisory_id


def delivered(api: Api, aws: Provisioned, channels: list[str] = OWNED, **fields: Any) -> str:
    advisory_id = approved(api, channels, **fields)
    deliver_queued(api, aws, *sorted({c.split(":")[0] for c in channels}))
    return advisory_id


def log(api: Api, query: str = "", token: str = "demo-auditor") -> dict[str, Any]:
    response = api.call("GET", f"/deliveries?{query}", token)
    assert response.status_code == 200, response.body
    return response.json_body


def every_page(api: Api, query: str) -> list[list[dict[str, Any]]]:
    pages, cursor = [], ""
    while True:
        body = log(api, query + cursor)
        pages.append(body["deliveries"])
        if body["next_cursor"] is None:
            return pages
        cursor = f"&after={body['next_cursor']}"
        assert len(pages) < 50, "the cursor never ran out"


def key(row: dict[str, Any]) -> tuple[str, str]:
    return row["advisory_id"], row["channel_account"]


def iso(moment: datetime) -> str:
    return quote(moment.isoformat())


# -- who may read it ------------------------------------------------------------------------------
def test_without_a_token_it_is_401(api: Api) -> None:
    response = api.call("GET", "/deliveries", None)
    assert response.status_code == 401 and response.json_body["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("token", ["demo-spokesperson", "demo-approver", "demo-oncall"])
def test_only_auditors_and_admins_read_it(api: Api, token: str) -> None:
    response = api.call("GET", "/deliveries", token)
    assert response.status_code == 403 and response.json_body["error"]["code"] == "forbidden"
    assert log(api, token="demo-admin")["deliveries"] == []
    refused = api.call("GET", f"/audit?actor={token}&action=refused:deliveries_read", "demo-auditor")
    assert len(refused.json_body["entries"]) == 1


# -- what it shows, and its filters ------------------------------------------------------------------
def test_it_lists_deliveries_across_advisories_newest_first(api: Api, aws: Provisioned) -> None:
    first = delivered(api, aws, headline="Boil water notice for Riverside")
    second = delivered(api, aws, headline="Boil water notice for Northside")
    body = log(api)
    assert [key(r) for r in body["deliveries"]] == [(second, "banner:website"), (second, "sms:subscribers"),
                                                    (first, "banner:website"), (first, "sms:subscribers")]
    assert body["next_cursor"] is None and body["examined_advisories"] == 2
    banner = body["deliveries"][0]
    assert banner["headline"] == "Boil water notice for Northside" and banner["msg_type"] == "Alert"
    assert banner["state"] == "sent" and banner["attempts"] == 1 and banner["platform"] == "banner"
    assert banner["post_url"] and banner["pin_state"] == "pinned" and banner["latency_ms"] is not None
    assert banner["at"] == banner["finished_at"] and banner["queued_at"] <= banner["at"]


def test_filters_by_channel_platform_state_and_advisory(api: Api, aws: Provisioned) -> None:
    sent = delivered(api, aws)
    pending = approved(api, ["banner:website", "email:subscribers"])  # no worker has run: pending
    assert {key(r) for r in log(api, "channel=banner:website")["deliveries"]} == {
        (sent, "banner:website"), (pending, "banner:website")}
    assert [key(r) for r in log(api, "platform=email")["deliveries"]] == [(pending, "email:subscribers")]
    assert {key(r) for r in log(api, "state=pending")["deliveries"]} == {
        (pending, "banner:website"), (pending, "email:subscribers")}
    assert {key(r) for r in log(api, "state=sent")["deliveries"]} == {(sent, "banner:website"), (sent, "sms:subscribers")}
    assert [key(r) for r in log(api, f"advisory={sent}&platform=sms")["deliveries"]] == [(sent, "sms:subscribers")]
    assert log(api, "advisory=adv_nothing_like_it")["deliveries"] == []
    assert log(api, "channel=slack:staff")["deliveries"] == []


def test_a_draft_costs_no_delivery_read(api: Api, aws: Provisioned) -> None:
    delivered(api, aws)
    for _ in range(3):
        api.call("POST", "/advisories", "demo-spokesperson", advisory_body())
    body = log(api)
    assert len(body["deliveries"]) == 2 and body["examined_advisories"] == 4


def test_filters_by_the_deliverys_own_time(api: Api, aws: Provisioned) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    advisory_id = delivered(api, aws)
    after = datetime.now(UTC) + timedelta(seconds=1)
    assert len(log(api, f"from={iso(before)}&to={iso(after)}")["deliveries"]) == 2
    assert log(api, f"from={iso(after)}")["deliveries"] == []
    assert log(api, f"to={iso(before)}")["deliveries"] == []
    # An unencoded '+' arrives as a space; the offset is still read as meant.
    assert len(log(api, "from=" + before.strftime("%Y-%m-%dT%H:%M:%S") + "+00:00")["deliveries"]) == 2
    row = log(api, f"advisory={advisory_id}&from={iso(before)}")["deliveries"][0]
    assert before.isoformat() <= row["at"] <= after.isoformat()


def test_the_walk_stops_a_week_before_from(api: Api, aws: Provisioned) -> None:
    """ASSUMPTION (services/reports.py, DELIVERY_WINDOW): deliveries happen within 7 days of their
    advisory's creation, so advisories created earlier than that before `from` are not read."""
    old = delivered(api, aws)
    recent = delivered(api, aws)
    store = composition.clarion().store
    advisory = store.get_advisory(old)
    assert advisory is not None
    store.commit([Put(advisory.model_copy(update={"created_at": advisory.created_at - timedelta(days=30),
                                                  "revision": advisory.revision + 1}), advisory.revision)])
    since = datetime.now(UTC) - timedelta(days=1)
    body = log(api, f"from={iso(since)}")
    assert {r["advisory_id"] for r in body["deliveries"]} == {recent}
    assert body["examined_advisories"] == 1 and body["next_cursor"] is None
    assert {r["advisory_id"] for r in log(api)["deliveries"]} == {old, recent}  # without `from`, all of it


@pytest.mark.parametrize("query,field", [
    ("from=yesterday", "from"), ("to=2026-13-01T00:00:00Z", "to"), ("from=2026-01-01T00:00:00", "from"),
    ("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"), ("from=9999-12-31T23:59:59-01:00", "from"),
    ("state=lost", "state"), ("limit=0", "limit"), ("limit=201", "limit"), ("limit=ten", "limit"),
    ("channel=Not%20a%20channel", "channel"), ("platform=X!", "platform"), ("advisory=%3Cscript%3E", "advisory"),
    ("format=xml", "format"), ("since=2026-01-01T00:00:00Z", "since"), ("q=anything", "q"),
    ("after=bm90LWEtY3Vyc29y", "after"), ("after=%25%25%25", "after"),
])
def test_a_bad_query_is_422_naming_the_field(api: Api, query: str, field: str) -> None:
    response = api.call("GET", f"/deliveries?{query}", "demo-auditor")
    assert response.status_code == 422, response.body
    error = response.json_body["error"]
    assert error["code"] == "validation_failed"
    assert field in [d["field"] for d in error["details"]], error


# -- paging -----------------------------------------------------------------------------------------
def test_pages_follow_the_cursor_to_the_whole_log(api: Api, aws: Provisioned) -> None:
    for _ in range(4):
        delivered(api, aws, channels=["banner:website", "sms:subscribers", "cap_feed:public"])
    everything = log(api, "limit=200")["deliveries"]
    assert len(everything) == 12
    pages = every_page(api, "limit=5")  # page breaks fall inside an advisory's deliveries
    assert [len(p) for p in pages] == [5, 5, 2]
    assert [key(r) for p in pages for r in p] == [key(r) for r in everything]


def test_a_page_stops_at_its_read_budget_and_the_cursor_goes_on(api: Api, aws: Provisioned,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [delivered(api, aws) for _ in range(3)]
    monkeypatch.setattr(reports, "READS_PER_PAGE", 1)
    pages = every_page(api, "limit=50")
    assert all(len(p) <= 2 for p in pages)
    assert [r["advisory_id"] for p in pages for r in p] == [i for i in reversed(ids) for _ in range(2)]
    # A filter that matches nothing in the first advisory read answers an empty page, and a cursor.
    first = log(api, "limit=50&channel=sms:subscribers&state=failed")
    assert first["deliveries"] == [] and first["next_cursor"] is not None


def test_new_advisories_do_not_shift_a_page_already_started(api: Api, aws: Provisioned) -> None:
    ids = [delivered(api, aws) for _ in range(3)]
    first = log(api, "limit=3")
    delivered(api, aws)  # newer: it sorts before everything already listed
    rest = every_page(api, f"limit=3&after={first['next_cursor']}")
    listed = [key(r) for r in first["deliveries"]] + [key(r) for p in rest for r in p]
    assert listed == [(i, c) for i in reversed(ids) for c in OWNED]


# -- CSV --------------------------------------------------------------------------------------------
def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.body.decode())))


def test_csv_exports_the_whole_filter_with_safe_cells(api: Api, aws: Provisioned) -> None:
    formula = delivered(api, aws, headline='=HYPERLINK("http://evil.example","click")')
    delivered(api, aws)
    response = api.call("GET", "/deliveries?format=csv&limit=1", "demo-auditor")  # limit is per JSON page
    rows = csv_rows(response)
    assert len(rows) == 4 and "X-Truncated" not in response.headers
    assert list(rows[0])[:8] == ["at", "advisory_id", "msg_type", "status", "headline", "channel_account",
                                 "platform", "state"]
    mine = [r for r in rows if r["advisory_id"] == formula]
    assert len(mine) == 2 and all(r["headline"].startswith("'=") for r in mine)
    assert {r["state"] for r in rows} == {"sent"} and all(r["content_hash"] for r in rows)
    only_sms = csv_rows(api.call("GET", "/deliveries?format=csv&platform=sms", "demo-auditor"))
    assert {r["channel_account"] for r in only_sms} == {"sms:subscribers"} and len(only_sms) == 2


def test_a_capped_csv_says_so_and_can_be_continued(api: Api, aws: Provisioned,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(3):
        delivered(api, aws)
    monkeypatch.setattr(reports, "MAX_CSV_ROWS", 4)
    response = api.call("GET", "/deliveries?format=csv", "demo-auditor")
    assert response.status_code == 200 and response.headers["X-Truncated"] == "true"
    lines = list(csv.reader(io.StringIO(response.body.decode())))
    assert len(lines) == 1 + 4 + 1 and lines[-1][0] == "TRUNCATED" and "after=" in lines[-1][1]
    link = response.headers["Link"]
    rest = api.call("GET", "/deliveries" + link[1:link.index(">")], "demo-auditor")
    tail = list(csv.reader(io.StringIO(rest.body.decode())))
    assert "X-Truncated" not in rest.headers and len(tail) == 1 + 2 and tail[-1][0] != "TRUNCATED"
    whole = {(r[1], r[5]) for r in lines[1:-1] + tail[1:]}
    assert len(whole) == 6
