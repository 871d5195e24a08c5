"""Screening for patient data (HIPAA: none in public posts), banned claims and plain language.

`screen_advisory` reads every field that goes public (screening.public_fields: the texts in every
language, area, contact, the `web` link, hashtags and the admin-written wordings) for the HIPAA
Safe Harbor identifiers and their European equivalents (phi_detect.py), in English, Spanish,
French and German. Each finding names the identifier class (`identifier`) and its span (field,
start, end in code points), so the console marks it; a confident one blocks, a weaker one warns the
spokesperson and the approver. Phone numbers and e-mail addresses on the organisation's
allow-lists (a public hotline, the press office) are fine.

The detectors (python-stdnum, phonenumbers, the compiled patterns) load on the first screen, not
at `import app`: bench/phi_bench.py measures that first screen and the time per advisory.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.models import Advisory
from chalicelib.domain.org import OrgSettings
from chalicelib.domain.screening import Finding, public_fields

if TYPE_CHECKING:
    from chalicelib.domain.phi_detect import Context, Hit

# The finding code of each identifier class (phone, e-mail and record numbers keep their old codes).
CODES = {"phone": "phi_phone_number", "email_address": "phi_email", "mrn": "phi_record_number"}
LABELS = {"name": "a patient's name", "date": "a date tied to a person", "age": "an age over 89",
          "address": "an address", "phone": "a phone number", "email_address": "an e-mail address",
          "ssn": "a social security number", "nhs_number": "an NHS number", "nir": "a French NIR",
          "kvnr": "a German health insurance number", "nhc": "a clinical history number",
          "mrn": "a medical record number", "health_plan": "a health plan number", "account": "an account number",
          "license": "a licence number", "vehicle": "a vehicle identifier", "device": "a device identifier",
          "url": "a link that identifies a person", "ip": "an IP address",
          "other_id": "another number that identifies a person"}
# The phone regions a language's text is read in, besides the organisation's own.
LANGUAGE_REGIONS = {"en": ("US", "GB"), "es": ("ES",), "fr": ("FR",), "de": ("DE",)}


def _regions(settings: OrgSettings, language: str | None) -> tuple[str, ...]:
    regions = [settings.phone_region]
    if language:
        root, _, rest = language.partition("-")
        if len(rest) == 2 and rest.isalpha():
            regions.append(rest.upper())
        regions += LANGUAGE_REGIONS.get(root.lower(), ())
    return tuple(dict.fromkeys(regions))


def _context(settings: OrgSettings, language: str | None, kind: str) -> Context:
    from chalicelib.domain.phi_detect import Context, allowed_numbers

    regions = _regions(settings, language)
    allowed = frozenset().union(*(allowed_numbers(settings.phone_allowlist, r) for r in regions))
    return Context(regions=regions, phone_allow=allowed,
                   email_allow=frozenset(a.lower() for a in settings.email_allowlist), kind=kind)


def identifier_findings(field: str, text: str, settings: OrgSettings, language: str | None = None,
                        kind: str = "text", known: frozenset[str] = frozenset(),
                        possible: list[Hit] | None = None) -> list[Finding]:
    """Every Safe Harbor identifier in one field's text. The area is read as an area: a single
    street address there is someone's home. `known`: words of names found in other fields.
    `possible` receives private-looking names nothing in the field ties to a patient."""
    from chalicelib.domain.phi_detect import detect

    kind = "area" if field == "area_desc" and kind == "text" else kind
    return _findings(field, detect(text, _context(settings, language, kind), known, possible))


def _identifiers(read: Sequence[tuple[str, str, str, str | None]], settings: OrgSettings) -> list[list[Finding]]:
    """Each field's identifiers, in two passes: the names found anywhere are then read again in the
    texts that mention them, so a date, age or address beside "Manuel" in the description is tied
    to him although his full name is only in the headline. Once a field holds a sure identifier,
    the private-looking names no rule tied to a patient are sure too (`_in_a_patients_advisory`),
    and the second pass reads what is beside them. `read`: (field, text, kind, language)."""
    from chalicelib.domain.phi_detect import historic_names, second_reading

    historic = historic_names(text for _, text, kind, _ in read if kind == "text")  # read once, used per pass
    possible: list[list[Hit]] = [[] for _ in read]
    found = [identifier_findings(name, text, settings, language, kind, possible=maybe)
             for (name, text, kind, language), maybe in zip(read, possible, strict=True)]
    found = _of_history(read, _public_names(read, _venues_in_the_area(read, found)), historic)
    patients = any(f.blocking for field in found for f in field) or _described_enough(read, found, possible)
    ruled = found  # what the rules found: the second reading is for what they did not cover
    if patients:
        found = [field + _in_a_patients_advisory(name, maybe, field)
                 for (name, _, _, _), field, maybe in zip(read, found, possible, strict=True)]
    fields = [(name, text, kind) for name, text, kind, _ in read]
    known = frozenset(names_known(fields, [f for field in found for f in field]))
    for index, (name, text, kind, language) in enumerate(read if known else ()):
        covered = [(f.start, f.end) for f in ruled[index] if f.blocking and f.start is not None and f.end is not None]
        if kind == "text" and any(not any(s < b and a < e for s, e in covered)
                                  for a, b in second_reading(text, name, known)):
            maybe: list[Hit] = []
            found[index] = identifier_findings(name, text, settings, language, kind, known, maybe)
            if patients:
                found[index] += _in_a_patients_advisory(name, maybe, found[index])
    if patients:
        found = [[_someones_too(f, text) for f in field] +
                 (_someones(name, text, language, field) if kind == "text" else [])
                 for (name, text, kind, language), field in zip(read, found, strict=True)]
        found = _town_echoes(read, found)
    return _of_history(read, found, historic)  # the second reading may name them again


def _town_echoes(read: Sequence[tuple[str, str, str, str | None]], found: list[list[Finding]]) -> list[list[Finding]]:
    """A town found as someone's in one field is theirs in every text field and hashtag ("missing Kendal
    teenager", "#Kendal"); the area stays the alert's, which the area's own reading screens."""
    from chalicelib.domain.phi_detect import town_echoes, towns_of

    towns = towns_of(text[f.start:f.end] for (_, text, _, _), field in zip(read, found, strict=True)
                     for f in field if f.identifier == "address" and f.blocking and f.start is not None)
    if not towns:
        return found
    out = []
    for (name, text, kind, _), field in zip(read, found, strict=True):
        taken = _spans(field)
        echoes = town_echoes(text, kind, towns) if kind in ("text", "hashtags") and name != "area_desc" else ()
        out.append(field + _findings(name, (h for h in echoes if not any(s < h.end and h.start < e for s, e in taken))))
    return out


