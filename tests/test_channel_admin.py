"""Channel accounts managed through the admin API (issue 14), through the real app (chalice.test
Client) on moto, and over real HTTP to the sandbox platforms for test posts and deliveries."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from pydantic import ValidationError

from chalicelib import composition, platforms
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.infra.resources import channel_secret_ref
from chalicelib.seed import LOCAL_CHANNELS, SANDBOX_CREDENTIALS, SANDBOX_URL
from chalicelib.services.channel_accounts import slug_of
from conftest import Api, advisory_body, deliver_queued
from fakes import capture

ADMIN, SPOKESPERSON, APPROVER, AUDITOR = "demo-admin", "demo-spokesperson", "demo-approver", "demo-auditor"
TOKEN = "sandbox-mastodon-token-2"  # the sandbox's @stmarys Mastodon account (local/sandbox/accounts.py)
SECRET = "s3cr3t-v4lue-never-to-be-seen-again"


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[Any]:
    from local.sandbox import start_sandbox

    server = start_sandbox("127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server: Any) -> Any:
    sandbox_server.reset()
    sandbox_server.clear_faults()
    return sandbox_server


def mastodon_draft(sandbox_url: str = "https://mastodon.example", **overrides: Any) -> dict[str, Any]:
    body = {"platform": "mastodon", "name": "St Mary's on Mastodon (test)", "slug": "st-marys-test",
            "sandbox": True, "settings": {"base_url": f"{sandbox_url}/mastodon", "visibility": "unlisted"}}
    body.update(overrides)
    return body


def create(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    response = api.call("POST", "/channels", ADMIN, body)
    assert response.status_code == 201, response.json_body
    return dict(response.json_body)


def audit_entries() -> list[dict[str, Any]]:
    return [e.model_dump(mode="json") for e in composition.clarion().store.audit_entries()]


def problems(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.json_body
    return {d["field"]: d["problem"] for d in response.json_body["error"]["details"]}


# -- each platform's settings and credentials, stated in its own module ---------------------------------
@pytest.mark.parametrize("account", LOCAL_CHANNELS, ids=lambda a: a.id)
def test_every_seeded_account_passes_its_platforms_settings_model(account: Any) -> None:
    model = platforms.spec(account.platform).settings
    assert model is not None
    parsed = model.model_validate(account.settings, context={"local": True})
    assert parsed.model_dump(mode="json", exclude_unset=True, exclude_none=True) == account.settings


@pytest.mark.parametrize("account_id", sorted(SANDBOX_CREDENTIALS))
def test_every_seeded_credential_passes_its_platforms_credentials_model(account_id: str) -> None:
    credentials = platforms.spec(account_id.split(":")[0]).credentials
    assert credentials is not None
    assert credentials.model_validate(SANDBOX_CREDENTIALS[account_id]).model_dump() == SANDBOX_CREDENTIALS[account_id]


@pytest.mark.parametrize("name", platforms.NAMES)
def test_every_platform_states_its_settings_and_an_http_one_its_credentials(name: str) -> None:
    spec = platforms.spec(name)
    assert spec.settings is not None, "say what the adapter reads"
    assert spec.settings.model_config.get("extra") == "forbid"
    assert (spec.credentials is not None) == spec.http
    if spec.credentials is not None:
        assert spec.credentials.model_config.get("extra") == "forbid" and spec.credentials.model_fields
    with pytest.raises(ValidationError):  # a credential put in the settings by mistake
        spec.settings.model_validate({"access_token": "x"}, context={"local": True})


def test_urls_are_https_to_public_hosts_except_on_the_local_stage() -> None:
    model = platforms.spec("mastodon").settings
    assert model is not None
    for url in ("http://mastodon.social", "https://127.0.0.1:8001/mastodon", "https://intranet.local",
                "https://user:pw@mastodon.social", "ftp://mastodon.social", "mastodon.social"):
        with pytest.raises(ValidationError):
            model.model_validate({"base_url": url})
    model.model_validate({"base_url": "https://mastodon.social"})
    model.model_validate({"base_url": "http://127.0.0.1:8001/mastodon"}, context={"local": True})
    with pytest.raises(ValidationError):  # Mastodon has no one public server
        model.model_validate({})


def test_a_slug_is_made_of_the_name() -> None:
    assert slug_of("@CityHealth on X") == "cityhealth-on-x"
    assert slug_of("Santé publique – Région") == "sante-publique-region"
    assert slug_of("日本") == ""


# -- who may call -----------------------------------------------------------------------------------------
ROUTES = [("GET", "/platforms", None), ("POST", "/channels", {}), ("GET", "/channels/mastodon:city-health", None),
          ("PUT", "/channels/mastodon:city-health", {}), ("POST", "/channels/mastodon:city-health/enable", None),
          ("POST", "/channels/mastodon:city-health/disable", None),
          ("PUT", "/channels/mastodon:city-health/credentials", {"access_token": SECRET}),
          ("DELETE", "/channels/mastodon:city-health", None),
          ("POST", "/channels/mastodon:drills/test-post", None)]


@pytest.mark.parametrize("method,path,body", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_only_admins_manage_channel_accounts(api: Api, method: str, path: str, body: Any) -> None:
    assert api.call(method, path, None, body).status_code == 401
    for token in (SPOKESPERSON, APPROVER, AUDITOR, "demo-oncall"):
        refused = api.call(method, path, token, body)
        assert refused.status_code == 403, (token, refused.json_body)
    assert "mastodon:city-health" in {c["id"] for c in api.call("GET", "/channels", ADMIN).json_body["channels"]}
    assert SECRET not in json.dumps(audit_entries())


def test_the_platforms_and_their_forms(api: Api) -> None:
    described = {p["name"]: p for p in api.call("GET", "/platforms", ADMIN).json_body["platforms"]}
    assert set(described) == set(platforms.NAMES)
    assert described["mastodon"]["credentials"] == ["access_token"]
    assert described["bluesky"]["credentials"] == ["identifier", "app_password"]
    assert described["mastodon"]["settings"]["required"] == ["base_url"]
    assert described["sms"]["credentials"] == [] and not described["sms"]["test_post"]


# -- create, read, edit, enable ------------------------------------------------------------------------
def test_a_created_account_is_listed_for_everyone_without_its_settings(api: Api) -> None:
    created = create(api, mastodon_draft(slug=None))
    assert created["id"] == "mastodon:st-mary-s-on-mastodon-test"
    assert created["enabled"] is False and created["sandbox"] is True and created["credentials"] == "missing"
    assert created["settings"] == {"base_url": "https://mastodon.example/mastodon", "visibility": "unlisted"}
    listed = {c["id"]: c for c in api.call("GET", "/channels", SPOKESPERSON).json_body["channels"]}
    assert {"id", "platform", "name", "language", "enabled", "sandbox"} <= set(listed[created["id"]])
    assert not {"settings", "secret_ref", "credentials", "revision"} & set(listed[created["id"]])
    one = api.call("GET", f"/channels/{created['id']}", ADMIN).json_body
    assert one == created and "secret_ref" not in one
    assert api.call("GET", "/channels/mastodon%3Ast-mary-s-on-mastodon-test", ADMIN).json_body == created
    [entry] = [e for e in audit_entries() if e["action"] == "channel_create"]
    assert entry["actor"] == ADMIN and created["id"] in entry["summary"] and "visibility" in entry["summary"]


def test_an_unknown_platform_or_field_is_422(api: Api) -> None:
    assert "platform" in problems(api.call("POST", "/channels", ADMIN, mastodon_draft(platform="myspace")))
    assert "colour" in problems(api.call("POST", "/channels", ADMIN, mastodon_draft(colour="red")))
    assert "slug" in problems(api.call("POST", "/channels", ADMIN, mastodon_draft(slug="Not A Slug")))
    assert "slug" in problems(api.call("POST", "/channels", ADMIN, mastodon_draft(slug=None, name="日本")))


BAD_SETTINGS = {
    "x": ({"handle": "not a handle!"}, "settings.handle"),
    "facebook": ({}, "settings.page_id"),
    "mastodon": ({"base_url": "https://m.example", "visibility": "everyone"}, "settings.visibility"),
    "bluesky": ({"handle": "x"}, "settings.handle"),
    "telegram": ({"chat_id": "no spaces allowed"}, "settings.chat_id"),
    "slack": ({"channel": "#general"}, "settings.channel"),
    "discord": ({"channel_id": "123"}, "settings.channel_id"),
    "sms": ({"max_segments": 40}, "settings.max_segments"),
    "email": ({"from_address": "alerts@health.example.org", "to_addresses": []}, "settings.to_addresses"),
    "banner": ({"bucket": "Not_A_Bucket"}, "settings.bucket"),
    "cap_feed": ({"public_base_url": "ftp://feeds.example"}, "settings.public_base_url"),
}


@pytest.mark.parametrize("platform", platforms.NAMES)
def test_bad_settings_are_422_naming_the_field(api: Api, platform: str) -> None:
    settings, field = BAD_SETTINGS[platform]
    body = {"platform": platform, "name": f"Bad {platform}", "settings": settings}
    assert field in problems(api.call("POST", "/channels", ADMIN, body))
    unknown = {"platform": platform, "name": f"Typo {platform}", "settings": {**settings, "colour": "red"}}
    assert "settings.colour" in problems(api.call("POST", "/channels", ADMIN, unknown))


def test_an_id_is_never_taken_twice(api: Api) -> None:
    create(api, mastodon_draft())
    again = api.call("POST", "/channels", ADMIN, mastodon_draft())
    assert again.status_code == 409 and "mastodon:st-marys-test" in again.json_body["error"]["message"]


def test_an_account_is_enabled_only_with_credentials(api: Api) -> None:
    refused = api.call("POST", "/channels", ADMIN, mastodon_draft(enabled=True))
    assert refused.status_code == 409 and "credentials" in refused.json_body["error"]["message"]
    account = create(api, mastodon_draft())
    assert api.call("POST", f"/channels/{account['id']}/enable", ADMIN).status_code == 409
    sms = create(api, {"platform": "sms", "name": "Drill phones", "enabled": True,
                       "settings": {"phone_numbers": ["+447700900123"], "max_segments": 2}})
    assert sms["enabled"] is True  # posts with the worker's own role: nothing to set first


def test_edit_is_conditional_on_the_revision_and_audited(api: Api) -> None:
    account = create(api, mastodon_draft())
    path = f"/channels/{account['id']}"
    edited = api.call("PUT", path, ADMIN, {"revision": account["revision"], "name": "St Mary's drills",
                                           "settings": {"base_url": "https://mastodon.example/mastodon",
                                                        "max_characters": 1000}})
    assert edited.status_code == 200, edited.json_body
    assert edited.json_body["name"] == "St Mary's drills" and edited.json_body["revision"] == account["revision"] + 1
    assert edited.json_body["settings"] == {"base_url": "https://mastodon.example/mastodon", "max_characters": 1000}
    stale = api.call("PUT", path, ADMIN, {"revision": account["revision"], "language": "fr-CA"})
    assert stale.status_code == 409 and stale.json_body["error"]["details"]["revision"] == account["revision"] + 1
    assert "settings.max_characters" in problems(api.call("PUT", path, ADMIN, {
        "revision": account["revision"] + 1, "settings": {"base_url": "https://m.example", "max_characters": 0}}))
    [entry] = [e for e in audit_entries() if e["action"] == "channel_edit"]
    assert "settings.max_characters (unset) -> 1000" in entry["summary"]
    assert "settings.visibility 'unlisted' -> (unset)" in entry["summary"]
    assert "name" in entry["summary"] and entry["actor"] == ADMIN


def test_disable_and_enable(api: Api) -> None:
    disabled = api.call("POST", "/channels/mastodon:city-health/disable", ADMIN)
    assert disabled.status_code == 200 and disabled.json_body["enabled"] is False
    assert api.call("POST", "/channels/mastodon:city-health/disable", ADMIN).json_body["revision"] == \
        disabled.json_body["revision"]  # twice: nothing more happens
    draft = api.call("POST", "/advisories", SPOKESPERSON, advisory_body(channels=["mastodon:city-health"]))
    submit = api.call("POST", f"/advisories/{draft.json_body['id']}/submit", SPOKESPERSON)
    assert submit.status_code == 422 and "disabled" in json.dumps(submit.json_body)
    enabled = api.call("POST", "/channels/mastodon:city-health/enable", ADMIN)
    assert enabled.json_body["enabled"] is True
    assert [e["action"] for e in audit_entries() if e["action"].startswith("channel_")] == [
        "channel_disable", "channel_enable"]


# -- credentials ---------------------------------------------------------------------------------------------
def test_credentials_go_to_ssm_as_a_securestring_and_are_never_seen_again(api: Api) -> None:
    account = create(api, mastodon_draft())
    path = f"/channels/{account['id']}"
    with capture() as out:
        response = api.call("PUT", f"{path}/credentials", ADMIN, {"access_token": f"  {SECRET}\n"})
        bad = api.call("PUT", f"{path}/credentials", ADMIN, {"access_token": SECRET, "password": SECRET})
        blank = api.call("PUT", f"{path}/credentials", ADMIN, {"access_token": f"{SECRET} {SECRET}"})
        read = api.call("GET", path, ADMIN)
    assert response.status_code == 200, response.json_body
    assert set(response.json_body) == {"credentials", "updated_at"} and response.json_body["credentials"] == "set"
    stored = boto3.client("ssm").get_parameter(Name=channel_secret_ref(account["id"], "local"), WithDecryption=True)
    assert stored["Parameter"]["Type"] == "SecureString"
    assert json.loads(stored["Parameter"]["Value"]) == {"access_token": SECRET}
    assert problems(bad) == {"password": "Extra inputs are not permitted"}
    assert "access_token" in problems(blank)
    assert read.json_body["credentials"] == "set"
    assert {"request"} <= {line.get("message") for line in out.logs()}  # the requests were logged ...
    for text in (out.text, json.dumps(audit_entries()), json.dumps(read.json_body), json.dumps(bad.json_body),
                 json.dumps(blank.json_body), json.dumps(api.call("GET", "/channels", ADMIN).json_body),
                 json.dumps(api.call("GET", "/audit", AUDITOR).json_body)):
        assert SECRET not in text  # ... and the secret is in no log line, answer or audit entry
    [entry] = [e for e in audit_entries() if e["action"] == "channel_credentials"]
    assert entry["summary"] == f"{account['id']}: credentials set (access_token)" and entry["actor"] == ADMIN
    assert api.call("POST", f"{path}/enable", ADMIN).status_code == 200


def test_aws_backed_accounts_take_no_credentials(api: Api) -> None:
    refused = api.call("PUT", "/channels/sms:subscribers/credentials", ADMIN, {"access_token": SECRET})
    assert refused.status_code == 409 and SECRET not in json.dumps(refused.json_body)
    assert api.call("PUT", "/channels/mastodon:city-health/credentials", ADMIN, [SECRET]).status_code == 422
    assert api.call("PUT", "/channels/mastodon:nobody/credentials", ADMIN, {"access_token": "x"}).status_code == 404


# -- delete --------------------------------------------------------------------------------------------------
def test_an_account_a_delivery_refers_to_is_disabled_instead(api: Api) -> None:
    advisory = api.call("POST", "/advisories", SPOKESPERSON, advisory_body(channels=["mastodon:general-hospital"]))
    advisory_id = advisory.json_body["id"]
    assert api.call("POST", f"/advisories/{advisory_id}/submit", SPOKESPERSON).status_code == 200
    waiting = api.call("DELETE", "/channels/mastodon:general-hospital", ADMIN)
    assert waiting.status_code == 409 and "pending_approval" in waiting.json_body["error"]["message"]
    assert api.call("POST", f"/advisories/{advisory_id}/approve", APPROVER).status_code == 200
    refused = api.call("DELETE", "/channels/mastodon:general-hospital", ADMIN)
    assert refused.status_code == 409
    assert "disable it instead" in refused.json_body["error"]["message"].lower()
    assert advisory_id in refused.json_body["error"]["message"]
    assert api.call("GET", "/channels/mastodon:general-hospital", ADMIN).status_code == 200


def test_a_deleted_account_is_a_tombstone(api: Api) -> None:
    account = create(api, mastodon_draft())
    path = f"/channels/{account['id']}"
    assert api.call("PUT", f"{path}/credentials", ADMIN, {"access_token": SECRET}).status_code == 200
    draft = api.call("POST", "/advisories", SPOKESPERSON, advisory_body(channels=[account["id"]])).json_body
    deleted = api.call("DELETE", path, ADMIN)  # a draft may target it: it is stopped on submit
    assert deleted.status_code == 200, deleted.json_body
    assert deleted.json_body["id"] == account["id"] and deleted.json_body["credentials"] == "removed"
    assert deleted.json_body["deleted_at"]
    assert account["id"] not in {c["id"] for c in api.call("GET", "/channels", ADMIN).json_body["channels"]}
    assert api.call("GET", path, ADMIN).status_code == 404
    assert api.call("POST", f"{path}/enable", ADMIN).status_code == 404
    assert api.call("DELETE", path, ADMIN).status_code == 404
    assert api.call("POST", "/channels", ADMIN, mastodon_draft()).status_code == 409  # never reused
    with pytest.raises(boto3.client("ssm").exceptions.ParameterNotFound):
        boto3.client("ssm").get_parameter(Name=channel_secret_ref(account["id"], "local"))
    stored = composition.clarion().store.get_channel(account["id"])
    assert stored is not None and stored.deleted_at is not None and not stored.enabled
    assert api.call("POST", f"/advisories/{draft['id']}/submit", SPOKESPERSON).status_code == 422
    assert [e["action"] for e in audit_entries() if e["action"].startswith("channel_")][-1] == "channel_delete"


# -- test posts ------------------------------------------------------------------------------------------------
def test_test_posts_go_to_sandbox_accounts_of_http_platforms_only(api: Api) -> None:
    live = api.call("POST", "/channels/mastodon:city-health/test-post", ADMIN)
    assert live.status_code == 409 and "sandbox" in live.json_body["error"]["message"]
    create(api, {"platform": "sms", "name": "Drill phone", "sandbox": True,
                 "settings": {"phone_numbers": ["+447700900123"]}})
    sms = api.call("POST", "/channels/sms:drill-phone/test-post", ADMIN)
    assert sms.status_code == 409 and "Exercise advisory" in sms.json_body["error"]["message"]
    account = create(api, mastodon_draft())
    no_credentials = api.call("POST", f"/channels/{account['id']}/test-post", ADMIN)
    assert no_credentials.status_code == 409 and "credentials" in no_credentials.json_body["error"]["message"]


def test_a_test_post_reaches_the_sandbox_and_a_refused_token_is_not_echoed(api: Api, sandbox: Any) -> None:
    account = create(api, mastodon_draft(sandbox.url))
    path = f"/channels/{account['id']}"
    assert api.call("PUT", f"{path}/credentials", ADMIN, {"access_token": SECRET}).status_code == 200
    refused = api.call("POST", f"{path}/test-post", ADMIN, {"text": "Checking the account."})
    assert refused.status_code == 502 and refused.json_body["error"]["code"] == "test_post_failed"
    assert SECRET not in json.dumps(refused.json_body) and SECRET not in json.dumps(audit_entries())
    assert api.call("PUT", f"{path}/credentials", ADMIN, {"access_token": TOKEN}).status_code == 200
    posted = api.call("POST", f"{path}/test-post", ADMIN, {"text": "Checking the account."})
    assert posted.status_code == 200, posted.json_body
    landed = {p["id"]: p for p in sandbox.state()["mastodon"]["stmarys"]["posts"]}
    post = landed[posted.json_body["post_id"]]
    assert post["text"].startswith("Checking the account.") and posted.json_body["marker"] in post["text"]
    assert posted.json_body["url"] and posted.json_body["part_ids"] == [posted.json_body["post_id"]]
    tests = [e["summary"] for e in audit_entries() if e["action"] == "channel_test_post"]
    assert "failed" in tests[0] and posted.json_body["post_id"] in tests[1]
    assert TOKEN not in json.dumps(audit_entries())


# The seeded account whose settings (pointed at this run's sandbox) a new sandbox account copies.
SEEDED_HTTP = {"x": "x:city-health", "facebook": "facebook:city-health", "mastodon": "mastodon:city-health",
               "bluesky": "bluesky:city-health", "telegram": "telegram:city-health", "slack": "slack:staff",
               "discord": "discord:community"}


@pytest.mark.parametrize("platform", sorted(SEEDED_HTTP))
def test_a_test_post_to_a_new_sandbox_account_of_every_http_platform(api: Api, sandbox: Any, platform: str) -> None:
    seeded = next(a for a in LOCAL_CHANNELS if a.id == SEEDED_HTTP[platform])
    settings = {k: v.replace(SANDBOX_URL, sandbox.url) if isinstance(v, str) else v for k, v in seeded.settings.items()}
    account = create(api, {"platform": platform, "name": f"{platform} drills", "sandbox": True, "settings": settings})
    path = f"/channels/{account['id']}"
    assert api.call("PUT", f"{path}/credentials", ADMIN, SANDBOX_CREDENTIALS[seeded.id]).status_code == 200
    posted = api.call("POST", f"{path}/test-post", ADMIN, {"text": f"Checking {platform}."})
    assert posted.status_code == 200, posted.json_body
    assert posted.json_body["post_id"] and posted.json_body["url"].startswith(sandbox.url)
    assert posted.json_body["marker"] in json.dumps(sandbox.state()[platform])


def test_end_to_end_a_new_account_receives_an_advisory(api: Api, aws: Provisioned, sandbox: Any) -> None:
    """Create a Mastodon account pointing at the sandbox, set its token, test-post, enable it, and
    an approved advisory is delivered to it by the real worker."""
    account = create(api, mastodon_draft(sandbox.url, slug="st-marys"))
    path = f"/channels/{account['id']}"
    assert api.call("PUT", f"{path}/credentials", ADMIN, {"access_token": TOKEN}).status_code == 200
    assert api.call("POST", f"{path}/test-post", ADMIN).status_code == 200
    assert api.call("POST", f"{path}/enable", ADMIN).json_body["enabled"] is True
    created = api.call("POST", "/advisories", SPOKESPERSON, advisory_body(channels=[account["id"]]))
    advisory_id = created.json_body["id"]
    assert api.call("POST", f"/advisories/{advisory_id}/submit", SPOKESPERSON).status_code == 200
    assert api.call("POST", f"/advisories/{advisory_id}/approve", APPROVER).status_code == 200
    deliver_queued(api, aws, "mastodon")
    [delivery] = api.call("GET", f"/advisories/{advisory_id}/deliveries", SPOKESPERSON).json_body["deliveries"]
    assert delivery["channel_account"] == account["id"] and delivery["state"] == "sent", delivery
    texts = [p["text"] for p in sandbox.state()["mastodon"]["stmarys"]["posts"]]
    assert len(texts) == 2 and "Boil water notice for Riverside" in texts[-1]
    assert "Clarion test post, please ignore." in texts[0]
