"""Every HTTP adapter against its sandbox platform over real HTTP: post, thread, pin rotation,
edit, delete, and each failure class through the sandbox's fault injection."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, UTC
from typing import Any

import pytest

from channel_kit import HTTP_PLATFORMS, STATE_KEY, adapter, rendering, sandbox, sandbox_server  # noqa: F401
from chalicelib.channels.port import AmbiguousError, Channel, PermanentError, RetryableError

MARKER = "Ref CL-TEST0001"
POST_PATH = {"x": "/2/tweets", "facebook": "/feed", "mastodon": "/statuses", "bluesky": "createRecord",
             "telegram": "sendMessage", "slack": "chat.postMessage", "discord": "/messages"}
PINNABLE = [p for p in HTTP_PLATFORMS if p != "x"]
EDITABLE = [p for p in HTTP_PLATFORMS if p != "bluesky"]


def channel(sandbox: Any, platform: str, **kwargs: Any) -> Channel:
    return adapter(platform, sandbox.base_url(platform), **kwargs)


def account_state(sandbox: Any, platform: str) -> dict[str, Any]:
    return sandbox.state()[platform][STATE_KEY[platform]]


def posts(sandbox: Any, platform: str) -> dict[str, dict[str, Any]]:
    """Posts by id; an edited X post is also filed under each id of its edit chain."""
    out: dict[str, dict[str, Any]] = {}
    for post in account_state(sandbox, platform)["posts"]:
        for post_id in [post["id"], *post["data"].get("edit_history_tweet_ids", [])]:
            out[post_id] = post
    return out


def advisory(*texts: str) -> Any:
    return rendering(*[f"{t} {MARKER}" for t in texts])


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_a_post_lands_with_its_id_and_url(sandbox: Any, platform: str) -> None:
    adapter = channel(sandbox, platform)
    ref = adapter.publish(advisory("Boil water notice for Riverside."), "key-1")
    landed = posts(sandbox, platform)[ref.post_id]
    assert landed["text"].startswith("Boil water notice for Riverside.") and MARKER in landed["text"]
    assert ref.part_ids == (ref.post_id,)
    # Slack's post call returns no link: it is asked for separately, once the post is recorded
    assert (ref.url is None) == (platform == "slack")
    link = adapter.permalink(ref)
    assert link and ref.url in (None, link)


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_a_rendering_with_several_parts_is_a_reply_chain(sandbox: Any, platform: str) -> None:
    ref = channel(sandbox, platform).publish(advisory("Part one.", "Part two.", "Part three."), "key-2")
    landed = posts(sandbox, platform)
    if platform == "facebook":  # no threads on a page: one post with every part, in order
        assert len(ref.part_ids) == 1 and "Part one." in landed[ref.post_id]["text"] \
            and landed[ref.post_id]["text"].index("Part two.") < landed[ref.post_id]["text"].index("Part three.")
        return
    first, second, third = ref.part_ids
    assert [landed[i]["text"].split(" Ref")[0] for i in ref.part_ids] == ["Part one.", "Part two.", "Part three."]
    assert landed[second]["thread_root"] == first and landed[third]["thread_root"] == first
    expected_parent = first if platform == "slack" else second  # Slack threads hang off the first
    assert landed[second]["reply_to"] == first and landed[third]["reply_to"] == expected_parent


@pytest.mark.parametrize("platform", PINNABLE)
def test_pin_rotation_pins_the_new_post_before_unpinning_the_old(sandbox: Any, platform: str) -> None:
    chan = channel(sandbox, platform)
    old = chan.publish(advisory("Boil water."), "key-a")
    chan.pin(old)
    new = chan.publish(advisory("Boil water: update."), "key-b")
    chan.pin(new, previous=old)
    state = account_state(sandbox, platform)
    assert state["pinned"] == [new.post_id]
    kinds = [(e["kind"], e["post_id"]) for e in state["events"] if e["kind"] in ("pin", "unpin")]
    if platform in ("bluesky", "facebook"):  # one pinned post: pinning the new one replaces the old
        assert ("pin", new.post_id) in kinds
    else:
        assert kinds[-2:] == [("pin", new.post_id), ("unpin", old.post_id)]
    chan.unpin(new)
    chan.unpin(new)  # already unpinned: still fine
    assert account_state(sandbox, platform)["pinned"] == []


def test_x_has_no_pin_api_so_pin_is_left_to_a_person(sandbox: Any) -> None:
    chan = channel(sandbox, "x")
    ref = chan.publish(advisory("Boil water."), "key")
    assert chan.capabilities.pin_by_hand and not chan.capabilities.can_pin
    chan.pin(ref)
    chan.unpin(ref)
    assert account_state(sandbox, "x")["pinned"] == []


def test_bluesky_pin_keeps_the_rest_of_the_profile(sandbox: Any) -> None:
    chan = channel(sandbox, "bluesky")
    before = dict(account_state(sandbox, "bluesky")["profile"]["value"])
    ref = chan.publish(advisory("Boil water."), "key")
    chan.pin(ref)
    profile = account_state(sandbox, "bluesky")["profile"]["value"]
    assert profile["pinnedPost"] == {"uri": ref.post_id, "cid": ref.extra["cid"]}
    assert {k: v for k, v in profile.items() if k != "pinnedPost"} == \
        {k: v for k, v in before.items() if k != "pinnedPost"} and profile.get("displayName")


def test_bluesky_retries_once_when_the_profile_changed_under_it(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.channels.bluesky import PROFILE, BlueskyChannel

    chan = channel(sandbox, "bluesky")
    ref = chan.publish(advisory("Boil water."), "key")
    real = BlueskyChannel._profile
    calls: list[int] = []

    def stale_then_real(self: BlueskyChannel) -> Any:
        value, cid = real(self)
        if not calls:  # someone edits the profile between our read and our write
            calls.append(1)
            self.xrpc("POST", "com.atproto.repo.putRecord", "profile edit", body={
                "repo": self.session().did, "collection": PROFILE, "rkey": "self",
                "record": {**value, "description": "Edited by a person"}})
        return value, cid

    monkeypatch.setattr(BlueskyChannel, "_profile", stale_then_real)
    chan.pin(ref)
    profile = account_state(sandbox, "bluesky")["profile"]["value"]
    assert profile["description"] == "Edited by a person" and profile["pinnedPost"]["uri"] == ref.post_id


def test_bluesky_sends_facets_and_renews_an_expired_session(sandbox: Any) -> None:
    from chalicelib.rendering.model import Part

    chan = channel(sandbox, "bluesky")
    text = f"Details: https://health.example.org/boil {MARKER}"
    start = text.encode().index(b"https")
    facet = {"index": {"byteStart": start, "byteEnd": start + len("https://health.example.org/boil")},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://health.example.org/boil"}]}
    chan.publish(advisory("Logged in."), "key-0")
    sandbox.expire_bluesky_sessions()  # the cached session's token is now refused
    time.sleep(1.1)  # the sandbox also refuses tokens issued within a second of expiring
    one = rendering("x")
    one.parts[0] = Part(text=text, length=len(text), facets=[facet])
    ref = chan.publish(one, "key")
    assert posts(sandbox, "bluesky")[ref.post_id]["data"]["facet_texts"] == ["https://health.example.org/boil"]


@pytest.mark.parametrize("platform", EDITABLE)
def test_edit_changes_the_text_adds_and_drops_thread_parts(sandbox: Any, platform: str) -> None:
    chan = channel(sandbox, platform)
    ref = chan.publish(advisory("Boil water."), "key")
    grown = chan.edit(ref, advisory("Boil water: update.", "More detail."))
    landed = posts(sandbox, platform)
    assert landed[grown.post_id]["text"].startswith("Boil water: update.")
    if chan.capabilities.threads:
        assert len(grown.part_ids) == 2 and landed[grown.part_ids[1]]["text"].startswith("More detail.")
        shrunk = chan.edit(grown, advisory("Boil water: final."))
        landed = posts(sandbox, platform)
        assert shrunk.part_ids == (shrunk.post_id,) and landed[grown.part_ids[1]]["deleted"]
        assert landed[shrunk.post_id]["text"].startswith("Boil water: final.")


def test_bluesky_posts_cannot_be_edited(sandbox: Any) -> None:
    chan = channel(sandbox, "bluesky")
    with pytest.raises(PermanentError, match="cannot be edited"):
        chan.edit(chan.publish(advisory("x"), "k"), advisory("y"))


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_delete_removes_every_part_and_is_repeatable(sandbox: Any, platform: str) -> None:
    chan = channel(sandbox, platform)
    ref = chan.publish(advisory("One.", "Two."), "key")
    chan.delete(ref)
    landed = posts(sandbox, platform)
    assert all(landed[i]["deleted"] for i in ref.part_ids) and ref.part_ids
    chan.delete(ref)  # already gone is not an error


@pytest.mark.parametrize("platform", ["mastodon", "discord"])
def test_the_platform_idempotency_key_prevents_a_second_post(sandbox: Any, platform: str) -> None:
    chan = channel(sandbox, platform)
    first = chan.publish(advisory("Boil water."), "clarion-same-key")
    again = chan.publish(advisory("Boil water."), "clarion-same-key")
    assert again.post_id == first.post_id and len(account_state(sandbox, platform)["posts"]) == 1
    assert chan.capabilities.idempotent


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_a_5xx_is_retryable_and_the_retry_posts_once(sandbox: Any, platform: str) -> None:
    sandbox.set_faults(platform, error_5xx=1, count=1, path_contains=POST_PATH[platform])
    chan = channel(sandbox, platform)
    err = pytest.raises(RetryableError, chan.publish, advisory("Boil water."), "key").value
    assert err.status is not None and err.status >= 500 and platform.lower()[:4] in err.message.lower()
    assert err.retry_after_s is None  # rate-limit window headers on a 5xx are not a delay
    chan.publish(advisory("Boil water."), "key")
    assert len([p for p in account_state(sandbox, platform)["posts"] if not p["deleted"]]) == 1


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_a_429_is_retryable_with_the_platforms_delay(sandbox: Any, platform: str) -> None:
    sandbox.set_faults(platform, rate_limit=1, retry_after_s=3, count=1, path_contains=POST_PATH[platform])
    err = pytest.raises(RetryableError, channel(sandbox, platform).publish, advisory("x"), "k").value
    expected = 60 if platform == "facebook" else 3  # Graph reports whole minutes to regain access
    assert err.retry_after_s == pytest.approx(expected, abs=1.5)


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_accepted_then_timed_out_is_ambiguous_and_find_reconciles(sandbox: Any, platform: str) -> None:
    sandbox.set_faults(platform, accept_then_timeout=1, timeout_sleep_s=1.0, count=1,
                       path_contains=POST_PATH[platform])
    slow = channel(sandbox, platform, read_timeout_s=0.3)
    with pytest.raises(AmbiguousError, match="may have been made"):
        slow.publish(advisory("Boil water notice."), "key")
    landed = [p for p in account_state(sandbox, platform)["posts"] if MARKER in p["text"]]
    assert len(landed) == 1  # the sandbox did accept it
    found = channel(sandbox, platform).find(MARKER)
    if slow.capabilities.can_find:
        assert found is not None and found.post_id == landed[0]["id"]
    else:  # Telegram: no API to read a channel back; a person must check
        assert found is None


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_find_returns_none_when_the_marker_is_nowhere(sandbox: Any, platform: str) -> None:
    chan = channel(sandbox, platform)
    chan.publish(advisory("Something else."), "key")
    assert chan.find("Ref CL-NOTTHERE") is None


FINDABLE = [p for p in HTTP_PLATFORMS if p != "telegram"]
TIMELINE_PATH = {"x": "/tweets", "facebook": "/posts", "mastodon": "/statuses", "bluesky": "getAuthorFeed",
                 "slack": "conversations.history", "discord": "/messages"}


def busy_account(sandbox: Any, platform: str, advisory_first: bool = True) -> tuple[Channel, Any, datetime]:
    """An adapter reading 5 posts a page from an account that posted the advisory (its ref is
    returned) and then 12 other posts, all after the attempt's time (returned too)."""
    attempt = datetime.now(UTC) - timedelta(seconds=2)
    chan = channel(sandbox, platform)
    ref = chan.publish(advisory("Boil water notice."), "key") if advisory_first else None
    for n in range(12):
        chan.publish(rendering(f"Clinic hours update number {n}.", marker=f"Ref CL-OTHER{n:04d}"), f"other-{n}")
    chan.timeline_page = 5  # type: ignore[attr-defined]  # so that 13 posts take three pages
    return chan, ref, attempt