# How many kinds of what reads as someone's in one sentence make them someone: "a 61-year-old man found on Wednesday
# afternoon in Linden" is one person, described by three things no rule alone ties to him.
ENOUGH_KINDS = 3


def _described_enough(read: Sequence[tuple[str, str, str, str | None]], found: Sequence[Sequence[Finding]],
                      possible: Sequence[Sequence[Hit]]) -> bool:
    """Whether one sentence describes one person by ENOUGH_KINDS kinds of identifier no rule made sure (a
    private-looking name, their age, town or street, a day, a handle): together they are someone's."""
    from chalicelib.domain.phi_detect import one_person_sentences, someones

    for (_, text, kind, language), field, maybe in zip(read, found, possible, strict=True):
        for start, end in one_person_sentences(text) if kind == "text" else ():  # read only those: it is cheaper
            taken = [(a - start, b - start) for a, b in _spans(field) if start <= a < end]
            kinds = {hit.cls for hit in someones(text[start:end], taken, language)} | \
                {hit.cls for hit in maybe if start <= hit.start < end}
            if len(kinds) >= ENOUGH_KINDS:
                return True
    return False


def _someones(field: str, text: str, language: str | None, found: Sequence[Finding]) -> list[Finding]:
    """In an advisory that holds patient data, the towns, ages and days no rule tied that read as someone's
    (phi_detect.someones): they block with the rest."""
    from chalicelib.domain.phi_detect import someones

    return _in_a_patients_advisory(field, someones(text, _spans(found), language), found)


