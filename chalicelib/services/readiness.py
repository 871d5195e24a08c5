"""Readiness checks (issue 14): can every channel account still take a broadcast?

In the field, silently expired or revoked tokens are the most common reason a broadcast misses a
channel. Each account's adapter asks its platform's own "who am I / what may I do" endpoints,
never posting (`Channel.check`, per platform in `chalicelib/channels/`); this service runs those
checks (one account, or every enabled one, on demand and daily), records each finding on the
account and pages on-call once per problem.

**Recording.** Every check is a conditional write of the account's `health` (the finding and
when it was made); an audit entry rides in the same commit only when the finding changed
(healthy -> unhealthy, another reason, the pin right, a new expiry), so the trail shows changes
rather than a line a day per account.

**Paging, once.** An account turning unhealthy on its token, its permissions or its
configuration, or a healthy account whose token expires within 7 days, pages on-call. What it
was paged for is kept on a Marker per account (`readiness:<account id>`), its `ref` the condition:
`credentials`, `permission`, `configuration` or `expires:<date>`. The marker is written in the
same conditional commit as the health, so of two checks racing only one pages; the same
condition again is silent (the daily check does not page daily); another condition pages (a new
expiry date, a token problem after a permission one); recovery (healthy, not expiring) clears
the marker, so the next failure pages again. "Platform unavailable" (5xx, 429, timeouts, a check
that crashed) is no verdict on the account: it is recorded, but neither pages nor clears. The page
goes out after the commit: a process that dies in between loses that page (at most once, never
a repeat every day).

**Where checks run.** `AccountChecks` runs them in this process: in the `readiness` function
(daily, and on the API's behalf) and on the local stage. On deployed stages the API's role may not
read the channels' credentials, so its routes ask the `readiness` function to run the checks
(`CheckRunner`: adapters/lambda_readiness.py) and answer from what it recorded.

**Bounds.** At most `MAX_ACCOUNTS` accounts per run (the least recently checked first), eight at
a time, within a time budget (20 s for an API call, under API Gateway's 29 s; 45 s for the
daily run, under Lambda's 60 s). An account not done in time is reported in `not_checked`; its
check still records its finding when it ends, if the process lives on.
"""
from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta, UTC
from typing import Protocol

from pydantic import Field

from chalicelib.channels.port import ChannelError, readiness_of, unready
from chalicelib.domain.errors import NotFound, StaleWrite, UnavailableError
from chalicelib.domain.models import (AuditEvent, ChannelAccount, ChannelAccountId, Model, Readiness,
                                      ReadinessProblem, Strict, User)
from chalicelib.ports import Clock, Marker, Put, Store
from chalicelib.services.common import create, revise
from chalicelib.services.delivery import Alerts, ChannelProvider

log = logging.getLogger("clarion.readiness")

EXPIRY_WARNING = timedelta(days=7)  # a token expiring within this pages on-call (once per expiry date)
MAX_ACCOUNTS = 100                  # accounts per run; the rest wait for the next
PARALLEL = 8                        # checks at a time (each is a few HTTP or AWS calls)
API_BUDGET_S = 20.0                 # an API call's checks (API Gateway gives up at 29 s)
RUN_BUDGET_S = 45.0                 # the readiness function's (Lambda's default timeout is 60 s)
WRITE_TRIES = 4                     # the account may be written meanwhile (a pin lease, an admin)
ACTION = "channel_health"           # the audit trail's action for a changed finding
SYSTEM = "system:readiness"         # the actor of the daily run


class CheckRequest(Strict):
    """Which accounts to check (None: every enabled one), for whom (the audit trail's actor) and
    within how long. It is also the `detail` of the event the API sends the readiness function."""

    accounts: list[ChannelAccountId] | None = Field(default=None, max_length=MAX_ACCOUNTS)
    actor: str = Field(default=SYSTEM, min_length=1, max_length=200)
    budget_s: float = Field(default=RUN_BUDGET_S, gt=0, le=RUN_BUDGET_S)


class CheckSummary(Model):
    """What a run did, by account id (also the readiness function's answer)."""

    checked: list[str] = Field(default_factory=list)
    unhealthy: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)      # the finding changed: an audit entry
    paged: list[str] = Field(default_factory=list)        # on-call was paged now
    not_checked: list[str] = Field(default_factory=list)  # over the bound, or not done in time


