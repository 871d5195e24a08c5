"""What the organisation sets once for everyone: its settings, and the switch that pauses every
outgoing delivery. Both are single stored records, versioned (every change a new revision,
conditional on the one it was made from) and audited."""
from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from chalicelib.domain.errors import Conflict
from chalicelib.domain.models import AuditEvent, Model, Strict


def _entries(values: tuple[str, ...]) -> tuple[str, ...]:
    """Trimmed, without blanks or repeats, in the order given."""
    seen: dict[str, None] = {}
    for value in values:
        if value.strip():
            seen.setdefault(value.strip(), None)
    return tuple(seen)


Entries = Annotated[tuple[Annotated[str, Field(max_length=200)], ...], Field(max_length=200),
                    AfterValidator(_entries)]


class OrgSettingsChange(Strict):
    """What an admin may change; every field optional (only those sent change)."""

    sender: str | None = Field(None, min_length=3, max_length=200)
    sender_name: str | None = Field(None, min_length=1, max_length=200)
    public_base_url: str | None = Field(None, pattern=r"^https?://[^\s/]+(/[^\s]*)?$", max_length=500)
    phone_region: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    phone_allowlist: Entries | None = None
    email_allowlist: Entries | None = None
    banned_claims: Entries | None = None
    sms_max_segments: int | None = Field(None, ge=1, le=10)
    phi_second_opinion: bool | None = None


class SettingsUpdate(OrgSettingsChange):
    """A change as the console sends it: with the revision the admin edited, so a concurrent change
    is a 409 rather than silently overwritten."""

    revision: int | None = Field(None, ge=0)


class OrgSettings(Model):
    """Who sends, where the public pages live, what screening allows, how long an SMS may be."""

    sender: str
    sender_name: str
    public_base_url: str
    phone_region: str = "US"
    # Public numbers and addresses that may appear in advisories (hotlines, press office).
    phone_allowlist: tuple[str, ...] = ()
    email_allowlist: tuple[str, ...] = ()
    banned_claims: tuple[str, ...] = ()
    sms_max_segments: int = 3  # an SMS account's `max_segments` overrides it
    # Amazon Comprehend Medical reads English text as well, where the stage has it (warnings only).
    phi_second_opinion: bool = False
    updated_by: str | None = None
    updated_at: datetime | None = None
    revision: int = 0

    def change(self, change: OrgSettingsChange, by: str, at: datetime) -> tuple[OrgSettings, AuditEvent]:
        """The next revision with the fields `change` sets, and its audit event naming them."""
        updates = change.model_dump(exclude_none=True, exclude_unset=True, exclude={"revision"})
        changed = {name: value for name, value in updates.items() if getattr(self, name) != value}
        if not changed:
            raise Conflict("nothing to change: the settings already say that", {})
        new = self.model_copy(update={**changed, "updated_by": by, "updated_at": at,
                                      "revision": self.revision + 1})
        summary = "; ".join(f"{name}: {_shown(getattr(self, name))} -> {_shown(value)}"
                            for name, value in changed.items())
        return new, AuditEvent(actor=by, action="settings_change", summary=summary[:2000])


def _shown(value: Any) -> str:
    return ", ".join(value) if isinstance(value, tuple | list) else str(value)


class SwitchState(str, Enum):
    RUNNING = "running"
    PAUSE_REQUESTED = "pause_requested"  # an admin asked; an approver has not yet confirmed
    PAUSED = "paused"


class DeliverySwitch(Model):
    """The kill switch: while paused, workers post nothing and hold their messages."""

    state: SwitchState = SwitchState.RUNNING
    reason: str = ""
    requested_by: str | None = None
    requested_at: datetime | None = None
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    resumed_by: str | None = None
    resumed_at: datetime | None = None
    revision: int = 0

    @property
    def paused(self) -> bool:
        return self.state is SwitchState.PAUSED

    def request_pause(self, by: str, at: datetime, reason: str) -> tuple[DeliverySwitch, AuditEvent]:
        """running -> pause_requested (an admin), waiting for a second person to confirm."""
        if self.state is not SwitchState.RUNNING:
            raise Conflict(f"deliveries are already {self.state.value.replace('_', ' ')}",
                           {"state": self.state.value})
        new = self._next(state=SwitchState.PAUSE_REQUESTED, reason=reason, requested_by=by, requested_at=at,
                         confirmed_by=None, confirmed_at=None)
        return new, AuditEvent(actor=by, action="pause_request", summary=f"pause all deliveries: {reason}")

    def confirm_pause(self, by: str, at: datetime) -> tuple[DeliverySwitch, AuditEvent]:
        """pause_requested -> paused, by someone other than who asked."""
        if self.state is not SwitchState.PAUSE_REQUESTED:
            raise Conflict("no pause is waiting for confirmation", {"state": self.state.value})
        if by == self.requested_by:
            raise Conflict("a second person must confirm the pause", {"requested_by": by})
        new = self._next(state=SwitchState.PAUSED, confirmed_by=by, confirmed_at=at)
        return new, AuditEvent(actor=by, action="pause_confirm",
                               summary=f"all deliveries paused (asked by {self.requested_by}: {self.reason})")

    def resume(self, by: str, at: datetime) -> tuple[DeliverySwitch, AuditEvent]:
        """paused or pause_requested -> running: held deliveries continue where they stopped."""
        if self.state is SwitchState.RUNNING:
            raise Conflict("deliveries are not paused", {"state": self.state.value})
        was = self.state.value
        new = self._next(state=SwitchState.RUNNING, resumed_by=by, resumed_at=at)
        return new, AuditEvent(actor=by, action="resume", summary=f"deliveries resumed (were {was})")

    def _next(self, **changes: Any) -> DeliverySwitch:
        return self.model_copy(update={**changes, "revision": self.revision + 1})
