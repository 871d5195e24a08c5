"""Issue 14, admin: editing, retiring and previewing templates, and four eyes on every approval,
on the real path (Chalice on moto, the demo users of the local stage)."""
from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import Api
from test_templates_and_triggers import BOIL_WATER, GOOD_PARAMS, approved_template, invoke_trigger, trail

ROUTES = [("PUT", "/templates/{tpl}"), ("POST", "/templates/{tpl}/retire"), ("POST", "/templates/preview")]
NOT_ADMIN = ["demo-spokesperson", "demo-approver", "demo-oncall", "demo-auditor"]


def draft(api: Api, body: dict[str, Any] = BOIL_WATER) -> str:
    created = api.call("POST", "/templates", "demo-admin", body)
    assert created.status_code == 201, created.json_body
    return str(created.json_body["id"])


def edited(**content: Any) -> dict[str, Any]:
    return {**BOIL_WATER, "content": {**BOIL_WATER["content"], **content}}


def give_role(api: Api, user: str, role: str) -> None:
    response = api.call("PUT", f"/users/{user}/roles/{role}", "demo-admin")
    assert response.status_code == 200, response.json_body


# -- who may call -------------------------------------------------------------------------------
@pytest.mark.parametrize("method,path", ROUTES)
def test_no_or_a_bad_token_is_401(api: Api, method: str, path: str) -> None:
    template_id = draft(api)
    for token in (None, "not-a-real-token"):
        response = api.call(method, path.format(tpl=template_id), token, BOIL_WATER)
        assert response.status_code == 401, (token, response.json_body)


@pytest.mark.parametrize("method,path,token", [
    (method, path, token) for method, path in ROUTES for token in NOT_ADMIN
    # approvers preview the drafts they review: test_an_approver_previews_a_draft_with_its_own_wording
    if (path, token) != ("/templates/preview", "demo-approver")])
def test_only_an_admin_may_and_a_refusal_is_audited(api: Api, method: str, path: str, token: str) -> None:
    template_id = draft(api)
    response = api.call(method, path.format(tpl=template_id), token, BOIL_WATER)
    assert response.status_code == 403, response.json_body
    assert trail(api, actor=token)[-1]["action"].startswith("refused:template_")
    assert api.call("GET", f"/templates/{template_id}", token).json_body["state"] == "draft"


# -- editing --------------------------------------------------------------------------------------
def test_editing_a_draft_changes_it_and_is_audited(api: Api) -> None:
    template_id = draft(api)
    body = {**edited(headline="Do not drink tap water in {area} until {until}"), "name": "Do-not-drink"}
    response = api.call("PUT", f"/templates/{template_id}", "demo-admin", body)
    assert response.status_code == 200, response.json_body
    template = response.json_body
    assert template["name"] == "Do-not-drink" and template["state"] == "draft"
    assert template["content"]["headline"].startswith("Do not drink") and template["revision"] == 2
    assert template["updated_at"] and template["triggerable"] is False
    assert template["author"] == "demo-admin" and template["editors"] == []  # the author edited it
    [entry] = [e for e in trail(api) if e["action"] == "template_edit"]
    assert entry["actor"] == "demo-admin" and entry["summary"] == f"{template_id}: Do-not-drink: edited"
    assert api.call("GET", f"/templates/{template_id}", "demo-oncall").json_body == template


def test_editing_an_approved_template_voids_its_approval_until_it_is_approved_again(api: Api) -> None:
    template_id = approved_template(api)
    response = api.call("PUT", f"/templates/{template_id}", "demo-admin", edited(severity="Extreme"))
    assert response.status_code == 200, response.json_body
    template = response.json_body
    assert template["state"] == "draft" and template["approval"] is None and template["triggerable"] is False
    [entry] = [e for e in trail(api) if e["action"] == "template_edit"]
    assert "the approval by demo-approver is void (was approved, back to draft)" in entry["summary"]
    refused = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": GOOD_PARAMS})
    assert refused.status_code == 409 and "not approved" in refused.json_body["error"]["message"]
    assert api.call("POST", f"/templates/{template_id}/approve", "demo-approver").status_code == 200
    triggered = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": GOOD_PARAMS})
    assert triggered.status_code == 201 and triggered.json_body["content"]["severity"] == "Extreme"


@pytest.mark.parametrize("body,field,says", [
    (edited(headline="Notice for {district}"), "content", "{district}"),
    ({**BOIL_WATER, "parameters": [{"name": "area", "type": "colour"}]}, "parameters.0.type", "string"),
    ({**BOIL_WATER, "renderings": {"sms": "{{ post.__class__ }}"}}, "renderings.sms", "unsafe"),
    ({**BOIL_WATER, "renderings": {"sms": "{% for %}"}}, "renderings.sms", "does not compile"),
    (edited(severity="Awful"), "content.severity", "Extreme"),
    ({**BOIL_WATER, "colour": "red"}, "colour", "Extra inputs"),
])
def test_an_edit_is_validated_as_a_creation_is(api: Api, body: dict[str, Any], field: str, says: str) -> None:
    template_id = approved_template(api)
    response = api.call("PUT", f"/templates/{template_id}", "demo-admin", body)
    assert response.status_code == 422, response.json_body
    details = response.json_body["error"]["details"]
    assert any(d["field"] == field and says in d["problem"] for d in details), details
    unchanged = api.call("GET", f"/templates/{template_id}", "demo-admin").json_body
    assert unchanged["state"] == "approved" and unchanged["triggerable"] is True and unchanged["revision"] == 2