class CheckRunner(Protocol):
    def run(self, request: CheckRequest) -> CheckSummary: ...


@dataclass(frozen=True)
class Recorded:
    account: ChannelAccount
    changed: bool
    paged: bool


def marker_key(account_id: str) -> str:
    return f"readiness:{account_id}"


def condition(health: Readiness, now: datetime) -> str | None:
    """What on-call is paged for, if anything: the problem, or a token expiring within 7 days.
    (UNAVAILABLE is never asked: it keeps whatever was paged for.)"""
    if not health.healthy:
        return health.problem.value if health.problem else ReadinessProblem.CONFIGURATION.value
    expires = health.token_expires_at
    if expires is not None and expires - now <= EXPIRY_WARNING:
        return f"expires:{expires.astimezone(UTC):%Y-%m-%d}"
    return None


class AccountChecks:
    """Runs checks in this process: the adapters' `check()`, then record and page."""

    def __init__(self, store: Store, channels: ChannelProvider, alerts: Alerts, clock: Clock) -> None:
        self._store, self._channels, self._alerts, self._clock = store, channels, alerts, clock

    def run(self, request: CheckRequest) -> CheckSummary:
        accounts = self._targets(request)
        chosen, over = accounts[:MAX_ACCOUNTS], accounts[MAX_ACCOUNTS:]
        summary = CheckSummary(not_checked=[a.id for a in over])
        if not chosen:
            return summary
        pool = ThreadPoolExecutor(max_workers=min(PARALLEL, len(chosen)), thread_name_prefix="readiness")
        futures: dict[Future[Recorded | None], str] = {
            pool.submit(self.check, account, request.actor): account.id for account in chosen}
        done, pending = wait(futures, timeout=request.budget_s)
        pool.shutdown(wait=False, cancel_futures=True)  # a late check records itself when it ends
        for future, account_id in futures.items():
            recorded = future.result() if future in done else None
            if recorded is None:
                summary.not_checked.append(account_id)
                continue
            summary.checked.append(account_id)
            health = recorded.account.health
            if health is not None and not health.healthy:
                summary.unhealthy.append(account_id)
            if recorded.changed:
                summary.changed.append(account_id)
            if recorded.paged:
                summary.paged.append(account_id)
        if pending:
            log.warning("readiness: %d account(s) not checked within %g s", len(pending), request.budget_s)
        return summary

    def check(self, account: ChannelAccount, actor: str = SYSTEM) -> Recorded | None:
        """Check one account and record the finding (None: the account is gone)."""
        return self._record(account.id, self._finding(account), actor)

    # -- checking --------------------------------------------------------------------------------
    def _targets(self, request: CheckRequest) -> list[ChannelAccount]:
        if request.accounts is not None:
            found = self._store.get_channels(request.accounts)
            return [found[i] for i in dict.fromkeys(request.accounts) if i in found]
        never = datetime.min.replace(tzinfo=UTC)
        enabled = [a for a in self._store.list_channels() if a.enabled and not getattr(a, "deleted_at", None)]
        return sorted(enabled, key=lambda a: a.health.checked_at if a.health else never)  # oldest first

    def _finding(self, account: ChannelAccount) -> Readiness:
        try:
            try:
                channel = self._channels.channel(account)
            except ChannelError as error:  # no secret_ref, no credentials, a missing setting, SSM down
                health = readiness_of(error)
            else:
                health = channel.check()
        except Exception as error:  # an adapter's bug must not stop the run, nor pass for a verdict
            log.exception("readiness: the check of %s failed", account.id)
            health = unready(ReadinessProblem.UNAVAILABLE,
                             f"the check itself failed ({type(error).__name__}); it says nothing about the account")
        now = self._clock.now()
        expires = health.token_expires_at
        if health.healthy and expires is not None and expires <= now:
            health = unready(ReadinessProblem.CREDENTIALS, f"token revoked or invalid: it expired at "
                             f"{expires.astimezone(UTC):%Y-%m-%d %H:%M} UTC", health.can_pin, expires)
        return health.model_copy(update={"checked_at": now})

    # -- recording and paging ----------------------------------------------------------------------
    def _record(self, account_id: str, health: Readiness, actor: str) -> Recorded | None:
        """The finding on the account, with the marker of what on-call was paged for, in one
        conditional commit (an audit entry only when the finding changed); then the page."""
        for _ in range(WRITE_TRIES):
            account = self._store.get_channel(account_id)
            if account is None:
                return None
            key = marker_key(account_id)
            marker = self._store.get_marker(key)
            paged_for = marker.ref if marker else None
            unavailable = health.problem is ReadinessProblem.UNAVAILABLE
            wanted = paged_for if unavailable else condition(health, health.checked_at)  # no verdict: keep
            puts: list[Put] = []
            if wanted != paged_for:
                puts.append(revise(marker, ref=wanted, at=health.checked_at)[1] if marker
                            else create(Marker(key=key, ref=wanted, at=health.checked_at))[1])
            changed = not health.same_as(account.health)
            updated, put = revise(account, health=health)
            events = [AuditEvent(actor=actor, action=ACTION, at=health.checked_at, summary=(
                f"{account_id}: {account.health.summary() if account.health else 'never checked'} -> "
                f"{health.summary()}")[:2000])] if changed else []
            try:
                self._store.commit([put, *puts], events)
            except StaleWrite:
                continue
            page = wanted is not None and wanted != paged_for
            if page:
                self._page(updated, health)
            return Recorded(updated, changed, page)
        log.warning("readiness: %s kept changing; its finding was not recorded", account_id)
        return None

    def _page(self, account: ChannelAccount, health: Readiness) -> None:
        again = (f"New credentials go in with PUT /channels/{account.id}/credentials; once it is fixed, "
                 f"check it again: POST /channels/{account.id}/check.")
        if not health.healthy:
            self._alerts.alert(f"Clarion: {account.id} cannot take a broadcast",
                               f"The readiness check of {account.name} ({account.id}) found a "
                               f"{health.problem.value if health.problem else 'problem'} problem: {health.reason}. "
                               f"Deliveries to it will fail until it is fixed. {again}")
            return
        expires = health.token_expires_at
        when = f"{expires.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if expires else "soon"
        self._alerts.alert(f"Clarion: {account.id}'s token expires {when[:10]}",
                           f"The token of {account.name} ({account.id}) expires {when}; after that deliveries "
                           f"to it will fail. Renew it and store the new one. {again}")


