"""Sign-in on the local stage, over real HTTP: the stand-in for Cognito's managed login (OAuth 2.0
code flow with PKCE, RS256 ID tokens, JWKS) and the API verifying its tokens as API Gateway's
Cognito authorizer does. The browser half is tests/browser."""
from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

from conftest import Api
from local.signin import SignInServer, SignInStandIn, demo_users, pkce_challenge
from local.stack_process import free_port

CONSOLE = "http://127.0.0.1:8000/"


@pytest.fixture
def stand_in() -> Iterator[SignInStandIn]:
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    server = SignInServer(SignInStandIn(issuer=issuer, users=demo_users(), redirect_uris=(CONSOLE,)),
                          "127.0.0.1", port).start()
    yield server.stand_in
    server.stop()


@pytest.fixture
def signed_api(api: Api, stand_in: SignInStandIn, monkeypatch: pytest.MonkeyPatch) -> Api:
    """The app as the local stack runs it: told where sign-in is, verifying its tokens."""
    from chalicelib import composition

    monkeypatch.setenv("CLARION_SIGN_IN_URL", stand_in.issuer)
    monkeypatch.setenv("CLARION_SIGN_IN_ISSUER", stand_in.issuer)
    monkeypatch.setenv("CLARION_SIGN_IN_CLIENT_ID", stand_in.client_id)
    monkeypatch.setenv("CLARION_PUBLIC_BASE_URL", CONSOLE.rstrip("/"))
    composition.use(None)  # rebuilt with the verifier on the next request
    return api


