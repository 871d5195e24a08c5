"""The sandbox's "who am I / what may I do" endpoints and its readiness modes, over plain HTTP:
the shapes the real platforms answer with, and `revoked` / `no_pin` / `expires_soon`."""
from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from local.sandbox import SandboxServer
from .sandbox_support import (BSKY_HANDLE, DISCORD_CHANNEL, DISCORD_TOKEN, FB_PAGE, FB_TOKEN, MASTODON_TOKEN,
                              SLACK_CHANNEL, SLACK_TOKEN, TG_CHAT, TG_TOKEN, X_TOKEN, Calls)

BOT, GUILD, BOT_ROLE = "1200000000000000001", "1100000000000000001", "1100000000000000002"
PIN_MESSAGES, MANAGE_MESSAGES, SEND_MESSAGES = 1 << 51, 1 << 13, 1 << 11


def control(sandbox: SandboxServer, method: str, body: Any = None, query: str = "") -> requests.Response:
    return requests.request(method, f"{sandbox.url}/_sandbox/readiness{query}", json=body, timeout=5)


def get(calls: Calls, platform: str, path: str, token: str, scheme: str = "Bearer", **query: Any) -> requests.Response:
    return requests.get(calls.url(platform, path), params=query, headers={"Authorization": f"{scheme} {token}"},
                        timeout=5)


def tg(calls: Calls, method: str, **params: Any) -> requests.Response:
    return requests.post(calls.url("telegram", f"/bot{TG_TOKEN}/{method}"), json=params, timeout=5)


# -- the control endpoint ------------------------------------------------------------------------------
def test_modes_are_set_shown_validated_and_cleared(sandbox: SandboxServer) -> None:
    assert control(sandbox, "POST", {"platform": "slack", "mode": "no_pin"}).json() == {"slack": "no_pin"}
    assert control(sandbox, "POST", {"platform": "x", "mode": "revoked"}).status_code == 200
    assert control(sandbox, "GET").json() == {"slack": "no_pin", "x": "revoked"}
    for bad in ({"platform": "myspace", "mode": "revoked"}, {"platform": "x", "mode": "no_pin"},
                {"platform": "slack", "mode": "expires_soon"}, {"platform": "slack"}, [1]):
        response = control(sandbox, "POST", bad)
        assert response.status_code == 400 and "error" in response.json(), bad
    assert control(sandbox, "DELETE", query="?platform=x").json() == {"ok": True}
    assert control(sandbox, "GET").json() == {"slack": "no_pin"}
    requests.post(f"{sandbox.url}/_sandbox/reset", timeout=5)  # a revoked token is the account's state
    assert control(sandbox, "GET").json() == {}


# -- revoked: each platform's own answer to a dead token -----------------------------------------------
def test_a_revoked_token_gets_each_platforms_own_refusal(sandbox: SandboxServer, calls: Calls) -> None:
    jwt = calls.bluesky_session()["accessJwt"]  # made before the app password is revoked
    for platform in ("x", "facebook", "mastodon", "bluesky", "telegram", "slack", "discord"):
        sandbox.set_readiness(platform, "revoked")
    x = get(calls, "x", "/2/users/me", X_TOKEN)
    assert x.status_code == 401 and x.json()["title"] == "Unauthorized"
    fb = get(calls, "facebook", "/v21.0/me", FB_TOKEN).json()["error"]
    assert (fb["code"], fb["error_subcode"], fb["type"]) == (190, 460, "OAuthException")
    mastodon = get(calls, "mastodon", "/api/v1/accounts/verify_credentials", MASTODON_TOKEN)
    assert mastodon.status_code == 401 and 'error="invalid_token"' in mastodon.headers["WWW-Authenticate"]
    login = requests.post(calls.url("bluesky", "/xrpc/com.atproto.server.createSession"),
                          json={"identifier": BSKY_HANDLE, "password": "sandbox-app-password"}, timeout=5)
    assert login.status_code == 401 and login.json()["error"] == "AuthenticationRequired"
    session = get(calls, "bluesky", "/xrpc/com.atproto.server.getSession", jwt)
    assert session.status_code == 400 and session.json()["error"] == "ExpiredToken"
    assert tg(calls, "getMe").json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    slack = requests.post(calls.url("slack", "/api/auth.test"), headers={"Authorization": f"Bearer {SLACK_TOKEN}"},
                          timeout=5)
    assert slack.status_code == 200 and slack.json() == {"ok": False, "error": "token_revoked"}
    assert "x-oauth-scopes" not in slack.headers
    assert get(calls, "discord", "/api/v10/users/@me", DISCORD_TOKEN, "Bot").status_code == 401
    # the calls the checks stand for are refused too: a revoked token posts nothing
    assert calls.post("mastodon", "Boil water").status_code == 401 and not calls.posts("mastodon")


