"""The Store on DynamoDB: one table (see keys.py), every commit one conditional transaction.

Entities are stored as their JSON document (`doc`) beside the key attributes and `revision`.
The audit chain head is an item of its own; appending to the chain is conditional on the head
being the one we read, so concurrent writers (many Lambda workers) serialise on it and a
loser re-links its entries onto the new head and tries again. Within one process, commits that
queue up while another is written are written together (group commit); a commit is never split,
and if a group loses a race each of its commits is tried alone, so each still succeeds or fails
as a whole.
"""
from __future__ import annotations

import random
import threading
import time
from typing import Any, TypeVar
from collections.abc import Iterator, Sequence

from botocore.exceptions import ClientError
from pydantic import BaseModel

from chalicelib.adapters.keys import (delivery_key, AUDIT_HEAD_SK, AUDIT_PK, Key, advisory_key,
                                      advisory_queue_key, advisory_sort_key, audit_sk, channel_key, key_of, marker_key,
                                      moment, queue_pk, template_key, user_key, ORG_SETTINGS_KEY, SWITCH_KEY)
from chalicelib.domain import audit
from chalicelib.domain.org import DeliverySwitch, OrgSettings
from chalicelib.domain.errors import StaleWrite, UnavailableError
from chalicelib.domain.lifecycle import View
from chalicelib.domain.models import (Advisory, AuditEntry, AuditEvent, ChannelAccount,
                                      DeliveryRecord, Template, User)
from chalicelib.ports import AdvisoryPage, DeliveryContext, Marker, Put

# Bound to BaseModel, not Entity: `model_validate_json` returns the class it is called on, which
# mypy keeps for a plain class bound but widens to the whole union for a union bound.
T = TypeVar("T", bound=BaseModel)


class _AuditRace(Exception):
    """The chain head moved between our read and our write."""

