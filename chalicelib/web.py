"""HTTP glue for app.py: bodies in, JSON out, domain errors to status codes. No business here."""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
from typing import TYPE_CHECKING, Any, TypeVar
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from chalice.app import Chalice, Response
from pydantic import BaseModel, Field, ValidationError

from chalicelib import safe_json
from chalicelib.domain.errors import (BadRequest, ClarionError, NotFound, PayloadTooLarge,
                                      ValidationFailed)
from chalicelib.domain.models import (Advisory, ChannelAccount, DeliveryRecord, Strict, canonical_json,
                                      Template)
from chalicelib.services.audit_trail import AuditPage, AuditTrail

if TYPE_CHECKING:  # annotations only: the services and renderer load with their first use
    from chalicelib.domain.groups import ChannelGroup
    from chalicelib.domain.screening import Finding
    from chalicelib.rendering.render import RenderResult
    from chalicelib.services.advisories import AdvisoryList, BroadcastResult
    from chalicelib.services.templates import TriggerResult

MAX_BODY_BYTES = 256 * 1024
Headers = dict[str, str | list[str]]  # as chalice.Response takes them
M = TypeVar("M", bound=BaseModel)
log = logging.getLogger("clarion.web")


class ApprovalRequest(Strict):
    """Optionally, the content hash the approver reviewed: approval fails if it changed since."""

    content_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class RejectionRequest(Strict):
    reason: str = Field(min_length=3, max_length=2000)


class WithdrawalRequest(Strict):
    """Optional: why the advisory is withdrawn (kept on it and in the audit trail)."""

    reason: str = Field(default="", max_length=2000)


def error_response(error: ClarionError) -> Response:
    body = {"error": {"code": error.code, "message": error.message, "details": error.details}}
    return Response(body=body, status_code=error.status)


def routes(app: Chalice) -> Callable[..., Callable[[Callable[..., Any]], Any]]:
    """`app.route`, with every ClarionError answered as `{"error": {code, message, details}}`."""

    def route(path: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
        def register(view: Callable[..., Any]) -> Any:
            @functools.wraps(view)
            def answered(**kwargs: Any) -> Any:
                try:
                    return view(**kwargs)
                except ClarionError as error:
                    return error_response(error)

            return app.route(path, **options)(answered)

        return register

    return route


def parse_json(raw: bytes | None) -> Any:
    if raw is None or raw == b"":
        raise BadRequest("the request needs a JSON body")
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is {len(raw)} bytes; the limit is {MAX_BODY_BYTES}",
                              {"limit_bytes": MAX_BODY_BYTES})
    try:
        return safe_json.loads(raw)
    except safe_json.JsonRefused as error:
        raise BadRequest(f"the body is {error}") from error


