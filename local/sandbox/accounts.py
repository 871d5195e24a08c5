"""The fixed sandbox credentials: which tokens each platform accepts and what they may post to.

One row per destination a channel account posts to. `key` is how `/_sandbox/state` files the
posts (a handle for X / Mastodon / Bluesky, the page, chat or channel id elsewhere). Bots
(Telegram, Slack, Discord) use one token for several chats/channels, as in real life.
Every other credential is refused with the platform's own authentication error.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Account:
    platform: str
    key: str
    token: str             # bearer / bot token; for Bluesky the app password
    user_id: str           # the platform's id of the posting identity or destination
    username: str
    display_name: str
    can_post: bool = True  # False: a destination the bot may read but not post to

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


ACCOUNTS: tuple[Account, ...] = (
    Account("x", "cityhealth", "sandbox-x-token", "1600000000000000001", "cityhealth",
            "City Health Department"),
    Account("x", "stmaryshospital", "sandbox-x-token-2", "1600000000000000002", "stmaryshospital",
            "St Mary's Hospital"),
    Account("facebook", "100000000000001", "sandbox-facebook-token", "100000000000001", "cityhealth",
            "City Health Department"),
    Account("facebook", "100000000000002", "sandbox-facebook-token-2", "100000000000002",
            "stmaryshospital", "St Mary's Hospital"),
    Account("mastodon", "cityhealth", "sandbox-mastodon-token", "110000000000000001", "cityhealth",
            "City Health Department"),
    Account("mastodon", "stmarys", "sandbox-mastodon-token-2", "110000000000000002", "stmarys",
            "St Mary's Hospital"),
    Account("bluesky", "cityhealth.bsky.social", "sandbox-app-password",
            "did:plc:cityhealthsandboxaaaaaaa", "cityhealth.bsky.social", "City Health Department"),
    Account("bluesky", "stmarys.bsky.social", "sandbox-app-password-2",
            "did:plc:stmaryssandboxaaaaaaaaaa", "stmarys.bsky.social", "St Mary's Hospital"),
    Account("telegram", "@cityhealth", "123456:sandbox-telegram-token", "-1001000000001", "cityhealth",
            "City Health Department"),
    Account("telegram", "@stmaryshospital", "123456:sandbox-telegram-token", "-1001000000002",
            "stmaryshospital", "St Mary's Hospital"),
    Account("slack", "C0CLARION", "sandbox-slack-token", "C0CLARION", "advisories",
            "#advisories"),
    Account("slack", "C0STMARYS", "sandbox-slack-token", "C0STMARYS", "st-marys-advisories",
            "#st-marys-advisories"),
    Account("discord", "1300000000000000001", "sandbox-discord-token", "1300000000000000001",
            "advisories", "#advisories"),
    Account("discord", "1300000000000000002", "sandbox-discord-token", "1300000000000000002",
            "st-marys-advisories", "#st-marys-advisories"),
    Account("discord", "1300000000000000099", "sandbox-discord-token", "1300000000000000099",
            "read-only", "#read-only", can_post=False),
)

# The bot identities behind the bot tokens (Telegram getMe, Slack auth.test, Discord /users/@me).
BOTS: dict[str, dict[str, str]] = {
    "telegram": {"id": "123456", "username": "clarion_sandbox_bot", "name": "Clarion Sandbox"},
    "slack": {"team_id": "T0CLARION", "team": "Clarion Sandbox", "user_id": "U0CLARION",
              "bot_id": "B0CLARION", "user": "clarion", "domain": "clarion-sandbox"},
    "discord": {"id": "1200000000000000001", "username": "Clarion", "guild_id": "1100000000000000001",
                "role_id": "1100000000000000002", "owner_id": "1000000000000000001"},
}


def for_platform(platform: str) -> list[Account]:
    return [a for a in ACCOUNTS if a.platform == platform]


def by_token(platform: str, token: str | None) -> list[Account]:
    """Every destination this credential may use; empty when the platform does not know it."""
    if not token:
        return []
    return [a for a in ACCOUNTS if a.platform == platform and a.token == token]


def find(accounts: list[Account], ident: str) -> Account | None:
    """The destination named by id, key or username (with or without a leading @/#)."""
    bare = ident.lstrip("@#")
    for acc in accounts:
        if ident in (acc.key, acc.user_id) or bare == acc.username:
            return acc
    return None
