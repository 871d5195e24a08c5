"""The owned channels, as the public reads them: CAP documents, the Atom feed, the banner.

An owned channel publishes only what was sent to it: an advisory appears on the banner, in the
Atom feed or as a public CAP document only if it targeted one of the organisation's public
(non-sandbox) accounts of that channel and its delivery there is `sent`. A staff-only advisory
or a drill (which may only go to sandbox accounts) never reaches these public routes.
"""
from __future__ import annotations

from typing import Any
from collections.abc import Callable, Iterable

from chalicelib.domain import lifecycle
from chalicelib.domain.errors import NotFound
from chalicelib.domain.models import Advisory, AdvisoryState, DeliveryState, MsgType
from chalicelib.domain.org import OrgSettings
from chalicelib.channels.owned import BANNER, CAP_FEED, banner_data, banner_html
from chalicelib.ports import Clock, Store
from chalicelib.rendering import cap
from chalicelib.settings import environment_settings

UNPUBLISHED = frozenset({AdvisoryState.DRAFT, AdvisoryState.PENDING_APPROVAL, AdvisoryState.APPROVED,
                         AdvisoryState.REJECTED})


class FeedService:
    def __init__(self, store: Store, clock: Clock, org: Callable[[], OrgSettings] = environment_settings) -> None:
        self._org = org  # the organisation's settings in force, read for each document
        self._store = store
        self._clock = clock

    def active(self, platform: str) -> list[Advisory]:
        """Live alerts and updates published on `platform`, newest first: not cancelled,
        superseded or expired."""
        now = self._clock.now()
        live = [a for a in self._store.list_advisories()
                if a.state in lifecycle.LIVE and a.msg_type is not MsgType.CANCEL
                and (a.content.expires is None or a.content.expires > now)]
        return self._published(live, platform)

    def cap_document(self, advisory_id: str) -> str:
        """Any advisory the CAP feed published (Cancels included); never a draft, a staff-only
        advisory or a drill."""
        advisory = self._store.get_advisory(advisory_id)
        if advisory is None or advisory.state in UNPUBLISHED or not self._published([advisory], CAP_FEED):
            raise NotFound(f"there is no published advisory {advisory_id}", {"id": advisory_id})
        referenced = [r for r in (self._store.get_advisory(i) for i in advisory.references) if r]
        return cap.cap_xml(advisory, self._published(referenced, CAP_FEED), self._org())

    def atom(self) -> str:
        return cap.atom_feed(self.active(CAP_FEED), self._org(), self._clock.now())

    def current_banner(self) -> Advisory | None:
        active = self.active(BANNER)
        return active[0] if active else None

    def banner_json(self) -> dict[str, Any]:
        return banner_data(self.current_banner(), self._org(), self._clock.now())

    def banner_html(self) -> str:
        return banner_html(self.banner_json())

    def _published(self, advisories: Iterable[Advisory], platform: str) -> list[Advisory]:
        """Those of `advisories` sent to a public account of `platform` (one batch read)."""
        public = {c.id for c in self._store.list_channels() if c.platform == platform and not c.sandbox}
        candidates = [a for a in advisories if not a.content.status.is_drill]
        pairs = [(a.id, c) for a in candidates for c in a.content.channels if c in public]
        if not pairs:
            return []
        sent = {advisory_id for (advisory_id, _), d in self._store.load_deliveries(pairs).deliveries.items()
                if d.state is DeliveryState.SENT}
        return [a for a in candidates if a.id in sent]