def validate(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ValidationFailed("the request is not valid", problems(error)) from error


def with_idempotency_key(request: M, header: str | None) -> M:
    """The request with its one Idempotency-Key: from the header or the body; both and
    different is an error, never a silent choice."""
    given = getattr(request, "idempotency_key", None)
    if header is None or header == given:
        return request
    if given is not None:
        raise ValidationFailed("the Idempotency-Key header and the body's idempotency_key differ",
                               [{"field": "Idempotency-Key", "problem": "differs from idempotency_key in the body"}])
    try:
        return type(request).model_validate({**request.model_dump(), "idempotency_key": header})
    except ValidationError as error:
        raise ValidationFailed("the Idempotency-Key header is not valid",
                               [{"field": "Idempotency-Key", "problem": e["msg"]} for e in error.errors()]) from error


def body_as(model: type[M], raw: bytes | None, optional: bool = False) -> M | None:
    if optional and not raw:
        return None
    return validate(model, parse_json(raw))


def problems(error: ValidationError) -> list[dict[str, str]]:
    return [{"field": ".".join(str(p) for p in e["loc"]) or "body", "problem": e["msg"]}
            for e in error.errors()]


def advisory_view(advisory: Advisory) -> dict[str, Any]:
    view = advisory.model_dump(mode="json")
    view["content_hash"] = advisory.content_hash()
    view["approval_valid"] = advisory.approval_is_valid
    # Flat, for the console: who approved / rejected / withdrew it, when, and why.
    approval, rejection, withdrawal = view["approval"] or {}, view["rejection"] or {}, view["withdrawal"] or {}
    view.update(approved_by=approval.get("by"), approved_at=approval.get("at"),
                rejected_by=rejection.get("by"), rejected_at=rejection.get("at"),
                rejection_reason=rejection.get("reason"),
                withdrawn_by=withdrawal.get("by"), withdrawn_at=withdrawal.get("at"))
    return view


def advisory_list_view(page: AdvisoryList) -> dict[str, Any]:
    return {"advisories": [advisory_view(a) for a in page.advisories], "next_cursor": page.next_cursor}


def template_view(template: Template) -> dict[str, Any]:
    view = template.model_dump(mode="json")
    view["content_hash"] = template.content_hash()
    view["triggerable"] = template.triggerable  # approved, and the approval is of this content
    return view


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def broadcast_view(result: BroadcastResult) -> dict[str, Any]:
    view = advisory_view(result.advisory)
    view["broadcast"] = {"published": result.published, "error": result.error}
    return view


def trigger_view(result: TriggerResult) -> Response:
    view = broadcast_view(result.broadcast) if result.broadcast else advisory_view(result.advisory)
    view["duplicate"] = not result.created
    return Response(view, status_code=201 if result.created else 200)


def delivery_view(delivery: DeliveryRecord) -> dict[str, Any]:
    view = delivery.model_dump(mode="json", exclude={"revision"})
    view.update(latency_ms=delivery.latency_ms, post_id=delivery.post_id, post_url=delivery.post_url,
                pin_by_hand=delivery.pin_state.value == "pin_by_hand")
    return view


def conditional(view: dict[str, Any], if_none_match: str | None) -> Response:
    """The view with an ETag; 304 with no body when the caller already has it (the console's
    monitor polls this way, so an unchanged answer costs a few bytes)."""
    return _versioned(view, entity_tag(canonical_json(view)), {"Cache-Control": "private, no-cache"}, if_none_match)


def entity_tag(text: str) -> str:
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def _versioned(body: Any, etag: str, headers: Headers, if_none_match: str | None) -> Response:
    """`body` with its ETag, or 304 and no body when If-None-Match names it (weak or strong, in a list)."""
    headers = {**headers, "ETag": etag}
    known = [tag.strip().removeprefix("W/") for tag in (if_none_match or "").split(",")]
    if etag in known:
        return Response("", status_code=304, headers=headers)
    return Response(body, status_code=200, headers=headers)


def channel_view(account: ChannelAccount) -> dict[str, Any]:
    # `health`: the latest readiness check (services/readiness.py), or null if never checked
    return account.model_dump(mode="json", include={"id", "platform", "name", "language",
                                                    "enabled", "sandbox", "health"})


def channel_admin_view(account: ChannelAccount) -> dict[str, Any]:
    """An account as admins manage it: its settings, pinned post and revision (a PUT names the
    revision it was made from), and whether credentials were stored; never what they are."""
    view = account.model_dump(mode="json", exclude={"secret_ref", "pin_lease", "deleted_at"})
    view["credentials"] = "set" if account.secret_ref else "missing"
    return view


def group_view(group: ChannelGroup) -> dict[str, Any]:
    """A channel group as everyone who chooses channels sees it (a tombstone is never shown)."""
    return group.model_dump(mode="json", exclude={"deleted_by", "deleted_at"})


def deleted_group_view(group: ChannelGroup) -> dict[str, Any]:
    return group.model_dump(mode="json", include={"name", "label", "deleted_by", "deleted_at", "revision"})


def output_format(params: dict[str, str]) -> str:
    """The `format` query parameter, taken out of the filter: json (the default) or csv."""
    output = params.pop("format", "json")
    if output not in ("json", "csv"):
        raise BadRequest("format must be json or csv", {"field": "format"})
    return output


def audit_view(page: AuditPage, output: str, params: dict[str, str]) -> Any:
    """A page of the trail. CSV pages carry the next cursor in `X-Next-Cursor` (and a Link
    header); fetching until it is absent and joining the pages gives the filter's whole CSV."""
    if output == "csv":
        headers: Headers = {"Content-Type": "text/csv; charset=utf-8",
                            "Content-Disposition": 'attachment; filename="clarion-audit.csv"'}
        if page.next_cursor:
            following = urlencode({**params, "format": "csv", "cursor": page.next_cursor})
            headers.update({"X-Next-Cursor": page.next_cursor, "Link": f'<?{following}>; rel="next"'})
        return Response(AuditTrail.as_csv(page.entries, header=page.first), status_code=200, headers=headers)
    return {"entries": [dump(e) for e in page.entries], "next_cursor": page.next_cursor}


def preview_view(advisory: Advisory, results: list[RenderResult], findings: list[Finding]) -> dict[str, Any]:
    return {
        "advisory_id": advisory.id, "content_hash": advisory.content_hash(),
        "channels": [{**r.rendering.model_dump(mode="json", exclude_none=True),
                      "findings": [f.model_dump() for f in r.findings]} for r in results],
        "findings": [f.model_dump() for f in findings],
        "blocking": any(f.blocking for f in findings),
    }


PUBLIC_CACHE = {"Cache-Control": "public, max-age=30"}


def document(text: str, content_type: str) -> Response:
    return Response(text, status_code=200, headers={"Content-Type": f"{content_type}; charset=utf-8",
                                                     **PUBLIC_CACHE})


def public_json(data: dict[str, Any]) -> Response:
    return Response(data, status_code=200, headers={"Access-Control-Allow-Origin": "*", **PUBLIC_CACHE})


def strip_suffix(name: str, suffix: str) -> str:
    if not name.endswith(suffix):
        raise NotFound(f"there is no document {name}")
    return name[: -len(suffix)]


CONSOLE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'{connect}; form-action 'self'{connect}; base-uri 'none'; "
               "frame-ancestors 'none'")
