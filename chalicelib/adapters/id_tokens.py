"""ID tokens verified in the app, for the local stage: the same checks API Gateway's Cognito
authorizer makes in the cloud (RS256 signature by a key in the issuer's JWKS, issuer, audience =
the console's app client, expiry, `token_use` = id). Deployed stages never build this: there the
authorizer has verified the token before the function runs, and the app reads its claims."""
from __future__ import annotations

from typing import Any
from collections.abc import Mapping

import jwt

from chalicelib.domain.errors import Unauthenticated

LEEWAY_SECONDS = 5  # clock skew between the issuer and this process; Cognito's authorizer allows a little too


class JwksIdTokenVerifier:
    def __init__(self, issuer: str, audience: str, jwks_url: str | None = None) -> None:
        self._issuer = issuer.rstrip("/")
        self._audience = audience
        # Keys are cached and fetched again when a token names a key id not seen yet (rotation).
        self._keys = jwt.PyJWKClient(jwks_url or f"{self._issuer}/.well-known/jwks.json",
                                     cache_keys=True, lifespan=300, timeout=5)

    def claims(self, token: str) -> Mapping[str, Any]:
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token, key.key, algorithms=["RS256"], audience=self._audience, issuer=self._issuer,
                leeway=LEEWAY_SECONDS, options={"require": ["exp", "iat", "iss", "aud", "token_use"]})
        except jwt.PyJWKClientConnectionError as error:
            raise Unauthenticated("the sign-in service's keys could not be fetched; try again") from error
        except jwt.ExpiredSignatureError as error:
            raise Unauthenticated("the sign-in has expired; sign in again") from error
        except jwt.PyJWTError as error:  # bad signature, issuer, audience, unknown key, malformed
            raise Unauthenticated(f"the token was refused: {error}") from error
        if claims.get("token_use") != "id":
            raise Unauthenticated("send the ID token, not an access or refresh token")
        return claims
