"""The user directory on deployed stages: Cognito's user pool, where each Clarion role is a group
named after it (chalicelib/infra/cloudformation.py makes the pool and the five groups).

Calls, and so the API function's IAM grants (chalicelib/infra/generate.py), on the stage's pool
only: ListUsers, ListUsersInGroup (a listing is one call per role and page, not one per user),
AdminListGroupsForUser, AdminAddUserToGroup, AdminRemoveUserFromGroup.

A group change applies from the user's next ID token: API Gateway's authorizer accepts the one
they hold until it expires (30 minutes, cloudformation.user_pool). Clarion's own disable
(POST /users/{id}/disable) is what refuses someone at once.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from chalicelib.domain.errors import NotFound, UnavailableError
from chalicelib.domain.models import Role
from chalicelib.ports import DirectoryUser

PAGE = 60        # the most ListUsers / ListUsersInGroup return at once
MAX_PAGES = 200  # 12,000 users: far beyond an organisation's staff; a runaway token stops here
# What Cognito answers when it is busy or failing: the request can be retried.
PASSING = {"TooManyRequestsException", "InternalErrorException", "LimitExceededException"}


class CognitoUserDirectory:
    """`client` makes the cognito-idp client on first use (only the user routes need it);
    `pool_id` is the stage's pool (CLARION_USER_POOL_ID)."""

    def __init__(self, client: Callable[[], Any], pool_id: str) -> None:
        self._make_client = client
        self._client: Any = None
        self._pool_id = pool_id

    def list_users(self) -> list[DirectoryUser]:
        roles: dict[str, set[Role]] = {}
        for role in Role:
            for member in self._pages("list_users_in_group", "NextToken", GroupName=role.value):
                roles.setdefault(member["Username"], set()).add(role)
        users = [_user(raw, frozenset(roles.get(raw["Username"], ())))
                 for raw in self._pages("list_users", "PaginationToken")]
        return sorted(users, key=lambda u: u.id)

    def user(self, user_id: str) -> DirectoryUser | None:
        escaped = user_id.replace("\\", "\\\\").replace('"', '\\"')
        # A filtered listing may answer a page without the match and a token: follow the pages.
        raw = next(self._pages("list_users", "PaginationToken", Filter=f'username = "{escaped}"'), None)
        if raw is None:
            return None
        groups = self._pages("admin_list_groups_for_user", "NextToken", Username=raw["Username"])
        return _user(raw, _roles(g["GroupName"] for g in groups))

    def members(self, role: Role) -> list[DirectoryUser]:
        return [_user(raw, frozenset({role}))
                for raw in self._pages("list_users_in_group", "NextToken", GroupName=role.value)]

    def add_role(self, user_id: str, role: Role) -> None:
        self._call("admin_add_user_to_group", Username=user_id, GroupName=role.value)

    def remove_role(self, user_id: str, role: Role) -> None:
        self._call("admin_remove_user_from_group", Username=user_id, GroupName=role.value)

    # -- calling Cognito ------------------------------------------------------------------------
    def _pages(self, operation: str, token_name: str, **params: Any) -> Iterator[dict[str, Any]]:
        key = "Groups" if operation == "admin_list_groups_for_user" else "Users"
        token: str | None = None
        for _ in range(MAX_PAGES):
            page = self._call(operation, Limit=PAGE, **params, **({token_name: token} if token else {}))
            yield from page.get(key, [])
            token = page.get(token_name)
            if not token:
                return

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        if not self._pool_id:
            raise UnavailableError("the user directory is not configured (CLARION_USER_POOL_ID)")
        if self._client is None:
            self._client = self._make_client()
        try:
            answer: dict[str, Any] = getattr(self._client, operation)(UserPoolId=self._pool_id, **params)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code == "UserNotFoundException":
                raise NotFound(f"there is no user {params.get('Username')}",
                               {"id": params.get("Username")}) from error
            if code == "ResourceNotFoundException":  # the pool, or a role's group, is missing
                raise UnavailableError(f"the user directory is incomplete: {params.get('GroupName') or 'the pool'} "
                                       "was not found; deploy the stage's template again") from error
            if code in PASSING:
                raise UnavailableError("the user directory is busy; try again") from error
            raise
        except BotoCoreError as error:
            raise UnavailableError("the user directory could not be reached; try again") from error
        return answer


def _user(raw: Mapping[str, Any], roles: frozenset[Role]) -> DirectoryUser:
    attributes = {a["Name"]: a["Value"] for a in raw.get("Attributes", raw.get("UserAttributes", []))}
    username = str(raw["Username"])
    email = attributes.get("email")
    return DirectoryUser(id=username, name=attributes.get("name") or email or username, email=email,
                         enabled=bool(raw.get("Enabled", True)), status=str(raw.get("UserStatus", "UNKNOWN")),
                         roles=roles)


def _roles(groups: Iterable[str]) -> frozenset[Role]:
    """The groups that are Clarion roles (a pool may hold other groups: they are not roles here)."""
    return frozenset(Role(g) for g in groups if g in Role._value2member_map_)
