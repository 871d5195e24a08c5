"""Event handlers' glue: SNS triggers from other systems and the scheduled release."""
from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import ValidationError

from chalicelib.composition import Clarion, system_actor
from chalicelib.domain.errors import ClarionError, UnavailableError
from chalicelib.domain.models import AuditEvent
from chalicelib.services.templates import SnsTrigger, TriggerRequest, validation_details

log = logging.getLogger("clarion.handlers")


def handle_sns_trigger(clarion: Clarion, message_id: str, message: str) -> str:
    """Trigger a template from an SNS message; returns the outcome.

    A message that can never succeed (malformed, unknown template, bad parameters, screening)
    is recorded as a refused trigger and acknowledged, so SNS does not retry it forever. Only a
    passing outage (storage, topic) raises, for Lambda's retries.
    """
    try:
        trigger = SnsTrigger.model_validate(json.loads(message))
    except (ValueError, ValidationError) as error:
        reason = (json.dumps(validation_details(error)) if isinstance(error, ValidationError)
                  else f"not JSON: {error}")
        return _refused(clarion, "sns:unknown", message_id, f"malformed trigger message: {reason}")
    actor = system_actor(f"sns:{trigger.source}")
    try:
        result = clarion.templates.trigger(
            actor, trigger.template_id,
            TriggerRequest(parameters=trigger.parameters, idempotency_key=f"sns:{message_id}"),
            source=f"sns message {message_id}")
    except UnavailableError:
        raise
    except ClarionError as error:
        detail = f": {json.dumps(error.details, default=str)}" if error.details else ""
        return _refused(clarion, actor.id, message_id,
                        f"template {trigger.template_id}: {error.message}{detail}")
    return f"{'triggered' if result.created else 'duplicate'} {result.advisory.id}"


def _refused(clarion: Clarion, actor: str, message_id: str, reason: str) -> str:
    clarion.store.commit([], [AuditEvent(actor=actor, action="refused:trigger",
                                         summary=f"sns message {message_id}: {reason}"[:2000])])
    log.warning("refused trigger %s: %s", message_id, reason)
    return f"refused: {reason}"


def sns_message_id(event: Any) -> str:
    return str(event.to_dict()["Records"][0]["Sns"].get("MessageId", "unknown"))
