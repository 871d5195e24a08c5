"""What rendering produces for one channel account: the exact parts to post, measured."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Part(BaseModel):
    """One post (a thread has several), measured the way its platform counts."""

    text: str
    length: int
    limit: int | None = None
    unit: str = "characters"
    # Bluesky rich-text facets (links, hashtags) with UTF-8 byte offsets into `text`.
    facets: list[dict[str, Any]] = Field(default_factory=list)


class SmsInfo(BaseModel):
    encoding: str  # "GSM-7" or "UCS-2"
    segments: int
    max_segments: int


class Rendering(BaseModel):
    """Everything an adapter needs to post one advisory to one channel account."""

    advisory_id: str
    channel_account: str
    platform: str
    language: str = "en-US"
    parts: list[Part]
    # A short token Clarion puts in every post so a post can be found again (reconciliation).
    marker: str = ""
    subject: str | None = None      # e-mail
    html: str | None = None         # e-mail body, banner snippet
    blocks: list[dict[str, Any]] | None = None  # Slack Block Kit
    document: str | None = None     # CAP XML
    data: dict[str, Any] = Field(default_factory=dict)  # banner.json and other structured output
    sms: SmsInfo | None = None
    warnings: list[str] = Field(default_factory=list)

    @property
    def is_thread(self) -> bool:
        return len(self.parts) > 1

    @property
    def text(self) -> str:
        return self.parts[0].text if self.parts else ""
