"""Small helpers every service uses to read and write through the Store."""
from __future__ import annotations

import threading
from typing import Any, TypeVar, cast
from collections.abc import Callable, Iterable, Sequence

from chalicelib.channels.port import PostRef
from chalicelib.domain.errors import Conflict, Forbidden, NotFound, StaleWrite
from chalicelib.domain.models import AuditEvent, DeliveryRecord, PostRecord, Role, User
from chalicelib.ports import Entity, Marker, Put, Store

T = TypeVar("T", bound=Entity)


def revise(item: T, **updates: Any) -> tuple[T, Put]:
    """The next revision of `item`, and the conditional write that stores it."""
    # model_copy returns the item's own class; mypy widens it to the bound's union, hence the casts.
    new = cast(T, item.model_copy(update={**updates, "revision": item.revision + 1}))
    return new, Put(new, item.revision)


def stored(old: T, new: T) -> Put:
    """The conditional write of `new`, a transition of `old` (e.g. `Advisory.submit`): it holds
    only if `old` is still the stored revision."""
    return Put(new, old.revision)


def create(item: T) -> tuple[T, Put]:
    new = cast(T, item.model_copy(update={"revision": 1}))
    return new, Put(new, None)


def found(item: T | None, what: str, ident: str) -> T:
    if item is None:
        raise NotFound(f"there is no {what} {ident}", {"id": ident})
    return item


def commit_or_conflict(store: Store, puts: Sequence[Put], events: Sequence[AuditEvent],
                       current_state: Callable[[], str]) -> None:
    """Commit; if another writer got there first, answer 409 with the state it left behind."""
    try:
        store.commit(puts, events)
    except StaleWrite as error:
        state = current_state()
        raise Conflict(f"someone else changed this first; it is now {state}",
                       {"state": state}) from error


REFUSAL_RETRIES = 5


def record_refusal(store: Store, event: AuditEvent) -> None:
    """Record a refused request, appending it to the audit trail once per actor, action and
    advisory per minute. Repeats within the minute are counted on a marker, and the count is
    appended with that key's next refusal in a later minute ("and 41 more like it"). Every
    step is a conditional write, so this holds across processes; under too much contention to
    count, the refusal is appended in full rather than lost."""
    minute = event.at.replace(second=0, microsecond=0)
    key = f"refusals:{event.actor}:{event.action}:{event.advisory_id or '-'}"
    for _ in range(REFUSAL_RETRIES):
        marker = store.get_marker(key)
        try:
            if marker is not None and marker.at == minute:
                store.commit([revise(marker, count=marker.count + 1)[1]])
                return
            summary = event.summary
            if marker is not None and marker.count:
                summary += (f" (and {marker.count} more like it in the minute from "
                            f"{marker.at:%Y-%m-%d %H:%M} UTC)")
            put = revise(marker, at=minute, count=0)[1] if marker else create(Marker(key=key, at=minute))[1]
            store.commit([put], [event.model_copy(update={"summary": summary[:2000]})])
            return
        except StaleWrite:
            continue
    store.commit([], [event])


def refuse(store: Store, actor: User, action: str, why: str,
           advisory_id: str | None = None) -> Forbidden:
    """Record a refused action (see record_refusal) and return the 403 to raise."""
    record_refusal(store, AuditEvent(actor=actor.id, action=f"refused:{action}",
                                     advisory_id=advisory_id, summary=why))
    return Forbidden(why, {"action": action})


def require_role(store: Store, actor: User, roles: frozenset[Role], action: str) -> None:
    if not actor.roles & roles:
        names = ", ".join(sorted(r.value for r in roles))
        raise refuse(store, actor, action, f"{action} needs one of the roles: {names}")


MACHINE = DeliveryRecord.WORKER  # the actor of what the workers record (a delivery's own events too)


def post_ref(post: PostRecord) -> PostRef:
    """A recorded post as the channels know it."""
    return PostRef(post_id=post.post_id, url=post.url, part_ids=tuple(post.part_ids), extra=dict(post.extra))


class WrittenRows:
    """The latest row written (or read) for each delivery of the batches in flight in this
    process, so a worker can log its deliveries without reading them back. Shared by the
    services that write deliveries, so none has to call back into another to report a write."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], DeliveryRecord | None] = {}
        self._lock = threading.Lock()

    def track(self, rows: Iterable[tuple[tuple[str, str], DeliveryRecord | None]]) -> None:
        """Start remembering these deliveries (advisory id, account id), as the batch read them."""
        with self._lock:
            self._rows.update(rows)

    def note(self, *records: DeliveryRecord) -> None:
        with self._lock:
            for record in records:
                key = (record.advisory_id, record.channel_account)
                if key in self._rows:  # only deliveries of a batch in flight
                    self._rows[key] = record

    def take(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], DeliveryRecord]:
        """Each key's latest row, forgetting them."""
        with self._lock:
            found = {key: self._rows.pop(key, None) for key in keys}
        return {key: record for key, record in found.items() if record is not None}
