"""Issue 11, item 8: an admin cannot lock everyone out, repeated refusals cannot flood the audit
trail, and the trail is read a page at a time (JSON and CSV) on the real path (Chalice on moto)."""
from __future__ import annotations

import base64
import csv
import io
from datetime import datetime, UTC
from typing import Any
from collections.abc import Sequence

import pytest

from chalicelib import composition
from chalicelib.adapters.dynamodb import DynamoDBStore
from chalicelib.domain.errors import Conflict
from chalicelib.domain.models import AuditEvent, Role, User
from chalicelib.services.access import AccessService
from chalicelib.services.common import record_refusal
from conftest import Api, advisory_body

LEE = User(id="lee", name="Lee", roles=frozenset({Role.ADMIN}))
ASH = User(id="ash", name="Ash", roles=frozenset({Role.ADMIN}))


def another_process() -> DynamoDBStore:
    """A second Lambda process: its own client and store on the same table."""
    import boto3
    from chalicelib.infra import resources

    return DynamoDBStore(boto3.client("dynamodb"), resources.table_name())


def trail(api: Api, **params: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in {"limit": "1000", **params}.items())
    response = api.call("GET", f"/audit?{query}", "demo-auditor")
    assert response.status_code == 200, response.json_body
    return response.json_body["entries"]


# -- admins -------------------------------------------------------------------------------------
def test_an_admin_cannot_disable_themselves(api: Api) -> None:
    response = api.call("POST", "/users/demo-admin/disable", "demo-admin")
    assert response.status_code == 409
    assert "yourself" in response.json_body["error"]["message"]
    assert api.call("GET", "/me", "demo-admin").status_code == 200
    assert api.call("POST", "/users/demo-oncall/disable", "demo-admin").status_code == 200


def test_the_last_enabled_admin_stays_enabled(api: Api) -> None:
    """demo-admin is the only stored admin; a caller whose admin role was taken away after the
    route checked it (the service is the last line) cannot disable them."""
    store = composition.clarion().store
    former = User(id="kit", name="Kit", roles=frozenset({Role.AUDITOR}))
    with pytest.raises(Conflict) as refused:
        AccessService(store, "local").set_disabled(former, "demo-admin", True)
    assert "last enabled admin" in refused.value.message
    assert store.get_user("demo-admin").disabled is False  # type: ignore[union-attr]


class InterleavingStore:
    """The store of process A, which lets process B run `meanwhile` just before A's commit:
    the two requests read the same state and race to write."""

    def __init__(self, store: DynamoDBStore, meanwhile: Any) -> None:
        self._store, self._meanwhile = store, meanwhile

    def commit(self, puts: Sequence[Any], events: Sequence[Any] = ()) -> None:
        meanwhile, self._meanwhile = self._meanwhile, None
        if meanwhile:
            meanwhile()
        self._store.commit(puts, events)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_two_admins_disabling_each_other_at_once_leave_one_enabled(api: Api) -> None:
    process_a, process_b = another_process(), another_process()
    for admin in (LEE, ASH):
        AccessService(process_a, "prod").authenticate(
            "Bearer eyJ.a", {"cognito:username": admin.id, "cognito:groups": "admin"})
    ash_disables_lee = lambda: AccessService(process_b, "prod").set_disabled(ASH, "lee", True)  # noqa: E731
    racing = AccessService(InterleavingStore(process_a, ash_disables_lee), "prod")  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        racing.set_disabled(LEE, "ash", True)
    rows = {u.id: u.disabled for u in process_a.list_users() if u.id in ("lee", "ash")}
    assert rows == {"lee": True, "ash": False}


# -- refusals -----------------------------------------------------------------------------------
def test_a_flood_of_refused_requests_is_one_entry_a_minute_with_its_count(api: Api) -> None:
    before = len(trail(api))
    for _ in range(40):
        assert api.call("GET", "/users", "demo-oncall").status_code == 403
    refused = [e for e in trail(api)[before:] if e["actor"] == "demo-oncall"]
    # One entry, or two if the 40 requests straddled a minute boundary.
    assert 1 <= len(refused) <= 2 and refused[0]["action"] == "refused:users_read"


def at(minute: int, second: int = 0) -> datetime:
    return datetime(2026, 12, 4, 3, minute, second, tzinfo=UTC)


def refusal(when: datetime, actor: str = "mallory") -> AuditEvent:
    return AuditEvent(actor=actor, action="refused:users_read", summary="needs admin", at=when)


