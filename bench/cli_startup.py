"""Start-up of `ponte quote`: one request quoted from a file, as a new process each time.

    python bench/cli_startup.py [--runs 10]

Prints the p50 (and max) wall and CPU time of `ponte quote --file request.json --json` beside a
same-run baseline, `python -c pass`, with the runs interleaved so that both see the same load; and the
same quote with a cache folder that cannot be written (the rule files parsed on every start). Ponte's
bytecode is compiled once before the runs, as an installed package has it; the compiled rules are
written by that first run too. The machine's load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REQUEST = {
    "destination": "BR",
    "destination_region": "SP",
    "date": "2025-07-24",
    "currency": "USD",
    "seller": {"remessa_conforme": True},
    "items": [{"description": "blouse", "quantity": 1, "unit_price": "50"}],
}


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``cmd``, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _row(name: str, runs: list[tuple[float, float]], baseline: float | None = None) -> str:
    wall = statistics.median(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    worst = max(w for w, _ in runs)
    extra = f"  (+{1000 * (wall - baseline):.0f} ms over the baseline)" if baseline is not None else ""
    return f"{name:44s} p50 {1000 * wall:6.0f} ms wall  {1000 * cpu:6.0f} ms CPU  max {1000 * worst:5.0f} ms{extra}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    src = Path(__file__).resolve().parents[1] / "src"
    with tempfile.TemporaryDirectory(prefix="ponte-startup-") as tmp:
        root = Path(tmp)
        request = root / "request.json"
        request.write_text(json.dumps(REQUEST), "utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH", "")]))
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")  # compiled once, as an installed package
        env["PONTE_CACHE_DIR"] = str(root / "cache")
        (root / "blocked").write_text("a file where the cache folder would be")
        no_cache = {**env, "PONTE_CACHE_DIR": str(root / "blocked" / "ponte")}
        quote = [sys.executable, "-m", "ponte", "quote", "--file", str(request), "--json"]
        baseline_cmd = [sys.executable, "-c", "pass"]
        _timed(quote, env)  # bytecode and compiled rules
        series: dict[str, list[tuple[float, float]]] = {"baseline": [], "quote": [], "parse": []}
        for _ in range(args.runs):
            series["baseline"].append(_timed(baseline_cmd, env))
            series["quote"].append(_timed(quote, env))
            series["parse"].append(_timed(quote, no_cache))
    base = statistics.median(w for w, _ in series["baseline"])
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"ponte quote start-up, {args.runs} runs each, interleaved; load average {load}")
    print(_row("python -c pass (baseline)", series["baseline"]))
    print(_row("ponte quote --file --json", series["quote"], base))
    print(_row("ponte quote, rule files parsed (no cache)", series["parse"], base))


if __name__ == "__main__":
    main()
