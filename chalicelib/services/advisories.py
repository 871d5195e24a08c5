"""Use cases of an advisory's life: draft, edit, submit, approve, reject, follow up, broadcast."""
from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from chalicelib.domain import groups, lifecycle, phi, screening
from chalicelib.domain.errors import (BadRequest, Conflict, ScreeningFailed, StaleWrite, UnavailableError,
                                     ValidationFailed)
from chalicelib.domain.lifecycle import Action, View
from chalicelib.domain.models import (Advisory, AdvisoryContent, AdvisoryState, AuditEvent, ChannelAccount,
                                      ChosenGroup, DeliveryRecord, MsgType, ResponseType, Role, User)
from chalicelib.domain.messages import fan_out as fan_out_messages
from chalicelib.domain.org import OrgSettings
from chalicelib.ports import BroadcastPublisher, Clock, PhiSecondOpinion, Put, Store
from chalicelib.rendering.render import RenderResult, render_all
from chalicelib.settings import environment_settings
from chalicelib.services import fan_out
from chalicelib.services.common import commit_or_conflict, create, found, record_refusal, refuse, stored

log = logging.getLogger("clarion.advisories")


DEFAULT_PAGE = 50
MAX_PAGE = 200
_SORT_KEY = re.compile(r"[0-9T:.+\-Z]{10,40}#[A-Za-z0-9_\-]{1,80}")


