"""X, Facebook, Bluesky and Discord over plain HTTP, and every platform's auth error body."""
from __future__ import annotations

import socket
from typing import Any

import pytest
import requests

from local.listen import LISTEN_BACKLOG
from local.sandbox import SandboxServer

from .sandbox_support import (BSKY_HANDLE, DISCORD_CHANNEL, DISCORD_TOKEN, FB_PAGE, FB_TOKEN, PLATFORMS, X_TOKEN,
                      Calls)

X_AUTH = {"Authorization": f"Bearer {X_TOKEN}"}
DISCORD_AUTH = {"Authorization": f"Bot {DISCORD_TOKEN}"}


# ----------------------------------------------------------------------------- X

def test_x_post_reply_edit_find_delete(calls: Calls) -> None:
    first = calls.post("x", "Boil-water notice for Riverside https://example.org/bw")
    assert first.status_code == 201 and first.headers["x-rate-limit-remaining"]
    post_id = first.json()["data"]["id"]
    assert first.json()["data"]["edit_history_tweet_ids"] == [post_id]
    reply = requests.post(calls.url("x", "/2/tweets"), headers=X_AUTH, timeout=5,
                          json={"text": "Part 2", "reply": {"in_reply_to_tweet_id": post_id}})
    assert reply.status_code == 201
    edit = requests.post(calls.url("x", "/2/tweets"), headers=X_AUTH, timeout=5,
                         json={"text": "Boil-water notice (updated)", "edit_options": {"previous_post_id": post_id}})
    new_id = edit.json()["data"]["id"]
    assert new_id != post_id and edit.json()["data"]["edit_history_tweet_ids"] == [post_id, new_id]
    me = requests.get(calls.url("x", "/2/users/me"), headers=X_AUTH, timeout=5).json()["data"]
    timeline = requests.get(calls.url("x", f"/2/users/{me['id']}/tweets"), headers=X_AUTH, timeout=5,
                            params={"max_results": 5, "tweet.fields": "created_at,conversation_id"}).json()
    assert [t["id"] for t in timeline["data"]][1] == new_id and timeline["data"][0]["conversation_id"] == post_id
    gone = requests.delete(calls.url("x", f"/2/tweets/{new_id}"), headers=X_AUTH, timeout=5)
    assert gone.json() == {"data": {"deleted": True}}
    missing = requests.get(calls.url("x", f"/2/tweets/{post_id}"), headers=X_AUTH, timeout=5).json()
    assert missing["errors"][0]["title"] == "Not Found Error"  # the whole edit chain went
    assert [e["kind"] for e in calls.sandbox.state()["x"]["cityhealth"]["events"]] == ["post", "post", "edit", "delete"]


def test_x_refuses_duplicates_and_overlong_text(calls: Calls) -> None:
    calls.post("x", "Same words")
    duplicate = calls.post("x", "Same words")
    assert duplicate.status_code == 403
    assert duplicate.json() == {"title": "Forbidden", "type": "about:blank", "status": 403,
                                "detail": "You are not allowed to create a Tweet with duplicate content."}
    too_long = calls.post("x", "日" * 141)  # CJK weighs 2: 282 > 280
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["message"].startswith("Your Tweet text is too long")
    assert calls.post("x", "日" * 140).status_code == 201


# ----------------------------------------------------------------------------- Facebook

def test_facebook_post_edit_pin_rotate_delete(calls: Calls) -> None:
    graph = calls.url("facebook", "/v21.0")
    first = calls.post("facebook", "Boil-water notice").json()["id"]
    assert first.startswith(f"{FB_PAGE}_")
    second = requests.post(f"{graph}/{FB_PAGE}/feed", json={"message": "Boil-water lifted", "link": "https://example.org"},
                           headers={"Authorization": f"Bearer {FB_TOKEN}"}, timeout=5).json()["id"]
    for post_id in (first, second):  # a Page has one pinned post: the second pin replaces the first
        assert requests.post(f"{graph}/{post_id}", data={"is_pinned": "true", "access_token": FB_TOKEN},
                             timeout=5).json() == {"success": True}
    edited = requests.post(f"{graph}/{second}", data={"message": "Lifted (edited)", "access_token": FB_TOKEN}, timeout=5)
    assert edited.json() == {"success": True}
    feed = requests.get(f"{graph}/{FB_PAGE}/feed", params={"access_token": FB_TOKEN, "fields": "message,is_pinned"},
                        timeout=5).json()["data"]
    assert [(p["id"], p["is_pinned"]) for p in feed] == [(second, True), (first, False)]
    assert requests.delete(f"{graph}/{first}", params={"access_token": FB_TOKEN}, timeout=5).json() == {"success": True}
    state = calls.sandbox.state()["facebook"][FB_PAGE]
    assert state["pinned"] == [second]
    assert [e["kind"] for e in state["events"]] == ["post", "post", "pin", "unpin", "pin", "edit", "delete"]


