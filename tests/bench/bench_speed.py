"""Benchmark: the decode-speed estimate against llama.cpp's measured speed on this machine.

In a fresh cache folder, SmolLM2-135M and Gemma 3 270M each run ``advisor smoke`` once to
calibrate (the bandwidth probe, then this machine's per-layer cost), then ``--repeat``
more times; each later run's estimate is compared with its measured speed, beside the
old fixed-bandwidth figure (40 GB/s, bytes per token only). Prints a Markdown table.

    $ python tests/bench/bench_speed.py [--repeat 2] [--threads 1]

Goal (issue 22): within 30% of the measured figure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

OLD_BANDWIDTH = 40e9


def smoke(model: Path, cache: Path, threads: int) -> dict:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), PYTHONPATH=str(ROOT))
    env.pop("ADVISOR_NO_CACHE", None)
    proc = subprocess.run([sys.executable, "-m", "advisor", "smoke", "--gguf", str(model),
                           "--threads", str(threads), "--json"], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=900)
    return json.loads(proc.stdout)


def main() -> int:
    from tests.fixtures.gemma import gemma_path
    from tests.fixtures.smollm import smollm_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    models = [("SmolLM2-135M Q4_1", smollm_path()), ("Gemma 3 270M Q4_K_M", gemma_path())]
    print("| model | run | measured tok/s | estimated tok/s | diff | before (40 GB/s) | basis |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        for _, path in models:
            smoke(path, cache, args.threads)                 # calibration runs
        for run in range(1, args.repeat + 1):
            for name, path in models:
                doc = smoke(path, cache, args.threads)
                measured = doc["measured_tokens_per_second"]
                estimated = doc["estimated_tokens_per_second"]
                before = OLD_BANDWIDTH / doc["estimate"]["decode_bytes_per_token"]
                print(f"| {name} | {run} | {measured:.1f} | {estimated:.1f} | "
                      f"{estimated / measured - 1:+.0%} | {before:.0f} | "
                      f"{doc['estimate']['speed_basis']} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
