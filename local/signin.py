"""A local stand-in for Cognito's managed login, so the console signs in locally the way it does
on AWS: OAuth 2.0 authorization code with PKCE, RS256 ID tokens, JWKS at the issuer.

    GET  /oauth2/authorize          the demo users to pick from (Cognito: the hosted sign-in page)
    POST /oauth2/authorize          the pick: redirects to the console with a one-time code
    POST /oauth2/token              code + PKCE verifier, or a refresh token → tokens
    POST /oauth2/revoke             a refresh token is revoked
    GET  /logout                    back to a registered sign-out URL
    GET  /.well-known/jwks.json     the signing key, as Cognito publishes it
    GET  /.well-known/openid-configuration

The tokens carry what Cognito's do (`cognito:username`, `cognito:groups`, `token_use`, `aud`
= the app client id), so the API reads them with the same code on every stage. Local only: it
signs whoever is picked, with a key made when it starts.
"""
from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, Response, jsonify, redirect, request
from werkzeug.serving import make_server

CLIENT_ID = "clarion-local-console"
CODE_SECONDS = 300


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    groups: tuple[str, ...]


@dataclass
class _Grant:
    user: DemoUser
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    expires: float


@dataclass
class SignInStandIn:
    """The issuer: its key, its registered console URLs, the codes and refresh tokens it gave."""

    issuer: str
    users: tuple[DemoUser, ...]
    redirect_uris: tuple[str, ...]
    client_id: str = CLIENT_ID
    token_seconds: int = 3600
    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537,
                                                                                     key_size=2048))
    kid: str = field(default_factory=lambda: uuid.uuid4().hex)
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _refresh: dict[str, DemoUser] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def user(self, username: str) -> DemoUser | None:
        return next((u for u in self.users if u.username == username), None)

    def issue_code(self, user: DemoUser, client_id: str, redirect_uri: str, challenge: str, scope: str) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Grant(user, client_id, redirect_uri, challenge, scope, time.time() + CODE_SECONDS)
        return code

    def redeem(self, code: str, client_id: str, redirect_uri: str, verifier: str) -> dict[str, Any]:
        """Tokens for a code, once: the verifier must hash to the challenge the code was made for."""
        with self._lock:
            grant = self._codes.pop(code, None)  # single use, even when the checks below fail
        if grant is None or grant.expires < time.time():
            raise TokenError("invalid_grant", "the code is unknown, used or expired")
        if grant.client_id != client_id or grant.redirect_uri != redirect_uri:
            raise TokenError("invalid_grant", "the code was issued to another client or redirect URI")
        if not verifier or pkce_challenge(verifier) != grant.challenge:
            raise TokenError("invalid_grant", "the code verifier does not match the code challenge")
        refresh = secrets.token_urlsafe(32)
        with self._lock:
            self._refresh[refresh] = grant.user
        return {**self.tokens(grant.user), "refresh_token": refresh}

    def refreshed(self, refresh_token: str, client_id: str) -> dict[str, Any]:
        with self._lock:
            user = self._refresh.get(refresh_token)
        if user is None or client_id != self.client_id:
            raise TokenError("invalid_grant", "the refresh token is unknown or revoked")
        return self.tokens(user)  # as Cognito: no new refresh token

    def revoke(self, refresh_token: str) -> None:
        with self._lock:
            self._refresh.pop(refresh_token, None)

    def tokens(self, user: DemoUser) -> dict[str, Any]:
        now = int(time.time())
        common = {"sub": _sub(user.username), "iss": self.issuer, "iat": now, "auth_time": now,
                  "exp": now + self.token_seconds, "cognito:username": user.username,
                  "cognito:groups": list(user.groups)}
        id_claims = {**common, "aud": self.client_id, "token_use": "id", "name": user.name,
                     "email": f"{user.username}@example.org"}
        access_claims = {**common, "client_id": self.client_id, "token_use": "access",
                         "scope": "openid email profile", "jti": uuid.uuid4().hex}
        return {"id_token": self.sign(id_claims), "access_token": self.sign(access_claims),
                "token_type": "Bearer", "expires_in": self.token_seconds}

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


class TokenError(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error, self.description = error, description


def pkce_challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def _sub(username: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"clarion-local/{username}"))


