"""Hostile and careless input: refused at the door with a clear error, never a 500, never a
broken feed, never a dropped alert (issue 11, items 2 to 5)."""
from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from chalicelib.domain.models import Advisory, AdvisoryContent
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.rendering.cap import atom_feed, cap_xml
from chalicelib.settings import environment_settings
from conftest import Api, advisory_body, deliver_queued
from test_templates_and_triggers import BOIL_WATER, GOOD_PARAMS, approved_template, invoke_trigger, trail

NOT_XML = ["\ufffe", "\uffff", "\ud800", "\x00", "\x0b"]


def fields(response: Any) -> set[str]:
    return {d["field"] for d in response.json_body["error"]["details"]}


# -- 2. text XML cannot carry ----------------------------------------------------------------------
@pytest.mark.parametrize("char", NOT_XML)
def test_text_xml_cannot_carry_is_refused_naming_the_field(api: Api, char: str) -> None:
    body = advisory_body(area_desc=f"a{char}b", translations={
        "fr": {"headline": "Avis", "description": f"eau{char}x"}})
    response = api.call("POST", "/advisories", "demo-spokesperson", raw=json.dumps(body).encode())
    assert response.status_code == 422
    assert {"area_desc", "translations.fr.description"} <= fields(response)
    if char != "\ud800":  # a lone surrogate is not even a string to pydantic; it says so
        assert all("U+" in d["problem"] for d in response.json_body["error"]["details"])


def test_a_template_parameter_xml_cannot_carry_is_refused(api: Api) -> None:
    template_id = approved_template(api)
    response = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall",
                        {"parameters": {**GOOD_PARAMS, "area": "a\ufffe"}})
    assert response.status_code == 422 and fields(response) == {"area"}
    assert api.call("GET", "/advisories", "demo-auditor").json_body["advisories"] == []


def test_the_xml_writers_cannot_emit_what_xml_forbids() -> None:
    """Even content that got past validation (an old record) makes a well-formed feed."""
    content = AdvisoryContent.model_construct(**{**AdvisoryContent(headline="x").__dict__,
                                                 "headline": "Boil \ufffe water \x0b now", "area_desc": "a\uffff",
                                                 "event": "Boil", "description": "d\ud800"})
    advisory = Advisory(content=content, author="a")
    document = cap_xml(advisory, [], environment_settings())
    ET.fromstring(document)  # raises if not well-formed
    assert "Boil  water  now" in document
    ET.fromstring(atom_feed([advisory], environment_settings()))


# -- 3. no input is a 500 ------------------------------------------------------------------------
DEEP = ("[" * 1000 + "]" * 1000).encode()
DEEP_OBJECT = ('{"a":' * 1200 + "1" + "}" * 1200).encode()


@pytest.mark.parametrize("raw", [DEEP, DEEP_OBJECT, ('{"x": ' + "[" * 40 + "]" * 40 + "}").encode()])
@pytest.mark.parametrize("path", ["/advisories", "/advisories/preview", "/templates"])
def test_deeply_nested_json_is_400(api: Api, raw: bytes, path: str) -> None:
    token = "demo-admin" if path == "/templates" else "demo-spokesperson"
    response = api.call("POST", path, token, raw=raw)
    assert response.status_code == 400
    assert "nested" in response.json_body["error"]["message"]


@pytest.mark.parametrize("field,value", [
    ("expires", "9999-12-31T23:59:59-01:00"), ("effective", "0001-01-01T00:00:00+01:00"),
    ("expires", "2100-01-01T00:00:00+00:00"), ("effective", "1999-12-31T23:59:59+00:00"),
    ("effective", 123), ("expires", 1.5), ("effective", True), ("expires", ["2030-01-01T00:00:00Z"]),
])
def test_dates_outside_a_sane_window_or_not_text_are_422(api: Api, field: str, value: Any) -> None:
    response = api.call("POST", "/advisories", "demo-spokesperson", advisory_body(**{field: value}))
    assert response.status_code == 422 and fields(response) == {field}