def test_repeats_are_counted_and_the_count_is_appended_with_the_next_minute(api: Api) -> None:
    store = composition.clarion().store
    for second in range(0, 60, 2):  # 30 refusals in minute :00
        record_refusal(store, refusal(at(0, second)))
    record_refusal(store, refusal(at(0, 30), actor="eve"))  # another actor has their own entry
    record_refusal(store, refusal(at(1, 5)))
    entries = [e for e in trail(api) if e["action"] == "refused:users_read"]
    assert [(e["actor"], e["at"][:19]) for e in entries] == [
        ("mallory", "2026-12-04T03:00:00"), ("eve", "2026-12-04T03:00:30"), ("mallory", "2026-12-04T03:01:05")]
    assert "and 29 more like it in the minute from 2026-12-04 03:00 UTC" in entries[-1]["summary"]
    assert "more like it" not in entries[0]["summary"]


def test_refusals_from_two_processes_racing_are_counted_once_each(api: Api) -> None:
    process_a, process_b = another_process(), another_process()
    record_refusal(process_a, refusal(at(0)))
    # B counts a repeat between A's read of the marker and A's write: A's write is stale and retries.
    racing = InterleavingStore(process_a, lambda: record_refusal(process_b, refusal(at(0, 1))))
    record_refusal(racing, refusal(at(0, 2)))  # type: ignore[arg-type]
    for second in range(3, 10):
        record_refusal(process_a if second % 2 else process_b, refusal(at(0, second)))
    record_refusal(process_b, refusal(at(2)))
    entries = [e for e in trail(api) if e["action"] == "refused:users_read"]
    assert len(entries) == 2
    assert "and 9 more like it" in entries[1]["summary"]
    assert composition.clarion().audit.verify().intact


# -- paging -------------------------------------------------------------------------------------
def history(api: Api, advisories: int) -> None:
    for _ in range(advisories):
        api.call("POST", "/advisories", "demo-spokesperson", advisory_body())


def test_the_trail_is_read_a_page_at_a_time_until_no_cursor_is_left(api: Api) -> None:
    history(api, 12)
    everything = trail(api)
    pages, cursor = [], ""
    while True:
        response = api.call("GET", f"/audit?limit=5{cursor}", "demo-auditor")
        assert response.status_code == 200
        pages.append(response.json_body["entries"])
        if response.json_body["next_cursor"] is None:
            break
        cursor = f"&cursor={response.json_body['next_cursor']}"
    assert all(len(p) == 5 for p in pages[:-1]) and 1 <= len(pages[-1]) <= 5
    assert [e["seq"] for page in pages for e in page] == [e["seq"] for e in everything]
    assert len(trail(api, action="create")) == 12
    assert len(trail(api, action="create", limit="7")) == 7


@pytest.mark.parametrize("query,field", [
    ("cursor=bm90LWEtY3Vyc29y", "cursor"), ("cursor=%%%", "cursor"),
    ("cursor=" + base64.urlsafe_b64encode(b"audit:-1").decode().rstrip("="), "cursor"),
    ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"), ("format=xml", "format"),
])
def test_a_bad_page_request_is_400_or_422_naming_the_field(api: Api, query: str, field: str) -> None:
    response = api.call("GET", f"/audit?{query}", "demo-auditor")
    assert response.status_code in (400, 422), response.body
    assert field in response.body.decode()


def test_the_csv_pages_of_a_filter_join_into_the_whole_export(api: Api) -> None:
    history(api, 9)
    whole = api.call("GET", "/audit?format=csv&action=create&limit=5000", "demo-auditor")
    assert "X-Next-Cursor" not in whole.headers
    parts, path = [], "/audit?format=csv&action=create&limit=4"
    while path:
        page = api.call("GET", path, "demo-auditor")
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/csv")
        parts.append(page.body.decode())
        link = page.headers.get("Link")
        path = "/audit" + link[1:link.index(">")] if link else ""
        if link:
            assert page.headers["X-Next-Cursor"] in link and "action=create" in link
    assert len(parts) == 3
    joined = "".join(parts)
    assert joined == whole.body.decode()
    rows = list(csv.reader(io.StringIO(joined)))
    assert rows[0][0] == "seq" and len(rows) == 10 and {r[3] for r in rows[1:]} == {"create"}


def test_a_json_page_is_capped_below_the_lambda_response_limit(api: Api) -> None:
    response = api.call("GET", "/audit?limit=5000", "demo-auditor")
    assert response.status_code == 422 and "limit" in response.body.decode()
