"""The organisation's settings: stored in DynamoDB, versioned and audited, editable by admins; the
environment only seeds them; a change takes effect on the next request (tests on moto)."""
from __future__ import annotations

import pytest

from conftest import Api, advisory_body

NEW_HOTLINE = "+1 415 555 2671"


def preview_codes(api: Api, **overrides: object) -> set[str]:
    response = api.call("POST", "/advisories/preview", "demo-spokesperson", advisory_body(**overrides))
    assert response.status_code == 200, response.json_body
    return {f["code"] for f in response.json_body["findings"]}


def test_until_the_first_change_the_environment_seeds_them(api: Api) -> None:
    settings = api.call("GET", "/settings", "demo-spokesperson").json_body
    assert settings["revision"] == 0 and settings["updated_by"] is None
    assert "911" in settings["phone_allowlist"] and settings["sms_max_segments"] == 3


@pytest.mark.parametrize("token,method,status", [
    (None, "GET", 401), (None, "PUT", 401),
    ("demo-spokesperson", "PUT", 403), ("demo-approver", "PUT", 403), ("demo-auditor", "PUT", 403)])
def test_only_admins_change_them(api: Api, token: str | None, method: str, status: int) -> None:
    response = api.call(method, "/settings", token, {"banned_claims": ["miracle"]} if method == "PUT" else None)
    assert response.status_code == status


@pytest.mark.parametrize("body,field", [
    ({"sms_max_segments": 0}, "sms_max_segments"), ({"phone_region": "usa"}, "phone_region"),
    ({"public_base_url": "ftp://x"}, "public_base_url"), ({"colour": "red"}, "colour"),
    ({"phone_allowlist": "911"}, "phone_allowlist")])
def test_bad_values_are_422_naming_the_field(api: Api, body: dict[str, object], field: str) -> None:
    response = api.call("PUT", "/settings", "demo-admin", body)
    assert response.status_code == 422, response.json_body
    assert field in {d["field"].split(".")[0] for d in response.json_body["error"]["details"]}


def test_a_change_takes_effect_on_the_next_request(api: Api) -> None:
    text = f"Questions? Call the vaccine line at {NEW_HOTLINE}."
    assert "phi_phone_number" in preview_codes(api, description=text)
    current = api.call("GET", "/settings", "demo-admin").json_body
    changed = api.call("PUT", "/settings", "demo-admin",
                       {"phone_allowlist": [*current["phone_allowlist"], NEW_HOTLINE], "revision": 0})
    assert changed.status_code == 200, changed.json_body
    assert changed.json_body["revision"] == 1 and changed.json_body["updated_by"] == "demo-admin"
    assert "phi_phone_number" not in preview_codes(api, description=text)

    api.call("PUT", "/settings", "demo-admin", {"banned_claims": ["fully protected"]})
    assert "banned_claim" in preview_codes(api, description="Two doses and you are fully protected.")


def test_the_sms_limit_reaches_the_rendering(api: Api) -> None:
    def sms_limit() -> int:
        preview = api.call("POST", "/advisories/preview", "demo-spokesperson",
                           advisory_body(channels=["sms:subscribers"])).json_body
        [sms] = [c for c in preview["channels"] if c["platform"] == "sms"]
        return int(sms["sms"]["max_segments"])

    assert sms_limit() == 3
    assert api.call("PUT", "/settings", "demo-admin", {"sms_max_segments": 2}).status_code == 200
    assert sms_limit() == 2


def test_each_change_is_a_new_revision_and_a_stale_one_is_refused(api: Api) -> None:
    first = api.call("PUT", "/settings", "demo-admin", {"sender_name": "Riverside Health", "revision": 0})
    assert first.status_code == 200 and first.json_body["revision"] == 1
    stale = api.call("PUT", "/settings", "demo-admin", {"sender_name": "Someone else", "revision": 0})
    assert stale.status_code == 409
    assert api.call("GET", "/settings", "demo-admin").json_body["sender_name"] == "Riverside Health"
    same = api.call("PUT", "/settings", "demo-admin", {"sender_name": "Riverside Health"})
    assert same.status_code == 409  # nothing to change


def test_every_change_is_audited_with_what_changed(api: Api) -> None:
    api.call("PUT", "/settings", "demo-admin", {"sms_max_segments": 4, "email_allowlist": ["health.example.org",
                                                                                           "press.example.org"]})
    entries = api.call("GET", "/audit?action=settings_change", "demo-auditor").json_body["entries"]
    [entry] = entries
    assert entry["actor"] == "demo-admin"
    assert "sms_max_segments: 3 -> 4" in entry["summary"] and "press.example.org" in entry["summary"]


def test_the_public_banner_links_to_the_new_base_url(api: Api) -> None:
    assert api.call("PUT", "/settings", "demo-admin",
                    {"public_base_url": "https://alerts.health.example.org"}).status_code == 200
    preview = api.call("POST", "/advisories/preview", "demo-spokesperson",
                       advisory_body(channels=["cap_feed:public", "banner:website"], web=None)).json_body
    [banner] = [c for c in preview["channels"] if c["platform"] == "banner"]
    assert "https://alerts.health.example.org/feeds/cap/" in str(banner)


def test_an_invocation_holds_one_read_of_them_and_the_next_sees_a_change() -> None:
    """A delivery batch reads the settings once for all its deliveries and threads
    (SettingsService.held); outside such a block every call reads them afresh."""
    import contextvars
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.domain.models import utcnow
    from chalicelib.domain.org import OrgSettingsChange
    from chalicelib.domain.models import User
    from chalicelib.services.settings import SettingsService
    from chalicelib.settings import environment_settings
    from fakes import FixedClock, InMemoryStore

    store = InMemoryStore()
    reads: list[int] = []
    stored = store.get_org_settings
    store.get_org_settings = lambda: reads.append(1) or stored()  # type: ignore[method-assign]
    settings = SettingsService(store, FixedClock(utcnow()), environment_settings)
    admin = User(id="admin", name="Admin", roles=frozenset())
    with settings.held():
        assert reads == []  # read on first use, not before
        first = settings.current()
        with ThreadPoolExecutor(4) as pool:
            seen = [f.result() for f in [pool.submit(contextvars.copy_context().run, settings.current)
                                         for _ in range(8)]]
        assert all(s is first for s in seen) and len(reads) == 1
        settings.change(admin, OrgSettingsChange(sms_max_segments=5))
        assert settings.current().sms_max_segments == first.sms_max_segments  # held for the invocation
    assert settings.current().sms_max_segments == 5  # the next one reads the change
    other = SettingsService(store, FixedClock(utcnow()), environment_settings)
    with settings.held():
        settings.current()
        reads.clear()
        other.current()
        other.current()
        assert len(reads) == 2  # only the service that holds them answers from the held read
