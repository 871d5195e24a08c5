"""The delivery message: the one schema for what an approval publishes to the broadcast topic, a
redrive puts back on a platform's queue and a dead-letter parks. Written with `body()`, read with
`parse()`, nowhere else."""
from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

MAX_ACCOUNTS = 100  # the most one message may name (what a message has always been allowed)
# What one published message names at most: an advisory to 1,000 accounts goes out as several
# messages (`fan_out`). A worker's batch (platforms.Queue.batch_size, 5 messages at most) then
# holds at most 250 deliveries, which its 32 threads carry out well inside the queue's 60 s
# visibility timeout and the claim's 30 s lease; a message is far below SNS's and SQS's 256 KB
# (50 account ids of at most 80 characters: about 5 KB).
ACCOUNTS_PER_MESSAGE = 50


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


def fan_out(advisory_id: str, content_hash: str, accounts: Iterable[str],
            per_message: int = ACCOUNTS_PER_MESSAGE) -> list[DeliveryMessage]:
    """The messages that ask for `accounts`: sorted by platform, then cut into messages of at most
    `per_message` accounts. A few accounts on several platforms stay one message (each platform's
    queue receives it and takes its own); a platform's many accounts spread over several, so each
    queue receives only the messages naming its platform, and no message grows with the advisory."""
    ordered = sorted(dict.fromkeys(accounts), key=lambda a: (platform_of(a), a))
    per_message = max(1, min(per_message, MAX_ACCOUNTS))
    return [DeliveryMessage(advisory_id=advisory_id, content_hash=content_hash,
                            channel_accounts=tuple(ordered[start:start + per_message]))
            for start in range(0, len(ordered), per_message)]


def platform_of(account_id: str) -> str:
    return account_id.split(":", 1)[0]
