"""Amazon Comprehend Medical `DetectPHI`: the second opinion on patient data (English text).

The answer is validated (a response in another shape is "no answer", never a crash), and a
failure of any kind is an UnavailableError: screening goes on without the second opinion and
says so. The client is made with short timeouts (composition.py): a preview must not wait on it.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.domain.errors import UnavailableError
from chalicelib.domain.phi import PhiEntity



class _Entity(BaseModel):
    model_config = ConfigDict(extra="ignore")

    Type: str = Field(max_length=40)
    BeginOffset: int = Field(ge=0)
    EndOffset: int = Field(ge=0)
    Score: float = Field(ge=0, le=1)


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    Entities: list[_Entity]


class ComprehendMedicalPhi:
    max_bytes = 20_000  # DetectPHI reads at most 20,000 bytes of UTF-8 per call

    def __init__(self, client: Callable[[], Any]) -> None:
        self._make_client = client  # made on the first call: most screens never need it
        self._client: Any = None

    def detect_phi(self, text: str) -> list[PhiEntity]:
        if len(text.encode("utf-8")) > self.max_bytes:
            raise UnavailableError(f"the text is longer than the {self.max_bytes:,} bytes DetectPHI reads", {})
        try:
            self._client = self._client or self._make_client()
            answer = _Answer.model_validate(self._client.detect_phi(Text=text))
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise UnavailableError(f"DetectPHI refused: {error.get('Code', 'error')}", {}) from exc
        except BotoCoreError as exc:
            raise UnavailableError(f"DetectPHI did not answer ({type(exc).__name__})", {}) from exc
        except ValidationError as exc:
            raise UnavailableError("DetectPHI answered in a shape Clarion does not know", {}) from exc
        return [PhiEntity(e.Type, e.BeginOffset, e.EndOffset, e.Score) for e in answer.Entities]
