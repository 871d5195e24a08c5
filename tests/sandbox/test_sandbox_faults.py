"""Fault injection per platform (latency, 5xx, 429, accept-then-timeout) and the page at `/`."""
from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any
from collections.abc import Callable

import pytest
import requests

from local.sandbox import SandboxServer

from .sandbox_support import PLATFORMS, Calls

# What each platform's own 5xx looks like: status and a check of its body.
SERVER_ERRORS: dict[str, tuple[int, Callable[[Any], bool]]] = {
    "x": (503, lambda b: b["title"] == "Service Unavailable" and b["status"] == 503),
    "facebook": (500, lambda b: b["error"]["code"] == 2 and b["error"]["is_transient"] is True),
    "mastodon": (503, lambda b: b["error"].startswith("There was a temporary problem")),
    "bluesky": (500, lambda b: b == {"error": "InternalServerError", "message": "Internal Server Error"}),
    "telegram": (500, lambda b: b["ok"] is False and b["error_code"] == 500),
    "slack": (503, lambda b: b == {"ok": False, "error": "service_unavailable"}),
    "discord": (500, lambda b: b == {"message": "500: Internal Server Error", "code": 0}),
}


def retry_signal(platform: str, response: requests.Response) -> float:
    """Seconds until retry, read the way each platform says it."""
    headers, body = response.headers, response.json()
    if platform in ("x", "bluesky"):
        name = "x-rate-limit-reset" if platform == "x" else "ratelimit-reset"
        return int(headers[name]) - time.time()
    if platform == "mastodon":
        return datetime.fromisoformat(headers["X-RateLimit-Reset"].replace("Z", "+00:00")).timestamp() - time.time()
    if platform == "telegram":
        return body["parameters"]["retry_after"]
    if platform == "facebook":
        usage = json.loads(headers["X-Business-Use-Case-Usage"])
        return next(iter(usage.values()))[0]["estimated_time_to_regain_access"] * 60
    assert platform != "discord" or body["retry_after"] == 2
    return float(headers["Retry-After"])


@pytest.mark.parametrize("platform", PLATFORMS)
def test_5xx_is_the_platforms_own_body(sandbox: SandboxServer, calls: Calls, post_as: Any, platform: str) -> None:
    sandbox.set_faults(platform, error_5xx=1, count=1)
    response = post_as(platform, "fails")
    status, body_ok = SERVER_ERRORS[platform]
    assert response.status_code == status and body_ok(response.json())
    assert calls.posts(platform) == []
    assert post_as(platform, "works").status_code in (200, 201)  # count=1: only one call failed


@pytest.mark.parametrize("platform", PLATFORMS)
def test_rate_limit_carries_the_platforms_retry_signal(sandbox: SandboxServer, calls: Calls, post_as: Any,
                                                       platform: str) -> None:
    sandbox.set_faults(platform, rate_limit=1, count=1, retry_after_s=2)
    response = post_as(platform, "limited")
    assert response.status_code == (403 if platform == "facebook" else 429)  # Graph throttles with 403
    assert 1 <= retry_signal(platform, response) <= 120
    assert calls.posts(platform) == []


def test_facebook_rate_limit_code_is_configurable(sandbox: SandboxServer, calls: Calls) -> None:
    sandbox.set_faults("facebook", rate_limit=1, count=1, rate_limit_code=613)
    error = calls.post("facebook", "x").json()["error"]
    assert (error["code"], error["is_transient"]) == (613, True)


@pytest.mark.parametrize("platform", ["mastodon", "bluesky", "slack"])
def test_accept_then_timeout_posts_but_answers_too_late(sandbox: SandboxServer, calls: Calls, post_as: Any,
                                                        platform: str) -> None:
    sandbox.set_faults(platform, accept_then_timeout=1, timeout_sleep_s=1.5, count=1)
    with pytest.raises(requests.Timeout):
        post_as(platform, "did it land?", timeout=0.4)
    assert [p["text"] for p in calls.posts(platform)] == ["did it land?"]


def test_latency_applies_to_every_platform_with_star(sandbox: SandboxServer, calls: Calls) -> None:
    requests.post(f"{sandbox.url}/_sandbox/faults", json={"platform": "*", "latency_ms": 250}, timeout=5).raise_for_status()
    started = time.monotonic()
    assert calls.post("slack", "slow").json()["ok"] is True
    assert calls.post("x", "slow too").status_code == 201
    assert time.monotonic() - started >= 0.5
    started = time.monotonic()
    requests.get(f"{sandbox.url}/_sandbox/state", timeout=5)  # the control API is never faulted
    assert time.monotonic() - started < 0.2


def test_probabilities_filters_and_validation(sandbox: SandboxServer, calls: Calls) -> None:
    sandbox.set_faults("mastodon", error_5xx=0.5, seed=7, methods=["POST"])
    statuses = [calls.post("mastodon", f"try {i}").status_code for i in range(12)]
    assert 503 in statuses and 200 in statuses
    me = requests.get(calls.url("mastodon", "/api/v1/accounts/verify_credentials"),
                      headers={"Authorization": "Bearer sandbox-mastodon-token"}, timeout=5)
    assert me.status_code == 200  # GET does not match methods=["POST"]
    bad = requests.post(f"{sandbox.url}/_sandbox/faults", json={"platform": "myspace", "error_5xx": 1}, timeout=5)
    assert bad.status_code == 400
    requests.delete(f"{sandbox.url}/_sandbox/faults", timeout=5)
    assert requests.get(f"{sandbox.url}/_sandbox/faults", timeout=5).json() == {}


def test_page_escapes_post_text_and_shows_pins(sandbox: SandboxServer, calls: Calls) -> None:
    posted = calls.post("mastodon", "<script>alert('x')</script> & <b>bold</b>").json()
    requests.post(calls.url("mastodon", f"/api/v1/statuses/{posted['id']}/pin"), timeout=5,
                  headers={"Authorization": "Bearer sandbox-mastodon-token"})
    page = requests.get(sandbox.url + "/", timeout=5)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp;" in page.text
    assert "📌 pinned" in page.text and 'http-equiv="refresh"' in page.text
    follow = requests.get(posted["url"], timeout=5, allow_redirects=False)
    assert follow.headers["Location"].endswith(f"/#mastodon-{posted['id']}")


def test_reset_forgets_posts(sandbox: SandboxServer, calls: Calls) -> None:
    calls.post("telegram", "hello")
    assert calls.posts("telegram")
    assert requests.post(f"{sandbox.url}/_sandbox/reset", timeout=5).json() == {"ok": True}
    assert calls.posts("telegram") == []