def test_faults_come_before_the_mode(sandbox: SandboxServer, calls: Calls) -> None:
    sandbox.set_readiness("x", "revoked")
    sandbox.set_faults("x", error_5xx=1, count=1)
    assert get(calls, "x", "/2/users/me", X_TOKEN).status_code == 503
    assert get(calls, "x", "/2/users/me", X_TOKEN).status_code == 401


# -- Telegram: getChatMember ---------------------------------------------------------------------------
def test_telegram_the_bot_is_an_administrator_that_may_post_and_pin(sandbox: SandboxServer, calls: Calls) -> None:
    assert tg(calls, "getChat", chat_id=TG_CHAT).json()["result"]["type"] == "channel"
    member = tg(calls, "getChatMember", chat_id=TG_CHAT, user_id=123456).json()["result"]
    assert member["status"] == "administrator" and member["user"]["is_bot"] is True
    assert member["can_post_messages"] is True and member["can_edit_messages"] is True
    assert "can_pin_messages" not in member  # a channel has no such right: edit messages covers pins
    assert tg(calls, "getChatMember", chat_id=TG_CHAT, user_id=42).json()["result"]["status"] == "left"
    assert tg(calls, "getChatMember", chat_id="@nowhere", user_id=123456).json()["description"] == \
        "Bad Request: chat not found"


def test_telegram_no_pin(sandbox: SandboxServer, calls: Calls) -> None:
    message_id = calls.post("telegram", "Boil water").json()["result"]["message_id"]
    sandbox.set_readiness("telegram", "no_pin")
    assert tg(calls, "getChatMember", chat_id=TG_CHAT, user_id=123456).json()["result"]["can_edit_messages"] is False
    refused = tg(calls, "pinChatMessage", chat_id=TG_CHAT, message_id=message_id)
    assert refused.status_code == 400 and "not enough rights" in refused.json()["description"]


# -- Slack: x-oauth-scopes and conversations.info ---------------------------------------------------------
def test_slack_lists_the_tokens_scopes_on_every_answer(sandbox: SandboxServer, calls: Calls) -> None:
    auth = requests.post(calls.url("slack", "/api/auth.test"), headers={"Authorization": f"Bearer {SLACK_TOKEN}"},
                         timeout=5)
    assert auth.json()["ok"] and {"chat:write", "pins:write"} <= set(auth.headers["x-oauth-scopes"].split(","))
    info = get(calls, "slack", "/api/conversations.info", SLACK_TOKEN, channel=SLACK_CHANNEL)
    channel = info.json()["channel"]
    assert (channel["id"], channel["is_member"], channel["is_archived"]) == (SLACK_CHANNEL, True, False)
    bad = requests.post(calls.url("slack", "/api/auth.test"), headers={"Authorization": "Bearer nope"}, timeout=5)
    assert bad.json()["error"] == "invalid_auth" and "x-oauth-scopes" not in bad.headers


def test_slack_no_pin(sandbox: SandboxServer, calls: Calls) -> None:
    ts = calls.post("slack", "Boil water").json()["ts"]
    sandbox.set_readiness("slack", "no_pin")
    auth = requests.post(calls.url("slack", "/api/auth.test"), headers={"Authorization": f"Bearer {SLACK_TOKEN}"},
                         timeout=5)
    assert "pins:write" not in auth.headers["x-oauth-scopes"].split(",")
    pin = requests.post(calls.url("slack", "/api/pins.add"), json={"channel": SLACK_CHANNEL, "timestamp": ts},
                        headers={"Authorization": f"Bearer {SLACK_TOKEN}"}, timeout=5).json()
    assert pin["ok"] is False and pin["error"] == "missing_scope" and pin["needed"] == "pins:write"


