"""Screening for patient data (HIPAA: none in public posts) and banned claims.

Blocks: phone numbers (found with `phonenumbers`) and e-mail addresses that are not on the
organisation's allow-list (a public hotline, the press office), MRN-like identifiers, and a
date of birth (after a DOB / born keyword, or right after a person's name).
"""
from __future__ import annotations

import re
from datetime import datetime, UTC
from functools import lru_cache
from collections.abc import Iterable

from chalicelib.domain.screening import Finding
from chalicelib.domain.org import OrgSettings

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
MRN = re.compile(r"\b(?:MRN|medical record(?: number| no\.?)?|patient (?:id|number|no\.?))\s*[:#-]?\s*"
                 r"([A-Z]{0,3}\d[\dA-Z-]{4,})\b", re.IGNORECASE)
MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}} {MONTHS},? \d{{4}}"
        rf"|{MONTHS} \d{{1,2}},? \d{{4}})")
DOB = re.compile(rf"\b(?:DOB|D\.O\.B\.?|date of birth|birth ?date|born(?: on)?)\b\s*[:#-]?\s*({DATE})",
                 re.IGNORECASE)
NAME_THEN_DATE = re.compile(rf"\b([A-Z][a-z]+(?: [A-Z]\.)? [A-Z][a-z]+)\s*(?:,|\()\s*({DATE})")
YEAR = re.compile(r"(\d{4})|\d{1,2}[/.-]\d{1,2}[/.-](\d{2})\b")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@lru_cache(maxsize=8)
def _allowed_numbers(allowlist: tuple[str, ...], region: str) -> frozenset[str]:
    import phonenumbers

    out = set()
    for entry in allowlist:
        out.add(_digits(entry))
        try:
            number = phonenumbers.parse(entry, region)
            out.add(_digits(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)))
            out.add(str(number.national_number))
        except phonenumbers.NumberParseException:
            pass
    return frozenset(out)


def phone_findings(field: str, text: str, settings: OrgSettings,
                   taken: Iterable[tuple[int, int]] = ()) -> list[Finding]:
    """Phone numbers not on the allow-list; digits already reported as an MRN or date are skipped."""
    import phonenumbers

    taken = list(taken)
    allowed = _allowed_numbers(settings.phone_allowlist, settings.phone_region)
    findings = []
    for match in phonenumbers.PhoneNumberMatcher(text, settings.phone_region,
                                                 leniency=phonenumbers.Leniency.POSSIBLE):
        e164 = _digits(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
        if {e164, _digits(match.raw_string), str(match.number.national_number)} & allowed:
            continue
        if any(start < match.end and match.start < end for start, end in taken):
            continue
        findings.append(Finding(code="phi_phone_number", field=field, start=match.start, end=match.end, message=(
            f"{field} contains the phone number {match.raw_string}, which is not on the allow-list: "
            "remove it, or ask an admin to allow-list it if it is a public line")))
    return findings


def email_findings(field: str, text: str, settings: OrgSettings) -> list[Finding]:
    allowed = {a.lower() for a in settings.email_allowlist}
    return [Finding(code="phi_email", field=field, start=m.start(), end=m.end(), message=(
                f"{field} contains the e-mail address {m.group(0)}, which is not on the allow-list"))
            for m in EMAIL.finditer(text)
            if m.group(0).lower() not in allowed and m.group(1).lower() not in allowed]


def _is_past_birth(date_text: str, now: datetime) -> bool:
    found = YEAR.search(date_text)
    if not found:
        return True
    year = int(found.group(1)) if found.group(1) else 1900 + int(found.group(2))
    return year < now.year


def identity_findings(field: str, text: str, now: datetime) -> tuple[list[Finding], list[tuple[int, int]]]:
    """Record numbers and birth dates, with the spans they cover."""
    records = list(MRN.finditer(text))
    births = list(DOB.finditer(text))
    named = [m for m in NAME_THEN_DATE.finditer(text) if _is_past_birth(m.group(2), now)]
    findings = [Finding(code="phi_record_number", field=field, start=m.start(), end=m.end(),
                        message=f"{field} contains what looks like a medical record number ({m.group(0)}): remove it")
                for m in records]
    findings += [Finding(code="phi_birth_date", field=field, start=m.start(), end=m.end(),
                         message=f"{field} contains a date of birth ({m.group(0)}): remove it") for m in births]
    findings += [Finding(code="phi_name_and_birth_date", field=field, start=m.start(), end=m.end(), message=(
                     f"{field} names a person next to a date ({m.group(0)}): remove the patient's details"))
                 for m in named]
    return findings, [m.span() for m in (*records, *births, *named)]


def claim_findings(field: str, text: str, settings: OrgSettings) -> list[Finding]:
    lowered = text.lower()
    found = ((claim, re.search(rf"(?<!\w){re.escape(claim.lower())}(?!\w)", lowered))
             for claim in settings.banned_claims)
    return [Finding(code="banned_claim", field=field, start=m.start(), end=m.end(),
                    message=f"{field} makes the claim \u201c{claim}\u201d, which is not allowed")
            for claim, m in found if m]


def scan(fields: Iterable[tuple[str, str]], settings: OrgSettings,
         now: datetime | None = None) -> list[Finding]:
    """Every patient-data and banned-claim finding in the named text fields."""
    now = now or datetime.now(UTC)
    findings: list[Finding] = []
    for name, text in fields:
        if not text:
            continue
        identity, spans = identity_findings(name, text, now)
        findings += identity
        findings += phone_findings(name, text, settings, spans)
        findings += email_findings(name, text, settings)
        findings += claim_findings(name, text, settings)
    return findings
