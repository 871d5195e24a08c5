"""Would a learned context model help the patient-data screen? A CRF name tagger, measured.

    .venv/bin/python bench/phi_model_bench.py [--sets holdout15,...,holdout20] [--thresholds 0.9,0.5]

No pretrained named-entity model for English, Spanish, French and German installs from the
registries here (see the README), so this trains the one kind that does: a linear-chain CRF
(python-crfsuite) over the hand-written labelled sets of tests/phi_corpus/, with the usual
features (word, shape, affixes, the words around it, the census name lists, and the screen's own
cue words -- titles, official roles, relatives, patients, places -- in a window before and after).
For each set it trains on every *other* hand-written set (leave one set out: the tagger never sees
the set it is measured on) and prints

- the tagger alone: recall of labelled names, and clean advisories in which it finds a name;
- the screen with the tagger's names added (a name the tagger is at least `threshold` sure of,
  not where the screen's rules say an official, a member of staff, a street or a building is
  named): recall of every identifier, of names, and the false-positive rate, next to the screen
  alone. The screen's own figures are honest only on the sets it was not worked on (the newest).

It is a measurement, not a product path: the screen does not load the tagger (README, issue 15).
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pycrfsuite

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import phi_bench  # noqa: E402
from chalicelib.domain import phi  # noqa: E402
from chalicelib.domain import phi_detect as detect  # noqa: E402
from chalicelib.domain import phi_lexicon as lex  # noqa: E402
from chalicelib.domain.screening import Finding  # noqa: E402

SETS = ROOT / "tests" / "phi_corpus"
FIELDS = ("headline", "description", "instruction", "contact", "area_desc")
TOKEN = re.compile(r"\w+(?:['’\-.]\w+)*|[^\w\s]")
CUES = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in {
    "title": lex.TITLES, "prof": lex.PROFESSIONAL_TITLES, "official": lex.OFFICIAL_WORDS,
    "patient": lex.PATIENT_WORDS, "relative": lex.RELATIVES, "role": lex.PERSON_ROLES,
    "place": f"{lex.PLACE_NOUNS}|{lex.VENUE_WORDS}", "month": lex.MONTHS}.items()}
Token = tuple[str, int, int]


def tokens(text: str) -> list[Token]:
    return [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]


def shape(word: str) -> str:
    word = re.sub(r"[^\W\d_]", lambda m: "X" if m.group().isupper() else "x", word)
    return re.sub(r"(.)\1+", r"\1\1", re.sub(r"\d", "d", word))


def word_features(word: str, full: bool) -> list[str]:
    folded = detect._fold(word)
    given, surnames = detect.census_names()
    out = [f"shape={shape(word)}"]
    out += [flag for flag, on in (("cap", word[:1].isupper()), ("given", folded in detect.GIVEN or folded in given),
                                  ("surname", folded in surnames), ("notname", folded in detect.NOT_NAMES)) if on]
    if full:
        out += [f"low={word.lower()}", f"pre3={word[:3].lower()}", f"suf3={word[-3:].lower()}",
                f"suf2={word[-2:].lower()}"]
    return out


def features(toks: list[Token], language: str) -> list[list[str]]:
    cues = [[name for name, rx in CUES.items() if rx.fullmatch(word)] for word, _, _ in toks]
    rows = []
    for i, (word, _, _) in enumerate(toks):
        row = word_features(word, True) + [f"cue={c}" for c in cues[i]] + [f"lang={language}"]
        if i == 0 or toks[i - 1][0] in ".!?:;\"“«(":
            row.append("start")
        row += sorted({f"left:{c}" for j in range(max(0, i - 6), i) for c in cues[j]})
        row += sorted({f"right:{c}" for j in range(i + 1, min(len(toks), i + 5)) for c in cues[j]})
        for d in (-2, -1, 1, 2):
            if 0 <= i + d < len(toks):
                near = toks[i + d][0]
                row += [f"{d}:low={near.lower()}", f"{d}:shape={shape(near)}"]
                if abs(d) == 1:
                    row += [f"{d}:{f}" for f in word_features(near, False)] + [f"{d}:cue={c}" for c in cues[i + d]]
            else:
                row.append(f"{d}:edge")
        rows.append(row)
    return rows


def name_tags(toks: list[Token], text: str, labels: list[dict[str, Any]]) -> list[str]:
    tags = ["O"] * len(toks)
    for label in labels:
        if label["class"] != "name":
            continue
        for m in re.finditer(re.escape(label["text"]), text):
            inside = [k for k, (_, s, e) in enumerate(toks) if s < m.end() and m.start() < e]
            for n, k in enumerate(inside):
                tags[k] = "B" if n == 0 else "I"
    return tags


def sequences(records: list[dict[str, Any]]) -> Iterator[tuple[list[list[str]], list[str]]]:
    for record in records:
        for field in FIELDS:
            text = record["advisory"].get(field) or ""
            toks = tokens(text)
            if toks:
                labels = [lab for lab in record["labels"] if lab["field"] == field]
                yield features(toks, record["language"]), name_tags(toks, text, labels)


def train(held_out: str, path: Path) -> float:
    trainer = pycrfsuite.Trainer(verbose=False)
    for source in sorted(SETS.glob("holdout*.jsonl")):
        if source.stem != held_out:
            for xs, ys in sequences(phi_bench.load(source)[0]):
                trainer.append(xs, ys)
    trainer.set_params({"c1": 0.1, "c2": 0.05, "max_iterations": 150, "feature.possible_transitions": True})
    started = time.perf_counter()
    trainer.train(str(path))
    return time.perf_counter() - started


def tagged_names(tagger: pycrfsuite.Tagger, text: str, language: str) -> list[tuple[int, int, float]]:
    """(start, end, confidence): each name the tagger reads, with its least sure token's probability."""
    toks = tokens(text)
    if not toks:
        return []
    tags = tagger.tag(features(toks, language))
    out: list[tuple[int, int, float]] = []
    for k, tag in enumerate(tags):
        p = tagger.marginal(tag, k)
        if tag == "B" or (tag == "I" and not out):
            out.append((toks[k][1], toks[k][2], p))
        elif tag == "I":
            s, _, q = out[-1]
            out[-1] = (s, toks[k][2], min(p, q))
    return out


