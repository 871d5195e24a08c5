"""Issue 14, admin: users and their roles. On the local stage the roles live on the stored users;
on deployed stages in Cognito's user pool, one group per role (here moto's Cognito, through the
real app with API Gateway's Cognito authorizer as Chalice simulates it)."""
from __future__ import annotations

import base64
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client

from chalicelib import composition
from chalicelib.adapters.cognito import CognitoUserDirectory
from chalicelib.domain.errors import Conflict, NotFound, UnavailableError
from chalicelib.domain.models import Role, User
from chalicelib.infra.bootstrap import Provisioned
from chalicelib.services.access import AccessService
from conftest import PROJECT_DIR, Api

# Chalice's local gateway says it authorizes every request with a Cognito authorizer (it reads the
# token's claims unchecked, as API Gateway hands them on once it has checked them).
pytestmark = pytest.mark.filterwarnings("ignore:CognitoUserPoolAuthorizer is not a supported:UserWarning")
ROUTES = [("GET", "/users"), ("PUT", "/users/demo-oncall/roles/approver"),
          ("DELETE", "/users/demo-oncall/roles/oncall")]
NOT_ADMIN = ["demo-spokesperson", "demo-approver", "demo-oncall", "demo-auditor"]


def trail(api: Api, token: str = "demo-auditor", **filters: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in {"limit": "1000", **filters}.items())
    return api.call("GET", f"/audit?{query}", token).json_body["entries"]


def listed(api: Api, token: str = "demo-admin") -> dict[str, dict[str, Any]]:
    response = api.call("GET", "/users", token)
    assert response.status_code == 200, response.json_body
    return {u["id"]: u for u in response.json_body["users"]}


# -- who may call -------------------------------------------------------------------------------
@pytest.mark.parametrize("method,path", ROUTES)
def test_no_or_a_bad_token_is_401(api: Api, method: str, path: str) -> None:
    for token in (None, "not-a-real-token"):
        assert api.call(method, path, token).status_code == 401


@pytest.mark.parametrize("method,path", ROUTES)
@pytest.mark.parametrize("token", NOT_ADMIN)
def test_only_an_admin_may_and_a_refusal_is_audited(api: Api, method: str, path: str, token: str) -> None:
    response = api.call(method, path, token)
    assert response.status_code == 403, response.json_body
    assert trail(api, actor=token)[-1]["action"] in ("refused:users_read", "refused:user_role_add",
                                                     "refused:user_role_remove")
    assert listed(api)["demo-oncall"]["roles"] == ["oncall"]


# -- the local stage: roles on the stored users ----------------------------------------------------
def test_the_list_shows_each_users_roles_and_status(api: Api) -> None:
    users = listed(api)
    assert set(users) >= {"demo-spokesperson", "demo-approver", "demo-oncall", "demo-auditor", "demo-admin"}
    assert users["demo-admin"] == {"id": "demo-admin", "name": "Lee Admin", "email": None, "roles": ["admin"],
                                   "status": "enabled", "disabled": False, "directory_enabled": True,
                                   "directory_status": "local"}
    assert api.call("POST", "/users/demo-oncall/disable", "demo-admin").status_code == 200
    oncall = listed(api)["demo-oncall"]
    assert oncall["status"] == "disabled" and oncall["disabled"] is True and oncall["roles"] == ["oncall"]


def test_a_role_is_given_and_taken_away_audited_and_used_at_the_next_request(api: Api) -> None:
    assert api.call("GET", "/audit", "demo-oncall").status_code == 403
    given = api.call("PUT", "/users/demo-oncall/roles/auditor", "demo-admin")
    assert given.status_code == 200, given.json_body
    assert given.json_body["roles"] == ["auditor", "oncall"] and given.json_body["changed"] is True
    assert listed(api)["demo-oncall"]["roles"] == ["auditor", "oncall"]
    assert api.call("GET", "/audit", "demo-oncall").status_code == 200  # the demo token reads the row

    again = api.call("PUT", "/users/demo-oncall/roles/auditor", "demo-admin")
    assert again.status_code == 200 and again.json_body["changed"] is False

    taken = api.call("DELETE", "/users/demo-oncall/roles/auditor", "demo-admin")
    assert taken.status_code == 200 and taken.json_body["roles"] == ["oncall"] and taken.json_body["changed"]
    assert api.call("GET", "/audit", "demo-oncall").status_code == 403
    assert api.call("DELETE", "/users/demo-oncall/roles/auditor", "demo-admin").json_body["changed"] is False

    changes = [(e["actor"], e["action"], e["summary"]) for e in trail(api) if e["action"].startswith("user_role")]
    assert changes == [("demo-admin", "user_role_add", "user demo-oncall: role auditor added"),
                       ("demo-admin", "user_role_remove", "user demo-oncall: role auditor removed")]