def test_a_date_inside_the_window_still_works_end_to_end(api: Api) -> None:
    body = advisory_body(effective="2026-01-01T00:00:00+01:00", expires="2099-12-31T22:00:00-01:00",
                         channels=["cap_feed:public", "banner:website"])
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", body).json_body["id"]
    assert api.call("GET", f"/advisories/{advisory_id}/preview", "demo-approver").status_code == 200
    assert api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson").status_code == 200


INTEGER_TEMPLATE = {**BOIL_WATER, "content": {**BOIL_WATER["content"],
                                              "description": "{households} households are affected."},
                    "parameters": [*BOIL_WATER["parameters"], {"name": "households", "type": "integer"}]}


@pytest.mark.parametrize("value", ["²", "፫४", "9" * 5000, "1e5", "0x10", "١٢", True, 10 ** 20, "12.0"])
def test_a_bad_integer_parameter_is_422_naming_it(api: Api, value: Any) -> None:
    template_id = approved_template(api, INTEGER_TEMPLATE)
    response = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall",
                        {"parameters": {**GOOD_PARAMS, "households": value}})
    assert response.status_code == 422 and fields(response) == {"households"}


def test_a_good_integer_parameter_fills_in(api: Api) -> None:
    template_id = approved_template(api, INTEGER_TEMPLATE)
    response = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall",
                        {"parameters": {**GOOD_PARAMS, "households": " 1200 "}})
    assert response.status_code == 201
    assert response.json_body["content"]["description"] == "1200 households are affected."


@pytest.mark.parametrize("parameters,reason", [
    ({**GOOD_PARAMS, "households": "²"}, "households"),
    ({**GOOD_PARAMS, "households": "9" * 5000}, "households"),
    ({**GOOD_PARAMS, "until": "0001-01-01"}, "until"),
    ({**GOOD_PARAMS, "area": "a\ufffe"}, "U+FFFE"),
])
def test_a_malformed_sns_trigger_is_a_recorded_refusal_never_a_crash(api: Api, parameters: dict[str, Any],
                                                                     reason: str) -> None:
    template_id = approved_template(api, INTEGER_TEMPLATE)
    message = json.dumps({"template_id": template_id, "parameters": parameters, "source": "monitor"})
    assert invoke_trigger(api, message).startswith("refused")
    [refused] = [e for e in trail(api) if e["action"] == "refused:trigger"]
    assert reason in refused["summary"] and refused["actor"] == "system:sns-trigger"
    assert api.call("GET", "/advisories", "demo-auditor").json_body["advisories"] == []


def test_a_deeply_nested_sns_trigger_is_refused(api: Api) -> None:
    assert invoke_trigger(api, DEEP.decode()).startswith("refused")
    [refused] = [e for e in trail(api) if e["action"] == "refused:trigger"]
    assert "nested" in refused["summary"]


@pytest.mark.parametrize("source", ["pager\nactor: admin", "", "x" * 101, "-dash", "a|b"])
def test_the_sns_source_is_a_validated_label_not_the_actor(api: Api, source: str) -> None:
    template_id = approved_template(api)
    message = json.dumps({"template_id": template_id, "parameters": GOOD_PARAMS, "source": source})
    assert invoke_trigger(api, message).startswith("refused")
    [refused] = [e for e in trail(api) if e["action"] == "refused:trigger"]
    assert refused["actor"] == "system:sns-trigger" and "\n" not in refused["actor"]


# -- 4. a reused Idempotency-Key never drops a different alert -----------------------------------------
def trigger(api: Api, template_id: str, area: str, key: str | None = None, body_key: str | None = None) -> Any:
    body: dict[str, Any] = {"parameters": {**GOOD_PARAMS, "area": area}}
    if body_key:
        body["idempotency_key"] = body_key
    return api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", body,
                    headers={"Idempotency-Key": key} if key else None)


def test_a_reused_key_with_a_different_request_is_refused_and_says_so(api: Api) -> None:
    template_id = approved_template(api)
    first = trigger(api, template_id, "Northside", key="key-123")
    assert first.status_code == 201
    other = trigger(api, template_id, "Southside EVACUATE", key="key-123")
    assert other.status_code == 422 and other.json_body["error"]["code"] == "idempotency_key_reused"
    assert other.json_body["error"]["details"]["advisory_id"] == first.json_body["id"]
    retry = trigger(api, template_id, "Northside", key="key-123")
    assert retry.status_code == 200 and retry.json_body["id"] == first.json_body["id"]
    assert retry.json_body["duplicate"] is True
    fresh = trigger(api, template_id, "Southside EVACUATE", key="key-124")
    assert fresh.status_code == 201 and fresh.json_body["content"]["area_desc"] == "Southside EVACUATE"


