"""Every route checks who is calling: 401 without good credentials, 403 with the wrong role."""
from __future__ import annotations

import pytest
from chalice.test import Client

from conftest import PROJECT_DIR, Api, advisory_body

# (method, path, a role that may NOT call it). Paths use placeholders filled per test.
GUARDED = [
    ("POST", "/advisories", "demo-auditor"),
    ("PUT", "/advisories/{adv}", "demo-approver"),
    ("POST", "/advisories/{adv}/submit", "demo-oncall"),
    ("POST", "/advisories/{adv}/approve", "demo-spokesperson-2"),
    ("POST", "/advisories/{adv}/reject", "demo-admin"),
    ("POST", "/advisories/{adv}/withdraw", "demo-approver"),
    ("POST", "/advisories/{adv}/update", "demo-auditor"),
    ("POST", "/advisories/{adv}/cancel", "demo-oncall"),
    ("POST", "/templates", "demo-spokesperson"),
    ("POST", "/templates/{tpl}/approve", "demo-admin"),
    ("POST", "/templates/{tpl}/trigger", "demo-spokesperson"),
    ("POST", "/templates/{tpl}/preview", "demo-approver"),
    ("PUT", "/templates/{tpl}", "demo-approver"),
    ("POST", "/templates/{tpl}/retire", "demo-oncall"),
    ("POST", "/templates/preview", "demo-spokesperson"),
    ("PUT", "/users/{user}/roles/{role}", "demo-auditor"),
    ("DELETE", "/users/{user}/roles/{role}", "demo-approver"),
    ("POST", "/users/{user}/disable", "demo-auditor"),
    ("POST", "/users/{user}/enable", "demo-approver"),
    ("POST", "/advisories/{adv}/retry", "demo-spokesperson"),
    ("GET", "/audit", "demo-spokesperson"),
    ("GET", "/audit/verify", "demo-oncall"),
    ("GET", "/deliveries", "demo-spokesperson"),
    ("GET", "/advisories/{adv}/report", "demo-approver"),
    ("GET", "/incidents/{adv}/report", "demo-oncall"),
    ("GET", "/users", "demo-auditor"),
    ("POST", "/switch/pause", "demo-approver"),
    ("POST", "/switch/confirm", "demo-admin"),
    ("POST", "/switch/resume", "demo-oncall"),
    ("PUT", "/settings", "demo-approver"),
    # the channel accounts (admin only: tests/test_channel_admin.py tries every other role)
    ("GET", "/platforms", "demo-spokesperson"),
    ("POST", "/channels", "demo-approver"),
    ("GET", "/channels/{channel_id}", "demo-auditor"),
    ("PUT", "/channels/{channel_id}", "demo-oncall"),
    ("POST", "/channels/{channel_id}/enable", "demo-spokesperson"),
    ("POST", "/channels/{channel_id}/disable", "demo-approver"),
    ("PUT", "/channels/{channel_id}/credentials", "demo-auditor"),
    ("DELETE", "/channels/{channel_id}", "demo-oncall"),
    ("POST", "/channels/{channel_id}/test-post", "demo-spokesperson-2"),
    # the readiness checks (admin only: tests/test_readiness.py)
    ("POST", "/channels/{channel_id}/check", "demo-oncall"),
    ("POST", "/channels/check", "demo-auditor"),
    # channel groups: everyone who chooses channels reads them, admins change them (tests/test_channel_groups.py)
    ("GET", "/channel-groups", "demo-auditor"),
    ("PUT", "/channel-groups/{name}", "demo-spokesperson"),
    ("DELETE", "/channel-groups/{name}", "demo-approver"),
]
OPEN_TO_ANY_ROLE = [
    ("GET", "/advisories"), ("GET", "/advisories/{adv}"), ("GET", "/advisories/{adv}/deliveries"),
    ("GET", "/templates"), ("GET", "/templates/{tpl}"), ("GET", "/channels"), ("GET", "/me"),
    ("POST", "/advisories/preview"), ("GET", "/advisories/{adv}/preview"),
    ("GET", "/switch"), ("GET", "/settings"),
]
PUBLIC = [("GET", "/"), ("GET", "/console/{asset}"), ("GET", "/favicon.ico"), ("GET", "/feeds/cap.atom"), ("GET", "/feeds/cap/{file}"), ("GET", "/banner.json"),
          ("GET", "/banner.html")]
