"""The sandbox HTTP server: every platform under its prefix, `/_sandbox/*` and the page at `/`."""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

import requests
from flask import Flask, Response, g, redirect, request
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler, make_server

from local.listen import listen_deeply
from local.sandbox import accounts, page
from local.sandbox.comprehend_medical import StandIn, blueprint as comprehend_medical
from local.sandbox.bluesky import Bluesky
from local.sandbox.core import Context, Platform, json_response
from local.sandbox.discord import Discord
from local.sandbox.facebook import Facebook
from local.sandbox.faults import FaultSpec, FaultSpecError
from local.sandbox.readiness import REVOKED, ModeError
from local.sandbox.mastodon import Mastodon
from local.sandbox.slack import Slack
from local.sandbox.telegram import Telegram
from local.sandbox.x import X

log = logging.getLogger("local.sandbox")

PLATFORM_CLASSES: tuple[type[Platform], ...] = (X, Facebook, Mastodon, Bluesky, Telegram, Slack, Discord)


def create_app(ctx: Context, phi_reader: StandIn | None = None) -> tuple[Flask, dict[str, Platform]]:
    app = Flask("local.sandbox")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    platforms = {cls.name: cls(ctx) for cls in PLATFORM_CLASSES}
    for platform in platforms.values():
        _install_faults(platform, ctx)
        _install_modes(platform, ctx)
        app.register_blueprint(platform.blueprint)
    _install_control(app, ctx, platforms)
    app.register_blueprint(comprehend_medical(phi_reader or StandIn()))  # not a platform: no faults
    _install_errors(app, platforms)
    _install_web(app, ctx)
    app.wsgi_app = _strip_trailing_slash(app.wsgi_app)  # type: ignore[method-assign]
    return app, platforms


