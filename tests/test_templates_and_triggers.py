"""Pre-approved templates: created, approved by someone else, triggered by API or by SNS."""
from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from chalicelib.infra.bootstrap import Provisioned
from conftest import Api

BOIL_WATER = {
    "name": "Boil-water notice",
    "content": {
        "headline": "Boil water notice for {area} until {until}",
        "description": "Tests found contamination in the {area} water supply.",
        "instruction": "Boil tap water for one minute before drinking, cooking or brushing teeth.",
        "required_text": "Call the nurse line if you feel unwell.",
        "event": "Boil Water Notice", "urgency": "{urgency}", "severity": "Severe",
        "certainty": "Observed", "area_desc": "{area}",
        "channels": ["mastodon:city-health", "sms:subscribers"],
    },
    "parameters": [
        {"name": "area", "max_length": 60},
        {"name": "until", "type": "date"},
        {"name": "urgency", "allowed": ["Immediate", "Expected"]},
    ],
}
GOOD_PARAMS = {"area": "Riverside", "until": "2026-11-30", "urgency": "Immediate"}


def approved_template(api: Api, body: dict[str, Any] = BOIL_WATER) -> str:
    created = api.call("POST", "/templates", "demo-admin", body)
    assert created.status_code == 201, created.json_body
    template_id = created.json_body["id"]
    approved = api.call("POST", f"/templates/{template_id}/approve", "demo-approver")
    assert approved.status_code == 200, approved.json_body
    return template_id


