"""Channel groups, managed by admins (issue 16): list, create or change (PUT, from the revision the
admin loaded), delete (a tombstone). The rules are the group's own (domain/groups.py); expansion
into an advisory's accounts happens when a draft is saved (services/advisories.py).

Every change is one conditional commit with its audit entry; a stale revision is a 409.
"""
from __future__ import annotations

from pydantic import Field

from chalicelib.domain.errors import NotFound
from chalicelib.domain.groups import ChannelGroup, ChannelGroupDraft, check_name
from chalicelib.domain.models import Strict, User
from chalicelib.ports import Clock, Put, Store
from chalicelib.services.common import commit_or_conflict, stored


class DeleteGroupQuery(Strict):
    """DELETE /channel-groups/{name}?revision=N: the revision the admin saw (optional; when given,
    a group changed since is a 409, not deleted)."""

    revision: int | None = Field(default=None, ge=0)


class ChannelGroupService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store, self._clock = store, clock

    def all(self) -> list[ChannelGroup]:
        """Every group that is not deleted, by name."""
        return [g for g in self._store.list_channel_groups() if not g.deleted]

    def get(self, name: str) -> ChannelGroup:
        group = self._store.get_channel_group(check_name(name))
        if group is None or group.deleted:
            raise NotFound(f"there is no channel group {name}", {"name": name})
        return group

    def put(self, actor: User, name: str, draft: ChannelGroupDraft) -> tuple[ChannelGroup, bool]:
        """Create the group (revision 0) or change it (from its current revision); the group as it
        now is, and whether it was created. A change that changes nothing writes nothing."""
        current = self._store.get_channel_group(check_name(name))
        known = self._store.get_channels(draft.channels)
        now = self._clock.now()
        if current is None or current.deleted:
            group, event = ChannelGroup.new(name, draft, known, actor.id, now, replacing=current)
            put = Put(group, None if current is None else current.revision)
            created = True
        else:
            changed = current.change(draft, known, actor.id, now)
            if changed is None:
                return current, False
            (group, event), put, created = changed, stored(current, changed[0]), False
        commit_or_conflict(self._store, [put], [event], lambda: self._state(name))
        return group, created

    def delete(self, actor: User, name: str, revision: int | None = None) -> ChannelGroup:
        """A tombstone: the drafts and templates that chose the group keep their accounts."""
        current = self.get(name)
        deleted, event = current.delete(actor.id, self._clock.now(), revision)
        commit_or_conflict(self._store, [stored(current, deleted)], [event], lambda: self._state(name))
        return deleted

    def _state(self, name: str) -> str:
        current = self._store.get_channel_group(name)
        if current is None:
            return "gone"
        return "deleted" if current.deleted else f"at revision {current.revision}"