# Public too, and needs the sign-in service configured: tests/test_sign_in.py.
SIGN_IN_SETTINGS = [("GET", "/console/sign-in.json")]


def fill(path: str, ids: dict[str, str]) -> str:
    return path.format(**ids)


@pytest.fixture
def ids(api: Api) -> dict[str, str]:
    adv = api.call("POST", "/advisories", "demo-spokesperson", advisory_body()).json_body["id"]
    from test_templates_and_triggers import BOIL_WATER

    tpl = api.call("POST", "/templates", "demo-admin", BOIL_WATER).json_body["id"]
    return {"adv": adv, "tpl": tpl, "user": "demo-oncall", "role": "auditor", "channel_id": "mastodon:drills",
            "name": "county"}


def test_every_route_is_in_one_of_the_tables() -> None:
    import app as app_module

    declared = {(m, p) for m, p, _ in GUARDED} | set(OPEN_TO_ANY_ROLE) | set(PUBLIC) | set(SIGN_IN_SETTINGS)
    normalised = {(m, p.replace("{advisory_id}", "{adv}").replace("{template_id}", "{tpl}")
                   .replace("{user_id}", "{user}").replace("{file_name}", "{file}"))
                  for p, methods in app_module.app.routes.items() for m in methods}
    assert normalised == declared


