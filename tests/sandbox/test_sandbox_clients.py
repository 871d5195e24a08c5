"""The official clients work against the sandbox unchanged but for the base URL."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonRatelimitError, MastodonUnauthorizedError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from telegram import Bot
from telegram.error import BadRequest, InvalidToken, RetryAfter

from local.sandbox import SandboxServer

MASTODON_TOKEN = "sandbox-mastodon-token"
TG_TOKEN, TG_CHAT = "123456:sandbox-telegram-token", "@cityhealth"


def account(sandbox: SandboxServer, platform: str, key: str) -> dict[str, Any]:
    return sandbox.state()[platform][key]


# ----------------------------------------------------------------------------- Mastodon.py

def mastodon(sandbox: SandboxServer, token: str = MASTODON_TOKEN, **kwargs: Any) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=sandbox.base_url("mastodon"), **kwargs)


def test_mastodon_post_pin_edit_unpin_delete(sandbox: SandboxServer) -> None:
    api = mastodon(sandbox)
    status = api.status_post("Boil-water notice for Riverside. https://example.org/bw #BoilWater",
                             visibility="public", language="en")
    assert status.url.endswith(f"/@cityhealth/{status.id}") and "#<span>BoilWater</span>" in status.content
    reply = api.status_post("Part 2 of the notice.", in_reply_to_id=status.id)
    assert reply.in_reply_to_id == status.id
    assert api.status_pin(status.id).pinned is True
    assert [s.id for s in api.account_statuses(status.account.id, pinned=True)] == [status.id]
    edited = api.status_update(status.id, "Boil-water notice for Riverside, updated.")
    assert edited.edited_at is not None and "updated" in edited.content
    assert api.status_unpin(status.id).pinned is False
    api.status_delete(reply.id)
    state = account(sandbox, "mastodon", "cityhealth")
    assert [e["kind"] for e in state["events"]] == ["post", "post", "pin", "edit", "unpin", "delete"]
    assert state["posts"][0]["edits"][0]["previous_text"].startswith("Boil-water notice for Riverside.")
    assert state["posts"][1]["reply_to"] == status.id and state["posts"][1]["deleted"] is True


def test_mastodon_idempotency_key_returns_the_same_status(sandbox: SandboxServer) -> None:
    api = mastodon(sandbox)
    first = api.status_post("Shelter-in-place lifted.", idempotency_key="adv-1:v1:cityhealth")
    again = api.status_post("Shelter-in-place lifted.", idempotency_key="adv-1:v1:cityhealth")
    assert again.id == first.id
    assert len(account(sandbox, "mastodon", "cityhealth")["posts"]) == 1


def test_mastodon_errors_as_mastodon_words_them(sandbox: SandboxServer) -> None:
    with pytest.raises(MastodonUnauthorizedError, match="The access token is invalid"):
        mastodon(sandbox, token="wrong").status_post("x")
    api = mastodon(sandbox)
    with pytest.raises(MastodonAPIError, match="Text character limit of 500 exceeded"):
        api.status_post("a" * 501)
    api.status_post("https://example.org/" + "x" * 600 + " " + "b" * 470)  # a URL counts 23
    ids = [api.status_post(f"advisory {i}").id for i in range(6)]
    for status_id in ids[:5]:
        api.status_pin(status_id)
    with pytest.raises(MastodonAPIError, match="You have already pinned the maximum number of posts"):
        api.status_pin(ids[5])


def test_mastodon_rate_limit_reaches_the_client(sandbox: SandboxServer) -> None:
    sandbox.set_faults("mastodon", rate_limit=1, count=1)
    with pytest.raises(MastodonRatelimitError):
        mastodon(sandbox, ratelimit_method="throw").status_post("rate limited")


# ----------------------------------------------------------------------------- slack_sdk

def slack(sandbox: SandboxServer, token: str = "sandbox-slack-token") -> WebClient:
    return WebClient(token=token, base_url=sandbox.base_url("slack") + "/api/")


def test_slack_post_pin_update_unpin_delete(sandbox: SandboxServer) -> None:
    client = slack(sandbox)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Boil-water notice*"}}]
    posted = client.chat_postMessage(channel="C0CLARION", text="Boil-water notice", blocks=blocks,
                                     unfurl_links=False)
    ts = posted["ts"]
    assert posted["channel"] == "C0CLARION" and posted["message"]["blocks"] == blocks
    client.chat_postMessage(channel="C0CLARION", text="Details in thread", thread_ts=ts)
    client.pins_add(channel="C0CLARION", timestamp=ts)
    assert [i["message"]["ts"] for i in client.pins_list(channel="C0CLARION")["items"]] == [ts]
    client.chat_update(channel="C0CLARION", ts=ts, text="Boil-water notice (updated)")
    client.pins_remove(channel="C0CLARION", timestamp=ts)
    assert "/archives/C0CLARION/p" in client.chat_getPermalink(channel="C0CLARION", message_ts=ts)["permalink"]
    client.chat_delete(channel="C0CLARION", ts=ts)
    state = account(sandbox, "slack", "C0CLARION")
    assert [e["kind"] for e in state["events"]] == ["post", "post", "pin", "edit", "unpin", "delete"]
    assert state["posts"][1]["thread_root"] == ts and state["posts"][0]["data"]["unfurl_links"] is False


def test_slack_errors_raise_slack_api_error(sandbox: SandboxServer) -> None:
    with pytest.raises(SlackApiError) as bad_auth:
        slack(sandbox, token="xoxb-wrong").chat_postMessage(channel="C0CLARION", text="x")
    assert bad_auth.value.response["error"] == "invalid_auth"
    client = slack(sandbox)
    ts = client.chat_postMessage(channel="C0CLARION", text="pin me")["ts"]
    client.pins_add(channel="C0CLARION", timestamp=ts)
    with pytest.raises(SlackApiError, match="already_pinned"):
        client.pins_add(channel="C0CLARION", timestamp=ts)
    with pytest.raises(SlackApiError) as too_long:
        client.chat_postMessage(channel="C0CLARION", text="x", blocks=[
            {"type": "section", "text": {"type": "mrkdwn", "text": "y" * 3001}}])
    assert too_long.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="C0NOPE", text="x")


def test_slack_rate_limit_carries_retry_after(sandbox: SandboxServer) -> None:
    sandbox.set_faults("slack", rate_limit=1, count=1, retry_after_s=3)
    with pytest.raises(SlackApiError) as limited:
        slack(sandbox).chat_postMessage(channel="C0CLARION", text="x")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "3"


# ----------------------------------------------------------------------------- python-telegram-bot

def telegram(sandbox: SandboxServer, token: str = TG_TOKEN) -> Bot:
    return Bot(token, base_url=sandbox.base_url("telegram") + "/bot")


def test_telegram_send_pin_edit_unpin_delete(sandbox: SandboxServer) -> None:
    async def run() -> None:
        async with telegram(sandbox) as bot:
            message = await bot.send_message(TG_CHAT, "<b>Boil-water notice</b> for Riverside", parse_mode="HTML")
            assert message.text == "Boil-water notice for Riverside" and message.chat.type == "channel"
            reply = await bot.send_message(TG_CHAT, "Details", reply_to_message_id=message.message_id)
            assert reply.reply_to_message.message_id == message.message_id
            assert await bot.pin_chat_message(TG_CHAT, message.message_id, disable_notification=True)
            assert (await bot.get_chat(TG_CHAT)).pinned_message.message_id == message.message_id
            edited = await bot.edit_message_text("Boil-water notice (updated)", chat_id=TG_CHAT,
                                                 message_id=message.message_id)
            assert edited.edit_date is not None
            assert await bot.unpin_chat_message(TG_CHAT, message.message_id)
            assert await bot.delete_message(TG_CHAT, reply.message_id)

    asyncio.run(run())
    state = account(sandbox, "telegram", TG_CHAT)
    assert [e["kind"] for e in state["events"]] == ["post", "post", "pin", "edit", "unpin", "delete"]
    assert state["pinned"] == []


def test_telegram_errors_map_to_ptb_exceptions(sandbox: SandboxServer) -> None:
    sandbox.set_faults("telegram", rate_limit=1, count=1, retry_after_s=7, methods=["POST"])

    async def run() -> None:
        async with telegram(sandbox) as bot:
            await bot.send_message(TG_CHAT, "limited")  # initialize's getMe is a POST: it takes the fault

    with pytest.raises(RetryAfter) as limited:
        asyncio.run(run())
    assert limited.value.retry_after in (7, timedelta(seconds=7))  # int or timedelta by PTB version

    async def more() -> None:
        async with telegram(sandbox) as bot:
            with pytest.raises(BadRequest, match="Message is too long"):
                await bot.send_message(TG_CHAT, "😀" * 2049)  # 4098 UTF-16 code units
            with pytest.raises(BadRequest, match="Chat not found"):
                await bot.send_message("@nobody", "x")
        with pytest.raises(InvalidToken):
            await telegram(sandbox, token="999:not-a-sandbox-token").get_me()

    asyncio.run(more())
