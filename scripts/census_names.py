"""Write chalicelib/domain/data/census_names.txt: the given names and commonest surnames the
patient-data screen reads hashtags and links with (phi_detect.census_names).

    .venv/bin/python scripts/census_names.py [--check]

The lists are the US Census Bureau's 1990 name frequencies (public domain), as the `names`
package (MIT, requirements-dev.txt) ships them: every given name (5,163) and the 20,000 commonest
surnames, lower case, less everyday words (phi_lexicon.EVERYDAY_NAME_WORDS). The Lambda package
carries this 200 KB file instead of the package's 2.6 MB of frequency tables.
"""
from __future__ import annotations

import sys
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "chalicelib" / "domain" / "data" / "census_names.txt"
SURNAMES = 20_000


def build() -> str:
    from chalicelib.domain.phi_lexicon import EVERYDAY_NAME_WORDS

    spec = find_spec("names")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the `names` package is missing: pip install -r requirements-dev.txt")
    folder = Path(next(iter(spec.submodule_search_locations)))

    def first_words(name: str, limit: int) -> list[str]:
        lines = (folder / name).read_text(encoding="ascii").splitlines()[:limit]
        return [line.split(" ", 1)[0].lower() for line in lines if line.strip()]

    given = sorted(set(first_words("dist.male.first", 10_000) + first_words("dist.female.first", 10_000))
                   - EVERYDAY_NAME_WORDS)
    surnames = sorted(set(first_words("dist.all.last", SURNAMES)) - EVERYDAY_NAME_WORDS)
    return "\n".join(["# given", *given, "# surnames", *surnames]) + "\n"


def main(argv: list[str]) -> int:
    from generated_file import write_or_check

    return write_or_check(OUT, build(), argv, "scripts/census_names.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
