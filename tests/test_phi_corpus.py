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


@pytest.mark.parametrize("path,recall", [(phi_bench.HOLDOUT3, 0.95), (phi_bench.HOLDOUT4, 0.98),
                                         (phi_bench.HOLDOUT5, 0.92)], ids=["holdout3", "holdout4", "holdout5"])
def test_the_sets_written_after_the_screen(path: Path, recall: float) -> None:
    """First runs, each before the screen was changed for it: holdout3 recall 72.3 % of identifiers,
    97.5 % of advisories blocked, 15 % false positives; holdout4 (after the work on holdout3's
    misses) 85.4 %, 100 %, 7.5 %; holdout5 (after holdout4's) 76.3 %, 100 %, 15 %. All were worked on
    after their first runs; the floors keep what that work reached."""
    result = phi_bench.evaluate(*phi_bench.load(path), timing=False)
    assert result["advisories"] == 80 and {*result["by_language"]} == LANGUAGES
    assert result["recall"] >= recall and result["advisory_recall"] >= 0.98, result["misses"]
    assert result["false_positive_rate"] <= 0.02, result["false_positives"]


@pytest.mark.parametrize("path,recall,advisories,false_positives", [
    (phi_bench.HOLDOUT6, 0.95, 1.0, 0.0), (phi_bench.HOLDOUT7, 0.95, 1.0, 0.0),
    (phi_bench.HOLDOUT8, 0.97, 1.0, 0.025), (phi_bench.HOLDOUT9, 0.94, 1.0, 0.0),
    (phi_bench.HOLDOUT10, 0.98, 1.0, 0.0), (phi_bench.HOLDOUT11, 0.97, 1.0, 0.0),
    (phi_bench.HOLDOUT12, 0.94, 1.0, 0.0), (phi_bench.HOLDOUT13, 0.93, 1.0, 0.0),
    (phi_bench.HOLDOUT14, 0.95, 1.0, 0.0), (phi_bench.HOLDOUT15, 0.83, 1.0, 0.0),
    (phi_bench.HOLDOUT16, 0.88, 0.975, 0.0), (phi_bench.HOLDOUT17, 0.92, 1.0, 0.0),
    (phi_bench.HOLDOUT18, 0.88, 1.0, 0.0), (phi_bench.HOLDOUT19, 0.92, 1.0, 0.025),
    (phi_bench.HOLDOUT20, 0.97, 1.0, 0.0), (phi_bench.HOLDOUT21, 0.97, 1.0, 0.0),
    (phi_bench.HOLDOUT22, 0.95, 1.0, 0.0), (phi_bench.HOLDOUT23, 0.95, 1.0, 0.0),
    (phi_bench.HOLDOUT24, 0.98, 1.0, 0.0), (phi_bench.HOLDOUT25, 0.96, 1.0, 0.0),
    (phi_bench.HOLDOUT26, 0.97, 1.0, 0.0), (phi_bench.HOLDOUT27, 0.96, 1.0, 0.0),
    (phi_bench.HOLDOUT28, 0.97, 1.0, 0.0), (phi_bench.HOLDOUT29, 0.98, 1.0, 0.0),
    (phi_bench.HOLDOUT30, 0.96, 1.0, 0.0), (phi_bench.HOLDOUT31, 0.91, 0.975, 0.0),
    (phi_bench.HOLDOUT32, 0.95, 1.0, 0.0), (phi_bench.HOLDOUT33, 0.88, 1.0, 0.0),
    (phi_bench.HOLDOUT34, 0.98, 1.0, 0.0), (phi_bench.HOLDOUT35, 0.99, 1.0, 0.0),
    (phi_bench.HOLDOUT36, 0.98, 1.0, 0.0), (phi_bench.HOLDOUT37, 0.97, 1.0, 0.0),
    (phi_bench.HOLDOUT38, 0.85, 0.95, 0.0), (phi_bench.HOLDOUT39, 0.97, 1.0, 0.0),
    (phi_bench.HOLDOUT40, 0.99, 1.0, 0.0), (phi_bench.HOLDOUT41, 0.99, 1.0, 0.0),
    (phi_bench.HOLDOUT42, 0.99, 1.0, 0.0), (phi_bench.HOLDOUT43, 0.98, 1.0, 0.0),
    (phi_bench.HOLDOUT44, 0.99, 1.0, 0.0), (phi_bench.HOLDOUT45, 0.99, 1.0, 0.0),
    (phi_bench.HOLDOUT46, 0.99, 1.0, 0.0), (phi_bench.HOLDOUT47, 0.98, 1.0, 0.025),
    (phi_bench.HOLDOUT48, 0.99, 1.0, 0.0), (phi_bench.HOLDOUT49, 0.99, 1.0, 0.0), (phi_bench.HOLDOUT50, 0.99, 1.0, 0.0),
    (phi_bench.HOLDOUT51, 0.99, 1.0, 0.0), (phi_bench.HOLDOUT52, 0.96, 1.0, 0.0), (phi_bench.HOLDOUT53, 0.93, 1.0, 0.0),
    (phi_bench.HOLDOUT54, 0.98, 1.0, 0.0), (phi_bench.HOLDOUT55, 0.97, 1.0, 0.0), (phi_bench.HOLDOUT56, 0.88, 1.0, 0.0),
    (phi_bench.HOLDOUT57, 0.93, 1.0, 0.0), (phi_bench.HOLDOUT58, 0.91, 0.975, 0.025),
    (phi_bench.HOLDOUT59, 0.92, 0.975, 0.0), (phi_bench.HOLDOUT60, 0.93, 1.0, 0.025),
    (phi_bench.HOLDOUT61, 0.87, 1.0, 0.0), (phi_bench.HOLDOUT62, 0.92, 1.0, 0.025),
    (phi_bench.HOLDOUT63, 0.96, 1.0, 0.0), (phi_bench.HOLDOUT64, 0.89, 1.0, 0.0),
    (phi_bench.HOLDOUT65, 0.95, 0.975, 0.05), (phi_bench.HOLDOUT66, 0.88, 0.975, 0.0),
    (phi_bench.HOLDOUT67, 0.94, 1.0, 0.0), (phi_bench.HOLDOUT68, 0.94, 1.0, 0.0),
    (phi_bench.HOLDOUT69, 0.93, 0.975, 0.0), (phi_bench.HOLDOUT70, 0.95, 1.0, 0.0),
    (phi_bench.HOLDOUT71, 0.97, 1.0, 0.0)],
    ids=["holdout6", "holdout7", "holdout8", "holdout9", "holdout10", "holdout11", "holdout12", "holdout13",
         "holdout14", "holdout15", "holdout16", "holdout17", "holdout18", "holdout19", "holdout20", "holdout21",
         "holdout22", "holdout23", "holdout24", "holdout25", "holdout26", "holdout27",
         "holdout28", "holdout29", "holdout30",
         "holdout31", "holdout32", "holdout33", "holdout34", "holdout35", "holdout36",
         "holdout37", "holdout38", "holdout39", "holdout40", "holdout41", "holdout42", "holdout43",
         "holdout44", "holdout45", "holdout46", "holdout47", "holdout48", "holdout49", "holdout50",
         "holdout51", "holdout52", "holdout53", "holdout54", "holdout55", "holdout56", "holdout57", "holdout58",
         "holdout59", "holdout60", "holdout61", "holdout62", "holdout63", "holdout64", "holdout65", "holdout66",
         "holdout67", "holdout68", "holdout69", "holdout70", "holdout71"])
def test_the_later_sets(path: Path, recall: float, advisories: float, false_positives: float) -> None:
    """First runs, before any work on them: holdout6 82.6 % of identifiers, 100 % of advisories
    blocked, 5 % false positives; holdout7 (another hand, same state) 74.8 %, 95 %, 7.5 %; holdout8
    (written during the work on those two, measured before any work on it) 88.2 %, 95 %, 5 %;
    holdout9 (after all that) 86.2 %, 100 %, 7.5 %; holdout10 (after the work on holdout9) 93.5 %, 100 %,
    15 %; holdout11 (during the work on holdout10) 88.7 %, 100 %, 15 %; holdout12 (during the work on
    holdout11) 86.8 %, 95 %, 12.5 %; holdout13 (before the work on holdout12) 75.0 %, 97.5 %, 15 %;
    holdout14 (written then, measured after the work on 12 and 13) 84.1 %, 100 %, 7.5 %; holdout15 (during
    the work on holdout14) 73.8 %, 95 %, 12.5 %; holdout16 (during the work on holdout15) 81.3 %, 97.5 %,
    10 %; holdout17 (during the work on holdout16) 82.6 %, 100 %, 12.5 %; holdout18 (during the work on
    holdout17) 80.3 %, 100 %, 15 %; holdout19 (during the work on holdout18) 79.2 %, 97.5 %, 15 %; holdout20
    (before the work on holdout19) 86.6 %, 100 %, 5 %; holdout21 (during the work on holdout19 and 20, measured
    after it) 88.9 %, 95 %, 12.5 %; holdout22 (during the work on holdout21) 89.0 %, 97.5 %, 5 %; holdout23
    (during the work on holdout22) 90.1 %, 100 %, 5 %; holdout24 (during the work on holdout23) 90.4 %, 100 %,
    7.5 %; holdout25 (during the work on holdout24) 90.0 %, 97.5 %, 7.5 %; holdout26 (during the work on
    holdout25) 91.6 %, 97.5 %, 15 %; holdout27 (another hand, during the work on holdout26) 86.0 %, 100 %,
    7.5 %; holdout28 (another hand, during the work on holdout27) 87.6 %, 100 %, 10 %; holdout29 (another hand,
    during the work on holdout28) 92.2 %, 100 %, 5 %; holdout30 (another hand, during the work on holdout29) 83.0 %,
    95 %, 15 %; holdout31 (another hand, during the work on holdout30) 83.3 %, 95 %, 15 %; holdout32 (another hand,
    during the work on holdout31) 92.3 %, 100 %, 10 %; holdout33 (another hand, during the work on holdout32)
    81.3 %, 95 %, 10 %; holdout34 (another hand, during the work on holdout33) 89.1 %, 97.5 %, 2.5 %; holdout35
    (another hand, during the work on holdout34) 83.8 %, 95 %, 17.5 %; holdout36 (another hand, during the work on
    holdout35) 86.2 %, 100 %, 10 %; holdout37 (another hand, during the work on holdout36) 88.8 %, 97.5 %,
    2.5 %; holdout38 (another hand, during the work on holdout37) 85.7 %, 95 %, 17.5 % (only its false
    positives worked on); holdout39 (another hand, during the work on holdout38) 87.5 %, 97.5 %, 15 %;
    holdout40 (another hand, during the work on holdout39) 77.3 %, 97.5 %, 0 %; holdout41 (another hand,
    during the work on holdout40) 75.6 %, 90 %, 2.5 %; holdout42 (another hand, during the work on holdout41)
    93.6 %, 100 %, 5 %; holdout43 (another hand, during the work on holdout42) 91.1 %, 100 %, 0 %; holdout44
    (another hand, during the work on holdout43) 93.4 %, 100 %, 0 %; holdout45-47 (three hands, during and
    after the work on holdout44) 98.9, 95.3, 94.1 %, 100 %, 0 / 0 / 2.5 %; holdout48-50 (three hands, during
    the work on holdout45-47) 94.4, 95.1, 95.2 %, 100 %, 0 / 2.5 / 7.5 %; holdout51-53 (three hands asked for
    more hidden data, during the work on holdout48-50) 88.5, 85.4, 80.6 %, 100 / 100 / 95 %, 2.5 / 0 / 2.5 %;
    holdout54-56 (three more such hands, during the work on holdout51-53) 92.0, 89.7, 82.6 %, 100 / 95 / 100 %,
    0 / 2.5 / 0 %; holdout57-59 (three more such hands, told that a person's town is an address too, never worked
    on until the next session) 91.0, 85.7, 82.0 %, 100 / 97.5 / 95 %, 2.5 / 5 / 0 %; holdout60-62 (three hands asked
    for towns, relative dates and record rows, never worked on until the session after) 79.9, 71.9, 78.6 %, 100 /
    97.5 / 95 %, 2.5 / 0 / 2.5 %; holdout63-65 (three hands on their own themes, never worked on until two
    sessions after) 83.4, 75.5, 72.2 %, 90 / 95 / 80 %, 0 / 0 / 5 %; holdout66-68 (three more such hands, never
    worked on until two sessions after) 81.2, 89.7, 85.5 %, 92.5 / 100 / 97.5 %, 0 / 2.5 / 2.5 %; holdout69-71
    (three more such hands, never worked on until the session after) 86.6, 80.4, 92.9 %, 92.5 / 95 / 100 %,
    5 / 0 / 10 %. The floors keep what the work on them reached."""
    result = phi_bench.evaluate(*phi_bench.load(path), timing=False)
    assert result["advisories"] == 80 and {*result["by_language"]} == LANGUAGES
    assert result["recall"] >= recall and result["advisory_recall"] >= advisories, result["misses"]
    assert result["false_positive_rate"] <= false_positives, result["false_positives"]


@pytest.mark.parametrize("path,recall,advisories,false_positives,unlabelled", [
    (phi_bench.HOLDOUT72, 0.93, 1.0, 0.075, 0.08), (phi_bench.HOLDOUT73, 0.87, 0.9, 0.0, 0.07),
    (phi_bench.HOLDOUT74, 0.89, 0.975, 0.025, 0.12)], ids=["holdout72", "holdout73", "holdout74"])
def test_the_sets_never_worked_on(path: Path, recall: float, advisories: float, false_positives: float,
                                  unlabelled: float) -> None:
    """holdout72-74: written by three hands that never saw the code, from the identifier definitions, each on
    its own themes (snake bites, cholera after travel, a care-home fire, lost belongings, tributes; Legionnaires'
    disease, whooping cough, e-scooter injuries, screening recalls, bystanders who did CPR; avian flu, lead in
    spices, listeria, records found dumped, stabbings, unidentified patients), and never worked on: their figures
    are what the screen does on text it has not seen (first run, at the session's start: 91.5, 87.9, 87.8 % of
    identifiers, 100, 90 and 97.5 % of advisories with patient data blocked, false positives 15, 2.5 and 2.5 %; after
    the session's work on holdout69-71: 93.9, 87.9, 89.4 %, the same blocked, false positives 7.5, 0 and 2.5 %).
    The floors keep them from getting worse unnoticed, and the ceilings on the blocking findings that lie on no
    label keep the advisory-wide reading from marking too much."""
    result = phi_bench.evaluate(*phi_bench.load(path), timing=False)
    assert result["advisories"] == 80 and {*result["by_language"]} == LANGUAGES
    assert result["recall"] >= recall and result["advisory_recall"] >= advisories, result["misses"]
    assert result["false_positive_rate"] <= false_positives, result["false_positives"]
    assert result["unlabelled_share"] <= unlabelled  # places and offices marked as names where patient data is too


