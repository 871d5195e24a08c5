"""The Store on DynamoDB: one table (see keys.py), every commit one conditional transaction.

Entities are stored as their JSON document (`doc`) beside the key attributes and `revision`.
The audit trail is many hash chains (domain/audit.py): a commit's entries go on the chain of the
item it writes first (or on one of the system shards when it writes none), and each chain's head
is an item of its own, written in the same transaction, conditional on the head we read. Writers
that race on a head already race on the item, so there is no global hot item. A head that is
missing or behind its chain (a table writer deleted or rolled it back) is an integrity alarm, and
the append goes on from the chain's real last entry: never a "too busy" refusal. Within one
process, commits that queue up while another is written are written together (group commit); a
commit is never split, and if a group loses a race each of its commits is tried alone, so each
still succeeds or fails as a whole.
"""
from __future__ import annotations

import heapq
import random
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar
from collections.abc import Callable, Iterator, Sequence

from botocore.exceptions import ClientError
from pydantic import BaseModel

from chalicelib.adapters.keys import (delivery_key, AUDIT_HEAD_SK, AUDIT_HEADS_PK, AUDIT_PK, Key, advisory_key,
                                      advisory_queue_key, advisory_sort_key, audit_advisory_pk, audit_chain_pk,
                                      audit_sk, chain_of, channel_key, key_of, marker_key,
                                      moment, queue_pk, template_key, user_key, ORG_SETTINGS_KEY, SWITCH_KEY)
from chalicelib.domain import audit
from chalicelib.domain.org import DeliverySwitch, OrgSettings
from chalicelib.adapters.keys import group_key
from chalicelib.domain.groups import ChannelGroup
from chalicelib.domain.errors import StaleWrite, UnavailableError
from chalicelib.domain.lifecycle import View
from chalicelib.domain.models import (Advisory, AuditEntry, AuditEvent, ChannelAccount,
                                      DeliveryRecord, Template, User)
from chalicelib.ports import AdvisoryPage, DeliveryContext, Marker, Put

# Bound to BaseModel, not Entity: `model_validate_json` returns the class it is called on, which
# mypy keeps for a plain class bound but widens to the whole union for a union bound.
T = TypeVar("T", bound=BaseModel)


class _AuditRace(Exception):
    """A chain head moved between our read and our write, or an entry we meant to add exists
    (the head is behind its chain)."""

    def __init__(self, entry_taken: bool = False) -> None:
        super().__init__("audit race")
        self.entry_taken = entry_taken


# The whole trail in time order is gsi1 under AUDIT_PK#<shard>: spread over shards so no index
# partition takes every audit write; reading merges the shards.
AUDIT_INDEX_SHARDS = 8
MAX_CACHED_HEADS = 50_000
# A chain's entry sort keys: 12 digits, which sort before "HEAD".
_FIRST_SK, _LAST_SK = audit_sk(1), "9" * 12

# DynamoDB allows 100 items per transaction (the head takes one slot) and 100 keys per batch read.
MAX_ITEMS_PER_COMMIT = 100
MAX_KEYS_PER_BATCH_GET = 100
BATCH_GET_ATTEMPTS = 8
PARALLEL_BATCH_GETS = 10  # an approval's 1,000 accounts: ten reads at once
# A filtered view (mine; live past `expires`) reads at most this many index entries per page;
# a page that runs out of budget is returned short, with where to continue.
MAX_EXAMINED_PER_PAGE = 1000
AUDIT_RETRIES = 40
# Appends from threads of one process (a worker delivering to several accounts at once) take
# turns here instead of racing for the chain head and backing off, and the commits queued while
# one is written go together in the next transaction (group commit: fewer transactions on the
# one hot item, the head); across processes the conditional head write still decides.
_APPEND_LOCK = threading.Lock()


class _Commit:
    """One caller's commit while it waits to be written, alone or in a group."""

    def __init__(self, domain_items: list[dict[str, Any]], events: list[AuditEvent], chain: str = "",
                 new_chain: bool = False) -> None:
        self.domain_items = domain_items
        self.events = events
        self.chain = chain
        self.new_chain = new_chain  # its first item is created: its chain starts now (unless repaired)
        self.keys = {(i["Put"]["Item"]["pk"]["S"], i["Put"]["Item"]["sk"]["S"]) for i in domain_items}
        self.size = len(domain_items) + len(events)
        self.done = False
        self._entries: list[AuditEntry] = []
        self._error: Exception | None = None

    def succeed(self, entries: list[AuditEntry]) -> None:
        self._entries, self.done = entries, True

    def fail(self, error: Exception) -> None:
        self._error, self.done = error, True

    def outcome(self) -> list[AuditEntry]:
        if self._error is not None:
            raise self._error
        return self._entries