def _in_a_patients_advisory(field: str, possible: Iterable[Hit], found: Sequence[Finding]) -> list[Finding]:
    """Once an advisory is sure to hold someone's data, the private-looking names in it block too:
    the text is about people, and "thanks to Priya" or a rescuer's name beside a patient's MRN is
    theirs as much. Without a sure finding they stay unflagged (most are then places or speakers).
    `found`: the field's findings, which the names must not overlap. The message says what each is ("the age
    of a person", not "an age over 89")."""
    taken = _spans(found)
    return [Finding(code=CODES.get(hit.cls, f"phi_{hit.cls}"), identifier=hit.cls, field=field, start=hit.start,
                    end=hit.end, blocking=True, message=f"{field} holds {hit.why} in an advisory that holds "
                                                        f"patient data (“{_excerpt(hit.text)}”): remove it")
            for hit in possible if not any(s < hit.end and hit.start < e for s, e in taken)]


# The numbers a rule warns of without a key that says whose they are: a device's serial, a number in a sentence about
# someone, the shape of a social security number.
PERSONS_NUMBERS = frozenset({"device", "other_id", "ssn", "mrn", "health_plan", "account", "license", "vehicle"})


def _someones_too(finding: Finding, text: str) -> Finding:
    """In an advisory that holds patient data, what a rule only warned of blocks with the rest when it reads as
    someone's: a number without a key ("a hearing aid (n° de série 2213X0457) ... Il appartiendrait à Léo"), a
    street address no place's name leads to ("les secours sont intervenus au 14 rue des Acacias"). `text`: the
    finding's field."""
    from chalicelib.domain.phi_detect import a_home_address

    if finding.blocking or finding.start is None or finding.end is None:
        return finding
    if finding.identifier in PERSONS_NUMBERS:
        what = LABELS[finding.identifier]
    elif finding.identifier == "address" and finding.field != "area_desc" and \
            a_home_address(text, finding.start, finding.end):
        what = "a street address that reads as someone's home"
    else:
        return finding
    message = f"{finding.field} holds {what} in an advisory that holds patient data " \
              f"(“{_excerpt(text[finding.start:finding.end])}”): remove it"
    return finding.model_copy(update={"blocking": True, "message": message})


def _spans(findings: Iterable[Finding]) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in findings if f.start is not None and f.end is not None]


def _of_history(read: Sequence[tuple[str, str, str, str | None]], found: list[list[Finding]],
                historic: frozenset[str]) -> list[list[Finding]]:
    """A name the texts write with a life long over ("Robert Koch (1843-1910)") is history's in
    every field: the headline's "Robert Koch" and "#RobertKoch" warn instead of blocking.
    `historic`: the folded words of those names (phi_detect.historic_names)."""
    from chalicelib.domain.phi_detect import of_history

    if not historic:
        return found
    return [[_warning(f, f"{name} names a person of history (“{text[f.start:f.end]}”); check it is not a patient")
             if f.identifier == "name" and f.blocking and f.start is not None
             and of_history(text[f.start:f.end], historic) else f for f in findings]
            for (name, text, _, _), findings in zip(read, found, strict=True)]


def _venues_in_the_area(read: Sequence[tuple[str, str, str, str | None]],
                        found: list[list[Finding]]) -> list[list[Finding]]:
    """A street address alone as the area is read as someone's home; when the text gives the same
    address as a public place's ("ouvre ses portes au 12 rue Gabriel-Péri"), it is that place."""
    venues = {_street_key(text[f.start:f.end]) for (name, text, kind, _), findings in zip(read, found, strict=True)
              if name != "area_desc" and kind == "text"
              for f in findings if f.identifier == "address" and not f.blocking and f.start is not None}
    out = []
    for (name, text, _, _), findings in zip(read, found, strict=True):
        out.append([_warning(f, f"{name} gives the address of a public place named in the text "
                                f"(“{text[f.start:f.end]}”); check it is not someone's home")
                    if name == "area_desc" and f.identifier == "address" and f.blocking and f.start is not None
                    and _street_key(text[f.start:f.end]) in venues else f for f in findings])
    return out


