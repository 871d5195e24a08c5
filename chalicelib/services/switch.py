"""The kill switch: an admin asks to pause every outgoing delivery, a second person with the
approver role confirms it, an admin resumes.

While paused the workers post nothing and hold their messages (chalicelib/handlers.py), and the
sweeper neither redrives nor pages about deliveries that are late only because of the pause
(services/operations.py). Each step is one conditional write of the switch with its audit entry.
The workers read the switch once per batch, so a pause takes effect on the next batch; a batch
already posting when it is confirmed finishes.

Resume continues where the pause stopped: every delivery still owed of the live advisories is
put back on its queue at once (the held messages would otherwise come back only after their
hold delay). A delivery is claimed before it is posted, so the held copy that comes back later
finds it claimed or final and posts nothing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from pydantic import Field

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.models import AuditEvent, Role, Strict, User
from chalicelib.domain.org import DeliverySwitch
from chalicelib.ports import Clock, Put, Store
from chalicelib.services.common import commit_or_conflict, require_role
from chalicelib.services.operations import Operations

log = logging.getLogger("clarion_switch")

ADMIN = frozenset({Role.ADMIN})
APPROVER = frozenset({Role.APPROVER})


class PauseRequest(Strict):
    """POST /switch/pause: why every delivery must stop (shown on the console's banner and kept in
    the audit trail). Surrounding blanks are trimmed; a blank reason is refused (422)."""

    reason: str = Field(min_length=1, max_length=1000)


@dataclass(frozen=True)
class Resumed:
    switch: DeliverySwitch
    redriven: int  # queue messages sent at once for the deliveries still owed


class DeliverySwitchService:
    def __init__(self, store: Store, operations: Operations, clock: Clock) -> None:
        self._store = store
        self._operations = operations
        self._clock = clock

    def state(self) -> DeliverySwitch:
        """The switch as stored; running if no one ever touched it."""
        return self._store.get_switch() or DeliverySwitch()

    def request_pause(self, actor: User, reason: str) -> DeliverySwitch:
        """running -> pause_requested (an admin; 409 in any other state). Nothing stops yet."""
        require_role(self._store, actor, ADMIN, "pause_request")
        if not reason.strip():
            raise ValidationFailed("a pause needs a reason", [{"field": "reason", "problem": "is blank"}])
        stored = self._store.get_switch()
        return self._save(stored, (stored or DeliverySwitch()).request_pause(actor.id, self._clock.now(),
                                                                             reason.strip()))

    def confirm_pause(self, actor: User) -> DeliverySwitch:
        """pause_requested -> paused, by an approver who did not ask for it (409 otherwise)."""
        require_role(self._store, actor, APPROVER, "pause_confirm")
        stored = self._store.get_switch()
        return self._save(stored, (stored or DeliverySwitch()).confirm_pause(actor.id, self._clock.now()))

    def resume(self, actor: User) -> Resumed:
        """paused (or a pause not yet confirmed) -> running (an admin), then every delivery still
        owed back on its queue at once. The switch is running before anything is redriven, so a
        worker never holds a redriven message again; should a redrive fail, the held messages
        still come back after their hold delay: nothing is lost."""
        require_role(self._store, actor, ADMIN, "resume")
        stored = self._store.get_switch()
        switch = self._save(stored, (stored or DeliverySwitch()).resume(actor.id, self._clock.now()))
        held = stored is not None and stored.paused  # an unconfirmed pause held nothing
        return Resumed(switch, self._operations.redrive_owed() if held else 0)

    def _save(self, stored: DeliverySwitch | None, move: tuple[DeliverySwitch, AuditEvent]) -> DeliverySwitch:
        new, event = move
        # The first change creates the record; every later one is conditional on the revision read.
        put = Put(new, None if stored is None else stored.revision)
        commit_or_conflict(self._store, [put], [event], lambda: self.state().state.value)
        log.info("kill switch: %s by %s", new.state.value, event.actor)
        return new
