"""The composition root: the one place that decides which adapters the services use.

In Lambda and on the local stack: DynamoDB and SNS through boto3 (clients made lazily, on first
use, so importing the app stays cheap). Every adapter is a required argument of `build`, so a
wiring cannot silently fall back to a stand-in; the unit tests pass their fakes (tests/fakes.py).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from chalicelib.domain.models import ALL_ROLES, User, utcnow
from chalicelib.infra import resources

if TYPE_CHECKING:  # the services are imported when first built, not when the app is imported
    from collections.abc import Callable

    from chalicelib.domain.org import OrgSettings
    from chalicelib.domain.delivery import DeliveryPolicy
    from chalicelib.ports import (BroadcastPublisher, Clock, DigestArchive, DigestSigner, IdTokenVerifier,
                                  PhiSecondOpinion, Store, UserDirectory)
    from chalicelib.services.audit_digest import AuditDigester
    from chalicelib.services.access import AccessService
    from chalicelib.services.advisories import AdvisoryService
    from chalicelib.services.audit_trail import AuditTrail
    from chalicelib.services.channel_accounts import ChannelAccountService
    from chalicelib.services.channel_groups import ChannelGroupService
    from chalicelib.services.delivery import Alerts, ChannelProvider, DeliveryService, Redriver
    from chalicelib.services.reports import ReportService
    from chalicelib.services.feeds import FeedService
    from chalicelib.services.operations import Operations
    from chalicelib.services.settings import SettingsService
    from chalicelib.services.switch import DeliverySwitchService
    from chalicelib.services.readiness import ReadinessService
    from chalicelib.services.templates import TemplateService


# A delivery batch posts to up to this many accounts at once (chalicelib/handlers.py), and each AWS
# client keeps as many connections open, so those threads reuse them rather than open (and, on
# AWS, TLS-handshake) a connection per call beyond botocore's default pool of 10.
PARALLEL_DELIVERIES = 64


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
    reports: ReportService  # the auditors' delivery log and after-action reports
    feeds: FeedService
    delivery: DeliveryService
    operations: Operations
    settings: SettingsService
    switch: DeliverySwitchService
    groups: ChannelGroupService  # channel groups (issue 16); advisories expand them at draft save


def build(store: Store, publisher: BroadcastPublisher, clock: Clock, stage: str, *,
          channels: ChannelProvider, alerts: Alerts, redriver: Redriver,
          verifier: IdTokenVerifier | None = None, policy: DeliveryPolicy | None = None,
          settings: SettingsService | None = None, directory: UserDirectory | None = None,
          phi_reader: PhiSecondOpinion | None = None) -> Clarion:
    """`verifier` is for the local stage only; deployed stages get verified claims from API Gateway.
    `policy`: the delivery timings, the defaults unless a benchmark or test shortens them.
    `directory`: who can sign in and their roles (Cognito's user pool on deployed stages, where it
    is required); None on the local stage: the stored users. `phi_reader`: the second opinion on
    patient data (Comprehend Medical), used when the organisation's settings turn it on."""
    if directory is None and stage != "local":
        raise ValueError(f"the {stage} stage needs its user directory (user_directory())")
    from chalicelib.domain.delivery import DeliveryPolicy
    from chalicelib.services.access import AccessService
    from chalicelib.services.advisories import AdvisoryService
    from chalicelib.services.audit_trail import AuditTrail
    from chalicelib.services.channel_groups import ChannelGroupService
    from chalicelib.services.common import WrittenRows
    from chalicelib.services.delivery import DeliveryService
    from chalicelib.services.feeds import FeedService
    from chalicelib.services.operations import Operations
    from chalicelib.services.pins import PinRotation
    from chalicelib.services.reports import ReportService
    from chalicelib.services.settings import SettingsService
    from chalicelib.services.switch import DeliverySwitchService
    from chalicelib.services.templates import TemplateService
    from chalicelib.settings import environment_settings

    # The organisation's settings in force are read where they are used, so a change takes effect
    # on the next request in every process.
    settings = settings or SettingsService(store, clock, environment_settings)
    org = settings.current
    advisories = AdvisoryService(store, publisher, clock, org, phi_reader)
    # One policy, one pin rotation and one journal of written rows, handed to each service that
    # uses them: services call one another one way only (operations -> delivery -> pins).
    policy, written = policy or DeliveryPolicy(), WrittenRows()
    pins = PinRotation(store, clock, policy, written)
    delivery = DeliveryService(store, channels, alerts, redriver, clock, pins, written, policy, org)
    operations = Operations(store, delivery, pins, channels, alerts, redriver, clock, policy)
    return Clarion(stage=stage, store=store, advisories=advisories,
                   templates=TemplateService(store, advisories, clock),
                   access=AccessService(store, stage, verifier, directory), audit=AuditTrail(store),
                   reports=ReportService(store, AuditTrail(store), clock),
                   feeds=FeedService(store, clock, org), delivery=delivery,
                   operations=operations, settings=settings,
                   switch=DeliverySwitchService(store, operations, clock),
                   groups=ChannelGroupService(store, clock))