# -- HTTP --------------------------------------------------------------------------------------------
_CSP = "default-src 'none'; style-src 'self'; form-action 'self' {targets}; base-uri 'none'; frame-ancestors 'none'"
_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1a1f24}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;border:1px solid #c9d1d9}
h1{font-size:1.4rem;margin:0 0 .5rem} p{margin:.25rem 0 1rem}
ul{list-style:none;padding:0;margin:0} li{margin:.5rem 0}
button{width:100%;text-align:left;font:inherit;padding:.75rem 1rem;border:1px solid #0b5cad;border-radius:6px;
background:#fff;color:#0b3d73;cursor:pointer;min-height:44px}
button:hover,button:focus-visible{background:#e8f1fb;outline:3px solid #0b5cad;outline-offset:2px}
.roles{display:block;font-size:.875rem;color:#444c56}
.error{color:#8b1a1a}
"""


def create_app(stand_in: SignInStandIn) -> Flask:
    app = Flask("clarion-sign-in")

    def page(title: str, body: str, status: int = 200, targets: str = "") -> Response:
        document = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
                    f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                    f'<title>{html.escape(title)}</title><link rel="stylesheet" href="/sign-in.css">'
                    f'</head><body><main>{body}</main></body></html>')
        return Response(document, status=status, headers={
            "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": _CSP.format(targets=targets),
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"})

    def refused(message: str) -> Response:
        # A bad client or redirect URI is shown here, never sent on (RFC 6749 §4.1.2.1).
        return page("Sign-in error", f'<h1>Sign-in error</h1><p class="error">{html.escape(message)}</p>', 400)

    def authorize_params() -> tuple[dict[str, str], Response | None]:
        given = request.values
        params = {k: given.get(k, "") for k in ("response_type", "client_id", "redirect_uri", "scope", "state",
                                               "code_challenge", "code_challenge_method")}
        if params["client_id"] != stand_in.client_id:
            return params, refused("This application is not registered for sign-in.")
        if params["redirect_uri"] not in stand_in.redirect_uris:
            return params, refused("The return address is not registered for this application.")
        problem = None
        if params["response_type"] != "code":
            problem = ("unsupported_response_type", "only the authorization code flow is allowed")
        elif params["code_challenge_method"] != "S256" or len(params["code_challenge"]) < 43:
            problem = ("invalid_request", "PKCE with S256 is required")
        if problem:
            query = urlencode({"error": problem[0], "error_description": problem[1], "state": params["state"]})
            return params, redirect(f"{params['redirect_uri']}?{query}", 302)
        return params, None

    @app.get("/sign-in.css")
    def style() -> Response:
        return Response(_STYLE, headers={"Content-Type": "text/css; charset=utf-8"})

    @app.get("/oauth2/authorize")
    def choose() -> Response:
        params, problem = authorize_params()
        if problem is not None:
            return problem
        hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in params.items())
        buttons = "".join(
            f'<li><button type="submit" name="username" value="{html.escape(u.username)}">{html.escape(u.name)}'
            f'<span class="roles">{html.escape(", ".join(u.groups))}</span></button></li>'
            for u in stand_in.users)
        origin = _origin(params["redirect_uri"])
        return page("Sign in · Clarion (local)",
                    '<h1>Sign in to Clarion</h1><p>Local stage: choose a demo user. On AWS this is your '
                    'organisation\'s sign-in page.</p>'
                    f'<form method="post" action="/oauth2/authorize">{hidden}<ul>{buttons}</ul></form>',
                    targets=origin)

    @app.post("/oauth2/authorize")
    def chosen() -> Any:
        params, problem = authorize_params()
        if problem is not None:
            return problem
        user = stand_in.user(request.form.get("username", ""))
        if user is None:
            return refused("Choose one of the listed users.")
        code = stand_in.issue_code(user, params["client_id"], params["redirect_uri"], params["code_challenge"],
                                   params["scope"])
        return redirect(f"{params['redirect_uri']}?{urlencode({'code': code, 'state': params['state']})}", 302)

    @app.post("/oauth2/token")
    def token() -> Response:
        form = request.form
        try:
            if form.get("grant_type") == "authorization_code":
                answer = stand_in.redeem(form.get("code", ""), form.get("client_id", ""),
                                         form.get("redirect_uri", ""), form.get("code_verifier", ""))
            elif form.get("grant_type") == "refresh_token":
                answer = stand_in.refreshed(form.get("refresh_token", ""), form.get("client_id", ""))
            else:
                raise TokenError("unsupported_grant_type", "use authorization_code or refresh_token")
        except TokenError as error:
            return cors(jsonify(error=error.error, error_description=error.description), 400)
        return cors(jsonify(answer), 200)

    @app.post("/oauth2/revoke")
    def revoke() -> Response:
        stand_in.revoke(request.form.get("token", ""))
        return cors(Response("", 200), 200)

    @app.get("/logout")
    def logout() -> Any:
        target = request.args.get("logout_uri", "")
        if request.args.get("client_id") != stand_in.client_id or target not in stand_in.redirect_uris:
            return refused("The sign-out address is not registered for this application.")
        return redirect(target, 302)

    @app.get("/.well-known/jwks.json")
    def jwks() -> Response:
        return jsonify(stand_in.jwks())

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Response:
        base = stand_in.issuer
        return jsonify(issuer=base, authorization_endpoint=f"{base}/oauth2/authorize",
                       token_endpoint=f"{base}/oauth2/token", revocation_endpoint=f"{base}/oauth2/revoke",
                       jwks_uri=f"{base}/.well-known/jwks.json", response_types_supported=["code"],
                       code_challenge_methods_supported=["S256"], id_token_signing_alg_values_supported=["RS256"])

    def cors(response: Response, status: int) -> Response:
        # The console calls the token endpoint from its own origin, as it calls Cognito's.
        origin = request.headers.get("Origin", "")
        if origin and origin in {_origin(u) for u in stand_in.redirect_uris}:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
        response.headers["Cache-Control"] = "no-store"
        response.status_code = status
        return response

    return app


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class SignInServer:
    """The stand-in on a port, in a thread of the local stack."""

    def __init__(self, stand_in: SignInStandIn, host: str, port: int) -> None:
        self.stand_in = stand_in
        self._server = make_server(host, port, create_app(stand_in), threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="sign-in", daemon=True)

    def start(self) -> SignInServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def demo_users() -> tuple[DemoUser, ...]:
    from chalicelib.services.access import DEMO_USERS

    return tuple(DemoUser(username, name, tuple(sorted(r.value for r in roles)))
                 for username, (name, roles) in DEMO_USERS.items())
