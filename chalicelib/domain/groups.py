"""Channel groups (issue 16): a named list of channel accounts, so a spokesperson chooses
"County health departments" instead of ticking 97 boxes.

A group is a way of *choosing* accounts, never a target of its own. An advisory's (or a
template's) `channels` may name `group:<name>`; when the draft is saved the group is expanded
(`expand`) to the accounts it holds at that moment, so the content hash, the approval, the
screening and the fan-out all see concrete accounts, deduplicated and at most MAX_CHANNELS. What
was chosen is kept beside the content (`ChosenGroup`: the group's label, the accounts it added and
those it left out), so the console can say "County health departments (97 accounts)". A group
changed after the save changes no draft until it is saved again, and no approval ever.

Expansion leaves out a group's members that are disabled or deleted at the time (they are listed
in `left_out`): an admin switched them off, and one of them must not block the rest. An account
named on its own is kept as given; screening reports it if it cannot be used.

Every change to a group is a new revision, conditional on the one it was made from, with its audit
event. Deleting leaves a tombstone (`deleted_at`): the store is never asked to delete an item, and
the name may be used again for a new group.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, field_validator

from chalicelib.domain.errors import BadRequest, Conflict, NotFound, ValidationFailed
from chalicelib.domain.models import (MAX_CHANNELS, AuditEvent, ChannelAccount, ChannelAccountId, ChosenGroup,
                                      Model, Strict, Text)

GROUP_PREFIX = "group:"  # `group:<name>` in an advisory's channels (no platform is called "group")
MAX_GROUP_ACCOUNTS = MAX_CHANNELS
NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
_NAME = re.compile(NAME_PATTERN)
GroupName = Annotated[str, Field(pattern=NAME_PATTERN)]
SHOWN_IN_SUMMARY = 10  # accounts named in an audit summary or an error before "and N more"


def check_name(name: str) -> str:
    """A group's name as it comes in a path: a slug (a-z, 0-9 and hyphens, 63 at most)."""
    if not _NAME.fullmatch(name):
        raise BadRequest(f"{name[:70]!r} is not a channel group name: lower-case letters, digits and hyphens, "
                         "starting with a letter or digit, at most 63", {"field": "name"})
    return name


def is_group(entry: str) -> bool:
    return entry.startswith(GROUP_PREFIX)


def referenced(channels: Sequence[str]) -> list[str]:
    """The group names `channels` names (`group:<name>`), once each, in order."""
    return list(dict.fromkeys(c[len(GROUP_PREFIX):] for c in channels if is_group(c)))


def n_accounts(count: int) -> str:
    return f"{count:,} account" + ("" if count == 1 else "s")


def _listed(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:SHOWN_IN_SUMMARY])
    return shown + (f" and {len(ids) - SHOWN_IN_SUMMARY} more" if len(ids) > SHOWN_IN_SUMMARY else "")


class ChannelGroupDraft(Strict):
    """PUT /channel-groups/{name}: the whole group as it should be. `revision` is the revision the
    change was made from: 0 for a new group (a stale one is a 409)."""

    revision: int = Field(ge=0)
    label: Text = Field(min_length=1, max_length=120)
    description: Text = Field(default="", max_length=500)
    channels: list[ChannelAccountId]

    @field_validator("channels")
    @classmethod
    def _accounts(cls, values: list[str]) -> list[str]:
        unique = list(dict.fromkeys(values))
        if not unique:
            raise ValueError("a group holds at least one channel account")
        if len(unique) > MAX_GROUP_ACCOUNTS:
            raise ValueError(f"a group holds at most {MAX_GROUP_ACCOUNTS:,} channel accounts; this one has "
                             f"{len(unique):,}")
        return unique


def _known(channels: Sequence[str], known: Mapping[str, ChannelAccount]) -> None:
    """Every member is a channel account that exists and was not deleted (groups hold no groups)."""
    problems = []
    for channel in channels:
        account = known.get(channel)
        if is_group(channel):
            problems.append(f"{channel} is a group: a group holds channel accounts only")
        elif account is None:
            problems.append(f"there is no channel account {channel}")
        elif account.deleted_at is not None:
            problems.append(f"the channel account {channel} was deleted")
    if problems:
        listed = [{"field": "channels", "problem": p} for p in problems[:SHOWN_IN_SUMMARY]]
        if len(problems) > SHOWN_IN_SUMMARY:
            listed.append({"field": "channels", "problem": f"and {len(problems) - SHOWN_IN_SUMMARY} more like it"})
        raise ValidationFailed(f"{len(problems)} of the group's channel accounts cannot be in it", listed)