def _public_names(read: Sequence[tuple[str, str, str, str | None]],
                  found: list[list[Finding]]) -> list[list[Finding]]:
    """A link or a hashtag that spells a name the texts write only as a place's or history's
    ("/trinidad-arroyo" for the "centro de especialidades Doctora Trinidad Arroyo", "#RobertKoch" for
    the man born in 1843) is the place's or the day's: a warning, not a block."""
    from chalicelib.domain.phi_detect import only_public_in

    texts = [text for _, text, kind, _ in read if kind == "text"]
    out = []
    for (name, text, kind, _), findings in zip(read, found, strict=True):
        out.append([_warning(f, f"{name} spells a name the text gives a place or history "
                                f"(“{text[f.start:f.end]}”); check it is not a person's")
                    if (kind, f.identifier) in (("url", "url"), ("hashtags", "name")) and f.blocking
                    and f.start is not None and only_public_in(text[f.start:f.end], texts) else f
                    for f in findings])
    return out


def _warning(finding: Finding, message: str) -> Finding:
    """A finding another field shows to be public: it warns, with why, instead of blocking."""
    return finding.model_copy(update={"blocking": False, "message": message})


# The kinds of street, written out or short: "C/ Augusto Figueroa 24" is "calle Augusto Figueroa 24".
STREET_KINDS = frozenset({"calle", "c", "avenida", "avda", "av", "avenue", "ave", "rue", "boulevard", "bd", "blvd",
                          "street", "st", "road", "rd", "straße", "strasse", "str", "plaza", "pza", "place", "pl"})


def _street_key(address: str) -> frozenset[str]:
    """The words of an address up to its first comma, in lower case, without the street's kind:
    "12 rue Gabriel-Péri" -> {"12", "gabriel-péri"}."""
    return frozenset(re.findall(r"\w[\w'-]*", address.split(",")[0].lower())) - STREET_KINDS


def _findings(field: str, hits: Iterable[Hit]) -> list[Finding]:
    findings = []
    for hit in hits:
        what = LABELS[hit.cls]
        excerpt = _excerpt(hit.text)
        message = (f"{field} contains {hit.why} (“{excerpt}”): remove it" if hit.blocking else
                   f"{field} may contain {what} (“{excerpt}”): {hit.why}; check before submitting")
        findings.append(Finding(code=CODES.get(hit.cls, f"phi_{hit.cls}"), identifier=hit.cls, field=field,
                                start=hit.start, end=hit.end, blocking=hit.blocking, message=message))
    return findings


