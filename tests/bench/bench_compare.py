"""Benchmark: the overhead of ``advisor compare`` over ``advisor smoke`` on the same models.

    $ python tests/bench/bench_compare.py [--repeat 3] [--threads 1] [--suite general]

For SmolLM2 135M and Gemma 3 270M, runs ``advisor smoke --gguf M --json`` for each model
and ``advisor compare --gguf SMOLLM --gguf GEMMA --json`` (same suite, threads, context,
seed), alternating, ``--repeat`` times. Reports each model's median decode speed (mean
over the suite's prompts, the ``tokens_per_second`` column) both ways and the ratio.
Target (issue 13): compare within 5% of smoke for every candidate. Decode speed on a
shared machine wanders; the medians and the spread are printed so a reader can judge.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fixtures.gemma import gemma_path  # noqa: E402
from tests.fixtures.smollm import smollm_path  # noqa: E402

TARGET = 0.05


def advisor(*args: str, home: Path) -> dict:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "HF_HOME": str(home / "hf"),
           "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=1800)
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise SystemExit(f"advisor {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--suite", default="general")
    args = parser.parse_args()
    models = {"SmolLM2-135M": smollm_path(), "Gemma-3-270M": gemma_path()}
    common = ["--suite", args.suite, "--threads", str(args.threads), "--json", "--gpu", "off"]
    smoke: dict[str, list[float]] = {name: [] for name in models}
    comp: dict[str, list[float]] = {name: [] for name in models}
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as scratch:
        home = Path(scratch)
        for index in range(args.repeat):
            order = ("smoke", "compare") if index % 2 == 0 else ("compare", "smoke")
            for way in order:          # alternate which goes first: load drifts
                if way == "smoke":
                    for name, path in models.items():
                        doc = advisor("smoke", "--gguf", str(path), "--no-hash", *common,
                                      home=home)
                        smoke[name].append(doc["measured_tokens_per_second"])
                    continue
                doc = advisor("compare", *[a for p in models.values()
                                           for a in ("--gguf", str(p))], *common, home=home)
                for name, row in zip(models, doc["candidates"]):
                    comp[name].append(row["tokens_per_second"])
    print(f"decode tok/s, median of {args.repeat} (threads {args.threads}, suite "
          f"{args.suite}, CPU)")
    print(f"{'model':<14} {'smoke':>8} {'compare':>8} {'diff':>7}  spread smoke / compare")
    worst = 0.0
    for name in models:
        s, c = statistics.median(smoke[name]), statistics.median(comp[name])
        diff = (c - s) / s
        worst = max(worst, abs(diff))
        print(f"{name:<14} {s:8.1f} {c:8.1f} {diff:+7.1%}  "
              f"{min(smoke[name]):.1f}-{max(smoke[name]):.1f} / "
              f"{min(comp[name]):.1f}-{max(comp[name]):.1f}")
    print(f"worst |diff| {worst:.1%} (target <= {TARGET:.0%}): "
          f"{'within' if worst <= TARGET else 'OVER'}")


if __name__ == "__main__":
    main()
