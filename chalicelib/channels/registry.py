"""Which adapter posts for a channel account, built with its settings and credentials.

Adapters are imported on first use, so a worker for one platform loads only its own module.
AWS-backed channels (SMS, e-mail, owned) get their boto3 client from `clients(service)`;
platform credentials come from the SecretStore by `account.secret_ref`.
"""
from __future__ import annotations

from typing import Any, cast
from collections.abc import Mapping

from chalicelib.channels.port import Channel, PermanentError, RetryableError
from chalicelib.domain.models import ChannelAccount
from chalicelib.domain.org import OrgSettings
from chalicelib import platforms
from chalicelib.platforms import Clients
from chalicelib.secrets import SecretNotFound, SecretStore, SecretUnavailable
from chalicelib.settings import environment_settings


def channel_for(account: ChannelAccount, secrets: SecretStore, clients: Clients | None = None,
                org: OrgSettings | None = None) -> Channel:
    """The adapter for `account`, as its platform's module specifies it (loading only that module),
    its settings completed by the organisation's (`org`; the environment's seed when not given).
    Misconfiguration is a PermanentError saying what to fix."""
    try:
        spec = platforms.spec(account.platform)
    except KeyError:
        raise PermanentError(f"No adapter for platform {account.platform!r} (channel account {account.id})") from None
    account = spec.account_with_defaults(account, org or environment_settings())
    if spec.adapter is not None:
        return spec.adapter(account.id, dict(account.settings), credentials(account, secrets))
    assert spec.build is not None, f"{spec.name}: a platform has an HTTP adapter or a build()"
    return spec.build(account, clients or _boto3_client)


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
