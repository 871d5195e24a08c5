"""Channel accounts: credentials from SSM by secret_ref, the registry, idempotency keys."""
from __future__ import annotations

from typing import Any

import boto3
import pytest

from channel_kit import rendering

from chalicelib.channels.port import (Capabilities, PermanentError, RetryableError,
                                      idempotency_key)
from chalicelib.channels.registry import channel_for
from chalicelib.domain.models import ChannelAccount
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.secrets import (InMemorySecretStore, SecretNotFound, SecretUnavailable,
                                SsmSecretStore)
from chalicelib.seed import LOCAL_CHANNELS, SANDBOX_CREDENTIALS, seed_local_channels


def clients(service: str) -> Any:
    return boto3.client(service, region_name="us-east-1")


def test_the_local_stage_seeds_every_credential_as_a_securestring(aws: Provisioned) -> None:
    assert seed_local_channels(clients) == len(SANDBOX_CREDENTIALS)
    ssm = clients("ssm")
    store = SsmSecretStore(ssm)
    for account in LOCAL_CHANNELS:
        channel = channel_for(account, store, clients)  # every local account gets its adapter
        assert channel.capabilities is not None
        if account.secret_ref:
            assert ssm.get_parameter(Name=account.secret_ref)["Parameter"]["Type"] == "SecureString"
            assert store.get(account.secret_ref) == SANDBOX_CREDENTIALS[account.id]
            assert account.secret_ref == f"/clarion/local/channels/{account.id.replace(':', '/')}"
            assert account.settings["base_url"].endswith("/" + account.platform)


def test_ssm_values_are_cached_briefly(aws: Provisioned) -> None:
    ssm = clients("ssm")
    ssm.put_parameter(Name="/clarion/local/channels/x/t", Value='{"access_token": "a"}', Type="SecureString")
    calls: list[str] = []
    ssm.meta.events.register("provide-client-params.ssm.GetParameter", lambda params, **_: calls.append(params["Name"]))
    now = [0.0]
    store = SsmSecretStore(ssm, ttl_s=60, clock=lambda: now[0])
    assert store.get("/clarion/local/channels/x/t") == {"access_token": "a"}
    store.get("/clarion/local/channels/x/t")
    ssm.put_parameter(Name="/clarion/local/channels/x/t", Value='{"access_token": "b"}', Type="SecureString",
                      Overwrite=True)
    now[0] = 61.0  # a rotated token is picked up once the cache expires
    assert store.get("/clarion/local/channels/x/t") == {"access_token": "b"} and len(calls) == 2


def test_a_missing_or_malformed_secret_never_echoes_the_value(aws: Provisioned) -> None:
    ssm = clients("ssm")
    store = SsmSecretStore(ssm)
    with pytest.raises(SecretNotFound, match="/clarion/local/channels/x/none"):
        store.get("/clarion/local/channels/x/none")
    ssm.put_parameter(Name="/clarion/local/channels/x/bare", Value="bare-token-value", Type="SecureString")
    err = pytest.raises(SecretNotFound, store.get, "/clarion/local/channels/x/bare").value
    assert "not a JSON object" in str(err) and "bare-token-value" not in str(err)


def account(platform: str = "mastodon", **update: Any) -> ChannelAccount:
    base = next(a for a in LOCAL_CHANNELS if a.platform == platform)
    return base.model_copy(update=update)


def test_the_registry_says_what_to_fix() -> None:
    with pytest.raises(PermanentError, match="no secret_ref"):
        channel_for(account(secret_ref=None), InMemorySecretStore())
    with pytest.raises(PermanentError, match=r"No credentials at .*docs/real-accounts\.md"):
        channel_for(account(), InMemorySecretStore())
    with pytest.raises(PermanentError, match="no `access_token` in its credentials"):
        channel_for(account(), InMemorySecretStore({account().secret_ref: {"token": "x"}}))
    store = InMemorySecretStore({account("telegram").secret_ref: {"bot_token": "1:abcdef"}})
    telegram = channel_for(account("telegram", settings={}), store)
    with pytest.raises(PermanentError, match="no `chat_id` in its settings"):
        telegram.publish(rendering("x"), "k")
    with pytest.raises(PermanentError, match="No adapter for platform 'myspace'"):
        channel_for(ChannelAccount(id="myspace:x", platform="myspace", name="x"), InMemorySecretStore())


