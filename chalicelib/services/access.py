"""Who is calling: bearer tokens to users, roles to permissions, disabling users.

Every other stage: API Gateway's Cognito authorizer has verified the token; we read its claims
and take the user-pool groups as roles. Local stage: the console's ID tokens from the sign-in
stand-in, verified here as the authorizer would (`IdTokenVerifier`), then read the same way; and
the demo users' fixed tokens (`demo-approver`, ...) for curl, refused on every other stage. In
every stage a disabled user is refused on their very next request.
"""
from __future__ import annotations

import logging
from typing import Any, Literal
from collections.abc import Callable, Mapping

from chalicelib.domain.errors import Conflict, NotFound, StaleWrite, Unauthenticated, ValidationFailed
from chalicelib.domain.models import AuditEvent, Model, Role, User
from chalicelib.ports import DirectoryUser, IdTokenVerifier, Put, Store, UserDirectory
from chalicelib.services.common import (commit_or_conflict, create, found, record_refusal, require_role,
                                        revise)

log = logging.getLogger("clarion.access")

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


class StoredUserDirectory:
    """The local stage's user directory: the stored users (the demo users, seeded), whose roles
    live on their rows. A role change is seen by the demo tokens (`demo-oncall`, ...) at their
    next request, since those are read from the row each time. The console's sign-in stand-in
    (local/signin.py) does NOT pick it up: it signs the demo users' fixed groups (DEMO_USERS)
    into its ID tokens, as a Cognito ID token keeps its groups until it expires."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def list_users(self) -> list[DirectoryUser]:
        return sorted((_stored(u) for u in self._store.list_users()), key=lambda u: u.id)

    def user(self, user_id: str) -> DirectoryUser | None:
        stored = self._store.get_user(user_id)
        return _stored(stored) if stored else None

    def members(self, role: Role) -> list[DirectoryUser]:
        return [u for u in self.list_users() if role in u.roles]

    def add_role(self, user_id: str, role: Role) -> None:
        self._set_roles(user_id, lambda roles: roles | {role})

    def remove_role(self, user_id: str, role: Role) -> None:
        self._set_roles(user_id, lambda roles: roles - {role})

    def _set_roles(self, user_id: str, change: Callable[[frozenset[Role]], frozenset[Role]]) -> None:
        stored = found(self._store.get_user(user_id), "user", user_id)
        try:  # conditional on the revision read: a concurrent change is a 409, never lost
            self._store.commit([revise(stored, roles=change(stored.roles))[1]])
        except StaleWrite as error:
            raise Conflict("someone else changed this user first; try again", {"user_id": user_id}) from error


def _stored(user: User) -> DirectoryUser:
    return DirectoryUser(id=user.id, name=user.name, email=None, enabled=True, status="local",
                         roles=user.roles)


class UserListing(Model):
    """One person as GET /users shows them: the directory's view merged with Clarion's disable."""

    id: str
    name: str
    email: str | None = None
    roles: list[Role]
    status: Literal["enabled", "disabled"]  # disabled: by Clarion or in the directory
    disabled: bool                          # Clarion's own flag (POST /users/{id}/disable)
    directory_enabled: bool                 # the directory's own switch (Cognito: Enabled)
    directory_status: str                   # Cognito's UserStatus (CONFIRMED, ...); "local" locally


class RoleChange(UserListing):
    """The user after PUT / DELETE /users/{id}/roles/{role}; `changed`: false when it was so already."""

    changed: bool


def parse_role(name: str) -> Role:
    """A role named in a path: 422 naming the roles there are."""
    try:
        return Role(name)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise ValidationFailed(f"there is no role {name[:40]}; the roles are {roles}",
                               [{"field": "role", "problem": f"must be one of: {roles}"}]) from None


MAX_USER_ID = 128  # Cognito's longest username


class AccessService:
    def __init__(self, store: Store, stage: str, verifier: IdTokenVerifier | None = None,
                 directory: UserDirectory | None = None) -> None:
        self._store = store
        self._stage = stage
        self._verifier = verifier  # local stage only: deployed stages get verified claims from API Gateway
        # Who can sign in and their roles: Cognito on deployed stages (composition), else the stored users.
        self._directory: UserDirectory = directory or StoredUserDirectory(store)

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

    def list_users(self) -> list[UserListing]:
        """Everyone in the directory, with their roles, and enabled/disabled: disabled in the
        directory or by Clarion's own flag (stored rows)."""
        stored = {u.id: u for u in self._store.list_users()}
        return [self._listing(d, stored.get(d.id)) for d in self._directory.list_users()]

    def change_role(self, actor: User, user_id: str, role_name: str, grant: bool) -> RoleChange:
        """Give (`grant`) or take away a role: audited; the last enabled admin keeps theirs."""
        role = parse_role(role_name)
        target = self._directory.user(user_id) if len(user_id) <= MAX_USER_ID else None
        if target is None:
            raise NotFound(f"there is no user {user_id[:MAX_USER_ID]}", {"id": user_id[:MAX_USER_ID]})
        if (role in target.roles) == grant:  # so already: nothing to change or record
            return self._role_change(target, changed=False)
        losing_admin = not grant and role is Role.ADMIN
        if losing_admin and not self._other_admins(target.id):
            raise Conflict("this is the last enabled admin; give another user the admin role first",
                           {"user_id": target.id, "role": role.value})
        if grant:
            self._directory.add_role(target.id, role)
        else:
            self._directory.remove_role(target.id, role)
        try:
            # Two admins taking each other's admin role at once both pass the check above: each
            # looks again once its change is made, and puts it back if no enabled admin is left.
            if losing_admin and not self._other_admins(target.id):
                raise Conflict("this is the last enabled admin (another change was made meanwhile)",
                               {"user_id": target.id, "role": role.value})
            verb = "added" if grant else "removed"
            self._store.commit([], [AuditEvent(actor=actor.id, action=f"user_role_{'add' if grant else 'remove'}",
                                               summary=f"user {target.id}: role {role.value} {verb}")])
        except BaseException:  # not on the trail, so not made: undo it
            self._undo(target.id, role, grant)
            raise
        return self._role_change(self._directory.user(target.id) or target, changed=True)

    def _role_change(self, entry: DirectoryUser, changed: bool) -> RoleChange:
        listing = self._listing(entry, self._store.get_user(entry.id))
        return RoleChange(**listing.model_dump(), changed=changed)

    def _undo(self, user_id: str, role: Role, granted: bool) -> None:
        try:
            (self._directory.remove_role if granted else self._directory.add_role)(user_id, role)
        except Exception:  # the original error is the one to answer; this one is logged
            log.exception("could not undo the %s role change of %s", role.value, user_id)

    def _other_admins(self, user_id: str) -> list[str]:
        """The admins other than `user_id` who can act: enabled in the directory and not
        disabled in Clarion."""
        disabled = {u.id for u in self._store.list_users() if u.disabled}
        return [u.id for u in self._directory.members(Role.ADMIN)
                if u.id != user_id and u.enabled and u.id not in disabled]

    @staticmethod
    def _listing(entry: DirectoryUser, stored: User | None = None) -> UserListing:
        disabled = bool(stored and stored.disabled)
        return UserListing(id=entry.id, name=entry.name, email=entry.email,
                           roles=sorted(entry.roles, key=lambda r: r.value),
                           status="enabled" if entry.enabled and not disabled else "disabled",
                           disabled=disabled, directory_enabled=entry.enabled, directory_status=entry.status)

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

