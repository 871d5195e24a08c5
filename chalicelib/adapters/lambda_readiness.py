"""The API's readiness checks on deployed stages, run by the `readiness` function.

The API's role may not read the channels' credentials (only the workers, the sweeper and the
readiness function may, each its own platforms'), so `POST /channels/{id}/check` and
`POST /channels/check` invoke the readiness function synchronously with the request as the
`detail` of a scheduled-event-shaped payload (the function is Chalice's `@app.schedule`
handler, which reads exactly that shape), wait for its summary, and answer from what it
recorded in the table.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, UTC
from typing import Any
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.errors import UnavailableError
from chalicelib.services.readiness import CheckRequest, CheckSummary

DETAIL_TYPE = "Clarion readiness check"
SOURCE = "clarion.api"


def event_for(request: CheckRequest) -> dict[str, Any]:
    """What EventBridge would send, with the request as its detail."""
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": DETAIL_TYPE, "source": SOURCE,
            "account": "", "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "region": "",
            "resources": [], "detail": request.model_dump(mode="json")}


class LambdaCheckRunner:
    """`CheckRunner` through `lambda:InvokeFunction` on the stage's readiness function."""

    def __init__(self, client: Callable[[], Any], function_name: str) -> None:
        self._client, self.function_name = client, function_name  # the client is made on first use

    def run(self, request: CheckRequest) -> CheckSummary:
        try:
            response = self._client().invoke(FunctionName=self.function_name, InvocationType="RequestResponse",
                                             Payload=json.dumps(event_for(request)).encode())
            payload = response["Payload"].read()
        except (BotoCoreError, ClientError) as error:
            raise UnavailableError(f"the readiness function could not be asked ({type(error).__name__})") from None
        if response.get("FunctionError"):
            raise UnavailableError("the readiness function failed; see its log", {"function": self.function_name})
        try:
            return CheckSummary.model_validate_json(payload)
        except ValueError:
            raise UnavailableError("the readiness function answered something else than a summary",
                                   {"function": self.function_name}) from None
