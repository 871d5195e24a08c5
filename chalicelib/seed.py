"""What the local stage starts with: the demo users and one or more accounts per platform.

Every local channel account points at the sandbox platforms (`make run` serves them on
127.0.0.1:8001) with the sandbox's fixed credentials, which `seed_local_channels` stores in
SSM (moto) exactly where a deployed stage keeps real ones.
"""
from __future__ import annotations

import os
from typing import Any
from collections.abc import Callable, Mapping

from chalicelib.domain.errors import StaleWrite
from chalicelib.domain.models import AuditEvent, ChannelAccount, User
from chalicelib.infra.resources import channel_secret_ref
from chalicelib.ports import Put, Store
from chalicelib.services.access import demo_users
from chalicelib.platforms import HTTP_PLATFORMS

SANDBOX_URL = os.environ.get(
    "CLARION_SANDBOX_URL", f"http://127.0.0.1:{os.environ.get('CLARION_SANDBOX_PORT', '8001')}")
LOCAL_SENDER = "alerts@health.example.org"

# The sandbox's fixed credentials (local/sandbox/accounts.py); never real ones.
SANDBOX_CREDENTIALS: dict[str, dict[str, str]] = {
    "x:city-health": {"access_token": "sandbox-x-token"},
    "facebook:city-health": {"page_access_token": "sandbox-facebook-token"},
    "mastodon:city-health": {"access_token": "sandbox-mastodon-token"},
    "mastodon:general-hospital": {"access_token": "sandbox-mastodon-token-2"},
    "mastodon:drills": {"access_token": "sandbox-mastodon-token-2"},
    "bluesky:city-health": {"identifier": "cityhealth.bsky.social", "app_password": "sandbox-app-password"},
    "telegram:city-health": {"bot_token": "123456:sandbox-telegram-token"},
    "slack:staff": {"bot_token": "sandbox-slack-token"},
    "slack:drills": {"bot_token": "sandbox-slack-token"},
    "discord:community": {"bot_token": "sandbox-discord-token"},
}


# Platforms whose post links Clarion builds itself (Mastodon and Slack hand theirs out).
OPENED_ON_THE_SANDBOX = ("x", "facebook", "bluesky", "discord", "telegram")


def _account(account_id: str, name: str, settings: Mapping[str, Any], **flags: Any) -> ChannelAccount:
    """A local account: HTTP platforms get the sandbox base URL and an SSM secret_ref."""
    platform = account_id.split(":", 1)[0]
    http = platform in HTTP_PLATFORMS
    return ChannelAccount(id=account_id, platform=platform, name=name,
                          settings={**({"base_url": f"{SANDBOX_URL}/{platform}"} if http else {}),
                                    **({"post_url": f"{SANDBOX_URL}/_sandbox/open/{platform}/{{post_id}}"}
                                       if platform in OPENED_ON_THE_SANDBOX else {}), **settings},
                          secret_ref=channel_secret_ref(account_id, "local") if http else None, **flags)


LOCAL_CHANNELS: tuple[ChannelAccount, ...] = (
    _account("x:city-health", "@CityHealth on X",
             {"handle": "cityhealth", "user_id": "1600000000000000001"}),
    _account("facebook:city-health", "City Health Facebook Page", {"page_id": "100000000000001"}),
    _account("mastodon:city-health", "@cityhealth@health.social", {"max_characters": 500}),
    _account("mastodon:general-hospital", "@generalhospital@health.social", {"max_characters": 500}),
    _account("bluesky:city-health", "@cityhealth.bsky.social", {"handle": "cityhealth.bsky.social"}),
    _account("telegram:city-health", "City Health Telegram channel", {"chat_id": "@cityhealth"}),
    _account("slack:staff", "#staff-alerts on Slack", {"channel": "C0CLARION"}),
    _account("discord:community", "#alerts on the community Discord",
             {"channel_id": "1300000000000000001", "guild_id": "1100000000000000001"}),
    _account("sms:subscribers", "SMS subscribers",
             {"sender_id": "CityHealth", "sms_type": "Transactional"}),
    _account("email:subscribers", "E-mail subscribers",
             {"from_address": LOCAL_SENDER, "reply_to": "press@health.example.org",
              "to_addresses": ["subscribers@health.example.org"]}),
    _account("banner:website", "Website banner", {}),
    _account("cap_feed:public", "CAP 1.2 and Atom feeds", {}),
    _account("mastodon:drills", "@drills@health.social (test account)", {"max_characters": 500},
             sandbox=True),
    _account("slack:drills", "#drills on Slack (test workspace)", {"channel": "C0STMARYS"}, sandbox=True),
)


