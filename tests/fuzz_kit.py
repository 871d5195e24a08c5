"""Property-based fuzzing of every route and event handler: whatever comes in, the answer is
never a 500, and every error has the shape `{"error": {"code", "message", "details"}}`.

`tests/test_fuzz_routes.py` runs a bounded number of examples in `make test`;
`scripts/fuzz_routes.py` runs thousands and prints the requests and statuses per route.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TOKENS = ["demo-spokesperson", "demo-spokesperson-2", "demo-approver", "demo-oncall", "demo-auditor",
          "demo-admin", "garbage", ""]

# Strings that broke something once, or could: XML-forbidden characters, dates at the edges,
# huge and odd numbers, markup, path tricks, very long text.
NASTY_TEXT = st.sampled_from([
    "a\ufffe", "\uffff", "\ud800", "\x00", "\x0b", "²", "፫४", "9" * 5000, "-0", "1e309", "NaN",
    "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "2030-01-01T00:00:00", "2030-01-01",
    "2030-02-30T00:00:00+00:00", "https://user:pass@example.org/", "http://127.0.0.1/", "javascript:alert(1)",
    "{{ 7*7 }}", "{area}", "<script>alert(1)</script>", "[x](https://evil.example)", "@everyone",
    "../../etc/passwd", "%00", "Actual", "Exercise", "Cancel", "Immediate", "x" * 3000, "", " ",
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10 ** 40), max_value=10 ** 40),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40), NASTY_TEXT)
JSON_VALUE = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)

ADVISORY_FIELDS = ["headline", "description", "instruction", "required_text", "status", "event", "category",
                   "response_type", "urgency", "severity", "certainty", "area_desc", "effective", "expires",
                   "web", "contact", "hashtags", "channels", "language", "translations"]
OTHER_FIELDS = ["name", "content", "parameters", "renderings", "reason", "content_hash", "idempotency_key",
                "template_id", "source", "type", "allowed", "max_length", "required", "label", "revision"]
CHANNELS = ["mastodon:city-health", "sms:subscribers", "banner:website", "cap_feed:public", "slack:staff",
            "mastodon:drills", "nope:nope", "x:city-health", "group:city", "group:nope"]


def _good_advisory() -> dict[str, Any]:
    return {"headline": "Boil water notice", "description": "E. coli was found.",
            "instruction": "Boil water for one minute.", "event": "Boil Water Notice", "urgency": "Immediate",
            "severity": "Severe", "certainty": "Observed", "area_desc": "Riverside",
            "channels": ["sms:subscribers", "banner:website"]}


FIELD_VALUE = st.one_of(JSON_VALUE, NASTY_TEXT, st.lists(st.sampled_from(CHANNELS), max_size=3),
                        st.just(_good_advisory()))
# A body shaped like the real ones, with some fields wrong: reaches deeper than random JSON.
SHAPED = st.builds(lambda base, changes: {**base, **changes},
                   st.sampled_from([{}, _good_advisory(),
                                    {"parameters": {"area": "Riverside", "until": "2030-01-01",
                                                    "urgency": "Immediate"}}]),
                   st.dictionaries(st.sampled_from(ADVISORY_FIELDS + OTHER_FIELDS), FIELD_VALUE, max_size=4))
RAW_BODY = st.one_of(
    st.just(b""), st.binary(max_size=40), st.just(b"[" * 1000 + b"]" * 1000),
    st.just(b'{"a":' * 1200 + b"1" + b"}" * 1200), st.just(b"\xff\xfe{}"), st.just(b'{"headline": "\\ud800"}'),
    st.builds(lambda n: b'{"x": ' + b"9" * n + b"}", st.integers(4000, 6000)),
)
BODY = st.one_of(SHAPED.map(lambda b: json.dumps(b).encode()), JSON_VALUE.map(lambda b: json.dumps(b).encode()),
                 RAW_BODY)
QUERY = st.dictionaries(st.sampled_from(["format", "advisory_id", "actor", "action", "limit", "cursor", "since",
                                         "until", "q"]), st.one_of(st.text(max_size=20), NASTY_TEXT), max_size=3)
PATH_TEXT = st.one_of(st.sampled_from(["x", "adv_0", "tpl_0", "demo-admin", "a.xml", "%2e%2e", "-" * 300]),
                      st.text(alphabet=st.characters(min_codepoint=48, max_codepoint=122), min_size=1, max_size=30))


@dataclass
class Tally:
    """Requests and statuses per route; what broke the oracle, with the request."""

    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    broken: list[str] = field(default_factory=list)

    def record(self, route: str, status: int, problem: str | None) -> None:
        self.statuses[route][status] += 1
        if problem:
            self.broken.append(f"{route}: {problem}")

    @property
    def requests(self) -> int:
        return sum(sum(c.values()) for c in self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(n for c in self.statuses.values() for status, n in c.items() if status >= 500)

    def report(self) -> str:
        lines = [f"{'route':52} {'requests':>8}  statuses"]
        for route in sorted(self.statuses):
            counts = self.statuses[route]
            lines.append(f"{route:52} {sum(counts.values()):8}  "
                         + ", ".join(f"{s}: {n}" for s, n in sorted(counts.items())))
        lines.append(f"total: {self.requests} requests, {self.server_errors} responses >= 500")
        return "\n".join(lines)


def problem_with(status: int, body: bytes, content_type: str) -> str | None:
    """The oracle: never a 5xx, and every JSON error in the error shape."""
    if status >= 500:
        return f"status {status}: {body[:300]!r}"
    if status >= 400 and content_type.startswith("application/json"):
        try:
            error = json.loads(body)["error"]
        except (ValueError, KeyError, TypeError):
            return f"status {status} without the error shape: {body[:300]!r}"
        if not isinstance(error, dict) or set(error) != {"code", "message", "details"}:
            return f"status {status} with a malformed error: {body[:300]!r}"
    return None


@dataclass
class Fuzzer:
    """Sends generated requests through chalice.test.Client, and events through the handlers."""

    client: Any
    known_ids: dict[str, list[str]]
    tally: Tally = field(default_factory=Tally)

    def routes(self) -> list[tuple[str, str]]:
        import app

        return [(path, method) for path, entries in app.app.routes.items() for method in entries]

    def request(self, path: str, method: str, token: str, body: bytes, query: dict[str, str],
                segment: str, use_known: bool) -> None:
        name = (re.findall(r"\{(\w+)\}", path) or [""])[0]
        pool = self.known_ids.get(name, [])
        value = pool[hash(segment) % len(pool)] if use_known and pool else segment
        if name == "file_name" and use_known:
            value += ".xml"
        from urllib.parse import quote, urlencode

        url = path.replace("{" + name + "}", quote(value, safe="", errors="surrogatepass")) if name else path
        if query:
            url += "?" + urlencode(query, errors="surrogatepass")
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = getattr(self.client.http, method.lower())(url, headers=headers,
                                                              body=body if method in ("POST", "PUT") else None)
        content_type = response.headers.get("Content-Type", "application/json")
        problem = problem_with(response.status_code, response.body, content_type)
        self.tally.record(f"{method} {path}", response.status_code,
                          f"{problem} <- {method} {url} {body[:200]!r}" if problem else None)

    def sns_trigger(self, message: str) -> None:
        event = self.client.events.generate_sns_event(message=message, subject="trigger")
        try:
            outcome = self.client.lambda_.invoke("on_trigger", event).payload
            problem = None if isinstance(outcome, str) and outcome.split(" ")[0] in (
                "triggered", "duplicate", "refused:") else f"unexpected outcome {outcome!r}"
            status = 200 if problem is None else 500
        except Exception as error:  # the oracle: a handler never crashes on its input
            problem, status = f"{type(error).__name__}: {error}", 500
        self.tally.record("SNS on_trigger", status, f"{problem} <- {message[:200]!r}" if problem else None)

    def delivery_message(self, platform: str, body: str) -> None:
        record = {"messageId": "fuzz", "receiptHandle": "r", "body": body,
                  "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:fuzz"}
        try:
            result = self.client.lambda_.invoke(f"deliver_{platform}", {"Records": [record]}).payload
            problem = None if isinstance(result, dict) and "batchItemFailures" in result else f"{result!r}"
            status = 200 if problem is None else 500
        except Exception as error:
            problem, status = f"{type(error).__name__}: {error}", 500
        self.tally.record(f"SQS deliver_{platform}", status, f"{problem} <- {body[:200]!r}" if problem else None)


def run(fuzzer: Fuzzer, examples: int) -> Tally:
    """Run `examples` generated calls, spread over every route and the event handlers."""
    routes = fuzzer.routes()
    template_ids = fuzzer.known_ids.get("template_id", ["tpl_0"])
    trigger_message = st.one_of(
        JSON_VALUE.map(json.dumps), st.text(max_size=50), st.just("[" * 1000 + "]" * 1000),
        st.builds(lambda tid, params, source: json.dumps({"template_id": tid, "parameters": params,
                                                          "source": source}),
                  st.sampled_from([*template_ids, "tpl_nope"]),
                  st.dictionaries(st.sampled_from(["area", "until", "urgency", "households", "x"]),
                                  st.one_of(NASTY_TEXT, SCALARS), max_size=4),
                  st.one_of(st.just("monitor"), NASTY_TEXT)))
    delivery_body = st.one_of(
        JSON_VALUE.map(json.dumps), st.text(max_size=50),
        st.builds(lambda aid, h, accounts: json.dumps({"advisory_id": aid, "content_hash": h,
                                                       "channel_accounts": accounts}),
                  st.sampled_from([*fuzzer.known_ids.get("advisory_id", ["adv_0"]), "adv_nope"]),
                  st.one_of(st.just("f" * 64), st.text(max_size=64)), st.lists(st.sampled_from(CHANNELS), max_size=3)))
    call = st.one_of(
        st.tuples(st.just("http"), st.sampled_from(routes), st.sampled_from(TOKENS), BODY, QUERY, PATH_TEXT,
                  st.booleans()),
        st.tuples(st.just("sns"), trigger_message),
        st.tuples(st.just("sqs"), st.sampled_from(["sms", "banner", "cap_feed", "email"]), delivery_body),
    )

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(call)
    def one(generated: tuple[Any, ...]) -> None:
        kind = generated[0]
        if kind == "http":
            _, (path, method), token, body, query, segment, use_known = generated
            fuzzer.request(path, method, token, body, query, segment, use_known)
        elif kind == "sns":
            fuzzer.sns_trigger(generated[1])
        else:
            fuzzer.delivery_message(generated[1], generated[2])

    one()
    return fuzzer.tally


def seed_known_ids(api: Any) -> dict[str, list[str]]:
    """A draft, a pending, a broadcast advisory and an approved template, so that fuzzed calls
    also reach the routes' deeper paths."""
    good = _good_advisory()
    ids = []
    for step in ("draft", "submit", "approve"):
        advisory_id = api.call("POST", "/advisories", "demo-spokesperson", good).json_body["id"]
        if step in ("submit", "approve"):
            api.call("POST", f"/advisories/{advisory_id}/submit", "demo-spokesperson")
        if step == "approve":
            api.call("POST", f"/advisories/{advisory_id}/approve", "demo-approver")
        ids.append(advisory_id)
    template = {"name": "Boil water", "content": {**good, "headline": "Boil water in {area}", "area_desc": "{area}"},
                "parameters": [{"name": "area"}, {"name": "households", "type": "integer", "required": False}]}
    created = api.call("POST", "/templates", "demo-admin", template)
    template_id = created.json_body.get("id", "tpl_0")
    api.call("POST", f"/templates/{template_id}/approve", "demo-approver")
    api.call("PUT", "/channel-groups/city", "demo-admin",
             {"revision": 0, "label": "City", "channels": ["sms:subscribers", "banner:website"]})
    return {"advisory_id": ids, "template_id": [template_id], "user_id": ["demo-approver", "demo-oncall", "nobody"],
            "file_name": ids, "name": ["city", "nope"]}