def test_an_unreachable_secret_store_is_retryable() -> None:
    class Down:
        def get(self, ref: str) -> dict[str, Any]:
            raise SecretUnavailable(f"SSM could not read {ref} now (ThrottlingException)")

    with pytest.raises(RetryableError, match="ThrottlingException"):
        channel_for(account(), Down())


def test_idempotency_keys_follow_advisory_version_and_account() -> None:
    key = idempotency_key("adv_1", "hash-a", "mastodon:city-health")
    assert key == idempotency_key("adv_1", "hash-a", "mastodon:city-health") and key.startswith("clarion-")
    others = {idempotency_key("adv_2", "hash-a", "mastodon:city-health"),
              idempotency_key("adv_1", "hash-b", "mastodon:city-health"),
              idempotency_key("adv_1", "hash-a", "mastodon:general-hospital")}
    assert key not in others and len(others) == 3 and len(key) <= 64


EXPECTED = {  # what each platform allows (BRIEF.md's table), as the adapters declare it
    "x": Capabilities(pin_by_hand=True, can_edit=True, can_delete=True, threads=True, can_find=True),
    "facebook": Capabilities(can_pin=True, can_edit=True, can_delete=True, max_pins=1, can_find=True),
    "mastodon": Capabilities(can_pin=True, can_edit=True, can_delete=True, idempotent=True, threads=True,
                             max_pins=5, can_find=True),
    "bluesky": Capabilities(can_pin=True, can_delete=True, threads=True, max_pins=1, can_find=True),
    "telegram": Capabilities(can_pin=True, can_edit=True, can_delete=True, threads=True),
    "slack": Capabilities(can_pin=True, can_edit=True, can_delete=True, threads=True, max_pins=100,
                          can_find=True),
    "discord": Capabilities(can_pin=True, can_edit=True, can_delete=True, idempotent=True, threads=True,
                            max_pins=50, can_find=True),
}


@pytest.mark.parametrize("platform", EXPECTED)
def test_capabilities(platform: str) -> None:
    acc = account(platform)
    store = InMemorySecretStore({acc.secret_ref: SANDBOX_CREDENTIALS[acc.id]})
    assert channel_for(acc, store).capabilities == EXPECTED[platform]


def test_threads_that_miss_the_cache_together_make_one_ssm_call(aws: Provisioned) -> None:
    """A batch's threads posting to many accounts that share credentials: one GetParameter."""
    import threading
    import time

    ssm = clients("ssm")
    ssm.put_parameter(Name="/clarion/local/channels/x/shared", Value='{"access_token": "a"}', Type="SecureString")
    calls: list[str] = []

    def slow(params: Any, **_: Any) -> None:
        calls.append(params["Name"])
        time.sleep(0.05)  # SSM takes a while: the other threads miss the cache meanwhile

    ssm.meta.events.register("provide-client-params.ssm.GetParameter", slow)
    store = SsmSecretStore(ssm)
    barrier, got = threading.Barrier(8), []
    threads = [threading.Thread(target=lambda: (barrier.wait(), got.append(store.get("/clarion/local/channels/x/shared"))))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [{"access_token": "a"}] * 8 and calls == ["/clarion/local/channels/x/shared"]
    with pytest.raises(SecretNotFound):  # a failed fetch is not remembered: each caller hears of it
        store.get("/clarion/local/channels/x/missing")
    with pytest.raises(SecretNotFound):
        store.get("/clarion/local/channels/x/missing")
