"""The patient-data screen over the labelled corpus (tests/phi_corpus/): floors on recall and false
positives, per identifier class and language, and on the screening time (bench/phi_bench.py prints
the same figures). The floors sit just under what the screen achieves, so a regression fails here."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "phi_corpus"))

import make_corpus  # noqa: E402
import phi_bench  # noqa: E402

LANGUAGES = {"en", "es", "fr", "de"}
# Floors (issue 15's goals: recall >= 98 %, false positives <= 2 %, median <= 20 ms per advisory).
RECALL, FALSE_POSITIVES, CLASS_RECALL, MEDIAN_MS = 0.98, 0.02, 0.90, 20.0
# The hand-written sets (other words than the generator's; first runs 76.2 % and, for the one written
# from the definitions by someone who never read the code, 71.2 % recall): lower floors.
HOLDOUT_RECALL, HOLDOUT_FALSE_POSITIVES = 0.90, 0.05


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return phi_bench.evaluate(timing=False)


def test_the_corpus_is_what_the_generator_writes_and_covers_every_class_language_and_field() -> None:
    records = [json.loads(line) for line in phi_bench.CORPUS.read_text(encoding="utf-8").splitlines()]
    assert records == json.loads(json.dumps(make_corpus.build(), ensure_ascii=False))  # regenerate: make_corpus.py
    assert len(records) >= 200 and sum(r["phi"] for r in records) == len(records) // 2
    assert {r["language"] for r in records} == LANGUAGES
    labels = [label for r in records for label in r["labels"]]
    assert {label["class"] for label in labels} == set(make_corpus.CLASSES)
    fields = {label["field"].split(".")[0] for label in labels}
    assert {"headline", "description", "instruction", "required_text", "area_desc", "contact", "web", "hashtags",
            "translations"} <= fields
    traps = {t for r in records for t in r.get("traps", [])}
    assert {"ndc", "clia", "lot", "icd", "hotline", "official"} <= traps
    assert all(r["labels"] for r in records if r["phi"]) and not any(r["labels"] for r in records if not r["phi"])


def test_recall_and_false_positives_overall(result: dict[str, Any]) -> None:
    assert result["recall"] >= RECALL, phi_bench.report(result, "corpus")
    assert result["advisory_recall"] >= RECALL
    assert result["false_positive_rate"] <= FALSE_POSITIVES, result["false_positives"]


@pytest.mark.parametrize("cls", make_corpus.CLASSES)
def test_recall_per_identifier_class(result: dict[str, Any], cls: str) -> None:
    row = result["by_class"][cls]
    assert row["labels"] >= 6
    assert row["recall"] >= CLASS_RECALL, [m for m in result["misses"] if m["class"] == cls]
    assert row["false_positive_rate"] <= FALSE_POSITIVES


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_recall_and_false_positives_per_language(result: dict[str, Any], language: str) -> None:
    row = result["by_language"][language]
    assert row["recall"] >= RECALL and row["advisory_recall"] >= RECALL
    assert row["false_positive_rate"] <= FALSE_POSITIVES


@pytest.mark.parametrize("path", [phi_bench.HOLDOUT, phi_bench.HOLDOUT2], ids=["holdout", "holdout2"])
def test_the_hand_written_held_out_sets(path: Path) -> None:
    held_out = phi_bench.evaluate(*phi_bench.load(path), timing=False)
    assert held_out["advisories"] >= 60 and {*held_out["by_language"]} == LANGUAGES
    assert held_out["recall"] >= HOLDOUT_RECALL, held_out["misses"]
    assert held_out["false_positive_rate"] <= HOLDOUT_FALSE_POSITIVES, held_out["false_positives"]


@pytest.mark.parametrize("path,recall", [(phi_bench.HOLDOUT3, 0.90), (phi_bench.HOLDOUT4, 0.92),
                                         (phi_bench.HOLDOUT5, 0.85)], ids=["holdout3", "holdout4", "holdout5"])
def test_the_sets_written_after_the_screen(path: Path, recall: float) -> None:
    """First runs, each before the screen was changed for it: holdout3 recall 72.3 % of identifiers,
    97.5 % of advisories blocked, 15 % false positives; holdout4 (after the work on holdout3's
    misses) 85.4 %, 100 %, 7.5 %; holdout5 (after holdout4's) 76.3 %, 100 %, 15 %. All were worked on
    after their first runs; the floors keep what that work reached."""
    result = phi_bench.evaluate(*phi_bench.load(path), timing=False)
    assert result["advisories"] == 80 and {*result["by_language"]} == LANGUAGES
    assert result["recall"] >= recall and result["advisory_recall"] >= 0.98, result["misses"]
    assert result["false_positive_rate"] <= 0.02, result["false_positives"]


def test_the_set_never_worked_on() -> None:
    """holdout6: written after all the work above and never worked on, so its figures are what the
    screen does on text it has not seen (82.6 % of identifiers, every advisory with patient data
    blocked, 5 % false positives): the floors keep them from getting worse unnoticed."""
    result = phi_bench.evaluate(*phi_bench.load(phi_bench.HOLDOUT6), timing=False)
    assert result["advisories"] == 80 and {*result["by_language"]} == LANGUAGES
    assert result["recall"] >= 0.80 and result["advisory_recall"] >= 0.975, result["misses"]
    assert result["false_positive_rate"] <= 0.05, result["false_positives"]


# What each detector added after the independent set's first run (recall 71.2 %) showed its gap,
# in sentences of other words than the set's.
@pytest.mark.parametrize("text,cls,span", [
    ("The patient, who lives in SW1A 2AA, is recovering.", "address", "SW1A 2AA"),
    ("Le cas concerne une habitante du 69003 qui va mieux.", "address", "69003"),
    ("Die Patientin wohnt in 50667 Köln.", "address", "50667"),
    ("The case reference for the patient is 2026-448812.", "other_id", "2026-448812"),
    ("Friends shared #PrayForDerekOwens after the crash.", "name", "#PrayForDerekOwens"),
    ("Los vecinos apoyan con #ÁnimoNuriaSolís.", "name", "#ÁnimoNuriaSolís"),
    ("The cook, Omar Haddad, last worked on Friday.", "name", "Omar Haddad"),
    ("Omar Haddad was seen at the clinic on 12 March 2026 with a fever.", "date", "12 March 2026"),
    ("The pump, serial SN-88213-X, used by Ruth Castle, failed.", "device", "SN-88213-X"),
    ("Results: https://labs.example.com/patient/rcastle1950/summary", "url", "rcastle1950"),
    ("Su póliza es la 55-118274-9.", "health_plan", "55-118274-9"),
    ("Ein Arzt (LANR 123456789) ist erkrankt.", "license", "123456789"),
])
def test_detectors_added_for_the_independent_set(text: str, cls: str, span: str) -> None:
    from chalicelib.domain.phi import scan
    from chalicelib.settings import environment_settings

    found = [(f.identifier, text[f.start or 0:f.end or 0]) for f in scan([("description", text)],
                                                                         environment_settings()) if f.blocking]
    assert (cls, span) in found, found


@pytest.mark.parametrize("text", [
    "Outbreak reference 2024-40-017 covers 12 cases in the county.",
    "Join #TeamHealth and #SpringFlood volunteers at the library, 14 Mill Road, SW1A 1AA.",
    "Residents of 90210 can collect water at the fire station on 3 May.",
    "Dr. Amelia Chen, the county health officer, said on 4 June that cases are falling.",
    "Batch 4471-22-9087 of the vaccine was recalled; patients need not act.",
])
def test_public_numbers_and_places_are_not_blocked(text: str) -> None:
    from chalicelib.domain.phi import scan
    from chalicelib.settings import environment_settings

    blocking = [(f.identifier, text[f.start or 0:f.end or 0]) for f in scan([("description", text)],
                                                                            environment_settings()) if f.blocking]
    assert blocking == []


def test_screening_time(result: dict[str, Any]) -> None:
    assert result["median_ms"] <= MEDIAN_MS


def test_the_floors_catch_a_screen_that_misses(monkeypatch: pytest.MonkeyPatch) -> None:
    """A screen that finds no names or dates falls below the floors: the test above can fail."""
    from chalicelib.domain import phi_detect

    real = phi_detect.detect
    monkeypatch.setattr(phi_detect, "detect", lambda text, ctx: [h for h in real(text, ctx)
                                                                 if h.cls not in ("name", "date")])
    crippled = phi_bench.evaluate(timing=False)
    assert crippled["recall"] < RECALL and crippled["by_class"]["name"]["recall"] < CLASS_RECALL


def test_the_census_name_lists_are_what_the_script_writes() -> None:
    import subprocess

    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "census_names.py"), "--check"],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
