"""An advisory (or template) that names `group:<name>` among its channels (issue 16): expanded to the
group's accounts when the draft is saved, so the content hash, the approval and the fan-out cover
concrete accounts. Through the real path: chalice.test.Client, moto, the delivery workers."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib import composition
from chalicelib.domain.models import ChannelAccount
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.ports import Put
from conftest import Api, advisory_body, deliver_queued
from test_templates_and_triggers import BOIL_WATER, GOOD_PARAMS

CITY = ["mastodon:city-health", "sms:subscribers", "banner:website"]


def group(api: Api, name: str, channels: list[str], label: str = "City accounts", revision: int = 0) -> dict[str, Any]:
    response = api.call("PUT", f"/channel-groups/{name}", "demo-admin",
                        {"revision": revision, "label": label, "channels": channels})
    assert response.status_code in (200, 201), response.json_body
    return dict(response.json_body)


def draft(api: Api, channels: list[str], token: str = "demo-spokesperson") -> Any:
    return api.call("POST", "/advisories", token, advisory_body(channels=channels))


def test_a_group_is_expanded_at_draft_save_and_the_broadcast_covers_its_accounts(api: Api, aws: Provisioned) -> None:
    owned = ["banner:website", "sms:subscribers", "cap_feed:public"]  # delivered on moto alone
    group(api, "city", owned)
    created = draft(api, ["sms:subscribers", "group:city", "mastodon:city-health"])
    assert created.status_code == 201, created.json_body
    advisory = created.json_body
    # Concrete accounts, each once, in the order chosen; what the group stood for beside them.
    assert advisory["content"]["channels"] == ["sms:subscribers", "banner:website", "cap_feed:public",
                                               "mastodon:city-health"]
    assert advisory["channel_groups"] == [{"name": "city", "label": "City accounts", "channels": owned,
                                           "left_out": []}]
    stored = api.call("GET", f"/advisories/{advisory['id']}", "demo-approver").json_body
    assert stored["content"]["channels"] == advisory["content"]["channels"]
    assert stored["content_hash"] == advisory["content_hash"]
    entry = api.call("GET", f"/audit?advisory_id={advisory['id']}", "demo-auditor").json_body["entries"][0]
    assert "channels by group: City accounts (3 accounts)" in entry["summary"]

    # The group changes after the save: the draft does not, nor its hash.
    group(api, "city", ["mastodon:city-health"], revision=1)
    again = api.call("GET", f"/advisories/{advisory['id']}", "demo-approver").json_body
    assert again["content"]["channels"] == advisory["content"]["channels"]
    assert again["content_hash"] == advisory["content_hash"]

    preview = api.call("GET", f"/advisories/{advisory['id']}/preview", "demo-approver").json_body
    assert sorted(c["channel_account"] for c in preview["channels"]) == sorted(advisory["content"]["channels"])
    assert api.call("POST", f"/advisories/{advisory['id']}/submit", "demo-spokesperson").status_code == 200
    approved = api.call("POST", f"/advisories/{advisory['id']}/approve", "demo-approver",
                        {"content_hash": advisory["content_hash"]})
    assert approved.status_code == 200 and approved.json_body["broadcast"]["published"] is True
    rows = api.call("GET", f"/advisories/{advisory['id']}/deliveries", "demo-approver").json_body["deliveries"]
    assert sorted(d["channel_account"] for d in rows) == sorted(advisory["content"]["channels"])
    assert {d["content_hash"] for d in rows} == {advisory["content_hash"]}
    deliver_queued(api, aws, "sms", "banner", "cap_feed")
    rows = api.call("GET", f"/advisories/{advisory['id']}/deliveries", "demo-approver").json_body["deliveries"]
    assert {d["channel_account"] for d in rows if d["state"] == "sent"} == set(owned)


def test_an_edit_expands_the_group_as_it_is_now_and_voids_nothing_it_should_not(api: Api) -> None:
    group(api, "city", CITY)
    advisory = draft(api, ["group:city"]).json_body
    group(api, "city", ["mastodon:city-health", "x:city-health"], revision=1)
    edited = api.call("PUT", f"/advisories/{advisory['id']}", "demo-spokesperson",
                      advisory_body(channels=["group:city"]))
    assert edited.status_code == 200, edited.json_body
    assert edited.json_body["content"]["channels"] == ["mastodon:city-health", "x:city-health"]
    assert edited.json_body["channel_groups"][0]["channels"] == ["mastodon:city-health", "x:city-health"]
    assert edited.json_body["content_hash"] != advisory["content_hash"]
    # Saved again with the accounts ticked one by one: no group was chosen this time.
    plain = api.call("PUT", f"/advisories/{advisory['id']}", "demo-spokesperson",
                     advisory_body(channels=["mastodon:city-health", "x:city-health"]))
    assert plain.json_body["channel_groups"] == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PREVIEW"])
def test_an_unknown_or_deleted_group_is_a_400_naming_it(api: Api, method: str) -> None:
    group(api, "gone", ["sms:subscribers"])
    assert api.call("DELETE", "/channel-groups/gone", "demo-admin").status_code == 200
    body = advisory_body(channels=["group:nope", "group:gone", "sms:subscribers"])
    if method == "POST":
        response = api.call("POST", "/advisories", "demo-spokesperson", body)
    elif method == "PUT":
        advisory_id = draft(api, ["sms:subscribers"]).json_body["id"]
        response = api.call("PUT", f"/advisories/{advisory_id}", "demo-spokesperson", body)
    else:
        response = api.call("POST", "/advisories/preview", "demo-spokesperson", body)
    assert response.status_code == 400, response.json_body
    error = response.json_body["error"]
    assert error["message"] == "there is no channel group nope, gone"
    assert [d["group"] for d in error["details"]] == ["nope", "gone"]


def test_a_disabled_member_is_left_out_and_said_so(api: Api) -> None:
    group(api, "city", CITY)
    assert api.call("POST", "/channels/sms:subscribers/disable", "demo-admin").status_code == 200
    advisory = draft(api, ["group:city"]).json_body
    assert advisory["content"]["channels"] == ["mastodon:city-health", "banner:website"]
    assert advisory["channel_groups"][0]["left_out"] == ["sms:subscribers"]
    # Named on its own, a disabled account stays, and screening says it cannot be used.
    named = draft(api, ["group:city", "sms:subscribers"]).json_body
    assert named["content"]["channels"] == ["mastodon:city-health", "banner:website", "sms:subscribers"]
    refused = api.call("POST", f"/advisories/{named['id']}/submit", "demo-spokesperson")
    assert refused.status_code == 422 and "channel_disabled" in str(refused.json_body)


def test_the_preview_of_an_unsaved_draft_shows_every_account_of_the_group(api: Api) -> None:
    group(api, "city", CITY)
    preview = api.call("POST", "/advisories/preview", "demo-spokesperson", advisory_body(channels=["group:city"]))
    assert preview.status_code == 200, preview.json_body
    assert sorted(c["channel_account"] for c in preview.json_body["channels"]) == sorted(CITY)


def test_groups_and_accounts_past_a_thousand_are_refused_with_the_count(api: Api) -> None:
    accounts = [ChannelAccount(id=f"sms:county-{n:04d}", platform="sms", name=f"County {n}",
                               settings={"phone_numbers": [f"+1555{n:07d}"]}) for n in range(1000)]
    store = composition.clarion().store
    for start in range(0, len(accounts), 100):
        store.commit([Put(a, None) for a in accounts[start:start + 100]])
    ids = [a.id for a in accounts]
    group(api, "counties", ids, label="County health departments")
    whole = draft(api, ["group:counties"])
    assert whole.status_code == 201 and len(whole.json_body["content"]["channels"]) == 1000
    assert draft(api, ["group:counties", *ids[:10]]).status_code == 201  # repeats count once
    over = draft(api, ["group:counties", "sms:subscribers"])
    assert over.status_code == 422, over.json_body
    assert "1,001" in over.json_body["error"]["message"]
    assert "County health departments (1000)" in over.json_body["error"]["details"][0]["problem"]


def test_a_follow_up_keeps_the_groups_of_the_advisory_it_follows(api: Api, aws: Provisioned) -> None:
    group(api, "city", CITY)
    advisory = draft(api, ["group:city"]).json_body
    api.call("POST", f"/advisories/{advisory['id']}/submit", "demo-spokesperson")
    api.call("POST", f"/advisories/{advisory['id']}/approve", "demo-approver")
    update = api.call("POST", f"/advisories/{advisory['id']}/update", "demo-spokesperson")
    assert update.status_code == 201, update.json_body
    assert update.json_body["content"]["channels"] == CITY
    assert update.json_body["channel_groups"] == advisory["channel_groups"]


def test_a_template_naming_a_group_is_expanded_when_saved_and_triggers_to_those_accounts(api: Api) -> None:
    group(api, "boil", ["mastodon:city-health", "sms:subscribers"], label="Boil-water audience")
    body = {**BOIL_WATER, "content": {**BOIL_WATER["content"], "channels": ["group:boil", "banner:website"]}}
    created = api.call("POST", "/templates", "demo-admin", body)
    assert created.status_code == 201, created.json_body
    template = created.json_body
    assert template["content"]["channels"] == ["mastodon:city-health", "sms:subscribers", "banner:website"]
    assert template["channel_groups"][0]["label"] == "Boil-water audience"
    assert api.call("POST", f"/templates/{template['id']}/approve", "demo-approver").status_code == 200
    group(api, "boil", ["x:city-health"], label="Boil-water audience", revision=1)  # after the approval

    triggered = api.call("POST", f"/templates/{template['id']}/trigger", "demo-oncall", {"parameters": GOOD_PARAMS})
    assert triggered.status_code == 201, triggered.json_body
    advisory = triggered.json_body
    assert advisory["content"]["channels"] == template["content"]["channels"]  # what the approver approved
    assert advisory["channel_groups"] == template["channel_groups"] and advisory["approval_valid"] is True
    rows = api.call("GET", f"/advisories/{advisory['id']}/deliveries", "demo-oncall").json_body["deliveries"]
    assert sorted(d["channel_account"] for d in rows) == sorted(template["content"]["channels"])

    preview = api.call("POST", "/templates/preview", "demo-admin", {**body, "sample": GOOD_PARAMS})
    assert preview.status_code == 200, preview.json_body
    assert [c["channel_account"] for c in preview.json_body["channels"]] == ["x:city-health", "banner:website"]
    unknown = api.call("POST", "/templates", "demo-admin",
                       {**body, "content": {**body["content"], "channels": ["group:nope"]}})
    assert unknown.status_code == 400 and "nope" in unknown.json_body["error"]["message"]
