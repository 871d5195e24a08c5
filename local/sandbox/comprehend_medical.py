"""Amazon Comprehend Medical's `DetectPHI`, as the sandbox's stand-in (moto has no Comprehend Medical).

It is not a model: it reports the phrases it was told to find, every occurrence, with the offsets
and in the JSON shape DetectPHI answers with, so Clarion's client (request, signing, parsing,
errors) runs over real HTTP. Tell it what to find, and how to answer:

    POST /_sandbox/comprehend-medical  {"entities": [{"type": "NAME", "text": "Priya Natarajan", "score": 0.97}],
                                        "mode": "ok"}
    DELETE /_sandbox/comprehend-medical   (finds nothing, answers "ok")

Modes: "ok"; "throttled" (ThrottlingException, as AWS answers over its rate); "denied"
(AccessDeniedException: the role lacks comprehendmedical:DetectPHI); "malformed" (an answer in
another shape). The texts it was sent are kept (GET), so a test can see what left Clarion.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, request

MODES = ("ok", "throttled", "denied", "malformed")
TYPES = ("NAME", "AGE", "ADDRESS", "EMAIL", "ID", "PHONE_OR_FAX", "URL", "DATE", "PROFESSION")
TARGET = "ComprehendMedical_20181030.DetectPHI"


@dataclass
class StandIn:
    entities: list[dict[str, Any]] = field(default_factory=list)
    mode: str = "ok"
    texts: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(self, body: Any) -> str | None:
        """None, or what is wrong with the body."""
        if not isinstance(body, dict) or not set(body) <= {"entities", "mode"}:
            return 'send {"entities": [{"type": ..., "text": ..., "score": ...}], "mode": ...}'
        mode = body.get("mode", "ok")
        entities = body.get("entities", [])
        if mode not in MODES:
            return f"mode is one of {', '.join(MODES)}"
        if not isinstance(entities, list) or not all(
                isinstance(e, dict) and e.get("type") in TYPES and isinstance(e.get("text"), str) and e["text"]
                and isinstance(e.get("score", 0.9), int | float) for e in entities):
            return f"each entity has a type ({', '.join(TYPES)}), a text and a score"
        with self.lock:
            self.entities, self.mode = entities, mode
        return None

    def clear(self) -> None:
        with self.lock:
            self.entities, self.mode, self.texts = [], "ok", []

    def answer(self, text: str) -> dict[str, Any]:
        found = []
        for entity in self.entities:
            start = text.find(entity["text"])
            while start >= 0:
                end = start + len(entity["text"])
                found.append({"Id": len(found), "BeginOffset": start, "EndOffset": end,
                              "Score": float(entity.get("score", 0.9)), "Text": entity["text"],
                              "Category": "PROTECTED_HEALTH_INFORMATION", "Type": entity["type"], "Traits": []})
                start = text.find(entity["text"], end)
        return {"Entities": sorted(found, key=lambda e: e["BeginOffset"]), "ModelVersion": "sandbox"}


def _error(kind: str, message: str) -> Response:
    return Response(json.dumps({"__type": kind, "message": message}), status=400,
                    mimetype="application/x-amz-json-1.1", headers={"x-amzn-ErrorType": kind})


def blueprint(stand_in: StandIn) -> Blueprint:
    bp = Blueprint("comprehendmedical", __name__)

    @bp.post("/comprehendmedical")
    def detect_phi() -> Response:
        if request.headers.get("X-Amz-Target") != TARGET:
            return _error("UnknownOperationException", "the stand-in answers DetectPHI only")
        body = request.get_json(force=True, silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("Text"), str) or not body["Text"]:
            return _error("ValidationException", "Text is required")
        if len(body["Text"].encode("utf-8")) > 20_000:
            return _error("TextSizeLimitExceededException", "Text is longer than 20000 bytes")
        with stand_in.lock:
            stand_in.texts.append(body["Text"])
            mode = stand_in.mode
        if mode == "throttled":
            return _error("ThrottlingException", "Rate exceeded")
        if mode == "denied":
            return _error("AccessDeniedException", "not authorized to perform: comprehendmedical:DetectPHI")
        answer: Any = {"Things": []} if mode == "malformed" else stand_in.answer(body["Text"])
        return Response(json.dumps(answer), mimetype="application/x-amz-json-1.1")

    @bp.get("/_sandbox/comprehend-medical")
    def state() -> Response:
        with stand_in.lock:
            return Response(json.dumps({"entities": stand_in.entities, "mode": stand_in.mode,
                                        "texts": stand_in.texts}), mimetype="application/json")

    @bp.post("/_sandbox/comprehend-medical")
    def configure() -> Response:
        problem = stand_in.configure(request.get_json(silent=True))
        if problem:
            return Response(json.dumps({"error": problem}), status=400, mimetype="application/json")
        return Response(json.dumps({"ok": True}), mimetype="application/json")

    @bp.delete("/_sandbox/comprehend-medical")
    def clear() -> Response:
        stand_in.clear()
        return Response(json.dumps({"ok": True}), mimetype="application/json")

    return bp
