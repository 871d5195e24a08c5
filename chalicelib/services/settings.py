"""The organisation's settings in force: stored, versioned, audited; the environment seeds them.

`current()` reads the stored record on every call (one strongly consistent read), so a change an
admin makes takes effect on the next request in every Lambda process, without a redeploy; until
the first change, the environment's seed values are in force. A delivery worker's batch reads
them once for all its deliveries (`held`), not twice per delivery.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from chalicelib.domain.errors import Conflict
from chalicelib.domain.models import User
from chalicelib.domain.org import OrgSettings, OrgSettingsChange
from chalicelib.ports import Clock, Put, Store
from chalicelib.services.common import commit_or_conflict


class _Held:
    """The settings an invocation holds (`SettingsService.held`): read on first use, by `service`."""

    def __init__(self, service: SettingsService) -> None:
        self.service = service
        self.settings: OrgSettings | None = None
        self.lock = threading.Lock()


_HELD: ContextVar[_Held | None] = ContextVar("clarion_settings_held", default=None)


class SettingsService:
    def __init__(self, store: Store, clock: Clock, seed: Callable[[], OrgSettings]) -> None:
        self._store = store
        self._clock = clock
        self._seed = seed

    def current(self) -> OrgSettings:
        held = _HELD.get()
        if held is None or held.service is not self:
            return self._read()
        with held.lock:  # the first caller reads; the block's other threads wait for that read
            if held.settings is None:
                held.settings = self._read()
            return held.settings

    @contextmanager
    def held(self) -> Iterator[None]:
        """One read of the settings for a whole invocation: within the block, and in threads run
        in a copy of its context (contextvars.copy_context), `current()` reads them the first time
        it is called and then answers with that. A change takes effect from the next invocation,
        as it does for the API's next request."""
        token = _HELD.set(_Held(self))
        try:
            yield
        finally:
            _HELD.reset(token)

    def _read(self) -> OrgSettings:
        return self._store.get_org_settings() or self._seed()

    def change(self, actor: User, change: OrgSettingsChange, expected_revision: int | None = None) -> OrgSettings:
        """The settings with `change` applied, as the next revision (409 if `expected_revision`, the
        one the admin edited, is no longer the stored one)."""
        stored = self._store.get_org_settings()
        now = stored or self._seed()
        if expected_revision is not None and expected_revision != now.revision:
            raise Conflict("the settings changed since you loaded them; reload and try again",
                           {"revision": now.revision})
        new, event = now.change(change, actor.id, self._clock.now())
        put = Put(new, None if stored is None else stored.revision)
        commit_or_conflict(self._store, [put], [event], lambda: "changed")
        return new
