"""Single-table key layout, shared by the DynamoDB store and its in-memory twin.

    entity           pk                sk               gsi1pk   gsi1sk
    advisory         ADV#<id>          ADV              ADV      <created_at>#<id>
    delivery         ADV#<advisory>    DLV#<account>    -        -
    template         TPL#<id>          TPL              TPL      <created_at>#<id>
    user             USER#<id>         USER             USER     <id>
    channel account  CHAN#<id>         CHAN             CHAN     <id>
    channel group    GROUP#<name>      GROUP            GROUP    <name>
    once-only marker MARK#<key>        MARK             -        -
    org settings     CONF#org          CONF             -        -
    kill switch      CONF#switch       CONF             -        -
    audit entry      AUDIT#<chain>     <seq, 12 digits> AUDIT    <position>
    audit chain head AUDIT#<chain>     HEAD             AUDITHEAD <written, UTC>#<chain>

An audit chain (domain/audit.py) is named after the item its commit writes first, `<pk>/<sk>`
(e.g. `ADV#adv_1/DLV#sms:one`), or is a system shard `SYS#nn`; an entry's position is its time,
chain and seq (audit.position), so gsi1 `AUDIT#<n>` (8 shards by chain, merged on read) lists the
whole trail in time order, and gsi1 `AUDITHEAD` the heads by when they last moved (what the digest
job signs). An entry
about an advisory is also on gsi2 under `AUDITADV#<advisory id>` (position order): an advisory's
history is one key query.

An advisory on a state queue (lifecycle.QUEUES) also carries gsi2pk / gsi2sk (a sparse index: the
others are not in it), so awaiting approval, live and a caller's drafts are each one key query:

    queue              gsi2pk                     gsi2sk
    awaiting_approval  ADVQ#awaiting_approval     <created_at>#<id>
    live               ADVQ#live                  <created_at>#<id>
    drafts             ADVQ#drafts#<author>       <created_at>#<id>

and the small attributes `author` and `exp` (expires, UTC, fixed width) for filters.
"""
from __future__ import annotations

from datetime import datetime, UTC

from chalicelib.domain.groups import ChannelGroup
from chalicelib.domain.lifecycle import View, queue_of
from chalicelib.domain.models import Advisory, ChannelAccount, DeliveryRecord, Template, User
from chalicelib.domain.org import DeliverySwitch, OrgSettings
from chalicelib.ports import Entity, Marker

AUDIT_PK = "AUDIT"             # gsi1pk of every audit entry
AUDIT_HEADS_PK = "AUDITHEAD"   # gsi1pk of every chain head
AUDIT_HEAD_SK = "HEAD"
ORG_SETTINGS_KEY = ("CONF#org", "CONF")
SWITCH_KEY = ("CONF#switch", "CONF")

Key = tuple[str, str]


def key_of(item: Entity) -> tuple[Key, Key | None]:
    """(pk, sk) and the optional (gsi1pk, gsi1sk) of an entity."""
    if isinstance(item, Advisory):
        return (f"ADV#{item.id}", "ADV"), ("ADV", advisory_sort_key(item))
    if isinstance(item, DeliveryRecord):
        return (f"ADV#{item.advisory_id}", f"DLV#{item.channel_account}"), None
    if isinstance(item, Template):
        return (f"TPL#{item.id}", "TPL"), ("TPL", f"{item.created_at.isoformat()}#{item.id}")
    if isinstance(item, User):
        return (f"USER#{item.id}", "USER"), ("USER", item.id)
    if isinstance(item, ChannelAccount):
        return (f"CHAN#{item.id}", "CHAN"), ("CHAN", item.id)
    if isinstance(item, ChannelGroup):
        return group_key(item.name), ("GROUP", item.name)
    if isinstance(item, Marker):
        return (f"MARK#{item.key}", "MARK"), None
    if isinstance(item, OrgSettings):
        return ORG_SETTINGS_KEY, None
    if isinstance(item, DeliverySwitch):
        return SWITCH_KEY, None
    raise TypeError(f"not a stored entity: {type(item).__name__}")


def advisory_key(advisory_id: str) -> Key:
    return f"ADV#{advisory_id}", "ADV"


def delivery_key(advisory_id: str, channel_account: str) -> Key:
    return f"ADV#{advisory_id}", f"DLV#{channel_account}"


def template_key(template_id: str) -> Key:
    return f"TPL#{template_id}", "TPL"


def user_key(user_id: str) -> Key:
    return f"USER#{user_id}", "USER"


def channel_key(channel_id: str) -> Key:
    return f"CHAN#{channel_id}", "CHAN"


def group_key(name: str) -> Key:
    return f"GROUP#{name}", "GROUP"


def marker_key(key: str) -> Key:
    return f"MARK#{key}", "MARK"


def audit_sk(seq: int) -> str:
    return f"{seq:012d}"


def chain_of(key: Key) -> str:
    """The audit chain of a commit whose first item has this key."""
    return f"{key[0]}/{key[1]}"


def audit_chain_pk(chain: str) -> str:
    return f"AUDIT#{chain}"


def audit_advisory_pk(advisory_id: str) -> str:
    return f"AUDITADV#{advisory_id}"


def advisory_sort_key(advisory: Advisory) -> str:
    """Where an advisory sorts in every list (gsi1sk and gsi2sk): by creation, then id."""
    return f"{advisory.created_at.isoformat()}#{advisory.id}"


def queue_pk(view: View, author: str) -> str:
    return f"ADVQ#{view.value}#{author}" if view is View.DRAFTS else f"ADVQ#{view.value}"


def advisory_queue_key(advisory: Advisory) -> Key | None:
    """(gsi2pk, gsi2sk) of the state queue the advisory is on; None if on none."""
    view = queue_of(advisory)
    return None if view is None else (queue_pk(view, advisory.author), advisory_sort_key(advisory))


def moment(value: datetime) -> str:
    """A time as fixed-width UTC text, so that text order is time order."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