def _excerpt(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def claim_findings(field: str, text: str, settings: OrgSettings) -> list[Finding]:
    lowered = text.lower()
    found = ((claim, re.search(rf"(?<!\w){re.escape(claim.lower())}(?!\w)", lowered))
             for claim in settings.banned_claims)
    return [Finding(code="banned_claim", field=field, start=m.start(), end=m.end(),
                    message=f"{field} makes the claim \u201c{claim}\u201d, which is not allowed")
            for claim, m in found if m]


def _language_of(field: str) -> str | None:
    return field.split(".")[1] if field.startswith("translations.") else None


def names_known(fields: Sequence[tuple[str, str, str]], findings: Sequence[Finding]) -> set[str]:
    """The words of every name found (blocking) in a text, and of a name a person's link spells
    that a text also writes. `fields` are (field, text, kind)."""
    from chalicelib.domain.phi_detect import family_given_names, name_words, slug_names

    texts = {name: text for name, text, kind in fields if kind == "text"}  # a hashtag's words hold more than the name
    every = {name: text for name, text, _ in fields}
    words: set[str] = set()
    for f in findings:
        if not f.blocking or f.start is None or f.end is None:
            continue
        if f.identifier == "name" and f.field in texts:
            words |= name_words(texts[f.field][f.start:f.end])
        elif f.identifier == "url" and f.field in every:
            words |= slug_names(every[f.field][f.start:f.end], texts.values())
    return words | family_given_names(texts.values(), words) if words else words


def name_echoes(fields: Sequence[tuple[str, str, str]], findings: Sequence[Finding]) -> list[Finding]:
    """A name found in one place is a name everywhere in the advisory: "Kieran Walsh" in the
    description makes "Kieran" in the instruction, "#PrayForKieran" and "/kieran-walsh" in the
    link sure too. `fields` are (field, text, kind); only what no finding covers is added."""
    from chalicelib.domain.phi_detect import echoes

    words = names_known(fields, findings)
    if not words:
        return []
    out: list[Finding] = []
    for name, text, kind in fields:
        covered = [(f.start, f.end) for f in findings if f.field == name and f.blocking
                   and f.start is not None and f.end is not None]
        out += _findings(name, (h for h in echoes(text, kind, words)
                                if not any(s < h.end and h.start < e for s, e in covered)))
    return out


def scan(fields: Iterable[tuple[str, str]], settings: OrgSettings, now: datetime | None = None,
         language: str | None = "en") -> list[Finding]:
    """Every patient-data and banned-claim finding in the named text fields (a translation's
    field, "translations.fr.description", is read in its own language as well)."""
    read = [(name, text, "text", _language_of(name) or language) for name, text in fields if text]
    return _screen(read, settings)


def screen_advisory(advisory: Advisory, settings: OrgSettings, now: datetime | None = None) -> list[Finding]:
    """Patient data and banned claims in every public field, and the reading grade of each language."""
    read = [(name, text, kind, language) for name, text, kind, language in public_fields(advisory) if text]
    return _screen(read, settings) + plain_language(advisory)


def _screen(read: Sequence[tuple[str, str, str, str | None]], settings: OrgSettings) -> list[Finding]:
    findings: list[Finding] = []
    for (name, text, kind, _), identifiers in zip(read, _identifiers(read, settings), strict=True):
        findings += identifiers
        if kind == "text":
            findings += claim_findings(name, text, settings)
    return findings + name_echoes([(name, text, kind) for name, text, kind, _ in read], findings)


def plain_language(advisory: Advisory) -> list[Finding]:
    """One non-blocking finding per language with its reading grade (goal: grade 8 or below)."""
    from chalicelib.domain import readability

    content = advisory.content
    texts = [(content.language, "", content)] + [(tag, f"translations.{tag}.", text)
                                                   for tag, text in content.translations.items()]
    findings = []
    for language, prefix, text in texts:
        body = "\n".join(t for t in (text.headline, text.description, text.instruction, text.required_text) if t)
        result = readability.grade(body, language)
        if result is None:
            continue
        field = prefix + ("description" if text.description else "instruction" if text.instruction else "headline")
        verdict = ("within the CDC Clear Communication Index goal of grade 8 or below"
                   if result.grade <= readability.GOAL else
                   "above the CDC Clear Communication Index goal of grade 8: use shorter sentences and everyday words")
        findings.append(Finding(code="reading_grade", field=field, blocking=False, message=(
            f"Reading grade {result.grade:g} ({result.formula}, {language}): {verdict}")))
    return findings


# ---------------------------------------------------------------------------------------------
# A second opinion (Amazon Comprehend Medical DetectPHI on deployed stages, English only)
# ---------------------------------------------------------------------------------------------
# Comprehend Medical's PHI types and the identifier classes they stand for; PROFESSION is not
# an identifier (a "nurse" is not a patient), and a DATE only when a NAME is in the same field.
SECOND_OPINION_CLASSES = {"NAME": "name", "AGE": "age", "ADDRESS": "address", "EMAIL": "email_address",
                          "ID": "mrn", "PHONE_OR_FAX": "phone", "URL": "url", "DATE": "date"}
SECOND_OPINION_MIN_SCORE = 0.5


@dataclass(frozen=True)
class PhiEntity:
    """What the second opinion found: its own type name, the span in the text sent, its score."""

    type: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class SecondOpinionBatch:
    """Several fields joined into one text, so one call reads them: `parts` are (field, text, offset)."""

    text: str
    parts: tuple[tuple[str, str, int], ...]

    def by_field(self, entities: Iterable[PhiEntity]) -> dict[str, list[PhiEntity]]:
        """The entities of each field, with offsets in that field's own text (an entity that runs
        across two fields is no finding in either)."""
        out: dict[str, list[PhiEntity]] = {}
        for entity in entities:
            for name, text, offset in self.parts:
                if offset <= entity.start and entity.end <= offset + len(text):
                    out.setdefault(name, []).append(PhiEntity(entity.type, entity.start - offset,
                                                              entity.end - offset, entity.score))
                    break
        return out


SEPARATOR = "\n\n"


def second_opinion_batches(advisory: Advisory, max_bytes: int) -> list[SecondOpinionBatch]:
    """The English free text of every public field (Comprehend Medical reads no other language),
    in as few texts of at most `max_bytes` of UTF-8 as the fields fit (a longer field alone)."""
    batches: list[SecondOpinionBatch] = []
    parts: list[tuple[str, str, int]] = []
    text, size = "", 0
    for name, value, kind, language in public_fields(advisory):
        if not value or kind != "text" or not language.lower().startswith("en"):
            continue
        length = len(value.encode("utf-8")) + len(SEPARATOR)
        if parts and size + length > max_bytes:
            batches.append(SecondOpinionBatch(text, tuple(parts)))
            text, parts, size = "", [], 0
        parts.append((name, value, len(text)))
        text, size = text + value + SEPARATOR, size + length
    if parts:
        batches.append(SecondOpinionBatch(text, tuple(parts)))
    return batches


def second_opinion_findings(field: str, text: str, entities: Sequence[PhiEntity],
                            found: Sequence[Finding]) -> list[Finding]:
    """Warnings for what the second opinion found and the screen did not: it never blocks on its
    own (it names officials and public dates too); the spokesperson and the approver judge."""
    kinds = {e.type for e in entities if e.score >= SECOND_OPINION_MIN_SCORE}
    taken: list[tuple[int, int]] = [(f.start, f.end) for f in found
                                    if f.field == field and f.start is not None and f.end is not None]
    out: list[Finding] = []
    for entity in entities:
        cls = SECOND_OPINION_CLASSES.get(entity.type)
        if (cls is None or entity.score < SECOND_OPINION_MIN_SCORE or not 0 <= entity.start < entity.end <= len(text)
                or (cls == "date" and "NAME" not in kinds)
                or (cls == "age" and not _over_89(text[entity.start:entity.end]))
                or any(s < entity.end and entity.start < e for s, e in taken)):
            continue
        excerpt = text[entity.start:entity.end][:60]
        out.append(Finding(code=f"phi_{cls}", identifier=cls, field=field, start=entity.start, end=entity.end,
                           blocking=False, message=(
                               f"{field} may contain {LABELS[cls]} (“{excerpt}”): Amazon Comprehend Medical reads "
                               f"it as {entity.type.lower().replace('_', ' ')} ({entity.score:.0%}); "
                               "check before submitting")))
        taken.append((entity.start, entity.end))
    return out


def second_opinion_unavailable(reason: str) -> Finding:
    return Finding(code="phi_second_opinion_unavailable", blocking=False, message=(
        f"The second opinion on patient data (Amazon Comprehend Medical) did not answer: {reason}. "
        "Clarion's own screen ran; check the text yourself."))


def _over_89(value: str) -> bool:
    digits = re.search(r"\d{2,3}", value)
    return digits is not None and int(digits.group()) >= 90
