"""Screening on submit (patient data, claims, fit) and the preview and feed endpoints."""
from __future__ import annotations

from typing import Any

import capvalidator
import feedparser
import pytest

from chalicelib.domain.phi import scan
from chalicelib.settings import environment_settings
from chalicelib.infra.bootstrap import Provisioned
from conftest import Api, advisory_body, deliver_queued
from test_rendering import LONG_URL, SAFETY


def codes(text: str) -> list[str]:
    return [f.code for f in scan([("description", text)], environment_settings())]


@pytest.mark.parametrize("text,expected", [
    ("Call our hotline 0800 555 0100 for advice.", []),
    ("Questions? Call 911 or the crisis line 988.", []),
    ("Contact the patient's husband at (415) 555-2671.", ["phi_phone_number"]),
    ("Her mobile is +44 7700 900123.", ["phi_phone_number"]),
    ("Write to press@health.example.org.", []),
    ("The index case, jane.doe@gmail.com, was seen on Monday.", ["phi_email"]),
    ("Patient MRN: 00412345 was admitted.", ["phi_record_number"]),
    ("medical record number A1234567", ["phi_record_number"]),
    ("The patient (DOB 03/12/1987) is stable.", ["phi_birth_date"]),
    ("John Smith, 12/03/1987, tested positive.", ["phi_name_and_birth_date"]),
    ("Maria Garcia (March 4, 1990) is in hospital.", ["phi_name_and_birth_date"]),
    ("Riverside District, 23/11/2026: boil water.", []),
    ("This vaccine is 100% effective and cures measles.", ["banned_claim", "banned_claim"]),
    ("Vaccination is highly effective at preventing measles.", []),
])
def test_patient_data_and_claims(text: str, expected: list[str]) -> None:
    assert sorted(codes(text)) == sorted(expected)


def test_screening_blocks_submit_with_every_finding_named(api: Api) -> None:
    body = advisory_body(description="Contact John Smith, 12/03/1987, at (415) 555-2671.",
                         instruction="Take this miracle tonic.")
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", body).json_body["id"]
    response = api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    assert response.status_code == 422
    found = {f["code"] for f in response.json_body["error"]["details"]}
    assert found == {"phi_name_and_birth_date", "phi_phone_number", "banned_claim"}
    assert all(f["blocking"] for f in response.json_body["error"]["details"])


def test_a_translation_is_screened_too(api: Api) -> None:
    body = advisory_body(translations={"es": {"headline": "Aviso", "instruction": "Hierva el agua.",
                                              "description": "Paciente MRN 0012345678."}})
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", body).json_body["id"]
    details = api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson").json_body["error"]["details"]
    assert any(f["code"] == "phi_record_number" and "translations.es.description" in f["message"] for f in details)


def emoji_body(**overrides: Any) -> dict[str, Any]:
    return advisory_body(
        headline="🚰⚠️ Boil water notice for Riverside 👩‍👩‍👧‍👦",
        description="🧪 Tests found E. coli in the Riverside 🏘️ supply on 23 November. " * 4,
        instruction="🔥 Boil tap water for one full minute before drinking 🥤 or cooking 🍳.",
        required_text=SAFETY, web=LONG_URL, hashtags=["BoilWater", "Riverside"],
        channels=["x:city-health", "facebook:city-health", "mastodon:city-health", "bluesky:city-health",
                  "telegram:city-health", "slack:staff", "discord:community", "email:subscribers",
                  "banner:website", "cap_feed:public"], **overrides)


def test_preview_shows_every_channel_measured_with_the_required_text_whole(api: Api) -> None:
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", emoji_body()).json_body["id"]
    preview = api.call("GET", f"/advisories/{advisory_id}/preview", "demo-approver").json_body
    channels = {c["channel_account"]: c for c in preview["channels"]}
    assert len(channels) == 10 and preview["blocking"] is False
    for account, channel in channels.items():
        texts = [p["text"] for p in channel["parts"]]
        assert any(SAFETY in t for t in texts), account
        for part in channel["parts"]:
            if part.get("limit") is not None:
                assert part["length"] <= part["limit"], (account, part)
                assert part["unit"]
    assert len(channels["x:city-health"]["parts"]) > 1  # a thread
    assert channels["email:subscribers"]["subject"].startswith("🚰⚠️ Boil water")
    assert capvalidator.validate_cap_message(channels["cap_feed:public"]["document"].encode(), strict=False).passed
    assert preview["content_hash"] == api.call("GET", f"/advisories/{advisory_id}", "demo-approver").json_body["content_hash"]


def test_preview_of_an_unsaved_draft_and_its_sms_parts(api: Api) -> None:
    body = advisory_body(channels=["sms:subscribers"], description="", required_text="Nurse line 0800 555 0100.")
    preview = api.call("POST", "/advisories/preview", "demo-spokesperson", body).json_body
    [sms] = preview["channels"]
    assert sms["sms"]["encoding"] == "GSM-7" and 1 <= sms["sms"]["segments"] <= 3
    assert sms["parts"][0]["unit"] == "GSM-7 septets"
    assert api.call("GET", "/advisories", "demo-auditor").json_body["advisories"] == []  # nothing saved


def test_preview_reports_what_would_block(api: Api) -> None:
    body = advisory_body(channels=["sms:subscribers"], instruction="🚰 " + "Boil water. " * 60)
    preview = api.call("POST", "/advisories/preview", "demo-spokesperson", body).json_body
    assert preview["blocking"] is True
    assert any(f["code"] == "does_not_fit" and f["channel"] == "sms:subscribers" for f in preview["findings"])


def test_the_feeds_and_banner_follow_the_advisory(api: Api, aws: Provisioned) -> None:
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", emoji_body()).json_body["id"]
    api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    assert api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver").status_code == 200
    assert api.call("GET", "/banner.json").json_body == {"active": False}  # not until it was sent there
    deliver_queued(api, aws, "banner", "cap_feed")

    banner = api.call("GET", "/banner.json").json_body
    assert banner["active"] is True and banner["id"] == advisory_id
    html = api.call("GET", "/banner.html").body.decode()
    assert "Boil water notice" in html and 'role="alert"' in html
    feed = feedparser.parse(api.call("GET", "/feeds/cap.atom").body)
    assert not feed.bozo
    assert [[lk.href for lk in e.links if lk.type == "application/cap+xml"] for e in feed.entries] == [
        [f"http://127.0.0.1:8000/feeds/cap/{advisory_id}.xml"]]
    cap = api.call("GET", f"/feeds/cap/{advisory_id}.xml")
    assert cap.headers["Content-Type"].startswith("application/cap+xml")
    assert capvalidator.validate_cap_message(cap.body, strict=False).passed

    cancel_id = api.call("POST", f"/advisories/{advisory_id}/cancel", "demo-spokesperson").json_body["id"]
    api.call("POST", f"/advisories/{cancel_id}/submit", "demo-spokesperson")
    api.call("POST", f"/advisories/{cancel_id}/approve", "demo-approver")
    deliver_queued(api, aws, "banner", "cap_feed")
    assert api.call("GET", "/banner.json").json_body == {"active": False}
    assert api.call("GET", "/banner.html").body.decode() == ""
    assert feedparser.parse(api.call("GET", "/feeds/cap.atom").body).entries == []
    cancel_cap = api.call("GET", f"/feeds/cap/{cancel_id}.xml").body.decode()
    assert "<msgType>Cancel</msgType>" in cancel_cap and f",{advisory_id}," in cancel_cap
    assert api.call("GET", "/feeds/cap/whatever.json").status_code == 404
