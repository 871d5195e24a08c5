"""What the sandbox platforms received, per platform and account, for `/_sandbox/state`.

Every platform module records into the same shape so a test (or a person at `/`) can check
what landed where without knowing each platform's own objects: posts with their thread links
and edit history (deleted posts stay, marked), the current pinned set, and an event log of
every post / edit / delete / pin / unpin in order.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, UTC
from typing import Any
from collections.abc import Callable


def iso(ts: float) -> str:
    """RFC 3339 UTC with milliseconds, the format of the state document."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Post:
    id: str
    text: str
    created_at: float = field(default_factory=time.time)
    reply_to: str | None = None
    thread_root: str | None = None
    url: str | None = None
    # Platform-native extras: visibility, facets, blocks, nonce, edit chain ids, ...
    data: dict[str, Any] = field(default_factory=dict)
    edits: list[dict[str, Any]] = field(default_factory=list)
    deleted_at: float | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def edited_at(self) -> float | None:
        return self.edits[-1]["ts"] if self.edits else None

    def to_json(self, pinned: bool) -> dict[str, Any]:
        return {
            "id": self.id, "text": self.text, "created_at": iso(self.created_at),
            "reply_to": self.reply_to, "thread_root": self.thread_root, "url": self.url,
            "pinned": pinned, "deleted": self.deleted,
            "deleted_at": iso(self.deleted_at) if self.deleted_at else None,
            "edits": [{"at": iso(e["ts"]), "previous_text": e["previous_text"], "text": e["text"]}
                      for e in self.edits],
            "data": self.data,
        }


@dataclass
class AccountState:
    posts: dict[str, Post] = field(default_factory=dict)  # insertion order = posting order
    pinned: list[str] = field(default_factory=list)       # oldest pin first
    events: list[dict[str, Any]] = field(default_factory=list)
    profile: dict[str, Any] | None = None               # Bluesky's profile record

    def event(self, kind: str, post_id: str | None, **details: Any) -> None:
        self.events.append({"at": iso(time.time()), "kind": kind, "post_id": post_id, **details})

    def add(self, post: Post) -> Post:
        self.posts[post.id] = post
        self.event("post", post.id, text=post.text, reply_to=post.reply_to)
        return post

    def get(self, post_id: str, include_deleted: bool = False) -> Post | None:
        post = self.posts.get(post_id)
        if post is None or (post.deleted and not include_deleted):
            return None
        return post

    def edit(self, post: Post, text: str, **details: Any) -> None:
        post.edits.append({"ts": time.time(), "previous_text": post.text, "text": text})
        self.event("edit", post.id, previous_text=post.text, text=text, **details)
        post.text = text

    def delete(self, post: Post) -> None:
        post.deleted_at = time.time()
        if post.id in self.pinned:  # a deleted post is no longer pinned anywhere
            self.pinned.remove(post.id)
        self.event("delete", post.id)

    def pin(self, post_id: str, **details: Any) -> bool:
        """False when it was already pinned (no event: nothing changed)."""
        if post_id in self.pinned:
            return False
        self.pinned.append(post_id)
        self.event("pin", post_id, **details)
        return True

    def unpin(self, post_id: str, **details: Any) -> bool:
        if post_id not in self.pinned:
            return False
        self.pinned.remove(post_id)
        self.event("unpin", post_id, **details)
        return True

    def live(self) -> list[Post]:
        """Posts that still exist, newest first (a timeline)."""
        return [p for p in reversed(self.posts.values()) if not p.deleted]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "posts": [p.to_json(p.id in self.pinned) for p in self.posts.values()],
            "pinned": list(self.pinned),
            "events": list(self.events),
        }
        if self.profile is not None:
            out["profile"] = self.profile
        return out


class Store:
    """All platforms' state behind one lock (requests are served on several threads)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._platforms: dict[str, dict[str, AccountState]] = {}
        self._reset_hooks: list[Callable[[], None]] = []

    def account(self, platform: str, key: str) -> AccountState:
        with self.lock:
            return self._platforms.setdefault(platform, {}).setdefault(key, AccountState())

    def accounts(self, platform: str) -> dict[str, AccountState]:
        with self.lock:
            return dict(self._platforms.get(platform, {}))

    def on_reset(self, hook: Callable[[], None]) -> None:
        self._reset_hooks.append(hook)

    def reset(self) -> None:
        with self.lock:
            self._platforms.clear()
            for hook in self._reset_hooks:
                hook()

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return {platform: {key: acc.to_json() for key, acc in accounts.items()}
                    for platform, accounts in self._platforms.items()}