def test_an_unknown_user_is_404_and_an_unknown_role_422(api: Api) -> None:
    for method in ("PUT", "DELETE"):
        missing = api.call(method, "/users/nobody/roles/approver", "demo-admin")
        assert missing.status_code == 404 and missing.json_body["error"]["code"] == "not_found"
        unknown = api.call(method, "/users/demo-oncall/roles/superuser", "demo-admin")
        assert unknown.status_code == 422
        assert unknown.json_body["error"]["details"] == [
            {"field": "role", "problem": "must be one of: spokesperson, approver, oncall, auditor, admin"}]
    assert not [e for e in trail(api) if e["action"].startswith("user_role")]


def test_the_last_enabled_admin_keeps_the_admin_role(api: Api) -> None:
    refused = api.call("DELETE", "/users/demo-admin/roles/admin", "demo-admin")
    assert refused.status_code == 409 and "last enabled admin" in refused.json_body["error"]["message"]
    # A second admin who is disabled does not count ...
    assert api.call("PUT", "/users/demo-auditor/roles/admin", "demo-admin").status_code == 200
    assert api.call("POST", "/users/demo-auditor/disable", "demo-admin").status_code == 200
    assert api.call("DELETE", "/users/demo-admin/roles/admin", "demo-admin").status_code == 409
    # ... an enabled one does: then an admin may even step down themselves.
    assert api.call("POST", "/users/demo-auditor/enable", "demo-admin").status_code == 200
    stepped_down = api.call("DELETE", "/users/demo-admin/roles/admin", "demo-admin")
    assert stepped_down.status_code == 200 and stepped_down.json_body["roles"] == []
    assert api.call("GET", "/users", "demo-admin").status_code == 403
    assert api.call("DELETE", "/users/demo-auditor/roles/admin", "demo-auditor").status_code == 409
    assert listed(api, "demo-auditor")["demo-auditor"]["roles"] == ["admin", "auditor"]


# -- Cognito: the directory adapter against moto -----------------------------------------------------
PEOPLE = {"lee": ("Lee Admin", ["admin"]), "ash": ("Ash Admin", ["admin", "approver"]),
          "maria": ("Maria Approver", ["approver"]), "jo": ("Jo On-call", ["oncall"]),
          "kim": ("Kim", [])}


@pytest.fixture
def pool(aws: Provisioned, monkeypatch: pytest.MonkeyPatch) -> str:
    """The stage's user pool as cloudformation.user_pool makes it: one group per role."""
    idp = boto3.client("cognito-idp")
    pool_id = str(idp.create_user_pool(PoolName="clarion-dev-users")["UserPool"]["Id"])
    for role in Role:
        idp.create_group(UserPoolId=pool_id, GroupName=role.value)
    idp.create_group(UserPoolId=pool_id, GroupName="not-a-clarion-role")
    for username, (name, groups) in PEOPLE.items():
        idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": f"{username}@health.example.org"},
                                              {"Name": "name", "Value": name}])
        for group in groups:
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="kim", GroupName="not-a-clarion-role")
    monkeypatch.setenv("CLARION_USER_POOL_ID", pool_id)
    return pool_id


def groups_of(pool_id: str, username: str) -> set[str]:
    answer = boto3.client("cognito-idp").admin_list_groups_for_user(UserPoolId=pool_id, Username=username)
    return {g["GroupName"] for g in answer["Groups"]}