def _blocking(fields: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, class, text) of every blocking finding when these fields are screened as an advisory."""
    from datetime import UTC, datetime

    from chalicelib.domain.models import Advisory, AdvisoryContent
    from chalicelib.domain.phi import screen_advisory
    from chalicelib.settings import environment_settings

    now = datetime(2026, 11, 23, tzinfo=UTC)
    content = AdvisoryContent.model_validate({"headline": "Notice", "description": "Read this.", **fields})
    advisory = Advisory(id="adv_t", content=content, author="t", created_at=now, updated_at=now)
    texts = {"hashtags": " ".join(content.hashtags), "web": str(content.web or "")}
    return [(f.field or "", f.identifier or "", (texts.get(f.field or "") or str(getattr(content, f.field or "", "")))
             [f.start or 0:f.end or 0]) for f in screen_advisory(advisory, environment_settings(), now) if f.blocking]


# What was added after each later set's first run, in other words than the set's.
@pytest.mark.parametrize("fields,expected", [
    # a name found once is a name in every field, hashtag and link of the advisory
    ({"description": "The patient Ada Quinlan was admitted on 3 May.", "instruction": "Ada asks for privacy.",
      "hashtags": ["HopeForQuinlan"], "web": "https://example.org/news/ada-quinlan-update"},
     [("instruction", "name", "Ada"), ("hashtags", "name", "HopeForQuinlan"), ("web", "url", "ada-quinlan-update")]),
    # a courtesy title without an office is a private person; with the organisation's number, staff
    ({"description": "We have apologised to Mrs Edna Fairweather for the delay."},
     [("description", "name", "Mrs Edna Fairweather")]),
    ({"description": "Questions: Mr Tom Reyes, +1 202 555 0100."}, []),
    # a device serial beside the sentence that names its owner, or at a home
    ({"description": "The monitor, serial HX-2231-9904, was found. It belonged to the patient Joan Pike."},
     [("description", "device", "HX-2231-9904")]),
    ({"description": "The concentrator at that home (serial OC7-11234) needs a spare."},
     [("description", "device", "OC7-11234")]),
    # a day and month with no year, in a sentence that identifies someone
    ({"description": "Worker with SSN 528-61-0473 fell ill 6/15."}, [("description", "date", "6/15")]),
    # keyed numbers in new words; an age as a birthday; a birth in Spanish
    ({"description": "The student ID 4471902 belongs to the pupil who is ill."},
     [("description", "other_id", "4471902")]),
    ({"description": "Patientin Pat.-Nr. 55120934 liegt auf Station 3."}, [("description", "mrn", "55120934")]),
    ({"description": "Su número de la Seguridad Social es 28 10477365 44."},
     [("description", "ssn", "28 10477365 44")]),  # the Spanish social security number, as the sets label it
    ({"description": "Our oldest neighbour turned 97 this week."}, [("description", "age", "turned 97")]),
    ({"description": "Doña Remedios nació el 2 de enero de 1925 en Lucena."},
     [("description", "date", "2 de enero de 1925")]),
    # a name next to a street address; a person looked for; a classmate named by a first name
    ({"description": "The letter came from Harold Pike, 9 Birch Close, Leeds LS6 1AA."},
     [("description", "name", "Harold Pike"), ("description", "address", "9 Birch Close, Leeds LS6 1AA")]),
    ({"headline": "Se busca a Tomás Ferrer Gil, desaparecido el lunes"}, [("headline", "name", "Tomás Ferrer Gil")]),
    ({"description": "Alle helfen unserer Mitschülerin Greta, die krank ist."}, [("description", "name", "Greta")]),
    # the area: one house, or a full postcode, is someone's home
    ({"area_desc": "Nordstadt, vor allem Am Kirchberg 7 (Heimdialyse)"}, [("area_desc", "address", "Am Kirchberg 7")]),
    # a screenshot named after a case
    ({"web": "https://example.org/uploads/Screenshot_case_2024-0033817_measles.png"},
     [("web", "url", "Screenshot_case_2024-0033817_measles.png")]),
    # after holdout9's first run (recall 86.2 %)
    ({"description": "Witnesses saw a blue van, plate KD 77120, near the clinic."},
     [("description", "vehicle", "KD 77120")]),
    ({"description": "Forwarded note - Harold Pike, MRN 00912244, called twice."},
     [("description", "name", "Harold Pike")]),
    ({"description": "Absence log: it's Amira, pupil ID 55012877, who is off sick."},
     [("description", "name", "Amira"), ("description", "other_id", "55012877")]),
    ({"description": "She sent us the letter (scan_letter_Edna_Fairweather.pdf) by mistake."},
     [("description", "name", "scan_letter_Edna_Fairweather.pdf")]),
    ({"description": "He died on 4 May at the age of 93."}, [("description", "age", "at the age of 93")]),
    ({"description": "Die Patientin wurde am 3. Juni bewusstlos gefunden."}, [("description", "date", "3. Juni")]),
    ({"description": "Anlass ist die Erkrankung von Jonas Weber, einem 8-jährigen Jungen."},
     [("description", "name", "Jonas Weber")]),
    ({"web": "https://www.jonas-braucht-hilfe.de/"}, [("web", "url", "www.jonas-braucht-hilfe.de")]),
    ({"description": "Pers.-Nr. 2020-118344 | Anna Vogt | Termin 2"}, [("description", "other_id", "2020-118344")]),
    ({"area_desc": "Old Town; welfare check at 3 Mill Walk"}, [("area_desc", "address", "3 Mill Walk")]),
    # after holdout10's first run (recall 93.5 %, false positives 15 %)
    ({"description": "Our resident Maud Pelling celebrated her 101st birthday on Sunday."},
     [("description", "age", "101st birthday")]),
    ({"description": "Se trata de Irene Sáez; su familia nos autoriza a decirlo."},
     [("description", "name", "Irene Sáez")]),
    ({"description": "Pour toute question, la maman de Chloé répondra volontiers."}, [("description", "name", "Chloé")]),
    ({"description": "Puede que vuelva a su casa, en la calle Almendro 9."},
     [("description", "address", "calle Almendro 9")]),
    ({"description": "KVNR T482150937 | Beatmungsgerät Seriennr. VX2-11004-17 | Lindenallee 12, 2. OG"},
     [("description", "device", "VX2-11004-17"), ("description", "address", "Lindenallee 12, 2. OG")]),
    ({"web": "https://www.betterplace.me/hilfe-fuer-familie-yilmaz"},
     [("web", "url", "hilfe-fuer-familie-yilmaz")]),
    ({"description": "Das Auto, Fahrzeug-Identifizierungsnummer WVWZZZ1KZ8W123456, gehört dem Vermissten."},
     [("description", "vehicle", "WVWZZZ1KZ8W123456")]),
    ({"description": "The recording shows Maud Pelling, ninety-four, of Hythe, reading out her number."},
     [("description", "name", "Maud Pelling"), ("description", "age", "ninety-four")]),
    ({"description": "Pull the chart - Harold Pike, MRN 00912244. He says he is fine."},
     [("description", "name", "Harold Pike")]),
    # after holdout11's first run (recall 88.7 %, false positives 15 %)
    ({"description": "Index employee Rosa Pike, badge #55120, is off work."}, [("description", "other_id", "55120")]),
    ({"web": "https://gofund.me/9ab12c34"}, [("web", "url", "9ab12c34")]),
    ({"description": "His Ford Focus (reg LD19 XKP) was found by the river."}, [("description", "vehicle", "LD19 XKP")]),
    ({"description": "One walker, Harold Pike, was taken to hospital with hypothermia."},
     [("description", "name", "Harold Pike")]),
    ({"description": "Un cas chez un étudiant, Hugo Marchal (n° étudiant 21905511), présent lundi."},
     [("description", "name", "Hugo Marchal"), ("description", "other_id", "21905511")]),
    ({"description": "Die Feuerwehr lädt zum Spendenlauf für Jonas Weber ein."}, [("description", "name", "Jonas Weber")]),
    ({"description": "Kollege Uwe Brandt (Personalnr. 0051234) darf nicht fahren."},
     [("description", "name", "Uwe Brandt"), ("description", "other_id", "0051234")]),
    # after holdout12's and holdout13's first runs (86.8 % and 75.0 %): the age of a named person,
    # a name from one field read again in another, a name a person's link spells
    ({"description": "The walker, Harold Pike, 61, was taken to hospital with hypothermia."},
     [("description", "age", "61")]),
    ({"description": "Hugo Marchal, 9 ans, est rentré chez lui."}, [("description", "age", "9 ans")]),
    ({"description": "Der neunjährige Jonas Weber ist wieder zu Hause."}, [("description", "age", "neunjährige")]),
    ({"headline": "Looking for Harold Pike", "description": "Harold left home on March 3 with his dog."},
     [("description", "name", "Harold"), ("description", "date", "March 3")]),
    ({"headline": "Se busca a Tomás Ferrer Gil", "description": "Tomás vive en la calle Almendro 9 y tiene 80 años."},
     [("description", "address", "calle Almendro 9"), ("description", "age", "80 años")]),
    ({"description": "Harold Pike went into hospital that night. The man was discharged on 12 March.",
      "headline": "Thanks, Harold Pike"}, [("description", "date", "12 March")]),
    ({"description": "Nadia Ferhat shared her story.", "web": "https://www.gofundme.com/f/nadia-ferhat-transplant"},
     [("description", "name", "Nadia"), ("description", "name", "Ferhat")]),
    ({"description": "If you see her, call 101 quoting police log 3310448."}, [("description", "other_id", "3310448")]),
    ({"description": "Der Schüler mit Schüler-ID KL-55120 ist erkrankt."}, [("description", "other_id", "KL-55120")]),
    ({"description": "We reviewed chart QX-4471920 after the patient called."}, [("description", "mrn", "QX-4471920")]),
    ({"description": "El paciente con CIP GAMO480317002 debe pedir cita."},
     [("description", "health_plan", "GAMO480317002")]),
    ({"description": "El alumno con NIA 44102938 no debe volver hasta el lunes."},
     [("description", "other_id", "44102938")]),
    ({"description": "Hugh McAllister (born 02/03/1961) was found on Sunday."},
     [("description", "name", "Hugh McAllister")]),
    # after holdout14's first run (84.1 %, false positives 7.5 %)
    ({"headline": "Concern for missing Owen Tate, 19"}, [("headline", "name", "Owen Tate"), ("headline", "age", "19")]),
    ({"description": "Margaret (Peggy) Lowe passed away on Tuesday."},
     [("description", "name", "Margaret (Peggy) Lowe")]),
    ({"description": "Un alumno de 2.º A, Pablo Ruiz Gil, tiene varicela."}, [("description", "name", "Pablo Ruiz Gil")]),
    ({"description": "A mi padre, Ramón Ortega Pardo, le pasó lo mismo."},
     [("description", "name", "Ramón Ortega Pardo")]),
    ({"description": "Herr Otto Kern (Fallnr. 2023-55120) liegt auf Station 4."}, [("description", "mrn", "2023-55120")]),
    ({"description": "Bitte die Versichertennr. B 123 456 789 angeben."}, [("description", "kvnr", "B 123 456 789")]),
    ({"description": "Mrs Joan Hale (NHS no. 123 456 7890) was moved."},
     [("description", "nhs_number", "123 456 7890")]),
    ({"description": "He had a driver’s license, number TX998812, on him."}, [("description", "license", "TX998812")]),
    ({"contact": "Coroner's office, ref. case 25-0912-KT"}, [("contact", "other_id", "25-0912-KT")]),
    ({"description": "Sa pompe, n° IP-55120-FR, s'est arrêtée pendant la nuit."},
     [("description", "device", "IP-55120-FR")]),
    ({"description": "Please look in on Mrs Ada Kerr on Mill Road, who is alone."}, [("description", "address", "Mill Road")]),
    ({"description": "Elle vit seule à son domicile, rue Pasteur, depuis l'été."},
     [("description", "address", "rue Pasteur")]),
    ({"description": "Ses parents, Léa et Hugo, remercient les donneurs."},
     [("description", "name", "Léa"), ("description", "name", "Hugo")]),
    ({"description": "Tom and Ann, the parents of little Ella, thank everyone."},
     [("description", "name", "Tom"), ("description", "name", "Ann")]),
    ({"description": "The last four digits of her SSN are 9921."}, [("description", "ssn", "9921")]),
    # after holdout15's first run (73.8 %, false positives 12.5 %)
    ({"description": 'The leaked sheet has rows like "PARKER, Eileen, 04/05/1944, 612 554 3120".'},
     [("description", "name", "PARKER, Eileen")]),
    ({"description": "Arztbrief: Pat.: Krüger, Monika * 12.04.1950 / KV-Nr. T123456780"},
     [("description", "name", "Krüger, Monika"), ("description", "date", "12.04.1950"),
      ("description", "kvnr", "T123456780")]),
    ({"description": "Attestation au nom de DUBOIS Hélène, valable jusqu'en juin."},
     [("description", "name", "DUBOIS Hélène")]),
    ({"description": "Der kleine Paul Seidel ist sieben Jahre alt und braucht Spender."},
     [("description", "name", "Paul Seidel")]),
    ({"headline": "Blood drive for six-year-old Zayan this Saturday"}, [("headline", "name", "Zayan")]),
    ({"description": "« Il toussait sans arrêt », raconte leur voisine, Odile Marchand."},
     [("description", "name", "Odile Marchand")]),
    ({"description": "Have you seen Sam Ortiz, 40, known to friends as 'Sammy'? He left on Friday."},
     [("description", "name", "Sammy")]),
    ({"description": "Les bénévoles cherchent Paul Roux, que tout le monde appelle « Polo »."},
     [("description", "name", "Polo")]),
    ({"description": "Liste: Wagner, Emma – geb. 02.03.1940 – Zi. 4"}, [("description", "name", "Wagner, Emma")]),
    ({"description": "Ficha: SANZ PRIETO, MARÍA - NHC 2204411"}, [("description", "name", "SANZ PRIETO, MARÍA")]),
    ({"hashtags": ["HommageLucas", "Rugby"]}, [("hashtags", "name", "HommageLucas")]),
    # after holdout17's first run (82.6 %)
    ({"description": "Nits again in Year 4: Oliver K. and Ruby S. went home today."},
     [("description", "name", "Oliver K."), ("description", "name", "Ruby S.")]),
    ({"description": "Shift list: Fischer, T. (chair 2, 6:00) - call if late."}, [("description", "name", "Fischer, T.")]),
    ({"contact": "Swap organised by Dawn (Ruby's mum): 07700 900555"}, [("contact", "name", "Dawn")]),
    ({"description": "Laut seiner Tochter Ilse geht es ihm besser."}, [("description", "name", "Ilse")]),
    # after holdout18's first run (80.3 %)
    ({"description": "Please call: FARRELL Joan (K5520113), ADAMS Ruth (K5520987)."},
     [("description", "name", "FARRELL Joan"), ("description", "name", "ADAMS Ruth")]),
    ({"description": "Un résident, M. LEROUX Bernard, né le 02/04/1950, chambre 118, est traité."},
     [("description", "name", "LEROUX Bernard"), ("description", "address", "chambre 118")]),
    ({"description": "Heridos: J.P.L. (11 años), con una fractura de brazo."}, [("description", "name", "J.P.L.")]),
    ({"description": "La petite Inaya, 4 ans, a été vaccinée le 3 mars."},
     [("description", "name", "Inaya"), ("description", "age", "4 ans")]),
    ({"description": "Datos: NAF 28/10445512/07, a efectos de tramitación."}, [("description", "ssn", "28/10445512/07")]),
    ({"description": "Bénéficiaire de l'AME n° 1 84 05 75 112 233 4, il est suivi."},
     [("description", "health_plan", "1 84 05 75 112 233 4")]),
    # after holdout20's first run (86.6 %), with holdout19's misses
    ({"description": "Urgent: have you seen Doris Pemberton, 83? She left home on foot."},
     [("description", "name", "Doris Pemberton"), ("description", "age", "83")]),
    ({"description": "A pupil in Mr Hale's class, Noah Ferreira (age 9), was diagnosed with mumps."},
     [("description", "name", "Noah Ferreira"), ("description", "age", "9")]),
    ({"description": "Long-time dialysis patient Olwen Davies-Pugh, seventy-two, opened the unit."},
     [("description", "age", "seventy-two")]),
    ({"description": "Une collecte pour Léa Fournier, cinq ans, hospitalisée à Lyon."},
     [("description", "name", "Léa Fournier"), ("description", "age", "cinq ans")]),
    ({"description": "Tom Harker Ray was only eight years old when he died on May 3."},
     [("description", "name", "Tom Harker Ray"), ("description", "age", "eight years old")]),
    ({"description": "Dans la famille : Hugo (7 ans), Zoé (4 ans) et leur cousin Malik Benali (10 ans)."},
     [("description", "name", "Hugo"), ("description", "name", "Zoé"), ("description", "age", "4 ans")]),
    ({"description": "Les deux plus jeunes, Timéo, six ans, et sa sœur Lina, trois ans, vont mieux."},
     [("description", "name", "Timéo"), ("description", "age", "six ans"), ("description", "name", "Lina")]),
    ({"description": "Guests included Arthur Penrose, who at 101 still volunteers."},
     [("description", "name", "Arthur Penrose")]),
    ({"description": "A guest was admitted to Leeds General Infirmary on 4th June with pneumonia."},
     [("description", "date", "4th June")]),
    ({"description": "Der Hautausschlag begann am 3. März."}, [("description", "date", "3. März")]),
    ({"description": "Inició el exantema el 4 de abril."}, [("description", "date", "4 de abril")]),
    ({"description": "The passenger, Mrs Alina Petrescu (booking reference KX4-22P9), fell ill."},
     [("description", "other_id", "KX4-22P9")]),
    ({"description": "Er nannte seine Rentenversicherungsnummer 12 150567 M 044, sagte Herr Okafor."},
     [("description", "ssn", "12 150567 M 044")]),
    ({"description": "Herr Kowalski ist mit seinem Fahrrad (Rahmennummer KTM88213-4B) unterwegs."},
     [("description", "vehicle", "KTM88213-4B")]),
    ({"description": "Mr Ken Ober (hospital number KB7 110 42) went home."}, [("description", "mrn", "KB7 110 42")]),
    ({"description": "Sus padres, Iratxe y Gorka, han pedido privacidad."}, [("description", "name", "Iratxe y Gorka")]),
    ({"description": "Ses parents, Anaïs et Baptiste, remercient l'équipe."},
     [("description", "name", "Anaïs"), ("description", "name", "Baptiste")]),
    ({"description": "We thank Dev and Priya Sharma, 34 and 36, whose son Arjun (6) was treated here."},
     [("description", "name", "Dev"), ("description", "name", "Arjun")]),
    ({"description": "Ingresos: M.ª T. G. S., NHC 00391022, planta 3; J. A. R., 9 años, NHC 00412211."},
     [("description", "name", "M.ª T. G. S."), ("description", "name", "J. A. R.")]),
    ({"description": "A year-nine pupil, K.L.D., has tested positive for measles."}, [("description", "name", "K.L.D.")]),
    ({"description": "Coroner names decedent MARCHETTI in heat death."}, [("description", "name", "MARCHETTI")]),
    ({"description": "Un vecino, Andoni Urrutia, «Txiki» para sus amigos, ingresó el martes."},
     [("description", "name", "Txiki")]),
    ({"description": "Emmas Mutter Katrin bittet um Spenden."},
     [("description", "name", "Emmas"), ("description", "name", "Katrin")]),
    ({"description": "Unser Sohn Emil hatte seit dem 4. Februar hohes Fieber."}, [("description", "name", "Emil")]),
    ({"description": "Rose Mai Nguyen was admitted on 3 March."}, [("description", "name", "Rose Mai Nguyen")]),
    ({"description": "Jojo (Johanna Berger) wird seit Montag vermisst."},
     [("description", "name", "Jojo"), ("description", "name", "Johanna Berger")]),
    ({"description": "Se trata de un socorrista de la piscina, Íñigo Zubiaurre Etxeberria, que sigue ingresado."},
     [("description", "name", "Íñigo Zubiaurre Etxeberria")]),
    ({"description": "Liste: Brandt, Jonas (41); Öztürk, Sena (33)."},
     [("description", "name", "Öztürk, Sena"), ("description", "age", "33")]),
    ({"headline": "Give blood for Maisie this Saturday"}, [("headline", "name", "Maisie")]),
    ({"description": "Sa carte Vitale, au nom de l'assurée Lucie Brun, porte le numéro 2 84 07 31 555 123 45."},
     [("description", "nir", "2 84 07 31 555 123 45")]),
    ({"description": "Il a dicté son RIB FR76 1234 5678 9012 3456 7890 123 à l'escroc."},
     [("description", "account", "FR76 1234 5678 9012 3456 7890 123")]),
    # after holdout21's first run (88.9 %)
    ({"description": "He was last seen leaving his home on the 2300 block of N. Cedar St. on Monday."},
     [("description", "address", "2300 block of N. Cedar St.")]),
    ({"description": "Found: a phone case with a label reading “Property of Leilani Kahale”."},
     [("description", "name", "Leilani Kahale")]),
    ({"description": "Un bolso con una tarjeta a nombre de Aminata Keita Traoré, y unas llaves."},
     [("description", "name", "Aminata Keita Traoré")]),
    ({"description": "They took £900 from his account, sort code 40-11-62, last Friday."},
     [("description", "account", "40-11-62")]),
    ({"description": "Mr Owusu (donor ID 2204-118-07) gave his 50th pint."}, [("description", "other_id", "2204-118-07")]),
    ({"description": "Sus nietas Ainhoa y Leire piden ayuda para encontrarla."},
     [("description", "name", "Ainhoa y Leire")]),
    ({"description": "Seine Eltern Svenja und Kwame danken den Rettern."},
     [("description", "name", "Svenja"), ("description", "name", "Kwame")]),
    ({"description": "Sa voisine de palier, Josiane, a donné l'alerte."}, [("description", "name", "Josiane")]),
    ({"description": "Un brote entre los invitados a la boda de Marcos Obi Herrera, celebrada el sábado."},
     [("description", "name", "Marcos Obi Herrera")]),
    ({"description": "Die Schülerin Emine Aydın und der Jogger Paul Kranz halfen sofort."},
     [("description", "name", "Emine Aydın"), ("description", "name", "Paul Kranz")]),
    ({"description": "La paciente, Rosa Lema, fue atendida en el Hospital 12 de Octubre el 6 de marzo."},
     [("description", "date", "6 de marzo")]),
    ({"description": "Son dossier voyageur (référence de dossier voyageur XK4P2Q) a été transmis."},
     [("description", "other_id", "XK4P2Q")]),
    # after holdout22's first run (89.0 %)
    ({"description": "The district confirmed that a third-grade pupil, Lucas Moreno-Vidal, has measles."},
     [("description", "name", "Lucas Moreno-Vidal")]),
    ({"description": "She turned 100 with her great-granddaughter Poppy beside her."}, [("description", "name", "Poppy")]),
    ({"description": "His mum Nadia and dad Tariq ask everyone to register."},
     [("description", "name", "Nadia"), ("description", "name", "Tariq")]),
    ({"contact": "Fundraiser queries: teamamira.khan@gmail.com"}, [("contact", "email_address", "teamamira.khan@gmail.com")]),
    ({"description": "Cuenta para ayudar a la familia: ES12 3456 7890 1234 5678 9012, titular Marta Gil Soler."},
     [("description", "name", "Marta Gil Soler")]),
    ({"description": "Un alumno de 2.º A, J. P. R. (Javier), ha sido diagnosticado de meningitis."},
     [("description", "name", "J. P. R."), ("description", "name", "Javier")]),
    ({"headline": "La residencia celebra el 102 cumpleaños de Rosario Pérez Lago"}, [("headline", "age", "102 cumpleaños")]),
    ({"headline": "Haus Sonnenhof feiert: Gertrud Albers wird 104"}, [("headline", "age", "wird 104")]),
    ({"description": "Su caso se tramita con el número de atestado 2025-009913."},
     [("description", "other_id", "2025-009913")]),
    ({"contact": "Famille (Loïc Le Bihan) : 06 39 98 41 11"}, [("contact", "phone", "06 39 98 41 11")]),
    ({"description": "Er fährt ein Elektromobil, Versicherungskennzeichen 512 KLM."},
     [("description", "vehicle", "512 KLM")]),
    ({"description": "Er reagiert auf den Spitznamen „Kalle“, sagt seine Tochter Heike Brandt."},
     [("description", "name", "Kalle")]),
    ({"description": "Die Passanten Selin Aksoy und Finn-Ole Jansen halfen sofort."},
     [("description", "name", "Selin Aksoy"), ("description", "name", "Finn-Ole Jansen")]),
    ({"description": "She showed a BlueCross BlueShield member card (ID XQH771203456) at the desk, said Mr Obi."},
     [("description", "health_plan", "XQH771203456")]),
    # after holdout23's first run (90.1 %)
    ({"contact": "Family friend: (773) 555-0199 · team.lucia@example.com"},
     [("contact", "email_address", "team.lucia@example.com")]),
    ({"description": "Found: a licence in the name of Ivan Petrov (license no. D512-7781-0042)."},
     [("description", "license", "D512-7781-0042")]),
    ({"description": "A cane with a luggage tag reading 'K. Adebayo, Flat 2, 9 Mill Road' was handed in."},
     [("description", "name", "K. Adebayo"), ("description", "address", "Flat 2, 9 Mill Road")]),
    ({"description": "Un audífono en una funda con la etiqueta «Abuela Rosi», número de serie 22KL9913."},
     [("description", "name", "Abuela Rosi")]),
    ({"description": "Their children Ola (eight) and Femi (five) were taken to hospital."},
     [("description", "name", "Femi"), ("description", "age", "five")]),
    ({"description": "Dos socorristas, Leire Etxeberria y Mikel Arana, lo sacaron del agua."},
     [("description", "name", "Leire Etxeberria y Mikel Arana")]),
    ({"description": "La maman de Inès, Nadia, répondra aux questions des parents."},
     [("description", "name", "Nadia")]),
    ({"description": "Seine Kollegin Anja hatte noch Erste Hilfe geleistet."}, [("description", "name", "Anja")]),
    ({"description": "Caso índice: Sra. Lidia Ortega, 31 años, localizador del billete 9XK2P4."},
     [("description", "other_id", "9XK2P4")]),
    # after holdout24's first run (90.4 %)
    ({"description": "She flew home on Friday; her booking confirmation code is ZT4K9Q."},
     [("description", "other_id", "ZT4K9Q")]),
    ({"contact": "To help organise a drive: Kwesi on 07700 900518"}, [("contact", "phone", "07700 900518")]),
    ({"description": "The label on the bag reads: MRS HALINA NOWAK, Hosp No. RXH0049921."},
     [("description", "name", "MRS HALINA NOWAK")]),
    ({"description": "We say goodbye to Mrs Dorothy Fenwick (\"Dot\" to all of us), who passed away on Monday."},
     [("description", "name", "Dot")]),
    ({"description": "Another supporter, Carla Mendes, ran for the defibrillator."},
     [("description", "name", "Carla Mendes")]),
    ({"description": "Spectators Omar Siddiq and Beth Allen started CPR at once."},
     [("description", "name", "Omar Siddiq"), ("description", "name", "Beth Allen")]),
    ({"description": "Rafael Ortiz, de 61 años, su mujer, Pilar Vega, de 57, y sus nietos de 4 y 7 años fueron atendidos."},
     [("description", "age", "57"), ("description", "age", "4")]),
    ({"description": "La mayor de las niñas, Noa, sigue en observación."}, [("description", "name", "Noa")]),
    ({"description": "También fueron premiados los hermanos Unai y Ander Lasa."},
     [("description", "name", "Unai y Ander Lasa")]),
    ({"description": "Il remercie chaleureusement Sophie Marchal et Karim Haddad, qui l'ont secouru."},
     [("description", "name", "Sophie Marchal"), ("description", "name", "Karim Haddad")]),
    ({"description": "Dank der schnellen Hilfe von Jonas Weber und Elif Kaya überlebte er."},
     [("description", "name", "Jonas Weber"), ("description", "name", "Elif Kaya")]),
    ({"description": "Elle a fêté ses 100 ans entourée de ses enfants, Marie-Claire et Bernard."},
     [("description", "name", "Bernard")]),
    ({"description": "Er hinterlässt seine Frau Sabine und die Zwillinge Mats und Ida."},
     [("description", "name", "Mats"), ("description", "name", "Ida")]),
    ({"headline": "Gazette des Lilas : 102 bougies pour Germaine"}, [("headline", "age", "102 bougies")]),
    ({"description": "Notre collègue Youssef Amrani (matricule 007731) a fait un malaise."},
     [("description", "other_id", "007731")]),
    ({"contact": "Famille : Julien Roussel, 06 39 98 41 55"}, [("contact", "phone", "06 39 98 41 55")]),
    # after holdout25's first run (90.0 %)
    ({"description": "We mourn the passing of Rosalind Achterberg on March 3, at the age of eighty-one."},
     [("description", "name", "Rosalind Achterberg"), ("description", "age", "eighty-one")]),
    ({"description": "A bag labeled 'R. Okafor, MRN 00551203' was found."}, [("description", "name", "R. Okafor")]),
    ({"description": "Su carné de donante, el n.º GI-000482, es el más antiguo."},
     [("description", "other_id", "GI-000482")]),
    ({"description": "Su viuda, Begoña, y sus hijos agradecen el apoyo."}, [("description", "name", "Begoña")]),
    ({"description": "Sa référence de dossier voyage était KXPLMR. Elle est hospitalisée."},
     [("description", "other_id", "KXPLMR")]),
    ({"description": "Er saß in Wagen 12, seine Buchungsnummer lautet 5821 0047 9913."},
     [("description", "other_id", "5821 0047 9913")]),
    ({"description": "Karl-Heinz Brandauer, von allen nur „Kalle“ genannt, ist am 3. Mai gestorben."},
     [("description", "name", "Kalle")]),
    ({"description": "Die Mitglieder Selma Kaya und Jan Reuter begannen sofort mit der Herzdruckmassage."},
     [("description", "name", "Selma Kaya"), ("description", "name", "Jan Reuter")]),
    ({"description": "Am Samstag ist der 19-jährige Student Lars Petersen beim Baden ums Leben gekommen."},
     [("description", "name", "Lars Petersen")]),
    # after holdout26's first run (91.6 %)
    ({"description": "Seit Dienstag wird Hanne Albers vermisst. Sie lebt seit drei Jahren in einer betreuten "
                     "Wohngruppe für Menschen mit Demenz in der Lindenallee 7."},
     [("description", "address", "Lindenallee 7")]),
    ({"description": "Seit Sonntag wird Erika Brandt vermisst. Sie verließ am Nachmittag das Pflegeheim Sonnenhof, "
                     "Birkenweg 4, 29221 Celle."},
     [("description", "address", "Birkenweg 4, 29221 Celle")]),
    ({"description": "Ramón Ibáñez Soto falleció el 3 de mayo. El funeral será el sábado 9 en la parroquia de San Roque."},
     [("description", "date", "sábado 9")]),
    ({"description": "Gertrud Albers ist am 4. März verstorben. Die Beisetzung findet am Donnerstag, dem 12. März, statt."},
     [("description", "date", "Donnerstag, dem 12. März")]),
    ({"description": "Aurelia Bravo, de 81 años, vive sola. La mujer salió de casa el martes 14 por la tarde."},
     [("description", "date", "martes 14")]),
    ({"contact": "Health District: (202) 555-0100 (please quote case 25-PER-0456)"},
     [("contact", "other_id", "25-PER-0456")]),
    ({"description": "Lost property at the clinic: quote the item number when you call: umbrella LF-1102, glasses LF-1107."},
     [("description", "other_id", "LF-1102"), ("description", "other_id", "LF-1107")]),
    ({"description": "Objetos perdidos en el hospital: cite la referencia: HX-2231 (gafas) o HX-2234 (mochila)."},
     [("description", "other_id", "HX-2231"), ("description", "other_id", "HX-2234")]),
    ({"description": "Objets trouvés : un sac déposé dans le casier n° 42 du hall."}, [("description", "other_id", "42")]),
    ({"description": "«Tengo la cita n.º GRP-55102 desde las nueve», escribió la paciente."},
     [("description", "other_id", "GRP-55102")]),
    ({"description": "His parkrun barcode A1234567 will be updated."}, [("description", "other_id", "A1234567")]),
    ({"description": "Une carte nationale d'identité au nom de Lucie Faure, n° 180412345678, a été trouvée."},
     [("description", "other_id", "180412345678")]),
    ({"headline": "Missing 12-year-old boy", "description": "Police are looking for Kai Brennan, who left home on foot."},
     [("headline", "age", "12-year-old")]),
    ({"description": "Nine-year-old Ruby Okafor is in hospital."},
     [("description", "name", "Ruby Okafor"), ("description", "age", "Nine-year-old")]),
    ({"description": "Rita Kaur drives a blue Toyota Yaris with plates KX 52 ABD."},
     [("description", "vehicle", "KX 52 ABD")]),
    ({"description": "Walter Briggs Jr., 83, was admitted on Tuesday."},
     [("description", "name", "Walter Briggs Jr."), ("description", "age", "83")]),
    ({"description": "A pink purse with 'Nana Bronwen' stitched on it was handed in."}, [("description", "name", "Bronwen")]),
    ({"description": "A grey frame with a label reading 'BARKER, Joan — Ward 2C — NHS 401 023 2137'."},
     [("description", "nhs_number", "401 023 2137")]),
    ({"description": "A library card in the name of Oluwaseun Martins-Reid was found."},
     [("description", "name", "Oluwaseun Martins-Reid")]),
    ({"description": "Mumps was confirmed in a 16-year-old pupil at Hollins Park Academy, Esme Drummond-Kaye, who is "
                     "now isolating."}, [("description", "name", "Esme Drummond-Kaye")]),    # after holdout26's second look (92.9 %)
    ({"description": "Mrs Alma Reyes was last seen on Friday. She lived alone in unit 12C."}, [("description","address","unit 12C")]),
    ({"description": "Fellow swimmers Hana Sato and Ruben Alves pulled him out of the water."}, [("description","name","Hana Sato"),("description","name","Ruben Alves")]),
    ({"description": "Son gendre Thierry a prévenu la banque le soir même."}, [("description","name","Thierry")]),
    ({"description": "Elle laisse deux petits-enfants, Hugo et Léa, à qui nous pensons."}, [("description","name","Hugo"),("description","name","Léa")]),
    ({"description": "Auf dem Gerät klebt ein Aufkleber mit dem Namen Ivana Horvat."}, [("description","name","Ivana Horvat")]),
    ({"description": "Le patient avait voyagé sur le vol AF 1234, réservation n° QW8T3Z."}, [("description","other_id","QW8T3Z")]),
    # after holdout28's first run (87.6 %)
    ({"headline": "Missing: Agnes Whitlow, 84", "area_desc": "Fleetwood and Thornton, Lancashire; search around the 200 block of Harbour Road"}, [("area_desc","address","Harbour Road")]),
    ({"description": "Le SAMU recherche Moussa Lefèvre-N'Dour, 67 ans, parti de chez lui."}, [("description","name","Moussa Lefèvre-N'Dour")]),
    ({"description": "«Paciente: EL HADDAD, Samira — NHC 3321456»."}, [("description","name","EL HADDAD, Samira")]),
    ({"description": "Paciente: R. T. M. S., 71 años — en observación."}, [("description","name","R. T. M. S.")]),
    ({"headline": "Vermisst: 79-jähriger Bewohner eines Seniorenheims", "description": "Die Polizei sucht nach Egon Brandl."}, [("headline","age","79-jähriger")]),
    ({"description": "Selma Novak's account (username snovak_77) was accessed."}, [("description","account","snovak_77")]),
    ({"description": "Herr Lemke parkte seinen Wagen (HH-AB 1234) vor der Notaufnahme."}, [("description","vehicle","HH-AB 1234")]),
    ({"description": "Objets trouvés : une valise déposée dans le casier D-7 de l'accueil."}, [("description","other_id","D-7")]),
    ({"description": "A blue holdall was found in locker 12 at the main entrance."}, [("description","other_id","12")]),
    ({"description": "Our volunteer kept her registered nurse license, RN 055.0123456, framed."}, [("description","license","055.0123456")]),
    ({"description": "El herido, titular de la licencia municipal de taxi n.º 1123, sigue ingresado."}, [("description","license","1123")]),
    ({"description": "Auf dem Zettel: „Irma Scholz (88), Beihilfe-Nr. BH-55120-07“."}, [("description","health_plan","BH-55120-07")]),
    ({"description": "Mi madre sigue esperando. Número de reclamación 2024/01133."}, [("description","other_id","2024/01133")]),
    ({"description": "The care plan listed 'Mr Pereira, key safe code 7731'."}, [("description","other_id","7731")]),
    ({"description": "Der Verstorbene, den alle nur als „Bolle“ kannten (Bernd K., 58 Jahre), lebte auf der Straße."}, [("description","name","Bolle")]),
    ({"description": "Iván Cruz, de 38 años, trabajaba en una obra. Se desplomó a las 12:10 del lunes 7 de julio."}, [("description","date","lunes 7 de julio")]),
    ({"description": "Une carte nationale d'identité n° Y7KT2LPQ3 au nom de Inès Caron a été trouvée."}, [("description","other_id","Y7KT2LPQ3")]),
    # after holdout29's first run (92.2 %)
    ({"description": "Passengers on booking ZT4K9P should call the clinic."}, [("description", "other_id", "ZT4K9P")]),
    ({"description": "A resident, P.M., 91 (NHS number 943 476 5919), died on Friday."}, [("description", "age", "91")]),
    ({"description": "Staff at the Kirkgate Hub were moved by a post from Pauline Marsh, who shared her story under the handle @PaulineM_Leeds."}, [("description", "name", "Pauline Marsh"), ("description", "account", "@PaulineM_Leeds")]),
    ({"headline": "Clinic thanks 81-year-old for her letter", "description": "Edith Lowe, 88, wrote to the ward last week."}, [("headline", "age", "81-year-old")]),
    ({"description": "Gerda Lenz, geboren am 3. März 1941, schrieb an die Station. Die 84-Jährige bedankt sich bei den Pflegern."}, [("description", "age", "84-Jährige")]),
    ({"description": "Das Gericht gab Herrn Olaf Brinkmann recht. Bei dem damals 61-Jährigen war am 3. Mai 2020 die falsche Hüfte operiert worden."}, [("description", "date", "3. Mai 2020")]),
    ({"description": "Se busca a Encarnación Ruiz, de 80 años. Encarna, como la conocen en el barrio, lleva un abrigo gris."}, [("description", "name", "Encarna")]),
    ({"description": "La Sra. Teresa Gil Ramos acudió a consulta el martes pasado, día 14."}, [("description", "date", "día 14")]),
    ({"description": "Das Landgericht sprach dem Patienten Jan Wolter, 58, 20.000 Euro zu (Az. 3 O 118/23)."}, [("description", "other_id", "3 O 118/23")]),
    ({"description": "Mme Odile Fabre a obtenu gain de cause dans l'affaire n° 2301188."}, [("description", "other_id", "2301188")]),
    # after holdout30's first run (83.0 %)
    ({"description": "The account \"mira.k92\" belonging to Mira Kovac was misused."}, [("description", "account", "mira.k92")]),
    ({"description": "A second record, ABIODUN-MARSH, Folake, chart RFC-0044120, was opened."}, [("description", "name", "ABIODUN-MARSH, Folake")]),
    ({"description": "A bracelet marked \"OYELOWO, Tunde 03/11/2018\" was handed in."}, [("description", "name", "OYELOWO, Tunde")]),
    ({"description": "He is recovering, and the Kowalczyk family asked that his story be shared."}, [("description", "name", "Kowalczyk")]),
    ({"description": "Jonah Reyes, 6, needs treatment. Updates are on Instagram at @jonahsjourney."}, [("description", "account", "@jonahsjourney")]),
    ({"description": "His pool operator certificate, CPO-TX-118842, was current."}, [("description", "license", "CPO-TX-118842")]),
    ({"description": "Su carné de operador de grúa, n.º CG-2020-001187, estaba vigente."}, [("description", "license", "CG-2020-001187")]),
    ({"description": "Laut Arbeitgeber war sein Staplerschein mit der Nummer FS-BY-0912-2018 gültig."}, [("description", "license", "FS-BY-0912-2018")]),
    ({"description": "Resident M.B., 97 — unwell since 2 May, admitted to the General."}, [("description", "name", "M.B."), ("description", "age", "97")]),
    ({"description": "Facilitó su número de afiliación a la Seguridad Social (08 1234509876) al inspector."}, [("description", "ssn", "08 1234509876")]),
    ({"description": "Des cas graves, dont la petite Lina Haddou, âgée de deux semaines, hospitalisée."}, [("description", "age", "deux semaines")]),
    ({"description": "Le tribunal a indemnisé une patiente, Aline Moreau-Diallo, par un jugement rendu sous le numéro RG 22/01873."}, [("description", "other_id", "22/01873")]),
    ({"description": "Das Amtsgericht verurteilte ihn (Az. 312 Ls 87 Js 11204/23). Tobias Brenner, 34, hatte Rezepte gefälscht."}, [("description", "other_id", "312 Ls 87 Js 11204/23")]),
    ({"description": "Frau R. M., 91 Jahre, ist seit dem dritten März stationär."}, [("description", "date", "dritten März")]),
    ({"description": "Gisela Hartwig ist am 2. Mai im Alter von einundachtzig Jahren gestorben."}, [("description", "age", "einundachtzig Jahren")]),
    ({"description": "Paul Lindqvist ist gestorben. Eine Gedenkseite ist unter https://www.gedenk-beispiel.de/paul-lindqvist eingerichtet."}, [("description", "url", "https://www.gedenk-beispiel.de/paul-lindqvist")]),
    ({"description": "A workers' compensation claim, WC-24-118203, has been opened on his behalf."}, [("description", "other_id", "WC-24-118203")]),
    # after holdout31's first run (83.3 %)
    ({"description": "One row read: “DELACROIX-NWOSU, Ifeoma | DOB 04/11/1971 | MRN NCH-0311284”."}, [("description", "name", "DELACROIX-NWOSU, Ifeoma")]),
    ({"description": "Her plan ID ABQ771204519 was visible on the form."}, [("description", "health_plan", "ABQ771204519")]),
    ({"description": "He is registered under trauma number TR-25-00412."}, [("description", "mrn", "TR-25-00412")]),
    ({"description": "La paciente fue clasificada como prioridad 4 (episodio URG-25-004417)."}, [("description", "mrn", "URG-25-004417")]),
    ({"description": "His mother posts updates on Instagram as @leo.fights.on every week."}, [("description", "account", "@leo.fights.on")]),
    ({"description": "Two hearing aids of Mrs Hale, serial numbers 31K55010284 and 31K55010285, were found."}, [("description", "device", "31K55010284"), ("description", "device", "31K55010285")]),
    ({"description": "He handed over his National Insurance card, number JR 58 21 44 D."}, [("description", "ssn", "JR 58 21 44 D")]),
    ({"description": "If you have information, quote crime reference 07/55120/24."}, [("description", "other_id", "07/55120/24")]),
    ({"description": "The pupil's father, Obinna Castellanos, shared this message."}, [("description", "name", "Obinna Castellanos")]),
    ({"description": "«RUIZ PARDO, Tomás — 71 a — NHC 2044198»"}, [("description", "age", "71")]),
    ({"description": "Ana Ruiz sigue ingresada. Se le ha programado la operación para el viernes 8 de marzo."}, [("description", "date", "viernes 8 de marzo")]),
    ({"description": "« KERJEAN Yvonne ; née le 02/03/1944 »"}, [("description", "name", "KERJEAN Yvonne")]),
    ({"description": "Ihre Eltern berichten auf ihrem Blog https://lena-hoert-wieder.de über die Therapie."}, [("description", "url", "https://lena-hoert-wieder.de")]),
    ({"description": "Ilse Voigt ist am 3. März nach kurzer, schwerer Krankheit im Kreis der Familie verstorben."}, [("description", "date", "3. März")]),
    ({"description": "Jonas Krüger, 7, braucht Stammzellen. Seit der Diagnose am 12. November wird weltweit gesucht."}, [("description", "date", "12. November")]),
    # after holdout32's first run (92.3 %)
    ({"description": "Kofi Mensah, born on 2 March, is now a thriving seven months old."}, [("description", "age", "seven months")]),
    ({"description": "La publicación incluía el número de episodio, 25-URG-004118, y un enlace."}, [("description", "mrn", "25-URG-004118")]),
    ({"description": "L'extrait mentionne « KONATÉ Mariam — IPP 800512339 »."}, [("description", "name", "KONATÉ Mariam")]),
    ({"description": "M. Paul Girardot, 71 ans, domicilié quai Saint-Vincent à Lyon, a été hospitalisé."}, [("description", "address", "quai Saint-Vincent")]),
    ({"description": "Il était titulaire du certificat de qualification professionnelle soudeur n° 2020-CQP-1187."}, [("description", "license", "2020-CQP-1187")]),
    ({"headline": "Falsche Pfleger an der Haustür: 79-Jährige aus Bochum betrogen", "description": "Die Polizei sucht Zeugen im Fall von Gertrud Haase, geboren am 4. Mai 1946."}, [("headline", "age", "79-Jährige")]),
    ({"description": "Der Prozessor von Herrn Yilmaz trägt die Seriennummer CI-SP 6612 0417."}, [("description", "device", "CI-SP 6612 0417")]),
    ({"description": "Fundsachen: ein Rucksack lag im selben Spind, Nr. 318, der Umkleide."}, [("description", "other_id", "318")]),
    ({"description": "Frau Keller hatte eine Jahreskarte des Bades mit der Kartennummer 8810-2276 dabei."}, [("description", "other_id", "8810-2276")]),
    # after holdout33's first run (81.3 %)
    ({"description": "Police are asking for help in the search for Edwin Marsh, who left the care unit on foot."}, [("description", "name", "Edwin Marsh")]),
    ({"description": "La gendarmerie lance un appel pour retrouver Odette Lambert, partie de chez elle à pied."}, [("description", "name", "Odette Lambert")]),
    ({"description": "El Juzgado ha condenado a Rubén Ferrer Alcaide por agredir a una enfermera."}, [("description", "name", "Rubén Ferrer Alcaide")]),
    ({"description": "A fake nurse used the registration of a real one, NMC PIN 12A3456B."}, [("description", "license", "12A3456B")]),
    ({"description": "The ward list shows him as: NOWAK, Piotr – NI JR 12 34 56 D – hospital no. RBR1234567."}, [("description", "ssn", "JR 12 34 56 D")]),
    ({"description": "Le message a été publié sur X par une patiente, @camille_b_56, qui raconte son opération."}, [("description", "account", "@camille_b_56")]),
    ({"description": "Herr Anton Weiß ist am 2. Mai im Alter von 87 Jahren verstorben."}, [("description", "age", "87 Jahren")]),
    ({"description": "Lucienne Moreau, 83 ans, a disparu jeudi. Elle peut répondre au prénom de « Lulu »."}, [("description", "name", "Lulu")]),
    ({"description": "Les enfants et leur grand-mère, Yamina Bensaïd, sont en observation."}, [("description", "name", "Yamina Bensaïd")]),
    ({"description": "Un cariste de 47 ans, Marc-Antoine Leroy, a été blessé lundi matin."}, [("description", "name", "Marc-Antoine Leroy")]),
    # after holdout34's first run (89.1 %)
    ({"description": "Last month the club marked a milestone. At 81, Dorothy Pemberton still swims every morning."}, [("description", "name", "Dorothy Pemberton")]),
    ({"description": "Con 76 años, Remedios Cuesta ha donado sangre por centésima vez."}, [("description", "name", "Remedios Cuesta"), ("description", "age", "76 años")]),
    ({"description": "Mit 68 Jahren läuft Gisela Brenner ihren ersten Marathon."}, [("description", "name", "Gisela Brenner")]),
    ({"description": "Our longest-serving driver, Ken Mallory, who turned ninety-one on Friday, retires."}, [("description", "age", "ninety-one")]),
    ({"description": "La mairie a fêté le 3 mai le départ d'Odile Garnier. À soixante-quinze ans, Odile quitte la chorale."}, [("description", "name", "Odile"), ("description", "date", "3 mai")]),
    ({"description": "Tobias Lindner, 9, wartete lange auf eine Niere. Am 4. März wurde er in Essen operiert."}, [("description", "date", "4. März")]),
    ({"description": "Ingresó Marta Ruiz Olmo, de 70 años. La paciente presentó fiebre el 2 de junio."}, [("description", "date", "2 de junio")]),
    ({"headline": "Pauls Kampf gegen die Leukämie", "description": "Paul Hartmann, 6, braucht einen Spender.", "web": "https://pauls-kampf.de", "hashtags": ["PaulsKampf"]}, [("headline", "name", "Pauls"), ("web", "url", "pauls-kampf.de"), ("hashtags", "name", "PaulsKampf")]),
    ({"description": "The leaked list read: OKAFOR, Chidi | DOB 02/03/1970 | Member AB7732190045."}, [("description", "health_plan", "AB7732190045")]),
    ({"description": "The letter showed his name, Mr D. Farrow, and his National Insurance number QQ 65 43 21 A."}, [("description", "ssn", "QQ 65 43 21 A")]),
    ({"description": "Se investiga la muerte de A.G.R., mujer de 44 años, en su domicilio."}, [("description", "name", "A.G.R.")]),
    ({"description": "Ramón Iglesias, de 80 años, desapareció el lunes. Responde al apodo de «Moncho»."}, [("description", "name", "Moncho")]),
    ({"description": "Les jumeaux de la famille Benali, Rayan (9 ans) et Inès (9 ans), ont été intoxiqués. Ils résident au 14, rue des Cordiers. Ils vont mieux."}, [("description", "address", "14, rue des Cordiers")]),
    # after holdout35's first run (83.8 %)
    ({"description": "Volunteers: Tamsin Oduya ran the stall and posted photos as @tamsinoduya_crafts all day."}, [("description", "account", "@tamsinoduya_crafts"), ("description", "name", "Tamsin Oduya")]),
    ({"description": "Officers are looking for Bernard Whitcombe, 71, known to neighbours as Bernie. He left home."}, [("description", "name", "Bernie")]),
    ({"description": "Merci à Gérard Lemoine, 66 ans, dit « Gégé », pour son aide."}, [("description", "name", "Gégé")]),
    ({"description": "Frieda Lang, 80, wird vermisst. Alle nennen sie „Friedl“."}, [("description", "name", "Friedl")]),
    ({"description": "Le tableau affichait : « NOM : DIALLO | Prénom : Aminata | Ville : Lille »."}, [("description", "name", "DIALLO"), ("description", "name", "Aminata")]),
    ({"description": "Wir trauern um Gertrud Weiß, geb. Hofer, * 5. Mai 1935."}, [("description", "name", "Hofer")]),
    ({"description": "The complaint came from Natalie Brookes, whose daughter reacted on 4 June."}, [("description", "name", "Natalie Brookes"), ("description", "date", "4 June")]),
    ({"description": "La denuncia de Lucía Ferrán, cuyo hijo de 6 años enfermó el 3 de abril, abrió el caso."}, [("description", "name", "Lucía Ferrán"), ("description", "age", "6 años")]),
    ({"description": "Die Liste zeigte: „Lindner, Klaus-Dieter | Station 3“."}, [("description", "name", "Lindner, Klaus-Dieter")]),
    ({"description": "His nephew, DeAndre Watkins, said the family is grateful."}, [("description", "name", "DeAndre Watkins")]),
    ({"description": "Sichtbar waren Name, RV-Nr. 12 150372 M 45 3 und Adresse."}, [("description", "ssn", "12 150372 M 45 3")]),
    ({"description": "L'ordonnance portait : N° SS 2 85 07 75 123 456 78."}, [("description", "nir", "2 85 07 75 123 456 78")]),
    ({"description": "The bag held a label for Walter Kim: Rx# 4471920, metformin."}, [("description", "other_id", "4471920")]),
    ({"description": "Gefunden: Geldbörse mit Ausweis-Nr.: T22000129."}, [("description", "other_id", "T22000129")]),
    ({"description": "The row read: plan member QHX551200934, DOB 03/02/1971."}, [("description", "health_plan", "QHX551200934")]),
    ({"description": "La hoja mostraba CIP: GARC640212918011 y su domicilio."}, [("description", "health_plan", "GARC640212918011")]),
    ({"headline": "Missing Hull woman, 52, needs her medication", "description": "Have you seen Carol Etherington, 52?"}, [("headline", "age", "52")]),
    ({"description": "Jade Morris, whose eight-week-old son Oscar was admitted, thanked staff."}, [("description", "age", "eight-week-old")]),
    ({"description": "Meldung: Lina Vogt, 5 J., Symptombeginn 01.10.2024."}, [("description", "age", "5")]),
    ({"description": "Enkel Jonas sagt: Opa Heinz war einundneunzig."}, [("description", "age", "einundneunzig")]),
    ({"description": "Sa carte d’identité porte le numéro Z7KPQR2L1, nous a dit sa fille."}, [("description", "other_id", "Z7KPQR2L1")]),
    ({"description": "Bartholomew Reid, 84, died on 2 May. Bart loved the garden."}, [("description", "name", "Bart")]),
    ({"description": "Paul Fournier, 88 ans, a disparu. Il se fait appeler « Jean-Paulo »."}, [("description", "name", "Jean-Paulo")]),
    ({"description": "El paciente Rubén Solís Vega sufrió una caída en octubre de 2023."}, [("description", "date", "octubre de 2023")]),
    ({"description": "Dennis Hale, 67, of 12 Hazel Croft, Leeds, was admitted."}, [("description", "address", "12 Hazel Croft, Leeds")]),
    ({"description": "Der Beitrag von @papa.von.tim zeigt Tim (4) im Krankenhaus. Spenden unter betterplace.me/hilfe-fuer-tim-berger."}, [("description", "account", "@papa.von.tim"), ("description", "url", "hilfe-fuer-tim-berger")]),
    ({"description": "Auf dem Zettel: Ingrid Bauer, AOK Bayern, Vers.-Nr. K120456789, Metformin."}, [("description", "kvnr", "K120456789")]),
    # after holdout36's first run (86.2 %)
    ({"description": "The list went to the wrong fax:\nPatient | DOB | MRN | Phone\nOKAFOR, Chidi | 14/02/1961 | A-448120 | 0117 496 0999\nLAMB, Sheila | 02/09/1955 | A-448377 | 0117 496 0888\nIt has been shredded."},
     [("description", "name", "OKAFOR, Chidi"), ("description", "date", "14/02/1961"), ("description", "mrn", "A-448120"), ("description", "name", "LAMB, Sheila"), ("description", "mrn", "A-448377")]),
    ({"language": "fr-FR", "description": "La sacoche de Mme Girard a été trouvée. Au dos de l'ordonnance figure un numéro de portable, le 06 12 34 56 78, qui ne répond pas."}, [("description", "phone", "06 12 34 56 78")]),
    ({"description": "Logs show David Kerr, 51, used the chosen login as davidk1982 from home."}, [("description", "account", "davidk1982")]),
    ({"description": "Une mère a publié sous le pseudonyme @cafe_du_matin34 le message : « Ma fille a 3 ans »."}, [("description", "account", "@cafe_du_matin34")]),
    ({"description": "Fritz Lehner, 71, dreht Videos. Sein Kanal heißt „BergFritz“, sagt sein Sohn.", "web": "https://www.youtube.com/@BergFritz"}, [("description", "account", "BergFritz"), ("web", "url", "@BergFritz")]),
    ({"description": "Gracias a Yolanda Sanchis, «la Chispa», que cocinó cada día."}, [("description", "name", "Chispa")]),
    ({"description": "Ruth Meyer, 81, wird vermisst. Sie nennt sich selbst oft ‚Rutchen‘."}, [("description", "name", "Rutchen")]),
    ({"description": "Special thanks go to Priya Shah, who ran the rota; and to Siobhán Ní Dhomhnaill, who turns eighty on 3 June."}, [("description", "name", "Siobhán Ní Dhomhnaill"), ("description", "age", "eighty")]),
    ({"description": "Gracias a Nerea Goñi, que coordinó los turnos; a Said Benali, que tradujo los carteles."}, [("description", "name", "Said Benali")]),
    ({"description": "La hoja decía: Paciente: OKONJO, Chiamaka | consulta 4."}, [("description", "name", "OKONJO, Chiamaka")]),
    ({"description": "La cartera contenía la tarjeta de Mutua Sanitas, nº socio 0044-1234-5678, de Iker Goñi."}, [("description", "health_plan", "0044-1234-5678")]),
    ({"description": "Son petit-fils Kévin Marchand précise : « Mamie Lulu dit souvent qu'elle part chez sa sœur »."}, [("description", "name", "Lulu")]),
    ({"description": "Gareth Pryce-Jones, 46, was sent to http://refund-check.co/claim?ref=gpryce-jones by text."}, [("description", "url", "gpryce-jones")]),
    ({"description": "Der Rucksack gehört Jonas Weber. Darin lag ein Parkausweis für das Fahrzeug B-KW 4411."}, [("description", "vehicle", "B-KW 4411")]),
    ({"description": "Ganz besonders danken wir Ingrid Albers, die den Kaffee kochte."}, [("description", "name", "Ingrid Albers")]),
    # after holdout37's first run (88.8 %)
    ({"description": "Practice records for Olu Bakare show EMIS 4471203 and his repeat list."}, [("description", "mrn", "4471203")]),
    ({"description": "Ruth Kemp, 67, booked online as ruthk_67 last week."}, [("description", "account", "ruthk_67")]),
    ({"description": "Elle animait le forum sous le pseudonyme mamie.rose71 depuis dix ans."}, [("description", "account", "mamie.rose71")]),
    ({"description": "The tag reads: Ollie Baines, 6 yrs, nut allergy."}, [("description", "age", "6 yrs")]),
    ({"description": "Cara Doyle, 18, died in the crash. Her father said: \"She would have been nineteen in May.\""}, [("description", "age", "nineteen")]),
    ({"description": "Wir trauern um unseren Vereinskameraden Dieter „Didi“ Kraus."}, [("description", "name", "Dieter „Didi“ Kraus")]),
    ({"description": "Un grand merci à notre bénévole Marie-Anne « MA » Roux, qui anime l'atelier."}, [("description", "name", "Marie-Anne « MA » Roux")]),
    ({"description": "Gracias de corazón a nuestra voluntaria Itziar Goñi Lasa, que organiza el bingo."}, [("description", "name", "Itziar Goñi Lasa")]),
    ({"description": "Odette Marchal s'est éteinte le vingt-deux juin."}, [("description", "name", "Odette Marchal"), ("description", "date", "le vingt-deux juin")]),
    ({"description": "Die Liste lautete: „Name | geb. | Pat.-Nr.“ – „BAUER, Ute | 03.02.1950 | 2024-118842“."}, [("description", "name", "BAUER, Ute"), ("description", "mrn", "2024-118842")]),
    ({"description": "Der Beitrag lautet: „@tom.k_berlin: Mein Vater liegt seit Montag im Krankenhaus.“"}, [("description", "account", "@tom.k_berlin")]),
    ({"description": "Eine Gedenkseite für Jürgen Maier ist eingerichtet.", "web": "https://trauer.example.de/juergen-maier-ulm"}, [("web", "url", "juergen-maier-ulm")]),
    # after holdout39's first run (recall 87.5 %, false positives 15 %)
    ({"description": "The scanned form read: SURNAME: DELACROIX-WEBB | NAME: THOMAS J. DELACROIX-WEBB | DOB: 1961"}, [("description", "name", "THOMAS J. DELACROIX-WEBB")]),
    ({"description": "Her login was listed too: app user: jdwebb_1961."}, [("description", "account", "jdwebb_1961")]),
    ({"language": "de-DE", "description": "Zugangsdaten: Nutzerkonto in der Patienten-App: k.haller77."}, [("description", "account", "k.haller77")]),
    ({"description": "Noah Briggs, 12, was bitten; his grandfather, 81, was bitten too."}, [("description", "age", "81")]),
    ({"language": "es-ES", "description": "Marta Gil, la novia, se casó el sábado. El abuelo de la novia, de 84 años, sigue ingresado."}, [("description", "age", "84 años")]),
    ({"language": "de-DE", "description": "Die Patientin Lena Vogt und ein 4-jähriges Mädchen wurden behandelt."}, [("description", "age", "4-jähriges")]),
    ({"language": "fr-FR", "description": "La patiente Sandrine Colas et ses petits-enfants âgés de 2, 5, 7 et 10 ans ont été soignés."}, [("description", "age", "2"), ("description", "age", "5")]),
    ({"description": "The inspector found Tomas Reid, 44, who used a revoked massage license, no. MT-558120."}, [("description", "license", "MT-558120")]),
    ({"language": "es-ES", "description": "Se halló la tarjeta de la Seguridad Social de Inés Prado: 281234567840."}, [("description", "ssn", "281234567840")]),
    ({"language": "de-DE", "description": "Der Befund (Patienten-Nr. 45120) ging an die falsche Praxis."}, [("description", "mrn", "45120")]),
    ({"language": "de-DE", "description": "Versichert bei der Allianz, Mitgliedsnr. PKV 5531208-1."}, [("description", "health_plan", "5531208-1")]),
    ({"language": "de-DE", "description": "Er verließ seine Wohnung am Landwehrkanal Ufer: Tempelhofer Ufer 14."}, [("description", "address", "Tempelhofer Ufer 14")]),
    ({"language": "fr-FR", "description": "Extrait du compte rendu : « Patient : Gérard Lemoine-Vidal. IPP : 5521907. Sortie : 02/03/2025 »."}, [("description", "name", "Gérard Lemoine-Vidal"), ("description", "date", "02/03/2025")]),
    ({"description": "A library card in the name of \"Rosie B\" was found."}, [("description", "name", "Rosie")]),
    ({"description": "A pencil case was found; the teacher says it belongs to Maya from class 4B."}, [("description", "name", "Maya")]),
    ({"language": "fr-FR", "description": "Un déambulateur marqué « Lucien, chambre 7 » a été oublié."}, [("description", "name", "Lucien")]),
    ({"language": "fr-FR", "description": "Le sociétaire, Marc Dufresne, a été averti du vol."}, [("description", "name", "Marc Dufresne")]),
    ({"description": "The leaked list read: Mr K. Osei, 58, 4010232137, 4 Vine Row, York."}, [("description", "nhs_number", "4010232137")]),
    ({"language": "es-ES", "description": "Enfermaron 30 invitados a la boda de Nerea Sáez y Karim El Fassi, celebrada en Toledo."}, [("description", "name", "Nerea Sáez"), ("description", "name", "Karim El Fassi")]),
    ({"description": "Photos were posted by the couple at https://janaandmalik2025.example.com/gallery.", "headline": "After the wedding of Jana Krueger and Malik Aydin"}, [("description", "url", "janaandmalik2025.example.com")]),
    ({"description": "Invoice of the practice: patient Enzo Ricci | meter GX-558120 | Rome."}, [("description", "device", "GX-558120")]),
    ({"language": "es-ES", "headline": "Rendimos homenaje a Julia Sastre Moll, voluntaria desde 1998"}, [("headline", "name", "Julia Sastre Moll")]),
    # after holdout40's first run (recall 77.3 %)
    ({"description": "A man of 81 was found collapsed in his flat at 418 Juniper, Apt 2C, with the heating off."}, [("description", "address", "418 Juniper, Apt 2C")]),
    ({"language": "es-ES", "description": "La mujer fue hallada en su piso de Almendros 7, 2.º A, en Utrera."}, [("description", "address", "Almendros 7, 2.º A")]),
    ({"language": "de-DE", "description": "Er wurde in seiner Einzimmerwohnung an der Kastanienallee 9, 10435 Berlin gefunden."}, [("description", "address", "an der Kastanienallee 9, 10435 Berlin")]),
    ({"description": "Two pupils fell ill, among them Declan Murphy and his sister Aoife from 7 Orchard, Cheltenham, who both needed fluids."}, [("description", "address", "7 Orchard, Cheltenham")]),
    ({"description": "Her grandson liam brennan wrote to us about it."}, [("description", "name", "liam brennan")]),
    ({"language": "de-DE", "description": "Befund: Pat. jonas keller, geb. 02.02.2019, Masern bestätigt."}, [("description", "name", "jonas keller")]),
    ({"language": "es-ES", "description": "Nos escribe una vecina: «Me llamo Carmen Rubio y mi madre no tiene aire acondicionado»."}, [("description", "name", "Carmen Rubio")]),
    ({"description": "Note from the ward:\n> Milo (Reception class) was admitted on Tuesday night."}, [("description", "name", "Milo")]),
    ({"language": "es-ES", "description": "El implante (n.º de serie KT4 559021B) pertenece a una paciente de Jaén."}, [("description", "device", "KT4 559021B")]),
    ({"language": "fr-FR", "description": "Le défibrillateur du patient Morel, série DFX 559021 T, doit être contrôlé."}, [("description", "device", "DFX 559021 T")]),
    ({"language": "de-DE", "description": "Befund der Praxis: Vers.-Nr. K 553 208 114, Masern bestätigt."}, [("description", "kvnr", "K 553 208 114")]),
    ({"language": "de-DE", "description": "Die Krankenkasse bestätigt den Schaden, Versicherungsnr. 7731-204-55."}, [("description", "health_plan", "7731-204-55")]),
    ({"language": "fr-FR", "description": "Le détenu (numéro d'écrou 77 410) a été hospitalisé."}, [("description", "other_id", "77 410")]),
    ({"description": "His van, a white Ford Transit registered KP19 XHW, was left at the car park."}, [("description", "vehicle", "KP19 XHW")]),
    ({"language": "es-ES", "description": "«Doña Pura Ríos, NHC 2024-771203, ingresó el 3-XI-2025 en planta»."}, [("description", "date", "3-XI-2025")]),
    ({"language": "es-ES", "description": "Paciente: Sergio Blanco | NUSS 28/12345678/40 | nacido el 9-ene-2016"}, [("description", "date", "9-ene-2016")]),
    ({"language": "de-DE", "description": "Die Patientin, Frau Grete Lenz, ist am Samstag 6.12. im Klinikum verstorben."}, [("description", "date", "Samstag 6.12.")]),
    ({"description": "The sheet reads:\n\nRB-2025-0098 | T.M.O. | DOB 03/08/2020 | MRN 55129841 | ER"}, [("description", "other_id", "RB-2025-0098"), ("description", "name", "T.M.O.")]),
    ({"language": "fr-FR", "description": "Liste :\nIPP 7731209 ; Martin, Lucie ; née le 03.05.1950 ; entrée 02.02.2026"}, [("description", "name", "Martin, Lucie")]),
    ({"description": "The patient Ruth Calloway, 70, is in hospital.", "instruction": "Everyone should run their taps, says Owen Calloway.", "contact": "Owen asks that cards go to the ward."}, [("contact", "name", "Owen")]),
    ({"description": "Donations to the Quinlan family may quote the reference 'OConnell appeal'.", "headline": "Support for Maeve O'Connell, 7, after the fire"}, [("description", "name", "OConnell")]),
    ({"description": "A cyclist aged forty-one was hit on the A38; police traced him by his licence, no. WILLI805229RJ9XY."}, [("description", "age", "forty-one")]),
    ({"language": "fr-FR", "description": "Samedi 9 août, un randonneur de 52 ans a été évacué ; son permis de conduire (n° 880912400733) a permis de l'identifier."}, [("description", "age", "52 ans")]),
    ({"language": "fr-FR", "description": "Une lettre précise : « Je m'appelle Odile Carré, chambre C-20 à la résidence Les Tilleuls, je tousse depuis lundi. »"}, [("description", "name", "Odile Carré"), ("description", "address", "chambre C-20 à la résidence Les Tilleuls")]),    # after holdout41's first run (recall 75.6 %, false positives 2.5 %)
    ({"description": "Ward export (internal):\nMRN | Age | Seen | Outcome\nRGH-00771234 | 73 | 08/02 09:10 | admitted\nRGH-00771240 | 58 | 08/02 11:45 | discharged"}, [("description", "age", "73"), ("description", "date", "08/02 09:10"), ("description", "mrn", "RGH-00771240")]),
    ({"language": "de-DE", "description": "Aus der Liste:\nAktenz. | Name | Alter | Erkrankt\nGA-2025-0102 | Lotte ter Horst | 6 | 3.9."}, [("description", "other_id", "GA-2025-0102"), ("description", "name", "Lotte ter Horst"), ("description", "age", "6"), ("description", "date", "3.9.")]),
    ({"language": "fr-FR", "description": "Extrait :\nNom | Âge | NIR | Diagnostic\nKONATÉ Awa | 39 | 2.86.07.99.350.112.47 | 03/02/26"}, [("description", "age", "39")]),
    ({"description": "A payroll sheet was attached by mistake: employee dana whitfield, SSN 518 22 4091."}, [("description", "name", "dana whitfield")]),
    ({"description": "The crew found the family at 1420 Pine Crest on Sunday; the mother, lena ortiz, 38, is in hospital.", "instruction": "Lena's car was towed."}, [("description", "address", "1420 Pine Crest"), ("description", "name", "lena ortiz"), ("instruction", "name", "Lena")]),
    ({"description": "Her son collapsed on Friday evening, March the 6th, and was taken to hospital; said his mother Ann Lowe."}, [("description", "date", "March the 6th")]),
    ({"description": "A parent wrote: 'It's T.W. in 8C, he was admitted to the Royal on Friday 6th Mar.'"}, [("description", "name", "T.W.")]),
    ({"description": "A caller said he showed his licence BRIGG902157AB9CD and left in a silver Astra KM68 TRV."}, [("description", "license", "BRIGG902157AB9CD")]),
    ({"language": "es-ES", "description": "Según el parte, se trata de J.L.P., interno n.º 2021/00917, de 41 años, trasladado el martes."}, [("description", "name", "J.L.P."), ("description", "other_id", "2021/00917")]),
    ({"language": "es-ES", "description": "Piden que alguien visite a la señora Nieves Gil, vive sola en Alcalde Peris 9, 3ª planta, y es diabética."}, [("description", "address", "Alcalde Peris 9, 3ª planta")]),
    ({"language": "es-ES", "description": "Error en el SMS: «Cita 22/10 en CS Norte | Fecha nac. 14-02-1961»."}, [("description", "date", "14-02-1961")]),
    ({"language": "es-ES", "description": "La circular dice: «Pablo Ruiz Tena (2.º A) sigue en la UCI del hospital»."}, [("description", "name", "Pablo Ruiz Tena")]),
    ({"language": "fr-FR", "description": "Un voisin a écrit : « au 12 bis Pierre Brossolette, 3e étage, le petit yanis a été évacué »."}, [("description", "address", "12 bis Pierre Brossolette, 3e étage"), ("description", "name", "yanis")]),
    ({"language": "fr-FR", "description": "Un aidant précise : « le concentrateur de Mme Roux, n° série CX9-4410-2203, est à récupérer »."}, [("description", "device", "CX9-4410-2203")]),
    ({"language": "de-DE", "description": "Eintrag: „Frau M., KVNR R804172635, Exsikkose, Transport ins Klinikum am Di., 22.07.“"}, [("description", "date", "Di., 22.07.")]),
    ({"language": "de-DE", "description": "Eine Mutter schrieb: „es ist die kleine lea brandt aus der Bärengruppe.“"}, [("description", "name", "lea brandt")]),
    ({"language": "de-DE", "description": "„Herbert Voss, 81, Heimbeatmung, Serien-Nr. 33-1907-554120, Akku schwach.“"}, [("description", "device", "33-1907-554120")]),
    ({"language": "de-DE", "description": "„Frau Ilse Rahn, Pat.-Nr. 0003381290, stationär vom 11.–18.03.2025, Lungenentzündung.“"}, [("description", "date", "11.–18.03.2025")]),
    ({"language": "de-DE", "description": "„Gerda Pohl * 12.4.1940 – geimpft 03.11. – wohnt allein.“"}, [("description", "date", "03.11.")]),
    ({"description": "The carer's note: 'Next of kin daughter Mrs J. Okoro-Bright 07700 900318.'"}, [("description", "phone", "07700 900318")]),
    ({"description": "Shelter list: 1) Mabel Finch, 6 Larchfield, DOB 02/03/1941, on oxygen."}, [("description", "address", "6 Larchfield")]),
    ({"language": "es-ES", "description": "Para ayudar a la familia de Pablo: ES12 3456 7890 1234 5678 9012, concepto 'Pablo'."}, [("description", "account", "ES12 3456 7890 1234 5678 9012")]),    # after holdout42's first run (recall 93.6 %, false positives 5 %)
    ({"description": "She ate at the Riverside food court on Mar. 3 before being admitted to St. Luke's, said her husband Owen Pratt."}, [("description", "date", "Mar. 3")]),
    ({"description": "A mum posted: \"My little Rosie is three and has been so poorly since Tue 5th, please share\""}, [("description", "age", "three"), ("description", "date", "Tue 5th")]),
    ({"language": "es-ES", "description": "Hoja filtrada: Paciente: M. J. R., lactante de 7 semanas | NHC 30571942"}, [("description", "name", "M. J. R."), ("description", "age", "7 semanas")]),
    ({"language": "fr-FR", "description": "Note interne : détenu Paul Garnier, écrou n° 559012, transféré à l'hôpital."}, [("description", "other_id", "559012")]),
    ({"language": "de-DE", "description": "„Herr Alois Brandl, er ist neunundachtzig und lebt allein.“"}, [("description", "age", "neunundachtzig")]),
    ({"language": "de-DE", "description": "Meldung: Frau K., KVNR T410227591, Erkrankungsbeginn: 12.9.; Klinikum Süd."}, [("description", "date", "12.9.")]),
    ({"language": "de-DE", "description": "Ein Betreuer für Herrn Ewald Frick, 84, ist nötig (Az. 5 XVII 219/25)."}, [("description", "other_id", "5 XVII 219/25")]),
    ({"language": "es-ES", "area_desc": "Radio de 200 m en torno a Carrer de la Riera 12, 08301 Mataró", "description": "Caso de legionela en la vivienda de Jordi Puig, de 71 años."}, [("area_desc", "address", "Carrer de la Riera 12, 08301 Mataró")]),
    ({"language": "de-DE", "description": "Eine Leserin schreibt: „Mein Mann Jonas Ebert, 49, liegt seit dem 3. Mai auf der Intensivstation. Lasst euch impfen! Updates gibt es auf www.jonas-kaempft.de.“"}, [("description", "name", "Jonas Ebert"), ("description", "url", "www.jonas-kaempft.de")]),    # after holdout43's first run (recall 91.1 %)
    ({"description": "A relative posted: \"Our Freya (Year 4) was blue-lighted to the Royal Infirmary on Friday 6th June and is on PICU.\""}, [("description", "name", "Freya"), ("description", "date", "Friday 6th June")]),
    ({"language": "es-ES", "description": "«Mi padre vive solo en la calle Feria 12, 2.º izquierda, y no contesta desde el jueves tres de abril. Si alguien puede pasar, llamadme al 655 432 198. Nerea»"}, [("description", "date", "jueves tres de abril"), ("description", "name", "Nerea")]),
    ({"language": "es-ES", "description": "El coche lo conducía el usuario de la aplicación «LoboRojo_BCN», según la policía."}, [("description", "account", "LoboRojo_BCN")]),
    ({"language": "es-ES", "description": "Mensaje del formulario (IP 83.45.112.9): «Mi hija de cuatro años tiene fiebre desde ayer»."}, [("description", "age", "cuatro años")]),
    ({"language": "fr-FR", "description": "« Mon appareil n° série KX4-552-190-337 fume depuis le 15/03, j'ai 72 ans et de l'asthme. »"}, [("description", "age", "72 ans")]),
    ({"language": "de-DE", "description": "Der Vater des Mädchens, @tom_aus_kiel, postet Details zum Verlauf."}, [("description", "account", "@tom_aus_kiel")]),
    ({"language": "de-DE", "description": "„Unsere Mia (5) liegt seit dem 14.02. in der Kinderklinik.“"}, [("description", "date", "14.02.")]),
    ({"language": "de-DE", "description": "Vermerk: Verstorben ist Frau R. T., geb. 12.03.1938, am 2. Februar."}, [("description", "name", "R. T.")]),
    ({"language": "de-DE", "description": "Fall 12 | KVNR B928374615 | Erkrankungsbeginn 05.10.2025 | Vater: Murat Demir, Hamburger Chaussee 40, 24113 Kiel"}, [("description", "address", "Hamburger Chaussee 40, 24113 Kiel")]),
    ({"description": "Her mum posted updates at linktr.ee/jadesjourney2025 for the patient Jade Ellis."}, [("description", "url", "jadesjourney2025")]),    # after holdout44's first run (recall 93.4 %)
    ({"description": "\"Our mum, Edna Collier (known to all as Ed), eighty-one, left the ward at night,\" her son said."}, [("description", "name", "Edna Collier"), ("description", "age", "eighty-one")]),
    ({"description": "A complaint came in through the portal: user \"jpatel_88\" (Jai Patel, 37) wrote that his inhaler failed."}, [("description", "account", "jpatel_88")]),
    ({"description": "Referral note: \"Adult female JOANNE REES, NI no. JT 22 14 97 C, found confused at home.\""}, [("description", "name", "JOANNE REES")]),
    ({"description": "Log: \"JOHN EVANS, residing 14 Heol Y Nant, Whitchurch, Cardiff CF14 1AB, found confused.\""}, [("description", "address", "14 Heol Y Nant, Whitchurch, Cardiff CF14 1AB")]),
    ({"language": "es-ES", "description": "Se trata del niño P.G.L., de cuatro años, no vacunado, que comenzó con fiebre el martes."}, [("description", "name", "P.G.L."), ("description", "age", "cuatro años")]),
    ({"language": "fr-FR", "description": "« Merci de me rappeler au 06 12 34 56 78 pour le dossier. Nadine »"}, [("description", "name", "Nadine")]),
    ({"language": "de-DE", "description": "„Mein Nachbar, Herr Kurt Wendt, ist 84 und lebt allein.“"}, [("description", "age", "84")]),
    ({"language": "de-DE", "description": "Ein Anwohner schreibt: „Wasser riecht seit Tagen, mein Sohn (4) hat Fieber“ – gesendet von k.loewe@web.de."}, [("description", "age", "4")]),    # after measuring holdout45-47 (recall 98.9, 95.3, 94.1 %)
    ({"description": "A neighbour wrote: \"Nobody has seen her since Sunday. Please call me on 07700 900514. – Maureen”"}, [("description", "name", "Maureen")]),
    ({"language": "es-ES", "description": "«Mi tía no contesta, llamadme al 611 222 333. Gracias, Amparo»"}, [("description", "name", "Amparo")]),
    ({"language": "de-DE", "description": "„Die Heizung ist ausgefallen, ruft mich an: 0171 5550123, Petra“"}, [("description", "name", "Petra")]),
    ({"description": "The driver is being treated (UKHSA case ref MAN-TB-26-0092) and is isolating."}, [("description", "other_id", "MAN-TB-26-0092")]),
    ({"description": "The patient, a bus driver, was diagnosed on 3 June (case ref TB/2026/0211); the risk to others is low."}, [("description", "other_id", "TB/2026/0211")]),
    ({"language": "es-ES", "description": "Ficha: interno Omar Haddad, n.º de interno 2020-03318, trasladado al hospital."}, [("description", "other_id", "2020-03318")]),
    ({"language": "de-DE", "description": "Zeile: Krause, Ilse; geb. 02.03.1941; Pat.-ID 8841027; Wohnheim Nord."}, [("description", "name", "Krause, Ilse"), ("description", "mrn", "8841027")]),
    ({"language": "de-DE", "description": "Er ist privat versichert, Versichertennummer der privaten Krankenversicherung 5512093377."}, [("description", "health_plan", "5512093377")]),
    ({"description": "Line list excerpt:\nCase 25-0102 | T.B. | M | 58 | DOB 03/14/1967 | County General"}, [("description", "age", "58")]),
    ({"description": "\"My mum Brenda Cole (she's 81) is still on the ward,\" her son said."}, [("description", "age", "81")]),
    ({"description": "Case summary: R.D., 52-year-old warehouse worker from Bilston, is in hospital."}, [("description", "name", "R.D.")]),
    ({"language": "de-DE", "description": "Ein Beatmungsgerät steht bei Herrn Udo Lenz, Rosa-Luxemburg-Straße 12, der Akku hält nur Stunden."}, [("description", "address", "Rosa-Luxemburg-Straße 12")]),    # after holdout48-50 (94.4, 95.1, 95.2 % never worked on)
    ({"description": "Row from the referral: Pupil 2 | Hargreaves, Hunter | DOB 06/21/2016 | seen at urgent care"}, [("description", "name", "Hargreaves, Hunter")]),
    ({"description": "\"Ravi was only eight. He had a cough on Monday,\" his aunt wrote."}, [("description", "age", "eight")]),
    ({"language": "en-GB", "description": "Please pass her AXA membership number 5522019-03 to the ward sister."}, [("description", "health_plan", "5522019-03")]),
    ({"language": "fr-FR", "description": "Le rapport indique que M. Paul Lemaire a été transféré hier soir."}, [("description", "name", "M. Paul Lemaire")]),
    ({"language": "fr-FR", "description": "L'exploitant, Hervé Lacoste, 57 ans, et son épouse sont suivis. Leur ferme se trouve au 1200 route de Mont, 40500 Saint-Sever."}, [("description", "address", "1200 route de Mont, 40500 Saint-Sever")]),
    ({"language": "de-DE", "description": "Meldung: Vogel, Karl | Pneumonie | Aufnahme 14.03. | Intensivstation"}, [("description", "date", "14.03.")]),
    ({"language": "de-DE", "description": "„Mein Herzschrittmacher hat die Nummer HS4-5521-KK09“, schreibt Herr Otto Brandt."}, [("description", "device", "HS4-5521-KK09")]),
    ({"description": "The report concerns T.W., a 71-year-old farmer from Ludlow."}, [("description", "name", "T.W.")]),
    ({"language": "de-DE", "description": "Besonders betroffen ist Herr M. B., 66, Winzer aus Nierstein."}, [("description", "name", "Herr M. B."), ("description", "age", "66")]),
    ({"description": "\"Our girl Tamsin, she's only five, was admitted,\" her father said."}, [("description", "name", "Tamsin")]),
    ({"language": "es-ES", "description": "«Mi aitona Koldo sigue ingresado en Cruces», escribe su nieta."}, [("description", "name", "Koldo")]),
    ({"language": "es-ES", "description": "Mi hija Lucía Ferrer ingresó el martes 14/10 en La Fe."}, [("description", "date", "martes 14/10")]),
    ({"language": "fr-FR", "description": "M. Yves Colin, carte professionnelle n° 075-T-2021-1189, a été contaminé."}, [("description", "license", "075-T-2021-1189")]),
    ({"language": "fr-FR", "description": "Léa Perrin, 19 ans, racontait sa maladie sur son blog lea-contre-la-lepto.fr avant son hospitalisation."}, [("description", "url", "lea-contre-la-lepto.fr")]),
    ({"language": "fr-FR", "description": "Un cas a été confirmé chez un voyageur arrivé à Lyon le 4 avril. Il s'agit de M. Paul Girard, 44 ans."}, [("description", "date", "4 avril")]),
    ({"language": "de-DE", "description": "Frau Anna Vogt, 70, lag vom 4.3. bis 18.3. in Zimmer 12."}, [("description", "date", "18.3.")]),
    ({"language": "en-GB", "description": "Excerpt: Patient HOLT, Dennis; Hospital no. KT4 1234567; on ward 6."}, [("description", "mrn", "KT4 1234567")]),
    ({"language": "en-GB", "description": "Excerpt: Patient HOLT, Dennis; DVLA licence HOLTD601234DH9AB; on ward 6."}, [("description", "license", "HOLTD601234DH9AB")]),
    ({"language": "es-ES", "description": "«Llevamos tres días sin agua caliente en el bloque. Firmado: Lucía Herrero»"}, [("description", "name", "Lucía Herrero")]),
    ({"language": "es-ES", "description": "Fila: Julián Pardo Ruiz | 81 a. | n.º serie GLX-22091-A | cita 3/4"}, [("description", "age", "81"), ("description", "device", "GLX-22091-A")]),
    ({"language": "fr-FR", "description": "Le signalement indique : Mme C. Roussel, 48 ans, 3 rue Vauban, 34000 Montpellier."}, [("description", "name", "Mme C. Roussel")]),
    ({"language": "de-DE", "description": "„Der Sensor fiel nachts aus, ich lag im Krankenhaus. Lukas M., 27“"}, [("description", "age", "27")]),
    ({"description": "Form: Name: Joan Platt | Message: \"I'm 68 and live alone. Nobody called back.\""}, [("description", "age", "68")]),    # after holdout51-53's first runs (88.5, 85.4, 80.6 %)
    ({"language": "fr-FR", "description": "Une ordonnance a été envoyée par télécopie au 05 61 22 33 44, numéro d'un particulier."}, [("description", "phone", "05 61 22 33 44")]),
    ({"language": "es-ES", "description": "Apareció una tarjeta sanitaria a nombre de lucía pérez gómez en el autobús."}, [("description", "name", "lucía pérez gómez")]),
    ({"language": "de-DE", "description": "Abgegeben wurde ein Führerschein, ausgestellt auf jonas keller, am Empfang."}, [("description", "name", "jonas keller")]),
    ({"language": "es-ES", "description": "Mi padre enfermó el lunes; su prima Leire, que vive en Bilbao, también."}, [("description", "name", "Leire")]),
    ({"language": "es-ES", "description": "Registro: «Hab. 7 – J.L.M. – 90 a. – ingreso 04/03 – NHC 551203»."}, [("description", "name", "J.L.M."), ("description", "age", "90")]),
    ({"language": "de-DE", "description": "Herr Uwe Brandt, 80, verließ am Abend seine Wohnung in der Karl-Liebknecht-Straße."}, [("description", "address", "Karl-Liebknecht-Straße")]),
    ({"language": "de-DE", "description": "Herr Max Vogt legte eine gefälschte Approbationsurkunde mit der Nummer 0731/2001 vor."}, [("description", "license", "0731/2001")]),
    ({"language": "de-DE", "description": "„Zi. 4 | Fr. H. Lenz | Privatvers. Nr. 700123456 | KH-Einweisung 09.12.“"}, [("description", "health_plan", "700123456"), ("description", "date", "09.12.")]),
    ({"language": "de-DE", "description": "„Zi. 19 | Hr. P. Ruhl | dreiundachtzig | Pneumonie“"}, [("description", "age", "dreiundachtzig")]),
    ({"headline": "Silver Alert: 84-year-old woman missing", "description": "Edna Marsh, 84, was last seen on Tuesday."}, [("headline", "age", "84-year-old")]),
    ({"description": "Raymond Cole, 79, was last seen leaving his home on Linden in Marshall."}, [("description", "address", "Linden")]),
    ({"description": "Dana Whitt, 41, of Ellis was sentenced on Monday; the case was filed under docket number 2:24-cr-00413."}, [("description", "other_id", "2:24-cr-00413")]),
    ({"language": "es-ES", "description": "Queremos despedir a Amparo Ruiz Soler, que nos dejó el pasado doce de mayo."}, [("description", "name", "Amparo Ruiz Soler"), ("description", "date", "el pasado doce de mayo")]),
    ({"language": "de-DE", "description": "Seit 2010 hilft Gerda Lang am Telefon. Am 3. Juni feierte sie ihren 72. Geburtstag."}, [("description", "age", "72"), ("description", "date", "3. Juni"), ("description", "name", "Gerda Lang")]),
    ({"language": "de-DE", "description": "Eine Trinkflasche mit dem Namensschild „Lena, 3a“ wurde abgegeben."}, [("description", "name", "Lena")]),
    ({"language": "en-GB", "description": "Doreen Platt, 88, of Mill Lane in Southville, died on Sunday."}, [("description", "address", "Southville")]),
    ({"language": "de-DE", "description": "Erkrankt ist Herr Otto Kranz (70) aus Gelsenkirchen, der im Hotel wohnte."}, [("description", "address", "Gelsenkirchen")]),
    ({"language": "es-ES", "description": "Una vecina de Leganés de 80 años, Pilar Ortiz, facilitó sus datos por teléfono."}, [("description", "address", "Leganés")]),
    ({"description": "Mr Lee Hart left the ward and is still wearing patient wristband KGH-771204."}, [("description", "mrn", "KGH-771204")]),
    ({"language": "es-ES", "description": "Se accedió con las credenciales de la usuaria «lmartin_77» desde fuera de España."}, [("description", "account", "lmartin_77")]),
    ({"language": "en-GB", "description": "Thanks to the family and friends of Albert \"Bert the Builder\" Cole, who raised £900."}, [("description", "name", "Albert \"Bert the Builder\" Cole")]),
    ({"language": "es-ES", "description": "Dolores Vidal, de 84 años, conocida en el pueblo como «Lola Mar», no ha vuelto a casa."}, [("description", "name", "Lola Mar")]),
    ({"language": "en-GB", "description": "If you know Mr Ron Tate, who lives on Cooper Row, please tell him."}, [("description", "address", "Cooper Row")]),
    ({"language": "fr-FR", "headline": "Canicule : décès d'un nonagénaire à Vichy", "description": "Restez au frais."}, [("headline", "age", "nonagénaire")]),
    ({"language": "de-DE", "description": "Frau Greta Lenz, 81, wird vermisst. Sie sucht oft nach ihrem alten Zuhause in der Schillerstraße 9."}, [("description", "address", "Schillerstraße 9")]),
    ({"language": "de-DE", "description": "Seit gestern wird die 79-jährige Bewohnerin Hildegard „Hilde“ Braun vermisst."}, [("description", "name", "Hildegard „Hilde“ Braun")]),
    ({"language": "fr-FR", "description": "Trois élèves sont malades, dont Léo, en CM1, admis le 2 avril."}, [("description", "name", "Léo")]),
    ({"language": "fr-FR", "description": "Sa réservation (référence de dossier KTRWZP) a permis d'identifier les voisins de M. Luc Roy."}, [("description", "other_id", "KTRWZP")]),
    ({"language": "es-ES", "description": "Manuel Ortiz, de 66 años, sufrió un golpe de calor. Fue trasladado al hospital el 3 de agosto."}, [("description", "date", "3 de agosto")]),
    ({"language": "de-DE", "description": "Betroffen ist der vierjährige Paul, der am Zweiten erstmals Fieber hatte."}, [("description", "date", "Zweiten")]),
    ({"language": "de-DE", "description": "Betroffen ist der sechsjährige Lukas Roth; das Aktenzeichen des Vorgangs lautet GA-12.4-0911/25."}, [("description", "other_id", "GA-12.4-0911/25")]),
    ({"language": "de-DE", "headline": "Hitzewarnung: 79-jähriger Mann tot aufgefunden", "description": "Der Rentner Karl Beck, 79, lebte allein."}, [("headline", "age", "79-jähriger")]),
    ({"language": "en-GB", "description": "A woman aged 64 was admitted to Airedale Hospital on Thurs 6th with Legionnaires' disease."}, [("description", "date", "Thurs 6th")]),
    ({"language": "fr-FR", "description": "Les premiers symptômes sont apparus le jeudi 6 chez l'enfant, hospitalisé depuis."}, [("description", "date", "jeudi 6")]),
    ({"language": "en-GB", "description": "A man was taken to hospital on Sat 9th after the fire at his home."}, [("description", "date", "Sat 9th")]),
    ({"language": "en-GB", "description": "\"We're all praying for Wiktoria and the boys,\" a neighbour wrote."}, [("description", "name", "Wiktoria")]),
    ({"language": "en-GB", "description": "Friends raised £2,000 for the ward in memory of Declan."}, [("description", "name", "Declan")]),
    ({"language": "en-GB", "description": "A neighbour posted: \"Tomasz got his daughter out in time, thank god\" (@ania_k_leeds)."}, [("description", "account", "@ania_k_leeds")]),
    ({"description": "A row in the file read: PRICE, ELLA M | 03/02/1970 | 00552193 | BCBS QMX558102334 | ward 4"}, [("description", "mrn", "00552193"), ("description", "health_plan", "QMX558102334")]),
    ({"language": "fr-FR", "description": "Le conducteur, M. Hugo Petit, avait un permis probatoire n° 210915300512."}, [("description", "license", "210915300512")]),
    ({"description": "Ms Dana Lowe, 33, was hurt; troopers are investigating under crash report CR-25-448120."}, [("description", "other_id", "CR-25-448120")]),
    ({"language": "es-ES", "description": "El copiloto, Sergio Lozano, sufrió heridas leves en el accidente."}, [("description", "name", "Sergio Lozano")]),
    ({"language": "en-GB", "description": "Crews recorded 300 ppm of CO in the ground-floor flat at 9 Mill Road, where a nest had blocked the boiler flue. A neighbour posted: \"We are all praying for Wiktoria and the girls.\""}, [("description", "address", "9 Mill Road")]),
    ({"language": "fr-FR", "description": "Extrait publié : MARTIN;Anne-Sophie;2 81 04 69 123 456 78;Cardiologie"}, [("description", "name", "MARTIN;Anne-Sophie"), ("description", "nir", "2 81 04 69 123 456 78")]),
    ({"language": "de-DE", "description": "Am Empfang hing ein Zettel: „Patientin Nowak, Termin 9:30 Uhr, bitte melden.“"}, [("description", "name", "Nowak")]),
    ({"language": "de-DE", "description": "Im Hinterhof Gartenstr. 12 erkrankte Herr Otto Weiß, 70, an Legionellen."}, [("description", "address", "Gartenstr. 12")]),
    ({"language": "de-DE", "description": "Vermisst wird Herr Paul („Pauli“) Kern, 80, aus dem Pflegeheim."}, [("description", "name", "Herr Paul („Pauli“) Kern")]),
    ({"language": "fr-FR", "description": "Le conducteur, âgé de 22 ans, avait un permis n° 220716300455."}, [("description", "age", "22 ans")]),
    ({"language": "de-DE", "description": "Die Patientin Frau Eva Kühn war am 7. und 8. Mai bereits ansteckend."}, [("description", "date", "7.")]),
    # after holdout54-56 were worked on (first runs 92.0, 89.7, 82.6 %)
    ({"language": "de-DE", "description": "Betroffen ist L. K. (geb. 09.11.2015) aus der Klasse 3b."}, [("description", "name", "L. K.")]),
    ({"language": "es-ES", "description": "«Me robaron el bolso en la consulta. Ya he puesto la denuncia, es la 3391/25. Firmado: Marta Ruiz Gil»"}, [("description", "other_id", "3391/25")]),
    ({"language": "de-DE", "description": "„Anbei mein Ausweis (Nr. T22000129) wie gewünscht. Viele Grüße, Petra Lenz“"}, [("description", "other_id", "T22000129"), ("description", "name", "Petra Lenz")]),
    ({"language": "de-DE", "description": "Herr Jonas Brandt nutzte die lebenslange Arztnummer 123456601 eines Kollegen."}, [("description", "license", "123456601")]),
    ({"description": "A blue case marked with the initials \"T.W.\" was handed in at reception."}, [("description", "name", "T.W.")]),
    ({"language": "es-ES", "description": "Encarna salió de su domicilio en Río Duero 14, 28029 Madrid, el lunes por la tarde."}, [("description", "address", "Río Duero 14, 28029 Madrid")]),
    ({"language": "de-DE", "description": "Nicht erreicht wurde bisher der Haushalt Brandt, Lindenhof 7: bitte melden."}, [("description", "address", "Lindenhof 7")]),
    ({"language": "en-GB", "description": "The extract read: \"price, ella - 943 476 5919 - RTH0045512 - CF10 3AT\"."}, [("description", "name", "price, ella"), ("description", "mrn", "RTH0045512"), ("description", "address", "CF10 3AT")]),
    ({"language": "de-DE", "description": "„Sie liegt seit Montag im Klinikum. Wer Fragen hat: 0176 5550 1234, Grüße Birgit“"}, [("description", "name", "Birgit")]),
    ({"language": "de-DE", "description": "Erkrankt ist ein 70-jähriger Bewohner, Dieter Brandt, der eingeliefert wurde (Meldung Az. 53.2-IfSG-2025-011, KVNR A123456780)."}, [("description", "name", "Dieter Brandt")]),
    ({"description": "Measles was confirmed in an unvaccinated 14-month-old resident (case ref. MS-25-0042)."}, [("description", "other_id", "MS-25-0042")]),
    ({"language": "es-ES", "description": "Las intoxicadas de mayor gravedad son Rosario Vidal Ruiz, de 64 años, y su nieta."}, [("description", "name", "Rosario Vidal Ruiz")]),
    ({"language": "fr-FR", "description": "Ligne du tableau : « MOREAU Alain – n° série PMX5512093 – implanté le 04/02 »"}, [("description", "name", "MOREAU Alain")]),
    ({"language": "fr-FR", "description": "Une intoxication est survenue après le mariage de Julie et Marc Lenoir, célébré le samedi 8 juin."}, [("description", "name", "Julie"), ("description", "name", "Marc Lenoir")]),
    ({"language": "de-DE", "description": "Herr Karl Lenz, 81, ist verwirrt. Er will vielleicht zu seinem früheren Haus in der Passauer 12."}, [("description", "address", "Passauer 12")]),
    ({"language": "es-ES", "description": "Una vecina de 86 años, Carmen Ruiz, facilitó su código CIP MD0938471625 por teléfono."}, [("description", "health_plan", "MD0938471625")]),
    ({"language": "de-DE", "description": "Aus dem Protokoll: Nutzer m.kranz1980, IP 198.51.100.7, Abruf am Montag."}, [("description", "account", "m.kranz1980")]),
    ({"language": "en-GB", "description": "Mr Len Ward is confused and may try to go back to 12 Cherry Down, where he lived for years."}, [("description", "address", "12 Cherry Down")]),
    ({"language": "es-ES", "description": "El informe habla de un paciente de 12 años, identificado como J.L.P., que ingresó el lunes."}, [("description", "name", "J.L.P.")]),
    ({"language": "fr-FR", "description": "Mordu par un chien errant, l'enfant, prénommé Hugo, a été soigné aux urgences."}, [("description", "name", "Hugo")]),
    ({"language": "en-GB", "description": "A letter about Mrs Ann Cole's appointment on Weds 9th went to a neighbour."}, [("description", "date", "Weds 9th")]),
    ({"language": "de-DE", "description": "Herr Ali Demir verkaufte Fisch ohne Kühlung. Die Ware lagerte im Keller seines Wohnhauses in der Bahnhofstraße 12."}, [("description", "address", "Bahnhofstraße 12")]),
    ({"language": "de-DE", "description": "Darin stehen Zeilen wie „Brandt, Helga; K719204385; 65 150341 K 012“."}, [("description", "name", "Brandt, Helga"), ("description", "kvnr", "K719204385"), ("description", "ssn", "65 150341 K 012")]),
])
def test_detectors_added_for_the_later_sets(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected) and (expected or found == []), found


@pytest.mark.parametrize("fields", [
    {"description": "Phishing alert: mails from service@refund-portal.example.net are fake; delete them."},
    {"description": "Selon l'arrêté préfectoral n° 2025-0311, les kits sont gratuits pour chaque foyer."},
    {"web": "https://cityhealth.example.org/news"},
    {"instruction": "Check live readings at airnow.gov before heading out."},
    {"description": "On 3 June our pathology partner, Meridian Pathology Services, was hit by ransomware."},
    {"description": "Del 3 de febrero al 30 de junio el Centro de Salud Santa Teresa cierra (expediente de "
                    "contratación 2024/CS-117)."},
    {"description": "Mme Anne-Sophie Kerbrat, infirmière scolaire, animera la réunion le 24 septembre."},
    {"description": "Le Dr Jean-Michel Aubry, 68 ans, prend sa retraite après 41 ans."},
    {"description": "Das BfArM führt den Rückruf unter der Referenznummer 08712/24."},
    {"description": "La fin de la campagne est prévue le 30 avril."},
    {"hashtags": ["EdnaFairweatherBloodDrive", "GiveBlood"]},
    {"description": "La Red de Alerta (RASFF 2024.6312) retira un lote de pimientos."},
    {"description": "Cierra del 1 de julio al 15 de septiembre según el anuncio de licitación con el número de "
                    "expediente SA-2024/118."},
    {"description": "L'infirmière scolaire, Mme Sandrine Roux, se tient à la disposition des familles."},
    {"description": "La cérémonie sera animée par Mme Hélène Marchal, aumônière, et M. Hugo Roche, psychologue."},
    {"description": "Der Preis geht an Stationsleitung Anja Vogt und ihr Team der Station 6B."},
    {"description": "Klinikum Ernst von Bergmann opens a second ward."},
    {"description": "Recall: cheese with health mark FR 64.496.012 CE, best before 30/09/2025."},
    {"description": "Unser Haus ist unter dem Institutionskennzeichen 510923487 registriert."},
    {"area_desc": "Weststadt: Goethestraße 1–45 und Schillerstraße"},
    {"area_desc": "St Thomas' Hospital, Westminster Bridge Road, London SE1 7EH"},
    {"description": "Liebe Eltern, in der Klasse 3b gab es einen Fall von Keuchhusten."},
    {"description": "Le Dr Marc Roux et Nadia Ferhat, infirmière coordinatrice, vaccineront les résidents."},
    {"contact": "Einrichtungsleitung Herr Jonas Brandt, Tel. 030 5550 1234"},
    # ages with no named person, and an official's age
    {"description": "Children aged 6 to 11 and adults over 65 should get the 2-dose vaccine."},
    {"description": "Dr. Jean Roux, 58, the agency's director, said 40 ans of data back the advice."},
    {"description": "Die langjährige Leiterin des Gesundheitsamts, Dr. Eva Brandt, geht nach 30 Jahren."},
    # after holdout12's and holdout13's first runs: groups born on a date, buildings and companies
    # named like people, officials with a long title, regulators' files, words that look like keys
    {"description": "Babies born on or after 1 March 2024 can get the RSV shot this winter."},
    {"description": "Clinics move to the Edith Cavell Wing, 3 Mill Lane, Norwich NR1 1AA, on 2 June."},
    {"description": "Panadería Sol Levante S.L. retira dos lotes de pan por alérgenos no declarados."},
    {"description": "L'adjoint au maire chargé de la santé publique, M. Paul Girard, ouvrira le centre."},
    {"description": "La plateforme nationale a reçu 300 appels cette semaine."},
    {"description": "Das Paul-Ehrlich-Institut führt den Vorgang unter der Fallnummer 2291/25."},
    {"hashtags": ["AnnaSchmidtCup", "CPR"]},
    {"area_desc": "Freibad Nord, Goethestraße 12"},
    {"description": "Es gab nie mehr Fälle seit der Meldepflicht 2013 und dem Ausbruch 2019."},
    {"web": "https://example.org/brotes/ceip-antonio-machado-gastroenteritis"},
    {"description": "Die Blutzucker-Teststreifen Glucofix der Firma Medisens GmbH, Lindenweg 4, 10115 Berlin, sind betroffen."},
    {"description": "The Outpatients Building moves to the Florence Nightingale Wing, 12 Mill Lane, Leeds LS6 1AA."},
    {"contact": "Water Division (202) 555-0100 · after hours 911"},
    {"description": "Una nave del polígono Ramón Mercader, calle del Hierro, 4, tenía Legionella (expediente "
                    "SAN/2025/0112)."},
    {"area_desc": "CHU, 12 rue de la Gare, Lyon 3e"},
    {"area_desc": "Homes east of Harbor Road and north of Mill Lane"},
    {"description": "The clinic on Jefferson Avenue opens Monday; Dr. Ana Ruiz will lead it."},
    {"description": "Recall of SafeDrip pumps (UDI-DI 00812345678905); the call line is open 24/7."},
    {"contact": "Medicaid help line +1 202 555 0100 or 211"},
    {"description": "Su tarjeta sanitaria caduca el 30/09: renuévela en el centro de salud."},
    {"headline": "Brote de legionela en un hotel de Benidorm: expediente SP-2025-0099"},
    {"description": "Jane Holt, Headteacher, asks parents to keep children home if unwell.",
     "contact": "Mrs Jane Holt, Headteacher"},
    {"description": "Le directeur de l'ARS, Caroline Martin, et le CEIP Miguel Hernández ouvrent la campagne."},
    {"description": "A 78-year-old Kirkwood resident was treated for heat exhaustion."},
    # after holdout16's first run (81.3 %, false positives 10 %)
    {"description": "Flu shots in the Mary McLeod Bethune Student Union, 200 N. Main Street, March 3-5."},
    {"description": "The trust closed three wards to admissions: Nightingale, Cavell, Mary Seacole and Ward 9."},
    {"web": "https://example.fr/ch-louis-pasteur-communique"},
    {"description": "Der Rückruf steht unter der Meldung Nr. 2025-0311. „Essen Sie es auf keinen Fall“, sagt die Behörde."},
    # after holdout17's first run (82.6 %, false positives 12.5 %)
    {"description": "Vaccines at the Walter B. Reed Memorial Park pavilion on Saturday, June 7."},
    {"hashtags": ["PremioMaríaBlanchard", "ÉcoleVictorHugo", "Salud"]},
    {"description": "Die Berufsfeuerwehr Bremen meldet den Einsatz (Einsatznummer 25-0412-009)."},
    {"description": "Der Hund (Transpondernummer 276098106512345) ist geimpft."},
    {"description": "A puppy from the litter (shelter ID B-25-0031) is being watched by the vet."},
    {"description": "Dr. Maria S. Keller, the county health officer, said the risk is low."},
    # after holdout18's first run (80.3 %, false positives 15 %)
    {"web": "https://health.example.org/patients/visitors"},
    {"web": "https://www.justgiving.com/campaign/warm-homes-winter-appeal"},
    {"area_desc": "Hospital Universitario Virgen de la Luz, calle de la Paz 3, Cuenca"},
    {"area_desc": "Lycée Victor-Hugo, 12 rue Pasteur, Besançon"},
    {"area_desc": "Départements de la Loire (42) et du Cantal (15)"},
    {"description": "Little Acorns Nursery and Little Oak Formula Ltd support the campaign."},
    # after holdout20's first run (false positives 5 %), with holdout19's (15 %)
    {"instruction": "Registration for the fun run is free and open to all ages."},
    {"description": "The tablets carry product licence number PL 04569/0231 on the box."},
    {"description": "Your NI number looks like AB 12 34 56 C; never type it into a site you reached from a text."},
    {"description": "La Seguridad Social nunca pide el número de afiliación (formato 08/23456789/12) por SMS."},
    {"description": "Auf der MS Theodor Heuss (IMO 9151541) sind am Wochenende Fahrgäste erkrankt."},
    {"description": "Hot tub rash at the Harbourview Suites spa, 12 Lakeshore Rd.",
     "area_desc": "Harbourview Suites, 12 Lakeshore Rd."},
    {"description": "Blood session at the Sir Bobby Robson Stand on Sunday."},
    {"area_desc": "Ausgabestelle Lutherkirche, Richardstraße 97, Berlin-Neukölln"},
    {"description": "Maria Weber lebt seit zwei Jahren in Köln; il y a six ans, elle a déménagé."},
    {"description": "On 3 June our pathology partner, Meridian Pathology Services, was hit by ransomware."},
    {"description": "It's Organ Donation Week. Under the Organ Donation (Deemed Consent) Act 2019, adults opt out."},
    {"area_desc": "Département du Rhône (69)"},
    # after holdout21's first run (false positives 12.5 %)
    {"headline": "Benjamin Banneker Middle School: free flu shots on Oct. 2"},
    {"web": "https://www.nhs-trust.example.uk/mary-seacole-surgery/opening-hours"},
    {"web": "https://health.example.org/recalls/sweet-william-cookies"},
    {"description": "Die Landmetzgerei ruft Würstchen mit der Losnummer 250311-4 zurück."},
    {"description": "Volljährige Schülerinnen und Schüler dürfen erstmals Blut spenden."},
    {"description": "Event chair Ana Ruiz thanks the Student Nursing Club for its help."},
    {"description": "Team leader Mr. Ahmed Siddiqui is coordinating the consent forms."},
    {"area_desc": "1200-1600 blocks of Elm Avenue, 300 block of W. Adams Street, Grant Court"},
    # after holdout22's first run (false positives 5 %)
    {"description": "It has 11 characters, like the sample 1EG4-TE5-MK73 printed on Medicare's example card."},
    {"hashtags": ["Blutspende", "FritzWalterStadion"]},
    {"description": "La Guardia Civil investiga el vuelco del autobús con 23 heridos (atestado 2025-M40-0117)."},
    {"description": "Carver Family Pharmacy, 311 Grand Ave. (Illinois pharmacy license 054.018233), is open."},
    {"description": "El Comité de Huelga de Médicos de Familia y la Orden 2318/2024 fijan los servicios mínimos."},
    # after holdout23's first run (false positives 5 %)
    {"description": "El número de historia clínica (por ejemplo, «NHC 0000000») solo lo usan los profesionales."},
    {"description": "« Restez au frais », rappelle la préfète du Rhône, Fabienne Marchetti."},
    # after holdout24's first run (false positives 7.5 %)
    {"instruction": "Have your NHS number ready, the 10-digit number on NHS letters (for example 485 777 3456)."},
    {"description": "Tenga a mano su número de la Seguridad Social (por ejemplo, 28 1234567840)."},
    {"description": "Rappel du camembert « La Mère Lucienne » (250 g), lots 24-118 à 24-121."},
    {"description": "Thanks to Councillor Ray Dobbs for spotting the mistake."},
    {"description": "The clinic is run by the Sister Mary Agnes Health Ministry, founded in 1987."},
    # after holdout25's first run (false positives 7.5 %)
    {"description": "Agua embotellada en el polideportivo Rafael Nadal, de 9 a 14 h."},
    {"headline": "Maratón de donación de sangre en el Estadio Santiago Bernabéu el 11 de enero"},
    {"headline": "Grande collecte de sang au stade Pierre-Mauroy le 14 juin"},
    {"hashtags": ["GiveBlood", "ThankYouMarjorie", "DankeGisela", "GraciasCarmen"]},
    # after holdout26's first run (false positives 15 %)
    {"description": "Callers spoof our main number, (202) 555-0100, and ask residents for their Social Security number."},
    {"description": "Les SMS demandent le numéro d'assuré social (du type 2 84 05 31 555 042 17) et un RIB."},
    {"description": "Die Anrufer verlangen die Versichertennummer (zehn Zeichen, z. B. A123456780) des Patienten."},
    {"description": "Los formularios falsos piden la cuenta del afectado con un IBAN como ES00 0000 0000 0000 0000 0000."},
    {"headline": "Rappel de yaourts Le Petit Fermier : trois enfants malades"},
    {"description": "L'hydrogéologue du syndicat des eaux, M. Paul Girard, souligne que l'eau reste potable."},
    # after holdout27's first run (false positives 7.5 %)
    {"description": "Harlow Family Foods is recalling Grandpa Joe's Children's Chicken Soup, lot 44A12."},
    {"description": "Les rillettes de la marque Mère Odile, lots 2231A et 2231B, DLC 04/09/2025, sont rappelées."},
    {"description": "Un accueil est ouvert à l'espace Jean-Monnet de Roubaix, de 9 h à 17 h."},
    {"description": "Recall of Little Oak infant milk 800 g, batch 24B1187, barcode 5012345678900."},    # after holdout28's first run (false positives 10 %)
    {"area_desc": "12 rue Voltaire, 69003 Lyon", "description": "Le centre de vaccination ouvre au 12 rue Voltaire, à Lyon."},
    {"area_desc": "Goethestraße 5, Erfurt", "description": "Die Impfstelle im Bürgerhaus, Goethestraße 5, öffnet am Montag."},
    {"description": "Retirada del queso «La Abuela Carmen», lote L-2231; la empresa Quesos Hermanos Carmen S.L. informa."},
    {"description": "El lote 4471 BCD del producto ha sido retirado."},
    # after holdout29's first run (false positives 5 %)
    {"area_desc": "Hôpital des Enfants malades, 12 rue Lecourbe, 75015 Paris"},
    {"area_desc": "Hamburg; Zentralbibliothek, Hühnerposten 1, 20097 Hamburg"},
    {"description": "Follow our account @CityHealthDept for updates on the clinics."},
    # after holdout30's first run (false positives 15 %)
    {"description": "Counterfeit pens carry serial numbers ending in 118204471920, which the manufacturer's records do not hold."},
    {"instruction": "Connectez-vous à votre compte ameli.fr pour vérifier."},
    {"area_desc": "Estadio Metropolitano, avenida de Luis Aragonés 4, Madrid"},
    {"area_desc": "Hamburg Hauptbahnhof, Hachmannplatz 16, Hamburg"},
    {"description": "Votre numéro de sécurité sociale s'écrit sous la forme 2 84 05 31 555 042 17."},
    {"web": "https://ars.example.fr/collecte-stade-jean-bouin"},
    # after holdout31's first run (false positives 15 %)
    {"description": "Lors de l'épisode de canicule de 2019, les urgences ont été saturées."},
    {"description": "Lesen Sie mehr auf unserer Seite https://gesundheitsamt.example.de/hitze."},
    {"area_desc": "Corbeil-Essonnes ; CH Sud-Francilien, 40 avenue Serge-Dassault"},
    {"area_desc": "Playa de la Malvarrosa, Valencia (entre el paseo de Neptuno y la calle de Eugenia Viñes)"},
    {"description": "Retirada del queso fresco de la marca Hermanos Vidal, lote 24-118-B."},
    {"hashtags": ["StaffAwards", "TeamNBT"]},
    {"area_desc": "Comunidad de Madrid; Hospital Enfermera Isabel Zendal, calle de Francisco Umbral, 7"},
    # after holdout32's first run (false positives 10 %)
    {"description": "Medicare claims must include the patient's 11-character Medicare Beneficiary Identifier; the sample format published by CMS is 1EG4-TE5-MK73."},
    {"area_desc": "County Public Health Laboratory, 2121 W. Taylor St., Chicago"},
    {"area_desc": "Madrid; Casa del Reloj, paseo de la Chopera, 6", "description": "El Centro Cultural Casa del Reloj, en el paseo de la Chopera, 6, abre hasta las 22:00."},
    {"area_desc": "Olympiastadion Berlin, Olympischer Platz 3, 14053 Berlin"},
    {"hashtags": ["VueltaAlCole", "Vacunas"]},
    # after holdout33's first run (false positives 10 %)
    {"area_desc": "Dresden: Kulturpalast, Schloßstraße 2; Albertinum, Tzschirnerplatz 2"},
    {"description": "Auch E-Mails von bestellung@fitdrops-ultra.shop sind betrügerisch."},
    {"hashtags": ["MarySeacoleHub", "FluJab"]},
    {"description": "Le pôle accueillera ses premiers patients dans le bâtiment Marie-Curie, 20 rue Leblanc, à partir du lundi 5 janvier."},
    # after holdout34's first run (false positives 2.5 %)
    {"headline": "New Dr Elena Moratalla clinic opens", "description": "The Dr Elena Moratalla clinic, at 9 Harbour Road, opens on Monday 2 March.", "web": "https://health.example.org/elena-moratalla"},
    {"description": "At 65, adults are offered a free shingles vaccine."},
    # after holdout35's first run (false positives 17.5 %)
    {"description": "Edward Jenner, born on 17 May 1749, made the first vaccine; the day is marked on 14 May.", "hashtags": ["EdwardJenner", "Vaccines"]},
    {"description": "The collège Jean-Moulin hosts the clinic on 3 March.", "hashtags": ["JeanMoulin"]},
    {"description": "Recall of insulin pens with serial numbers SN 5200000 to 5299999; no patient was harmed."},
    {"description": "Fresenius Kabi recalls Dextrose Injection, 5,000 mL bags, lot 24B118."},
    {"description": "Name: Gesundheitsamt Köln | Sprechzeiten Montag bis Freitag"},
    # after holdout36's first run (false positives 10 %)
    {"description": "The board reviewed December's figures. Papers are published under item reference TB/25/014."},
    {"description": "Se reforzarán las inspecciones en las piscinas del parque Juan Carlos I."},
    {"description": "La delegada territorial de Salud, Dña. Carmen Ortiz, visitó el centro."},
    {"description": "Trois cas groupés à Amélie-les-Bains.", "hashtags": ["AmelieLesBains"]},
    {"description": "Name | Date | Venue\nFlu clinic | 12/03/2026 | Town Hall"},
    # after holdout37's first run (false positives 2.5 %)
    {"language": "de-DE", "description": "Isolate senden Sie an das Konsiliarlabor (Betriebsstättennummer 721234500)."},
    {"description": "Die Spalten heißen: NACHNAME, Vorname | Ort | Datum."},
    # after holdout38's first run (false positives 17.5 %)
    {"description": "Clinics this month:\nDate | Site | Address | Hours\nMay 2 | Lincoln Library | 326 S. 7th St | 9-12\nMay 9 | Union Hall | 12 Elm Street | 1-4"},
    {"description": "Pumps with serial numbers KT200000 through KT249999, made in March 2024, whose alarm may fail, are affected."},
    {"language": "es-ES", "instruction": "Entrada por la puerta 3, calle Luis Montoto, s/n, 41007 Sevilla."},
    {"description": "Impftag am 3. März in der Marie Curie-Schule, Aula.", "hashtags": ["MarieCurie"]},
    {"language": "de-DE", "description": "Das Klinikum Nord (IK 260912345) organisiert den Umtausch."},
    # after holdout39's first run (false positives 15 %)
    {"description": "Two wards have been closed to patients since 14 March. Dr Omar Haddad, the medical director, said so."},
    {"language": "es-ES", "description": "El fallo se comunicó a la Agencia Española de Protección de Datos (expediente PD-2025-00091)."},
    {"language": "fr-FR", "description": "Le 14 mai 1796, Edward Jenner (1749-1823) vaccina James Phipps, 8 ans.", "hashtags": ["EdwardJenner"]},
    {"language": "es-ES", "headline": "Homenaje a Santiago Ramón y Cajal", "description": "Santiago Ramón y Cajal (1852-1934) ganó el Nobel.", "hashtags": ["RamónYCajal"]},
    {"headline": "Talk on Ignaz Semmelweis", "description": "In 1847 Ignaz Semmelweis (1818-1865) asked doctors to wash their hands.", "hashtags": ["IgnazSemmelweis"]},
    {"description": "Pumps with serial numbers HB-1100000 to HB-1199999 can stop; patients should call their clinic."},
    {"language": "fr-FR", "description": "Le rappel concerne les enfants de 2, 4 et 6 ans vaccinés cet hiver."},
    # after holdout40's first run: what the new rules must leave alone
    {"description": "Most patients are aged over 70; some are very frail."},
    {"language": "es-ES", "instruction": "Si el paciente ha tomado el fármaco, consulte ante posibles efectos."},
    {"description": "A bat found at Camp Wilder, Lake Geneva, tested positive for rabies."},
    {"language": "de-DE", "description": "Im vergangenen Sommer starben nach Schätzungen rund 3.000 Menschen an Hitze."},
    {"language": "de-DE", "description": "Die Impfstelle im Rathaus, Markt 1, 2. OG, ist am Sonntag 14.12. geöffnet."},
    {"description": "Exposure window: Northgate Pediatrics | Tue 3/10 | 2:15-5:00 pm | waiting room"},    # after holdout41's first run
    {"language": "es-ES", "description": "Foco de gripe aviar en una granja de Cuéllar (código REGA ES401230000187); riesgo muy bajo."},
    {"language": "fr-FR", "description": "Les défibrillateurs dont le numéro de série est compris entre DX2-200000 et DX2-249999 doivent être mis à jour."},
    {"description": "Our partner, the Red Cross, is reachable on 0300 303 0000 for families."},
    {"language": "es-ES", "description": "El detenido es natural de Medina del Campo, según la Guardia Civil."},
    {"language": "fr-FR", "description": "Le petit déjeuner est servi de 7 h à 9 h ; la petite enfance reste prioritaire."},    # after holdout42's first run (false positives 5 %)
    {"language": "es-ES", "description": "Los medidores con número de serie entre GLM-B20000 y GLM-B29999 no están afectados."},
    {"language": "de-DE", "description": "Betroffen sind Pens mit den Seriennummern DP3-310001 bis DP3-319999; Patienten erhalten Ersatz."},
    {"description": "The clinic opens on Sat 2nd and Sun 3rd for walk-in flu jabs."},
    {"description": "The review found that Policy is clear and Guidance is 12 pages long."},
    {"language": "es-ES", "description": "Punto informativo en el Mercado de San Antón, calle Augusto Figueroa 24.", "area_desc": "Mercado de San Antón, C/ Augusto Figueroa 24, 28004 Madrid"},    # after holdout43's first run
    {"description": "Follow @CityHealth for updates on the outbreak."},
    {"language": "fr-FR", "description": "Le vaccin est proposé aux enfants ; j'ai 3 conseils à vous donner."},
    {"description": "Our Lady of Lourdes Hospital has reopened its wards."},
    {"language": "de-DE", "description": "Das Impfzentrum in der Tegernseer Landstraße 80 ist seit dem 14.02. geöffnet."},    # after holdout44's first run
    {"description": "On 3 June our pathology partner, Meridian Pathology Services, reported an attack; patient records were not accessed."},
    {"description": "The Mercy General emergency department is open; the patient flow is normal."},
    {"language": "de-DE", "description": "Die Kinder (6) der Gruppe waren gesund."},    # after measuring holdout45-47
    {"description": "The report (case ref TB/2026/0211) covers the county's 14 cases this year."},
    {"description": "Clinic times | Mon | 9 | Wed | 14 | Sat | 10"},
    {"description": "My GP practice is open; call 111 out of hours."},    # after holdout48-50
    {"description": "Under the city's order (notice WTR-2026-031), customers must boil their water until further notice."},
    {"language": "en-GB", "description": "Outpatient appointments at Ysbyty Glan Clwyd are postponed. Grid operators opened incident reference NWT-INC-2025-0099 with outpatient clinics closed."},
    {"language": "fr-FR", "headline": "Plan grand froid à Paris", "area_desc": "Paris (75) et petite couronne", "hashtags": ["Paris"]},
    {"language": "en-GB", "description": "The school remains open. Yours sincerely, Mrs K. Ashworth, Headteacher."},
    {"description": "Signed: Helen Ward, Director of Public Health"},
    {"description": "Read our blog at cityhealth.org for updates on the outbreak."},    # after holdout51-53
    {"language": "es-ES", "description": "La resolución sancionadora, con número de expediente SAN-2025/0931, es firme para la empresa Dietas Sur S.L."},
    {"language": "es-ES", "description": "Durante las fiestas de San Isidro, del 10 al 15 de mayo, habrá refuerzo sanitario."},
    {"description": "Donors can give blood until their 70th birthday."},
    {"description": "Mercy West limits visitors from Monday, December 2; children may visit only the Family Birth Center."},
    {"language": "en-GB", "description": "We admitted on Monday 3 patients with flu."},
    {"language": "fr-FR", "description": "La CPAM rappelle que le numéro comporte 15 chiffres ; exemple fictif, 2 90 01 75 123 456 99, à ne pas confondre avec un vrai."},
    {"language": "en-GB", "description": "No patient information was accessed; the incident was reported under reference CYB-INC-2025-0012. Chief Executive Ann Hall thanked patients for their patience."},
    {"language": "en-GB", "description": "Dialysis moves to Scarborough; nurses will phone each patient. This is being managed as a major incident (ref. NYH-MI-2025-03)."},
    {"language": "en-GB", "description": "The exercise is part of the Trust's annual preparedness programme (EPRR ref. EX-2026-04)."},
    {"language": "es-ES", "description": "La alerta ref. 2026/031 sobre las galletas «Doña Rosa», fabricadas por Hermanos Gil S.L. El producto afectado es el lote L-2231, con fecha 15/09/2027."},
])
def test_what_the_new_detectors_leave_alone(fields: dict[str, Any]) -> None:
    assert _blocking(fields) == []


def test_an_insurers_number_is_no_nhs_number() -> None:
    """A ten-digit number with a valid NHS check digit, after "Mutuelle n°", is the insurer's, in a
    text read with British numbers in mind too."""
    from chalicelib.domain.phi_detect import Context, detect

    text = "« CHAVE Lucie ; IPP 00441229 ; Mutuelle n° 9434765919 ; née le 21/03/1947 »"
    found = {(h.cls, h.text) for h in detect(text, Context(regions=("FR", "GB")))}
    assert ("health_plan", "9434765919") in found and ("nhs_number", "9434765919") not in found, found
    found = {(h.cls, h.text) for h in detect("Guarantor acct 9434765919 | Medicaid", Context(regions=("US", "GB")))}
    assert found == {("account", "9434765919")}, found


def test_a_word_that_ends_in_ring_is_no_german_street() -> None:
    """"Bring 7 days of medicines" was read as a street named like "Kaiserring 7" (a warning, and a block
    beside a name); the German ring roads stay streets."""
    from chalicelib.domain.phi_detect import street_addresses

    text = "Bring 7 days of medicines. Spring 2025 clinics open. Sie wohnt am Kaiserring 12 und im Ostring 4."
    assert [text[a:b] for a, b in street_addresses(text)] == ["Kaiserring 12", "Ostring 4"]


def test_the_formal_you_is_no_name_however_it_is_placed() -> None:
    """"Sprechen Sie Frau Lange an" once made "Sprechen Sie" a name and "Sie" a name everywhere else."""
    found = _blocking({"instruction": "Sprechen Sie Frau Lange ruhig an und bleiben Sie bei ihr.",
                       "description": "Sie erreichen uns rund um die Uhr. Bitte rufen Sie an."})
    assert found == [("instruction", "name", "Frau Lange")], found


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
    monkeypatch.setattr(phi_detect, "detect", lambda text, ctx, known=frozenset(), possible=None: [
        h for h in real(text, ctx, known) if h.cls not in ("name", "date")])
    crippled = phi_bench.evaluate(timing=False)
    assert crippled["recall"] < RECALL and crippled["by_class"]["name"]["recall"] < CLASS_RECALL


def test_the_census_name_lists_are_what_the_script_writes() -> None:
    import subprocess

    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "census_names.py"), "--check"],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_world_given_names_are_what_the_script_writes() -> None:
    import subprocess

    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "world_given_names.py"), "--check"],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_name_lookalikes_are_what_the_script_writes() -> None:
    import subprocess

    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "name_lookalikes.py"), "--check"],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


# A court's or the police's case against a company or a scam is nobody's, and its judge is an official; a person's
# identity document in the same court's sentence still is theirs.
@pytest.mark.parametrize("description", [
    "Under the consent order entered in Case No. 2025-CV-00412 by Judge Marcus Ellery, the chain must retrain its staff.",
    "La Guardia Civil ha abierto diligencias por la estafa con el número de atestado 2025-007731-GC.",
])
def test_a_courts_case_against_a_company(description: str) -> None:
    assert not _blocking({"description": description})


def test_a_persons_document_in_a_courts_sentence() -> None:
    found = _blocking({"description": "El Juzgado de lo Penal n.º 2 ha condenado al dueño del bar, Anselmo Ruiz Peña, "
                                      "con DNI 50412337-K, a una multa."})
    assert ("description", "other_id", "50412337-K") in found, found


# Rows of a record split by " / " or " · " too, with the name in capitals or as "Surname, Given I", and a row whose only
# identifier is a birth date of the last century; a dose is no date, a hotline's number after its key no age.
@pytest.mark.parametrize("description,expected", [
    ("The pharmacy's label read: OKONJO T | 11/03/1949 | Rx 5512098 | AMLODIPINE 5MG | daily.",
     [("description", "name", "OKONJO T"), ("description", "date", "11/03/1949")]),
    ("L'étiquette portait : LEFEBVRE Odile / 02.11.1944 / IPP 0088123456 / warfarine 5 mg.",
     [("description", "name", "LEFEBVRE Odile")]),
    ("The file sent in error read: Brennan, Kathleen M | DOB 03/14/1950 | MRN 00981234.",
     [("description", "name", "Brennan, Kathleen M")]),
    ("Ingreso: SOLÍS Amparo · NHC 7712093 · cama 14 · alta prevista 20/02.",
     [("description", "name", "SOLÍS Amparo")]),
])
def test_more_rows_of_a_record(description: str, expected: list[tuple[str, str, str]]) -> None:
    found = _blocking({"description": description})
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("description", [
    "She was given 10 mg tablets instead of 2.5 mg. Contacts: SAMU : 15 · ARS : 01 99 00 12 34 · mairie : 3939.",
    "Clinic hours | Mon 09:40 | Tue 10:20 | Wed 11:30 | call 111.",
])
def test_what_rows_leave_alone(description: str) -> None:
    assert [f for f in _blocking({"description": description}) if f[1] in ("age", "date")] == []


# Once an advisory holds a sure identifier, a private-looking name no rule tied to the patient blocks too;
# without one, the same words pass (most such names are then a place's, a speaker's or a sponsor's).
@pytest.mark.parametrize("fields,expected", [
    ({"description": "Records of 14 patients, among them MRN 4471902, were e-mailed to the wrong practice. "
                     "Our thanks to Priya, who spotted the error at once."}, ("description", "name", "Priya")),
    ({"description": "A man (MRN 5521907) collapsed at the station on Friday. Rhiannon Pryce saw him fall and ran "
                     "for the defibrillator."}, ("description", "name", "Rhiannon")),
    ({"description": "Un paciente, NHC 88213344, ingresó ayer. Gracias a Lucía, que avisó al 112 enseguida."},
     ("description", "name", "Lucía")),
    ({"description": "Der Patient (KVNR A123456780) wurde behandelt. Danke an Marek, der sofort half."},
     ("description", "name", "Marek")),
    # a relative who speaks is no official, nor a landlord
    ({"headline": "Record MRN 5521907 sent in error", "description": "Her grandsons Jarrod and Tobias said she loved "
      "her garden."}, ("description", "name", "Jarrod")),
    ({"headline": "Record MRN 5521907 sent in error", "description": "The family's landlord, Malcolm Voss, told crews "
      "that no alarms had been fitted."}, ("description", "name", "Malcolm")),
])
def test_a_private_name_in_an_advisory_that_holds_patient_data(fields: dict[str, Any],
                                                               expected: tuple[str, str, str]) -> None:
    assert expected in _blocking(fields)


# ... and so do a town after someone or what happened to them, one person's age, the listed ages of a family, and
# a day in a sentence about one person -- each read where no rule ties it to someone named.
@pytest.mark.parametrize("fields,expected", [
    ({"description": "Un paciente, NHC 88213344, ha recibido el informe de otro. Una vecina desaparecida en Móstoles "
                     "fue hallada ayer."}, [("description", "address", "Móstoles")]),
    ({"description": "Der Patient (KVNR A123456780) wurde verwechselt. Eine Betroffene aus Leipzig-Gohlis hat sich "
                     "gemeldet."}, [("description", "address", "Leipzig-Gohlis")]),
    ({"headline": "Record MRN 5521907 sent in error", "description": "The family of a man from Thornbury was told."},
     [("description", "address", "Thornbury")]),
    ({"headline": "Record MRN 5521907 sent in error", "description": "A 54-year-old man was given the wrong tablets."},
     [("description", "age", "54-year-old")]),
    ({"description": "Dossier (NIR 1 85 05 78 006 084 36) envoyé par erreur. Deux enfants de 4 et 9 ans ont été "
                     "intoxiqués."}, [("description", "age", "4"), ("description", "age", "9")]),
    ({"headline": "Record MRN 5521907 sent in error", "description": "He got the text on 2 February and clicked it."},
     [("description", "date", "2 February")]),
    ({"headline": "NHC 88213344 enviado por error", "description": "Ella estuvo en la UCI desde el 28 de enero."},
     [("description", "date", "28 de enero")]),
])
def test_what_is_someones_in_an_advisory_that_holds_patient_data(fields: dict[str, Any],
                                                                  expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("fields", [
    {"description": "A man from Thornbury was treated. A 54-year-old man was given the wrong tablets. He got the text "
                    "on 2 February."},
    {"description": "A patient's record (MRN 4471902) was sent in error. The hospital in Thornbury is open; clinics run "
                    "from 3 May until 9 May for anyone who visited. Children aged 5 and 6 need a booster; credit "
                    "monitoring runs 24 months. Your clinic reopens on 12 May."},
])
def test_what_is_nobodys_in_an_advisory(fields: dict[str, Any]) -> None:
    assert [f for f in _blocking(fields) if f[1] in ("address", "age", "date")] == []


# A day named without its date, a person's handle, a town written before who is from there, and a town found as
# someone's in one field (it is theirs in the others and the hashtags, not in the alert's area).
@pytest.mark.parametrize("fields,expected", [
    ({"headline": "Record MRN 5521907 sent in error", "description": "He has been missing since Thursday evening."},
     [("description", "date", "Thursday evening")]),
    ({"headline": "NHC 88213344 enviado por error", "description": "La paciente falleció el pasado jueves en casa."},
     [("description", "date", "el pasado jueves")]),
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "description": "Mon père est hospitalisé depuis lundi."},
     [("description", "date", "lundi")]),
    ({"headline": "KVNR A123456780 versehentlich verschickt", "description": "Der Mann wird seit Freitagabend "
      "vermisst."}, [("description", "date", "Freitagabend")]),
    ({"headline": "Record MRN 5521907 sent in error", "description": "She fell ill in October last year."},
     [("description", "date", "October last year")]),
    ({"headline": "Record MRN 5521907 sent in error", "description": "A photo shared by @jenny_r_82 went round town."},
     [("description", "account", "@jenny_r_82")]),
    ({"headline": "Concern for missing Thornbury teenager: MRN 5521907 released", "description": "Call 911."},
     [("headline", "address", "Thornbury")]),
    ({"headline": "Appeal for a man from Thornbury", "description": "His record, MRN 5521907, was sent in error. "
      "Searches around Thornbury go on.", "hashtags": ["Thornbury", "Missing"], "area_desc": "Thornbury"},
     [("headline", "address", "Thornbury"), ("description", "address", "Thornbury"),
      ("hashtags", "address", "Thornbury")]),
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "description": "Parmi les bénévoles, Mme Odette Caron, "
      "que tout le quartier appelle « Tata Odette », a passé 300 appels."}, [("description", "name", "Caron")]),
    ({"headline": "Record MRN 5521907 sent in error", "description": "The letter reached the wrong home. Gemma, we are "
      "sorry for the worry this caused."}, [("description", "name", "Gemma")]),
    ({"headline": "NHC 88213344 enviado por error", "description": "«Gracias a todo el equipo de planta. Familia Ortuño "
      "Beltrán»."}, [("description", "name", "Ortuño")]),
    ({"headline": "KVNR A123456780 versehentlich verschickt", "description": "Die Frau wurde in ihrer Wohnung in der "
      "Lindauer Straße gefunden."}, [("description", "address", "Lindauer Straße")]),
    ({"headline": "Record MRN 5521907 sent in error", "description": "A man was found in his flat on Barton Road."},
     [("description", "address", "Barton Road")]),
    ({"headline": "NHC 88213344 enviado por error", "description": "Vive en el barrio de Las Acacias de Leganés."},
     [("description", "address", "Las Acacias")]),
    ({"headline": "NHC 88213344 enviado por error", "description": "El coche lo conducía un vecino de Parla de 61 "
      "años."}, [("description", "age", "61 años")]),
    ({"headline": "KVNR A123456780 versehentlich verschickt", "description": "„Ich bin 77 und wusste von nichts“, "
      "schreibt ein Leser."}, [("description", "age", "77")]),
    ({"headline": "Heat wave: pensioner (88) found at home, MRN 5521907 shared", "description": "Call 911."},
     [("headline", "age", "88")]),
    ({"headline": "KVNR A123456780 versehentlich verschickt", "description": "„Mein Sohn liegt seit Dienstag auf "
      "der Station“, schreibt eine Mutter."}, [("description", "date", "Dienstag")]),
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "description": "Un cas de légionellose (signalement n° "
      "2025-LEG-0042) a été confirmé."}, [("description", "other_id", "2025-LEG-0042")]),
    # a day in a sentence that a rule tied to someone, or about one of a family
    ({"description": "Olwen Price, 15, was last seen near the station at 8pm on Friday."},
     [("description", "date", "Friday")]),
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "description": "Notre grand-père aurait eu 95 ans en "
      "octobre."}, [("description", "date", "octobre")]),
])
def test_more_that_is_someones_in_an_advisory_that_holds_patient_data(fields: dict[str, Any],
                                                                       expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found
    assert ("area_desc", "address", "Thornbury") not in found


@pytest.mark.parametrize("fields", [
    {"headline": "Record MRN 5521907 sent in error", "description": "Follow @NHSEngland and @SaludMadrid for updates. "
     "The clinic is closed on Monday; anyone who visited on Tuesday should call us. Clinics reopen in March."},
    {"description": "A man from Thornbury went missing on Tuesday. Follow @jenny_r_82 for updates on the search."},
    {"headline": "KVNR A123456780 versehentlich verschickt", "description": "Der Patient wurde hier behandelt.",
     "language": "de"},
    {"headline": "KVNR A123456780 versehentlich verschickt", "description": "In der Kita sind seit Montag 19 Kinder "
     "erkrankt."},
    {"headline": "Record MRN 5521907 sent in error", "description": "Children aged 5 and 6 need a booster. The clinic "
     "on Barton Road is open to anyone. Staff have worked here for 30 years.", "area_desc": "Barton Road, Thornbury"},
])
def test_more_that_is_nobodys_in_an_advisory(fields: dict[str, Any]) -> None:
    assert [f for f in _blocking(fields) if f[1] in ("address", "date", "account")] == []


# Without a sure identifier, one sentence that describes one person by three kinds of what reads as someone's (an
# age, a town or street, a day, a private-looking name) makes them someone; two kinds do not.
@pytest.mark.parametrize("fields,expected", [
    ({"description": "A 58-year-old man from Thornbury was found on Sunday evening and died in hospital."},
     [("description", "age", "58-year-old"), ("description", "address", "Thornbury"),
      ("description", "date", "Sunday evening")]),
    ({"description": "Un homme de 61 ans originaire de Pontivy a été retrouvé inconscient hier soir."},
     [("description", "age", "61 ans"), ("description", "address", "Pontivy"), ("description", "date", "hier soir")]),
    # a name with what the person is and their age, or with the name they go by and an initial, is sure alone
    ({"description": "Gracias a Pau Ribas, voluntario de 24 años, por su ayuda durante el incendio."},
     [("description", "name", "Pau Ribas"), ("description", "age", "24 años")]),
    ({"description": "Die Helfer kannten ihn als Heinz „Hotte“ K. aus Bochum-Wattenscheid."},
     [("description", "name", "Heinz „Hotte“ K."), ("description", "address", "Bochum-Wattenscheid")]),
    # an age written as a noun is one person: "Ein 16-Jähriger aus Spandau liegt seit Samstag ..."
    ({"description": "Ein 16-Jähriger aus Spandau liegt seit Samstag auf der Intensivstation.", "language": "de"},
     [("description", "age", "16-Jähriger"), ("description", "address", "Spandau"), ("description", "date", "Samstag")]),
])
def test_one_person_described_enough(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("description", [
    "A 58-year-old man from Thornbury is in hospital with legionnaires' disease.",
    "Clinics run on Sunday evening in Thornbury for anyone aged 58 or over.",
    "Un homme de 61 ans est hospitalisé à Pontivy ; la clinique reste ouverte.",
])
def test_two_kinds_describe_no_one(description: str) -> None:
    assert not _blocking({"description": description})


def test_what_an_advisory_wide_finding_says() -> None:
    """The spokesperson reads what each finding is: a 54-year-old's age is "the age of a person", not over 89."""
    from datetime import UTC, datetime

    from chalicelib.domain.models import Advisory, AdvisoryContent
    from chalicelib.domain.phi import screen_advisory
    from chalicelib.settings import environment_settings

    now = datetime(2026, 11, 23, tzinfo=UTC)
    content = AdvisoryContent(headline="Record MRN 5521907 sent in error",
                              description="A 54-year-old man was given the wrong tablets on Tuesday.")
    findings = screen_advisory(Advisory(id="adv_t", content=content, author="t", created_at=now, updated_at=now),
                               environment_settings(), now)
    messages = {content.description[f.start or 0:f.end or 0]: f.message for f in findings if f.field == "description"}
    assert messages["54-year-old"].startswith("description holds the age of a person in an advisory that holds")
    assert "over 89" not in messages["54-year-old"]
    assert messages["Tuesday"].startswith("description holds a day in a sentence about someone")


