"""The owned feeds: each advisory as an OASIS CAP 1.2 document, and an Atom feed of active alerts."""
from __future__ import annotations

import re
from datetime import datetime, UTC
from typing import Any
from collections.abc import Sequence

from chalicelib.domain.models import Advisory
from chalicelib.domain.org import OrgSettings

CAP_REQUIRED = ("event", "urgency", "severity", "certainty", "area_desc")
# Every character XML 1.0 cannot carry. Validation refuses them at the door; the writers drop any
# that got past it anyway (an old record, a new code path), so a feed is always well-formed.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(document: str) -> str:
    return NOT_XML.sub("", document)


def cap_time(moment: datetime | None) -> str:
    """CAP's dateTime: seconds precision and an explicit offset ("Z" is not allowed)."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def atom_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sent_time(advisory: Advisory) -> datetime:
    return advisory.approval.at if advisory.approval else advisory.created_at


def missing_cap_fields(advisory: Advisory) -> list[str]:
    return [name for name in CAP_REQUIRED if getattr(advisory.content, name) in (None, "")]


def _info(advisory: Advisory, language: str, text: Any, settings: OrgSettings) -> dict[str, Any]:
    content = advisory.content
    instruction = "\n\n".join(t for t in (text.instruction, text.required_text) if t)
    return {
        "language": language, "category": [c.value for c in content.category],
        "event": content.event, "response_type": [r.value for r in content.response_type],
        "urgency": content.urgency.value if content.urgency else "Unknown",
        "severity": content.severity.value if content.severity else "Unknown",
        "certainty": content.certainty.value if content.certainty else "Unknown",
        "effective": cap_time(content.effective) if content.effective else None,
        "expires": cap_time(content.expires) if content.expires else None,
        "sender_name": settings.sender_name, "headline": text.headline,
        "description": text.description, "instruction": instruction,
        "web": str(content.web) if content.web else None, "contact": content.contact,
        "area_desc": content.area_desc,
    }


def cap_xml(advisory: Advisory, referenced: Sequence[Advisory], settings: OrgSettings) -> str:
    """The CAP 1.2 alert; an Update or Cancel names the alerts it follows in `references`."""
    from chalicelib.rendering.view import environment

    content = advisory.content
    infos = [_info(advisory, content.language, content, settings)]
    infos += [_info(advisory, lang, text, settings) for lang, text in content.translations.items()]
    cap = {
        "identifier": advisory.id, "sender": settings.sender, "sent": cap_time(sent_time(advisory)),
        "status": content.status.value, "msg_type": advisory.msg_type.value,
        "note": "This is a drill." if content.status.is_drill else None,
        "references": " ".join(f"{settings.sender},{r.id},{cap_time(sent_time(r))}" for r in referenced),
        "infos": infos,
    }
    return xml_safe(environment().get_template("feeds/cap.xml.j2").render(cap=cap))


def atom_feed(active: Sequence[Advisory], settings: OrgSettings, now: datetime | None = None) -> str:
    from chalicelib.rendering.view import environment

    now = now or datetime.now(UTC)
    base = settings.public_base_url
    entries = [{
        "id": f"urn:clarion:{settings.sender}:{a.id}", "title": a.content.headline,
        "updated": atom_time(a.updated_at), "published": atom_time(sent_time(a)),
        "cap_url": f"{base}/feeds/cap/{a.id}.xml", "web": str(a.content.web) if a.content.web else None,
        "severity": a.content.severity.value if a.content.severity else "Unknown",
        "summary": a.content.description or a.content.instruction,
    } for a in active]
    updated = max([a.updated_at for a in active], default=now)
    feed = {"id": f"urn:clarion:{settings.sender}:active-alerts", "title": f"{settings.sender_name}: active alerts",
            "updated": atom_time(updated), "author": settings.sender_name, "language": "en",
            "self_url": f"{base}/feeds/cap.atom", "entries": entries}
    return xml_safe(environment().get_template("feeds/cap.atom.j2").render(feed=feed))
