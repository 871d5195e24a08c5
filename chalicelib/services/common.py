"""Small helpers every service uses to read and write through the Store."""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, TypeVar

from chalicelib.channels.port import PostRef
from chalicelib.domain.errors import Conflict, Forbidden, NotFound, StaleWrite
from chalicelib.domain.models import AuditEvent, DeliveryRecord, PostRecord, Role, User
from chalicelib.ports import Entity, Put, Store

T = TypeVar("T", bound=Entity)


def revise(item: T, **updates: Any) -> tuple[T, Put]:
    """The next revision of `item`, and the conditional write that stores it."""
    new = item.model_copy(update={**updates, "revision": item.revision + 1})
    return new, Put(new, item.revision)


def create(item: T) -> tuple[T, Put]:
    new = item.model_copy(update={"revision": 1})
    return new, Put(new, None)


def found(item: Optional[T], what: str, ident: str) -> T:
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


def refuse(store: Store, actor: User, action: str, why: str,
           advisory_id: Optional[str] = None) -> Forbidden:
    """Record a refused action in the audit trail and return the 403 to raise."""
    store.commit([], [AuditEvent(actor=actor.id, action=f"refused:{action}",
                                 advisory_id=advisory_id, summary=why)])
    return Forbidden(why, {"action": action})


def require_role(store: Store, actor: User, roles: frozenset[Role], action: str) -> None:
    if not actor.roles & roles:
        names = ", ".join(sorted(r.value for r in roles))
        raise refuse(store, actor, action, f"{action} needs one of the roles: {names}")


MACHINE = "system:worker"  # the actor of what the workers record


def delivery_event(delivery: DeliveryRecord, summary: str) -> AuditEvent:
    """The audit entry of a change to one delivery."""
    return AuditEvent(actor=MACHINE, action="delivery", advisory_id=delivery.advisory_id,
                      summary=f"{delivery.channel_account}: {summary}"[:2000])


def post_ref(post: PostRecord) -> PostRef:
    """A recorded post as the channels know it."""
    return PostRef(post_id=post.post_id, url=post.url, part_ids=tuple(post.part_ids), extra=dict(post.extra))
