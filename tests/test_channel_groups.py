"""Channel groups (issue 16): the group's own rules (domain/groups.py), and the admin's API through
chalice.test.Client on moto: GET /channel-groups, PUT and DELETE /channel-groups/{name}."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain import groups
from chalicelib.domain.errors import BadRequest, Conflict, NotFound, ValidationFailed
from chalicelib.domain.groups import ChannelGroup, ChannelGroupDraft
from chalicelib.domain.models import MAX_CHANNELS, Advisory, AdvisoryContent, ChannelAccount, ChosenGroup
from conftest import Api

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def account(account_id: str, **flags: Any) -> ChannelAccount:
    return ChannelAccount(id=account_id, platform=account_id.split(":")[0], name=account_id, **flags)


KNOWN = {a.id: a for a in (account("sms:a"), account("sms:b"), account("mastodon:c"),
                           account("sms:off", enabled=False), account("sms:gone", deleted_at=NOW))}


def draft(*channels: str, revision: int = 0, label: str = "County health departments") -> ChannelGroupDraft:
    return ChannelGroupDraft(revision=revision, label=label, channels=list(channels))


def county(*channels: str) -> ChannelGroup:
    group, _event = ChannelGroup.new("county", draft(*(channels or ("sms:a", "sms:b"))), KNOWN, "admin", NOW)
    return group


# -- the group's rules -----------------------------------------------------------------------------

def test_a_new_group_is_revision_1_with_its_audit_event() -> None:
    group, event = ChannelGroup.new("county", draft("sms:a", "sms:b", "sms:a"), KNOWN, "admin", NOW)
    assert (group.name, group.channels, group.revision, group.created_by) == ("county", ["sms:a", "sms:b"], 1, "admin")
    assert event.action == "channel_group_create" and event.actor == "admin"
    assert "county" in event.summary and "2 accounts" in event.summary and "sms:a, sms:b" in event.summary


@pytest.mark.parametrize("channels,problem", [
    ([], "at least one channel account"),
    ([f"sms:n{n}" for n in range(MAX_CHANNELS + 1)], "at most 1,000"),
    (["not an account"], "pattern"),
])
def test_a_draft_holds_one_to_a_thousand_account_ids(channels: list[str], problem: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ChannelGroupDraft(revision=0, label="x", channels=channels)
    assert problem in str(refused.value)


def test_a_thousand_accounts_with_repeats_is_a_thousand() -> None:
    ids = [f"sms:n{n}" for n in range(MAX_CHANNELS)]
    assert len(ChannelGroupDraft(revision=0, label="x", channels=ids + ids[:5]).channels) == MAX_CHANNELS


@pytest.mark.parametrize("member,problem", [
    ("sms:nobody", "there is no channel account sms:nobody"),
    ("sms:gone", "the channel account sms:gone was deleted"),
    ("group:other", "group:other is a group: a group holds channel accounts only"),
])
def test_only_known_accounts_may_be_members(member: str, problem: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        ChannelGroup.new("county", draft("sms:a", member), KNOWN, "admin", NOW)
    assert [d["problem"] for d in refused.value.details] == [problem]


def test_a_disabled_account_may_be_a_member() -> None:
    assert county("sms:a", "sms:off").channels == ["sms:a", "sms:off"]


@pytest.mark.parametrize("name", ["County", "county_health", "-county", "a" * 64, "", "county health"])
def test_a_name_is_a_slug(name: str) -> None:
    with pytest.raises(BadRequest):
        groups.check_name(name)


def test_a_change_names_what_changed_and_needs_the_current_revision() -> None:
    group = county()
    changed = group.change(draft("sms:a", "mastodon:c", revision=1, label="Counties"), KNOWN, "admin-2", NOW)
    assert changed is not None
    new, event = changed
    assert (new.revision, new.label, new.channels, new.updated_by) == (2, "Counties", ["sms:a", "mastodon:c"], "admin-2")
    assert new.created_by == "admin"
    assert event.action == "channel_group_edit"
    assert "label 'County health departments' -> 'Counties'" in event.summary
    assert "added 1: mastodon:c" in event.summary and "removed 1: sms:b" in event.summary
    with pytest.raises(Conflict) as stale:
        new.change(draft("sms:a", revision=1), KNOWN, "admin", NOW)
    assert stale.value.details == {"revision": 2}
    with pytest.raises(Conflict) as exists:
        new.change(draft("sms:a", revision=0), KNOWN, "admin", NOW)
    assert "already a channel group county" in exists.value.message


def test_a_change_that_changes_nothing_is_none() -> None:
    group = county()
    assert group.change(draft("sms:a", "sms:b", revision=1), KNOWN, "admin", NOW) is None


def test_delete_leaves_a_tombstone_and_a_new_group_may_take_the_name() -> None:
    group = county()
    with pytest.raises(Conflict):
        group.delete("admin", NOW, revision=5)
    deleted, event = group.delete("admin", NOW, revision=1)
    assert deleted.deleted and deleted.revision == 2 and event.action == "channel_group_delete"
    with pytest.raises(NotFound):
        deleted.delete("admin", NOW)
    with pytest.raises(Conflict):  # edited from before the delete
        ChannelGroup.new("county", draft("sms:a", revision=1), KNOWN, "admin", NOW, replacing=deleted)
    again, event = ChannelGroup.new("county", draft("mastodon:c"), KNOWN, "admin-2", NOW, replacing=deleted)
    assert (again.revision, again.channels, again.deleted) == (3, ["mastodon:c"], False)
    assert "again" in event.summary


# -- expansion ---------------------------------------------------------------------------------------

def test_expansion_replaces_a_group_by_its_usable_accounts_once_each() -> None:
    group = county("sms:a", "sms:off", "sms:b").model_copy(update={  # sms:gone was deleted since
        "channels": ["sms:a", "sms:off", "sms:b", "sms:gone"]})
    expansion = groups.expand(["sms:b", "group:county", "mastodon:c", "group:county"], {"county": group}, KNOWN)
    assert expansion.channels == ["sms:b", "sms:a", "mastodon:c"]
    assert expansion.groups == [ChosenGroup(name="county", label="County health departments",
                                            channels=["sms:a", "sms:b"], left_out=["sms:off", "sms:gone"])]


def test_an_unknown_or_deleted_group_is_a_400_naming_it() -> None:
    deleted = county().delete("admin", NOW)[0]
    with pytest.raises(BadRequest) as refused:
        groups.expand(["group:county", "group:nope", "sms:a"], {"county": deleted}, KNOWN)
    assert "county" in refused.value.message and "nope" in refused.value.message
    assert [d["group"] for d in refused.value.details] == ["county", "nope"]


def test_more_than_a_thousand_accounts_in_all_is_refused_clearly() -> None:
    many = {f"sms:n{n}": account(f"sms:n{n}") for n in range(MAX_CHANNELS)}
    group = ChannelGroup.new("all", draft(*many), many, "admin", NOW)[0]
    assert len(groups.expand(["group:all"], {"all": group}, many).channels) == MAX_CHANNELS
    with pytest.raises(ValidationFailed) as refused:
        groups.expand(["group:all", "sms:a"], {"all": group}, {**many, **KNOWN})
    assert "1,001" in refused.value.message and "at most 1,000" in refused.value.message


def test_channels_without_groups_are_left_as_they_are() -> None:
    assert groups.expand(["sms:a", "sms:nobody"], {}, KNOWN).channels == ["sms:a", "sms:nobody"]


def test_the_content_hash_covers_the_groups_only_when_there_are_some() -> None:
    """An advisory saved before groups existed keeps its hash (its approval stays valid)."""
    import hashlib

    from chalicelib.domain.models import canonical_json

    plain = Advisory(content=AdvisoryContent(headline="h", channels=["sms:a"]), author="a")
    before = {"content": plain.content.canonical(), "msg_type": "Alert", "references": []}
    assert plain.content_hash() == hashlib.sha256(canonical_json(before).encode()).hexdigest()
    chosen = plain.model_copy(update={"channel_groups": [ChosenGroup(name="g", label="G", channels=["sms:a"])]})
    assert chosen.content_hash() != plain.content_hash()


# -- the API -------------------------------------------------------------------------------------------

def put(api: Api, name: str, body: dict[str, Any], token: str = "demo-admin") -> Any:
    return api.call("PUT", f"/channel-groups/{name}", token, body)


def listed(api: Api, token: str = "demo-spokesperson") -> dict[str, dict[str, Any]]:
    response = api.call("GET", "/channel-groups", token)
    assert response.status_code == 200, response.json_body
    return {g["name"]: g for g in response.json_body["channel_groups"]}


def audit_actions(api: Api) -> list[tuple[str, str]]:
    entries = api.call("GET", "/audit?actor=demo-admin", "demo-auditor").json_body["entries"]
    return [(e["action"], e["summary"]) for e in entries if e["action"].startswith("channel_group")]


CITY = {"revision": 0, "label": "City accounts", "description": "The city's own public accounts",
        "channels": ["mastodon:city-health", "sms:subscribers", "banner:website"]}


def test_an_admin_creates_changes_and_deletes_a_group_every_step_audited(api: Api) -> None:
    created = put(api, "city", CITY)
    assert created.status_code == 201, created.json_body
    assert created.json_body["revision"] == 1 and created.json_body["channels"] == CITY["channels"]
    for token in ("demo-spokesperson", "demo-approver", "demo-oncall", "demo-admin"):
        assert listed(api, token)["city"]["label"] == "City accounts"

    changed = put(api, "city", {**CITY, "revision": 1, "channels": ["mastodon:city-health", "x:city-health"]})
    assert changed.status_code == 200 and changed.json_body["revision"] == 2
    assert listed(api)["city"]["channels"] == ["mastodon:city-health", "x:city-health"]
    same = put(api, "city", {**CITY, "revision": 2, "channels": ["mastodon:city-health", "x:city-health"]})
    assert same.status_code == 200 and same.json_body["revision"] == 2  # nothing changed, nothing written

    deleted = api.call("DELETE", "/channel-groups/city?revision=2", "demo-admin")
    assert deleted.status_code == 200, deleted.json_body
    assert deleted.json_body["deleted_by"] == "demo-admin" and deleted.json_body["revision"] == 3
    assert "city" not in listed(api)
    assert [a for a, _ in audit_actions(api)] == ["channel_group_create", "channel_group_edit", "channel_group_delete"]
    summaries = dict(audit_actions(api))
    assert "added 1: x:city-health" in summaries["channel_group_edit"]

    again = put(api, "city", {**CITY, "channels": ["sms:subscribers"]})
    assert again.status_code == 201 and again.json_body["revision"] == 4


def test_a_stale_revision_is_a_409_and_nothing_changes(api: Api) -> None:
    assert put(api, "city", CITY).status_code == 201
    assert put(api, "city", {**CITY, "revision": 1, "label": "First"}).status_code == 200
    stale = put(api, "city", {**CITY, "revision": 1, "label": "Second"})
    assert stale.status_code == 409 and stale.json_body["error"]["details"] == {"revision": 2}
    exists = put(api, "city", CITY)  # revision 0: a new group, but there is one
    assert exists.status_code == 409 and "already a channel group city" in exists.json_body["error"]["message"]
    delete = api.call("DELETE", "/channel-groups/city?revision=1", "demo-admin")
    assert delete.status_code == 409
    assert listed(api)["city"]["label"] == "First"


@pytest.mark.parametrize("name,body,status,says", [
    ("Bad_Name", CITY, 400, "not a channel group name"),
    ("city", {**CITY, "channels": []}, 422, "at least one channel account"),
    ("city", {**CITY, "channels": ["sms:subscribers", "sms:nobody"]}, 422, "there is no channel account sms:nobody"),
    ("city", {**CITY, "channels": ["group:other"]}, 422, "a group holds channel accounts only"),
    ("city", {**CITY, "label": ""}, 422, "label"),
    ("city", {**CITY, "colour": "red"}, 422, "colour"),
    ("city", {**CITY, "revision": 3}, 404, "no channel group city"),
    ("city", {k: v for k, v in CITY.items() if k != "revision"}, 422, "revision"),
])
def test_a_bad_put_is_a_clear_4xx(api: Api, name: str, body: dict[str, Any], status: int, says: str) -> None:
    response = put(api, name, body)
    assert response.status_code == status, response.json_body
    assert says in str(response.json_body["error"])
    assert listed(api) == {}


def test_malformed_bodies_and_unknown_groups(api: Api) -> None:
    bad_json = api.call("PUT", "/channel-groups/city", "demo-admin", raw=b"{not json")
    assert bad_json.status_code == 400
    assert api.call("DELETE", "/channel-groups/nope", "demo-admin").status_code == 404
    assert api.call("DELETE", "/channel-groups/NOPE", "demo-admin").status_code == 400
    assert api.call("DELETE", "/channel-groups/city?revision=x", "demo-admin").status_code == 422
    assert api.call("GET", "/channel-groups", "demo-auditor").status_code == 403


def test_a_deleted_account_in_a_group_must_go_before_the_group_changes(api: Api) -> None:
    body = {"platform": "sms", "name": "Spare SMS", "slug": "spare", "settings": {"phone_numbers": ["+15550100"]}}
    assert api.call("POST", "/channels", "demo-admin", body).status_code == 201
    assert put(api, "city", {**CITY, "channels": ["sms:spare", "sms:subscribers"]}).status_code == 201
    assert api.call("DELETE", "/channels/sms:spare", "demo-admin").status_code == 200
    refused = put(api, "city", {**CITY, "revision": 1, "label": "Renamed", "channels": ["sms:spare", "sms:subscribers"]})
    assert refused.status_code == 422 and "sms:spare was deleted" in str(refused.json_body)
    assert put(api, "city", {**CITY, "revision": 1, "channels": ["sms:subscribers"]}).status_code == 200


@pytest.mark.parametrize("token", ["demo-spokesperson", "demo-approver", "demo-oncall", "demo-auditor"])
def test_only_admins_change_groups_and_auditors_do_not_read_them(api: Api, token: str) -> None:
    assert put(api, "city", CITY).status_code == 201
    assert put(api, "city", {**CITY, "revision": 1, "label": "Mine"}, token).status_code == 403
    assert api.call("DELETE", "/channel-groups/city", token).status_code == 403
    assert api.call("GET", "/channel-groups", token).status_code == (403 if token == "demo-auditor" else 200)
    assert listed(api)["city"]["revision"] == 1