def test_the_cognito_directory_lists_users_with_their_role_groups(pool: str) -> None:
    directory = CognitoUserDirectory(lambda: boto3.client("cognito-idp"), pool)
    users = {u.id: u for u in directory.list_users()}
    assert set(users) == set(PEOPLE)
    assert users["ash"].roles == {Role.ADMIN, Role.APPROVER} and users["kim"].roles == frozenset()
    assert users["maria"].name == "Maria Approver" and users["maria"].email == "maria@health.example.org"
    assert users["lee"].enabled is True and users["lee"].status == "FORCE_CHANGE_PASSWORD"
    assert {u.id for u in directory.members(Role.ADMIN)} == {"lee", "ash"}
    jo = directory.user("jo")
    assert jo is not None and jo.roles == {Role.ONCALL}
    assert directory.user("nobody") is None and directory.user('x" or username ^= "') is None


def test_the_cognito_directory_adds_and_removes_groups(pool: str) -> None:
    directory = CognitoUserDirectory(lambda: boto3.client("cognito-idp"), pool)
    directory.add_role("jo", Role.AUDITOR)
    assert groups_of(pool, "jo") == {"oncall", "auditor"}
    directory.remove_role("jo", Role.ONCALL)
    assert groups_of(pool, "jo") == {"auditor"}
    with pytest.raises(NotFound):
        directory.add_role("nobody", Role.AUDITOR)


def test_the_cognito_directory_is_made_on_first_use_and_fails_clearly(pool: str) -> None:
    made: list[str] = []

    def client() -> Any:
        made.append("cognito-idp")
        return boto3.client("cognito-idp")

    directory = CognitoUserDirectory(client, pool)
    assert made == []
    directory.members(Role.ADMIN)
    directory.members(Role.APPROVER)
    assert made == ["cognito-idp"]
    boto3.client("cognito-idp").delete_group(UserPoolId=pool, GroupName="auditor")
    with pytest.raises(UnavailableError) as missing:
        directory.add_role("jo", Role.AUDITOR)
    assert "auditor" in missing.value.message
    with pytest.raises(UnavailableError):
        CognitoUserDirectory(client, "").list_users()


def test_two_admins_taking_each_others_admin_role_at_once_leave_an_admin(pool: str) -> None:
    """Both pass the last-admin check before either change is made: each looks again after its
    own, and the one that finds no admin left puts it back."""
    directory = CognitoUserDirectory(lambda: boto3.client("cognito-idp"), pool)
    store = composition.clarion().store

    class Racing:  # ash removes lee's admin role just after lee's check passed
        def __init__(self) -> None:
            self.raced = False

        def __getattr__(self, name: str) -> Any:
            return getattr(directory, name)

        def remove_role(self, user_id: str, role: Role) -> None:
            if not self.raced:
                self.raced = True
                directory.remove_role("lee", Role.ADMIN)
            directory.remove_role(user_id, role)

    access = AccessService(store, "dev", directory=Racing())  # type: ignore[arg-type]
    lee = User(id="lee", name="Lee", roles=frozenset({Role.ADMIN}))
    with pytest.raises(Conflict):
        access.change_role(lee, "ash", "admin", grant=False)
    assert "admin" in groups_of(pool, "ash")  # put back: ash is an admin still
    assert not [e for e in store.audit_entries() if e.action == "user_role_remove"]


# -- Cognito through the real app (a deployed stage) ------------------------------------------------
def id_token(username: str, *groups: str) -> str:
    """An ID token as API Gateway's authorizer hands its claims on (Chalice's local authorizer
    reads the claims without checking the signature, as API Gateway has checked it)."""
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return ".".join([part({"alg": "RS256", "kid": "test"}), part(
        {"cognito:username": username, "cognito:groups": list(groups), "token_use": "id"}), "signature"])


