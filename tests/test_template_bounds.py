"""Admin-written wordings are bounded in time and size, and templates are screened when they are
made and when they are approved (issue 11, item 6)."""
from __future__ import annotations

import time
from typing import Any

import pytest

from chalicelib import composition
from chalicelib.services.common import revise
from chalicelib.rendering import sandbox
from conftest import Api
from test_templates_and_triggers import BOIL_WATER, GOOD_PARAMS, approved_template, trail


def with_sms_wording(wording: str) -> dict[str, Any]:
    return {**BOIL_WATER, "renderings": {"sms": wording}}


@pytest.mark.parametrize("wording, says", [
    ("{{ 'x' * 10**8 }}", "would build 100000000 characters"),
    ("{{ [1] * 100000 }}", "would build 100000"),
    ("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}{% endfor %}"
     "{% endfor %}{% endfor %}", "ran longer than 1 s"),
    ("{% set s = 'x' * 60000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}", "ran longer than 1 s"),
    ("{% for i in range(1000) %}{% for j in range(1000) %}xx{% endfor %}{% endfor %}", "wrote more than 65536"),
    ("{% for i in range(100000) %}{% endfor %}", "the number 100000"),
    ("{{ 'x'.center(1000000000) }}", "the number 1000000000"),
    ("{{ post.headline.format(1) }}", "'format' of 'str' object is unsafe"),
    ("{{ '%999999999s' % 1 }}", "width or precision"),
    ("{{ 'ab' | replace('', 'y' * 60000) }}", "replace would build"),
    ("{{ 2 ** 100000 }}", "power"),
    ("{{ 9 ** 9 ** 9 }}", "too large"),
    ("{{ lipsum(5) }}", "lipsum"),
    ("{{ 'x' | indent(100000) }}", "No filter named 'indent'"),
])
def test_a_wording_that_would_run_away_is_refused_at_creation(api: Api, wording: str, says: str) -> None:
    started = time.monotonic()
    response = api.call("POST", "/templates", "demo-admin", with_sms_wording(wording))
    assert time.monotonic() - started < 5
    assert response.status_code == 422, response.json_body
    detail = response.json_body["error"]["details"][0]
    assert detail["field"] == "renderings.sms" and says in detail["problem"], detail


def test_an_ordinary_wording_renders_and_is_used_in_the_preview(api: Api) -> None:
    wording = ("{{ post.headline | upper }}{% for tag in post.hashtags %} #{{ tag }}{% endfor %}"
               "{% for i in range(2) %}!{% endfor %} {{ post.required_text }}")
    template_id = approved_template(api, with_sms_wording(wording))
    response = api.call("POST", f"/templates/{template_id}/trigger", "demo-oncall",
                        {"parameters": GOOD_PARAMS})
    assert response.status_code == 201, response.json_body
    advisory_id = response.json_body["id"]
    preview = api.call("GET", f"/advisories/{advisory_id}/preview", "demo-oncall").json_body
    sms = next(p for p in preview["channels"] if p["channel_account"] == "sms:subscribers")
    assert sms["parts"][0]["text"].startswith("BOIL WATER NOTICE FOR RIVERSIDE")


def test_a_wording_over_budget_at_a_later_render_is_a_finding_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bounds hold at every render, not only at creation (a budget may tighten)."""
    view = {"headline": "h" * 100}
    assert sandbox.render_custom("{{ post.headline }}", view) == "h" * 100
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 50)
    with pytest.raises(sandbox.RenderBudgetExceeded, match="wrote more than 50"):
        sandbox.render_custom("{{ post.headline }}", view)


def test_an_exercise_template_aimed_at_a_live_account_is_refused_at_creation(api: Api) -> None:
    drill = {**BOIL_WATER, "content": {**BOIL_WATER["content"], "status": "Exercise"}}
    response = api.call("POST", "/templates", "demo-admin", drill)
    assert response.status_code == 422
    assert response.json_body["error"]["code"] == "screening_failed"
    codes = {d["code"] for d in response.json_body["error"]["details"]}
    assert "drill_to_live_channel" in codes
    assert any(e["action"] == "refused:template_create" for e in trail(api, actor="demo-admin"))


def test_a_template_is_screened_again_at_approval(api: Api) -> None:
    created = api.call("POST", "/templates", "demo-admin", BOIL_WATER)
    assert created.status_code == 201
    store = composition.clarion().store
    account = store.get_channel("mastodon:city-health")
    store.commit([revise(account, enabled=False)[1]])  # the account was switched off since
    response = api.call("POST", f"/templates/{created.json_body['id']}/approve", "demo-approver")
    assert response.status_code == 422, response.json_body
    assert {d["code"] for d in response.json_body["error"]["details"]} == {"channel_disabled"}
    assert api.call("GET", f"/templates/{created.json_body['id']}", "demo-admin").json_body["state"] == "draft"