def test_the_key_comes_from_one_place(api: Api) -> None:
    template_id = approved_template(api)
    both = trigger(api, template_id, "Northside", key="key-1", body_key="key-2")
    assert both.status_code == 422 and fields(both) == {"Idempotency-Key"}
    same = trigger(api, template_id, "Northside", key="key-1", body_key="key-1")
    assert same.status_code == 201
    by_body = trigger(api, template_id, "Northside", body_key="key-1")
    assert by_body.status_code == 200 and by_body.json_body["id"] == same.json_body["id"]
    bad = trigger(api, template_id, "Northside", key="x" * 200)
    assert bad.status_code == 422 and fields(bad) == {"Idempotency-Key"}


# -- 5. a forged or stale delivery message cannot suppress a delivery ---------------------------------------
def test_a_forged_delivery_message_changes_nothing_and_is_reported(api: Api, aws: Provisioned) -> None:
    from chalicelib import composition

    advisory_id = api.call("POST", "/advisories", "demo-spokesperson",
                           advisory_body(channels=["sms:subscribers"])).json_body["id"]
    api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
    forged = json.dumps({"advisory_id": advisory_id, "content_hash": "f" * 64,
                         "channel_accounts": ["sms:subscribers"]})
    record = {"messageId": "forged-1", "receiptHandle": "r", "body": forged,
              "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:x"}
    result = api.client.lambda_.invoke("deliver_sms", {"Records": [record]}).payload
    assert result == {"batchItemFailures": []}  # deleted: it can never succeed
    row = composition.clarion().store.get_delivery(advisory_id, "sms:subscribers")
    assert row.state.value == "pending" and row.attempts == 0
    refused = [e for e in trail(api, advisory_id=advisory_id) if e["action"] == "refused:delivery_message"]
    assert len(refused) == 1 and "f" * 12 in refused[0]["summary"]
    deliver_queued(api, aws, "sms")  # the real message still delivers it
    assert composition.clarion().store.get_delivery(advisory_id, "sms:subscribers").state.value == "sent"
    assert api.call("GET", f"/advisories/{advisory_id}", "demo-auditor").json_body["state"] == "delivered"


# -- 8. links the public can open --------------------------------------------------------------------------
@pytest.mark.parametrize("web", ["https://user:pass@health.example/x", "https://:secret@health.example/"])
def test_a_link_carrying_credentials_is_refused_at_the_door(api: Api, web: str) -> None:
    response = api.call("POST", "/advisories", "demo-spokesperson", advisory_body(web=web))
    assert response.status_code == 422 and fields(response) == {"web"}


@pytest.mark.parametrize("web", ["http://127.0.0.1:8000/more", "http://localhost/", "http://10.1.2.3/",
                                 "http://192.168.0.10/", "http://169.254.169.254/latest/meta-data",
                                 "http://[::1]/", "http://[fd00::1]/", "http://intranet/", "https://wiki.corp/a",
                                 "http://printer.local/"])
def test_a_private_link_is_refused_for_live_accounts(api: Api, web: str) -> None:
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson",
                           advisory_body(web=web, channels=["mastodon:city-health"])).json_body["id"]
    response = api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
    assert response.status_code == 422
    assert [d["code"] for d in response.json_body["error"]["details"]] == ["private_link"]


def test_a_public_link_or_a_sandbox_only_target_passes(api: Api) -> None:
    for body in (advisory_body(web="https://health.example/boil", channels=["mastodon:city-health"]),
                 advisory_body(web="http://127.0.0.1:8000/drill", status="Exercise",
                               channels=["mastodon:drills"])):
        advisory_id = api.call("POST", "/advisories", "demo-spokesperson", body).json_body["id"]
        response = api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
        assert response.status_code == 200, response.json_body
