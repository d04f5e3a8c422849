"""Decision-record timings: build, each renderer, writing, verifying; and the CLI as a process.

    $ python tests/bench/bench_record.py
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.record.conftest import ANSWERS, MODEL  # noqa: E402
from tests.record.sample import SMOKE  # noqa: E402


def best_ms(fn, repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    from advisor.answers import parse_answers
    from advisor.knowledge import load_knowledge
    from advisor.record import build_record, record_to_cyclonedx, render, verify_record, write_record

    kb = load_knowledge()
    answers = parse_answers(ANSWERS, "answers.yaml")
    day = dt.date(2026, 11, 23)
    record = build_record(answers, kb, MODEL, smoke=SMOKE, today=day)
    start = time.perf_counter()
    record_to_cyclonedx(record)                      # first call: imports + schema compile
    cdx_first = (time.perf_counter() - start) * 1000
    rows = [
        ("build_record (assess all + chosen)", best_ms(lambda: build_record(answers, kb, MODEL, smoke=SMOKE, today=day))),
        ("render md", best_ms(lambda: render(record, "md"))),
        ("render json", best_ms(lambda: render(record, "json"))),
        ("render cdx, first call (import + schema)", cdx_first),
        ("render cdx + validate, warm", best_ms(lambda: render(record, "cdx"))),
        ("render spdx", best_ms(lambda: render(record, "spdx"))),
        ("build_record, 3 options named (their duties and what-ifs)", best_ms(
            lambda: build_record(answers, kb, MODEL, smoke=SMOKE, today=day,
                                 consider=["Qwen/Qwen3-8B", "google/gemma-3-4b-it",
                                           "mistralai/Mistral-Small-3.2-24B-Instruct-2506"]),
            repeat=5)),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("write_record md,json,cdx", best_ms(
            lambda: write_record(record, Path(tmp), ["md", "json", "cdx"], force=True), repeat=5)))
        path = Path(tmp) / record.filename("json")
        rows.append(("verify_record", best_ms(lambda: verify_record(path, kb), repeat=10)))
        answers_file = Path(tmp) / "answers.yaml"
        answers_file.write_text(ANSWERS)
        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        cmd = [sys.executable, "-m", "advisor", "record", "--answers", str(answers_file), "--model", MODEL,
               "--out", str(Path(tmp) / "cli"), "--force"]
        rows.append(("process: advisor record (3 formats)", best_ms(
            lambda: subprocess.run(cmd, env=env, check=True, capture_output=True), repeat=3)))
        rows.append(("process: advisor record verify", best_ms(
            lambda: subprocess.run([sys.executable, "-m", "advisor", "record", "verify", str(path)],
                                   env=env, check=True, capture_output=True), repeat=3)))
    width = max(len(name) for name, _ in rows)
    print(f"{'step':<{width}}  ms")
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:8.1f}")


if __name__ == "__main__":
    main()
