"""The page at `/`: each platform's timeline and pinned post(s), refreshed every few seconds.

Everything that came from a client is escaped: post text is whatever an adapter sent.
"""
from __future__ import annotations

import json
from html import escape
from typing import Any

from local.sandbox import accounts
from local.sandbox.faults import PLATFORMS

TITLES = {"x": "X", "facebook": "Facebook Page", "mastodon": "Mastodon", "bluesky": "Bluesky",
          "telegram": "Telegram channel", "slack": "Slack", "discord": "Discord"}

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;background:#f6f7f9;color:#1c1e21}
h1{font-size:1.4rem} h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1rem}
.account{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:.75rem}
.account h3{font-size:.95rem;margin:0 0 .5rem}
.post{border-top:1px solid #eef0f2;padding:.45rem 0;white-space:pre-wrap;word-break:break-word;font-size:.9rem}
.pinned{background:#fff8e1;border-left:3px solid #f5a623;padding-left:.4rem}
.deleted{color:#8a8d91;text-decoration:line-through}
.meta{color:#65676b;font-size:.75rem;white-space:normal}
.faults{background:#fdecea;border:1px solid #f5c2c0;border-radius:6px;padding:.5rem;font-size:.85rem}
code{font-size:.8rem}
"""


def render(state: dict[str, Any], faults: dict[str, Any]) -> str:
    sections = "".join(_platform(name, state.get(name, {})) for name in PLATFORMS)
    fault_box = (f'<div class="faults"><b>Faults active:</b> <code>{escape(json.dumps(faults))}</code></div>'
                 if faults else "")
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"refresh\" content=\"3\"><title>Clarion sandbox platforms</title>"
            f"<style>{STYLE}</style></head><body><h1>Clarion sandbox platforms</h1>"
            "<p class=\"meta\">What each platform received. JSON: <a href=\"/_sandbox/state\">/_sandbox/state</a>"
            f" &middot; refreshes every 3 s</p>{fault_box}{sections}</body></html>")


def _platform(name: str, platform_state: dict[str, Any]) -> str:
    keys = [a.key for a in accounts.for_platform(name) if a.key in platform_state]
    keys += [k for k in platform_state if k not in keys]
    body = "".join(_account(name, key, platform_state[key]) for key in keys)
    return f"<h2>{escape(TITLES[name])}</h2><div class=\"grid\">{body or '<p class=meta>nothing yet</p>'}</div>"


def _account(platform: str, key: str, account_state: dict[str, Any]) -> str:
    posts = {p["id"]: p for p in account_state["posts"]}
    pinned = [posts[pid] for pid in reversed(account_state["pinned"]) if pid in posts]
    pinned_html = "".join(_post(platform, p, pinned=True) for p in pinned)
    if not pinned_html:
        pinned_html = '<div class="meta">no pinned post</div>'
    timeline = "".join(_post(platform, p) for p in reversed(account_state["posts"]))
    return (f'<div class="account"><h3>{escape(key)}</h3>{pinned_html}'
            f'{timeline or "<div class=meta>no posts</div>"}</div>')


def _post(platform: str, post: dict[str, Any], pinned: bool = False) -> str:
    classes = "post" + (" pinned" if pinned else "") + (" deleted" if post["deleted"] else "")
    meta = [escape(post["created_at"]), f"id <code>{escape(post['id'])}</code>"]
    if pinned:
        meta.insert(0, "📌 pinned")
    if post["reply_to"]:
        meta.append(f"reply to <code>{escape(post['reply_to'])}</code>")
    if post["edits"]:
        meta.append(f"edited {len(post['edits'])}×")
    if post["deleted"]:
        meta.append("deleted")
    anchor = "" if pinned else f' id="{escape(platform)}-{escape(post["id"])}"'
    return f'<div class="{classes}"{anchor}>{escape(post["text"])}<div class="meta">{" · ".join(meta)}</div></div>'
