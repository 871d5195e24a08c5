"""The sandbox AWS account's answers to the readiness checks' questions that moto does not know.

moto (5.2) implements SES v2 `GetEmailIdentity` and SNS `GetSMSAttributes`, but not SES v2
`GetAccount` nor SNS `GetSMSSandboxAccountStatus`: `teach_moto()` adds those two to moto's
responders, answering from `ACCOUNT` (production access, sending enabled, the enforcement
status, the SMS sandbox), which a test changes to try each outcome. The spend limit is moto's
own `SetSMSAttributes`. Idempotent; call it before the first request (tests/test_readiness.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass
class AccountState:
    ses_production_access: bool = True
    ses_sending_enabled: bool = True
    ses_enforcement_status: str = "HEALTHY"
    sms_in_sandbox: bool = False


ACCOUNT = AccountState()


def reset() -> None:
    global ACCOUNT
    ACCOUNT = AccountState()


def _get_account(self: Any) -> str:
    return json.dumps({"DedicatedIpAutoWarmupEnabled": False, "EnforcementStatus": ACCOUNT.ses_enforcement_status,
                       "ProductionAccessEnabled": ACCOUNT.ses_production_access,
                       "SendingEnabled": ACCOUNT.ses_sending_enabled,
                       "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 0.0},
                       "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]}})


def _get_sms_sandbox_account_status(self: Any) -> Any:
    from moto.core.responses import ActionResult

    return ActionResult({"IsInSandbox": ACCOUNT.sms_in_sandbox})


def teach_moto() -> None:
    from moto.sesv2.responses import SESV2Response
    from moto.sns.responses import SNSResponse

    if not hasattr(SESV2Response, "get_account"):
        SESV2Response.get_account = _get_account  # type: ignore[attr-defined]
    if not hasattr(SNSResponse, "get_sms_sandbox_account_status"):
        SNSResponse.get_sms_sandbox_account_status = _get_sms_sandbox_account_status  # type: ignore[attr-defined]
