"""In-memory twins of the adapters, for the unit tests only (the product wires real adapters in
`chalicelib/composition.py`).

They honour the same contracts as the real ones (tests/test_store_contract.py runs one test
class against both), and record what they were asked so tests can look. `capture()` collects what
the observability middleware writes.
"""
from __future__ import annotations

import contextlib
import io
import json
import threading
from datetime import datetime, timedelta
from typing import Any, TypeVar
from collections.abc import Iterator, Sequence

from chalicelib.adapters.keys import (chain_of, delivery_key, Key, advisory_key, advisory_sort_key, channel_key,
                                      group_key, key_of, marker_key, template_key, user_key, ORG_SETTINGS_KEY,
                                      SWITCH_KEY)
from chalicelib.domain import audit
from chalicelib.domain.org import DeliverySwitch, OrgSettings
from chalicelib.domain.groups import ChannelGroup
from chalicelib.domain.lifecycle import View, in_view
from chalicelib.domain.errors import StaleWrite, UnavailableError
from chalicelib.domain.models import (Advisory, AuditEntry, AuditEvent, ChannelAccount,
                                      DeliveryRecord, Template, User, utcnow)
from chalicelib.channels.port import AmbiguousError, Capabilities, PostRef
from chalicelib.domain.messages import DeliveryMessage
from chalicelib.ports import AdvisoryPage, DeliveryContext, Entity, Marker, Put
from chalicelib.rendering.model import Rendering

T = TypeVar("T", bound=Entity)
FINAL_STATES = ("sent", "failed", "skipped")


class InMemoryStore:
    def __init__(self) -> None:
        self._items: dict[Key, Entity] = {}
        self._index: dict[Key, tuple[str, str]] = {}
        self._audit: list[AuditEntry] = []
        self._heads: dict[str, audit.ChainHead] = {}
        self._shard = 0
        self._head_written: dict[str, datetime] = {}
        self._lock = threading.Lock()

    # -- reads ------------------------------------------------------------------------------
    def _get(self, key: Key, kind: type[T]) -> T | None:
        item = self._items.get(key)
        return item.model_copy(deep=True) if isinstance(item, kind) else None

    def _by_index(self, gsi1pk: str, kind: type[T], newest_first: bool = False) -> list[T]:
        keys = sorted((k for k, g in self._index.items() if g[0] == gsi1pk),
                      key=lambda k: self._index[k][1], reverse=newest_first)
        return [self._items[k].model_copy(deep=True) for k in keys if isinstance(self._items[k], kind)]

    def get_advisory(self, advisory_id: str) -> Advisory | None:
        return self._get(advisory_key(advisory_id), Advisory)

    def list_advisories(self, limit: int = 200) -> list[Advisory]:
        return self._by_index("ADV", Advisory, newest_first=True)[:limit]

    def page_advisories(self, view: View, caller: str, now: datetime, limit: int,
                        after: str | None = None) -> AdvisoryPage:
        found = [a for a in self._by_index("ADV", Advisory, newest_first=True)
                 if (after is None or advisory_sort_key(a) < after) and in_view(a, view, caller, now)]
        page = found[:limit]
        return AdvisoryPage(page, advisory_sort_key(page[-1]) if len(found) > limit else None)

    def deliveries_for(self, advisory_id: str) -> list[DeliveryRecord]:
        pk = advisory_key(advisory_id)[0]
        found = [v for (p, s), v in sorted(self._items.items()) if p == pk and s.startswith("DLV#")]
        return [d.model_copy(deep=True) for d in found if isinstance(d, DeliveryRecord)]

    def get_delivery(self, advisory_id: str, channel_account: str) -> DeliveryRecord | None:
        return self._get(delivery_key(advisory_id, channel_account), DeliveryRecord)

    def load_deliveries(self, pairs: Sequence[tuple[str, str]]) -> DeliveryContext:
        advisories = {a: self.get_advisory(a) for a in {a for a, _ in pairs}}
        deliveries = {(a, c): self.get_delivery(a, c) for a, c in pairs}
        channels = {c: self.get_channel(c) for c in {c for _, c in pairs}}
        return DeliveryContext(advisories={k: v for k, v in advisories.items() if v is not None},
                               deliveries={k: v for k, v in deliveries.items() if v is not None},
                               channels={k: v for k, v in channels.items() if v is not None})

    def unfinished_deliveries(self, advisory_id: str) -> int:
        return sum(d.state.value not in FINAL_STATES for d in self.deliveries_for(advisory_id))

    def get_template(self, template_id: str) -> Template | None:
        return self._get(template_key(template_id), Template)

    def list_templates(self) -> list[Template]:
        return self._by_index("TPL", Template, newest_first=True)

    def get_user(self, user_id: str) -> User | None:
        return self._get(user_key(user_id), User)

    def list_users(self) -> list[User]:
        return self._by_index("USER", User)

    def get_channel(self, channel_id: str) -> ChannelAccount | None:
        return self._get(channel_key(channel_id), ChannelAccount)

    def get_channels(self, channel_ids: Sequence[str]) -> dict[str, ChannelAccount]:
        found = {c: self.get_channel(c) for c in channel_ids}
        return {c: a for c, a in found.items() if a is not None}

    def list_channels(self) -> list[ChannelAccount]:
        return self._by_index("CHAN", ChannelAccount)

    def get_channel_group(self, name: str) -> ChannelGroup | None:
        return self._get(group_key(name), ChannelGroup)

    def get_channel_groups(self, names: Sequence[str]) -> dict[str, ChannelGroup]:
        found = {n: self.get_channel_group(n) for n in names}
        return {n: g for n, g in found.items() if g is not None}

    def list_channel_groups(self) -> list[ChannelGroup]:
        return self._by_index("GROUP", ChannelGroup)

    def get_marker(self, key: str) -> Marker | None:
        return self._get(marker_key(key), Marker)

    def get_org_settings(self) -> OrgSettings | None:
        return self._get(ORG_SETTINGS_KEY, OrgSettings)

    def get_switch(self) -> DeliverySwitch | None:
        return self._get(SWITCH_KEY, DeliverySwitch)

    def audit_heads(self, changed_since: datetime | None = None) -> dict[str, audit.ChainHead]:
        return {c: h for c, h in self._heads.items()
                if changed_since is None or self._head_written[c] > changed_since}

    def audit_chain(self, chain: str, from_seq: int = 1) -> list[AuditEntry]:
        return sorted((e.model_copy() for e in self._audit if e.chain == chain and e.seq >= from_seq),
                      key=lambda e: e.seq)

    def audit_entries(self, after: str | None = None) -> Iterator[AuditEntry]:
        ordered = sorted(self._audit, key=audit.position)
        return iter([e.model_copy() for e in ordered if after is None or audit.position(e) > after])

    def audit_entries_about(self, advisory_id: str, after: str | None = None) -> Iterator[AuditEntry]:
        return (e for e in self.audit_entries(after) if e.advisory_id == advisory_id)

    def audit_head(self, chain: str) -> audit.ChainHead | None:
        return self._heads.get(chain)

    # -- the one way to write -----------------------------------------------------------------
    def commit(self, puts: Sequence[Put], events: Sequence[AuditEvent] = ()) -> list[AuditEntry]:
        if len({key_of(p.item)[0] for p in puts}) < len(puts):
            raise ValueError("a commit writes each item at most once")  # as DynamoDB refuses it
        with self._lock:
            for index, put in enumerate(puts):
                (key, _) = key_of(put.item)
                stored = self._items.get(key)
                stored_revision = None if stored is None else stored.revision
                if stored_revision != put.expect_revision:
                    raise StaleWrite(f"write {index} ({key[0]}/{key[1]}): expected revision "
                                     f"{put.expect_revision}, found {stored_revision}")
            for put in puts:
                (key, gsi) = key_of(put.item)
                self._items[key] = put.item.model_copy(deep=True)
                if gsi:
                    self._index[key] = gsi
            appended = []
            if puts:
                chain = chain_of(key_of(puts[0].item)[0])
            else:
                chain, self._shard = audit.system_chain(self._shard), self._shard + 1
            for event in events:
                entry = audit.link(self._heads.get(chain, audit.EMPTY_CHAIN), event, chain)
                self._audit.append(entry)
                self._heads[chain] = audit.ChainHead(entry.seq, entry.hash)
                self._head_written[chain] = utcnow()
                appended.append(entry)
            return appended

    # -- test helpers: tamper with the trail the way an attacker with table access could ------
    def tamper_audit(self, entries: list[AuditEntry]) -> None:
        self._audit = entries


