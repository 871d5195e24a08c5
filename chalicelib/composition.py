"""The composition root: the one place that decides which adapters the services use.

In Lambda and on the local stack: DynamoDB and SNS through boto3 (clients made lazily, on first
use, so importing the app stays cheap). In unit tests: `in_memory()` with recording fakes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Optional

from chalicelib.domain.models import ALL_ROLES, User, utcnow
from chalicelib.infra import resources
from chalicelib.ports import BroadcastPublisher, Clock, Store
from chalicelib.services.access import AccessService
from chalicelib.services.advisories import AdvisoryService
from chalicelib.services.audit_trail import AuditTrail
from chalicelib.services.feeds import FeedService
from chalicelib.services.templates import TemplateService


class SystemClock:
    def now(self) -> datetime:
        return utcnow()


@dataclass
class Clarion:
    """Every service, wired."""

    stage: str
    store: Store
    advisories: AdvisoryService
    templates: TemplateService
    access: AccessService
    audit: AuditTrail
    feeds: FeedService


def build(store: Store, publisher: BroadcastPublisher, clock: Clock, stage: str) -> Clarion:
    advisories = AdvisoryService(store, publisher, clock)
    return Clarion(stage=stage, store=store, advisories=advisories,
                   templates=TemplateService(store, advisories, clock),
                   access=AccessService(store, stage), audit=AuditTrail(store),
                   feeds=FeedService(store, clock))


def in_memory(stage: str = "local", clock: Optional[Clock] = None) -> Clarion:
    from chalicelib.adapters.memory import InMemoryStore, RecordingPublisher

    return build(InMemoryStore(), RecordingPublisher(), clock or SystemClock(), stage)


@lru_cache(maxsize=None)
def _session() -> Any:
    import boto3  # deferred: only handlers that touch AWS pay for it

    return boto3.session.Session()


@lru_cache(maxsize=None)
def _client(service: str) -> Any:
    return _session().client(service)


def get_db() -> Any:
    return _client("dynamodb")


_current: Optional[Clarion] = None


def clarion() -> Clarion:
    """The services for this process, built on first use."""
    global _current
    if _current is None:
        from chalicelib.adapters.dynamodb import DynamoDBStore
        from chalicelib.adapters.sns import SnsBroadcastPublisher

        store = DynamoDBStore(get_db(), resources.table_name())
        publisher = SnsBroadcastPublisher(_client("sns"), os.environ["CLARION_BROADCAST_TOPIC_ARN"])
        _current = build(store, publisher, SystemClock(), resources.stage())
    return _current


def use(services: Optional[Clarion]) -> None:
    """Replace (or with None, forget) the services, e.g. between tests."""
    global _current
    _current = services
    _client.cache_clear()


def system_actor(name: str) -> User:
    """The machine acting on its own (scheduler, SNS triggers), named in the audit trail."""
    return User(id=f"system:{name}", name=name, roles=ALL_ROLES)


def seed_local_stage() -> int:
    from chalicelib.seed import seed

    return seed(clarion().store)