def trail(api: Api, **filters: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return api.call("GET", f"/audit?{query}", "demo-auditor").json_body["entries"]


# -- creating and approving ----------------------------------------------------------------------
def test_undeclared_placeholders_and_bad_content_are_422(api: Api) -> None:
    body = {**BOIL_WATER, "content": {**BOIL_WATER["content"], "headline": "Notice for {district}",
                                       "severity": "Awful"}}
    response = api.call("POST", "/templates", "demo-admin", body)
    assert response.status_code == 422
    assert "{district}" in response.json_body["error"]["details"][0]["problem"]
    fixed = {**body, "content": {**body["content"], "headline": "Notice for {area}"}}
    response = api.call("POST", "/templates", "demo-admin", fixed)
    assert response.status_code == 422
    assert response.json_body["error"]["details"][0]["field"] == "content.severity"


def test_an_admin_who_is_also_approver_cannot_approve_their_own_template(api: Api) -> None:
    from chalicelib import composition
    from chalicelib.domain.models import Role
    from chalicelib.services.common import revise

    store = composition.clarion().store
    admin = store.get_user("demo-admin")
    assert admin is not None
    store.commit([revise(admin, roles=frozenset({Role.ADMIN, Role.APPROVER}))[1]])
    template_id = api.call("POST", "/templates", "demo-admin", BOIL_WATER).json_body["id"]
    response = api.call("POST", f"/templates/{template_id}/approve", "demo-admin")
    assert response.status_code == 403
    assert trail(api, actor="demo-admin")[-1]["action"] == "refused:template_approve"


def test_an_unapproved_template_cannot_be_triggered(api: Api) -> None:
    template_id = api.call("POST", "/templates", "demo-admin", BOIL_WATER).json_body["id"]
    response = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": GOOD_PARAMS})
    assert response.status_code == 409


# -- triggering through the API ------------------------------------------------------------------
def test_trigger_broadcasts_at_once_under_the_templates_approval(api: Api, aws: Provisioned) -> None:
    template_id = approved_template(api)
    response = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": GOOD_PARAMS})
    assert response.status_code == 201, response.json_body
    advisory = response.json_body
    assert advisory["state"] == "broadcasting"
    assert advisory["content"]["headline"] == "Boil water notice for Riverside until 2026-11-30"
    assert advisory["approval"]["by"] == "demo-approver"
    assert advisory["approval"]["via_template"] == template_id
    assert advisory["approval"]["triggered_by"] == "demo-oncall"
    assert advisory["approval_valid"] is True
    rows = api.call("GET", f"/advisories/{advisory['id']}/deliveries", "demo-oncall").json_body["deliveries"]
    assert len(rows) == 2
    actions = [e["action"] for e in trail(api, advisory_id=advisory["id"])]
    assert actions == ["trigger", "broadcast", "broadcast_published"]
    message = boto3.client("sqs").receive_message(QueueUrl=aws.queue_urls["sms"])["Messages"][0]
    assert json.loads(message["Body"])["advisory_id"] == advisory["id"]


def test_bad_parameters_are_422_naming_each(api: Api) -> None:
    template_id = approved_template(api)
    params = {"area": "R" * 61, "until": "next tuesday", "urgency": "Whenever", "colour": "red"}
    response = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": params})
    assert response.status_code == 422
    problems = {d["field"]: d["problem"] for d in response.json_body["error"]["details"]}
    assert set(problems) == {"area", "until", "urgency", "colour"}
    assert "60" in problems["area"] and "date" in problems["until"]
    assert "Immediate" in problems["urgency"] and "not a parameter" in problems["colour"]
    missing = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": {}})
    assert {d["field"] for d in missing.json_body["error"]["details"]} == {"area", "until", "urgency"}


def test_a_parameter_cannot_inject_placeholders(api: Api) -> None:
    template_id = approved_template(api)
    params = {**GOOD_PARAMS, "area": "{until}"}
    response = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": params})
    assert response.status_code == 201
    assert response.json_body["content"]["area_desc"] == "{until}"


def test_the_same_idempotency_key_triggers_once(api: Api) -> None:
    template_id = approved_template(api)
    first = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": GOOD_PARAMS},
                     headers={"Idempotency-Key": "page-4711"})
    again = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": GOOD_PARAMS},
                     headers={"Idempotency-Key": "page-4711"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json_body["id"] == first.json_body["id"] and again.json_body["duplicate"] is True
    assert [e["action"] for e in trail(api)].count("trigger") == 1


# -- triggering through SNS ----------------------------------------------------------------------
def invoke_trigger(api: Api, message: str, message_id: str = "sns-msg-1") -> Any:
    event = api.client.events.generate_sns_event(message=message, subject="trigger")
    event["Records"][0]["Sns"]["MessageId"] = message_id
    return api.client.lambda_.invoke("on_trigger", event).payload


def test_an_sns_trigger_broadcasts_and_names_the_sending_system(api: Api) -> None:
    template_id = approved_template(api)
    message = json.dumps({"template_id": template_id, "parameters": GOOD_PARAMS, "source": "scada-monitor"})
    outcome = invoke_trigger(api, message)
    assert outcome.startswith("triggered adv_")
    advisory_id = outcome.split()[-1]
    advisory = api.call("GET", f"/advisories/{advisory_id}", "demo-auditor").json_body
    assert advisory["state"] == "broadcasting"
    assert advisory["approval"]["triggered_by"] == "system:sns-trigger"
    entry = trail(api, advisory_id=advisory_id)[0]
    assert entry["action"] == "trigger" and entry["actor"] == "system:sns-trigger"
    assert "sns message sns-msg-1 from scada-monitor" in entry["summary"]


def test_a_redelivered_sns_message_triggers_once(api: Api) -> None:
    template_id = approved_template(api)
    message = json.dumps({"template_id": template_id, "parameters": GOOD_PARAMS, "source": "pager"})
    first = invoke_trigger(api, message, "same-id")
    second = invoke_trigger(api, message, "same-id")
    assert first.split()[-1] == second.split()[-1] and second.startswith("duplicate")
    assert len(api.call("GET", "/advisories", "demo-auditor").json_body["advisories"]) == 1


@pytest.mark.parametrize("message,reason", [
    ("this is not json", "not valid JSON"),
    (json.dumps({"parameters": {}, "source": "pager"}), "template_id"),
    (json.dumps({"template_id": "tpl_nope", "parameters": {}, "source": "pager"}), "no template tpl_nope"),
    (json.dumps([1, 2, 3]), "malformed"),
])
def test_a_malformed_sns_trigger_is_recorded_as_refused_and_not_retried(api: Api, message: str, reason: str) -> None:
    outcome = invoke_trigger(api, message)  # returns normally: Lambda will not retry it
    assert outcome.startswith("refused")
    refused = [e for e in trail(api) if e["action"] == "refused:trigger"]
    assert len(refused) == 1 and reason in refused[0]["summary"]
    assert api.call("GET", "/advisories", "demo-auditor").json_body["advisories"] == []


def test_an_sns_trigger_with_bad_parameters_is_refused_naming_them(api: Api) -> None:
    template_id = approved_template(api)
    message = json.dumps({"template_id": template_id, "parameters": {"area": "Riverside"}, "source": "pager"})
    assert invoke_trigger(api, message).startswith("refused")
    [refused] = [e for e in trail(api) if e["action"] == "refused:trigger"]
    assert "until" in refused["summary"] and "urgency" in refused["summary"]


# -- admin-written wordings run in Jinja's sandbox -----------------------------------------------
def with_renderings(renderings: dict[str, str]) -> dict[str, Any]:
    return {**BOIL_WATER, "renderings": renderings}


def test_a_custom_sms_wording_is_used_and_bound_to_the_approval(api: Api) -> None:
    wording = "{{ post.headline }}. {{ post.instruction|upper }} {{ post.required_text }}"
    template_id = approved_template(api, with_renderings({"sms": wording}))
    triggered = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall",
                         {"parameters": GOOD_PARAMS}).json_body
    assert triggered["renderings"] == {"sms": wording} and triggered["approval_valid"] is True
    preview = api.call("GET", f"/advisories/{triggered['id']}/preview", "demo-oncall").json_body
    [sms] = [c for c in preview["channels"] if c["platform"] == "sms"]
    assert sms["parts"][0]["text"].startswith("Boil water notice for Riverside until 2026-11-30. BOIL TAP WATER")


@pytest.mark.parametrize("source,problem", [
    ("{{ post.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
    ("{{ ''.__class__ }}", "unsafe"),
    ("{% for x in %}", "does not compile"),
    ("{{ post.no_such_field }}", "no_such_field"),
    ("{{ 1 / 0 }}", "ZeroDivisionError"),
])
def test_a_custom_wording_reaching_for_internals_is_a_clear_422(api: Api, source: str, problem: str) -> None:
    response = api.call("POST", "/templates", "demo-admin", with_renderings({"telegram": source}))
    assert response.status_code == 422
    [detail] = response.json_body["error"]["details"]
    assert detail["field"] == "renderings.telegram" and problem in detail["problem"]


def test_a_custom_wording_for_an_unknown_platform_is_422(api: Api) -> None:
    response = api.call("POST", "/templates", "demo-admin", with_renderings({"myspace": "{{ post.headline }}"}))
    assert response.status_code == 422
    assert "myspace" in response.json_body["error"]["details"][0]["problem"]