def not_a_private_person(text: str, start: int, end: int) -> bool:
    """What the screen's rules already know is no private person: an official, staff, a street,
    a building or a company named like one."""
    s, e = detect.sentence_of(detect.sentences(text), start)
    before, after = text[max(s, start - 50):start], text[end:e]
    return bool(detect.OFFICIAL.search(text[max(s, start - 50):min(e, end + 60)]) or detect.STAFF.search(before[-14:])
                or detect.ROLE_BEFORE.search(before[-40:]) or detect.ROLE_AFTER.match(after)
                or detect.STREET_BEFORE.search(before[-25:]) or detect.PLACE_BEFORE.search(before[-25:])
                or detect.COMPANY_AFTER.match(after) or detect.PLACE_AFTER.match(after) or after[:1].isalnum()
                or detect.VENUE.search(text[start:end])
                or any(a <= start and end <= b for a, b in (m.span() for m in detect.ADDRESS.finditer(text))))


def with_tagger(tagger: pycrfsuite.Tagger, languages: dict[str, str], threshold: float) -> Callable[..., Any]:
    screen = phi.screen_advisory

    def screened(advisory: Any, settings: Any, now: Any) -> list[Finding]:
        found = screen(advisory, settings, now)
        for field in FIELDS:
            text = getattr(advisory.content, field) or ""
            for start, end, p in tagged_names(tagger, text, languages[advisory.id]):
                covered = any(f.field == field and f.blocking and f.start is not None and f.end is not None
                              and f.start < end and start < f.end for f in found)
                if p >= threshold and not covered and not not_a_private_person(text, start, end):
                    found.append(Finding(code="phi_name", identifier="name", field=field, start=start, end=end,
                                         blocking=True, message="a name the tagger reads"))
        return found
    return screened


def measure(held_out: str, thresholds: list[float], workdir: Path) -> list[str]:
    path = workdir / f"{held_out}.crf"
    seconds = train(held_out, path)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    records, orgs = phi_bench.load(SETS / f"{held_out}.jsonl")
    names = found = clean_flagged = 0
    times = []
    for record in records:
        started = time.perf_counter()
        per_field = {f: tagged_names(tagger, record["advisory"].get(f) or "", record["language"]) for f in FIELDS}
        times.append(time.perf_counter() - started)
        if not record["phi"]:
            clean_flagged += any(per_field.values())
            continue
        for label in record["labels"]:
            if label["class"] == "name" and label["field"] in FIELDS:
                text = record["advisory"][label["field"]]
                s = text.find(label["text"])
                names += 1
                found += any(a < s + len(label["text"]) and s < b for a, b, _ in per_field[label["field"]])
    clean = sum(not r["phi"] for r in records)
    lines = [f"{held_out}: trained in {seconds:.0f} s; tagger alone: names {found / names:6.1%} of {names}, "
             f"clean advisories with a name {clean_flagged / clean:5.1%}; median {statistics.median(times) * 1e3:.1f} ms "
             f"per advisory"]
    languages = {f"adv_{r['id']}": r["language"] for r in records}
    screen = phi.screen_advisory
    for threshold in [float("inf"), *thresholds]:
        if threshold != float("inf"):
            phi.screen_advisory = with_tagger(tagger, languages, threshold)
        try:
            result = phi_bench.evaluate(records, orgs, timing=False)
        finally:
            phi.screen_advisory = screen
        what = "screen alone          " if threshold == float("inf") else f"screen + tagger >= {threshold:.2f}"
        lines.append(f"    {what}: recall {result['recall']:6.1%}, names {result['by_class']['name']['recall']:6.1%}, "
                     f"false positives {result['false_positive_rate']:5.1%}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="holdout15,holdout16,holdout17,holdout18,holdout19,holdout20")
    parser.add_argument("--thresholds", default="0.9,0.5")
    args = parser.parse_args(argv)
    thresholds = [float(t) for t in args.thresholds.split(",")]
    with tempfile.TemporaryDirectory() as workdir:
        for held_out in args.sets.split(","):
            print("\n".join(measure(held_out, thresholds, Path(workdir))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
