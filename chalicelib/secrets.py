"""Where channel credentials come from: a JSON document per channel account, by `secret_ref`.

Deployed and local stages read SSM Parameter Store SecureStrings (moto locally), e.g.
`/clarion/local/channels/mastodon/city-health` = `{"access_token": "..."}`. Values are cached
briefly so a busy worker does not call SSM for every message, and a rotated token is picked
up within minutes. Nothing here logs or repeats a value.
"""
from __future__ import annotations

import json
import threading
import time
from typing import Any, Protocol
from collections.abc import Callable, Mapping


class SecretNotFound(LookupError):
    """No credentials at that reference (a configuration mistake: retrying will not help)."""


class SecretUnavailable(RuntimeError):
    """The secret store could not answer now (throttled, unreachable): try again later."""


class SecretStore(Protocol):
    def get(self, ref: str) -> dict[str, Any]:
        """The credentials document at `ref`; SecretNotFound / SecretUnavailable otherwise."""
        ...


class SsmSecretStore:
    """SSM Parameter Store SecureStrings holding JSON objects, cached for `ttl_s` seconds."""

    def __init__(self, ssm: Any, ttl_s: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._ssm, self._ttl, self._clock = ssm, ttl_s, clock
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._fetching: dict[str, threading.Lock] = {}  # one fetch of a ref at a time

    def get(self, ref: str) -> dict[str, Any]:
        """A batch's threads that all miss the cache at once (many accounts sharing credentials)
        make one SSM call between them, not one each: the others wait for its answer."""
        with self._lock:
            hit = self._fresh(ref)
            fetching = self._fetching.setdefault(ref, threading.Lock())
        if hit is not None:
            return dict(hit)
        with fetching:
            with self._lock:
                hit = self._fresh(ref)  # fetched while this thread waited
            if hit is not None:
                return dict(hit)
            value = _parse(ref, self._fetch(ref))
            with self._lock:
                self._cache[ref] = (self._clock(), value)
            return dict(value)

    def _fresh(self, ref: str) -> dict[str, Any] | None:
        hit = self._cache.get(ref)
        return hit[1] if hit and self._clock() - hit[0] < self._ttl else None

    def _fetch(self, ref: str) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return str(self._ssm.get_parameter(Name=ref, WithDecryption=True)["Parameter"]["Value"])
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("ParameterNotFound", "ParameterVersionNotFound", "ValidationException"):
                raise SecretNotFound(f"No credentials in SSM at {ref}") from None
            raise SecretUnavailable(f"SSM could not read {ref} now ({code})") from None
        except BotoCoreError as exc:
            raise SecretUnavailable(f"SSM could not read {ref} now ({type(exc).__name__})") from None

    def put(self, ref: str, credentials: Mapping[str, Any], overwrite: bool = True) -> None:
        """Store a credentials document (the admin API, seeding the local stage, scripts/try_post.py).
        SecretUnavailable, naming only the error's code, when SSM refuses or cannot be reached."""
        self._call("store", ref, self._ssm.put_parameter, Name=ref, Value=json.dumps(credentials),
                   Type="SecureString", Overwrite=overwrite)
        with self._lock:
            self._cache.pop(ref, None)

    def delete(self, ref: str) -> bool:
        """Remove a credentials document, with its history (a deleted channel account's); False
        when there was none."""
        with self._lock:
            self._cache.pop(ref, None)
        return self._call("delete", ref, self._ssm.delete_parameter, Name=ref)

    @staticmethod
    def _call(what: str, ref: str, call: Callable[..., Any], **kwargs: Any) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            call(**kwargs)
        except ClientError as exc:  # never the request: it holds the credentials
            code = exc.response.get("Error", {}).get("Code", "")
            if what == "delete" and code == "ParameterNotFound":
                return False
            raise SecretUnavailable(f"SSM could not {what} {ref} now ({code})") from None
        except BotoCoreError as exc:
            raise SecretUnavailable(f"SSM could not {what} {ref} now ({type(exc).__name__})") from None
        return True


class InMemorySecretStore:
    """For unit tests."""

    def __init__(self, secrets: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._secrets = {k: dict(v) for k, v in (secrets or {}).items()}

    def get(self, ref: str) -> dict[str, Any]:
        if ref not in self._secrets:
            raise SecretNotFound(f"No credentials at {ref}")
        return dict(self._secrets[ref])

    def put(self, ref: str, credentials: Mapping[str, Any], overwrite: bool = True) -> None:
        self._secrets[ref] = dict(credentials)

    def delete(self, ref: str) -> bool:
        return self._secrets.pop(ref, None) is not None


def _parse(ref: str, raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict):  # never echo the raw value: it may be a bare token
        raise SecretNotFound(f"The credentials at {ref} are not a JSON object")
    return value
