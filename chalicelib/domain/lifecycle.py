"""The advisory's life, as a table of legal moves.

    draft -> pending_approval -> approved -> broadcasting -> delivered | partially_delivered | failed
    pending_approval -> rejected;  draft/pending_approval/rejected/approved --edit--> draft
    any live advisory -> superseded (an Update went out) | cancelled | expired
    draft/rejected/pending_approval --withdraw--> withdrawn (final: never broadcast, never edited)

An edit returns the advisory to draft and voids any approval; once broadcasting has begun the
content is frozen and changes go out as a linked Update or Cancel.

The moves themselves are `Advisory`'s methods (models.py: `edit`, `submit`, `approve`, ...): each
checks this table with `require` and returns the next revision; the services store it.
"""
from __future__ import annotations

from datetime import datetime
from enum import Enum

from chalicelib.domain.errors import Conflict
from chalicelib.domain.models import Advisory, AdvisoryState as S
from chalicelib.domain.models import Template, TemplateState as T


class Action(str, Enum):
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    BROADCAST = "broadcast"
    DELIVER = "deliver"
    SUPERSEDE = "supersede"
    CANCEL = "cancel"
    EXPIRE = "expire"
    REDRIVE = "redrive"
    WITHDRAW = "withdraw"


LIVE = frozenset({S.BROADCASTING, S.DELIVERED, S.PARTIALLY_DELIVERED, S.FAILED})
FINISHED_DELIVERY = frozenset({S.DELIVERED, S.PARTIALLY_DELIVERED, S.FAILED})

TRANSITIONS: dict[Action, tuple[frozenset[S], S | None]] = {
    Action.EDIT: (frozenset({S.DRAFT, S.PENDING_APPROVAL, S.REJECTED, S.APPROVED}), S.DRAFT),
    Action.SUBMIT: (frozenset({S.DRAFT}), S.PENDING_APPROVAL),
    Action.APPROVE: (frozenset({S.PENDING_APPROVAL}), S.APPROVED),
    Action.REJECT: (frozenset({S.PENDING_APPROVAL}), S.REJECTED),
    Action.BROADCAST: (frozenset({S.APPROVED}), S.BROADCASTING),
    # The target (delivered / partially / failed) depends on the deliveries; see `delivery_outcome`.
    Action.DELIVER: (frozenset({S.BROADCASTING}), None),
    Action.SUPERSEDE: (LIVE, S.SUPERSEDED),
    Action.CANCEL: (LIVE, S.CANCELLED),
    Action.EXPIRE: (LIVE, S.EXPIRED),
    # On-call retries failed deliveries: the advisory is broadcasting again until they are final.
    Action.REDRIVE: (frozenset({S.PARTIALLY_DELIVERED, S.FAILED}), S.BROADCASTING),
    # The author (or an admin) takes it back before it is approved; withdrawn is final.
    Action.WITHDRAW: (frozenset({S.DRAFT, S.REJECTED, S.PENDING_APPROVAL}), S.WITHDRAWN),
}


def can(advisory: Advisory, action: Action) -> bool:
    return advisory.state in TRANSITIONS[action][0]


def require(advisory: Advisory, action: Action) -> None:
    """Raise a 409 that names the current state when `action` is illegal now."""
    allowed, _ = TRANSITIONS[action]
    if advisory.state not in allowed:
        raise Conflict(
            f"cannot {action.value} an advisory that is {advisory.state.value}",
            {"state": advisory.state.value, "action": action.value,
             "allowed_from": sorted(s.value for s in allowed)},
        )


def target(action: Action) -> S:
    to = TRANSITIONS[action][1]
    assert to is not None, f"{action} has no fixed target state"
    return to


# -- a pre-approved template's life ------------------------------------------------------------
#     draft -> approved;  draft/approved --edit--> draft (the approval is void);
#     draft/approved --retire--> retired (final: listed and on the trail, never triggered)
class TemplateAction(str, Enum):
    EDIT = "edit"
    APPROVE = "approve"
    RETIRE = "retire"


TEMPLATE_TRANSITIONS: dict[TemplateAction, tuple[frozenset[T], T]] = {
    TemplateAction.EDIT: (frozenset({T.DRAFT, T.APPROVED}), T.DRAFT),
    TemplateAction.APPROVE: (frozenset({T.DRAFT}), T.APPROVED),
    TemplateAction.RETIRE: (frozenset({T.DRAFT, T.APPROVED}), T.RETIRED),
}


def require_template(template: Template, action: TemplateAction) -> None:
    """Raise a 409 that names the template's current state when `action` is illegal now."""
    allowed, _ = TEMPLATE_TRANSITIONS[action]
    if template.state not in allowed:
        raise Conflict(
            f"cannot {action.value} a template that is {template.state.value}",
            {"state": template.state.value, "action": action.value,
             "allowed_from": sorted(s.value for s in allowed)},
        )


def template_target(action: TemplateAction) -> T:
    return TEMPLATE_TRANSITIONS[action][1]


def delivery_outcome(sent: int, failed: int) -> S:
    """The advisory's final state once every delivery is final (skipped ones count as neither).
    Delivered needs at least one delivery sent: an advisory that reached nobody failed."""
    if sent == 0:
        return S.FAILED
    return S.DELIVERED if failed == 0 else S.PARTIALLY_DELIVERED


# -- the console's lists ------------------------------------------------------------------------
class View(str, Enum):
    """The lists GET /advisories offers, newest first."""

    ALL = "all"
    MINE = "mine"                            # the caller wrote it (any state)
    AWAITING_APPROVAL = "awaiting_approval"  # pending_approval
    LIVE = "live"                            # broadcasting / delivered / partially / failed, not past `expires`
    DRAFTS = "drafts"                        # the caller's draft and rejected advisories


# The views that are a set of states; the store keeps each as one indexed queue (adapters/keys.py).
QUEUES: dict[View, frozenset[S]] = {
    View.AWAITING_APPROVAL: frozenset({S.PENDING_APPROVAL}),
    View.LIVE: LIVE,
    View.DRAFTS: frozenset({S.DRAFT, S.REJECTED}),
}


def queue_of(advisory: Advisory) -> View | None:
    """The state queue the advisory is on, if any (approved, withdrawn and closed ones are on none)."""
    for view, states in QUEUES.items():
        if advisory.state in states:
            return view
    return None


def expired_by(advisory: Advisory, now: datetime) -> bool:
    """Past its `expires`: no longer live, even in the minute before the sweeper marks it expired."""
    return advisory.content.expires is not None and advisory.content.expires <= now


def in_view(advisory: Advisory, view: View, caller: str, now: datetime) -> bool:
    """Whether `advisory` belongs on `view` for `caller` (the rule both stores implement)."""
    if view is View.ALL:
        return True
    if view is View.MINE:
        return advisory.author == caller
    if view is View.DRAFTS and advisory.author != caller:
        return False
    if view is View.LIVE and expired_by(advisory, now):
        return False
    return advisory.state in QUEUES[view]
