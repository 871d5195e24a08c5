"""Channel accounts, managed by admins through the API (issue 14): create, edit, enable and
disable, set credentials, delete, and a test post to a sandbox account.

- **Settings** are validated by the account's platform's own model (`PlatformSpec.settings`, in
  the platform's module): exactly the keys its adapter reads, unknown keys refused, so no
  credential can be parked in the settings by mistake.
- **Credentials** are validated by the platform's `PlatformSpec.credentials` and written to SSM
  as a SecureString under the account's `secret_ref`. They are never stored elsewhere, never
  returned, never logged and never in the audit trail ("credentials set", with the field names).
- **Deleting** an account leaves a tombstone (`deleted_at`, and disabled): deliveries and the
  audit trail name accounts by id, so the row stays to say what the id was, and the id can never
  be taken by another account. Only an account no delivery refers to (and no advisory awaiting
  approval or release targets) can be deleted; any other is disabled instead. Its credentials
  are removed from SSM.
- **A test post** goes through the real adapter, as scripts/try_post.py does (both use
  `try_rendering` and `publish_try` below), to sandbox accounts of HTTP platforms only: SMS,
  e-mail and the organisation's own pages reach real people or the public site.

Every change is one conditional commit with its audit entry (actor, account, what changed).
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field, ValidationError

from chalicelib import platforms
from chalicelib.channels.account_settings import PlatformSettings
from chalicelib.channels.port import Channel, ChannelError, PostRef
from chalicelib.domain.errors import (ClarionError, Conflict, NotFound, StaleWrite, UnavailableError,
                                      ValidationFailed)
from chalicelib.domain.lifecycle import View
from chalicelib.domain.models import (AdvisoryState, AuditEvent, ChannelAccount, LanguageTag, Strict, Text,
                                      User)
from chalicelib.infra.resources import channel_secret_ref
from chalicelib.platforms import PlatformSpec
from chalicelib.ports import Clock, Store
from chalicelib.rendering.model import Part, Rendering
from chalicelib.secrets import SecretUnavailable
from chalicelib.services.common import commit_or_conflict, create, revise

SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
ACCOUNT_ID = re.compile(r"[a-z_]{1,30}:[a-z0-9][a-z0-9-]{0,62}")  # models.ChannelAccountId: no other is looked up
DEFAULT_TEST_TEXT = "Clarion test post, please ignore."
TEST_ADVISORY_ID = "adv_trypost"  # what a test rendering carries instead of an advisory's id
WALK_PAGE = 200                  # advisories read per page while looking for deliveries to an account
# An advisory in these states has no delivery yet but will have one for each account it targets.
ABOUT_TO_GO_OUT = frozenset({AdvisoryState.PENDING_APPROVAL, AdvisoryState.APPROVED})
CREDENTIAL_RETRIES = 3


# -- requests -------------------------------------------------------------------------------------------
class ChannelAccountDraft(Strict):
    """POST /channels: a new account. Its id is `<platform>:<slug>` (the slug from the name when
    not given); it starts disabled unless `enabled` says otherwise (an HTTP platform's account
    can only be enabled once its credentials are set)."""

    platform: str = Field(pattern=r"^[a-z_]{1,30}$")
    slug: str | None = Field(default=None, pattern=SLUG)
    name: Text = Field(min_length=1, max_length=120)
    language: LanguageTag = "en-US"
    sandbox: bool = False
    enabled: bool = False
    settings: dict[str, Any] = Field(default_factory=dict)


class ChannelAccountChange(Strict):
    """PUT /channels/{id}: the fields given change, the others stay; `settings`, when given,
    replaces the account's settings whole. `revision` is the one the change was made from."""

    revision: int = Field(ge=0)
    name: Text | None = Field(default=None, min_length=1, max_length=120)
    language: LanguageTag | None = None
    sandbox: bool | None = None
    enabled: bool | None = None
    settings: dict[str, Any] | None = None