class ReadinessService:
    """The API's side: check one account or every enabled one, through the runner (this process
    on the local stage; the readiness function on deployed ones), and answer from the store."""

    def __init__(self, store: Store, checks: AccountChecks, runner: CheckRunner | None = None) -> None:
        self._store = store
        self.checks = checks  # in this process: the readiness function runs these
        self._runner: CheckRunner = runner or checks

    def check(self, actor: User, account_id: str) -> ChannelAccount:
        """Check one account now; its recorded health (404: no such account)."""
        self._live(account_id)
        summary = self._runner.run(CheckRequest(accounts=[account_id], actor=actor.id, budget_s=API_BUDGET_S))
        if account_id not in summary.checked:
            raise UnavailableError(f"the check of {account_id} did not finish within {API_BUDGET_S:g} s; "
                                   "it is recorded when it does", {"id": account_id})
        return self._live(account_id)

    def check_all(self, actor: User) -> tuple[list[ChannelAccount], CheckSummary]:
        """Check every enabled account now (bounded: see the module); the accounts checked."""
        summary = self._runner.run(CheckRequest(actor=actor.id, budget_s=API_BUDGET_S))
        found = self._store.get_channels(summary.checked)
        return [found[i] for i in summary.checked if i in found], summary

    def _live(self, account_id: str) -> ChannelAccount:
        account = self._store.get_channel(account_id)
        if account is None or getattr(account, "deleted_at", None):
            raise NotFound(f"there is no channel account {account_id}", {"id": account_id})
        return account


def run_request(detail: object) -> CheckRequest:
    """The scheduled event's `detail` ({} from the daily schedule; the API's request otherwise)."""
    return CheckRequest.model_validate(detail or {})