def test_an_edit_aimed_at_an_unknown_channel_fails_screening(api: Api) -> None:
    template_id = draft(api)
    response = api.call("PUT", f"/templates/{template_id}", "demo-admin",
                        edited(channels=["mastodon:city-health", "mastodon:nowhere"]))
    assert response.status_code == 422
    assert response.json_body["error"]["code"] == "screening_failed"
    assert "mastodon:nowhere" in json.dumps(response.json_body["error"]["details"])
    assert trail(api, actor="demo-admin")[-1]["action"] == "refused:template_edit"


def test_editing_an_unknown_template_is_404(api: Api) -> None:
    assert api.call("PUT", "/templates/tpl_nope", "demo-admin", BOIL_WATER).status_code == 404


# -- four eyes --------------------------------------------------------------------------------------
def test_the_author_can_never_approve_their_own_template(api: Api) -> None:
    give_role(api, "demo-admin", "approver")  # the author now holds both roles
    template_id = draft(api)
    response = api.call("POST", f"/templates/{template_id}/approve", "demo-admin")
    assert response.status_code == 403 and "another approver" in response.json_body["error"]["message"]
    assert trail(api, actor="demo-admin")[-1]["action"] == "refused:template_approve"
    template = api.call("GET", f"/templates/{template_id}", "demo-admin").json_body
    assert template["state"] == "draft" and template["approval"] is None
    # ... nor after editing it again, once someone else approved it
    assert api.call("POST", f"/templates/{template_id}/approve", "demo-approver").status_code == 200
    api.call("PUT", f"/templates/{template_id}", "demo-admin", edited(severity="Extreme"))
    assert api.call("POST", f"/templates/{template_id}/approve", "demo-admin").status_code == 403


def test_an_admin_who_edited_a_template_cannot_approve_it_either(api: Api) -> None:
    give_role(api, "demo-approver", "admin")
    template_id = draft(api)  # written by demo-admin
    response = api.call("PUT", f"/templates/{template_id}", "demo-approver", edited(severity="Extreme"))
    assert response.status_code == 200 and response.json_body["editors"] == ["demo-approver"]
    refused = api.call("POST", f"/templates/{template_id}/approve", "demo-approver")
    assert refused.status_code == 403
    assert trail(api, actor="demo-approver")[-1]["action"] == "refused:template_approve"


# -- retiring -----------------------------------------------------------------------------------------
def test_a_retired_template_is_listed_audited_and_never_triggered(api: Api) -> None:
    template_id = approved_template(api)
    response = api.call("POST", f"/templates/{template_id}/retire", "demo-admin",
                        {"reason": "replaced by the county's notice"})
    assert response.status_code == 200, response.json_body
    retired = response.json_body
    assert retired["state"] == "retired" and retired["triggerable"] is False
    assert retired["retirement"]["by"] == "demo-admin"
    assert retired["retirement"]["reason"] == "replaced by the county's notice"
    listed = api.call("GET", "/templates", "demo-oncall").json_body["templates"]
    assert [(t["id"], t["state"]) for t in listed] == [(template_id, "retired")]
    [entry] = [e for e in trail(api) if e["action"] == "template_retire"]
    assert entry["actor"] == "demo-admin"
    assert entry["summary"] == f"{template_id}: Boil-water notice: retired (was approved): replaced by the county's notice"

    trigger = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall", {"parameters": GOOD_PARAMS})
    assert trigger.status_code == 409
    error = trigger.json_body["error"]
    assert error["code"] == "conflict" and error["details"] == {"state": "retired"}
    assert "was retired by demo-admin" in error["message"] and "can no longer be triggered" in error["message"]
    preview = api.call("POST", f"/templates/{template_id}/preview", "demo-oncall", {"parameters": GOOD_PARAMS})
    assert preview.status_code == 409 and "retired" in preview.json_body["error"]["message"]
    message = json.dumps({"template_id": template_id, "parameters": GOOD_PARAMS, "source": "pager"})
    assert invoke_trigger(api, message).startswith("refused")
    assert api.call("GET", "/advisories", "demo-oncall").json_body["advisories"] == []


@pytest.mark.parametrize("method,path,body", [
    ("POST", "/templates/{tpl}/retire", None),
    ("PUT", "/templates/{tpl}", BOIL_WATER),
    ("POST", "/templates/{tpl}/approve", None),
])
def test_retired_is_final(api: Api, method: str, path: str, body: Any) -> None:
    template_id = draft(api)
    assert api.call("POST", f"/templates/{template_id}/retire", "demo-admin").status_code == 200  # no body
    token = "demo-approver" if path.endswith("approve") else "demo-admin"
    response = api.call(method, path.format(tpl=template_id), token, body)
    assert response.status_code == 409, response.json_body
    assert response.json_body["error"]["details"]["state"] == "retired"