def test_facebook_graph_errors(calls: Calls) -> None:
    graph = calls.url("facebook", "/v21.0")
    calls.post("facebook", "Once")
    duplicate = calls.post("facebook", "Once").json()["error"]
    assert (duplicate["code"], duplicate["type"]) == (506, "OAuthException")
    missing = requests.post(f"{graph}/{FB_PAGE}_999", data={"message": "x", "access_token": FB_TOKEN}, timeout=5)
    assert missing.status_code == 400 and missing.json()["error"]["code"] == 100
    assert missing.json()["error"]["error_subcode"] == 33


# ----------------------------------------------------------------------------- Bluesky

def xrpc(calls: Calls, nsid: str, jwt: str = "", body: Any = None, **query: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {jwt}"} if jwt else {}
    url = calls.url("bluesky", f"/xrpc/{nsid}")
    if body is None:
        return requests.get(url, params=query, headers=headers, timeout=5)
    return requests.post(url, json=body, headers=headers, timeout=5)


def test_bluesky_post_with_facets_and_reply(calls: Calls) -> None:
    jwt = calls.bluesky_session()["accessJwt"]
    text = "Café advisory 🚰 https://example.org/bw"
    start = len(text.encode()) - len("https://example.org/bw")
    facet = {"index": {"byteStart": start, "byteEnd": len(text.encode())},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/bw"}]}
    root = calls.post("bluesky", text, jwt=jwt, facets=[facet]).json()
    assert root["uri"].startswith("at://did:plc:") and root["cid"].startswith("bafyrei")
    ref = {"uri": root["uri"], "cid": root["cid"]}
    assert calls.post("bluesky", "Part 2", jwt=jwt, reply={"root": ref, "parent": ref}).status_code == 200
    posts = calls.posts("bluesky")
    assert posts[0]["data"]["facet_texts"] == ["https://example.org/bw"] and posts[1]["reply_to"] == root["uri"]
    feed = xrpc(calls, "app.bsky.feed.getAuthorFeed", actor=BSKY_HANDLE).json()["feed"]
    assert [item["post"]["uri"] for item in feed][1] == root["uri"]
    too_long = calls.post("bluesky", "é" * 301, jwt=jwt)
    assert too_long.status_code == 400 and too_long.json()["error"] == "InvalidRequest"
    assert "300 graphemes" in too_long.json()["message"]


def test_bluesky_pin_with_swap_record_keeps_the_profile(calls: Calls) -> None:
    session = calls.bluesky_session()
    jwt, did = session["accessJwt"], session["did"]
    post = calls.post("bluesky", "Pin me", jwt=jwt).json()
    profile = xrpc(calls, "com.atproto.repo.getRecord", repo=did, collection="app.bsky.actor.profile", rkey="self").json()
    record = {**profile["value"], "pinnedPost": {"uri": post["uri"], "cid": post["cid"]}}
    put = {"repo": did, "collection": "app.bsky.actor.profile", "rkey": "self", "record": record,
           "swapRecord": profile["cid"]}
    assert xrpc(calls, "com.atproto.repo.putRecord", jwt, put).status_code == 200
    stale = xrpc(calls, "com.atproto.repo.putRecord", jwt, put)  # same swapRecord: the profile moved on
    assert stale.status_code == 400 and stale.json()["error"] == "InvalidSwap"
    assert stale.json()["message"].startswith("Record was at bafyrei")
    now = xrpc(calls, "com.atproto.repo.getRecord", repo=did, collection="app.bsky.actor.profile", rkey="self").json()
    assert now["value"]["pinnedPost"]["uri"] == post["uri"]
    for field in ("displayName", "description", "avatar"):
        assert now["value"][field] == profile["value"][field]
    assert calls.sandbox.state()["bluesky"][BSKY_HANDLE]["pinned"] == [post["uri"]]


def test_bluesky_sessions_refresh_and_expire(calls: Calls) -> None:
    session = calls.bluesky_session(identifier="did:plc:cityhealthsandboxaaaaaaa")
    refreshed = xrpc(calls, "com.atproto.server.refreshSession", session["refreshJwt"], {})
    assert refreshed.status_code == 200 and refreshed.json()["did"] == session["did"]
    reused = xrpc(calls, "com.atproto.server.refreshSession", session["refreshJwt"], {})
    assert reused.status_code == 400 and reused.json()["error"] == "ExpiredToken"  # single use
    calls.sandbox.expire_bluesky_sessions()
    expired = calls.post("bluesky", "too late", jwt=refreshed.json()["accessJwt"])
    assert expired.status_code == 400 and expired.json() == {"error": "ExpiredToken", "message": "Token has expired"}


# ----------------------------------------------------------------------------- Discord

def test_discord_nonce_pins_edit_delete(calls: Calls) -> None:
    first = calls.post("discord", "Boil-water notice", nonce="adv1-v1-disc", enforce_nonce=True)
    again = calls.post("discord", "Boil-water notice", nonce="adv1-v1-disc", enforce_nonce=True)
    assert first.status_code == again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert len(calls.posts("discord")) == 1
    message_id = first.json()["id"]
    channel = calls.url("discord", f"/api/v10/channels/{DISCORD_CHANNEL}")
    pin = requests.put(f"{channel}/messages/pins/{message_id}", headers=DISCORD_AUTH, timeout=5)
    assert pin.status_code == 204
    pins = requests.get(f"{channel}/messages/pins", headers=DISCORD_AUTH, timeout=5).json()
    assert [i["message"]["id"] for i in pins["items"]] == [message_id] and pins["has_more"] is False
    history = requests.get(f"{channel}/messages", headers=DISCORD_AUTH, timeout=5).json()
    assert history[0]["type"] == 6  # Discord's "pinned a message" system message
    edited = requests.patch(f"{channel}/messages/{message_id}", json={"content": "Updated"}, headers=DISCORD_AUTH, timeout=5)
    assert edited.json()["edited_timestamp"] is not None
    assert requests.delete(f"{channel}/pins/{message_id}", headers=DISCORD_AUTH, timeout=5).status_code == 204
    assert requests.delete(f"{channel}/messages/{message_id}", headers=DISCORD_AUTH, timeout=5).status_code == 204
    kinds = [e["kind"] for e in calls.sandbox.state()["discord"][DISCORD_CHANNEL]["events"]]
    assert kinds == ["post", "pin", "edit", "unpin", "delete"]


def test_discord_form_errors_and_permissions(calls: Calls) -> None:
    too_long = calls.post("discord", "x" * 2001)
    assert too_long.status_code == 400
    assert too_long.json()["code"] == 50035 and too_long.json()["errors"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    readonly = requests.post(calls.url("discord", "/api/v10/channels/1300000000000000099/messages"),
                             json={"content": "x"}, headers=DISCORD_AUTH, timeout=5)
    assert readonly.status_code == 403 and readonly.json() == {"message": "Missing Permissions", "code": 50013}


# ----------------------------------------------------------------------------- auth errors

AUTH_ERRORS: dict[str, tuple[int, Any]] = {
    "x": (401, {"title": "Unauthorized", "detail": "Unauthorized", "type": "about:blank", "status": 401}),
    "facebook": (400, {"code": 190, "type": "OAuthException"}),
    "mastodon": (401, {"error": "The access token is invalid"}),
    "bluesky": (400, {"error": "InvalidToken", "message": "Token could not be verified"}),
    "telegram": (401, {"ok": False, "error_code": 401, "description": "Unauthorized"}),
    "slack": (200, {"ok": False, "error": "invalid_auth"}),
    "discord": (401, {"message": "401: Unauthorized", "code": 0}),
}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_each_platform_refuses_other_credentials(calls: Calls, platform: str) -> None:
    bad = {"bluesky": {"jwt": "not.a.jwt"}, "telegram": {"token": "999:wrong"}}.get(platform, {"token": "wrong"})
    response = calls.post(platform, "hello", **bad)
    status, expected = AUTH_ERRORS[platform]
    body = response.json()
    body = body["error"] if platform == "facebook" else body
    assert response.status_code == status
    assert {k: body[k] for k in expected} == expected
    assert calls.posts(platform) == []


def test_bluesky_wrong_password_and_missing_token(calls: Calls) -> None:
    login = requests.post(calls.url("bluesky", "/xrpc/com.atproto.server.createSession"), timeout=5,
                          json={"identifier": BSKY_HANDLE, "password": "nope"})
    assert login.status_code == 401
    assert login.json() == {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
    anonymous = calls.post("bluesky", "hello")
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "AuthenticationRequired"


def test_a_burst_of_connections_waits_in_the_backlog_rather_than_being_dropped() -> None:
    """A 300-account approval opens about 300 connections to the sandbox at once. Beyond the
    listen backlog the kernel drops a connection request and the client tries again a second
    later, a delay no platform adds; so the sandbox listens with a deep backlog. Here nothing
    accepts (the server is not started): every connection must still complete at once."""
    server = SandboxServer(port=0)
    clients: list[socket.socket] = []
    try:
        for _ in range(300):
            client = socket.socket()
            client.settimeout(0.5)  # a dropped request would take a second to be tried again
            client.connect((server.host, server.port))
            clients.append(client)
        assert len(clients) == 300 < LISTEN_BACKLOG
    finally:
        for client in clients:
            client.close()
        server._server.server_close()
