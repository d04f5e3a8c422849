"""Benchmark: one profile file with thousands of models (issue 23, low item).

    $ python tests/bench/bench_many_models.py      # exit 1 when the growth looks quadratic

The loader looked up each model's row by rescanning its file (``model_where``), quadratic
in the models of one file: 3.3 s for 1,000, 8.6 s for 2,000, 35.7 s for 4,000 here
(with the shipped profiles). Now each file is indexed once. Four times the models should
cost about four times the time; the bound is eight.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from advisor.knowledge.load.walk import build_knowledge  # noqa: E402

LICENSE = ("schema: advisor.license/1\nid: mine\ntitle: Mine\nosi_approved: false\n"
           "url: https://example.org/mine\nchecked: 2026-11-23\nrules: []\n")


def seconds(count: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "mine.yaml").write_text(LICENSE, encoding="utf-8")
        rows = "".join(f"  - {{id: me/model-{i}, licenses: [mine]}}\n" for i in range(count))
        (folder / "many.yaml").write_text("schema: advisor.model-family/1\nfamily: Many\n"
                                          "vendor: Me\nmodels:\n" + rows, encoding="utf-8")
        start = time.perf_counter()
        kb, problems = build_knowledge([folder])
        took = time.perf_counter() - start
        assert not problems and len(kb.models) == count, problems[:1]
        return took


def main() -> int:
    times = {count: seconds(count) for count in (1000, 2000, 4000)}
    for count, took in times.items():
        print(f"{count:5d} models in one file: {took:6.2f} s")
    growth = times[4000] / times[1000]
    print(f"4,000 / 1,000: {growth:.1f}x (linear about 4x, quadratic about 16x; bound 8x)")
    return 0 if growth < 8 else 1


if __name__ == "__main__":
    sys.exit(main())