def seed(store: Store) -> int:
    """Create whatever of the demo users and channel accounts is missing; returns how many."""
    missing: list[User | ChannelAccount] = [u for u in demo_users() if store.get_user(u.id) is None]
    missing += [c for c in LOCAL_CHANNELS if store.get_channel(c.id) is None]
    if not missing:
        return 0
    try:
        store.commit([Put(item.model_copy(update={"revision": 1}), None) for item in missing],
                     [AuditEvent(actor="system:seed", action="seed",
                                 summary="created " + ", ".join(item.id for item in missing))])
    except StaleWrite:
        return 0  # seeded concurrently by another process
    return len(missing)


def seed_local_channels(clients: Callable[[str], Any]) -> int:
    """Local stage only: the sandbox credentials into SSM (as SecureStrings, where a deployed
    stage keeps real ones) and the e-mail sender verified in SES. Returns how many secrets."""
    from chalicelib.secrets import SsmSecretStore

    store = SsmSecretStore(clients("ssm"))
    for account in LOCAL_CHANNELS:
        if account.secret_ref:
            store.put(account.secret_ref, SANDBOX_CREDENTIALS[account.id])
    sesv2 = clients("sesv2")
    if LOCAL_SENDER not in _identities(sesv2):
        sesv2.create_email_identity(EmailIdentity=LOCAL_SENDER)
    return sum(1 for a in LOCAL_CHANNELS if a.secret_ref)


def _identities(sesv2: Any) -> set[str]:
    return {i["IdentityName"] for i in sesv2.list_email_identities().get("EmailIdentities", [])}


# Pre-approved templates the local stack starts with, so on-call have something to launch.
_AREAS = ["Riverside", "Northside", "Old Town", "Harbour"]
LOCAL_TEMPLATES: tuple[dict[str, Any], ...] = (
    {"name": "Boil-water notice",
     "content": {"headline": "Boil water notice for {area}",
                 "description": "Tests found bacteria in the {area} water supply.",
                 "instruction": "Boil tap water for one minute before drinking, cooking or brushing teeth.",
                 "required_text": "Nurse line: 0800 555 0100.",
                 "event": "Boil Water Notice", "urgency": "Immediate", "severity": "Severe",
                 "certainty": "Observed", "area_desc": "{area}", "category": ["Health"],
                 "response_type": ["Prepare"], "hashtags": ["BoilWater"],
                 "channels": ["mastodon:city-health", "x:city-health", "telegram:city-health", "sms:subscribers",
                              "banner:website", "cap_feed:public"]},
     "parameters": [{"name": "area", "allowed": _AREAS, "description": "Which district"}]},
    {"name": "Heat health alert",
     "content": {"headline": "{level} heat health alert for {area}",
                 "description": "Temperatures in {area} will stay dangerously high.",
                 "instruction": "Stay out of the sun between 11:00 and 15:00, drink water, check on neighbours.",
                 "event": "Heat Health Alert", "urgency": "Expected", "severity": "Severe",
                 "certainty": "Likely", "area_desc": "{area}", "category": ["Met"], "response_type": ["Prepare"],
                 "channels": ["mastodon:city-health", "bluesky:city-health", "facebook:city-health",
                              "email:subscribers", "banner:website", "cap_feed:public"]},
     "parameters": [{"name": "level", "allowed": ["Amber", "Red"]},
                    {"name": "area", "allowed": _AREAS}]},
    {"name": "Drill: boil-water exercise",
     "content": {"headline": "EXERCISE: boil water notice for {area}",
                 "description": "This is a drill. Nothing is wrong with the {area} water supply.",
                 "instruction": "Staff: follow the boil-water runbook. The public need do nothing.",
                 "event": "Boil Water Notice", "urgency": "Immediate", "severity": "Minor",
                 "certainty": "Possible", "area_desc": "{area}", "status": "Exercise",
                 "channels": ["mastodon:drills", "slack:drills"]},
     "parameters": [{"name": "area", "allowed": _AREAS}]},
)
