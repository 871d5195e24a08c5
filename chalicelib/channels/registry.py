"""Which adapter posts for a channel account, built with its settings and credentials.

Adapters are imported on first use, so a worker for one platform loads only its own module.
AWS-backed channels (SMS, e-mail, owned) get their boto3 client from `clients(service)`;
platform credentials come from the SecretStore by `account.secret_ref`.
"""
from __future__ import annotations

import importlib
import os
from typing import Any, cast
from collections.abc import Callable, Mapping

from chalicelib.channels.port import Channel, PermanentError, RetryableError
from chalicelib.domain.models import ChannelAccount
from chalicelib.secrets import SecretNotFound, SecretStore, SecretUnavailable

Clients = Callable[[str], Any]  # boto3 client by service name, e.g. composition's cached ones

# platform -> "module:Class" of the adapters that talk HTTP with the account's credentials
HTTP_ADAPTERS: dict[str, str] = {
    "x": "x:XChannel",
    "facebook": "facebook:FacebookChannel",
    "mastodon": "mastodon:MastodonChannel",
    "bluesky": "bluesky:BlueskyChannel",
    "telegram": "telegram:TelegramChannel",
    "slack": "slack:SlackChannel",
    "discord": "discord:DiscordChannel",
}


def channel_for(account: ChannelAccount, secrets: SecretStore, clients: Clients | None = None) -> Channel:
    """The adapter for `account`. Misconfiguration is a PermanentError saying what to fix."""
    platform, settings = account.platform, dict(account.settings)
    if platform in HTTP_ADAPTERS:
        return _load(HTTP_ADAPTERS[platform])(account.id, settings, credentials(account, secrets))
    client = clients or _boto3_client
    if platform == "sms":
        from chalicelib.channels.sms import SmsChannel

        return SmsChannel(account.id, settings, client("sns"), os.environ.get("CLARION_SMS_TOPIC_ARN"))
    if platform == "email":
        from chalicelib.channels.email import EmailChannel

        return EmailChannel(account.id, settings, client("sesv2"))
    if platform in ("banner", "cap_feed"):
        from chalicelib.channels import owned

        cls = owned.BannerChannel if platform == "banner" else owned.CapFeedChannel
        return cls(account.id, settings, client("s3"), os.environ.get("CLARION_OWNED_BUCKET"))
    raise PermanentError(f"No adapter for platform {platform!r} (channel account {account.id})")


def credentials(account: ChannelAccount, secrets: SecretStore) -> Mapping[str, Any]:
    if not account.secret_ref:
        raise PermanentError(f"Channel account {account.id} has no secret_ref: store its credentials "
                             "and set it (see docs/real-accounts.md)")
    try:
        return secrets.get(account.secret_ref)
    except SecretNotFound as exc:
        raise PermanentError(f"{exc} (channel account {account.id}; see docs/real-accounts.md)") from None
    except SecretUnavailable as exc:
        raise RetryableError(str(exc)) from None


def _load(ref: str) -> Callable[..., Channel]:
    """The adapter class named by `ref`; each takes (account id, settings, credentials)."""
    module, _, name = ref.partition(":")
    adapter: Callable[..., Channel] = getattr(importlib.import_module(f"chalicelib.channels.{module}"), name)
    return adapter


def _boto3_client(service: str) -> Any:
    import boto3

    # boto3-stubs types client() per literal service name; here the name is a variable.
    return cast(Any, boto3).client(service)