class RegistryChannels:
    """The real channel provider: each account's adapter with its credentials from SSM."""

    def __init__(self, org: Callable[[], OrgSettings]) -> None:
        from chalicelib.secrets import SsmSecretStore

        self._secrets = SsmSecretStore(_client("ssm"))
        self._org = org  # the organisation's settings in force complete each account's

    def channel(self, account: Any) -> Any:
        from chalicelib.channels.registry import channel_for

        return channel_for(account, self._secrets, _channel_client, self._org())


@cache
def _channel_client(service: str) -> Any:
    """Clients for posting: SMS and e-mail must not be re-sent by botocore's silent retries
    after a timeout (the message may have gone); the delivery state machine decides instead."""
    from botocore.config import Config

    return _session().client(service, config=_local(service, Config(retries={"max_attempts": 1, "mode": "standard"},
                                                                     max_pool_connections=PARALLEL_DELIVERIES)))


@cache
def _session() -> Any:
    import boto3  # deferred: only handlers that touch AWS pay for it

    return boto3.session.Session()


@cache
def _client(service: str) -> Any:
    from botocore.config import Config

    return _session().client(service, config=_local(service, Config(max_pool_connections=PARALLEL_DELIVERIES)))


def _local(service: str, config: Any) -> Any:
    """On the local stage the busiest clients talk to moto, which checks no signatures: they skip
    signing (SigV4 was a tenth of the local stack's CPU). Not S3, which answers an unsigned
    request as an anonymous one (403, not 404, for a missing key). Deployed stages always sign."""
    if resources.stage() != "local" or service not in ("dynamodb", "sqs", "sns"):
        return config
    from botocore import UNSIGNED
    from botocore.config import Config

    unsigned = Config(signature_version=UNSIGNED)
    return unsigned if config is None else config.merge(unsigned)


def get_db() -> Any:
    return _client("dynamodb")


_current: Clarion | None = None


def clarion(policy: DeliveryPolicy | None = None) -> Clarion:
    """The services for this process, built on first use (with `policy`, built anew with those
    delivery timings: the fault suite shortens them)."""
    global _current
    if _current is None or policy is not None:
        from chalicelib.adapters.dynamodb import DynamoDBStore
        from chalicelib.adapters.sns import SnsAlerts, SnsBroadcastPublisher
        from chalicelib.adapters.sqs import SqsRedriver

        from chalicelib.services.settings import SettingsService
        from chalicelib.settings import environment_settings

        alerts = SnsAlerts(_client("sns"), os.environ.get("CLARION_ALERT_TOPIC_ARN", ""))
        # A missing or inconsistent audit chain head is an integrity alarm to on-call.
        store, clock = DynamoDBStore(get_db(), resources.table_name(), alarm=alerts.alert), SystemClock()
        publisher = SnsBroadcastPublisher(_client("sns"), os.environ["CLARION_BROADCAST_TOPIC_ARN"])
        settings = SettingsService(store, clock, environment_settings)
        _current = build(store, publisher, clock, resources.stage(), channels=RegistryChannels(settings.current),
                         alerts=alerts, redriver=SqsRedriver(_client("sqs")), verifier=local_id_tokens(),
                         directory=user_directory(store), policy=policy, settings=settings,
                         phi_reader=phi_second_opinion())
        _current.audit.attach(*audit_digests(), alarm=alerts.alert)
    return _current


def phi_second_opinion() -> PhiSecondOpinion:
    """Amazon Comprehend Medical, its client made on the first use (a screen with the setting on):
    the region's endpoint on deployed stages; on the local stage the sandbox's stand-in
    (local/sandbox/comprehend_medical.py) or CLARION_COMPREHEND_MEDICAL_URL. Short timeouts and one
    retry: a preview does not wait long on a second opinion."""
    from chalicelib.adapters.comprehend_medical import ComprehendMedicalPhi

    def client() -> Any:
        from botocore.config import Config

        endpoint = os.environ.get("CLARION_COMPREHEND_MEDICAL_URL")
        if resources.stage() == "local" and not endpoint:
            from chalicelib.seed import SANDBOX_URL

            endpoint = f"{SANDBOX_URL}/comprehendmedical"
        config = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})
        return _session().client("comprehendmedical", endpoint_url=endpoint or None, config=config)

    return ComprehendMedicalPhi(client)


def audit_digests() -> tuple[DigestArchive | None, DigestSigner | None]:
    """The signed audit digests' bucket and key (infra: AuditDigestBucket, AuditDigestKey); None
    where the stage has none configured."""
    bucket, key_id = os.environ.get("CLARION_AUDIT_DIGEST_BUCKET"), os.environ.get("CLARION_AUDIT_KEY_ID")
    if not bucket or not key_id:
        return None, None
    from chalicelib.adapters.digests import KmsDigestSigner, S3DigestArchive

    return S3DigestArchive(_client("s3"), bucket), KmsDigestSigner(_client("kms"), key_id)