class AdvisoryListQuery(BaseModel):
    """GET /advisories' query: which view, how many, and where to continue (newest first)."""

    view: View = View.ALL
    limit: int = Field(default=DEFAULT_PAGE, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(default=None, max_length=300)


@dataclass(frozen=True)
class AdvisoryList:
    advisories: list[Advisory]
    next_cursor: str | None  # None: this was the last page


def encode_cursor(view: View, after: str) -> str:
    text = json.dumps({"v": view.value, "after": after}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(view: View, cursor: str) -> str:
    """The sort key a cursor continues after; a cursor of another view, or not ours, is a 400."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        data = None
    after = data.get("after") if isinstance(data, dict) else None
    if not isinstance(after, str) or not _SORT_KEY.fullmatch(after):
        raise BadRequest("cursor is not one this API gave out; start again without it", {"field": "cursor"})
    if data.get("v") != view.value:
        raise BadRequest(f"cursor belongs to the view {str(data.get('v'))[:40]}, not {view.value}; "
                         "start again without it", {"field": "cursor"})
    return after


@dataclass(frozen=True)
class BroadcastResult:
    advisory: Advisory
    published: bool
    error: str | None = None


class AdvisoryService:
    def __init__(self, store: Store, publisher: BroadcastPublisher, clock: Clock,
                 org: Callable[[], OrgSettings] = environment_settings,
                 phi_reader: PhiSecondOpinion | None = None) -> None:
        self._org = org  # the organisation's settings in force, read for each preview and screening
        self._phi_reader = phi_reader  # the second opinion on patient data, where the stage has one
        self._store = store
        self._publisher = publisher
        self._clock = clock

    # -- reading ----------------------------------------------------------------------------
    def get(self, advisory_id: str) -> Advisory:
        return found(self._store.get_advisory(advisory_id), "advisory", advisory_id)

    def recent(self, limit: int = 200) -> list[Advisory]:
        return self._store.list_advisories(limit)

    def page(self, caller: User, query: AdvisoryListQuery) -> AdvisoryList:
        """One page of a view (lifecycle.View), newest first; follow next_cursor for the rest."""
        after = decode_cursor(query.view, query.cursor) if query.cursor else None
        page = self._store.page_advisories(query.view, caller.id, self._clock.now(), query.limit, after)
        return AdvisoryList(page.advisories, encode_cursor(query.view, page.after) if page.after else None)

    def deliveries(self, advisory_id: str) -> list[DeliveryRecord]:
        self.get(advisory_id)
        return self._store.deliveries_for(advisory_id)

    # -- writing ----------------------------------------------------------------------------
    def create(self, actor: User, content: AdvisoryContent, msg_type: MsgType = MsgType.ALERT,
               references: list[str] | None = None) -> Advisory:
        """A draft; `group:<name>` among its channels is expanded now (expand_channels)."""
        content, chosen = self.expand_channels(content)
        return self._create(actor, content, chosen, msg_type, references or [])

    def _create(self, actor: User, content: AdvisoryContent, chosen: list[ChosenGroup], msg_type: MsgType,
                references: list[str]) -> Advisory:
        now = self._clock.now()
        advisory, put = create(Advisory(content=content, author=actor.id, msg_type=msg_type,
                                        references=references, channel_groups=chosen, created_at=now,
                                        updated_at=now))
        self._store.commit([put], [self._event(actor, "create", advisory,
                                               f"{msg_type.value} draft: {content.headline}{_groups_said(chosen)}")])
        return advisory

    def edit(self, actor: User, advisory_id: str, content: AdvisoryContent) -> Advisory:
        advisory = self.get(advisory_id)
        if advisory.author != actor.id:
            raise refuse(self._store, actor, "edit", "only the author may edit an advisory", advisory_id)
        content, chosen = self.expand_channels(content)
        edited, event = advisory.edit(content, actor.id, self._clock.now(), chosen)
        event = event.model_copy(update={"summary": event.summary + _groups_said(chosen)})
        commit_or_conflict(self._store, [stored(advisory, edited)], [event],
                           lambda: self.get(advisory_id).state.value)
        return edited

    def submit(self, actor: User, advisory_id: str) -> Advisory:
        advisory = self.get(advisory_id)
        if advisory.author != actor.id:
            raise refuse(self._store, actor, "submit", "only the author may submit an advisory", advisory_id)
        submitted, event = advisory.submit(actor.id, self._clock.now())
        self._screen_or_raise(actor, advisory, "submit")
        commit_or_conflict(self._store, [stored(advisory, submitted)], [event],
                           lambda: self.get(advisory_id).state.value)
        return submitted

    def approve(self, actor: User, advisory_id: str, reviewed_hash: str | None = None) -> BroadcastResult:
        advisory = self.get(advisory_id)
        if advisory.author == actor.id:
            raise refuse(self._store, actor, "approve", "you cannot approve your own advisory", advisory_id)
        approved, approve_event = advisory.approve(actor.id, self._clock.now(), reviewed_hash)
        if self._due(approved):  # approved and broadcasting in one commit: one write less before it goes out
            # advisory.revision: the stored revision, the one the approval's write expects
            return self.broadcast(actor, approved, approved_from=(advisory.revision, approve_event))
        commit_or_conflict(self._store, [stored(advisory, approved)], [approve_event],
                           lambda: self.get(advisory_id).state.value)
        return BroadcastResult(approved, published=False, error=None)

    def reject(self, actor: User, advisory_id: str, reason: str) -> Advisory:
        advisory = self.get(advisory_id)
        if advisory.author == actor.id:
            raise refuse(self._store, actor, "reject", "you cannot review your own advisory", advisory_id)
        rejected, event = advisory.reject(actor.id, self._clock.now(), reason)
        commit_or_conflict(self._store, [stored(advisory, rejected)], [event],
                           lambda: self.get(advisory_id).state.value)
        return rejected

    def withdraw(self, actor: User, advisory_id: str, reason: str = "") -> Advisory:
        """The author (or an admin) takes back a draft, rejected or pending advisory: final."""
        advisory = self.get(advisory_id)
        if advisory.author != actor.id and not actor.has(Role.ADMIN):
            raise refuse(self._store, actor, "withdraw", "only the author or an admin may withdraw an advisory",
                         advisory_id)
        withdrawn, event = advisory.withdraw(actor.id, self._clock.now(), reason)
        commit_or_conflict(self._store, [stored(advisory, withdrawn)], [event],
                           lambda: self.get(advisory_id).state.value)
        return withdrawn

    def follow_up(self, actor: User, advisory_id: str, msg_type: MsgType,
                  content: AdvisoryContent | None = None) -> Advisory:
        """A linked Update or Cancel draft; it goes through approval like any advisory."""
        original = self.get(advisory_id)
        if original.state not in lifecycle.LIVE:
            raise Conflict(f"only a live advisory can be followed up; this one is {original.state.value}",
                           {"state": original.state.value})
        if content is None:  # the same accounts, chosen by the same groups
            content = original.content
            if msg_type is MsgType.CANCEL:  # renderings label it ALL CLEAR
                content = content.model_copy(update={"response_type": [ResponseType.ALL_CLEAR]})
            return self._create(actor, content, original.channel_groups, msg_type, [original.id])
        return self.create(actor, content, msg_type, references=[original.id])

    # -- broadcast: the hand-over to the channel workers ----------------------------------------
    def broadcast(self, actor: User, advisory: Advisory,
                  approved_from: tuple[int, AuditEvent] | None = None) -> BroadcastResult:
        """approved -> broadcasting: record one pending delivery per channel account, then publish.

        First one conditional commit makes the broadcast binding: the state change (with the
        approval and its content hash, which covers the accounts owed: `content.channels`), its
        audit entries and the advisories it closes; a second broadcast of the same advisory fails
        there instead of publishing twice. Then the delivery rows, up to 1,000, in transactions
        of at most 100 conditional creates (services/fan_out.py); then the messages, at most
        ACCOUNTS_PER_MESSAGE accounts each. A crash or an outage between the two leaves accounts
        owed without a row, which the sweeper creates and queues (Operations.sweep). An advisory
        whose `effective` time is still ahead stays approved until the scheduler releases it.
        `approved_from` (the stored revision and the approval's audit event) makes the approval
        part of the same commit, when `advisory` is approved here and now.
        """
        broadcasting, broadcast_event = advisory.start_broadcasting(actor.id, self._clock.now())
        if not self._due(advisory):
            return BroadcastResult(advisory, published=False, error=None)
        accounts = self._accounts(advisory.content)
        unusable = screening.channel_findings(advisory, accounts)
        if unusable:
            if approved_from is not None:  # the approval stands; the broadcast waits for the accounts
                commit_or_conflict(self._store, [Put(advisory, approved_from[0])], [approved_from[1]],
                                   lambda: self.get(advisory.id).state.value)
            raise ScreeningFailed("some target channel accounts cannot be used now",
                                  [f.model_dump() for f in unusable])
        if approved_from is None:
            put, events = stored(advisory, broadcasting), [broadcast_event]
        else:  # the approval and the broadcast: one write over the stored revision
            put, events = Put(broadcasting, approved_from[0]), [approved_from[1], broadcast_event]
        puts = [put, *self._close_referenced(advisory)]
        commit_or_conflict(self._store, puts, events, lambda: self.get(advisory.id).state.value)
        try:
            fan_out.write_rows(self._store, broadcasting, broadcasting.content.channels, self._clock.now())
        except (UnavailableError, StaleWrite) as error:
            # Binding already: the sweeper writes the missing rows and queues them.
            reason = (f"delivery rows not all written ({error}); the sweeper writes the rest and queues "
                      "them within minutes")
            with contextlib.suppress(UnavailableError, StaleWrite):
                self._store.commit([], [self._event(actor, "broadcast_rows_deferred", broadcasting, reason)])
            return BroadcastResult(broadcasting, published=False, error=reason)
        return self._publish(actor, broadcasting)

    def _due(self, advisory: Advisory) -> bool:
        return not advisory.content.effective or advisory.content.effective <= self._clock.now()

    def release_due(self, actor: User) -> list[BroadcastResult]:
        """Broadcast approved advisories whose effective time has come (run on a schedule)."""
        results = []
        for advisory in self._store.list_advisories():
            if advisory.state is AdvisoryState.APPROVED and self._due(advisory):
                try:
                    results.append(self.broadcast(actor, advisory))
                except Conflict:
                    continue  # someone else released or edited it meanwhile
        return results

    def _publish(self, actor: User, advisory: Advisory) -> BroadcastResult:
        messages = fan_out_messages(advisory.id, advisory.content_hash(), advisory.content.channels)
        try:
            message_ids = self._publisher.publish_all(messages)
        except UnavailableError as error:
            # The pending rows are the record of what is owed; the sweeper and /retry redrive them.
            self._store.commit([], [self._event(actor, "broadcast_publish_failed", advisory, error.message)])
            return BroadcastResult(advisory, published=False, error=error.message)
        platforms = sorted({p for m in messages for p in m.platforms})
        shown = ", ".join(message_ids[:3]) + (f" and {len(message_ids) - 3} more" if len(message_ids) > 3 else "")
        self._store.commit([], [self._event(actor, "broadcast_published", advisory,
                                            f"{'message' if len(message_ids) == 1 else 'messages'} {shown} "
                                            f"to {', '.join(platforms)}")])
        return BroadcastResult(advisory, published=True)

    def _close_referenced(self, advisory: Advisory) -> list[Put]:
        """An Update supersedes, a Cancel cancels, the advisories it references."""
        if advisory.msg_type is MsgType.ALERT:
            return []
        action = Action.CANCEL if advisory.msg_type is MsgType.CANCEL else Action.SUPERSEDE
        puts = []
        now = self._clock.now()
        for ref in advisory.references:
            earlier = self.get(ref)
            if lifecycle.can(earlier, action):
                closed = earlier.cancel(now) if action is Action.CANCEL else earlier.supersede(now)
                puts.append(stored(earlier, closed))
        return puts

    # -- checks -----------------------------------------------------------------------------
    def _accounts(self, content: AdvisoryContent) -> dict[str, ChannelAccount]:
        """The channel accounts `content` targets (those that exist), read by key."""
        return self._store.get_channels(content.channels)

    def expand_channels(self, content: AdvisoryContent, known_only: bool = True
                        ) -> tuple[AdvisoryContent, list[ChosenGroup]]:
        """`content` with each `group:<name>` among its channels replaced by the group's usable
        accounts (domain/groups.py: deduplicated, at most 1,000; an unknown group is a 400), and
        what each group stood for. Done when a draft is saved, so the content hash, the approval
        and the fan-out cover concrete accounts. `known_only`: every account must exist (422)."""
        names = groups.referenced(content.channels)
        if not names and not known_only:  # nothing to expand or check: no read (a preview per keystroke)
            return content, []
        found = self._store.get_channel_groups(names) if names else {}
        members = [c for name in names if name in found for c in found[name].channels]
        named = [c for c in content.channels if not groups.is_group(c)]
        accounts = self._store.get_channels([*named, *members]) if named or members else {}
        expansion = groups.expand(content.channels, found, accounts)
        unknown = [c for c in expansion.channels if c not in accounts]
        if known_only and unknown:
            raise ValidationFailed("unknown channel accounts",
                                   [{"field": "channels", "problem": f"there is no channel account {c}"}
                                    for c in unknown])
        if not names:
            return content, []
        return content.model_copy(update={"channels": expansion.channels}), expansion.groups

    def draft_for_preview(self, actor: User, content: AdvisoryContent) -> Advisory:
        """An unsaved draft, to preview while the spokesperson is still writing (its groups
        expanded as a save would)."""
        content, chosen = self.expand_channels(content, known_only=False)
        return Advisory(id="adv_preview", content=content, author=actor.id, channel_groups=chosen,
                        created_at=self._clock.now(), updated_at=self._clock.now())

    def preview(self, advisory: Advisory) -> list[RenderResult]:
        """Every targeted channel account's exact rendering, measured, with its findings."""
        accounts = self._accounts(advisory.content)
        return render_all(advisory, [accounts[c] for c in advisory.content.channels if c in accounts], self._org())

    def screen(self, advisory: Advisory, second_opinion: bool = True) -> list[screening.Finding]:
        """Everything screening knows: completeness, channels, timing, patient data, fit; and the
        second opinion on patient data when the organisation turned it on (`second_opinion`)."""
        now = self._clock.now()
        findings = screening.screen(advisory, self._accounts(advisory.content), now)
        org = self._org()
        findings += phi.screen_advisory(advisory, org, now)  # every public field, web and hashtags too
        if second_opinion and org.phi_second_opinion:
            findings += self._second_opinion(advisory, findings)
        for result in self.preview(advisory):
            findings += result.findings
        return findings

    def _second_opinion(self, advisory: Advisory, found: list[screening.Finding]) -> list[screening.Finding]:
        """What Comprehend Medical finds in the English text that the screen did not (warnings)."""
        if self._phi_reader is None:
            return [phi.second_opinion_unavailable("this stage has no access to it configured")]
        out: list[screening.Finding] = []
        for batch in phi.second_opinion_batches(advisory, self._phi_reader.max_bytes):
            try:
                entities = batch.by_field(self._phi_reader.detect_phi(batch.text))
            except UnavailableError as exc:
                log.warning("phi second opinion unavailable", extra={"reason": exc.message})
                return [*out, phi.second_opinion_unavailable(exc.message)]
            for name, text, _ in batch.parts:
                out += phi.second_opinion_findings(name, text, entities.get(name, []), found)
        return out

    def screen_values(self, values: dict[str, object], prefix: str) -> list[screening.Finding]:
        """Patient data in values given on their own (a trigger's parameters: "parameters.name")."""
        return phi.scan(((f"{prefix}.{name}", str(value)) for name, value in values.items()), self._org(),
                        self._clock.now())

    def _screen_or_raise(self, actor: User, advisory: Advisory, action: str) -> None:
        blocking = screening.blocking(self.screen(advisory))
        if blocking:
            record_refusal(self._store, self._event(actor, f"refused:{action}", advisory,
                                                    f"screening found {len(blocking)} blocking problems"))
            raise ScreeningFailed("screening found problems to fix before submitting",
                                  [f.model_dump() for f in blocking])

    @staticmethod
    def _event(actor: User, action: str, advisory: Advisory, summary: str) -> AuditEvent:
        return AuditEvent(actor=actor.id, action=action, advisory_id=advisory.id, summary=summary[:2000])


def _groups_said(chosen: list[ChosenGroup]) -> str:
    """"; channels by group: County health departments (97 accounts)", for the audit trail."""
    if not chosen:
        return ""
    return "; channels by group: " + ", ".join(f"{g.label} ({groups.n_accounts(len(g.channels))})" for g in chosen)