def authorize(stand_in: SignInStandIn, user: str = "demo-approver", **overrides: str) -> tuple[str, str]:
    """The browser's half: choose a user on the sign-in page. Returns (code, verifier)."""
    verifier = secrets.token_urlsafe(48)
    params = {"response_type": "code", "client_id": stand_in.client_id, "redirect_uri": CONSOLE,
              "scope": "openid email profile", "state": "s-1", "code_challenge": pkce_challenge(verifier),
              "code_challenge_method": "S256", **overrides}
    page = requests.get(f"{stand_in.issuer}/oauth2/authorize", params=params, timeout=5)
    assert page.status_code == 200 and "Alex Approver" in page.text
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    chosen = requests.post(f"{stand_in.issuer}/oauth2/authorize", data={**params, "username": user},
                           allow_redirects=False, timeout=5)
    assert chosen.status_code == 302
    location = urlsplit(chosen.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CONSOLE
    query = parse_qs(location.query)
    assert query["state"] == ["s-1"]
    return query["code"][0], verifier


def token(stand_in: SignInStandIn, **form: str) -> requests.Response:
    return requests.post(f"{stand_in.issuer}/oauth2/token", data={"client_id": stand_in.client_id, **form},
                         headers={"Origin": "http://127.0.0.1:8000"}, timeout=5)


def redeem(stand_in: SignInStandIn, code: str, verifier: str) -> requests.Response:
    return token(stand_in, grant_type="authorization_code", code=code, redirect_uri=CONSOLE,
                 code_verifier=verifier)


def test_code_flow_with_pkce_gives_cognito_shaped_tokens_once(stand_in: SignInStandIn) -> None:
    code, verifier = authorize(stand_in)
    answer = redeem(stand_in, code, verifier)
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8000"
    tokens = answer.json()
    assert set(tokens) == {"id_token", "access_token", "refresh_token", "token_type", "expires_in"}
    header = jwt.get_unverified_header(tokens["id_token"])
    assert header["alg"] == "RS256" and header["kid"] == stand_in.kid
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert claims["cognito:username"] == "demo-approver" and claims["cognito:groups"] == ["approver"]
    assert claims["aud"] == stand_in.client_id and claims["iss"] == stand_in.issuer
    assert claims["token_use"] == "id" and claims["name"] == "Alex Approver"
    # A code works once.
    again = redeem(stand_in, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_a_wrong_verifier_burns_the_code(stand_in: SignInStandIn) -> None:
    code, verifier = authorize(stand_in)
    wrong = redeem(stand_in, code, secrets.token_urlsafe(48))
    assert wrong.status_code == 400 and "verifier" in wrong.json()["error_description"]
    assert redeem(stand_in, code, verifier).status_code == 400  # not retried with the right one


def test_unregistered_return_addresses_and_flows_are_refused(stand_in: SignInStandIn) -> None:
    base = {"response_type": "code", "client_id": stand_in.client_id, "redirect_uri": CONSOLE, "state": "x",
            "code_challenge": pkce_challenge("v" * 50), "code_challenge_method": "S256"}
    evil = requests.get(f"{stand_in.issuer}/oauth2/authorize",
                        params={**base, "redirect_uri": "https://evil.example/"}, allow_redirects=False, timeout=5)
    assert evil.status_code == 400 and "not registered" in evil.text  # shown, never sent on
    client = requests.get(f"{stand_in.issuer}/oauth2/authorize", params={**base, "client_id": "other"},
                          allow_redirects=False, timeout=5)
    assert client.status_code == 400
    implicit = requests.get(f"{stand_in.issuer}/oauth2/authorize", params={**base, "response_type": "token"},
                            allow_redirects=False, timeout=5)
    assert implicit.status_code == 302 and "error=unsupported_response_type" in implicit.headers["Location"]
    plain = requests.get(f"{stand_in.issuer}/oauth2/authorize", params={**base, "code_challenge_method": "plain"},
                         allow_redirects=False, timeout=5)
    assert plain.status_code == 302 and "error=invalid_request" in plain.headers["Location"]
    logout = requests.get(f"{stand_in.issuer}/logout", params={"client_id": stand_in.client_id,
                                                                "logout_uri": "https://evil.example/"},
                          allow_redirects=False, timeout=5)
    assert logout.status_code == 400


def test_refresh_gives_a_new_id_token_until_revoked(stand_in: SignInStandIn) -> None:
    code, verifier = authorize(stand_in, "demo-oncall")
    refresh_token = redeem(stand_in, code, verifier).json()["refresh_token"]
    refreshed = token(stand_in, grant_type="refresh_token", refresh_token=refresh_token)
    assert refreshed.status_code == 200 and "refresh_token" not in refreshed.json()
    assert jwt.decode(refreshed.json()["id_token"], options={"verify_signature": False})["cognito:groups"] == ["oncall"]
    requests.post(f"{stand_in.issuer}/oauth2/revoke", data={"token": refresh_token,
                                                             "client_id": stand_in.client_id}, timeout=5)
    assert token(stand_in, grant_type="refresh_token", refresh_token=refresh_token).status_code == 400


def test_the_api_accepts_the_stand_ins_id_token(signed_api: Api, stand_in: SignInStandIn) -> None:
    code, verifier = authorize(stand_in, "demo-approver")
    id_token = redeem(stand_in, code, verifier).json()["id_token"]
    me = signed_api.call("GET", "/me", id_token)
    assert me.status_code == 200, me.json_body
    assert me.json_body["id"] == "demo-approver" and me.json_body["name"] == "Alex Approver"
    assert me.json_body["roles"] == ["approver"]
    # Roles come from the token's groups: an approver may not write.
    assert signed_api.call("POST", "/advisories", id_token, {}).status_code == 403
    # The demo tokens keep working for curl on the local stage.
    assert signed_api.call("GET", "/me", "demo-auditor").status_code == 200


def forged(stand_in: SignInStandIn, **changes: Any) -> str:
    claims = jwt.decode(stand_in.tokens(demo_users()[2])["id_token"], options={"verify_signature": False})
    return stand_in.sign({**claims, **changes})


def test_the_api_refuses_tokens_the_authorizer_would(signed_api: Api, stand_in: SignInStandIn) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    good = stand_in.tokens(demo_users()[2])
    now = int(time.time())
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(good["id_token"], options={"verify_signature": False})
    head, _body, signature = good["id_token"].split(".")
    escalated = base64.urlsafe_b64encode(json.dumps({**claims, "cognito:groups": ["admin"]}).encode()).decode().rstrip("=")
    refused = {
        "expired": forged(stand_in, exp=now - 60, iat=now - 3660),
        "another audience": forged(stand_in, aud="some-other-client"),
        "another issuer": forged(stand_in, iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"),
        "an access token": good["access_token"],
        "signed by another key": jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": stand_in.kid}),
        "an unknown key id": jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": "nope"}),
        "unsigned (alg none)": jwt.encode(claims, None, algorithm="none"),
        "groups edited after signing": f"{head}.{escalated}.{signature}",
        "not a JWT": "a.b.c",
    }
    for why, bad in refused.items():
        response = signed_api.call("GET", "/me", bad)
        assert response.status_code == 401, why
        assert response.json_body["error"]["code"] == "unauthenticated", why
    assert signed_api.call("GET", "/me", good["id_token"]).status_code == 200


def test_a_disabled_user_is_refused_even_with_a_valid_token(signed_api: Api, stand_in: SignInStandIn) -> None:
    id_token = stand_in.tokens(next(u for u in demo_users() if u.username == "demo-oncall"))["id_token"]
    assert signed_api.call("GET", "/me", id_token).status_code == 200
    assert signed_api.call("POST", "/users/demo-oncall/disable", "demo-admin").status_code == 200
    refused = signed_api.call("GET", "/me", id_token)
    assert refused.status_code == 401 and "disabled" in refused.json_body["error"]["message"]


def test_the_console_learns_where_to_sign_in(signed_api: Api, stand_in: SignInStandIn) -> None:
    settings = signed_api.call("GET", "/console/sign-in.json")
    assert settings.status_code == 200
    assert settings.json_body == {
        "authorize_url": f"{stand_in.issuer}/oauth2/authorize", "token_url": f"{stand_in.issuer}/oauth2/token",
        "revoke_url": f"{stand_in.issuer}/oauth2/revoke", "logout_url": f"{stand_in.issuer}/logout",
        "client_id": stand_in.client_id, "redirect_uri": CONSOLE, "scopes": ["openid", "email", "profile"]}
    page = signed_api.call("GET", "/")
    csp = page.headers["Content-Security-Policy"]
    assert f"connect-src 'self' {stand_in.issuer};" in csp and "unsafe-inline" not in csp


def test_without_sign_in_settings_the_console_says_so(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLARION_SIGN_IN_URL", raising=False)
    response = api.call("GET", "/console/sign-in.json")
    assert response.status_code == 404 and "not configured" in response.json_body["error"]["message"]


def test_demo_tokens_and_unverified_jwts_are_refused_on_deployed_stages(stand_in: SignInStandIn) -> None:
    from fakes import InMemoryStore
    from chalicelib.domain.errors import Unauthenticated
    from chalicelib.services.access import AccessService

    access = AccessService(InMemoryStore(), "dev")  # no verifier: API Gateway has verified, or not
    with pytest.raises(Unauthenticated):
        access.authenticate("Bearer demo-admin", None)
    with pytest.raises(Unauthenticated):
        access.authenticate("Bearer " + stand_in.tokens(demo_users()[5])["id_token"], None)
