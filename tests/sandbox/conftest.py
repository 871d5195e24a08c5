"""One sandbox for the whole run (port 0), reset before every test."""
from __future__ import annotations

from typing import Any
from collections.abc import Callable, Iterator

import pytest
import requests

from local.sandbox import SandboxServer, start_sandbox
from .sandbox_support import Calls


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    server = start_sandbox(port=0)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fresh(sandbox: SandboxServer) -> None:
    sandbox.clear_faults()
    sandbox.reset()


@pytest.fixture
def calls(sandbox: SandboxServer) -> Calls:
    return Calls(sandbox)


@pytest.fixture
def post_as(calls: Calls) -> Callable[..., requests.Response]:
    """`post_as(platform, text)`, logging in to Bluesky first (before any fault is set)."""
    jwt = calls.bluesky_session()["accessJwt"]

    def post(platform: str, text: str, **extra: Any) -> requests.Response:
        if platform == "bluesky":
            extra.setdefault("jwt", jwt)
        return calls.post(platform, text, **extra)

    return post
