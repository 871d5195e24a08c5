"""The public owned channels (banner, Atom feed, CAP documents) show only what was sent to them."""
from __future__ import annotations

from typing import Any

import feedparser

from chalicelib.domain.models import ChannelAccount
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.ports import Put
from conftest import Api, advisory_body, deliver_queued

OWNED = ("banner", "cap_feed")


def approved(api: Api, **fields: Any) -> str:
    advisory_id = api.call("POST", "/advisories", "demo-spokesperson", advisory_body(**fields)).json_body["id"]
    assert api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson").status_code == 200
    assert api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver").status_code == 200
    return advisory_id


def public_view(api: Api) -> dict[str, Any]:
    feed = feedparser.parse(api.call("GET", "/feeds/cap.atom").body)
    return {"banner": api.call("GET", "/banner.json").json_body,
            "html": api.call("GET", "/banner.html").body.decode(),
            "atom": [e.title for e in feed.entries]}


def test_a_staff_only_advisory_never_reaches_the_public(api: Api, aws: Provisioned) -> None:
    staff = approved(api, headline="STAFF ONLY: ward 7 closed", channels=["slack:staff", "email:subscribers"])
    deliver_queued(api, aws, "email")  # live, and sent where it was meant to go
    assert api.call("GET", f"/advisories/{staff}", "demo-auditor").json_body["state"] == "broadcasting"
    view = public_view(api)
    assert view["banner"] == {"active": False} and view["html"] == "" and view["atom"] == []
    assert api.call("GET", f"/feeds/cap/{staff}.xml").status_code == 404


def test_a_drill_never_replaces_the_public_banner(api: Api, aws: Provisioned) -> None:
    real = approved(api, headline="Boil water notice for Riverside",
                    channels=["banner:website", "cap_feed:public"])
    deliver_queued(api, aws, *OWNED)
    drill = approved(api, headline="EXERCISE: evacuate ward 3", status="Exercise",
                     channels=["mastodon:drills", "slack:drills"])
    assert api.call("GET", f"/advisories/{drill}", "demo-auditor").json_body["state"] == "broadcasting"
    view = public_view(api)
    assert view["banner"]["id"] == real and "EXERCISE" not in view["html"]
    assert view["atom"] == ["Boil water notice for Riverside"]
    assert api.call("GET", f"/feeds/cap/{drill}.xml").status_code == 404
    assert api.call("GET", f"/feeds/cap/{real}.xml").status_code == 200


def test_a_drill_on_a_sandbox_owned_account_stays_off_the_public_routes(api: Api, aws: Provisioned) -> None:
    from chalicelib import composition

    store = composition.clarion().store
    store.commit([Put(ChannelAccount(id="banner:drills", platform="banner", name="Test banner",
                                     sandbox=True, revision=1), None),
                  Put(ChannelAccount(id="cap_feed:drills", platform="cap_feed", name="Test feed",
                                     sandbox=True, revision=1), None)])
    drill = approved(api, headline="TEST: shelter in place", status="Test",
                     channels=["banner:drills", "cap_feed:drills"])
    deliver_queued(api, aws, *OWNED)
    rows = api.call("GET", f"/advisories/{drill}/deliveries", "demo-auditor").json_body["deliveries"]
    assert {r["state"] for r in rows} == {"sent"}  # it went where it was sent: the test accounts
    view = public_view(api)
    assert view["banner"] == {"active": False} and view["atom"] == []
    assert api.call("GET", f"/feeds/cap/{drill}.xml").status_code == 404


def test_an_owned_channel_shows_an_advisory_only_once_its_delivery_there_is_sent(api: Api, aws: Provisioned) -> None:
    banner_only = approved(api, headline="Banner only", channels=["banner:website"], web=None)
    assert public_view(api)["banner"] == {"active": False}  # still pending
    deliver_queued(api, aws, "banner")
    view = public_view(api)
    assert view["banner"]["id"] == banner_only and view["atom"] == []
    assert view["banner"]["url"] is None  # no CAP document to point at: it was not sent to the feed
    assert api.call("GET", f"/feeds/cap/{banner_only}.xml").status_code == 404

    feed_only = approved(api, headline="Feed only", channels=["cap_feed:public"])
    deliver_queued(api, aws, "cap_feed")
    view = public_view(api)
    assert view["banner"]["id"] == banner_only and view["atom"] == ["Feed only"]
    assert api.call("GET", f"/feeds/cap/{feed_only}.xml").status_code == 200


def test_an_update_supersedes_on_the_banner_and_a_cancel_clears_it(api: Api, aws: Provisioned) -> None:
    original = approved(api, channels=["banner:website", "cap_feed:public"])
    deliver_queued(api, aws, *OWNED)
    update = api.call("POST", f"/advisories/{original}/update", "demo-spokesperson",
                      advisory_body(headline="Boil water notice extended",
                                    channels=["banner:website", "cap_feed:public"])).json_body["id"]
    api.call("POST", f"/advisories/{update}/submit", "demo-spokesperson")
    api.call("POST", f"/advisories/{update}/approve", "demo-approver")
    deliver_queued(api, aws, *OWNED)
    view = public_view(api)
    assert view["banner"]["id"] == update and view["atom"] == ["Boil water notice extended"]
    cap = api.call("GET", f"/feeds/cap/{update}.xml").body.decode()
    assert f",{original}," in cap  # it names the alert it updates, which the feed published
    cancel = api.call("POST", f"/advisories/{update}/cancel", "demo-spokesperson").json_body["id"]
    api.call("POST", f"/advisories/{cancel}/submit", "demo-spokesperson")
    api.call("POST", f"/advisories/{cancel}/approve", "demo-approver")
    deliver_queued(api, aws, *OWNED)
    view = public_view(api)
    assert view["banner"] == {"active": False} and view["atom"] == []
    assert api.call("GET", f"/feeds/cap/{cancel}.xml").status_code == 200