def _strip_trailing_slash(wsgi_app: Any) -> Any:
    """Rails and most APIs treat `/api/v1/instance/` as `/api/v1/instance` (Mastodon.py asks so)."""

    def middleware(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if len(path) > 1 and path.endswith("/"):
            environ["PATH_INFO"] = path.rstrip("/") or "/"
        return wsgi_app(environ, start_response)

    return middleware


def _install_faults(platform: Platform, ctx: Context) -> None:
    """Faults apply to platform endpoints only: a before/after hook on each platform blueprint."""

    @platform.blueprint.before_request
    def inject() -> Response | None:
        decision = ctx.faults.decide(platform.name, request.method, request.path)
        if decision.latency_s:
            ctx.stopping.wait(decision.latency_s)
        if decision.kind == "error_5xx":
            return platform.server_error()
        if decision.kind == "rate_limit" and decision.spec is not None:
            return platform.rate_limited(decision.spec.retry_after_s, decision.spec.rate_limit_code)
        if decision.kind == "accept_then_timeout" and decision.spec is not None:
            g.sandbox_sleep_s = decision.spec.timeout_sleep_s
        return None

    @platform.blueprint.after_request
    def hold(response: Response) -> Response:
        # The action is done and recorded; answer too late for the client's timeout.
        sleep_s = g.pop("sandbox_sleep_s", 0)
        if sleep_s:
            ctx.stopping.wait(sleep_s)
        return response


def _install_modes(platform: Platform, ctx: Context) -> None:
    """Readiness mode `revoked`: every call with the platform's credentials is refused as the
    platform refuses a dead token (after the faults: a 503 comes first). The other modes change
    the platform's own answers (local/sandbox/readiness.py)."""

    @platform.blueprint.before_request
    def refuse() -> Response | None:
        return platform.token_revoked() if ctx.modes.get(platform.name) == REVOKED else None


def _install_control(app: Flask, ctx: Context, platforms: dict[str, Platform]) -> None:
    @app.get("/_sandbox/state")
    def state() -> Response:
        return json_response(ctx.store.to_json())

    @app.post("/_sandbox/reset")
    def reset() -> Response:
        ctx.store.reset()
        return json_response({"ok": True})

    @app.get("/_sandbox/faults")
    def get_faults() -> Response:
        return json_response(ctx.faults.to_json())

    @app.post("/_sandbox/faults")
    def set_faults() -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return json_response({"error": "send a JSON object"}, 400)
        try:
            spec = FaultSpec.parse(body)
        except FaultSpecError as exc:
            return json_response({"error": str(exc)}, 400)
        ctx.faults.set(spec)
        return json_response(spec.to_json())

    @app.delete("/_sandbox/faults")
    def clear_faults() -> Response:
        ctx.faults.clear(request.args.get("platform"))
        return json_response({"ok": True})

    @app.get("/_sandbox/readiness")
    def get_modes() -> Response:
        return json_response(ctx.modes.to_json())

    @app.post("/_sandbox/readiness")
    def set_mode() -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or set(body) != {"platform", "mode"}:
            return json_response({"error": 'send {"platform": ..., "mode": ...}'}, 400)
        try:
            ctx.modes.set(str(body["platform"]), str(body["mode"]))
        except ModeError as exc:
            return json_response({"error": str(exc)}, 400)
        return json_response(ctx.modes.to_json())

    @app.delete("/_sandbox/readiness")
    def clear_modes() -> Response:
        ctx.modes.clear(request.args.get("platform"))
        return json_response({"ok": True})

    @app.get("/_sandbox/accounts")
    def list_accounts() -> Response:
        return json_response([a.to_json() for a in accounts.ACCOUNTS])

    @app.post("/_sandbox/bluesky/expire-sessions")
    def expire_sessions() -> Response:
        platforms["bluesky"].expire_sessions()  # type: ignore[attr-defined]
        return json_response({"ok": True})


def _install_errors(app: Flask, platforms: dict[str, Platform]) -> None:
    """Unknown paths and wrong methods answer in the platform's own error shape."""

    def owner() -> Platform | None:
        first = request.path.strip("/").split("/", 1)[0]
        return platforms.get(first)

    @app.errorhandler(404)
    def not_found(exc: HTTPException) -> Response:
        platform = owner()
        return platform.not_found() if platform else json_response({"error": "not found"}, 404)

    @app.errorhandler(405)
    def not_allowed(exc: HTTPException) -> Response:
        platform = owner()
        return platform.method_not_allowed() if platform else json_response({"error": "method not allowed"}, 405)


def _install_web(app: Flask, ctx: Context) -> None:
    @app.get("/")
    def index() -> Response:
        return Response(page.render(ctx.store.to_json(), ctx.faults.to_json()), mimetype="text/html")

    # Post URLs the platforms hand out (a Mastodon status `url`, a Slack permalink) point at
    # the sandbox; following one lands on that post on the page.
    @app.get("/mastodon/@<user>/<post_id>")
    def mastodon_post(user: str, post_id: str) -> Any:
        return redirect(f"/#mastodon-{post_id}")

    @app.get("/_sandbox/open/<platform>/<path:post_id>", merge_slashes=False)  # Bluesky ids are at:// URIs
    def open_post(platform: str, post_id: str) -> Any:
        """The post links the sandbox accounts record (X, Facebook, Bluesky, Discord, Telegram)."""
        known = any(state.get(post_id, include_deleted=True) for state in ctx.store.accounts(platform).values())
        if not known:
            return Response(f"The sandbox has no {platform} post {post_id}.", status=404, mimetype="text/plain")
        return redirect(f"/#{platform}-{post_id}")

    @app.get("/slack/archives/<channel>/p<digits>")
    def slack_post(channel: str, digits: str) -> Any:
        return redirect(f"/#slack-{digits[:-6]}.{digits[-6:]}")


class _QuietHandler(WSGIRequestHandler):
    """Request lines go to our logger at DEBUG instead of werkzeug's stderr default."""

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        log.debug("%s %s %s", self.command, self.path, code)


class SandboxServer:
    """A running sandbox: `.url`, `.stop()`, and in-process helpers for tests."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8001) -> None:
        self.ctx = Context()
        self.comprehend_medical = StandIn()  # DetectPHI's stand-in: what it finds, how it answers
        self.app, self.platforms = create_app(self.ctx, self.comprehend_medical)
        self._server = make_server(host, port, self.app, threaded=True,
                                   request_handler=_QuietHandler)
        self._server.daemon_threads = True  # a request held by a fault never blocks shutdown
        listen_deeply(self._server)  # a broadcast's burst of connections is not dropped
        self.host, self.port = host, self._server.server_port
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="sandbox", daemon=True)

    def start(self) -> SandboxServer:
        self._thread.start()
        _wait_until_up(self.url)
        log.info("sandbox platforms on %s", self.url)
        return self

    def stop(self) -> None:
        self.ctx.stopping.set()  # wakes requests sleeping for latency / accept_then_timeout
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def base_url(self, platform: str) -> str:
        return f"{self.url}/{platform}"

    def state(self) -> dict[str, Any]:
        return self.ctx.store.to_json()

    def reset(self) -> None:
        self.ctx.store.reset()
        self.comprehend_medical.clear()

    def set_faults(self, platform: str, **spec: Any) -> None:
        self.ctx.faults.set(FaultSpec.parse({"platform": platform, **spec}))

    def clear_faults(self, platform: str | None = None) -> None:
        self.ctx.faults.clear(platform)

    def set_readiness(self, platform: str, mode: str) -> None:
        """Readiness mode `revoked`, `no_pin` or `expires_soon` for one platform (readiness.py)."""
        self.ctx.modes.set(platform, mode)

    def clear_readiness(self, platform: str | None = None) -> None:
        self.ctx.modes.clear(platform)

    def expire_bluesky_sessions(self) -> None:
        """Make every issued Bluesky access token expired (tests of refreshSession handling)."""
        self.platforms["bluesky"].expire_sessions()  # type: ignore[attr-defined]


def _wait_until_up(url: str, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            requests.get(f"{url}/_sandbox/faults", timeout=1)
            return
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def start_sandbox(host: str = "127.0.0.1", port: int = 8001) -> SandboxServer:
    """Start the sandbox platforms in a background thread; port 0 picks a free port."""
    return SandboxServer(host, port).start()