@pytest.mark.parametrize("method,path", [(m, p) for m, p, _ in GUARDED] + OPEN_TO_ANY_ROLE)
def test_no_token_is_401(api: Api, ids: dict[str, str], method: str, path: str) -> None:
    response = api.call(method, fill(path, ids), None, {})
    assert response.status_code == 401
    assert response.json_body["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("method,path", [(m, p) for m, p, _ in GUARDED] + OPEN_TO_ANY_ROLE)
def test_a_bad_token_is_401(api: Api, ids: dict[str, str], method: str, path: str) -> None:
    response = api.call(method, fill(path, ids), "not-a-real-token", {})
    assert response.status_code == 401


@pytest.mark.parametrize("method,path,wrong_role", GUARDED)
def test_wrong_role_is_403_and_audited(api: Api, ids: dict[str, str], method: str, path: str,
                                       wrong_role: str) -> None:
    response = api.call(method, fill(path, ids), wrong_role, {})
    assert response.status_code == 403, response.json_body
    assert response.json_body["error"]["code"] == "forbidden"
    trail = api.call("GET", f"/audit?actor={wrong_role}", "demo-auditor").json_body["entries"]
    assert trail[-1]["action"].startswith("refused:")


def test_refused_sign_in_is_audited_without_the_token(api: Api) -> None:
    api.call("GET", "/advisories", "secret-looking-token")
    trail = api.call("GET", "/audit", "demo-auditor").json_body["entries"]
    assert trail[-1]["action"] == "refused:sign_in"
    assert "secret-looking-token" not in str(trail)


def test_a_disabled_user_is_refused_at_once_and_can_be_enabled_again(api: Api) -> None:
    assert api.call("GET", "/me", "demo-oncall").status_code == 200
    disabled = api.call("POST", "/users/demo-oncall/disable", "demo-admin")
    assert disabled.status_code == 200 and disabled.json_body["disabled"] is True
    refused = api.call("GET", "/advisories", "demo-oncall")
    assert refused.status_code == 401
    assert "disabled" in refused.json_body["error"]["message"]
    assert api.call("POST", "/users/demo-oncall/enable", "demo-admin").status_code == 200
    assert api.call("GET", "/me", "demo-oncall").status_code == 200
    actions = [e["action"] for e in api.call("GET", "/audit", "demo-auditor").json_body["entries"]]
    assert "user_disable" in actions and "user_enable" in actions


def test_disabling_an_unknown_user_is_404(api: Api) -> None:
    assert api.call("POST", "/users/nobody/disable", "demo-admin").status_code == 404


def test_demo_tokens_are_refused_outside_the_local_stage(aws: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import composition

    monkeypatch.setenv("CLARION_STAGE", "dev")
    composition.use(None)
    import app as app_module

    with Client(app_module.app, stage_name="dev", project_dir=PROJECT_DIR) as client:
        response = client.http.get("/advisories", headers={"Authorization": "Bearer demo-admin"})
    assert response.status_code == 401
    assert "local stage" in response.json_body["error"]["message"]


def test_cognito_claims_give_roles_in_deployed_stages(aws: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import composition

    monkeypatch.setenv("CLARION_STAGE", "prod")
    composition.use(None)
    access = composition.clarion().access
    user = access.authenticate("Bearer eyJ.jwt.token", {"cognito:username": "maria",
                                                        "cognito:groups": "approver,auditor"})
    assert user.id == "maria" and {r.value for r in user.roles} == {"approver", "auditor"}
    with pytest.raises(Exception) as refused:
        access.authenticate("Bearer eyJ.jwt.token", None)
    assert getattr(refused.value, "status", None) == 401


@pytest.mark.parametrize("method,path", PUBLIC)
def test_the_owned_channels_are_public_but_never_show_a_draft(api: Api, ids: dict[str, str],
                                                              method: str, path: str) -> None:
    response = api.call(method, path.format(file=f"{ids['adv']}.xml", asset="favicon.svg"))
    if "{file}" in path:
        assert response.status_code == 404  # a draft is not published
    else:
        assert response.status_code == 200
        assert "Boil water" not in response.body.decode()


def test_the_console_is_a_static_page_that_never_injects_html(api: Api) -> None:
    import re
    from pathlib import Path

    response = api.call("GET", "/")
    page = response.body.decode()
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
    assert "<script>" not in page and " style=" not in page and " on" + "click=" not in page
    # Relative addresses: the console works under API Gateway's stage path (/api/) too.
    scripts = [api.call("GET", "/" + src) for src in re.findall(r'src="(console/[^"]+\.js)"', page)]
    assert scripts and all(s.status_code == 200 for s in scripts)
    assert 'src="/' not in page and 'href="/' not in page
    # Every module of the console, imported or not, writes text, never markup.
    code = "".join(p.read_text() for p in Path(PROJECT_DIR, "templates", "console").glob("*.js"))
    assert "/advisories" in code and "textContent" in code
    assert "innerHTML" not in code and "insertAdjacentHTML" not in code and "outerHTML" not in code


def test_disabling_a_cognito_user_refuses_their_next_request(aws: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import composition
    from chalicelib.domain.models import Role, User

    monkeypatch.setenv("CLARION_STAGE", "prod")
    composition.use(None)
    access = composition.clarion().access
    claims = {"cognito:username": "maria", "cognito:groups": "approver"}
    assert access.authenticate("Bearer eyJ.jwt", claims).id == "maria"
    admin = User(id="lee", name="Lee", roles=frozenset({Role.ADMIN}))
    assert access.set_disabled(admin, "maria", True).disabled is True
    with pytest.raises(Exception) as refused:
        access.authenticate("Bearer eyJ.jwt", claims)
    assert getattr(refused.value, "status", None) == 401


@pytest.mark.parametrize("name", ["..%2Fapp.py", "nope.js", "index.html", "App.JS", "a" * 80 + ".js"])
def test_the_console_serves_only_its_own_assets(api: Api, name: str) -> None:
    response = api.call("GET", f"/console/{name}")
    assert response.status_code == 404 and response.json_body["error"]["code"] == "not_found"


def test_the_favicon_is_served_with_the_console_policy(api: Api) -> None:
    response = api.call("GET", "/favicon.ico")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("image/svg+xml")
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
