"""Write a generated data file, or (--check) say whether the one in the repository is what its
script writes now: the shared tail of scripts/census_names.py and scripts/world_given_names.py."""
from __future__ import annotations

from pathlib import Path


def write_or_check(out: Path, text: str, argv: list[str], script: str) -> int:
    if "--check" in argv:
        if out.read_text(encoding="ascii") != text:
            print(f"{out} is stale: run {script}")
            return 1
        return 0
    out.write_text(text, encoding="ascii")
    print(f"wrote {out} ({len(text):,} bytes, {text.count(chr(10)):,} lines)")
    return 0