CONSOLE_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
_ASSET = re.compile(r"^[a-z][a-z0-9-]{0,40}\.(js|css|svg)$")


@functools.lru_cache(maxsize=64)
def _console_file(name: str) -> tuple[str, str]:
    """A console file's text and its ETag (the files ship in the zip: they change only with a deploy)."""
    from chalicelib.rendering.view import TEMPLATES_DIR

    with open(f"{TEMPLATES_DIR}/console/{name}", encoding="utf-8") as file:
        text = file.read()
    return text, entity_tag(text)


def _static(name: str, content_type: str, if_none_match: str | None) -> Response:
    """A console file, or 304 when the browser has this version (it revalidates every load)."""
    text, etag = _console_file(name)
    return _versioned(text, etag, console_headers(content_type), if_none_match)


def sign_in_settings() -> dict[str, Any]:
    """Where the console signs in: Cognito's managed login for this stage's app client (the
    local stack's stand-in on the local stage), and the console's own address to come back to."""
    base = os.environ.get("CLARION_SIGN_IN_URL", "").rstrip("/")
    client_id = os.environ.get("CLARION_SIGN_IN_CLIENT_ID", "")
    if not base or not client_id:
        raise NotFound("sign-in is not configured for this stage (CLARION_SIGN_IN_URL, "
                       "CLARION_SIGN_IN_CLIENT_ID)")
    console = os.environ.get("CLARION_PUBLIC_BASE_URL", "").rstrip("/") + "/"
    return {"authorize_url": f"{base}/oauth2/authorize", "token_url": f"{base}/oauth2/token",
            "revoke_url": f"{base}/oauth2/revoke", "logout_url": f"{base}/logout", "client_id": client_id,
            "redirect_uri": console, "scopes": ["openid", "email", "profile"]}


def console_headers(content_type: str) -> Headers:
    """The sign-in origin (Cognito's managed login, or the local stand-in) may be called."""
    origin = _origin(os.environ.get("CLARION_SIGN_IN_URL", ""))
    return {"Content-Type": f"{content_type}; charset=utf-8",
            "Content-Security-Policy": CONSOLE_CSP.format(connect=f" {origin}" if origin else ""),
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def console_settings() -> Response:
    return Response(sign_in_settings(), status_code=200, headers={"Cache-Control": "no-cache"})


def console_page(if_none_match: str | None = None) -> Response:
    """The console: a static page and its ES modules, talking to this API. No inline script or
    style, so the CSP needs no 'unsafe-inline'."""
    return _static("index.html", "text/html", if_none_match)


def console_asset(name: str, if_none_match: str | None = None) -> Response:
    """One file of the console (templates/console/): JavaScript modules, CSS, icons."""
    if not _ASSET.match(name):
        raise NotFound(f"the console has no file {name[:60]}", {"asset": name[:60]})
    try:
        return _static(name, CONSOLE_TYPES[name[name.rindex("."):]], if_none_match)
    except FileNotFoundError:
        raise NotFound(f"the console has no file {name}", {"asset": name}) from None