@pytest.mark.parametrize("description", [
    "Records of 14 patients were e-mailed to the wrong practice. Our thanks to Priya, who spotted the error at once.",
    "A man collapsed at the station on Friday. Rhiannon Pryce saw him fall and ran for the defibrillator.",
])
def test_a_private_name_alone_does_not_block(description: str) -> None:
    assert not _blocking({"description": description})


@pytest.mark.parametrize("description,words", [
    ("M. Olivier Garnier, 81 ans, a disparu. Elle a été vue au marché. Le quartier de El Carmen et la Ville de Lyon "
     "aident.", ("Elle", "Carmen", "Ville", "Lyon")),
    ("Der Patient (KVNR A123456780) wurde behandelt. Bitte bringen Sie den Impfpass mit, 21 Tage lang; danach "
     "Pat.-Nr. angeben. Morgen ist die Praxis zu.", ("Tage", "Pat", "Morgen", "Impfpass")),
    ("The record (MRN 5521907) of a 7-year-old went to the wrong family. Maple Grove and Cedar Ridge schools were "
     "told; so were flights from Denver to Chicago.", ("Maple", "Cedar", "Denver", "Chicago")),
])
def test_words_and_places_in_an_advisory_that_holds_patient_data(description: str, words: tuple[str, ...]) -> None:
    found = _blocking({"description": description})
    assert found and not any(w in text for _, cls, text in found if cls == "name" for w in words), found


