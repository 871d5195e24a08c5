"""Benchmark: time to render every channel for one advisory (goal: median under 10 ms).

Run: .venv/bin/python bench/render_bench.py [rounds]
Prints the median (and p90) per advisory over a varied set, the overall median, and the
per-channel breakdown. Counting caches are cleared before every round ("cold"), so repeated
text never makes a round look faster than a fresh advisory would be.
"""
from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.domain.models import Advisory, AdvisoryContent
from chalicelib.channels import mastodon, x
from chalicelib.rendering import measure
from chalicelib.rendering.render import render_all, render_for
from chalicelib.seed import LOCAL_CHANNELS

BASE = dict(event="Boil Water Notice", urgency="Immediate", severity="Severe", certainty="Observed",
            area_desc="Riverside district", channels=[a.id for a in LOCAL_CHANNELS])
SAFETY = ("Safety information: boiled water must cool before use. Infants and anyone with a weakened "
          "immune system should use bottled water. Call the nurse line at 0800 555 0100 if unwell.")
CASES = {
    "short plain English": dict(headline="Boil water notice for Riverside",
                                instruction="Boil tap water for one minute before drinking.",
                                web="https://health.example.org/boil"),
    "emoji, long safety text, long URL": dict(
        headline="🚰⚠️ Boil water notice for Riverside 👩‍👩‍👧‍👦",
        description="🧪 Tests found E. coli in the Riverside 🏘️ supply on 23 November. " * 6,
        instruction="🔥 Boil tap water for one full minute before drinking 🥤 or cooking 🍳.",
        required_text=SAFETY, hashtags=["BoilWater", "Riverside", "PublicHealth"],
        web="https://health.example.org/advisories/2026/11/boil-water-notice-riverside?utm_source=clarion"),
    "CJK": dict(headline="リバーサイド地区の煮沸勧告", description="水道水から大腸菌が検出されました。" * 20,
                instruction="飲用や調理の前に水道水を1分間沸騰させてください。", required_text="体調不良の方は看護師ラインへ。"),
    "RTL and combining marks": dict(headline="إشعار غلي المياه في ريفرسايد", description="تم العثور على بكتيريا في المياه. " * 15,
                                     instruction="اغلِ الماء لمدة دقيقة واحدة قبل الشرب.", required_text="Z̤͔ͧ̑̓ safety é " * 5),
    "drill with GSM extension characters": dict(status="Exercise", headline="Exercise: boil water {drill} [test]",
                                                 instruction="Boil water ~1 minute | use € bottled water",
                                                 description="Drill text. " * 40, required_text="Nurse line 0800 555 0100"),
}


def advisories() -> dict[str, Advisory]:
    return {name: Advisory(content=AdvisoryContent(**BASE, **fields), author="bench") for name, fields in CASES.items()}


def clear_caches() -> None:
    x._x_token.cache_clear()
    mastodon._mastodon_line.cache_clear()
    measure._line_graphemes.cache_clear()


def main(rounds: int = 30) -> None:
    cases = advisories()
    for advisory in cases.values():  # warm imports and compiled templates, not the counting caches
        [render_for(advisory, a) for a in LOCAL_CHANNELS]
    totals: dict[str, list[float]] = defaultdict(list)
    per_channel: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        for name, advisory in cases.items():
            clear_caches()
            start = time.perf_counter()
            render_all(advisory, LOCAL_CHANNELS)  # what the preview and screening call
            totals[name].append((time.perf_counter() - start) * 1000)
            for account in LOCAL_CHANNELS:
                clear_caches()
                t0 = time.perf_counter()
                render_for(advisory, account)
                per_channel[account.platform].append((time.perf_counter() - t0) * 1000)
    print(f"Render every channel ({len(LOCAL_CHANNELS)} accounts) for one advisory; {rounds} rounds, cold caches")
    print(f"{'advisory':40} {'median ms':>10} {'p90 ms':>8}")
    for name, times in totals.items():
        print(f"{name:40} {statistics.median(times):10.2f} {statistics.quantiles(times, n=10)[-1]:8.2f}")
    overall = [t for times in totals.values() for t in times]
    print(f"{'ALL (goal < 10 ms)':40} {statistics.median(overall):10.2f} {statistics.quantiles(overall, n=10)[-1]:8.2f}")
    print("\nper channel (median ms per account render, over all advisories)")
    for platform, times in sorted(per_channel.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"  {platform:10} {statistics.median(times):7.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
