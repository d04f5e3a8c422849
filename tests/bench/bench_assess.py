"""Benchmark: profile loading, in-process assessment, and the `advisor assess` process.

    $ python tests/bench/bench_assess.py
Targets (DESIGN.md): assessing every shipped model for one answer set under 50 ms;
`advisor assess` imports neither Textual nor llama_cpp.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from advisor.answers import parse_answers  # noqa: E402
from advisor.assessment import assess  # noqa: E402
from advisor.knowledge import load_knowledge  # noqa: E402

ANSWERS = """\
organization: {domicile: DE, monthly_active_users: 2000000}
deployment: {regions: [EU, US], mode: hosted_service, commercial: true}
use_case: {categories: [general_assistant, customer_support]}
needs: {fine_tune: true}
"""


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    load = timed(load_knowledge, 10)
    kb = load_knowledge()
    answers = parse_answers(ANSWERS, use_case_ids=set(kb.use_cases))
    run = timed(lambda: assess(answers, kb), 50)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        handle.write(ANSWERS)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "advisor", "assess", "--answers", handle.name, "--json"]
    proc = timed(lambda: subprocess.run(cmd, env=env, capture_output=True, check=True), 5)
    bare = timed(lambda: subprocess.run([sys.executable, "-c", "pass"], env=env, check=True), 5)
    os.unlink(handle.name)
    rows = [
        ("profile loading (in-process)", statistics.median(load)),
        (f"assess all {len(kb.models)} models (in-process)", statistics.median(run)),
        ("`advisor assess --json` whole process", statistics.median(proc)),
        ("bare `python -c pass` for reference", statistics.median(bare)),
    ]
    print(f"{'what':48} {'median':>10}")
    for name, seconds in rows:
        print(f"{name:48} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