class ChannelGroup(Model):
    name: GroupName
    label: str
    description: str = ""
    channels: list[str]
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    # Deleted by an admin: a tombstone (left out of every list; the name can be used again).
    deleted_by: str | None = None
    deleted_at: datetime | None = None
    revision: int = 0

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    # -- its transitions: each returns the next revision and its audit event; nothing is stored ----
    @classmethod
    def new(cls, name: str, draft: ChannelGroupDraft, known: Mapping[str, ChannelAccount], by: str, at: datetime,
            replacing: ChannelGroup | None = None) -> tuple[ChannelGroup, AuditEvent]:
        """A new group called `name`, over the tombstone `replacing` of a deleted one, if any."""
        if replacing is not None and not replacing.deleted:
            raise Conflict(f"there is already a channel group {name} (revision {replacing.revision}); load it and "
                           "change it from that revision", {"revision": replacing.revision})
        if draft.revision != 0:
            if replacing is None:
                raise NotFound(f"there is no channel group {name} to change; send revision 0 to create it",
                               {"name": name})
            raise Conflict(f"the channel group {name} was deleted by {replacing.deleted_by} since you loaded it; "
                           "send revision 0 to create it again", {"revision": replacing.revision, "deleted": True})
        _known(draft.channels, known)
        group = cls(name=check_name(name), label=draft.label, description=draft.description,
                    channels=draft.channels, created_by=by, created_at=at, updated_by=by, updated_at=at,
                    revision=replacing.revision + 1 if replacing is not None else 1)
        again = f" (again: the group deleted by {replacing.deleted_by} had that name)" if replacing else ""
        summary = (f"{name}: created {draft.label!r} with {n_accounts(len(draft.channels))}{again}: "
                   f"{_listed(draft.channels)}")
        return group, AuditEvent(actor=by, action="channel_group_create", summary=summary[:2000])

    def change(self, draft: ChannelGroupDraft, known: Mapping[str, ChannelAccount], by: str,
               at: datetime) -> tuple[ChannelGroup, AuditEvent] | None:
        """The group as `draft` says, made from `draft.revision`; None when that changes nothing."""
        if draft.revision == 0:
            raise Conflict(f"there is already a channel group {self.name} (revision {self.revision}); load it and "
                           "change it from that revision", {"revision": self.revision})
        self._current(draft.revision)
        if (draft.label, draft.description, draft.channels) == (self.label, self.description, self.channels):
            return None
        _known(draft.channels, known)
        changes = []
        if draft.label != self.label:
            changes.append(f"label {self.label!r} -> {draft.label!r}")
        if draft.description != self.description:
            changes.append("description changed")
        before, after = set(self.channels), set(draft.channels)
        added = [c for c in draft.channels if c not in before]
        removed = [c for c in self.channels if c not in after]
        if added:
            changes.append(f"added {len(added)}: {_listed(added)}")
        if removed:
            changes.append(f"removed {len(removed)}: {_listed(removed)}")
        if not added and not removed and draft.channels != self.channels:
            changes.append("accounts reordered")
        changed = self._next(label=draft.label, description=draft.description, channels=draft.channels,
                             updated_by=by, updated_at=at)
        summary = f"{self.name}: " + "; ".join(changes) + f" ({n_accounts(len(draft.channels))})"
        return changed, AuditEvent(actor=by, action="channel_group_edit", summary=summary[:2000])

    def delete(self, by: str, at: datetime, revision: int | None = None) -> tuple[ChannelGroup, AuditEvent]:
        """A tombstone; `revision`, when given, must be the current one. Drafts and templates that
        chose the group keep the accounts it expanded to."""
        if self.deleted:
            raise NotFound(f"the channel group {self.name} was already deleted", {"name": self.name})
        if revision is not None:
            self._current(revision)
        deleted = self._next(deleted_by=by, deleted_at=at, updated_by=by, updated_at=at)
        return deleted, AuditEvent(actor=by, action="channel_group_delete",
                                   summary=f"{self.name}: deleted {self.label!r} ({n_accounts(len(self.channels))})")

    def _current(self, revision: int) -> None:
        if revision != self.revision:
            raise Conflict(f"someone else changed the channel group {self.name} first (it is at revision "
                           f"{self.revision}, the change was made from {revision}); load it again",
                           {"revision": self.revision})

    def _next(self, **changes: Any) -> ChannelGroup:
        return self.model_copy(update={**changes, "revision": self.revision + 1})


# -- expansion, at draft save ------------------------------------------------------------------------
@dataclass(frozen=True)
class Expansion:
    channels: list[str]        # concrete accounts, each once, in the order chosen
    groups: list[ChosenGroup]  # what each `group:<name>` stood for


def _usable(account: ChannelAccount | None) -> bool:
    return account is not None and account.deleted_at is None and account.enabled


def expand(channels: Sequence[str], groups: Mapping[str, ChannelGroup],
           accounts: Mapping[str, ChannelAccount]) -> Expansion:
    """`channels` with each `group:<name>` replaced by the group's members that can be used now
    (`accounts` holds at least every member's account), deduplicated. An unknown group is a 400
    naming it; more than MAX_CHANNELS accounts in all is a 422 saying how many."""
    unknown = [name for name in referenced(channels) if name not in groups or groups[name].deleted]
    if unknown:
        raise BadRequest(f"there is no channel group {', '.join(unknown)}",
                         [{"field": "channels", "problem": f"there is no channel group {name}", "group": name}
                          for name in unknown])
    chosen: dict[str, None] = {}
    records: dict[str, ChosenGroup] = {}
    for entry in channels:
        if not is_group(entry):
            chosen.setdefault(entry, None)
            continue
        group = groups[entry[len(GROUP_PREFIX):]]
        if group.name in records:
            continue
        sent = [c for c in group.channels if _usable(accounts.get(c))]
        left_out = [c for c in group.channels if not _usable(accounts.get(c))]
        records[group.name] = ChosenGroup(name=group.name, label=group.label, channels=sent, left_out=left_out)
        for account in sent:
            chosen.setdefault(account, None)
    if len(chosen) > MAX_CHANNELS:
        named = ", ".join(f"{g.label} ({len(g.channels)})" for g in records.values())
        raise ValidationFailed(
            f"an advisory goes to at most {MAX_CHANNELS:,} channel accounts; these come to {len(chosen):,}",
            [{"field": "channels", "problem": f"{len(chosen):,} accounts in all (the groups: {named}); "
                                              f"choose at most {MAX_CHANNELS:,}"}])
    return Expansion(list(chosen), list(records.values()))
