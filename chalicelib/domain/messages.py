"""The delivery message: the one schema for what an approval publishes to the broadcast topic, a
redrive puts back on a platform's queue and a dead-letter parks. Written with `body()`, read with
`parse()`, nowhere else."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MAX_ACCOUNTS = 100  # one advisory's channel accounts, as AdvisoryContent allows


class DeliveryMessage(BaseModel):
    """An approved advisory's content hash and the channel accounts owed a delivery. Each platform's
    queue receives it (its filter policy matches `platforms`) and its worker takes its own accounts."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    advisory_id: str = Field(min_length=1, max_length=64)
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    channel_accounts: tuple[str, ...] = Field(min_length=1, max_length=MAX_ACCOUNTS)

    @property
    def platforms(self) -> tuple[str, ...]:
        """The platforms named by the accounts (an account id is `<platform>:<name>`)."""
        return tuple(sorted({platform_of(account) for account in self.channel_accounts}))

    def accounts_on(self, platform: str) -> list[str]:
        return [account for account in self.channel_accounts if platform_of(account) == platform]

    def body(self) -> str:
        return self.model_dump_json()

    @classmethod
    def parse(cls, body: str | bytes) -> DeliveryMessage:
        """Raises pydantic.ValidationError for anything that is not a delivery message."""
        return cls.model_validate_json(body)


def platform_of(account_id: str) -> str:
    return account_id.split(":", 1)[0]