# DynamoDB allows 100 items per transaction (the head takes one slot) and 100 keys per batch read.
MAX_ITEMS_PER_COMMIT = 100
MAX_KEYS_PER_BATCH_GET = 100
BATCH_GET_ATTEMPTS = 8
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

    def __init__(self, domain_items: list[dict[str, Any]], events: list[AuditEvent]) -> None:
        self.domain_items = domain_items
        self.events = events
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
    def __init__(self, client: Any, table_name: str) -> None:
        self._db = client
        self._table = table_name
        # The chain head this process last wrote: right unless another process appended since,
        # in which case the conditional write fails and we read the head again.
        self._head: audit.ChainHead | None = None
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

    def _batch_get(self, keys: Sequence[Key]) -> Iterator[dict[str, Any]]:
        """Every item of `keys` that exists; keys DynamoDB leaves unprocessed are asked again."""
        for start in range(0, len(keys), MAX_KEYS_PER_BATCH_GET):
            wanted: list[dict[str, Any]] = [{"pk": _s(pk), "sk": _s(sk)}
                                            for pk, sk in keys[start:start + MAX_KEYS_PER_BATCH_GET]]
            for attempt in range(BATCH_GET_ATTEMPTS):
                answer = self._db.batch_get_item(RequestItems={
                    self._table: {"Keys": wanted, "ConsistentRead": True,
                                  "ProjectionExpression": "pk, sk, doc"}})
                yield from answer.get("Responses", {}).get(self._table, [])
                wanted = answer.get("UnprocessedKeys", {}).get(self._table, {}).get("Keys", [])
                if not wanted:
                    break
                time.sleep(random.uniform(0, min(1.0, 0.02 * 2 ** attempt)))
            else:
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

    def get_marker(self, key: str) -> Marker | None:
        return self._get(marker_key(key), Marker)

    def get_org_settings(self) -> OrgSettings | None:
        return self._get(ORG_SETTINGS_KEY, OrgSettings)

    def get_switch(self) -> DeliverySwitch | None:
        return self._get(SWITCH_KEY, DeliverySwitch)

    def audit_head(self) -> audit.ChainHead:
        item = self._db.get_item(TableName=self._table,
                                 Key={"pk": _s(AUDIT_PK), "sk": _s(AUDIT_HEAD_SK)},
                                 ConsistentRead=True).get("Item")
        if not item:
            return audit.EMPTY_CHAIN
        return audit.ChainHead(int(item["seq"]["N"]), item["hash"]["S"])

    def audit_entries(self, after: int = 0) -> Iterator[AuditEntry]:
        # Entry sort keys are 12 digits, which sort before "HEAD".
        for item in self._query(KeyConditionExpression="pk = :p AND sk BETWEEN :from AND :to",
                                ExpressionAttributeValues={":p": _s(AUDIT_PK), ":from": _s(audit_sk(after + 1)),
                                                           ":to": _s("9" * 12)},
                                ConsistentRead=True):
            yield AuditEntry.model_validate_json(item["doc"]["S"])

    # -- the one way to write -----------------------------------------------------------------
    def commit(self, puts: Sequence[Put], events: Sequence[AuditEvent] = ()) -> list[AuditEntry]:
        if len(puts) + len(events) + (1 if events else 0) > MAX_ITEMS_PER_COMMIT:
            raise ValueError(f"a commit holds at most {MAX_ITEMS_PER_COMMIT} items")
        domain_items = [self._put_item(p) for p in puts]
        request = _Commit(domain_items, list(events))
        if len(request.keys) < len(domain_items):
            raise ValueError("a commit writes each item at most once")
        if not events:
            return self._transact(domain_items, [], [])
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
        group, keys, size = [first], set(first.keys), first.size + 1  # + the chain head
        with self._queue_lock:
            self._queue.remove(first)
            for other in list(self._queue):
                if size + other.size <= MAX_ITEMS_PER_COMMIT and not keys & other.keys:
                    self._queue.remove(other)
                    group.append(other)
                    keys |= other.keys
                    size += other.size
        return group

    def _write_group(self, group: list[_Commit]) -> None:
        try:
            written = self._append([i for c in group for i in c.domain_items], [e for c in group for e in c.events])
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
        for commit in group:
            commit.succeed(written[:len(commit.events)])
            written = written[len(commit.events):]

    def _append(self, domain_items: list[dict[str, Any]], events: list[AuditEvent]) -> list[AuditEntry]:
        """Write the items and append the events to the chain, in one transaction; the caller
        holds _APPEND_LOCK."""
        for attempt in range(AUDIT_RETRIES):
            head = self._head if self._head is not None and attempt == 0 else self.audit_head()
            entries, audit_items = self._audit_items(head, events)
            try:
                written = self._transact(domain_items, audit_items, entries)
                self._head = audit.ChainHead(written[-1].seq, written[-1].hash)
                return written
            except _AuditRace:
                self._head = None
                if attempt:  # another process moved the head: back off (full jitter), re-link
                    time.sleep(random.uniform(0, min(0.1, 0.002 * 2 ** attempt)))
        raise UnavailableError("the audit trail is too busy to append to; try again")

    def _transact(self, domain_items: list[dict[str, Any]], audit_items: list[dict[str, Any]],
                  entries: list[AuditEntry]) -> list[AuditEntry]:
        try:
            self._db.transact_write_items(TransactItems=domain_items + audit_items)
        except ClientError as error:
            self._raise_unless_audit_race(error, len(domain_items))
            raise _AuditRace() from error
        return entries

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

    def _audit_items(self, head: audit.ChainHead, events: Sequence[AuditEvent]
                     ) -> tuple[list[AuditEntry], list[dict[str, Any]]]:
        entries, items = [], []
        for event in events:
            entry = audit.link(head, event)
            head = audit.ChainHead(entry.seq, entry.hash)
            entries.append(entry)
            items.append({"Put": {
                "TableName": self._table,
                "Item": {"pk": _s(AUDIT_PK), "sk": _s(audit_sk(entry.seq)),
                         "doc": _s(entry.model_dump_json())},
                "ConditionExpression": "attribute_not_exists(pk)"}})
        if not entries:
            return [], []
        old_seq = entries[0].seq - 1
        head_item = {"pk": _s(AUDIT_PK), "sk": _s(AUDIT_HEAD_SK),
                     "seq": {"N": str(head.seq)}, "hash": _s(head.hash)}
        if old_seq == 0:
            cond: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
        else:
            cond = {"ConditionExpression": "seq = :s",
                    "ExpressionAttributeValues": {":s": {"N": str(old_seq)}}}
        items.append({"Put": {"TableName": self._table, "Item": head_item, **cond}})
        return entries, items

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