def audit_digester() -> AuditDigester:
    """The scheduled digest job (app.audit_digest): the only signer of audit digests."""
    from chalicelib.adapters.sns import SnsAlerts
    from chalicelib.services.audit_digest import AuditDigester

    archive, signer = audit_digests()
    if archive is None or signer is None:
        raise RuntimeError("CLARION_AUDIT_DIGEST_BUCKET and CLARION_AUDIT_KEY_ID must be set")
    alerts = SnsAlerts(_client("sns"), os.environ.get("CLARION_ALERT_TOPIC_ARN", ""))
    return AuditDigester(clarion().store, archive, signer, SystemClock(), alarm=alerts.alert)


def local_id_tokens() -> IdTokenVerifier | None:
    """The local stage verifies the sign-in stand-in's ID tokens itself; deployed stages leave that
    to API Gateway's Cognito authorizer and build no verifier."""
    issuer = os.environ.get("CLARION_SIGN_IN_ISSUER")
    if resources.stage() != "local" or not issuer:
        return None
    from chalicelib.adapters.id_tokens import JwksIdTokenVerifier

    return JwksIdTokenVerifier(issuer, os.environ.get("CLARION_SIGN_IN_CLIENT_ID", ""))


def user_directory(store: Store) -> UserDirectory:
    """Cognito's user pool on deployed stages (its client made on first use: only the user routes
    call it); the stored users on the local stage (services/access.StoredUserDirectory)."""
    if resources.stage() == "local":
        from chalicelib.services.access import StoredUserDirectory

        return StoredUserDirectory(store)
    from chalicelib.adapters.cognito import CognitoUserDirectory

    return CognitoUserDirectory(lambda: _client("cognito-idp"), os.environ.get("CLARION_USER_POOL_ID", ""))


def use(services: Clarion | None) -> None:
    """Replace (or with None, forget) the services, e.g. between tests."""
    global _current
    _current = services
    _client.cache_clear()
    _channel_client.cache_clear()


def channel_accounts() -> ChannelAccountService:
    """The admins' channel-account service (issue 14) on this process's store, with the stage's
    SSM for credentials, read afresh (no cache: a test post right after new credentials uses them)."""
    from chalicelib.secrets import SsmSecretStore
    from chalicelib.services.channel_accounts import ChannelAccountService

    return ChannelAccountService(clarion().store, SystemClock(), SsmSecretStore(_client("ssm"), ttl_s=0.0),
                                 resources.stage())


def readiness() -> ReadinessService:
    """The channel accounts' readiness checks (issue 14) on this process's store. They run here in
    the readiness function and on the local stage; on deployed stages the API asks the readiness
    function to run them, since only its role (not the API's) may read the channels' credentials."""
    from chalicelib.adapters.sns import SnsAlerts
    from chalicelib.services.readiness import AccountChecks, ReadinessService

    services = clarion()
    checks = AccountChecks(services.store, RegistryChannels(services.settings.current),
                           SnsAlerts(_client("sns"), os.environ.get("CLARION_ALERT_TOPIC_ARN", "")), SystemClock())
    if resources.stage() == "local":
        return ReadinessService(services.store, checks)
    from chalicelib.adapters.lambda_readiness import LambdaCheckRunner

    return ReadinessService(services.store, checks,
                            LambdaCheckRunner(lambda: _client("lambda"), f"{resources.prefix()}-readiness"))


def system_actor(name: str) -> User:
    """The machine acting on its own (scheduler, SNS triggers), named in the audit trail."""
    return User(id=f"system:{name}", name=name, roles=ALL_ROLES)


def seed_local_stage() -> int:
    """Local stage only: demo users, channel accounts, and their sandbox credentials in SSM."""
    from chalicelib.seed import seed, seed_local_channels

    created = seed(clarion().store)
    seed_local_channels(_client)
    return created


def seed_local_templates() -> int:
    """Local stack only: the demo templates, written by the demo admin and approved by the demo
    approver through the service, so they are screened like any other. Returns how many."""
    from chalicelib.seed import LOCAL_TEMPLATES
    from chalicelib.services.templates import TemplateDraft

    services = clarion()
    have = {t.name for t in services.templates.all()}
    admin, approver = services.store.get_user("demo-admin"), services.store.get_user("demo-approver")
    if admin is None or approver is None:
        return 0
    made = 0
    for draft in LOCAL_TEMPLATES:
        if draft["name"] not in have:
            template = services.templates.create(admin, TemplateDraft.model_validate(draft))
            services.templates.approve(approver, template.id)
            made += 1
    return made
