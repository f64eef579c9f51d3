"""HS classification accuracy and speed on Ponte's evaluation set, beside the old matcher, in one run.

    python bench/hs.py                 # the test split of tests/classify/data/eval.csv (the reported figures)
    python bench/hs.py --split dev     # the dev split: the only one any choice is tuned on
    python bench/hs.py --split all --limit 200
    python bench/hs.py --split dev --failures   # also list the dev titles that miss at the heading

Prints top-1 and top-3 at six digits (subheading) and four digits (heading), overall, per language, per
category and per kind of hard case, for the classifier and for the matcher it replaced (bench/
hs_baseline.py, a frozen copy); the model load time; the time per title warm (p50, p90, mean; wall and
CPU, as the machine may be shared) on one thread; the chapters most often confused (truth -> first
suggestion). Also splits the classifier's figures by whether the evaluation product's subheading has any
example at all (unseen subheadings can only be reached through the HS texts and the words).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import hs_baseline  # noqa: E402
from ponte.classify.core import Classifier  # noqa: E402
from ponte.classify.encoder import UseEncoder  # noqa: E402
from ponte.classify.knowledge import Index, load_knowledge  # noqa: E402

EVAL = HERE.parent / "tests" / "classify" / "data" / "eval.csv"
LANGS = ("zh-CN", "en", "pt-BR", "es")


def rows(split: str, limit: int | None) -> list[dict[str, str]]:
    lines = [line for line in EVAL.open(encoding="utf-8") if not line.startswith("#")]
    out = []
    for r in csv.DictReader(lines):
        if split != "all" and r["split"] != split:
            continue
        for lang in LANGS:
            out.append({**r, "lang": lang, "title": r[lang]})
    return out[:limit] if limit else out


def score(codes: list[str], truth: str) -> tuple[int, int, int, int]:
    heads = [c[:4] for c in codes]
    return (
        int(codes[:1] == [truth]),
        int(truth in codes[:3]),
        int(heads[:1] == [truth[:4]]),
        int(truth[:4] in heads[:3]),
    )


def table(title: str, groups: dict[str, dict[str, list[tuple[int, int, int, int]]]]) -> None:
    print(f"\n{title}")
    print(f"{'':<16}{'n':>5}  {'top1-6':>7}{'top3-6':>7}{'top1-4':>7}{'top3-4':>7}   (old matcher)")
    for key in sorted(groups["new"]):
        new, old = groups["new"][key], groups["old"][key]
        n = len(new)
        fig = [sum(x[i] for x in new) / n for i in range(4)]
        ofig = [sum(x[i] for x in old) / n for i in range(4)]
        print(
            f"{key:<16}{n:>5}  "
            + "".join(f"{v:>7.1%}" for v in fig)
            + "   ("
            + " ".join(f"{v:.1%}" for v in ofig)
            + ")"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=("test", "dev", "all"), default="test")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--failures", action="store_true", help="list misses (refused on the test split)")
    args = parser.parse_args()
    if args.failures and args.split != "dev":
        parser.error("--failures reads the dev split only: the test split is never looked into")
    data = rows(args.split, args.limit)

    started, cpu_started = time.perf_counter(), time.process_time()
    encoder = UseEncoder()
    knowledge = load_knowledge()
    index = Index.load()
    classifier = Classifier(knowledge, encoder, index)
    load, load_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    stale = index is None or classifier.index is not index
    seen = {e.hs6 for e in knowledge.examples}

    classifier.classify("warm up", "en")
    hs_baseline.suggest("warm up", 5)
    new_times: list[float] = []
    old_times: list[float] = []
    cpu: dict[int, list[float]] = {id(new_times): [], id(old_times): []}

    def run(fn: Callable[[dict[str, str]], list[str]], times: list[float], r: dict[str, str]) -> list[str]:
        t, c = time.perf_counter(), time.thread_time()
        codes = fn(r)
        times.append(time.perf_counter() - t)
        cpu[id(times)].append(time.thread_time() - c)
        return codes

    groups: dict[str, dict[str, dict[str, list[tuple[int, int, int, int]]]]] = {
        name: {"new": defaultdict(list), "old": defaultdict(list)}
        for name in ("all", "lang", "category", "kind", "seen")
    }
    confused: Counter[tuple[str, str]] = Counter()
    misses: list[str] = []
    for r in data:
        new = run(
            lambda r: [s.code for s in classifier.classify(r["title"], None, 5).suggestions], new_times, r
        )
        old = run(lambda r: [s.code for s in hs_baseline.suggest(r["title"], 5)], old_times, r)
        truth = r["hs6"]
        keys = {
            "all": "all",
            "lang": r["lang"],
            "category": r["category"],
            "kind": r["kind"],
            "seen": "seen" if truth in seen else "unseen",
        }
        for name, key in keys.items():
            groups[name]["new"][key].append(score(new, truth))
            groups[name]["old"][key].append(score(old, truth))
        got = new[0] if new else "none"
        if got[:2] != truth[:2]:
            confused[(truth[:2], got[:2])] += 1
        if args.failures and truth[:4] not in [c[:4] for c in new[:3]]:
            misses.append(
                f"{r['lang']:<6}{truth} {r['category']:<12}{r['title'][:48]:<50}-> {' '.join(new[:3])}"
            )

    products = len({r["product"] for r in data})
    print(f"HS classification on {len(data)} titles ({products} products), {EVAL.name}, split {args.split}")
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times below count waiting for a core)"
    )
    print(
        f"model + index load {load:.2f} s wall, {load_cpu:.2f} s CPU{' (index REBUILT: the shipped one is stale)' if stale else ''}"
    )
    for name, times in (("classifier", new_times), ("old matcher", old_times)):
        ms = sorted(t * 1000 for t in times)
        print(
            f"{name:<12} per title warm: p50 {statistics.median(ms):.2f} ms, "
            f"p90 {ms[int(len(ms) * 0.9)]:.2f} ms, mean {statistics.fmean(ms):.2f} ms; "
            f"CPU p50 {statistics.median(cpu[id(times)]) * 1000:.2f} ms, mean {statistics.fmean(cpu[id(times)]) * 1000:.2f} ms"
        )
    table("overall", groups["all"])
    table("per language", groups["lang"])
    table("per category", groups["category"])
    table("per kind (hard cases)", groups["kind"])
    table("subheading among the examples?", groups["seen"])
    print("\nchapters most confused (truth -> first suggestion: titles)")
    print("  " + ", ".join(f"{a}->{b}: {n}" for (a, b), n in confused.most_common(15)))
    if misses:
        print(f"\n{len(misses)} dev titles whose heading is not in the first three")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
