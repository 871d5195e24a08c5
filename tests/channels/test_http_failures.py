"""Every HTTP adapter against a server answering what no platform documents: each outcome is
an error of the right class with a clear message, never a KeyError or a JSONDecodeError."""
from __future__ import annotations

import logging
import socket
import time

import pytest

from channel_kit import HTTP_PLATFORMS, CannedServer, adapter, canned, canned_server, rendering  # noqa: F401
from chalicelib.channels.http import redact, retry_after
from chalicelib.channels.port import AmbiguousError, PermanentError, RetryableError

BLUESKY_SESSION = {"accessJwt": "jwt-for-tests", "did": "did:plc:canned", "handle": "canned.test"}
POST = rendering("Boil water notice for Riverside. Ref CL-TEST0001")


def publish_against(canned: CannedServer, platform: str, read_timeout_s: float = 5.0) -> Exception:
    canned.routes["createSession"] = canned.routes.get("createSession") or _session()
    channel = adapter(platform, f"{canned.url}/{platform}", read_timeout_s)
    with pytest.raises(Exception) as caught:
        channel.publish(POST, "clarion-key")
    return caught.value


def _session():  # Bluesky logs in first; only the post itself meets the canned answer
    from channel_kit import Canned

    return Canned(200, BLUESKY_SESSION)


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_an_html_502_page_is_retryable(canned: CannedServer, platform: str) -> None:
    canned.answer(502, b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
                  {"Content-Type": "text/html"})
    err = publish_against(canned, platform)
    assert type(err) is RetryableError
    assert err.status == 502 and "HTML page (502 Bad Gateway)" in err.message


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
@pytest.mark.parametrize("body", [b"", b"{}", b"{not json", b"<html>ok</html>"],
                         ids=["empty", "without-id", "invalid-json", "html"])
def test_a_2xx_we_cannot_read_is_ambiguous_because_the_post_may_exist(
        canned: CannedServer, platform: str, body: bytes) -> None:
    canned.answer(200, body, {"Content-Type": "application/json"})
    err = publish_against(canned, platform)
    assert type(err) is AmbiguousError, err
    assert "may have been made" in err.message and err.status == 200


def test_a_read_we_cannot_parse_is_retryable_not_ambiguous(canned: CannedServer) -> None:
    canned.answer(200, b"{not json")
    with pytest.raises(RetryableError, match="not JSON"):
        adapter("mastodon", f"{canned.url}/mastodon").find("Ref CL-TEST0001")


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_no_answer_after_sending_is_ambiguous(canned: CannedServer, platform: str) -> None:
    canned.answer(200, b"{}", delay_s=1.0)
    err = publish_against(canned, platform, read_timeout_s=0.2)
    assert type(err) is AmbiguousError
    assert "after the post was sent" in err.message


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_connection_refused_is_retryable_and_nothing_was_sent(platform: str) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    err = pytest.raises(RetryableError, adapter(platform, f"http://127.0.0.1:{port}/{platform}").publish,
                        POST, "k").value
    assert "nothing was sent" in err.message


def test_a_429_carries_retry_after_seconds(canned: CannedServer) -> None:
    canned.answer(429, {"error": "Too many requests"}, {"Retry-After": "7"})
    err = publish_against(canned, "mastodon")
    assert type(err) is RetryableError and err.retry_after_s == 7


@pytest.mark.parametrize("header,value,expected", [
    ("Retry-After", "12", 12.0),
    ("x-rate-limit-reset", "{epoch}", 30.0),          # X: epoch seconds
    ("ratelimit-reset", "{epoch}", 30.0),             # Bluesky: epoch seconds
    ("X-RateLimit-Reset", "{iso}", 30.0),             # Mastodon: ISO 8601
    ("Retry-After", "{http_date}", 30.0),
])
def test_retry_after_headers_of_every_platform(header: str, value: str, expected: float) -> None:
    now = 1_800_000_000.0
    later = now + 30
    value = value.format(epoch=int(later), iso=time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(later)),
                         http_date=time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(later)))
    assert retry_after({header: value}, now=now) == pytest.approx(expected, abs=1)


def test_slack_reports_failure_inside_a_200(canned: CannedServer) -> None:
    canned.answer(200, {"ok": False, "error": "invalid_auth"})
    err = publish_against(canned, "slack")
    assert type(err) is PermanentError and "invalid_auth" in err.message


def test_a_telegram_token_never_shows_in_errors_or_logs(canned: CannedServer,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    token = "987654:secret-telegram-token-abc"
    caplog.set_level(logging.DEBUG, logger="urllib3")
    canned.answer(401, {"ok": False, "error_code": 401, "description": f"Unauthorized {token}"})
    channel = adapter("telegram", f"{canned.url}/telegram", credentials={"bot_token": token})
    err = pytest.raises(PermanentError, channel.publish, POST, "k").value
    assert canned.requests[-1][1].startswith(f"/telegram/bot{token}/")  # it really is in the path
    assert token not in str(err) and token not in repr(err.args) and "refused" in err.message
    assert "/telegram/bot***/sendMessage" in caplog.text and token not in caplog.text
    assert err.__cause__ is None and err.__suppress_context__  # no chained urllib3 error with the URL


def test_redaction_covers_url_encoded_secrets() -> None:
    redact.add(["p@ss word/with:chars"])
    assert redact("path /p%40ss%20word%2Fwith%3Achars/ and p@ss word/with:chars") == "path /***/ and ***"


def test_a_lost_bluesky_login_is_retryable_since_nothing_was_posted(canned: CannedServer) -> None:
    from channel_kit import Canned

    canned.routes["createSession"] = Canned(200, BLUESKY_SESSION, delay_s=1.0)
    err = publish_against(canned, "bluesky", read_timeout_s=0.2)
    assert type(err) is RetryableError and "login" in err.message
