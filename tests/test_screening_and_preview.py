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
    # the day is the index case's too, once the sentence holds their e-mail
    ("The index case, jane.doe@gmail.com, was seen on Monday.", ["phi_email", "phi_date"]),
    ("Patient MRN: 00412345 was admitted.", ["phi_record_number"]),
    ("medical record number A1234567", ["phi_record_number"]),
    ("The patient (DOB 03/12/1987) is stable.", ["phi_date"]),
    ("John Smith, 12/03/1987, tested positive.", ["phi_name", "phi_date"]),
    ("Maria Garcia (March 4, 1990) is in hospital.", ["phi_name", "phi_date"]),
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
    assert found == {"phi_name", "phi_date", "phi_phone_number", "banned_claim"}
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


# -- issue 15: every Safe Harbor identifier, in every public field and language ----------------
def found(text: str, field: str = "description", language: str | None = "en") -> list[tuple[str, str, bool]]:
    """(identifier class, the text it marks, blocking) for each patient-data finding."""
    return [(f.identifier or "", text[f.start or 0:f.end or 0], f.blocking)
            for f in scan([(field, text)], environment_settings(), language=language) if f.code.startswith("phi_")]


@pytest.mark.parametrize("text,language,expected", [
    # the misses the issue lists, one each
    ("Walter Brooks died on 4 March at the county hospital.", "en", {("name", "Walter Brooks"), ("date", "4 March")}),
    ("Grace Adeyemi remains in Ward 7B, bed 3.", "en", {("name", "Grace Adeyemi")}),
    ("Julien Moreau, chambre 214, reçoit un traitement.", "fr",
     {("name", "Julien Moreau"), ("address", "chambre 214")}),  # the room of a named patient too
    ("The first case (b. 12.05.2008) is at home.", "en", {("date", "12.05.2008")}),
    ("The patient, DOB 19750411, is stable.", "en", {("date", "19750411")}),
    ("Ethan Park was born on the 3rd of August 1990.", "en", {("name", "Ethan Park"), ("date", "the 3rd of August 1990")}),
    ("Hélène Roux, née le 4 juillet 1946, est hospitalisée.", "fr", {("name", "Hélène Roux"), ("date", "4 juillet 1946")}),
    ("Herr Weber, geb. 03.02.1941, wird behandelt.", "de", {("name", "Herr Weber"), ("date", "03.02.1941")}),
    ("The index case lives at 1420 Elm Street, Springfield, IL 62704.", "en",
     {("address", "1420 Elm Street, Springfield, IL 62704")}),
    ("Claims were filed under 987-65-4321.", "en", {("ssn", "987-65-4321")}),
    ("The patient's SSN is 987 65 4325.", "en", {("ssn", "987 65 4325")}),
    ("The patient's Medicare number is 1EG4-TE5-MK73.", "en", {("health_plan", "1EG4-TE5-MK73")}),
    ("Versichertennummer der Patientin: A123456780.", "de", {("kvnr", "A123456780")}),
    ("Please pull chart #A-55-1234 for the review.", "en", {("mrn", "A-55-1234")}),
    ("Our records show hospital number K449812.", "en", {("mrn", "K449812")}),
    ("The patient's pacemaker, serial number PJN123456H, is being checked.", "en", {("device", "PJN123456H")}),
    ("The driver holds driver's license D1234567.", "en", {("license", "D1234567")}),
    ("The patient's car, plate 7ABC123, was found.", "en", {("vehicle", "7ABC123")}),
    ("The patient's card, account number 4417123456, was used.", "en", {("account", "4417123456")}),
    ("A 93-year-old woman from Lake City died.", "en", {("age", "93-year-old"), ("address", "Lake City")}),  # the town of a 93-year-old too
    ("Call her daughter on 07700 900 456.", "en", {("phone", "07700 900 456")}),
    ("Write to dwhite at hotmail dot com for the family.", "en", {("email_address", "dwhite at hotmail dot com")}),
    ("Photos: https://health.example.org/cases?patient=maria-lopez", "en", {("url", "patient=maria-lopez")}),
    ("Photo: https://cdn.example.org/photos/maria_lopez.jpg", "en", {("url", "maria_lopez.jpg")}),
    ("Messages came from IP address 203.0.113.57.", "en", {("ip", "203.0.113.57")}),
    ("The patient's NHS number is 943 476 5919.", "en", {("nhs_number", "943 476 5919")}),
    ("Le numéro de sécurité sociale du patient est le 1 84 12 76 451 089 46.", "fr",
     {("nir", "1 84 12 76 451 089 46")}),
    ("El número de historia clínica de la afectada es 5923220.", "es", {("nhc", "5923220")}),
    ("La paciente, nacida el 2 de febrero de 2019, falleció.", "es", {("date", "2 de febrero de 2019")}),
])
def test_each_identifier_class_is_found_and_marked(text: str, language: str, expected: set[tuple[str, str]]) -> None:
    hits = found(text, language=language)
    assert {(cls, marked) for cls, marked, _ in hits} == expected
    assert all(blocking for _, _, blocking in hits)