class TryPostRequest(Strict):
    """POST /channels/{id}/test-post: the text (a marker `Ref CL-TRY…` is added to it)."""

    text: Text = Field(default=DEFAULT_TEST_TEXT, min_length=1, max_length=200)


class CredentialStore(Protocol):
    """Where credentials are kept (chalicelib/secrets.py: SsmSecretStore, InMemorySecretStore)."""

    def get(self, ref: str) -> dict[str, Any]: ...
    def put(self, ref: str, credentials: Mapping[str, Any], overwrite: bool = True) -> None: ...
    def delete(self, ref: str) -> bool: ...


class TryPostFailed(ClarionError):
    """The platform (or the account's configuration) refused the test post."""

    status, code = 502, "test_post_failed"


@dataclass(frozen=True)
class TryPostResult:
    post_id: str
    url: str | None
    part_ids: tuple[str, ...]
    marker: str
    posted_at: datetime


@dataclass(frozen=True)
class Deleted:
    account: ChannelAccount
    at: datetime
    credentials: str  # "removed", "none" (there were none), or "kept" (SSM could not remove them now)


# -- what scripts/try_post.py shares ------------------------------------------------------------------
def try_rendering(account: ChannelAccount, texts: Sequence[str], marker: str | None = None) -> Rendering:
    """A test post for `account`: `texts` as its parts (several make a thread), the last one
    carrying a marker so the post can be found on the platform."""
    marker = marker or f"Ref CL-TRY{uuid.uuid4().hex[:5].upper()}"
    parts = [f"{t}\n\n{marker}" if i == len(texts) - 1 else t for i, t in enumerate(texts)]
    return Rendering(advisory_id=TEST_ADVISORY_ID, channel_account=account.id, platform=account.platform,
                     language=account.language, marker=marker, subject="Clarion test message",
                     parts=[Part(text=t, length=len(t)) for t in parts])


def publish_try(channel: Channel, rendering: Rendering) -> PostRef:
    """Post it once (its own idempotency key), with the post's link (asked for when the post's
    answer has none, as on Slack). ChannelError, with a redacted message, when it fails."""
    ref = channel.publish(rendering, f"try-{uuid.uuid4().hex}")
    if ref.url is None:
        try:
            link = channel.permalink(ref)
        except ChannelError:
            link = None  # posted: a missing link is not worth failing the test for
        if link:
            ref = PostRef(post_id=ref.post_id, url=link, part_ids=ref.part_ids, extra=ref.extra)
    return ref


# -- the platforms, for the console's forms -----------------------------------------------------------------
def describe_platforms() -> list[dict[str, Any]]:
    """Every platform: whether it is an HTTP platform (credentials, test posts), the JSON Schema
    of its accounts' settings and of its credentials (loads every platform module)."""
    out = []
    for name in platforms.NAMES:
        spec = platforms.spec(name)
        out.append({"name": name, "http": spec.http, "test_post": spec.http,
                    "settings": settings_model(spec).model_json_schema(),
                    "credentials": list(spec.credentials.model_fields) if spec.credentials else [],
                    "credentials_schema": spec.credentials.model_json_schema() if spec.credentials else None})
    return out


def settings_model(spec: PlatformSpec) -> type[PlatformSettings]:
    """The model of the platform's accounts' settings (one that takes none, if it names none)."""
    return spec.settings or PlatformSettings