@pytest.mark.parametrize("platform", FINDABLE)
def test_find_pages_back_through_a_busy_timeline_to_the_attempt(sandbox: Any, platform: str) -> None:
    chan, ref, attempt = busy_account(sandbox, platform)
    found = chan.find(MARKER, attempt)
    assert found is not None and found.post_id == ref.post_id
    assert chan.find("Ref CL-NOTTHERE", attempt) is None  # the whole way back, and not there


@pytest.mark.parametrize("platform", FINDABLE)
def test_a_page_that_fails_once_is_read_again_not_the_whole_search(sandbox: Any, platform: str) -> None:
    chan, ref, attempt = busy_account(sandbox, platform)
    sandbox.set_faults(platform, error_5xx=1, count=1, path_contains=TIMELINE_PATH[platform])
    sandbox.set_faults(platform, rate_limit=1, retry_after_s=0.1, count=1, path_contains=TIMELINE_PATH[platform])
    found = chan.find(MARKER, attempt)
    assert found is not None and found.post_id == ref.post_id


@pytest.mark.parametrize("platform", FINDABLE)
def test_a_search_that_cannot_reach_the_attempt_asks_for_a_person(sandbox: Any, platform: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.channels import base

    chan, _, attempt = busy_account(sandbox, platform, advisory_first=False)
    monkeypatch.setattr(base, "SEARCH_PAGES", 2)  # 10 posts searched, 12 made since the attempt
    with pytest.raises(PermanentError, match="did not reach back to the attempt"):
        chan.find(MARKER, attempt)


BAD = {"x": {"access_token": "wrong-token-123"}, "facebook": {"page_access_token": "wrong-token-123"},
       "mastodon": {"access_token": "wrong-token-123"},
       "bluesky": {"identifier": "cityhealth.bsky.social", "app_password": "wrong-token-123"},
       "telegram": {"bot_token": "999:wrong-token-123"}, "slack": {"bot_token": "wrong-token-123"},
       "discord": {"bot_token": "wrong-token-123"}}


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_a_bad_token_is_permanent_and_never_repeated(sandbox: Any, platform: str) -> None:
    chan = channel(sandbox, platform, credentials=BAD[platform])
    err = pytest.raises(PermanentError, chan.publish, advisory("x"), "k").value
    assert "wrong-token-123" not in str(err) and "wrong-token-123" not in repr(err.args)
    assert "refused" in err.message or "token is invalid" in err.message


def test_a_validation_error_says_what_to_fix(sandbox: Any) -> None:
    err = pytest.raises(PermanentError, channel(sandbox, "mastodon").publish, advisory("x" * 600), "k").value
    assert err.message == "Mastodon rejected the post: Text character limit of 500 exceeded"


def test_discord_field_errors_are_spelled_out(sandbox: Any) -> None:
    err = pytest.raises(PermanentError, channel(sandbox, "discord").publish, advisory("x" * 2100), "k").value
    assert "content" in err.message and "2000" in err.message


def test_a_thread_failing_half_way_says_which_parts_landed(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    chan = channel(sandbox, "x")
    real = type(chan)._post

    def second_part_fails(self: Any, rendering: Any, part: Any, index: int, *rest: Any) -> Any:
        if index == 1:
            sandbox.set_faults("x", error_5xx=1, count=1, path_contains="/2/tweets")
        return real(self, rendering, part, index, *rest)

    monkeypatch.setattr(type(chan), "_post", second_part_fails)
    with pytest.raises(RetryableError) as caught:
        chan.publish(advisory("One.", "Two.", "Three."), "key")
    landed = [p for p in account_state(sandbox, "x")["posts"] if not p["deleted"]]
    assert caught.value.posted is not None and caught.value.posted.part_ids == (landed[0]["id"],)
    assert "after 1 of 3 thread parts were posted" in caught.value.message


def test_bluesky_pins_a_post_known_only_by_its_uri(sandbox: Any) -> None:
    """A PostRef restored from a delivery record has no cid: the adapter looks it up."""
    from chalicelib.channels.port import PostRef

    chan = channel(sandbox, "bluesky")
    ref = chan.publish(advisory("Boil water."), "key")
    chan.pin(PostRef(post_id=ref.post_id))
    assert account_state(sandbox, "bluesky")["profile"]["value"]["pinnedPost"]["cid"] == ref.extra["cid"]


def test_mastodon_rotation_still_works_with_five_posts_pinned(sandbox: Any) -> None:
    chan = channel(sandbox, "mastodon")
    pinned = [chan.publish(advisory(f"Advisory {i}."), f"key-{i}") for i in range(5)]
    for ref in pinned:
        chan.pin(ref)
    new = chan.publish(advisory("Advisory 6."), "key-6")
    chan.pin(new, previous=pinned[0])  # Mastodon refuses a sixth pin: the old one goes first
    state = account_state(sandbox, "mastodon")
    assert new.post_id in state["pinned"] and pinned[0].post_id not in state["pinned"] and len(state["pinned"]) == 5


@pytest.mark.parametrize("platform", [p for p in HTTP_PLATFORMS if p != "facebook"])
def test_a_follow_up_published_as_a_reply_continues_the_earlier_thread(sandbox: Any, platform: str) -> None:
    chan = channel(sandbox, platform)
    earlier = chan.publish(advisory("Boil water notice.", "Details."), "key-r1")
    update = chan.publish(advisory("Update: the notice now covers Oakwood."), "key-r2", reply_to=earlier)
    landed = posts(sandbox, platform)[update.post_id]
    assert landed["thread_root"] == earlier.post_id
    expected_parent = earlier.post_id if platform == "slack" else earlier.part_ids[-1]
    assert landed["reply_to"] == expected_parent


OPENED_ON_THE_SANDBOX = ["x", "facebook", "bluesky", "discord", "telegram"]
SITE = {"x": "https://x.com/", "facebook": "https://www.facebook.com/", "bluesky": "https://bsky.app/",
        "discord": "https://discord.com/channels/", "telegram": "https://t.me/"}


def opened(url: str) -> Any:
    import requests

    return requests.get(url, allow_redirects=False, timeout=5)


@pytest.mark.parametrize("platform", OPENED_ON_THE_SANDBOX)
def test_a_sandbox_accounts_post_link_opens_that_post_on_the_sandbox(sandbox: Any, platform: str) -> None:
    from chalicelib.seed import LOCAL_CHANNELS

    account = next(a for a in LOCAL_CHANNELS if a.platform == platform)
    assert account.settings["post_url"].endswith(f"/_sandbox/open/{platform}/{{post_id}}")
    adapter_ = channel(sandbox, platform)
    adapter_.settings = {**adapter_.settings, "post_url": f"{sandbox.url}/_sandbox/open/{platform}/{{post_id}}"}  # type: ignore[attr-defined]
    ref = adapter_.publish(advisory("Boil water notice for Riverside."), "key-1")
    assert ref.url and ref.url.startswith(f"{sandbox.url}/_sandbox/open/{platform}/")
    response = opened(ref.url)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/#{platform}-{ref.post_id}")
    assert opened(f"{sandbox.url}/_sandbox/open/{platform}/999").status_code == 404
    # What the sandbox hands out itself points at its own page too.
    landed = posts(sandbox, platform)[ref.post_id]
    assert landed["url"].startswith(sandbox.url)


@pytest.mark.parametrize("platform", OPENED_ON_THE_SANDBOX)
def test_a_real_accounts_post_link_is_the_platforms_site(sandbox: Any, platform: str) -> None:
    adapter_ = channel(sandbox, platform)
    adapter_.settings = {k: v for k, v in adapter_.settings.items() if k != "post_url"}  # type: ignore[attr-defined]
    ref = adapter_.publish(advisory("Boil water notice for Riverside."), "key-1")
    assert ref.url and ref.url.startswith(SITE[platform])
