"""AWS calls made by the SMS, e-mail and owned channels, with errors in the port's classes."""
from __future__ import annotations

from typing import Any, TypeVar
from collections.abc import Callable

from botocore.exceptions import (BotoCoreError, ClientError, ConnectionClosedError,
                                 ConnectTimeoutError, EndpointConnectionError,
                                 NoCredentialsError, ParamValidationError, ReadTimeoutError)

from chalicelib.channels.port import AmbiguousError, ChannelError, PermanentError, RetryableError

T = TypeVar("T")

_THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException", "SlowDown",
              "RequestLimitExceeded", "ProvisionedThroughputExceededException", "KMSThrottling",
              "InternalError", "InternalFailure", "ServiceUnavailable"}


def aws_call(platform: str, what: str, call: Callable[..., T], *, passthrough: tuple[str, ...] = (),
             **kwargs: Any) -> T:
    """`call(**kwargs)`; ClientErrors whose code is in `passthrough` are the caller's to handle."""
    try:
        return call(**kwargs)
    except ClientError as exc:
        if error_code(exc) in passthrough:
            raise
        raise _from_client_error(platform, what, exc) from None
    except (EndpointConnectionError, ConnectTimeoutError) as exc:
        raise RetryableError(f"Could not reach AWS for the {platform} {what} ({exc}); nothing was sent") from None
    except (ReadTimeoutError, ConnectionClosedError) as exc:
        raise AmbiguousError(f"No answer from AWS after the {platform} {what} was sent ({exc}): "
                             "it may have been made") from None
    except (ParamValidationError, NoCredentialsError) as exc:
        raise PermanentError(f"The {platform} {what} cannot be made: {exc}") from None
    except BotoCoreError as exc:
        raise RetryableError(f"The {platform} {what} failed in the AWS client ({exc})") from None


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _from_client_error(platform: str, what: str, exc: ClientError) -> ChannelError:
    code = error_code(exc)
    message = exc.response.get("Error", {}).get("Message", "")
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    text = f"{code}: {message}" if message else code
    if code in _THROTTLED or (isinstance(status, int) and status >= 500):
        return RetryableError(f"AWS could not take the {platform} {what} now ({text})", status=status)
    return PermanentError(f"AWS rejected the {platform} {what}: {text}", status=status)