class RecordingPublisher:
    """A broadcast publisher that keeps what it was asked to publish."""

    def __init__(self, fail: bool = False) -> None:
        self.published: list[DeliveryMessage] = []
        self.fail = fail

    def publish(self, message: DeliveryMessage) -> str:
        if self.fail:
            raise UnavailableError("the broadcast topic is unavailable")
        self.published.append(message)
        return f"msg-{len(self.published)}"

    def publish_all(self, messages: Sequence[DeliveryMessage]) -> list[str]:
        return [self.publish(message) for message in messages]


class FixedClock:
    def __init__(self, now: datetime | None = None) -> None:
        self._now = now or utcnow()

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


class FakeChannel:
    """A platform account in memory: keeps its posts and pins; can be told to fail the next calls.

    `script` holds what the next publishes do: an exception to raise, or "accept_then_timeout"
    (the post is kept, then AmbiguousError is raised, like a platform that answers too late).
    """

    def __init__(self, capabilities: Capabilities | None = None) -> None:
        self.capabilities = capabilities or Capabilities(can_pin=True, can_edit=True, can_delete=True,
                                                         threads=True, can_find=True)
        self.posts: list[dict[str, str]] = []
        self.pinned: list[str] = []
        self.calls: list[str] = []
        self.script: list[object] = []
        self.link_on_post = True  # False: like Slack, the link is asked for after the post

    def publish(self, rendering: Rendering, idempotency_key: str,
                reply_to: PostRef | None = None) -> PostRef:
        self.calls.append(f"publish reply to {reply_to.post_id}" if reply_to else "publish")
        step = self.script.pop(0) if self.script else None
        if isinstance(step, Exception):
            raise step
        post = {"id": f"p{len(self.posts) + 1}", "text": rendering.text, "key": idempotency_key,
                "marker": rendering.marker}
        self.posts.append(post)
        if step == "accept_then_timeout":
            raise AmbiguousError("timed out after sending")
        return PostRef(post_id=post["id"], url=f"https://fake/{post['id']}" if self.link_on_post else None)

    def permalink(self, post: PostRef) -> str | None:
        self.calls.append(f"permalink {post.post_id}")
        return post.url or f"https://fake/{post.post_id}"

    def pin(self, post: PostRef, previous: PostRef | None = None) -> None:
        self.calls.append(f"pin {post.post_id}")
        self.pinned.append(post.post_id)
        if previous is not None:
            self.unpin(previous)

    def unpin(self, post: PostRef) -> None:
        self.calls.append(f"unpin {post.post_id}")
        if post.post_id in self.pinned:
            self.pinned.remove(post.post_id)

    def edit(self, post: PostRef, rendering: Rendering) -> PostRef:
        self.calls.append(f"edit {post.post_id}")
        for stored in self.posts:
            if stored["id"] == post.post_id:
                stored["text"] = rendering.text
        return post

    def delete(self, post: PostRef) -> None:
        self.calls.append(f"delete {post.post_id}")
        self.posts = [p for p in self.posts if p["id"] != post.post_id]

    def find(self, marker: str, since: datetime | None = None) -> PostRef | None:
        self.calls.append("find")
        for post in reversed(self.posts):
            if marker and post["marker"] == marker:
                return PostRef(post_id=post["id"], url=f"https://fake/{post['id']}")
        return None