# -- Facebook: debug_token --------------------------------------------------------------------------------
def test_facebook_debug_token(sandbox: SandboxServer, calls: Calls) -> None:
    data = get(calls, "facebook", "/v21.0/debug_token", FB_TOKEN, input_token=FB_TOKEN).json()["data"]
    assert data["is_valid"] is True and data["type"] == "PAGE" and data["profile_id"] == FB_PAGE
    assert data["expires_at"] == 0 and data["data_access_expires_at"] > time.time() + 80 * 86400
    again = get(calls, "facebook", "/v21.0/debug_token", FB_TOKEN, input_token=FB_TOKEN).json()["data"]
    assert again["data_access_expires_at"] == data["data_access_expires_at"]  # no sliding expiry
    assert {"pages_manage_posts", "pages_read_engagement"} <= set(data["scopes"])
    unknown = get(calls, "facebook", "/v21.0/debug_token", FB_TOKEN, input_token="not-a-token").json()["data"]
    assert unknown["is_valid"] is False and unknown["error"]["code"] == 190
    sandbox.set_readiness("facebook", "expires_soon")
    soon = get(calls, "facebook", "/debug_token", FB_TOKEN, input_token=FB_TOKEN).json()["data"]["expires_at"]
    assert 2 * 86400 < soon - time.time() <= 3 * 86400 and soon % 86400 == 0  # fixed, as Graph's are
    me = get(calls, "facebook", "/v21.0/me", FB_TOKEN, fields="id,name").json()
    assert me["id"] == FB_PAGE


# -- Discord: the server's roles, the bot's membership, the channel's overwrites ---------------------------------
def test_discord_guild_member_and_overwrites(sandbox: SandboxServer, calls: Calls) -> None:
    guild = get(calls, "discord", f"/api/v10/guilds/{GUILD}", DISCORD_TOKEN, "Bot").json()
    roles = {r["id"]: int(r["permissions"]) for r in guild["roles"]}
    assert GUILD in roles and roles[BOT_ROLE] & PIN_MESSAGES and guild["owner_id"] != BOT
    member = get(calls, "discord", f"/api/v10/guilds/{GUILD}/members/{BOT}", DISCORD_TOKEN, "Bot").json()
    assert member["roles"] == [BOT_ROLE] and member["user"]["id"] == BOT
    assert get(calls, "discord", f"/api/v10/guilds/{GUILD}/members/42", DISCORD_TOKEN, "Bot").json()["code"] == 10007
    assert get(calls, "discord", "/api/v10/guilds/42", DISCORD_TOKEN, "Bot").json()["code"] == 10004
    channel = get(calls, "discord", f"/api/v10/channels/{DISCORD_CHANNEL}", DISCORD_TOKEN, "Bot").json()
    assert channel["guild_id"] == GUILD and channel["permission_overwrites"] == []
    read_only = get(calls, "discord", "/api/v10/channels/1300000000000000099", DISCORD_TOKEN, "Bot").json()
    [overwrite] = read_only["permission_overwrites"]
    assert overwrite["id"] == BOT_ROLE and int(overwrite["deny"]) & SEND_MESSAGES


@pytest.mark.parametrize("path", ["/messages/pins/{m}", "/pins/{m}"])
def test_discord_no_pin(sandbox: SandboxServer, calls: Calls, path: str) -> None:
    message = calls.post("discord", "Boil water").json()["id"]
    sandbox.set_readiness("discord", "no_pin")
    guild = get(calls, "discord", f"/api/v10/guilds/{GUILD}", DISCORD_TOKEN, "Bot").json()
    bot_role = next(int(r["permissions"]) for r in guild["roles"] if r["id"] == BOT_ROLE)
    assert not bot_role & (PIN_MESSAGES | MANAGE_MESSAGES)
    refused = requests.put(calls.url("discord", f"/api/v10/channels/{DISCORD_CHANNEL}" + path.format(m=message)),
                           headers={"Authorization": f"Bot {DISCORD_TOKEN}"}, timeout=5)
    assert refused.status_code == 403 and refused.json()["code"] == 50013
