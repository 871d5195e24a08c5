"""Plain-HTTP helpers shared by the sandbox tests (conftest keeps only the fixtures)."""
from __future__ import annotations

from typing import Any

import requests

from local.sandbox import SandboxServer

X_TOKEN = "sandbox-x-token"
FB_TOKEN, FB_PAGE = "sandbox-facebook-token", "100000000000001"
MASTODON_TOKEN = "sandbox-mastodon-token"
BSKY_HANDLE, BSKY_PASSWORD = "cityhealth.bsky.social", "sandbox-app-password"
TG_TOKEN, TG_CHAT = "123456:sandbox-telegram-token", "@cityhealth"
SLACK_TOKEN, SLACK_CHANNEL = "sandbox-slack-token", "C0CLARION"
DISCORD_TOKEN, DISCORD_CHANNEL = "sandbox-discord-token", "1300000000000000001"

# The state key each platform's first sandbox account files its posts under.
STATE_KEYS = {"x": "cityhealth", "facebook": FB_PAGE, "mastodon": "cityhealth", "bluesky": BSKY_HANDLE,
              "telegram": TG_CHAT, "slack": SLACK_CHANNEL, "discord": DISCORD_CHANNEL}


PLATFORMS = ("x", "facebook", "mastodon", "bluesky", "telegram", "slack", "discord")


class Calls:
    """One representative write per platform over plain HTTP, for tests across platforms."""

    def __init__(self, sandbox: SandboxServer) -> None:
        self.sandbox = sandbox

    def url(self, platform: str, path: str) -> str:
        return self.sandbox.base_url(platform) + path

    def bluesky_session(self, identifier: str = BSKY_HANDLE, password: str = BSKY_PASSWORD) -> dict[str, Any]:
        response = requests.post(self.url("bluesky", "/xrpc/com.atproto.server.createSession"),
                                 json={"identifier": identifier, "password": password}, timeout=5)
        response.raise_for_status()
        return response.json()

    def post(self, platform: str, text: str, timeout: float = 5, **extra: Any) -> requests.Response:
        """Post `text` as the platform's first sandbox account (Bluesky needs `jwt=`)."""
        return getattr(self, "_post_" + platform)(text, timeout, **extra)

    def _post_x(self, text: str, timeout: float, token: str = X_TOKEN) -> requests.Response:
        return requests.post(self.url("x", "/2/tweets"), json={"text": text},
                             headers={"Authorization": f"Bearer {token}"}, timeout=timeout)

    def _post_facebook(self, text: str, timeout: float, token: str = FB_TOKEN) -> requests.Response:
        return requests.post(self.url("facebook", f"/v21.0/{FB_PAGE}/feed"),
                             data={"message": text, "access_token": token}, timeout=timeout)

    def _post_mastodon(self, text: str, timeout: float, token: str = MASTODON_TOKEN) -> requests.Response:
        return requests.post(self.url("mastodon", "/api/v1/statuses"), data={"status": text},
                             headers={"Authorization": f"Bearer {token}"}, timeout=timeout)

    def _post_bluesky(self, text: str, timeout: float, jwt: str = "", **record: Any) -> requests.Response:
        body = {"repo": BSKY_HANDLE, "collection": "app.bsky.feed.post",
                "record": {"$type": "app.bsky.feed.post", "text": text,
                           "createdAt": "2026-01-01T00:00:00.000Z", **record}}
        return requests.post(self.url("bluesky", "/xrpc/com.atproto.repo.createRecord"), json=body,
                             headers={"Authorization": f"Bearer {jwt}"} if jwt else {}, timeout=timeout)

    def _post_telegram(self, text: str, timeout: float, token: str = TG_TOKEN) -> requests.Response:
        return requests.post(self.url("telegram", f"/bot{token}/sendMessage"),
                             data={"chat_id": TG_CHAT, "text": text}, timeout=timeout)

    def _post_slack(self, text: str, timeout: float, token: str = SLACK_TOKEN) -> requests.Response:
        return requests.post(self.url("slack", "/api/chat.postMessage"), json={"channel": SLACK_CHANNEL, "text": text},
                             headers={"Authorization": f"Bearer {token}"}, timeout=timeout)

    def _post_discord(self, text: str, timeout: float, token: str = DISCORD_TOKEN, **body: Any) -> requests.Response:
        return requests.post(self.url("discord", f"/api/v10/channels/{DISCORD_CHANNEL}/messages"),
                             json={"content": text, **body}, headers={"Authorization": f"Bot {token}"},
                             timeout=timeout)

    def posts(self, platform: str) -> list[dict[str, Any]]:
        return self.sandbox.state().get(platform, {}).get(STATE_KEYS[platform], {}).get("posts", [])