def test_retiring_an_unknown_template_is_404_and_a_bad_reason_422(api: Api) -> None:
    assert api.call("POST", "/templates/tpl_nope/retire", "demo-admin").status_code == 404
    template_id = draft(api)
    response = api.call("POST", f"/templates/{template_id}/retire", "demo-admin", {"reason": "x" * 2001})
    assert response.status_code == 422


# -- previewing a template being written ----------------------------------------------------------------
def test_the_preview_fills_the_draft_with_the_sample_and_renders_every_channel(api: Api) -> None:
    body = {**BOIL_WATER, "renderings": {"sms": "{{ post.headline|upper }}. {{ post.required_text }}"},
            "sample": GOOD_PARAMS}
    response = api.call("POST", "/templates/preview", "demo-admin", body)
    assert response.status_code == 200, response.json_body
    preview = response.json_body
    assert {c["channel_account"] for c in preview["channels"]} == {"mastodon:city-health", "sms:subscribers"}
    sms = next(c for c in preview["channels"] if c["platform"] == "sms")
    assert sms["parts"][0]["text"].startswith("BOIL WATER NOTICE FOR RIVERSIDE UNTIL 2026-11-30.")
    mastodon = next(c for c in preview["channels"] if c["platform"] == "mastodon")
    assert "Riverside" in json.dumps(mastodon)
    assert preview["blocking"] is False and isinstance(preview["findings"], list)
    # Nothing is stored or recorded.
    assert api.call("GET", "/templates", "demo-admin").json_body["templates"] == []
    assert not [e for e in trail(api) if e["action"].startswith("template_")]


def test_the_preview_fills_what_the_sample_leaves_out_and_shows_screening_findings(api: Api) -> None:
    body = {**edited(channels=["mastodon:city-health", "mastodon:nowhere"]), "sample": {"area": "Hillside"}}
    response = api.call("POST", "/templates/preview", "demo-admin", body)
    assert response.status_code == 200, response.json_body
    preview = response.json_body
    assert [c["channel_account"] for c in preview["channels"]] == ["mastodon:city-health"]
    assert "Hillside" in json.dumps(preview["channels"][0])
    assert preview["blocking"] is True
    assert any(f["code"] == "unknown_channel" and f["channel"] == "mastodon:nowhere" for f in preview["findings"])


@pytest.mark.parametrize("body,field", [
    ({**BOIL_WATER, "sample": {**GOOD_PARAMS, "until": "next tuesday"}}, "sample.until"),
    ({**BOIL_WATER, "sample": {**GOOD_PARAMS, "colour": "red"}}, "sample.colour"),
    ({**BOIL_WATER, "sample": {**GOOD_PARAMS, "urgency": "Whenever"}}, "sample.urgency"),
    ({**edited(headline="Notice for {district}"), "sample": GOOD_PARAMS}, "content"),
    ({**BOIL_WATER, "renderings": {"telegram": "{{ ''.__class__ }}"}, "sample": GOOD_PARAMS}, "renderings.telegram"),
    ({**BOIL_WATER, "sample": "Riverside"}, "sample"),
])
def test_a_bad_draft_or_sample_is_422_naming_the_field(api: Api, body: dict[str, Any], field: str) -> None:
    response = api.call("POST", "/templates/preview", "demo-admin", body)
    assert response.status_code == 422, response.json_body
    assert field in [d["field"] for d in response.json_body["error"]["details"]], response.json_body


def test_approval_is_bound_to_the_content_the_approver_reviewed(api: Api) -> None:
    template_id = draft(api)
    reviewed = api.call("GET", f"/templates/{template_id}", "demo-approver").json_body["content_hash"]
    assert api.call("PUT", f"/templates/{template_id}", "demo-admin",
                    edited(headline="Boil water notice for {area} until {until} (revised)")).status_code == 200
    stale = api.call("POST", f"/templates/{template_id}/approve", "demo-approver", {"content_hash": reviewed})
    assert stale.status_code == 409 and "changed since you reviewed it" in stale.json_body["error"]["message"]
    current = api.call("GET", f"/templates/{template_id}", "demo-approver").json_body["content_hash"]
    approved = api.call("POST", f"/templates/{template_id}/approve", "demo-approver", {"content_hash": current})
    assert approved.status_code == 200 and approved.json_body["state"] == "approved"


def test_an_approver_previews_a_draft_with_its_own_wording(api: Api) -> None:
    body = {**BOIL_WATER, "renderings": {"sms": "BOIL WATER {{ post.area }}: boil tap water. {{ post.ref }}"},
            "sample": {"area": "Riverside"}}
    preview = api.call("POST", "/templates/preview", "demo-approver", body)
    assert preview.status_code == 200, preview.json_body
    [sms] = [c for c in preview.json_body["channels"] if c["platform"] == "sms"]
    assert sms["parts"][0]["text"].startswith("BOIL WATER Riverside")
    assert api.call("POST", "/templates/preview", "demo-oncall", body).status_code == 403
