"""Which adapter posts for a channel account, built with its settings and credentials.

Adapters are imported on first use, so a worker for one platform loads only its own module.
AWS-backed channels (SMS, e-mail, owned) get their boto3 client from `clients(service)`;
platform credentials come from the SecretStore by `account.secret_ref`.
"""
from __future__ import annotations

import importlib
from typing import Any, cast
from collections.abc import Callable, Mapping

from chalicelib.channels.port import Channel, PermanentError, RetryableError
from chalicelib.domain.models import ChannelAccount
from chalicelib.platforms import PLATFORMS
from chalicelib.secrets import SecretNotFound, SecretStore, SecretUnavailable

Clients = Callable[[str], Any]  # boto3 client by service name, e.g. composition's cached ones

def channel_for(account: ChannelAccount, secrets: SecretStore, clients: Clients | None = None) -> Channel:
    """The adapter for `account` (chalicelib/platforms.py says which). Misconfiguration is a
    PermanentError saying what to fix."""
    spec = PLATFORMS.get(account.platform)
    if spec is None:
        raise PermanentError(f"No adapter for platform {account.platform!r} (channel account {account.id})")
    module = importlib.import_module(f"chalicelib.channels.{spec.module}")
    if spec.adapter is not None:
        adapter: Callable[..., Channel] = getattr(module, spec.adapter)
        return adapter(account.id, dict(account.settings), credentials(account, secrets))
    build: Callable[[ChannelAccount, Clients], Channel] = module.build
    return build(account, clients or _boto3_client)


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


def _boto3_client(service: str) -> Any:
    import boto3

    # boto3-stubs types client() per literal service name; here the name is a variable.
    return cast(Any, boto3).client(service)
