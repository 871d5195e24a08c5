"""Mastodon (REST API v1): statuses, Idempotency-Key, pins (at most 5), threads as replies.

Errors are `{"error": "Validation failed: Text character limit of 500 exceeded"}` (422);
429 comes with `X-RateLimit-Reset` as an ISO 8601 time.
"""
from __future__ import annotations

from typing import Any
from collections.abc import Mapping

from chalicelib.channels.base import HttpChannel, TimelinePage, epoch
from chalicelib.channels.http import Complaint, Reply, error_field, seg
from chalicelib.channels.port import Capabilities, PermanentError, PostRef
from chalicelib.rendering.model import Part, Rendering


def inspect_reply(reply: Reply) -> Complaint | None:
    if 200 <= reply.status < 300:
        return None
    message = error_field(reply, "error_description", "error")
    return Complaint(message=message.removeprefix("Validation failed: "))


class MastodonChannel(HttpChannel):
    platform = "Mastodon"
    capabilities = Capabilities(can_pin=True, can_edit=True, can_delete=True, idempotent=True,
                                threads=True, max_pins=5, can_find=True)
    inspect = staticmethod(inspect_reply)
    timeline_page = 40

    def auth_headers(self, credentials: Mapping[str, Any]) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret(credentials, 'access_token')}"}

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        body: dict[str, Any] = {"status": part.text, "language": _language(rendering),
                                "visibility": self.settings.get("visibility", "public")}
        if parent is not None:
            body["in_reply_to_id"] = parent.post_id
        reply = self.http.call("POST", "/api/v1/statuses", what="post", json_body=body,
                               headers={"Idempotency-Key": key})
        return _ref(reply)

    def _edit_part(self, post: PostRef, part_id: str, rendering: Rendering, part: Part,
                   index: int) -> PostRef:
        reply = self.http.call("PUT", f"/api/v1/statuses/{seg(part_id)}", what="edit",
                               json_body={"status": part.text, "language": _language(rendering)})
        return _ref(reply)

    def _delete_part(self, post: PostRef, part_id: str) -> None:
        self.http.call("DELETE", f"/api/v1/statuses/{seg(part_id)}", what="delete")

    def _pin(self, post: PostRef) -> None:
        self.http.call("POST", f"/api/v1/statuses/{seg(post.post_id)}/pin", what="pin")

    def _unpin(self, post: PostRef) -> None:
        self.http.call("POST", f"/api/v1/statuses/{seg(post.post_id)}/unpin", what="unpin")

    def pin(self, post: PostRef, previous: PostRef | None = None) -> None:
        """With five posts already pinned Mastodon refuses another: then unpin the old one first."""
        try:
            super().pin(post, previous)
        except PermanentError as err:
            if previous is None or "pinned" not in err.message.lower():
                raise
            self.unpin(previous)
            self._pin(post)

    def _timeline(self, older: str | None, since: float | None) -> TimelinePage:
        query: dict[str, Any] = {"limit": self.timeline_page}
        if older:
            query["max_id"] = older
        reply = self.http.call("GET", f"/api/v1/accounts/{seg(self._me())}/statuses", what="timeline", query=query)
        statuses = [s for s in (reply.data if isinstance(reply.data, list) else [])
                    if isinstance(s, dict) and s.get("id")]
        return TimelinePage([(_ref_of(s), str(s.get("content", "")), epoch(s.get("created_at"))) for s in statuses],
                            older=str(statuses[-1]["id"]) if len(statuses) >= self.timeline_page else None)

    def _me(self) -> str:
        return self.looked_up("account_id", "/api/v1/accounts/verify_credentials", "id")


def _language(rendering: Rendering) -> str:
    return rendering.language.split("-")[0]  # Mastodon wants ISO 639-1, not en-US


def _ref(reply: Reply) -> PostRef:
    reply.need("id")
    return _ref_of(reply.data)


def _ref_of(status: Mapping[str, Any]) -> PostRef:
    return PostRef(post_id=str(status["id"]), url=status.get("url") or status.get("uri"))