@pytest.mark.parametrize("text", [
    "The recalled product is Naloxone injection, NDC 0409-4888-20.",
    "Samples were tested at the state laboratory (CLIA 05D0987654).",
    "Only lot 24C118 is affected; batch B7731-02 is not.",
    "Clinicians should report suspected cases (ICD-10 A05.1) within 24 hours.",
    "Call our hotline 0800 555 0100 or 911.",
    "Dr. Sarah Whitfield, the county health officer, said the risk to the public is low.",
    "People aged 65 and over, and residents over 90 in care homes, are at higher risk.",
    "Since 1 March, 43 cases have been reported; 12 patients were admitted to hospital.",
    "Residents of ZIP codes 62704 and 62711 should boil their water.",
    "FDA recall number Z-1234-2026 covers 4,200 units.",
    "La alerta está activa desde el 15/08/2026 hasta nuevo aviso.",
    "Betroffen ist nur die Charge L2409B mit dem Mindesthaltbarkeitsdatum 30.09.2026.",
    "Nurse Kim Lee will run the clinic in Room 12.",
    "Mayor Jane Doe will open the new clinic on 3 March.",
    "Ask the Patient Advice and Liaison Service, or the Patient Transport Service.",
])
def test_drug_lab_lot_and_diagnosis_codes_hotlines_and_officials_pass(text: str) -> None:
    assert [hit for hit in found(text) if hit[2]] == []


def test_a_venue_address_or_an_unattached_serial_number_only_warns() -> None:
    venue = found("Vaccines are available at the Riverside Community Center, 200 Main Street, on Saturdays.")
    assert venue == [("address", "200 Main Street", False)]
    assert found("Pumps with serial number 2187-6654 are being recalled.") == [("device", "2187-6654", False)]


def test_web_hashtags_translations_and_wordings_are_screened_with_their_spans(api: Api) -> None:
    body = advisory_body(web="https://health.example.org/cases?patient=maria-lopez",
                         hashtags=["Measles", "PrayForMariaLopez"],
                         translations={"es": {"headline": "Aviso", "description": "La paciente Carmen Ruiz sigue "
                                                                                   "ingresada en la UCI."}})
    preview = api.call("POST", "/advisories/preview", "demo-spokesperson", body).json_body
    phi = {(f["field"], f["identifier"]): f for f in preview["findings"] if f["code"].startswith("phi_")}
    assert set(phi) == {("web", "url"), ("hashtags", "name"), ("translations.es.description", "name")}
    assert preview["blocking"] is True and all(f["blocking"] for f in phi.values())
    web = phi[("web", "url")]
    assert body["web"][web["start"]:web["end"]] == "patient=maria-lopez"
    tags = phi[("hashtags", "name")]
    assert "Measles PrayForMariaLopez"[tags["start"]:tags["end"]] == "PrayForMariaLopez"  # as the console shows them
    es = phi[("translations.es.description", "name")]
    assert body["translations"]["es"]["description"][es["start"]:es["end"]] == "Carmen Ruiz"


def test_a_template_wording_and_a_trigger_parameter_are_screened(api: Api) -> None:
    from test_templates_and_triggers import BOIL_WATER, GOOD_PARAMS, approved_template

    wording = "{{ post.headline }}. Patient Walter Brooks died on 4 March."
    created = api.call("POST", "/templates", "demo-admin", {**BOIL_WATER, "renderings": {"sms": wording}})
    assert created.status_code == 422
    assert {(f["field"], f["code"]) for f in created.json_body["error"]["details"]} >= {
        ("renderings.sms", "phi_name"), ("renderings.sms", "phi_date")}
    template_id = approved_template(api)
    params = {**GOOD_PARAMS, "area": "Ward 7B (patient Grace Adeyemi)"}
    response = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": params})
    assert response.status_code == 422
    assert ("parameters.area", "phi_name") in {(f["field"], f["code"]) for f in response.json_body["error"]["details"]}


def test_the_preview_shows_the_reading_grade_as_a_finding_that_does_not_block(api: Api) -> None:
    body = advisory_body(description="Notwithstanding the aforementioned epidemiological circumstances, "
                                     "immunocompromised individuals should consider prophylactic administration "
                                     "of antimicrobial medication following consultation.",
                         translations={"fr": {"headline": "Avis", "description": "Faites bouillir l'eau du robinet "
                                                                                 "une minute avant de la boire. "
                                                                                 "Appelez votre médecin si besoin."}})
    preview = api.call("POST", "/advisories/preview", "demo-spokesperson", body).json_body
    grades = {f["field"]: f for f in preview["findings"] if f["code"] == "reading_grade"}
    assert set(grades) == {"description", "translations.fr.description"}
    assert not any(f["blocking"] for f in grades.values()) and preview["blocking"] is False
    assert "above the CDC Clear Communication Index goal" in grades["description"]["message"]
    assert "Kandel-Moles" in grades["translations.fr.description"]["message"]