class FakeChannels:
    """The channel provider for tests: one FakeChannel per account, made on first use."""

    def __init__(self) -> None:
        self.by_account: dict[str, FakeChannel] = {}

    def channel(self, account: ChannelAccount) -> FakeChannel:
        return self.by_account.setdefault(account.id, FakeChannel())


class RecordingAlerts:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def alert(self, subject: str, message: str) -> None:
        self.sent.append((subject, message))


class RecordingRedriver:
    def __init__(self) -> None:
        self.redriven: list[tuple[str, str, tuple[str, ...]]] = []
        self.dead: list[tuple[str, str, str]] = []
        self.delayed: list[tuple[str, float]] = []
        self.held: list[tuple[str, str, float]] = []

    def redrive(self, platform: str, advisory_id: str, content_hash: str, accounts: Sequence[str]) -> None:
        self.redriven.append((platform, advisory_id, tuple(accounts)))

    def dead_letter(self, platform: str, advisory_id: str, content_hash: str, account: str, reason: str) -> None:
        self.dead.append((advisory_id, account, reason))

    def delay(self, queue_arn: str, receipt_handle: str, seconds: float) -> None:
        self.delayed.append((receipt_handle, seconds))

    def hold(self, platform: str, body: str, seconds: float) -> None:
        self.held.append((platform, body, seconds))


# -- what the observability middleware writes ----------------------------------------------------
class Captured:
    def __init__(self, buffer: io.StringIO) -> None:
        self._buffer = buffer

    @property
    def text(self) -> str:
        return self._buffer.getvalue()

    @property
    def lines(self) -> list[dict[str, Any]]:
        """Every JSON line written (logs and EMF documents); a line that is not JSON fails loudly."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def logs(self, message: str | None = None) -> list[dict[str, Any]]:
        return [line for line in self.lines if "_aws" not in line
                and (message is None or line.get("message") == message)]

    def metrics(self) -> dict[str, list[tuple[Any, dict[str, str]]]]:
        """metric name -> [(value, dimensions)] from the EMF documents."""
        out: dict[str, list[tuple[Any, dict[str, str]]]] = {}
        for line in self.lines:
            if "_aws" not in line:
                continue
            spec = line["_aws"]["CloudWatchMetrics"][0]
            dimensions = {d: line[d] for d in spec["Dimensions"][0]}
            for metric in spec["Metrics"]:
                out.setdefault(metric["Name"], []).append((line[metric["Name"]], dimensions))
        return out


@contextlib.contextmanager
def capture() -> Iterator[Captured]:
    """Everything the middleware and the `clarion*` loggers write, while inside the block."""
    from chalicelib.observability import telemetry

    t = telemetry()
    buffer = io.StringIO()
    previous = t.stream
    t.handler.setStream(buffer)
    t.stream = buffer
    try:
        yield Captured(buffer)
    finally:
        t.handler.setStream(previous)
        t.stream = previous


def deliver_one(service: Any, advisory_id: str, account_id: str, content_hash: str) -> Any:
    """One advisory to one account through the worker's own steps (prepare, carry out, complete),
    as `handlers.handle_delivery_batch` runs them for a batch of one."""
    from chalicelib.services.delivery import Job

    job = Job(advisory_id, account_id, content_hash)
    try:
        attempt, = service.prepare([job])
        outcome = service.carry_out(attempt)
        service.complete([advisory_id])
        return outcome
    finally:
        service.written([job])
