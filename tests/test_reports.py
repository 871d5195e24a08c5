"""After-action reports (GET /advisories/{id}/report, GET /incidents/{id}/report) on the real path:
an Alert, its Update and its Cancel, delivered by the real workers against moto, one delivery
failing after a retry; the report as JSON, CSV and PDF (read back to text with pypdf)."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import datetime, timedelta, UTC
from typing import Any

import pytest
from pypdf import PdfReader

from chalicelib import composition
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.ports import Put
from chalicelib.services.reports import human_duration
from conftest import PROJECT_DIR, Api, advisory_body, deliver_queued
from test_delivery_log import approved

ALERT_CHANNELS = ["banner:website", "cap_feed:public", "email:subscribers", "sms:subscribers"]
FOLLOW_UP_CHANNELS = ["banner:website", "cap_feed:public"]
PDF = {"Accept": "application/pdf"}


def fail_email(advisory_id: str) -> None:
    """The e-mail delivery as a worker would record it: throttled once, retried, then refused."""
    store = composition.clarion().store
    delivery = store.get_delivery(advisory_id, "email:subscribers")
    assert delivery is not None and delivery.state.value == "pending"
    now = datetime.now(UTC)
    claimed, first = delivery.claim(now, now + timedelta(seconds=30))
    retried, second = claimed.retry("SES throttled: maximum sending rate exceeded", 1.0, now)
    again, third = retried.claim(now, now + timedelta(seconds=30))
    failed, fourth = again.fail("SES refused the message: the address is on the suppression list", now)
    store.commit([Put(failed, delivery.revision)], [first, second, third, fourth])


def follow_up(api: Api, advisory_id: str, kind: str, body: dict[str, Any] | None = None) -> str:
    created = api.call("POST", f"/advisories/{advisory_id}/{kind}", "demo-spokesperson", body)
    assert created.status_code == 201, created.json_body
    follow = created.json_body["id"]
    assert api.call("POST", f"/advisories/{follow}/submit", "demo-spokesperson").status_code == 200
    assert api.call("POST", f"/advisories/{follow}/approve", "demo-approver").status_code == 200
    return follow


@pytest.fixture
def incident(api: Api, aws: Provisioned) -> dict[str, str]:
    """An Alert (e-mail failing), its Update, and the Cancel of the Update; plus an unrelated alert."""
    alert = approved(api, ALERT_CHANNELS, headline="Boil water notice for Riverside")
    deliver_queued(api, aws, "banner", "cap_feed", "sms")
    fail_email(alert)
    update = follow_up(api, alert, "update", advisory_body(headline="Boil water notice extended to Northside",
                                                           channels=FOLLOW_UP_CHANNELS))
    deliver_queued(api, aws, "banner", "cap_feed")
    cancel = follow_up(api, update, "cancel")
    deliver_queued(api, aws, "banner", "cap_feed")
    other = approved(api, ["sms:subscribers"], headline="Heat health alert")
    deliver_queued(api, aws, "sms")
    return {"alert": alert, "update": update, "cancel": cancel, "other": other}


def report(api: Api, path: str, token: str = "demo-auditor") -> dict[str, Any]:
    response = api.call("GET", path, token)
    assert response.status_code == 200, response.body
    return response.json_body


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


# -- who may read it, and bad requests ---------------------------------------------------------------
@pytest.mark.parametrize("path", ["/advisories/{id}/report", "/incidents/{id}/report"])
def test_who_may_read_a_report(api: Api, path: str) -> None:
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", advisory_body()).json_body["id"]
    url = path.format(id=advisory_id)
    assert api.call("GET", url, None).status_code == 401
    for token in ("demo-spokesperson", "demo-approver", "demo-oncall"):
        refused = api.call("GET", url, token)
        assert refused.status_code == 403 and refused.json_body["error"]["code"] == "forbidden"
    assert report(api, url)["advisories"][0]["id"] == advisory_id
    assert report(api, url, "demo-admin")["generated_by"] == "demo-admin"


@pytest.mark.parametrize("path", ["/advisories/{id}/report", "/incidents/{id}/report"])
def test_bad_report_requests(api: Api, path: str) -> None:
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", advisory_body()).json_body["id"]
    url = path.format(id=advisory_id)
    missing = api.call("GET", path.format(id="adv_missing"), "demo-auditor")
    assert missing.status_code == 404 and missing.json_body["error"]["code"] == "not_found"
    for query, field in (("format=xml", "format"), ("format=pdf&extra=1", "extra")):
        response = api.call("GET", f"{url}?{query}", "demo-auditor")
        assert response.status_code == 422
        assert field in [d["field"] for d in response.json_body["error"]["details"]]
    # A PDF is sent only to a caller that accepts one; otherwise 406 in the API's error shape.
    refused = api.call("GET", f"{url}?format=pdf", "demo-auditor")
    assert refused.status_code == 406 and refused.json_body["error"]["code"] == "not_acceptable"
    assert api.call("GET", f"{url}?format=pdf", "demo-auditor", headers={"Accept": "*/*"}).status_code == 200


# -- the incident ------------------------------------------------------------------------------------
def test_any_advisory_of_the_incident_gives_the_whole_incident(api: Api, incident: dict[str, str]) -> None:
    ids = [incident["alert"], incident["update"], incident["cancel"]]
    for advisory_id in ids:
        body = report(api, f"/incidents/{advisory_id}/report")
        assert body["kind"] == "incident" and body["requested_id"] == advisory_id
        assert body["incident_id"] == incident["alert"] and body["incident_complete"] is True
        assert [a["id"] for a in body["advisories"]] == ids
        assert [a["label"] for a in body["advisories"]] == ["Alert", "Update", "Cancel"]
        assert body["headline"] == "Boil water notice for Riverside"
    other = report(api, f"/incidents/{incident['other']}/report")
    assert [a["id"] for a in other["advisories"]] == [incident["other"]]


def test_the_report_says_who_approved_what_and_what_went_out_where(api: Api, incident: dict[str, str]) -> None:
    body = report(api, f"/incidents/{incident['cancel']}/report")
    alert, update, cancel = body["advisories"]
    assert (alert["msg_type"], update["msg_type"], cancel["msg_type"]) == ("Alert", "Update", "Cancel")
    assert update["references"] == [alert["id"]] and cancel["references"] == [update["id"]]
    assert (alert["state"], update["state"], cancel["state"]) == ("superseded", "cancelled", "delivered")
    for advisory in body["advisories"]:
        approval = advisory["approval"]
        assert approval["by"] == "demo-approver" and approval["valid"] is True
        assert approval["content_hash"] == advisory["content_hash"]
        [approved_event] = advisory["approvals"]
        assert approved_event["content_hash_prefix"] == advisory["content_hash"][:12]
        for delivery in advisory["deliveries"]:
            assert delivery["matches_approval"] is True
            if delivery["state"] == "sent":
                sent, at = (datetime.fromisoformat(delivery["sent_at"]), datetime.fromisoformat(approval["at"]))
                assert delivery["latency_from_approval_ms"] == int((sent - at).total_seconds() * 1000)
                assert delivery["latency_from_approval_text"] == human_duration(delivery["latency_from_approval_ms"])
                assert delivery["attempts"] == 1 and delivery["retries"] == 0
    channels = {d["channel_account"]: d for d in alert["deliveries"]}
    assert list(channels) == sorted(ALERT_CHANNELS)
    assert channels["banner:website"]["post_url"] and channels["cap_feed:public"]["post_url"].endswith(".xml")
    assert channels["banner:website"]["channel_name"] == "Website banner"
    email = channels["email:subscribers"]
    assert email["state"] == "failed" and email["attempts"] == 2 and email["retries"] == 1
    assert "suppression list" in email["last_error"]
    assert [f["what"].split(":")[0] for f in email["failures"]] == ["sending -> pending", "sending -> failed"]
    assert alert["counts"] == {"sent": 3, "failed": 1}
    # Pins: each delivery's pin state as the delivery monitor shows it (the banner pins, SMS cannot).
    for advisory in body["advisories"]:
        rows = api.call("GET", f"/advisories/{advisory['id']}/deliveries", "demo-auditor").json_body["deliveries"]
        assert {d["channel_account"]: (d["pin_state"], d["pin_error"]) for d in advisory["deliveries"]} == {
            r["channel_account"]: (r["pin_state"], r["pin_error"]) for r in rows}
    assert channels["banner:website"]["pin_state"] != "n/a" and channels["sms:subscribers"]["pin_state"] == "n/a"
    totals = body["totals"]
    assert totals["advisories"] == 3 and totals["deliveries"] == 8
    assert totals["by_state"] == {"sent": 7, "failed": 1}
    assert totals["cancelled_at"] == cancel["first_post_at"] is not None
    assert totals["first_approval_at"] == alert["approval"]["at"]


def test_the_timeline_is_every_human_and_machine_action(api: Api, incident: dict[str, str]) -> None:
    body = report(api, f"/incidents/{incident['alert']}/report")
    timeline = body["timeline"]
    # in time order (issue 16: one audit chain per item, so seq orders only within a chain)
    moments = [datetime.fromisoformat(e["at"].replace("Z", "+00:00")) for e in timeline]
    assert moments == sorted(moments)
    assert {e["advisory_id"] for e in timeline} == {a["id"] for a in body["advisories"]}
    trail = api.call("GET", f"/audit?advisory_id={incident['update']}", "demo-auditor").json_body["entries"]
    assert [e["hash"] for e in timeline if e["advisory_id"] == incident["update"]] == [e["hash"] for e in trail]
    for advisory_id in (incident["alert"], incident["update"], incident["cancel"]):
        actions = [e["action"] for e in timeline if e["advisory_id"] == advisory_id]
        assert actions[:4] == ["create", "submit", "approve", "broadcast"] and "delivery" in actions
    assert {e["actor_kind"] for e in timeline} == {"human", "machine"}
    assert all(e["actor_kind"] == "machine" for e in timeline if e["actor"].startswith("system:"))
    email = [e for e in timeline if e["channel_account"] == "email:subscribers"]
    assert len(email) == 4 and "retry in" in email[1]["summary"]
    assert any("pin" in e["summary"] for e in timeline if e["channel_account"] == "banner:website")
    assert body["timeline_complete"] is True


def test_an_advisory_report_is_that_advisory_alone(api: Api, incident: dict[str, str]) -> None:
    body = report(api, f"/advisories/{incident['update']}/report")
    assert body["kind"] == "advisory" and [a["id"] for a in body["advisories"]] == [incident["update"]]
    assert {e["advisory_id"] for e in body["timeline"]} == {incident["update"]}
    document = body["document"]
    assert document["title"] == body["title"] and document["timezone"] == "UTC"
    assert document["formats"]["pdf"] == f"/advisories/{incident['update']}/report?format=pdf"
    assert [s["id"] for s in document["print"]["sections"]] == ["summary", f"advisory-{incident['update']}",
                                                                  "timeline"]


# -- CSV and PDF ------------------------------------------------------------------------------------
def test_the_csv_holds_advisories_approvals_deliveries_and_events(api: Api, incident: dict[str, str]) -> None:
    response = api.call("GET", f"/incidents/{incident['update']}/report?format=csv", "demo-auditor")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.body.decode())))
    kinds = [r["record"] for r in rows]
    assert kinds.count("advisory") == 3 and kinds.count("approval") == 3 and kinds.count("delivery") == 8
    json_body = report(api, f"/incidents/{incident['update']}/report")
    assert kinds.count("event") == len(json_body["timeline"])
    email = next(r for r in rows if r["record"] == "delivery" and r["channel_account"] == "email:subscribers")
    assert email["state"] == "failed" and email["attempts"] == "2" and "suppression" in email["detail"]
    assert all(not r[c].startswith(("=", "+", "-", "@")) for r in rows for c in r if r[c])


def test_a_formula_in_a_headline_stays_text_in_the_csv(api: Api, aws: Provisioned) -> None:
    advisory_id = approved(api, ["sms:subscribers"], headline='=HYPERLINK("http://evil.example","x")')
    response = api.call("GET", f"/advisories/{advisory_id}/report?format=csv", "demo-auditor")
    [row] = [r for r in csv.DictReader(io.StringIO(response.body.decode())) if r["record"] == "advisory"]
    assert row["detail"].startswith("'=")


def test_the_pdf_says_what_happened(api: Api, incident: dict[str, str]) -> None:
    response = api.call("GET", f"/incidents/{incident['cancel']}/report?format=pdf", "demo-auditor", headers=PDF)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.body.startswith(b"%PDF")
    text = pdf_text(response.body)
    body = report(api, f"/incidents/{incident['cancel']}/report")
    assert "After-action report" in text and "Boil water notice for Riverside" in text
    assert "Boil water notice extended to Northside" in text
    for advisory in body["advisories"]:
        assert f"{advisory['label']}:" in text and advisory["id"] in text
        assert advisory["approval"]["content_hash"][:12] in text
        assert f"Approved by {advisory['approval']['by']}" in text
        for delivery in advisory["deliveries"]:
            assert delivery["channel_account"] in text
            if delivery["post_url"]:
                assert f"{delivery['channel_account']}: {delivery['post_url']}" in text
            if delivery["latency_from_approval_text"]:
                assert delivery["latency_from_approval_text"] in text
    assert "suppression list" in text and "1 retries" in text
    assert "All clear posted" in text and "demo-auditor" in text and "Timeline" in text


def test_the_pdf_escapes_markup_and_survives_odd_text(api: Api, aws: Provisioned) -> None:
    advisory_id = approved(api, ["sms:subscribers"], headline="Ward <b>7</b> & ward 8: «closed» — Ωmega 日本",
                           description="<para>not markup</para>")
    response = api.call("GET", f"/advisories/{advisory_id}/report?format=pdf", "demo-auditor", headers=PDF)
    assert response.status_code == 200
    text = pdf_text(response.body)
    assert "Ward <b>7</b> & ward 8: «closed»" in text


def test_importing_the_app_does_not_import_reportlab() -> None:
    code = "import sys, app; print(any(m.startswith(('reportlab', 'chalicelib.reports', 'chalicelib.services.reports')) for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True,
                          env={"CLARION_STAGE": "dev", "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False"]
