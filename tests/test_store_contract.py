"""One contract, two implementations: the in-memory Store and the DynamoDB Store (on moto)."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from chalicelib.adapters.dynamodb import DynamoDBStore
from fakes import InMemoryStore
from chalicelib.domain import audit
from chalicelib.domain.errors import StaleWrite
from chalicelib.domain.models import (Advisory, AdvisoryContent, AuditEvent, ChannelAccount,
                                      DeliveryRecord, Role, Template, TemplateParameter, User, utcnow)
from chalicelib.domain.org import DeliverySwitch, OrgSettings, SwitchState
from chalicelib.infra import resources
from chalicelib.ports import Marker, Put, Store
from chalicelib.services.common import create, revise
from datetime import UTC


def chains_intact(store: Store) -> bool:
    """Every audit chain verifies against its head (domain/audit.py: one chain per item)."""
    heads = store.audit_heads()
    return bool(heads) and all(audit.verify(store.audit_chain(c), h, c).intact for c, h in heads.items())


def an_advisory(headline: str = "Boil water notice") -> Advisory:
    return Advisory(content=AdvisoryContent(headline=headline, channels=["sms:subscribers"]),
                    author="demo-spokesperson")


@pytest.fixture(params=["memory", "dynamodb"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "memory":
        yield InMemoryStore()
        return
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(**resources.table_definition("contract"))
        yield DynamoDBStore(client, resources.table_name("contract"))


class TestStoreContract:
    def test_a_new_item_reads_back_equal(self, store: Store) -> None:
        advisory, put = create(an_advisory())
        store.commit([put])
        assert store.get_advisory(advisory.id) == advisory

    def test_unknown_ids_read_as_none(self, store: Store) -> None:
        assert store.get_advisory("adv_missing") is None
        assert store.get_template("tpl_missing") is None
        assert store.get_user("nobody") is None
        assert store.get_channel("x:nobody") is None
        assert store.get_marker("nothing") is None

    def test_creating_twice_is_a_stale_write(self, store: Store) -> None:
        advisory, put = create(an_advisory())
        store.commit([put])
        with pytest.raises(StaleWrite):
            store.commit([Put(advisory, None)])

    def test_a_write_from_an_old_revision_loses(self, store: Store) -> None:
        advisory, put = create(an_advisory())
        store.commit([put])
        _first, first_put = revise(advisory, author="first")
        _second, second_put = revise(advisory, author="second")
        store.commit([first_put])
        with pytest.raises(StaleWrite):
            store.commit([second_put])
        stored = store.get_advisory(advisory.id)
        assert stored is not None and stored.author == "first" and stored.revision == 2

    def test_a_failed_commit_writes_nothing_at_all(self, store: Store) -> None:
        existing, put = create(an_advisory("existing"))
        store.commit([put])
        fresh, fresh_put = create(an_advisory("fresh"))
        heads_before = store.audit_heads()
        with pytest.raises(StaleWrite):
            store.commit([fresh_put, Put(existing, None)],
                         [AuditEvent(actor="a", action="create", summary="should not land")])
        assert store.get_advisory(fresh.id) is None
        assert store.audit_heads() == heads_before and list(store.audit_entries()) == []

    def test_a_commit_writes_each_item_at_most_once(self, store: Store) -> None:
        advisory, put = create(an_advisory())
        again, _again_put = revise(advisory, author="someone else")
        with pytest.raises(ValueError):
            store.commit([put, Put(again, None)], [AuditEvent(actor="a", action="twice")])
        assert store.get_advisory(advisory.id) is None and store.audit_heads() == {}

    def test_list_advisories_newest_first(self, store: Store) -> None:
        ids = []
        for n in range(3):
            advisory, put = create(an_advisory(f"advisory {n}"))
            store.commit([put])
            ids.append(advisory.id)
        assert [a.id for a in store.list_advisories()] == list(reversed(ids))
        assert len(store.list_advisories(limit=2)) == 2

    def test_page_advisories_follows_each_view_newest_first(self, store: Store,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
        from datetime import datetime, timedelta

        from chalicelib.adapters import dynamodb
        from chalicelib.domain.lifecycle import View, in_view
        from chalicelib.domain.models import AdvisoryState as S

        monkeypatch.setattr(dynamodb, "MAX_EXAMINED_PER_PAGE", 3)  # short pages must still join up
        now = datetime(2026, 11, 23, 12, tzinfo=UTC)
        start = now - timedelta(days=1)
        plan = [(S.DRAFT, "ann", None), (S.REJECTED, "ann", None), (S.DRAFT, "bob", None),
                (S.PENDING_APPROVAL, "ann", None), (S.PENDING_APPROVAL, "bob", None),
                (S.BROADCASTING, "bob", None), (S.DELIVERED, "ann", now + timedelta(hours=1)),
                (S.FAILED, "ann", now - timedelta(minutes=1)),  # past expires: no longer live
                (S.PARTIALLY_DELIVERED, "bob", None), (S.WITHDRAWN, "ann", None),
                (S.SUPERSEDED, "ann", None), (S.APPROVED, "bob", None), (S.DRAFT, "ann", None)]
        made = []
        for n, (state, author, expires) in enumerate(plan):
            content = AdvisoryContent(headline=f"advisory {n}", expires=expires)
            advisory, put = create(Advisory(content=content, author=author, state=state,
                                            created_at=start + timedelta(minutes=n)))
            store.commit([put])
            made.append(advisory)
        newest_first = list(reversed(made))

        def everything(view: View, caller: str, limit: int) -> list[str]:
            seen: list[str] = []
            after = None
            for _ in range(30):
                page = store.page_advisories(view, caller, now, limit, after)
                assert len(page.advisories) <= limit
                seen += [a.id for a in page.advisories]
                after = page.after
                if after is None:
                    return seen
            raise AssertionError("the pages never end")

        for view in View:
            for caller in ("ann", "bob", "nobody"):
                expected = [a.id for a in newest_first if in_view(a, view, caller, now)]
                assert everything(view, caller, 2) == expected, (view, caller)
                assert everything(view, caller, 200) == expected, (view, caller)
        assert everything(View.LIVE, "x", 200) == [made[8].id, made[6].id, made[5].id]
        monkeypatch.setattr(dynamodb, "MAX_EXAMINED_PER_PAGE", 1000)
        whole = store.page_advisories(View.ALL, "x", now, 200)
        assert [a.id for a in whole.advisories] == [a.id for a in newest_first] and whole.after is None
        # A state change moves an advisory from one queue to the next.
        pending = made[0]
        store.commit([revise(pending, state=S.PENDING_APPROVAL)[1]])
        assert pending.id not in everything(View.DRAFTS, "ann", 200)
        assert pending.id in everything(View.AWAITING_APPROVAL, "x", 200)

    def test_deliveries_belong_to_their_advisory(self, store: Store) -> None:
        advisory, put = create(an_advisory())
        other, other_put = create(an_advisory("other"))
        rows = [create(DeliveryRecord(advisory_id=advisory.id, channel_account=c, platform=c.split(":")[0],
                                      content_hash="h"))[1] for c in ("sms:a", "x:b")]
        store.commit([put, other_put, *rows])
        assert sorted(d.channel_account for d in store.deliveries_for(advisory.id)) == ["sms:a", "x:b"]
        assert store.deliveries_for(other.id) == []

    def test_load_deliveries_reads_advisories_deliveries_and_accounts_at_once(self, store: Store) -> None:
        advisory, put = create(an_advisory())
        channel, c_put = create(ChannelAccount(id="sms:a", platform="sms", name="A"))
        rows = [create(DeliveryRecord(advisory_id=advisory.id, channel_account=c, platform="sms",
                                      content_hash="h"))[1] for c in ("sms:a", "sms:b")]
        store.commit([put, c_put, *rows])
        pairs = [(advisory.id, "sms:a"), (advisory.id, "sms:b"), ("adv_missing", "sms:a"),
                 (advisory.id, "sms:a")]  # a repeated pair is read once
        loaded = store.load_deliveries(pairs)
        assert loaded.advisories == {advisory.id: advisory}
        assert loaded.channels == {"sms:a": channel}  # sms:b has a delivery but no account
        assert loaded.deliveries == {(advisory.id, c): store.get_delivery(advisory.id, c) for c in ("sms:a", "sms:b")}

    def test_get_channels_reads_the_ones_that_exist(self, store: Store) -> None:
        accounts = [create(ChannelAccount(id=f"sms:{n}", platform="sms", name=str(n))) for n in range(3)]
        store.commit([put for _, put in accounts])
        found = store.get_channels(["sms:2", "sms:0", "sms:missing", "sms:0"])
        assert found == {"sms:0": accounts[0][0], "sms:2": accounts[2][0]}
        assert store.get_channels([]) == {}

    def test_load_deliveries_reads_more_than_one_batch(self, store: Store) -> None:
        advisory, put = create(an_advisory())
        accounts = [f"sms:{n}" for n in range(60)]  # 1 + 60 + 60 keys: two batch reads
        rows = [create(DeliveryRecord(advisory_id=advisory.id, channel_account=c, platform="sms",
                                      content_hash="h"))[1] for c in accounts]
        channels = [create(ChannelAccount(id=c, platform="sms", name=c))[1] for c in accounts]
        store.commit([put, *rows[:40]])
        store.commit([*rows[40:], *channels[:50]])
        store.commit(channels[50:])
        loaded = store.load_deliveries([(advisory.id, c) for c in accounts])
        assert len(loaded.deliveries) == 60 and len(loaded.channels) == 60 and advisory.id in loaded.advisories

    def test_templates_users_channels_and_markers(self, store: Store) -> None:
        template, t_put = create(Template(name="t", content={"headline": "{a}"}, author="admin",
                                          parameters=[TemplateParameter(name="a")]))
        user, u_put = create(User(id="u1", name="U", roles=frozenset({Role.AUDITOR})))
        channel, c_put = create(ChannelAccount(id="sms:one", platform="sms", name="SMS"))
        _marker, m_put = create(Marker(key="trigger:1", ref="adv_1"))
        store.commit([t_put, u_put, c_put, m_put])
        assert store.get_template(template.id) == template
        assert [t.id for t in store.list_templates()] == [template.id]
        assert store.get_user("u1") == user and store.list_users() == [user]
        assert store.get_channel("sms:one") == channel and store.list_channels() == [channel]
        stored_marker = store.get_marker("trigger:1")
        assert stored_marker is not None and stored_marker.ref == "adv_1"

    def test_channel_groups_read_back_by_name_in_a_batch_and_as_a_list(self, store: Store) -> None:
        from chalicelib.domain.groups import ChannelGroup

        now = utcnow()
        made = [create(ChannelGroup(name=name, label=name.title(), channels=["sms:a"], created_by="admin",
                                    created_at=now, updated_by="admin", updated_at=now))
                for name in ("zone-b", "county", "zone-a")]
        appended = store.commit([put for _, put in made],
                                [AuditEvent(actor="admin", action="channel_group_create", summary="three")])
        assert appended[0].chain == "GROUP#zone-b/GROUP"  # the chain of the item written first
        county = made[1][0]
        assert store.get_channel_group("county") == county and store.get_channel_group("nope") is None
        assert [g.name for g in store.list_channel_groups()] == ["county", "zone-a", "zone-b"]
        assert store.get_channel_groups(["zone-a", "nope", "county", "county"]) == {"county": county,
                                                                                 "zone-a": made[2][0]}
        assert store.get_channel_groups([]) == {}
        deleted, event = county.delete("admin", now, revision=1)
        store.commit([Put(deleted, county.revision)], [event])
        with pytest.raises(StaleWrite):  # an admin working from the old revision loses
            store.commit([Put(county.delete("admin-2", now)[0], county.revision)])
        tombstone = store.get_channel_group("county")
        assert tombstone is not None and tombstone.deleted and tombstone.revision == 2
        assert [g.name for g in store.list_channel_groups()] == ["county", "zone-a", "zone-b"]  # tombstones too
        assert chains_intact(store)

    def test_the_settings_and_the_switch_are_single_versioned_records(self, store: Store) -> None:
        assert store.get_org_settings() is None and store.get_switch() is None
        settings, s_put = create(OrgSettings(sender="a@b.org", sender_name="B", public_base_url="https://b.org",
                                             phone_allowlist=("911",)))
        switch, w_put = create(DeliverySwitch())
        store.commit([s_put, w_put])
        assert store.get_org_settings() == settings and store.get_switch() == switch
        paused, event = switch.request_pause("admin", utcnow(), "wrong numbers in the last alert")
        store.commit([Put(paused, switch.revision)], [event])
        stored_switch = store.get_switch()
        assert stored_switch is not None and stored_switch.state is SwitchState.PAUSE_REQUESTED
        with pytest.raises(StaleWrite):  # a second admin working from the old revision loses
            store.commit([Put(switch.request_pause("admin-2", utcnow(), "x")[0], switch.revision)])

    def test_audit_events_form_a_verifiable_chain(self, store: Store) -> None:
        advisory, put = create(an_advisory())
        appended = store.commit([put], [AuditEvent(actor="a", action="create", advisory_id=advisory.id)])
        appended += store.commit([], [AuditEvent(actor="b", action="x"), AuditEvent(actor="c", action="y")])
        entries = list(store.audit_entries())  # the whole trail, in time order
        assert sorted(entries, key=audit.position) == entries and sorted(appended, key=audit.position) == entries
        first, second, third = appended
        assert first.chain == f"ADV#{advisory.id}/ADV" and (first.seq, first.prev_hash) == (1, audit.GENESIS_HASH)
        assert second.chain == third.chain != first.chain  # a commit without items: a system chain
        assert [second.seq, third.seq] == [1, 2] and third.prev_hash == second.hash
        assert store.audit_heads() == {first.chain: audit.ChainHead(1, first.hash),
                                       third.chain: audit.ChainHead(2, third.hash)}
        assert store.audit_chain(third.chain) == [second, third]
        assert store.audit_chain(third.chain, from_seq=2) == [third]  # from a signed checkpoint on
        assert store.audit_chain(third.chain, from_seq=3) == []
        assert list(store.audit_entries_about(advisory.id)) == [first]
        assert chains_intact(store)

    def test_concurrent_appends_keep_the_chain_whole(self, store: Store) -> None:
        def append(n: int) -> None:
            for i in range(5):
                store.commit([], [AuditEvent(actor=f"writer-{n}", action="ping", summary=str(i))])

        threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        entries = list(store.audit_entries())
        assert len(entries) == 20
        assert chains_intact(store)

    def test_unfinished_deliveries_counts_what_is_still_owed(self, store: Store) -> None:
        from chalicelib.domain.models import DeliveryState

        advisory, put = create(an_advisory())
        rows = [create(DeliveryRecord(advisory_id=advisory.id, channel_account=f"sms:{n}", platform="sms",
                                      content_hash="h"))[1] for n in range(3)]
        store.commit([put, *rows])
        assert store.unfinished_deliveries(advisory.id) == 3
        first = store.get_delivery(advisory.id, "sms:0")
        second = store.get_delivery(advisory.id, "sms:1")
        store.commit([revise(first, state=DeliveryState.SENT)[1], revise(second, state=DeliveryState.SKIPPED)[1]])
        assert store.unfinished_deliveries(advisory.id) == 1
        assert store.unfinished_deliveries("adv_other") == 0

    def test_appends_from_two_store_instances_keep_each_chain_whole(self, store: Store) -> None:
        """Two processes (two store objects on one table) append in turn to the same system
        chains: neither forks a chain (the loser of a head race re-links onto the new head)."""
        if isinstance(store, InMemoryStore):
            pytest.skip("one in-memory store is one process")
        other = DynamoDBStore(store._db, store._table)  # type: ignore[attr-defined]
        other._shard = store._shard  # type: ignore[attr-defined]  # the same shards, in the same turn
        for n in range(3):
            store.commit([], [AuditEvent(actor="a", action=str(n))])
            other.commit([], [AuditEvent(actor="b", action=str(n))])
        entries = list(store.audit_entries())
        assert len(entries) == 6 and chains_intact(store)
        assert max(h.seq for h in store.audit_heads().values()) == 2  # a shared chain, not a fork

    def test_two_store_instances_on_different_advisories_do_not_conflict(self, store: Store) -> None:
        """The issue's hot item is gone: two processes revising different advisories at once touch
        different chain heads, so every commit is written in one transaction, never retried."""
        if isinstance(store, InMemoryStore):
            pytest.skip("one in-memory store is one process")
        other = DynamoDBStore(store._db, store._table)  # type: ignore[attr-defined]
        transactions: list[int] = []
        store._db.meta.events.register(  # type: ignore[attr-defined]
            "before-parameter-build.dynamodb.TransactWriteItems", lambda params, **_: transactions.append(1))
        barrier = threading.Barrier(2)
        failures: list[Exception] = []

        def work(writer: Store, name: str) -> None:
            advisory, put = create(an_advisory(name))
            barrier.wait()
            try:
                writer.commit([put], [AuditEvent(actor=name, action="create", advisory_id=advisory.id)])
                for n in range(5):
                    advisory, put = revise(advisory, author=f"{name}-{n}")
                    writer.commit([put], [AuditEvent(actor=name, action="edit", advisory_id=advisory.id)])
            except Exception as error:
                failures.append(error)

        threads = [threading.Thread(target=work, args=(s, n)) for s, n in ((store, "one"), (other, "two"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == [] and len(transactions) == 12  # 2 writers x 6 commits, no retries
        assert len(store.audit_heads()) == 2 and chains_intact(store)


class TestGroupCommit:
    """DynamoDB only: commits queued while another is written share its next transaction."""

    @pytest.fixture
    def dynamo(self) -> Iterator[DynamoDBStore]:
        with mock_aws():
            client = boto3.client("dynamodb", region_name="us-east-1")
            client.create_table(**resources.table_definition("group"))
            yield DynamoDBStore(client, resources.table_name("group"))

    def test_concurrent_commits_share_transactions_and_a_stale_one_fails_alone(self, dynamo: DynamoDBStore) -> None:
        existing, put = create(an_advisory("existing"))
        dynamo.commit([put])
        transactions: list[int] = []
        dynamo._db.meta.events.register("before-parameter-build.dynamodb.TransactWriteItems",
                                        lambda params, **_: transactions.append(len(params["TransactItems"])))
        # A transaction takes time, as DynamoDB's does (moto's is near instant): commits queue meanwhile.
        dynamo._db.meta.events.register("before-call.dynamodb.TransactWriteItems", lambda **_: time.sleep(0.02))
        fresh = [create(an_advisory(f"fresh {n}")) for n in range(12)]
        stale = Put(existing, None)  # "create" what exists: must fail, and only this commit
        barrier, errors, lock = threading.Barrier(13), [], threading.Lock()

        def commit(puts: list[Put], n: int) -> None:
            barrier.wait()
            try:
                dynamo.commit(puts, [AuditEvent(actor="a", action=f"c{n}")])
            except StaleWrite:
                with lock:
                    errors.append(n)

        threads = [threading.Thread(target=commit, args=([p], n)) for n, (_, p) in enumerate(fresh)]
        threads.append(threading.Thread(target=commit, args=([stale], 99)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [99]
        assert all(dynamo.get_advisory(a.id) == a for a, _ in fresh)
        entries = list(dynamo.audit_entries())
        assert sorted(e.action for e in entries) == sorted(f"c{n}" for n in range(12))
        assert chains_intact(dynamo)
        assert any(size > 3 for size in transactions)  # at least one transaction carried a group

    def test_a_group_reads_the_heads_it_does_not_know_in_one_call(self, dynamo: DynamoDBStore) -> None:
        """Claims of many delivery rows (each its own chain, whose head this process never saw)
        cost one read for every head, not one read each, while the group holds the append lock."""
        audited = [create(an_advisory(f"audited {n}")) for n in range(3)]
        for advisory, put in audited:
            dynamo.commit([put], [AuditEvent(actor="a", action="create", advisory_id=advisory.id)])
        silent, silent_put = create(an_advisory("no entry yet"))  # written without an entry: no head
        dynamo.commit([silent_put])
        fresh = DynamoDBStore(dynamo._db, dynamo._table)  # another process: it has cached no head
        fresh._heads[chain_of_item(audited[0][0])] = dynamo._heads[chain_of_item(audited[0][0])]
        reads: list[str] = []
        dynamo._db.meta.events.register("before-call.dynamodb", lambda model, **_: reads.append(model.name))
        chains = {chain_of_item(a): False for a, _ in audited} | {chain_of_item(silent): False, "new": True}

        bases = fresh._bases(chains)

        assert reads == ["BatchGetItem"]
        assert bases[chain_of_item(audited[0][0])][1] == dynamo._heads[chain_of_item(audited[0][0])]  # cached
        for advisory, _ in audited[1:]:
            head = dynamo.audit_head(chain_of_item(advisory))
            assert head is not None and head.seq == 1 and bases[chain_of_item(advisory)] == (head, head)
        assert bases[chain_of_item(silent)] == (audit.EMPTY_CHAIN, None) == bases["new"]
        reads.clear()
        fresh._bases({chain_of_item(audited[1][0]): False})
        assert reads == ["GetItem"]  # one head: one plain read

    def test_a_group_of_revisions_from_another_process_keeps_every_chain_whole(self, dynamo: DynamoDBStore) -> None:
        advisories = [create(an_advisory(f"a{n}")) for n in range(8)]
        for n, (advisory, put) in enumerate(advisories):  # half with an entry (a head), half without
            dynamo.commit([put], [AuditEvent(actor="a", action="create", advisory_id=advisory.id)] if n % 2 else [])
        fresh = DynamoDBStore(dynamo._db, dynamo._table)
        fresh._db.meta.events.register("before-call.dynamodb.TransactWriteItems", lambda **_: time.sleep(0.02))
        barrier, errors = threading.Barrier(len(advisories)), []

        def edit(advisory: Advisory) -> None:
            barrier.wait()
            try:
                fresh.commit([revise(advisory, author="editor")[1]],
                             [AuditEvent(actor="b", action="edit", advisory_id=advisory.id)])
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=edit, args=(a,)) for a, _ in advisories]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert all(dynamo.get_advisory(a.id).author == "editor" for a, _ in advisories)  # type: ignore[union-attr]
        assert [h.seq for h in dynamo.audit_heads().values()].count(2) == 4  # created with an entry, then edited
        assert chains_intact(dynamo)

    def test_a_read_of_many_keys_asks_for_them_at_once(self, dynamo: DynamoDBStore) -> None:
        """An approval's 1,000 accounts: ten BatchGetItem calls side by side, every item found."""
        channels = [create(ChannelAccount(id=f"sms:{n}", platform="sms", name=str(n)))[1] for n in range(350)]
        for start in range(0, len(channels), 50):
            dynamo.commit(channels[start:start + 50])
        in_flight, most, lock = [0], [0], threading.Lock()

        def before(**_: object) -> None:
            with lock:
                in_flight[0] += 1
                most[0] = max(most[0], in_flight[0])
            time.sleep(0.05)

        def after(**_: object) -> None:
            with lock:
                in_flight[0] -= 1

        dynamo._db.meta.events.register("before-call.dynamodb.BatchGetItem", before)
        dynamo._db.meta.events.register("after-call.dynamodb.BatchGetItem", after)
        found = dynamo.get_channels([f"sms:{n}" for n in range(400)])  # 50 of them do not exist
        assert sorted(found) == sorted(f"sms:{n}" for n in range(350)) and most[0] == 4


def chain_of_item(item: Advisory) -> str:
    from chalicelib.adapters.keys import chain_of, key_of

    return chain_of(key_of(item)[0])
