"""Text from an advisory or a trigger is plain text on every platform (issue 11, item 7).

Each payload goes in an advisory's text, is rendered for the platform (`render_for`), posted
over real HTTP to the sandbox platform, and the landed post is read back: nothing in it may be
markup the platform would act on. A trigger's parameters, which no person reviews, may not
carry links or @mentions at all (422 naming the parameter).

Mention policy (README, "Links and mentions"): in text a person wrote and another approved,
`@name` on X, Mastodon and Telegram stays a mention (a spokesperson may tag a partner agency);
Bluesky makes mentions only from facets and Clarion writes link and tag facets only; mass
mentions (@everyone, @here, <!channel>) are inert everywhere.
"""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

from channel_kit import ACCOUNT, adapter, canned, canned_server, sandbox, sandbox_server  # noqa: F401
from chalicelib.domain.models import Advisory, AdvisoryContent
from chalicelib.rendering.render import render_for
from chalicelib.seed import LOCAL_CHANNELS

PAYLOADS = [
    "[Riverside](https://evil.example/phish)", "<https://evil.example|Riverside>", "@everyone", "@here",
    "<!channel>", "<!here>", "<@123456789012345678>", "<@&987654321098765432>", "<#111111111111111111>",
    "@[100000000000009]", "**bold**", "||spoiler||", "`code`", "~~gone~~", "> quote", "# Heading",
    "-# subtext", "<b>bold</b>", "<a href=\"https://evil.example\">x</a>", "*bold* _it_",
]


def unescaped(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\\)" + pattern)


# What each platform would act on, in the text it received.
ACTIVE: dict[str, list[re.Pattern[str]]] = {
    "discord": [unescaped(r"\[[^\]]*\]\("), unescaped(r"<[@#!&a-z]"), re.compile(r"@(everyone|here)"),
                unescaped(r"\*\*"), unescaped(r"\|\|"), unescaped(r"`"), unescaped(r"~~"),
                re.compile(r"(?m)^\s*(#|-#)\s")],
    "slack": [re.compile(r"<"), re.compile(r">")],  # every link, mention and <!channel> starts with <
    "facebook": [re.compile(r"@\[")],
    "telegram": [],  # sent without parse_mode (checked below): no markup is read at all
    "x": [], "mastodon": [], "bluesky": [],  # plain text; mass mentions do not exist there
}


def advisory_saying(text: str, platform: str) -> Advisory:
    content = AdvisoryContent(
        headline=f"Boil water {text}", description=f"Tests found E. coli. {text}",
        instruction=f"Boil water for one minute. {text}", required_text="Call 0800 555 0100 if unwell.",
        event="Boil Water Notice", urgency="Immediate", severity="Severe", certainty="Observed",
        area_desc=f"Riverside {text}", channels=[ACCOUNT[platform]])
    return Advisory(content=content, author="a", id="adv_inert00001")


def landed(sandbox: Any, platform: str, text: str) -> tuple[str, dict[str, Any]]:
    account = next(a for a in LOCAL_CHANNELS if a.id == ACCOUNT[platform])
    result = render_for(advisory_saying(text, platform), account)
    channel = adapter(platform, sandbox.base_url(platform))
    ref = channel.publish(result.rendering, "key-inert")
    from test_sandbox_adapters import posts

    post = posts(sandbox, platform)[ref.post_id]
    return post["text"], post


@pytest.mark.parametrize("platform", sorted(ACTIVE))
def test_markup_in_advisory_text_lands_inert(sandbox: Any, platform: str) -> None:
    baseline, _ = landed(sandbox, platform, "plain")  # the template's own markup (a bold headline)
    for payload in PAYLOADS:
        text, post = landed(sandbox, platform, payload)
        active = [p.pattern for p in ACTIVE[platform] if len(p.findall(text)) > len(p.findall(baseline))]
        assert active == [], f"{platform}: {payload!r} landed active ({active}) in {text!r}"
        if platform == "telegram":
            assert post["data"].get("parse_mode") is None
        if platform == "bluesky":
            features = [f["$type"] for facet in post["data"].get("facets") or [] for f in facet["features"]]
            assert "app.bsky.richtext.facet#mention" not in features


def test_discord_posts_never_ping(canned: Any) -> None:
    account = next(a for a in LOCAL_CHANNELS if a.id == ACCOUNT["discord"])
    canned.answer(200, {"id": "1", "channel_id": "2", "content": "x"})
    channel = adapter("discord", canned.url)
    try:
        channel.publish(render_for(advisory_saying("@everyone", "discord"), account).rendering, "k")
    except Exception:  # the canned answer may not satisfy every later call; the request is what counts
        pass
    body = json.loads(next(r[3] for r in canned.requests if r[0] == "POST"))
    assert body["allowed_mentions"] == {"parse": []}


TRIGGER_PAYLOADS: list[tuple[str, str]] = [
    ("[Riverside](https://evil.example/phish)", "link"), ("<https://evil.example|Riverside>", "link"),
    ("https://evil.example", "link"), ("www.evil.example", "link"), ("evil.com/login", "link"),
    ("Riverside evil.co", "link"), ("@mayor", "mentions"), ("Riverside @mayor@mastodon.social", "mentions"),
    ("@[100000000000009]", "mentions"), ("@everyone", "mentions"),
]


@pytest.fixture
def boil_water_template(api: Any) -> str:
    from test_templates_and_triggers import approved_template

    return approved_template(api)


@pytest.mark.parametrize("value, says", TRIGGER_PAYLOADS)
def test_a_trigger_parameter_cannot_carry_a_link_or_a_mention(api: Any, boil_water_template: str,
                                                              value: str, says: str) -> None:
    from test_templates_and_triggers import GOOD_PARAMS

    response = api.call("POST", f"/templates/{boil_water_template}/trigger", "demo-oncall",
                        {"parameters": {**GOOD_PARAMS, "area": value}})
    assert response.status_code == 422, response.json_body
    detail = response.json_body["error"]["details"][0]
    assert detail["field"] == "area" and says in detail["problem"]


@pytest.mark.parametrize("value", ["St. Mary's & Oakwood", "Room 4 @ City Hall", "Building @ 5th St", "Dr.Smith Rd",
                                   "**Riverside**", "||Riverside||", "# Riverside"])
def test_ordinary_parameters_still_trigger(api: Any, boil_water_template: str, value: str) -> None:
    from test_templates_and_triggers import GOOD_PARAMS

    response = api.call("POST", f"/templates/{boil_water_template}/trigger", "demo-oncall",
                        {"parameters": {**GOOD_PARAMS, "area": value}})
    assert response.status_code == 201, response.json_body