@pytest.fixture
def deployed(pool: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    """app.py as a deployed stage loads it: every route behind the Cognito authorizer."""
    monkeypatch.setenv("CLARION_STAGE", "dev")
    monkeypatch.setenv("CLARION_USER_POOL_ARN", f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{pool}")
    composition.use(None)
    spec = importlib.util.spec_from_file_location("app_on_dev", Path(PROJECT_DIR) / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with Client(module.app, stage_name="dev", project_dir=PROJECT_DIR) as client:
        yield Api(client)
    composition.use(None)


LEE, ASH, MARIA = id_token("lee", "admin"), id_token("ash", "admin", "approver"), id_token("maria", "approver")


def test_on_a_deployed_stage_the_list_comes_from_cognito(deployed: Api, pool: str) -> None:
    assert deployed.call("GET", "/users", MARIA).status_code == 403
    response = deployed.call("GET", "/users", LEE)
    assert response.status_code == 200, response.json_body
    users = {u["id"]: u for u in response.json_body["users"]}
    assert set(users) == set(PEOPLE)
    assert users["ash"]["roles"] == ["admin", "approver"] and users["kim"]["roles"] == []
    assert users["maria"]["email"] == "maria@health.example.org" and users["maria"]["status"] == "enabled"
    # Clarion's disable and Cognito's own both show as disabled.
    assert deployed.call("POST", "/users/maria/disable", LEE).status_code == 200
    boto3.client("cognito-idp").admin_disable_user(UserPoolId=pool, Username="jo")
    users = {u["id"]: u for u in deployed.call("GET", "/users", LEE).json_body["users"]}
    assert (users["maria"]["status"], users["maria"]["disabled"], users["maria"]["directory_enabled"]) == \
        ("disabled", True, True)
    assert (users["jo"]["status"], users["jo"]["disabled"], users["jo"]["directory_enabled"]) == \
        ("disabled", False, False)


def test_on_a_deployed_stage_roles_are_cognito_groups(deployed: Api, pool: str) -> None:
    given = deployed.call("PUT", "/users/jo/roles/approver", LEE)
    assert given.status_code == 200, given.json_body
    assert given.json_body["roles"] == ["approver", "oncall"] and given.json_body["changed"] is True
    assert groups_of(pool, "jo") == {"approver", "oncall"}
    taken = deployed.call("DELETE", "/users/jo/roles/oncall", LEE)
    assert taken.status_code == 200 and taken.json_body["roles"] == ["approver"]
    assert groups_of(pool, "jo") == {"approver"}
    assert deployed.call("PUT", "/users/nobody/roles/approver", LEE).status_code == 404
    assert deployed.call("PUT", "/users/jo/roles/root", LEE).status_code == 422
    assert deployed.call("PUT", "/users/jo/roles/admin", MARIA).status_code == 403
    assert groups_of(pool, "jo") == {"approver"}
    entries = [(e.actor, e.action, e.summary) for e in composition.clarion().store.audit_entries()
               if e.action.startswith("user_role") or e.action.startswith("refused:user_role")]
    assert entries == [("lee", "user_role_add", "user jo: role approver added"),
                       ("lee", "user_role_remove", "user jo: role oncall removed"),
                       ("maria", "refused:user_role_add", "user_role_add needs one of the roles: admin")]


def test_on_a_deployed_stage_the_last_enabled_admin_keeps_the_group(deployed: Api, pool: str) -> None:
    assert deployed.call("DELETE", "/users/ash/roles/admin", LEE).status_code == 200  # lee remains
    refused = deployed.call("DELETE", "/users/lee/roles/admin", LEE)
    assert refused.status_code == 409 and "last enabled admin" in refused.json_body["error"]["message"]
    assert "admin" in groups_of(pool, "lee")
    # An admin Cognito has disabled does not count either.
    assert deployed.call("PUT", "/users/ash/roles/admin", LEE).status_code == 200
    boto3.client("cognito-idp").admin_disable_user(UserPoolId=pool, Username="ash")
    assert deployed.call("DELETE", "/users/lee/roles/admin", LEE).status_code == 409
    boto3.client("cognito-idp").admin_enable_user(UserPoolId=pool, Username="ash")
    assert deployed.call("DELETE", "/users/lee/roles/admin", ASH).status_code == 200
    assert groups_of(pool, "lee") == set()