def slug_of(name: str) -> str:
    """"@CityHealth on X" -> "cityhealth-on-x" (ASCII letters and digits, hyphens between)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:63].rstrip("-")


def _problems(error: ValidationError, prefix: str) -> list[dict[str, str]]:
    """Each problem with its field, never the value given (it may be a credential)."""
    return [{"field": ".".join([prefix, *(str(p) for p in e["loc"])]) if prefix else
             (".".join(str(p) for p in e["loc"]) or "body"), "problem": e["msg"]}
            for e in error.errors(include_input=False, include_url=False)]


def _shown(value: Any) -> str:
    text = "(unset)" if value is None else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def settings_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return [f"settings.{key} {_shown(before.get(key))} -> {_shown(after.get(key))}"
            for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]


# -- the service -------------------------------------------------------------------------------------
class ChannelAccountService:
    def __init__(self, store: Store, clock: Clock, secrets: CredentialStore, stage: str) -> None:
        self._store, self._clock, self._secrets, self._stage = store, clock, secrets, stage

    # -- reading ------------------------------------------------------------------------------------
    def get(self, account_id: str) -> ChannelAccount:
        """The account, unless there is none or it was deleted (404 either way)."""
        account = self._store.get_channel(account_id) if ACCOUNT_ID.fullmatch(account_id) else None
        if account is None:
            raise NotFound(f"there is no channel account {account_id[:100]}", {"id": account_id[:100]})
        if account.deleted_at is not None:
            raise NotFound(f"the channel account {account_id} was deleted",
                           {"id": account_id, "deleted_at": account.deleted_at.isoformat()})
        return account

    # -- writing ------------------------------------------------------------------------------------
    def create(self, actor: User, draft: ChannelAccountDraft) -> ChannelAccount:
        if draft.platform not in platforms.NAMES:
            raise ValidationFailed("unknown platform", [{"field": "platform", "problem": (
                f"there is no platform {draft.platform}; one of: {', '.join(platforms.NAMES)}")}])
        slug = draft.slug or slug_of(draft.name)
        if not re.fullmatch(SLUG, slug):
            raise ValidationFailed("the account needs a slug", [{"field": "slug", "problem": (
                "no slug can be made of this name: give one (a-z, 0-9 and hyphens)")}])
        settings = self.validated_settings(draft.platform, draft.settings)
        if draft.enabled:
            self._may_enable(draft.platform, None)
        account_id = f"{draft.platform}:{slug}"
        existing = self._store.get_channel(account_id)
        if existing is not None:
            why = " and was deleted: ids are never reused" if existing.deleted_at else ""
            raise Conflict(f"there is already a channel account {account_id}{why}; choose another slug",
                           {"id": account_id})
        account, put = create(ChannelAccount(
            id=account_id, platform=draft.platform, name=draft.name, language=draft.language,
            sandbox=draft.sandbox, enabled=draft.enabled, settings=settings))
        summary = (f"{account_id}: created {draft.name!r} ({'sandbox' if draft.sandbox else 'live'}, "
                   f"{'enabled' if draft.enabled else 'disabled'}, {draft.language}); "
                   + ("; ".join(settings_diff({}, settings)) or "no settings"))
        commit_or_conflict(self._store, [put], [self._event(actor, "channel_create", summary)],
                           lambda: "taken by an account created at the same time")
        return account

    def change(self, actor: User, account_id: str, change: ChannelAccountChange) -> ChannelAccount:
        stored = self.get(account_id)
        if change.revision != stored.revision:
            raise Conflict(f"someone else changed {account_id} first (it is at revision {stored.revision}, "
                           f"the change was made from {change.revision}); load it again",
                           {"revision": stored.revision})
        updates: dict[str, Any] = {}
        for name in ("name", "language", "sandbox", "enabled"):
            value = getattr(change, name)
            if value is not None and value != getattr(stored, name):
                updates[name] = value
        if change.settings is not None:
            settings = self.validated_settings(stored.platform, change.settings)
            if settings != stored.settings:
                updates["settings"] = settings
        if updates.get("enabled"):
            self._may_enable(stored.platform, stored)
        if not updates:
            return stored
        changes = [f"{name} {_shown(getattr(stored, name))} -> {_shown(value)}"
                   for name, value in updates.items() if name != "settings"]
        changes += settings_diff(stored.settings, updates.get("settings", stored.settings))
        return self._revise(actor, stored, "channel_edit", "; ".join(changes), **updates)

    def set_enabled(self, actor: User, account_id: str, enabled: bool) -> ChannelAccount:
        """Enable or disable (a disabled account is refused as a target when an advisory is
        submitted or broadcast). Doing it twice changes nothing the second time."""
        stored = self.get(account_id)
        if stored.enabled == enabled:
            return stored
        if enabled:
            self._may_enable(stored.platform, stored)
        action = "channel_enable" if enabled else "channel_disable"
        return self._revise(actor, stored, action, "enabled" if enabled else "disabled", enabled=enabled)

    def set_credentials(self, actor: User, account_id: str, data: Any) -> datetime:
        """Write the credentials to SSM (a SecureString under the account's secret_ref, which is
        set from the stage's naming when absent); returns when. Never echoed, logged or audited."""
        stored = self.get(account_id)
        spec = platforms.spec(stored.platform)
        if spec.credentials is None:
            raise Conflict(f"{stored.platform} accounts have no credentials: Clarion's own AWS role posts to them",
                           {"platform": stored.platform})
        if not isinstance(data, dict):
            raise ValidationFailed("the credentials are a JSON object",
                                   [{"field": "body", "problem": "must be a JSON object"}])
        try:
            credentials = spec.credentials.model_validate(data)
        except ValidationError as error:
            raise ValidationFailed(f"these are not the credentials of a {stored.platform} account",
                                   _problems(error, "")) from None  # never chained: the error holds the values
        ref = stored.secret_ref or channel_secret_ref(stored.id, self._stage)
        try:
            self._secrets.put(ref, credentials.model_dump())
        except SecretUnavailable as error:
            raise UnavailableError(f"the credentials could not be stored now: {error}") from None
        at = self._clock.now()
        fields = ", ".join(type(credentials).model_fields)
        event = self._event(actor, "channel_credentials", f"{account_id}: credentials set ({fields})")
        for _ in range(CREDENTIAL_RETRIES):  # stored in SSM already: record it, whatever else changed meanwhile
            current = self.get(account_id)
            try:
                if current.secret_ref == ref:
                    self._store.commit([], [event])
                else:
                    self._store.commit([revise(current, secret_ref=ref)[1]], [event])
                return at
            except StaleWrite:
                continue
        raise Conflict(f"{account_id} kept changing; its credentials are stored, send them again to record it")

    def delete(self, actor: User, account_id: str) -> Deleted:
        """A tombstone (see the module's docstring), if nothing was or is about to be sent to it;
        then its credentials are removed from SSM."""
        stored = self.get(account_id)
        reason = self._referenced(account_id)
        if reason is not None:
            raise Conflict(f"{account_id} cannot be deleted: {reason}. Disable it instead "
                           f"(POST /channels/{account_id}/disable): the record of what was sent keeps naming it",
                           {"id": account_id})
        at = self._clock.now()
        deleted = self._revise(actor, stored, "channel_delete", f"deleted {stored.name!r}", deleted_at=at,
                               enabled=False)
        return Deleted(deleted, at, self._remove_credentials(actor, deleted))

    def test_post(self, actor: User, account_id: str, request: TryPostRequest) -> TryPostResult:
        """A test post through the account's real adapter: sandbox accounts of HTTP platforms only."""
        from chalicelib.channels.registry import channel_for

        account = self.get(account_id)
        if not account.sandbox:
            raise Conflict(f"{account_id} is a live account: test posts go to sandbox accounts only",
                           {"sandbox": False})
        if not platforms.spec(account.platform).http:
            raise Conflict(f"{account.platform} accounts are not test-posted from the API (text messages, e-mail "
                           "and the organisation's own pages reach real people or the public site): send an "
                           "Exercise advisory to it instead", {"platform": account.platform})
        if account.secret_ref is None:
            raise Conflict(f"{account_id} has no credentials yet: PUT /channels/{account_id}/credentials first")
        rendering = try_rendering(account, [request.text])
        try:
            ref = publish_try(channel_for(account, self._secrets), rendering)
        except ChannelError as error:  # its message is redacted by the adapter: safe to show and record
            self._store.commit([], [self._event(actor, "channel_test_post",
                                                f"{account_id}: test post failed: {error.message}")])
            raise TryPostFailed(f"the test post to {account_id} failed: {error.message}",
                                 {"error": type(error).__name__, "posted": error.posted is not None}) from None
        self._store.commit([], [self._event(actor, "channel_test_post",
                                            f"{account_id}: test post {ref.post_id} {ref.url or ''}".rstrip())])
        return TryPostResult(post_id=ref.post_id, url=ref.url, part_ids=ref.part_ids, marker=rendering.marker,
                              posted_at=self._clock.now())

    # -- checks ---------------------------------------------------------------------------------------
    def validated_settings(self, platform: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """The settings as the platform's module states them (422 naming each bad field), as stored:
        what was given, normalised; defaults stay the adapter's."""
        model = settings_model(platforms.spec(platform))
        try:
            parsed: BaseModel = model.model_validate(data, context={"local": self._stage == "local"})
        except ValidationError as error:
            raise ValidationFailed(f"the settings are not valid for a {platform} account",
                                   _problems(error, "settings")) from None
        return parsed.model_dump(mode="json", exclude_unset=True, exclude_none=True)

    def _may_enable(self, platform: str, account: ChannelAccount | None) -> None:
        if platforms.spec(platform).http and (account is None or account.secret_ref is None):
            raise Conflict("an account can be enabled once its credentials are set: PUT them to "
                           "/channels/{id}/credentials, then enable it", {"credentials": "missing"})

    def _referenced(self, account_id: str) -> str | None:
        """Why the account must stay: a delivery to it, or an advisory that will have one (awaiting
        approval, or approved and waiting for its time). Every advisory is looked at, page by page;
        deliveries exist only for accounts an advisory targets, and a broadcast one never changes."""
        now, after = self._clock.now(), None
        while True:
            page = self._store.page_advisories(View.ALL, "system:channel-admin", now, WALK_PAGE, after)
            targeting = [a for a in page.advisories if account_id in a.content.channels]
            waiting = next((a for a in targeting if a.state in ABOUT_TO_GO_OUT), None)
            if waiting is not None:
                return f"advisory {waiting.id} ({waiting.state.value}) will be sent to it"
            if targeting:
                found = self._store.load_deliveries([(a.id, account_id) for a in targeting]).deliveries
                if found:
                    advisory_id = sorted(found)[0][0]
                    return f"advisory {advisory_id} has a delivery to it"
            if page.after is None:
                return None
            after = page.after

    def _remove_credentials(self, actor: User, account: ChannelAccount) -> str:
        """Only the parameter named for this account (never one another account might share)."""
        ref = account.secret_ref
        if ref is None or ref != channel_secret_ref(account.id, self._stage):
            return "none" if ref is None else "kept"
        try:
            removed = self._secrets.delete(ref)
        except SecretUnavailable as error:
            self._store.commit([], [self._event(actor, "channel_delete",
                                                f"{account.id}: credentials not removed: {error}")])
            return "kept"
        return "removed" if removed else "none"

    def _revise(self, actor: User, stored: ChannelAccount, action: str, summary: str,
                **updates: Any) -> ChannelAccount:
        changed, put = revise(stored, **updates)
        commit_or_conflict(self._store, [put], [self._event(actor, action, f"{stored.id}: {summary}")],
                           lambda: self._state(stored.id))
        return changed

    def _state(self, account_id: str) -> str:
        current = self._store.get_channel(account_id)
        return "gone" if current is None else f"revision {current.revision}"

    @staticmethod
    def _event(actor: User, action: str, summary: str) -> AuditEvent:
        return AuditEvent(actor=actor.id, action=action, summary=summary[:2000])
