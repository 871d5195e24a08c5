"""The owned channels, as the public reads them: CAP documents, the Atom feed, the banner."""
from __future__ import annotations

from typing import Any, Optional

from chalicelib.domain import lifecycle
from chalicelib.domain.errors import NotFound
from chalicelib.domain.models import Advisory, MsgType
from chalicelib.ports import Clock, Store
from chalicelib.rendering import cap
from chalicelib.rendering.render import banner_data, banner_html
from chalicelib.settings import org_settings


class FeedService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def active(self) -> list[Advisory]:
        """Live alerts and updates, newest first: not cancelled, superseded or expired."""
        now = self._clock.now()
        return [a for a in self._store.list_advisories()
                if a.state in lifecycle.LIVE and a.msg_type is not MsgType.CANCEL
                and (a.content.expires is None or a.content.expires > now)]

    def cap_document(self, advisory_id: str) -> str:
        """Any advisory that went out (Cancels included); never a draft."""
        advisory = self._store.get_advisory(advisory_id)
        if advisory is None or advisory.approval is None or advisory.state.value in ("draft", "approved"):
            raise NotFound(f"there is no published advisory {advisory_id}", {"id": advisory_id})
        referenced = [r for r in (self._store.get_advisory(i) for i in advisory.references) if r]
        return cap.cap_xml(advisory, referenced, org_settings())

    def atom(self) -> str:
        return cap.atom_feed(self.active(), org_settings(), self._clock.now())

    def current_banner(self) -> Optional[Advisory]:
        active = self.active()
        return active[0] if active else None

    def banner_json(self) -> dict[str, Any]:
        return banner_data(self.current_banner(), org_settings(), self._clock.now())

    def banner_html(self) -> str:
        return banner_html(self.banner_json())
