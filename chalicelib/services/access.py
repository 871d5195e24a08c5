"""Who is calling: bearer tokens to users, roles to permissions, disabling users.

Every other stage: API Gateway's Cognito authorizer has verified the token; we read its claims
and take the user-pool groups as roles. Local stage: the console's ID tokens from the sign-in
stand-in, verified here as the authorizer would (`IdTokenVerifier`), then read the same way; and
the demo users' fixed tokens (`demo-approver`, ...) for curl, refused on every other stage. In
every stage a disabled user is refused on their very next request.
"""
from __future__ import annotations

from typing import Any
from collections.abc import Mapping

from chalicelib.domain.errors import Conflict, Unauthenticated
from chalicelib.domain.models import AuditEvent, Role, User
from chalicelib.ports import IdTokenVerifier, Put, Store
from chalicelib.services.common import (commit_or_conflict, create, found, record_refusal, require_role,
                                        revise)

DEMO_TOKEN_PREFIX = "demo-"
DEMO_USERS: dict[str, tuple[str, frozenset[Role]]] = {
    "demo-spokesperson": ("Sam Spokesperson", frozenset({Role.SPOKESPERSON})),
    "demo-spokesperson-2": ("Kim Spokesperson", frozenset({Role.SPOKESPERSON})),
    "demo-approver": ("Alex Approver", frozenset({Role.APPROVER})),
    "demo-oncall": ("Jo On-call", frozenset({Role.ONCALL})),
    "demo-auditor": ("Pat Auditor", frozenset({Role.AUDITOR})),
    "demo-admin": ("Lee Admin", frozenset({Role.ADMIN})),
}


def demo_users() -> list[User]:
    return [User(id=uid, name=name, roles=roles) for uid, (name, roles) in DEMO_USERS.items()]


class AccessService:
    def __init__(self, store: Store, stage: str, verifier: IdTokenVerifier | None = None) -> None:
        self._store = store
        self._stage = stage
        self._verifier = verifier  # local stage only: deployed stages get verified claims from API Gateway

    def authenticate(self, authorization: str | None, claims: Mapping[str, Any] | None) -> User:
        if self._stage == "local":
            return self._local_user(authorization)
        if authorization and _bearer(authorization).startswith(DEMO_TOKEN_PREFIX):
            raise self._refuse("anonymous", "demo tokens are only accepted on the local stage")
        if not claims:
            raise self._refuse("anonymous", "no verified credentials")
        return self._cognito_user(claims)

    def authorize(self, user: User, roles: frozenset[Role], action: str) -> None:
        require_role(self._store, user, roles, action)

    def list_users(self) -> list[User]:
        return self._store.list_users()

    def set_disabled(self, actor: User, user_id: str, disabled: bool) -> User:
        if disabled and user_id == actor.id:
            raise Conflict("you cannot disable yourself; another admin can", {"user_id": user_id})
        stored = self._store.get_user(user_id)
        if stored is None and self._stage == "local":
            found(stored, "user", user_id)
        action = "user_disable" if disabled else "user_enable"
        if stored is None:
            # A Cognito user Clarion has not stored yet: the row exists to carry the flag.
            changed, put = create(User(id=user_id, name=user_id, roles=frozenset(), disabled=disabled))
        else:
            if disabled and Role.ADMIN in stored.roles and not self._admins_left(actor, user_id):
                raise Conflict("this is the last enabled admin; enable or add another admin first",
                               {"user_id": user_id})
            changed, put = revise(stored, disabled=disabled)
        # The actor's own row rides in the same commit, conditional on its revision: two admins
        # disabling each other at once cannot both succeed, so an enabled admin always remains.
        touch = [] if user_id == actor.id else [self._still_enabled(actor)]
        commit_or_conflict(self._store, [put, *touch],
                           [AuditEvent(actor=actor.id, action=action, summary=f"user {user_id}")],
                           lambda: "changed")
        return changed

    def _admins_left(self, actor: User, user_id: str) -> set[str]:
        """The enabled admins once `user_id` is disabled (the actor counts: on Cognito stages
        roles live in the token, not in the stored row)."""
        stored = {u.id for u in self._store.list_users() if Role.ADMIN in u.roles and not u.disabled}
        return (stored | ({actor.id} if Role.ADMIN in actor.roles else set())) - {user_id}

    def _still_enabled(self, actor: User) -> Put:
        stored = self._store.get_user(actor.id)
        if stored is None:
            return create(User(id=actor.id, name=actor.name, roles=frozenset()))[1]
        if stored.disabled:
            raise Conflict("your account was disabled meanwhile", {"user_id": actor.id})
        return revise(stored)[1]

    def _local_user(self, authorization: str | None) -> User:
        if not authorization:
            raise Unauthenticated("sign in: send Authorization: Bearer <token>")
        token = _bearer(authorization)
        if token.count(".") == 2 and self._verifier is not None:  # a JWT from the sign-in stand-in
            try:
                verified = self._verifier.claims(token)
            except Unauthenticated as error:
                raise self._refuse("anonymous", error.message) from None
            return self._cognito_user(verified)
        user = self._store.get_user(token) if token in DEMO_USERS else None
        if user is None:
            raise self._refuse("anonymous", "unknown or malformed bearer token")
        return self._active(user)

    def _cognito_user(self, claims: Mapping[str, Any]) -> User:
        user_id = str(claims.get("cognito:username") or claims.get("sub") or "")
        if not user_id:
            raise self._refuse("anonymous", "the token names no user")
        stored = self._store.get_user(user_id)
        roles = frozenset(Role(g) for g in _groups(claims.get("cognito:groups")) if g in Role._value2member_map_)
        user = User(id=user_id, name=str(claims.get("name") or user_id), roles=roles,
                    disabled=bool(stored and stored.disabled))
        return self._active(user)

    def _active(self, user: User) -> User:
        if user.disabled:
            raise self._refuse(user.id, "this account is disabled")
        return user

    def _refuse(self, actor: str, why: str) -> Unauthenticated:
        record_refusal(self._store, AuditEvent(actor=actor, action="refused:sign_in", summary=why))
        return Unauthenticated(why)


def _bearer(authorization: str) -> str:
    scheme, _, token = authorization.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _groups(raw: Any) -> list[str]:
    """Cognito sends groups as a list, or through API Gateway as "a,b" or "[a b]"."""
    if isinstance(raw, list):
        return [str(g) for g in raw]
    if isinstance(raw, str):
        return [g for g in raw.strip("[]").replace(",", " ").split() if g]
    return []