def _s(value: str) -> dict[str, str]:
    return {"S": value}


class DynamoDBStore:
    def __init__(self, client: Any, table_name: str,
                 alarm: Callable[[str, str], None] | None = None) -> None:
        self._db = client
        self._table = table_name
        # The chain heads this process last wrote: right unless another process appended since,
        # in which case the conditional write fails and we read the head again.
        self._heads: dict[str, audit.ChainHead] = {}
        self._alarm = alarm  # an integrity alarm to on-call (subject, message)
        self._shard = random.randrange(audit.SYSTEM_SHARDS)
        self._queue: list[_Commit] = []  # commits waiting for _APPEND_LOCK, oldest first
        self._queue_lock = threading.Lock()

    # -- reads ------------------------------------------------------------------------------
    def _get(self, key: Key, kind: type[T]) -> T | None:
        item = self._db.get_item(TableName=self._table, Key={"pk": _s(key[0]), "sk": _s(key[1])},
                                 ConsistentRead=True).get("Item")
        return kind.model_validate_json(item["doc"]["S"]) if item else None

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        paginator = self._db.get_paginator("query")
        for page in paginator.paginate(TableName=self._table, **kwargs):
            yield from page["Items"]

    def _by_index(self, gsi1pk: str, kind: type[T], newest_first: bool = False,
                  limit: int | None = None) -> list[T]:
        out: list[T] = []
        for item in self._query(IndexName="gsi1", KeyConditionExpression="gsi1pk = :p",
                                ExpressionAttributeValues={":p": _s(gsi1pk)},
                                ScanIndexForward=not newest_first):
            out.append(kind.model_validate_json(item["doc"]["S"]))
            if limit and len(out) >= limit:
                break
        return out

    def get_advisory(self, advisory_id: str) -> Advisory | None:
        return self._get(advisory_key(advisory_id), Advisory)

    def list_advisories(self, limit: int = 200) -> list[Advisory]:
        return self._by_index("ADV", Advisory, newest_first=True, limit=limit)

    def page_advisories(self, view: View, caller: str, now: Any, limit: int,
                        after: str | None = None) -> AdvisoryPage:
        """One key query: every advisory on gsi1 (all, mine: filtered on `author`), or one state
        queue on the sparse gsi2 (awaiting approval, live, the caller's drafts), newest first."""
        if view in (View.ALL, View.MINE):
            index, pk_name, sk_name, pk = "gsi1", "gsi1pk", "gsi1sk", "ADV"
        else:
            index, pk_name, sk_name, pk = "gsi2", "gsi2pk", "gsi2sk", queue_pk(view, caller)
        values: dict[str, Any] = {":p": _s(pk)}
        query: dict[str, Any] = {"KeyConditionExpression": f"{pk_name} = :p"}
        if after:
            query["KeyConditionExpression"] += f" AND {sk_name} < :after"
            values[":after"] = _s(after)
        if view is View.MINE:
            query.update(FilterExpression="#a = :me", ExpressionAttributeNames={"#a": "author"})
            values[":me"] = _s(caller)
        elif view is View.LIVE:
            query.update(FilterExpression="attribute_not_exists(#x) OR #x > :now",
                         ExpressionAttributeNames={"#x": "exp"})
            values[":now"] = _s(moment(now))
        filtered = "FilterExpression" in query
        found: list[Advisory] = []
        examined = 0
        while True:
            wanted = limit + 1 - len(found)
            answer = self._db.query(TableName=self._table, IndexName=index, ScanIndexForward=False,
                                    ExpressionAttributeValues=values, ProjectionExpression="doc",
                                    Limit=MAX_EXAMINED_PER_PAGE - examined if filtered else wanted, **query)
            found += [Advisory.model_validate_json(i["doc"]["S"]) for i in answer["Items"]]
            examined += answer.get("ScannedCount", len(answer["Items"]))
            if len(found) > limit:
                found = found[:limit]
                return AdvisoryPage(found, advisory_sort_key(found[-1]))
            last = answer.get("LastEvaluatedKey")
            if not last:
                return AdvisoryPage(found, None)
            if examined >= MAX_EXAMINED_PER_PAGE:
                return AdvisoryPage(found, last[sk_name]["S"])
            query["ExclusiveStartKey"] = last

    def deliveries_for(self, advisory_id: str) -> list[DeliveryRecord]:
        items = self._query(
            KeyConditionExpression="pk = :p AND begins_with(sk, :d)",
            ExpressionAttributeValues={":p": _s(advisory_key(advisory_id)[0]), ":d": _s("DLV#")},
            ConsistentRead=True)
        return [DeliveryRecord.model_validate_json(i["doc"]["S"]) for i in items]

    def get_delivery(self, advisory_id: str, channel_account: str) -> DeliveryRecord | None:
        return self._get(delivery_key(advisory_id, channel_account), DeliveryRecord)

    def load_deliveries(self, pairs: Sequence[tuple[str, str]]) -> DeliveryContext:
        keys = ([advisory_key(a) for a in dict.fromkeys(a for a, _ in pairs)]
                + [delivery_key(a, c) for a, c in dict.fromkeys(pairs)]
                + [channel_key(c) for c in dict.fromkeys(c for _, c in pairs)])
        advisories: dict[str, Advisory] = {}
        deliveries: dict[tuple[str, str], DeliveryRecord] = {}
        channels: dict[str, ChannelAccount] = {}
        for item in self._batch_get(keys):
            sk, doc = item["sk"]["S"], item["doc"]["S"]
            if sk == "ADV":
                advisory = Advisory.model_validate_json(doc)
                advisories[advisory.id] = advisory
            elif sk.startswith("DLV#"):
                delivery = DeliveryRecord.model_validate_json(doc)
                deliveries[(delivery.advisory_id, delivery.channel_account)] = delivery
            elif sk == "CHAN":
                channel = ChannelAccount.model_validate_json(doc)
                channels[channel.id] = channel
        return DeliveryContext(advisories=advisories, deliveries=deliveries, channels=channels)

    def _batch_get(self, keys: Sequence[Key], projection: str = "pk, sk, doc",
                   names: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of `keys` that exists, read MAX_KEYS_PER_BATCH_GET at a time; more than that
        (an approval's 1,000 accounts) in several calls at once, not one after another."""
        chunks = [keys[start:start + MAX_KEYS_PER_BATCH_GET] for start in range(0, len(keys), MAX_KEYS_PER_BATCH_GET)]
        if len(chunks) <= 1:
            for chunk in chunks:
                yield from self._batch_get_chunk(chunk, projection, names)
            return
        with ThreadPoolExecutor(max_workers=min(PARALLEL_BATCH_GETS, len(chunks)), thread_name_prefix="read") as pool:
            for items in pool.map(lambda chunk: self._batch_get_chunk(chunk, projection, names), chunks):
                yield from items

    def _batch_get_chunk(self, keys: Sequence[Key], projection: str,
                         names: dict[str, str] | None) -> list[dict[str, Any]]:
        """The items of at most MAX_KEYS_PER_BATCH_GET keys; keys DynamoDB leaves unprocessed are
        asked again."""
        found: list[dict[str, Any]] = []
        wanted: list[dict[str, Any]] = [{"pk": _s(pk), "sk": _s(sk)} for pk, sk in keys]
        for attempt in range(BATCH_GET_ATTEMPTS):
            answer = self._db.batch_get_item(RequestItems={
                self._table: {"Keys": wanted, "ConsistentRead": True, "ProjectionExpression": projection,
                              **({"ExpressionAttributeNames": names} if names else {})}})
            found += answer.get("Responses", {}).get(self._table, [])
            wanted = answer.get("UnprocessedKeys", {}).get(self._table, {}).get("Keys", [])
            if not wanted:
                return found
            time.sleep(random.uniform(0, min(1.0, 0.02 * 2 ** attempt)))
        raise UnavailableError("storage is throttling reads; try again")

    def unfinished_deliveries(self, advisory_id: str) -> int:
        """A count, filtered on the small `st` attribute: no documents cross the wire."""
        paginator = self._db.get_paginator("query")
        pages = paginator.paginate(
            TableName=self._table, Select="COUNT", ConsistentRead=True,
            KeyConditionExpression="pk = :p AND begins_with(sk, :d)",
            FilterExpression="NOT st IN (:sent, :failed, :skipped)",
            ExpressionAttributeValues={":p": _s(advisory_key(advisory_id)[0]), ":d": _s("DLV#"),
                                       ":sent": _s("sent"), ":failed": _s("failed"), ":skipped": _s("skipped")})
        return sum(page["Count"] for page in pages)

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
        items = self._batch_get([channel_key(c) for c in dict.fromkeys(channel_ids)])
        return {a.id: a for a in (ChannelAccount.model_validate_json(i["doc"]["S"]) for i in items)}

    def list_channels(self) -> list[ChannelAccount]:
        return self._by_index("CHAN", ChannelAccount)

    def get_channel_group(self, name: str) -> ChannelGroup | None:
        return self._get(group_key(name), ChannelGroup)

    def get_channel_groups(self, names: Sequence[str]) -> dict[str, ChannelGroup]:
        items = self._batch_get([group_key(n) for n in dict.fromkeys(names)])
        return {g.name: g for g in (ChannelGroup.model_validate_json(i["doc"]["S"]) for i in items)}

    def list_channel_groups(self) -> list[ChannelGroup]:
        return self._by_index("GROUP", ChannelGroup)

    def get_marker(self, key: str) -> Marker | None:
        return self._get(marker_key(key), Marker)

    def get_org_settings(self) -> OrgSettings | None:
        return self._get(ORG_SETTINGS_KEY, OrgSettings)

    def get_switch(self) -> DeliverySwitch | None:
        return self._get(SWITCH_KEY, DeliverySwitch)

    def audit_head(self, chain: str) -> audit.ChainHead | None:
        """The stored head of one chain (consistent read); None: there is no head item."""
        item = self._db.get_item(TableName=self._table,
                                 Key={"pk": _s(audit_chain_pk(chain)), "sk": _s(AUDIT_HEAD_SK)},
                                 ConsistentRead=True).get("Item")
        return audit.ChainHead(int(item["seq"]["N"]), item["hash"]["S"]) if item else None

    def audit_heads(self, changed_since: datetime | None = None) -> dict[str, audit.ChainHead]:
        condition, values = "gsi1pk = :p", {":p": _s(AUDIT_HEADS_PK)}
        if changed_since is not None:  # a head's gsi1sk starts with when it was last written
            condition += " AND gsi1sk > :since"
            values[":since"] = _s(moment(changed_since))
        return {item["chain"]["S"]: audit.ChainHead(int(item["seq"]["N"]), item["hash"]["S"])
                for item in self._query(IndexName="gsi1", KeyConditionExpression=condition,
                                        ExpressionAttributeValues=values)}

    def audit_chain(self, chain: str, from_seq: int = 1) -> list[AuditEntry]:
        return [AuditEntry.model_validate_json(item["doc"]["S"]) for item in self._query(
            KeyConditionExpression="pk = :p AND sk BETWEEN :from AND :to", ConsistentRead=True,
            ExpressionAttributeValues={":p": _s(audit_chain_pk(chain)), ":from": _s(audit_sk(max(1, from_seq))),
                                       ":to": _s(_LAST_SK)})]

    def _last_entry(self, chain: str) -> AuditEntry | None:
        items = self._db.query(TableName=self._table, ConsistentRead=True, ScanIndexForward=False, Limit=1,
                               KeyConditionExpression="pk = :p AND sk BETWEEN :from AND :to",
                               ExpressionAttributeValues={":p": _s(audit_chain_pk(chain)),
                                                          ":from": _s(_FIRST_SK), ":to": _s(_LAST_SK)})["Items"]
        return AuditEntry.model_validate_json(items[0]["doc"]["S"]) if items else None

    def _by_position(self, index: str, pk_name: str, sk_name: str, pk: str,
                     after: str | None) -> Iterator[tuple[str, AuditEntry]]:
        condition, values = f"{pk_name} = :p", {":p": _s(pk)}
        if after is not None:
            condition += f" AND {sk_name} > :after"
            values[":after"] = _s(after)
        for item in self._query(IndexName=index, KeyConditionExpression=condition,
                                ExpressionAttributeValues=values):
            yield item[sk_name]["S"], AuditEntry.model_validate_json(item["doc"]["S"])

    def audit_entries(self, after: str | None = None) -> Iterator[AuditEntry]:
        shards = [self._by_position("gsi1", "gsi1pk", "gsi1sk", f"{AUDIT_PK}#{n}", after)
                  for n in range(AUDIT_INDEX_SHARDS)]
        for _position, entry in heapq.merge(*shards, key=lambda pair: pair[0]):
            yield entry

    def audit_entries_about(self, advisory_id: str, after: str | None = None) -> Iterator[AuditEntry]:
        for _position, entry in self._by_position("gsi2", "gsi2pk", "gsi2sk", audit_advisory_pk(advisory_id), after):
            yield entry

    # -- the one way to write -----------------------------------------------------------------
    def commit(self, puts: Sequence[Put], events: Sequence[AuditEvent] = ()) -> list[AuditEntry]:
        if len(puts) + len(events) + (1 if events else 0) > MAX_ITEMS_PER_COMMIT:
            raise ValueError(f"a commit holds at most {MAX_ITEMS_PER_COMMIT} items")
        domain_items = [self._put_item(p) for p in puts]
        chain = chain_of(key_of(puts[0].item)[0]) if puts else ""  # "": a system shard, chosen when written
        request = _Commit(domain_items, list(events), chain, new_chain=bool(puts) and puts[0].expect_revision is None)
        if len(request.keys) < len(domain_items):
            raise ValueError("a commit writes each item at most once")
        if not events:
            return self._transact(domain_items, [])
        with self._queue_lock:
            self._queue.append(request)
        # Group commit: whoever holds the lock writes its own commit together with those queued
        # behind it, in one transaction; a thread whose commit was written meanwhile just returns.
        with _APPEND_LOCK:
            if not request.done:
                self._write_group(self._take_group(request))
        return request.outcome()

    def _take_group(self, first: _Commit) -> list[_Commit]:
        """`first` and the queued commits that fit beside it: disjoint items, 100 items in all."""
        group, keys, size = [first], set(first.keys), first.size + 1  # + its chain head
        with self._queue_lock:
            self._queue.remove(first)
            for other in list(self._queue):
                if size + other.size + 1 <= MAX_ITEMS_PER_COMMIT and not keys & other.keys:
                    self._queue.remove(other)
                    group.append(other)
                    keys |= other.keys
                    size += other.size + 1
        for commit in group:  # commits that write no item go on the system shards in turn
            if not commit.chain:
                commit.chain = audit.system_chain(self._shard)
                self._shard += 1
        return group

    def _write_group(self, group: list[_Commit]) -> None:
        try:
            written = self._append(group)
        except StaleWrite as error:
            if len(group) == 1:
                group[0].fail(error)
                return
            for commit in group:  # one of them lost a race: find out which, each on its own
                self._write_group([commit])
            return
        except Exception as error:
            for commit in group:
                commit.fail(error)
            return
        for commit, entries in zip(group, written, strict=True):
            commit.succeed(entries)

    def _append(self, group: list[_Commit]) -> list[list[AuditEntry]]:
        """Write the group's items and append each commit's events to its chain, in one
        transaction; the caller holds _APPEND_LOCK. Returns each commit's entries."""
        chains = list(dict.fromkeys(c.chain for c in group))
        domain_items = [i for c in group for i in c.domain_items]
        # chain -> (the head to link onto, the stored head to expect: None, no head item)
        bases = self._bases({chain: all(c.new_chain for c in group if c.chain == chain) for chain in chains})
        for attempt in range(AUDIT_RETRIES):
            written, audit_items, tips = self._audit_items(group, bases)
            try:
                self._transact(domain_items, audit_items)
            except _AuditRace:
                # Another process appended to one of our chains (its item, or a system shard), or
                # a head is missing or behind its chain: read each chain's state and re-link.
                cached = {chain: self._heads.pop(chain, None) for chain in chains}
                bases = {chain: self._repair(chain, cached[chain]) for chain in chains}
                if attempt:  # back off (full jitter)
                    time.sleep(random.uniform(0, min(0.1, 0.002 * 2 ** attempt)))
                continue
            if len(self._heads) > MAX_CACHED_HEADS:
                self._heads.clear()
            self._heads.update(tips)
            return written
        raise UnavailableError("storage is too contended to append to the audit trail; try again")

    def _bases(self, chains: dict[str, bool]) -> dict[str, tuple[audit.ChainHead, audit.ChainHead | None]]:
        """For each chain (-> whether its commits create its item): the head this process last
        wrote; an empty chain where the item is created (its chain starts now, checked by the
        write); else the stored head, read for every such chain at once (a group of claims, one
        per delivery row, each on its own chain, costs one read, not one each)."""
        unread = [chain for chain, new in chains.items() if chain not in self._heads and not new]
        stored = self._stored_heads(unread)
        bases: dict[str, tuple[audit.ChainHead, audit.ChainHead | None]] = {}
        for chain, new in chains.items():
            cached = self._heads.get(chain)
            if cached is not None:
                bases[chain] = (cached, cached)
            elif new:
                bases[chain] = (audit.EMPTY_CHAIN, None)
            else:
                head = stored.get(chain)
                bases[chain] = (head or audit.EMPTY_CHAIN, head)
        return bases

    def _stored_heads(self, chains: Sequence[str]) -> dict[str, audit.ChainHead]:
        """The stored heads of `chains` (consistent reads); a chain without a head item is left out."""
        if len(chains) <= 1:
            heads = {chain: self.audit_head(chain) for chain in chains}
            return {chain: head for chain, head in heads.items() if head is not None}
        chain_of_pk = {audit_chain_pk(chain): chain for chain in chains}
        items = self._batch_get([(pk, AUDIT_HEAD_SK) for pk in chain_of_pk],
                                projection="pk, sk, seq, #hash", names={"#hash": "hash"})
        return {chain_of_pk[item["pk"]["S"]]: audit.ChainHead(int(item["seq"]["N"]), item["hash"]["S"])
                for item in items}

    def _repair(self, chain: str, cached: audit.ChainHead | None
                ) -> tuple[audit.ChainHead, audit.ChainHead | None]:
        """Where to append to `chain` now, after a write that did not fit it. A head that is
        missing, behind or beside the chain's last entry (read twice around it, so a commit that
        lands meanwhile is not mistaken for tampering) raises an integrity alarm, and appending
        goes on from the last entry."""
        head = self.audit_head(chain)
        last = self._last_entry(chain)
        again = self.audit_head(chain)
        if again != head:  # another process appended meanwhile: just try again from its head
            return again or audit.EMPTY_CHAIN, again
        tip = audit.ChainHead(last.seq, last.hash) if last else audit.EMPTY_CHAIN
        if head is None and last is not None:
            self._raise_alarm(chain, f"the head of audit chain {chain} is missing, but the chain has "
                                     f"{last.seq} entries; appending after entry {last.seq}")
        elif head is not None and head != tip:
            self._raise_alarm(chain, f"the head of audit chain {chain} records entry {head.seq} but the chain's "
                                     f"last entry is {tip.seq} (the head or the chain was changed); "
                                     f"appending after entry {tip.seq}")
        elif head is not None and cached is not None and cached.seq > head.seq:
            self._raise_alarm(chain, f"the head of audit chain {chain} went back from entry {cached.seq} "
                                     f"to {head.seq} (rolled back over deleted entries)")
        return tip, head

    def _raise_alarm(self, chain: str, message: str) -> None:
        import logging

        logging.getLogger("clarion.audit").error("audit integrity alarm", extra={"chain": chain, "problem": message})
        if self._alarm is not None:
            try:
                self._alarm("Clarion audit trail integrity alarm", message)
            except Exception:  # the alarm must never stop recording
                logging.getLogger("clarion.audit").exception("could not send the audit integrity alarm")

    def _transact(self, domain_items: list[dict[str, Any]], audit_items: list[dict[str, Any]]) -> list[AuditEntry]:
        try:
            self._db.transact_write_items(TransactItems=domain_items + audit_items)
        except ClientError as error:
            self._raise_unless_audit_race(error, len(domain_items))
            raise _AuditRace() from error
        return []

    def _put_item(self, put: Put) -> dict[str, Any]:
        (pk, sk), gsi = key_of(put.item)
        item = {"pk": _s(pk), "sk": _s(sk), "doc": _s(put.item.model_dump_json()),
                "revision": {"N": str(put.item.revision)}}
        if gsi:
            item.update(gsi1pk=_s(gsi[0]), gsi1sk=_s(gsi[1]))
        if isinstance(put.item, DeliveryRecord):  # for counting unfinished deliveries cheaply
            item["st"] = _s(put.item.state.value)
        if isinstance(put.item, Advisory):  # the console's views (keys.py): queue, author, expiry
            queue = advisory_queue_key(put.item)
            if queue:
                item.update(gsi2pk=_s(queue[0]), gsi2sk=_s(queue[1]))
            item["author"] = _s(put.item.author)
            if put.item.content.expires:
                item["exp"] = _s(moment(put.item.content.expires))
        if put.expect_revision is None:
            condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
        else:
            condition = {"ConditionExpression": "revision = :r",
                         "ExpressionAttributeValues": {":r": {"N": str(put.expect_revision)}}}
        return {"Put": {"TableName": self._table, "Item": item, **condition}}

    def _audit_items(self, group: list[_Commit], bases: dict[str, tuple[audit.ChainHead, audit.ChainHead | None]]
                     ) -> tuple[list[list[AuditEntry]], list[dict[str, Any]], dict[str, audit.ChainHead]]:
        """Each commit's entries linked onto its chain, their items, then one head item per chain
        conditional on the stored head; and each chain's new head."""
        tips = {chain: base for chain, (base, _expected) in bases.items()}
        written_at = datetime.now(UTC)
        written: list[list[AuditEntry]] = []
        items: list[dict[str, Any]] = []
        for commit in group:
            entries = []
            for event in commit.events:
                entry = audit.link(tips[commit.chain], event, commit.chain)
                tips[commit.chain] = audit.ChainHead(entry.seq, entry.hash)
                entries.append(entry)
                items.append({"Put": {"TableName": self._table, "Item": self._entry_item(entry),
                                      "ConditionExpression": "attribute_not_exists(pk)"}})
            written.append(entries)
        for chain, (_base, expected) in bases.items():
            tip = tips[chain]
            head_item = {"pk": _s(audit_chain_pk(chain)), "sk": _s(AUDIT_HEAD_SK), "seq": {"N": str(tip.seq)},
                         "hash": _s(tip.hash), "chain": _s(chain), "gsi1pk": _s(AUDIT_HEADS_PK),
                         "gsi1sk": _s(f"{moment(written_at)}#{chain}")}
            if expected is None:
                cond: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
            else:
                cond = {"ConditionExpression": "#seq = :s AND #hash = :h",
                        "ExpressionAttributeNames": {"#seq": "seq", "#hash": "hash"},
                        "ExpressionAttributeValues": {":s": {"N": str(expected.seq)}, ":h": _s(expected.hash)}}
            items.append({"Put": {"TableName": self._table, "Item": head_item, **cond}})
        return written, items, tips

    @staticmethod
    def _entry_item(entry: AuditEntry) -> dict[str, Any]:
        position = audit.position(entry)
        shard = zlib.crc32(entry.chain.encode()) % AUDIT_INDEX_SHARDS
        item = {"pk": _s(audit_chain_pk(entry.chain)), "sk": _s(audit_sk(entry.seq)),
                "doc": _s(entry.model_dump_json()), "gsi1pk": _s(f"{AUDIT_PK}#{shard}"), "gsi1sk": _s(position)}
        if entry.advisory_id:
            item.update(gsi2pk=_s(audit_advisory_pk(entry.advisory_id)), gsi2sk=_s(position))
        return item

    @staticmethod
    def _raise_unless_audit_race(error: ClientError, domain_count: int) -> None:
        code = error.response.get("Error", {}).get("Code")
        if code == "TransactionConflictException":
            return
        if code != "TransactionCanceledException":
            raise UnavailableError(f"storage error: {code}") from error
        reasons = error.response.get("CancellationReasons") or []
        for index, reason in enumerate(reasons[:domain_count]):
            if reason.get("Code") not in (None, "None", "TransactionConflict"):
                raise StaleWrite(f"write {index} lost a race ({reason.get('Code')})") from error
        if not reasons:
            raise StaleWrite("transaction cancelled") from error
