"""X (API v2): POST /2/tweets, threads as replies, edits via `edit_options`, no pin API.

Errors are RFC 7807 problems: `{"title", "detail", "type", "status", "errors": [{"message"}]}`;
429 carries `x-rate-limit-reset` (epoch seconds). An edit makes a new post id (30 minutes,
5 edits at most). X has no endpoint to pin: `pin_by_hand` tells the worker to ask a person.
"""
from __future__ import annotations

from datetime import datetime, UTC
from typing import Any
from collections.abc import Mapping

from chalicelib.channels.base import HttpChannel, TimelinePage, epoch
from chalicelib.channels.http import Complaint, Reply, json_list, json_object, seg
from chalicelib.channels.port import Capabilities, PostRef
from chalicelib.rendering.model import Part, Rendering


def inspect_reply(reply: Reply) -> Complaint | None:
    if 200 <= reply.status < 300 or not isinstance(reply.data, dict):
        return None
    problems = reply.data.get("errors")
    listed = [str(e.get("message") or e.get("detail")) for e in problems if isinstance(e, dict)] \
        if isinstance(problems, list) else []
    detail = reply.data.get("detail") or reply.data.get("title")
    message = "; ".join(m for m in listed if m and m != "None") or (str(detail) if detail else "")
    return Complaint(message=message)


class XChannel(HttpChannel):
    platform = "X"
    default_base_url = "https://api.x.com"
    capabilities = Capabilities(pin_by_hand=True, can_edit=True, can_delete=True, threads=True, can_find=True)
    inspect = staticmethod(inspect_reply)

    def auth_headers(self, credentials: Mapping[str, Any]) -> dict[str, str]:
        # An OAuth 2.0 user-context access token with tweet.read, tweet.write and users.read.
        return {"Authorization": f"Bearer {self.secret(credentials, 'access_token')}"}

    def _post(self, rendering: Rendering, part: Part, index: int, parent: PostRef | None,
              root: PostRef | None, key: str) -> PostRef:
        body: dict[str, Any] = {"text": part.text}
        if parent is not None:
            body["reply"] = {"in_reply_to_tweet_id": parent.post_id}
        return self._ref(self.http.call("POST", "/2/tweets", what="post", json_body=body))

    def _edit_part(self, post: PostRef, part_id: str, rendering: Rendering, part: Part,
                   index: int) -> PostRef:
        body = {"text": part.text, "edit_options": {"previous_post_id": part_id}}
        return self._ref(self.http.call("POST", "/2/tweets", what="edit", json_body=body))

    def _delete_part(self, post: PostRef, part_id: str) -> None:
        self.http.call("DELETE", f"/2/tweets/{seg(part_id)}", what="delete")

    def _timeline(self, older: str | None, since: float | None) -> TimelinePage:
        query: dict[str, Any] = {"max_results": self.timeline_page, "tweet.fields": "created_at"}
        if since is not None:  # X leaves older posts out itself
            query["start_time"] = datetime.fromtimestamp(since, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if older:
            query["pagination_token"] = older
        reply = self.http.call("GET", f"/2/users/{seg(self._user_id())}/tweets", what="timeline", query=query)
        data = reply.data if isinstance(reply.data, dict) else {}
        tweets, meta = json_list(data, "data"), json_object(data, "meta")
        return TimelinePage([(self._ref_of(str(t["id"])), str(t.get("text", "")), epoch(t.get("created_at")))
                             for t in tweets if isinstance(t, dict) and t.get("id")],
                            older=str(meta["next_token"]) if meta.get("next_token") else None)

    def _user_id(self) -> str:
        return self.looked_up("user_id", "/2/users/me", "data", "id")

    def _ref(self, reply: Reply) -> PostRef:
        return self._ref_of(str(reply.need("data", "id")))

    def _ref_of(self, post_id: str) -> PostRef:
        handle = self.settings.get("handle", "i/web")
        return PostRef(post_id=post_id,
                       url=self.post_url(f"https://x.com/{str(handle).lstrip('@')}/status/{post_id}", post_id))
