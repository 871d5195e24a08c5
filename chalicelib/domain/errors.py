"""Domain errors. Each maps to one HTTP status in `chalicelib.web`; none is ever a 500."""
from __future__ import annotations

from typing import Any


class ClarionError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(ClarionError):
    status, code = 400, "bad_request"


class PayloadTooLarge(ClarionError):
    status, code = 413, "payload_too_large"


class Unauthenticated(ClarionError):
    status, code = 401, "unauthenticated"


class Forbidden(ClarionError):
    status, code = 403, "forbidden"


class NotFound(ClarionError):
    status, code = 404, "not_found"


class Conflict(ClarionError):
    status, code = 409, "conflict"


class ValidationFailed(ClarionError):
    status, code = 422, "validation_failed"


class IdempotencyKeyReused(ClarionError):
    """The key was used before for a different request (the IETF Idempotency-Key draft's 422)."""

    status, code = 422, "idempotency_key_reused"


class ScreeningFailed(ClarionError):
    status, code = 422, "screening_failed"


class StaleWrite(Exception):
    """A conditional write lost a race: the stored item is not the one we read."""


class UnavailableError(ClarionError):
    """A dependency (queue, topic) could not be reached; the action can be retried."""

    status, code = 503, "unavailable"
