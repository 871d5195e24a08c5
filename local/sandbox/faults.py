"""Fault injection per platform: latency, 5xx, 429 and "accept, then time out".

A spec is set with `POST /_sandbox/faults` (or `SandboxServer.set_faults`). For every API call
to a platform the matching specs (the platform's own, then the one for "*") are consulted:
latency always applies; then one random draw picks at most one fault with the given
probabilities. `count` limits a spec to the next N matching calls, after which it is dropped,
so `{"error_5xx": 1, "count": 2}` fails exactly the next two calls.
"""
from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

PLATFORMS = ("x", "facebook", "mastodon", "bluesky", "telegram", "slack", "discord")
ANY = "*"

# Graph API throttling codes a Facebook rate-limit fault may answer with.
FACEBOOK_RATE_CODES = (4, 17, 32, 613, 80001, 368)


class FaultSpecError(ValueError):
    pass


@dataclass
class FaultSpec:
    platform: str
    latency_ms: int = 0
    error_5xx: float = 0.0
    rate_limit: float = 0.0
    retry_after_s: float = 2.0
    accept_then_timeout: float = 0.0
    timeout_sleep_s: float = 5.0
    count: int | None = None
    seed: int | None = None
    methods: list[str] | None = None      # e.g. ["POST"]: leave reads alone
    path_contains: str | None = None      # e.g. "createRecord"
    rate_limit_code: int = 32                # Facebook only: which throttling error
    remaining: int | None = field(default=None, repr=False)
    _rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    @classmethod
    def parse(cls, body: dict[str, Any]) -> FaultSpec:
        known = {f for f in cls.__dataclass_fields__ if not f.startswith("_") and f != "remaining"}
        unknown = set(body) - known
        if unknown:
            raise FaultSpecError(f"unknown fault fields: {sorted(unknown)}")
        platform = body.get("platform")
        if platform not in (*PLATFORMS, ANY):
            raise FaultSpecError(f"platform must be one of {[*PLATFORMS, ANY]}")
        try:
            spec = cls(**body)
        except TypeError as exc:
            raise FaultSpecError(str(exc)) from exc
        spec._validate()
        spec.remaining = spec.count
        spec._rng = random.Random(spec.seed)
        return spec

    def _validate(self) -> None:
        for name in ("error_5xx", "rate_limit", "accept_then_timeout"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise FaultSpecError(f"{name} must be a probability between 0 and 1")
        if self.error_5xx + self.rate_limit + self.accept_then_timeout > 1:
            raise FaultSpecError("the fault probabilities add up to more than 1")
        if self.latency_ms < 0 or self.retry_after_s < 0 or self.timeout_sleep_s < 0:
            raise FaultSpecError("latency_ms, retry_after_s and timeout_sleep_s must be >= 0")
        if self.count is not None and (not isinstance(self.count, int) or self.count < 1):
            raise FaultSpecError("count must be a positive integer or null")
        if self.rate_limit_code not in FACEBOOK_RATE_CODES:
            raise FaultSpecError(f"rate_limit_code must be one of {FACEBOOK_RATE_CODES}")

    def matches(self, method: str, path: str) -> bool:
        if self.methods and method.upper() not in {m.upper() for m in self.methods}:
            return False
        return not self.path_contains or self.path_contains in path

    def draw(self) -> str | None:
        roll = self._rng.random()
        for kind in ("error_5xx", "rate_limit", "accept_then_timeout"):
            chance = getattr(self, kind)
            if roll < chance:
                return kind
            roll -= chance
        return None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


@dataclass
class Decision:
    latency_s: float = 0.0
    kind: str | None = None  # "error_5xx" | "rate_limit" | "accept_then_timeout"
    spec: FaultSpec | None = None


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._specs: dict[str, FaultSpec] = {}

    def set(self, spec: FaultSpec) -> None:
        with self._lock:
            self._specs[spec.platform] = spec

    def clear(self, platform: str | None = None) -> None:
        with self._lock:
            if platform is None:
                self._specs.clear()
            else:
                self._specs.pop(platform, None)

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {p: s.to_json() for p, s in self._specs.items()}

    def decide(self, platform: str, method: str, path: str) -> Decision:
        decision = Decision()
        with self._lock:
            for key in (platform, ANY):
                spec = self._specs.get(key)
                if spec is None or not spec.matches(method, path):
                    continue
                decision.latency_s = max(decision.latency_s, spec.latency_ms / 1000)
                kind = spec.draw() if decision.kind is None else None
                if kind is not None:
                    decision.kind, decision.spec = kind, spec
                self._count_down(key, spec)
        return decision

    def _count_down(self, key: str, spec: FaultSpec) -> None:
        if spec.remaining is None:
            return
        spec.remaining -= 1
        if spec.remaining <= 0:
            del self._specs[key]