@pytest.mark.parametrize("fields,expected", [
    # first names the US Census lacks, where only a first name tells a person from a word
    ({"description": "Nits in Year 2: Kwame B. and Svenja T. went home today."},
     [("description", "name", "Kwame B."), ("description", "name", "Svenja T.")]),
    ({"description": "Gorka (nacido el 3 de mayo de 2019) sigue ingresado."}, [("description", "name", "Gorka")]),
    ({"description": "Please call: GRIFFITHS, Gareth (K5520113)."}, [("description", "name", "GRIFFITHS, Gareth")]),
])
def test_given_names_from_many_countries(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("fields", [
    # a city is the place, though somewhere it is a first name too
    {"area_desc": "Bedminster, Southville and Windmill Hill, Bristol (BS3)"},
    {"description": "Vaccination sessions in Dallas and Paris (Texas) resume on Monday."},
])
def test_places_named_like_people_stay_places(fields: dict[str, Any]) -> None:
    assert _blocking(fields) == []


@pytest.mark.parametrize("fields,expected", [
    # a person a clinic greets, mourns, or whose family's day it was
    ({"description": "Hi Jordan, this is Riverside Sexual Health. Please call us this week."},
     [("description", "name", "Jordan")]),
    ({"description": "Hallo Tobias, hier ist die Fachstelle für sexuelle Gesundheit."},
     [("description", "name", "Tobias")]),
    ({"headline": "Wir trauern um Sascha", "description": "Er wird uns fehlen."}, [("headline", "name", "Sascha")]),
    ({"description": "Guests fell ill after the wedding reception of Chloe and Daniel Hartley at Oakhurst Barn on "
      "Saturday 12 July."}, [("description", "name", "Chloe"), ("description", "name", "Daniel Hartley"),
                             ("description", "date", "Saturday 12 July")]),
    ({"headline": "Were you a guest at the Hartley wedding?"}, [("headline", "name", "Hartley")]),
    ({"description": "Un brote entre los invitados a la comunión de Pablo, celebrada el sábado 10 de mayo."},
     [("description", "name", "Pablo"), ("description", "date", "sábado 10 de mayo")]),
    # thanked in a longer phrase; "calle Mayor" is a street, not a mayor speaking
    ({"description": "Queremos dar las gracias de forma especial a Rosario Lahoz, ingresada desde el 2 de enero."},
     [("description", "name", "Rosario Lahoz"), ("description", "date", "2 de enero")]),
    ({"description": "Pasen a ver a Pilar Sanchis, de 88 años, que vive sola en la calle Mayor, 12, de Villarluengo."},
     [("description", "name", "Pilar Sanchis"), ("description", "age", "88 años")]),
    # whose a lost thing is: « il appartiendrait à Léo », „Finn, 2b“ on the bag
    ({"description": "Un appareil auditif (n° de série 2213X0457) a été retrouvé. Il appartiendrait à Léo, en moyenne "
      "section."}, [("description", "name", "Léo"), ("description", "device", "2213X0457")]),
    ({"description": "Eine Insulinpumpe (Seriennummer NG2841736H) wurde gefunden. Auf der Tasche steht „Finn, 2b“."},
     [("description", "name", "Finn"), ("description", "device", "NG2841736H")]),
])
def test_names_greeted_mourned_thanked_and_owning(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("description", [
    "Dear Colleagues, the clinic on Barton Road is open on Monday.",
    "Hello Bristol! The walk-in centre opens at 8am.",
    "Das BfArM hat eine Kundeninformation veröffentlicht (BfArM-Referenz 12873/24).",
    # a country's record is no one's age; a German noun after an adjective is no name
    "Semana del Donante: Francia, 20 años a la cabeza de Europa.",
    "Rückruf von Schwimmwesten: Betroffene Westen bitte im Laden zurückgeben.",
])
def test_greetings_and_public_references_name_no_one(description: str) -> None:
    assert _blocking({"description": description}) == []


def test_one_scan_for_keys_finds_what_each_keyed_pattern_finds() -> None:
    """The screen scans once for where any key starts and tries each class's pattern only there: it must find what a
    full scan of each pattern finds, on every hand-written advisory and on keys inside German compounds."""
    from chalicelib.domain.phi_detect import KEYED_RE, key_starts, matches_at

    texts = ["Kundenkonto DE89 3704 0044 0532 0130 00, Kranführerschein K-2231-88, Versichertennummer A123456780.",
             "2MRN 5521907; x-MRN 5521908; MRN:5521909 and (NHS no. 943 476 5919)."]
    for path, _ in phi_bench.HAND_WRITTEN:
        for record in phi_bench.load(path)[0]:
            texts += [v if isinstance(v, str) else " ".join(v) for v in record["advisory"].values()]
    for text in texts:
        starts = key_starts(text)
        for _, pattern, _ in KEYED_RE:
            assert [m.span() for m in matches_at(pattern, text, starts)] == \
                [m.span() for m in pattern.finditer(text)], (pattern.pattern[:60], text)


@pytest.mark.parametrize("text,cls,span", [
    # the nearest key says what a number is
    ("Billing on file: SSN 512-44-7390, IL Medicaid ID 804172253.", "health_plan", "804172253"),
    ("He wears a Project Lifesaver wristband (transmitter no. 4471-8820).", "device", "4471-8820"),
    ("Transfert de Mme Sylvie Marchand (IPP 8004517362). Dossier SAMU n° 23-2024-04411.", "other_id", "23-2024-04411"),
    ("Lucía Fernández Gil (NUHSA AN0581236744): su dosis es el 22/07.", "health_plan", "AN0581236744"),
    ("Jenna Park, your confirmation VX-448120 has been moved.", "other_id", "VX-448120"),
    ("Please quote clinic no. GU408517 when you call.", "mrn", "GU408517"),
])
def test_the_nearest_key_names_the_number(text: str, cls: str, span: str) -> None:
    from chalicelib.domain.phi import scan
    from chalicelib.settings import environment_settings

    found = [(f.identifier, text[f.start or 0:f.end or 0]) for f in scan([("description", text)],
                                                                         environment_settings())]
    assert (cls, span) in found, found


@pytest.mark.parametrize("fields,expected", [
    # a file's or a reference's number, and a number a rule only warned of, are someone's in such an advisory
    ({"headline": "Record MRN 5521907 sent in error", "description": "Der Fall wird unter dem Aktenzeichen "
      "53.2-TB-118/24 geführt."}, [("description", "other_id", "53.2-TB-118/24")]),
    ({"headline": "Record MRN 5521907 sent in error", "description": "Please call us quoting ref PN-72915."},
     [("description", "other_id", "PN-72915")]),
    ({"headline": "Record MRN 5521907 sent in error", "description": "A glucose meter (serial GM-4471-8820) was found "
      "on the bus."}, [("description", "device", "GM-4471-8820")]),
    # whom a message greets is not who its sentence is about
    ({"headline": "Record MRN 5521907 sent in error", "description": "Liebe Besucherinnen und Besucher, wir müssen "
      "euch sagen, dass er am Dienstag gestorben ist.", "language": "de"}, [("description", "date", "Dienstag")]),
])
def test_numbers_and_days_in_an_advisory_that_holds_patient_data(fields: dict[str, Any],
                                                                 expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("fields,expected", [
    # a couple wed, a name asked whether it is them, a spouse in German, an age "today"
    ({"description": "Everyone who ate at the Gallagher–Novak wedding reception on Saturday is asked to call us."},
     [("description", "name", "Gallagher–Novak")]),
    ({"description": "Une toxi-infection a touché les invités du mariage d'Anaïs et Julien Ferrand à Brive."},
     [("description", "name", "Anaïs"), ("description", "name", "Julien Ferrand")]),
    ({"description": "The couple, Priya Raman and Tom Ellis, were admitted overnight."},
     [("description", "name", "Priya Raman"), ("description", "name", "Tom Ellis")]),
    ({"description": "Marcus, if this is you, please ring the clinic before Friday."}, [("description", "name", "Marcus")]),
    ({"description": "Mathis, si c'est vous, merci de rappeler le centre de dépistage."},
     [("description", "name", "Mathis")]),
    ({"description": "Ich danke meinem Mann Jörg und den Pflegekräften der Station 3."}, [("description", "name", "Jörg")]),
    ({"description": "Damals brauchte Lina Vogt, heute 9 Jahre alt, zwölf Blutkonserven."},
     [("description", "name", "Lina Vogt")]),
    # a number keyed as a prisoner's, a booking's, an implant's or a Madrid health card's
    ({"description": "The inmate, prison number B4410KX, has been isolated."}, [("description", "other_id", "B4410KX")]),
    ({"description": "Wir prüfen seine Buchung (Nr. 5512-208-44) mit der Reederei."},
     [("description", "other_id", "5512-208-44")]),
    ({"description": "Su tarjeta (CIPA 2207719934) se encontró en urgencias."},
     [("description", "health_plan", "2207719934")]),
    # a phone number written after a first name
    ({"contact": "Tomasz would like to thank everyone: 07700 900587", "language": "en"},
     [("contact", "phone", "07700 900587")]),
])
def test_couples_asked_names_spouses_and_keyed_numbers(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("fields,expected", [
    # where someone was born or settled, where a family lives, a described age, in an advisory with patient data
    ({"headline": "Patient MRN 7731904 sought", "description": "Ernst Rühl, geboren am 02.05.1950 in Pirmasens, wird "
      "vermisst."}, [("description", "address", "Pirmasens")]),
    ({"headline": "Patient MRN 7731904 sought", "description": "Mme Odile Garnier, née le 8 mai 1938 à Cholet, est "
      "décédée hier."}, [("description", "address", "Cholet")]),
    ({"headline": "Patient MRN 7731904 sought", "description": "Ses parents, installés à Lannion, nous ont "
      "écrit."}, [("description", "address", "Lannion")]),
    ({"headline": "Patient MRN 7731904 sought", "description": "Neighbours in Ashgrove, where the family lives, have "
      "raised money."}, [("description", "address", "Ashgrove")]),
    ({"headline": "Patient MRN 7731904 sought", "description": "He was found on Tuesday and looks to be in his 60s."},
     [("description", "age", "60s")]),
    ({"headline": "Patient MRN 7731904 sought", "description": "Er ist etwa 30 bis 35 Jahre alt und trug eine Jacke."},
     [("description", "age", "30 bis 35")]),
    ({"headline": "Patient MRN 7731904 sought", "description": "Six guests fell ill, among them the groom's father, "
      "71 years."}, [("description", "age", "71")]),
    ({"headline": "Patient MRN 7731904 sought", "description": "Écrivez-nous en rappelant la référence 2025/01744."},
     [("description", "other_id", "2025/01744")]),
    # a German street named without its kind, a French town's postcode in brackets
    ({"headline": "Patient MRN 7731904 sought", "description": "Der Notarzt war erst nach 20 Minuten bei Frau Lore "
      "Kranz, 77, in der Straße Im Wiesengrund in Baunatal."}, [("description", "address", "Im Wiesengrund"),
                                                             ("description", "address", "Baunatal")]),
    ({"description": "Mme Lucie Perrin, 83 ans, est décédée chez elle, 7 rue des Lilas à Hayange (57700)."},
     [("description", "address", "7 rue des Lilas à Hayange (57700)")]),
])
def test_birthplaces_homes_and_described_ages_in_an_advisory_that_holds_patient_data(
        fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


def test_a_warned_number_says_why_it_blocks() -> None:
    from datetime import UTC, datetime

    from chalicelib.domain.models import Advisory, AdvisoryContent
    from chalicelib.domain.phi import screen_advisory
    from chalicelib.settings import environment_settings

    now = datetime(2026, 11, 23, tzinfo=UTC)
    content = AdvisoryContent(headline="Record MRN 5521907 sent in error",
                              description="A glucose meter (serial GM-4471-8820) was found on the bus.")
    findings = screen_advisory(Advisory(id="adv_t", content=content, author="t", created_at=now, updated_at=now),
                               environment_settings(), now)
    device = next(f for f in findings if f.identifier == "device")
    assert device.blocking
    assert device.message == ("description holds a device identifier in an advisory that holds patient data "
                              "(“GM-4471-8820”): remove it")


@pytest.mark.parametrize("fields,expected", [
    # where a person comes from, said as such, in an advisory that holds patient data
    ({"headline": "Record MRN 5521907 sent in error", "description": "Yanis B., 23 ans, originaire de Montpellier, a "
      "été retrouvé inconscient."}, [("description", "address", "Montpellier")]),
    ({"headline": "NHC 88213344 enviado por error", "description": "Llegó hace catorce años desde su pueblo, "
      "Villanueva de la Serena."}, [("description", "address", "Villanueva de la Serena")]),
    ({"headline": "KVNR A123456780 versehentlich verschickt", "description": "Sie stammt aus Porz und fährt oft "
      "mit der Bahn.", "language": "de"}, [("description", "address", "Porz")]),
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "description": "Elle a quitté son domicile "
      "d'Ergué-Gabéric mardi."}, [("description", "address", "Ergué-Gabéric")]),
    # a house, its street after a comma and its postcode; "she is 92"; a form's name field ending a sentence
    ({"description": "Please look in on Elsie Dunmore at Rose Cottage, Church Lane (IP7 6PX) – she is 92, housebound "
      "and alone."}, [("description", "address", "Church Lane"), ("description", "address", "IP7 6PX"),
                      ("description", "age", "92")]),
    ({"description": "Paciente varón, NHC 00873412, ha abandonado el box 14. Desorientado. Pijama azul. Nombre: "
      "Julián Peña Cortés. Llame al 112."},
     [("description", "name", "Julián Peña Cortés")]),
])
def test_towns_streets_and_fields_of_someone(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("fields", [
    # an outbreak's district, and a clinic's street and postcode, stay the public's
    {"headline": "NHC 88213344 enviado por error", "description": "Hay cuatro casos de legionelosis en el barrio de "
     "Indautxu."},
    {"headline": "Record MRN 5521907 sent in error", "description": "The clinic at St Anne's Church, Church Lane "
     "(IP7 6PX) is open to anyone on Monday."},
])
def test_districts_and_clinics_stay_public(fields: dict[str, Any]) -> None:
    assert [f for f in _blocking(fields) if f[1] == "address"] == []


@pytest.mark.parametrize("fields,expected", [
    # the day of someone's funeral or farewell, in any field of an advisory that holds patient data
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "instruction": "Les obsèques auront lieu le vendredi "
      "10 janvier à 10 h en l'église Saint-Nicolas."}, [("instruction", "date", "vendredi 10 janvier")]),
    ({"headline": "KVNR A123456780 versehentlich verschickt", "instruction": "Am Freitag um 15 Uhr gibt es eine kleine "
      "Andacht im Hof.", "language": "de"}, [("instruction", "date", "Freitag")]),
    ({"headline": "NHC 88213344 enviado por error", "instruction": "La despedida será el sábado en la parroquia."},
     [("instruction", "date", "sábado")]),
])
def test_the_day_of_a_farewell(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


def test_a_farewell_without_patient_data_blocks_nothing() -> None:
    assert _blocking({"description": "The hospital chapel holds a memorial service for staff on Friday 10 January."}) \
        == []


@pytest.mark.parametrize("fields,expected", [
    # where someone lives or once lived, said as such
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "description": "M. Roger Thébault, 83 ans, vit seul au "
      "lieu-dit La Touche."}, [("description", "address", "La Touche")]),
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "description": "Elle pourrait chercher à rejoindre "
      "Quimper, où elle a longtemps vécu."}, [("description", "address", "Quimper")]),
    ({"headline": "Record MRN 5521907 sent in error", "description": "He may be heading for Plano, where he grew up."},
     [("description", "address", "Plano")]),
])
def test_where_someone_lives_or_lived(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("fields,expected", [
    # ages said other ways: after "varón,", "died ... at 58", a small child's months
    ({"description": "Paciente varón, 72 años, NHC 00873412, ha abandonado el box 14."},
     [("description", "age", "72")]),
    ({"headline": "Record MRN 5521907 sent in error", "description": "Linda died on Tuesday, January 21, at 58, after "
      "her own fight with cancer."}, [("description", "age", "58")]),
    ({"headline": "NHC 88213344 enviado por error", "description": "Pasó nueve días en la UCI. Tiene 14 meses y hoy "
      "por fin duerme en casa."}, [("description", "age", "14 meses")]),
    # a place's name ending in a given name is the place's; a licence keyed after the holder's name and birth date
    ({"description": "Josefa Moreno Lara, de 96 años, natural de Argamasilla de Alba, murió el pasado 14 de enero."},
     [("description", "address", "Argamasilla de Alba")]),
    ({"description": "Ein Führerschein auf den Namen Marek Nowak, geboren am 14.02.1987, mit der Nummer B072RRE2I55 "
      "wurde gefunden.", "language": "de"}, [("description", "license", "B072RRE2I55")]),
    # the public addressed in the next clause does not make the day theirs
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "description": "Mme Rose Garnier ne répond plus au "
      "téléphone depuis hier soir : si vous la voyez, prévenez la mairie."}, [("description", "date", "hier soir")]),
    ({"headline": "KVNR A123456780 versehentlich verschickt", "description": "Die Gemeinde bittet alle Nachbarn, nach "
      "Frau Mertens zu schauen – sie kommt seit ihrem Sturz im Juni kaum aus dem Haus.", "language": "de"},
     [("description", "date", "Juni")]),
])
def test_more_ages_places_and_days(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("fields,expected", [
    # a town ending in "-heim" is a town, not a home; a name, then of where, then the age
    ({"description": "Danke: Lea Hofmann aus Frankfurt-Bornheim hat mit ihrem Kanal @lea_hofmann_ffm geholfen.",
      "language": "de"}, [("description", "address", "Frankfurt-Bornheim")]),
    ({"description": "First in the queue was Bill Hartley of Long Preston, who turned 80 in March."},
     [("description", "name", "Bill Hartley"), ("description", "address", "Long Preston"),
      ("description", "age", "80")]),
    # the town after someone's street
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "description": "Il pourrait chercher à rejoindre son "
      "ancienne maison, rue des Acacias à Audincourt."}, [("description", "address", "Audincourt")]),
])
def test_towns_after_names_and_streets(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


def test_a_care_home_is_no_town() -> None:
    found = _blocking({"description": "Frau Erna Vogt, 91, aus dem Seniorenheim wurde am 3. Mai entlassen.",
                       "language": "de"})
    assert ("description", "address", "Seniorenheim") not in found and found, found


@pytest.mark.parametrize("fields,expected", [
    # one person thanked by their first name, then who they are (in an advisory that holds patient data: staff are
    # thanked so too); a first name, then whose relative
    ({"headline": "KVNR A123456780 versehentlich verschickt", "description": "Ein besonderer Dank geht an Lena, die vor "
      "einem Jahr selbst noch bei uns auf Station lag.", "language": "de"}, [("description", "name", "Lena")]),
    ({"headline": "NHC 88213344 enviado por error", "description": "Queremos dar las gracias especialmente a Pilar, "
      "que acompañó cada mañana a los mayores."}, [("description", "name", "Pilar")]),
    ({"description": "Julien a couru aux côtés de Nadia, la mère de son donneur."},
     [("description", "name", "Nadia")]),
    ({"description": "She gave her 1,000th shot to her own 3-year-old grandson, Mateo."},
     [("description", "name", "Mateo")]),
])
def test_first_names_thanked_or_related(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("description", [
    "Danke, Gisela! Nach 40 Jahren auf unserer Station geht sie in den Ruhestand.",
    "Thanks to Marjorie, who worked on Ward 4 for forty years, from all of us.",
    "La empresa Quesería Hermanos Pilar S.L. ha iniciado la retirada del queso.",
])
def test_staff_and_companies_thanked_or_named_are_no_patients(description: str) -> None:
    assert [f for f in _blocking({"description": description}) if f[1] == "name"] == []


@pytest.mark.parametrize("fields,expected", [
    # a newborn welcomed, named as born, and their parents (birth announcements)
    ({"headline": "Welcome, baby Aurora!", "description": "Aurora Whitfield arrived at 1:15 a.m. on January 1, "
      "weighing 6 lb 9 oz. Proud parents Tamsin Whitfield and Joel Okafor of Belper are delighted."},
     [("headline", "name", "Aurora"), ("description", "name", "Aurora Whitfield"),
      ("description", "date", "January 1"), ("description", "name", "Tamsin Whitfield"),
      ("description", "name", "Joel Okafor"), ("description", "address", "Belper")]),
    ({"headline": "¡Bienvenido, Mario!", "description": "Mario nació a las 00:10 y pesó 3,4 kilos. Sus padres, "
      "Irene Castro Gil y Pablo Soto, vecinos de San Fernando, están felices."},
     [("headline", "name", "Mario"), ("description", "name", "Mario"), ("description", "address", "San Fernando")]),
    ({"description": "Um 0:40 Uhr kam Jonas im Kreißsaal zur Welt. Mama Lea Brandt und Papa Timo sind glücklich.",
      "language": "de"}, [("description", "name", "Jonas"), ("description", "name", "Lea Brandt"),
                          ("description", "name", "Timo")]),
    # a nickname; a family thanked without its article; a child's group at nursery and a day in the next clause
    ({"headline": "NHC 88213344 enviado por error", "description": "José, al que en el pueblo conocen como Pepe, "
      "salió de casa anoche."}, [("description", "name", "Pepe")]),
    ({"description": "Unser Dank gilt Familie Brenner: Die Mutter der fünfjährigen Ida hat uns informiert.",
      "language": "de"}, [("description", "name", "Familie Brenner")]),
    ({"description": "Schwer erkrankt ist Emma Krause aus der Bärengruppe, die am Montag ins Krankenhaus gebracht "
      "werden musste - inzwischen geht es ihr besser und sie grüßt alle.", "language": "de"},
     [("description", "name", "Emma Krause"), ("description", "date", "Montag")]),
])
def test_births_nicknames_families_and_groups(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("fields,expected", [
    # where someone lives said other ways: a couple from a town, home after hospital, "habite" with no "à", a care
    # home's town, the home they share, a parish
    ({"description": "Un couple de Lamballe, Yves Le Goff, 80 ans, et Annick Le Goff, 78 ans, est hospitalisé."},
     [("description", "address", "Lamballe")]),
    ({"description": "Bethany Cole, 9, was treated for a bite and has since gone home to Mickleover."},
     [("description", "address", "Mickleover")]),
    ({"description": "M. René Prigent, 84 ans, est désorienté. Il habite Plougastel-Daoulas et marche lentement."},
     [("description", "address", "Plougastel-Daoulas")]),
    ({"description": "Mme Lucienne Roux, 93 ans, résidente de la maison de retraite Les Pins à Lodève, a chuté."},
     [("description", "address", "Lodève")]),
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "description": "Le poêle de leur maison, au 7 impasse "
      "des Mouettes, était défectueux. Léo, 4 ans, et sa sœur vont bien."},
     [("description", "address", "7 impasse des Mouettes")]),
    ({"description": "Un paciente de 80 años de la parroquia de Bascuas, con NHC 00417733, no acudió."},
     [("description", "address", "Bascuas")]),
    ({"description": "Jana Vogel, 31, lebt in einer Wohngemeinschaft in Leipzig-Gohlis und ist seit Freitag vermisst.",
      "language": "de"}, [("description", "address", "Leipzig-Gohlis")]),
    # a police report, a test and a runner's bib in an advisory that names someone
    ({"description": "Kerry Dunn, 44, was hit by a van on Friday.", "instruction": "Witnesses, please call 101 and "
      "quote reference 6610 118 274."}, [("instruction", "other_id", "6610 118 274")]),
    ({"description": "Frau Ilse Kern, 77, wurde bestohlen.", "instruction": "Hinweise an die Polizeiinspektion 12 "
      "(Vorgangsnummer 250402-0915-012).", "language": "de"}, [("instruction", "other_id", "250402-0915-012")]),
    ({"description": "Iñaki Olano, de 52 años, sufrió un atraco.", "instruction": "Indique la denuncia n.º "
      "SS-2025-008812."}, [("instruction", "other_id", "SS-2025-008812")]),
    ({"description": "Marc Tessier, 41 ans, dossard 18822, a fait un malaise au 30e kilomètre."},
     [("description", "other_id", "18822")]),
    # ages as a headline writes them; a regional health card
    ({"headline": "Wer hat Jonas gesehen? 19-Jähriger aus Cottbus vermisst", "description": "Jonas Wendt, 19, wurde "
      "zuletzt am Bahnhof gesehen.", "language": "de"},
     [("headline", "age", "19-Jähriger")]),
    ({"headline": "Have you seen Chelsea? 31-year-old missing from Thornbury", "description": "Chelsea Marsh, 31, "
      "was last seen on the high street."}, [("headline", "age", "31-year-old")]),
    ({"description": "Datos: Ana Pons Vidal, SIP 04471230, inicio de síntomas 02/03."},
     [("description", "health_plan", "04471230")]),
])
def test_homes_police_references_headline_ages_and_cards(fields: dict[str, Any],
                                                         expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("fields", [
    {"description": "El funeral se celebrará el sábado en la parroquia de San Lorenzo."},
    {"headline": "Midwife Rhian Pugh named Community Hero of the Year", "description": "Rhian has worked here for 20 years."},
    {"description": "Für den Ortsteil Auenfeld gilt eine Evakuierungsempfehlung."},
    {"description": "Hugo Boss recalls a batch of scarves.", "hashtags": ["Welcome_Spring"]},
    {"description": "Si nació después de 1970 y no tiene dos dosis, vacúnese."},
])
def test_what_births_parishes_and_years_leave_alone(fields: dict[str, Any]) -> None:
    assert _blocking(fields) == []


@pytest.mark.parametrize("fields", [
    # a public service's own line named before it; a signature with its office; a venue named like a person
    {"contact": "Giftinformationszentrum Nord: 0551 19240", "language": "de"},
    {"contact": "Centro de Información Toxicológica: 93 227 54 00", "language": "es"},
    {"contact": "Centre antipoison de Lyon : 04 72 11 69 11", "language": "fr"},
    {"description": "Viele Kinder fehlen wegen Durchfall. Mit freundlichen Grüßen, Jana Roth, Schulleiterin",
     "language": "de"},
    {"description": "A food worker at the Golden Fork Diner, 2210 W. Main St., Springfield, has hepatitis A."},
    {"headline": "Mrs Pennington's Bakery recalls scones", "description": "Scones sold on 4 and 5 May are recalled."},
    # a count after a key; a regulator's authorisation number; a care home's street; a club's president thanked
    {"description": "Se expusieron los datos de cita de unos 18.500 pacientes; no hay datos clínicos."},
    {"description": "Der Hersteller ruft den Saft zurück (Zul.-Nr. 61234.00.00, PZN 12345678).", "language": "de"},
    {"description": "The council is supporting Birch Lodge care home on Marsh Lane, Ely, after 9 residents fell ill."},
    {"description": "Merci à Paul Mercier, président de l'Amicale des donneurs de sang, pour sa 100e collecte."},
    {"description": "The state Attorney General's office is investigating under case reference AG-2025-FR-1187."},
])
def test_public_lines_signatures_venues_and_counts_block_nothing(fields: dict[str, Any]) -> None:
    assert _blocking(fields) == []


def test_a_private_line_beside_a_public_service_still_blocks() -> None:
    found = _blocking({"description": "Reach the poison centre on 0800 000 111, or call Owen's mum, Tara Bell, on "
                                      "her mobile 07700 900318."})
    assert ("description", "phone", "07700 900318") in found, found


@pytest.mark.parametrize("fields,expected", [
    # in an advisory that holds patient data, a street address no place's name leads to is someone's home
    ({"description": "Les pompiers sont intervenus au 9 rue des Glycines à Tourcoing. M. Paul Henry, 70 ans, est "
      "hospitalisé."}, [("description", "address", "9 rue des Glycines")]),
    ({"description": "Mr Dev Patel's letter (NHS number 943 476 5919) was delivered to 18 Harcourt Grove instead."},
     [("description", "address", "18 Harcourt Grove")]),
])
def test_a_street_address_no_place_leads_to_is_someones_home(fields: dict[str, Any],
                                                               expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


def test_a_places_street_address_stays_a_warning_beside_patient_data() -> None:
    found = _blocking({"description": "Mme Claire Roy, 80 ans, a été hospitalisée le 3 mai. Vaccination au centre "
                                      "municipal de santé, 8 place Joannès-Ambre, et à la Pharmacie du Parc, 2 rue "
                                      "Nationale."})
    assert not [f for f in found if f[1] == "address"], found


@pytest.mark.parametrize("fields,expected", [
    # a holiday, the night an incident spans, a German day and month after a weekday or "ab dem"
    ({"description": "Kerry Lomax, 34, was taken to hospital with her family on Christmas Day."},
     [("description", "date", "Christmas Day")]),
    ({"description": "Frau Helga Brandt, 81, musste am Pfingstsonntag ins Krankenhaus.", "language": "de"},
     [("description", "date", "Pfingstsonntag")]),
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "description": "Une famille de quatre personnes a été "
      "intoxiquée dans la nuit du 7 au 8 février par un poêle."}, [("description", "date", "7 au 8 février")]),
    ({"description": "Seit Donnerstagabend, 9.4., wird Erich Vogel, 82, aus Fürth vermisst.", "language": "de"},
     [("description", "date", "9.4.")]),
    # nicknames in quotes, after the verb that gives them or before it
    ({"description": "Les bénévoles s'inquiètent pour Marcel Huet, 61 ans, que tout le monde appelle « Cheche »."},
     [("description", "name", "Cheche")]),
    ({"description": "Eine 16-Jährige, die alle nur „Kiki“ genannt wird, wurde behandelt.", "language": "de"},
     [("description", "name", "Kiki")]),
])
def test_holidays_nights_short_days_and_nicknames(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("fields", [
    {"description": "Our clinics are closed on Christmas Day and open again on Boxing Day."},
    {"description": "Storm Ciarán was called the worst storm in years by the Met Office."},
    {"description": "Dans la nuit du 2 au 3 janvier, la tempête a coupé l'électricité de 4 000 foyers."},
])
def test_holidays_nights_and_names_of_things_stay_public(fields: dict[str, Any]) -> None:
    assert _blocking(fields) == []


@pytest.mark.parametrize("fields,expected", [
    # a town's postcode in brackets after someone's street; the town after a birth date; near someone's home
    ({"headline": "NHC 88213344 enviado por error", "description": "Rosario salió de su casa de la calle Cervantes, "
      "en Andújar (23740), el lunes."}, [("description", "address", "23740")]),
    ({"description": "Die Klinik sucht Herrn Jonas Krämer, geb. 14.09.1988, aus Freiburg-Herdern.", "language": "de"},
     [("description", "address", "Freiburg-Herdern")]),
    ({"headline": "Dossier IPP 004471902 envoyé par erreur", "description": "Une fillette de 6 ans a été mordue devant "
      "chez elle, rue des Mésanges, à Saint-Herblain."},
     [("description", "address", "rue des Mésanges"), ("description", "address", "Saint-Herblain")]),
])
def test_postcodes_birth_towns_and_homes(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


@pytest.mark.parametrize("fields,expected", [
    # the day of an incident, whose next sentence names whom it befell
    ({"description": "The pharmacy told us that on April 9 a prescription for digoxin was filled with the wrong "
      "strength. The label was printed for Harold Pike (DOB 02/11/1939)."}, [("description", "date", "April 9")]),
    ({"description": "Am Montag, 3. Februar, wurde in einer Apotheke das falsche Medikament ausgegeben. Das Rezept "
      "lautete auf Frau Greta Lindner, Krankenversichertennummer K820419357.", "language": "de"},
     [("description", "date", "Montag, 3. Februar")]),
])
def test_the_day_of_what_befell_someone_named_next(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    found = _blocking(fields)
    assert all(e in found for e in expected), found


def test_a_day_before_a_sentence_without_anyone_stays_public() -> None:
    found = _blocking({"description": "Harold Pike (DOB 02/11/1939) was admitted. Clinics reopen on April 9. "
                                      "Appointments can be booked online."})
    assert ("description", "date", "April 9") not in found, found
