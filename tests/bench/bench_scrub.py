"""Benchmark: the secret scrubber on what a flooding endpoint produces (issue 23, item 6).

    $ python tests/bench/bench_scrub.py          # exit 1 when a case breaks its bound

``advisor.record.scrub.scrub_text`` runs over every text a record keeps (model output
included). Its URL pattern was quadratic: 0.53 s on 5,000 letters without a space, 9.5 s
on 20,000, 32 s on 40,000 (hours on a megabyte). Each case here is 8 MiB of one hostile
shape; linear work keeps each well under BOUND_SECONDS on a loaded 2-core machine, where
the old pattern would not finish the first case in a day. The 1-MiB and 8-MiB figures are
printed side by side: linear work grows about eightfold.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from advisor.record.scrub import REDACTED, scrub_text  # noqa: E402

BOUND_SECONDS = 5.0          # per 8 MiB case; linear work takes a fraction of a second
SECRET = "sk-live-secret-0123456789"

CASES = {
    "letters, no space": lambda n: "a" * n,
    "'://' then letters": lambda n: "://" + "a" * (n - 3),
    "'a://' repeated": lambda n: "a://" * (n // 4),
    "'hf_' + letters + '_'": lambda n: "hf_" + "a" * (n - 4) + "_",
    "'hf_' repeated": lambda n: "hf_" * (n // 3),
    "URLs with user:password": lambda n: "https://u:p@h/ " * (n // 15),
    "a secret repeated": lambda n: (SECRET + " ") * (n // (len(SECRET) + 1)),
}


def seconds(text: str) -> float:
    start = time.perf_counter()
    out = scrub_text(text, secrets=[SECRET])
    took = time.perf_counter() - start
    assert SECRET not in out and ("@" not in text or ":p@" not in out or REDACTED in out)
    return took


def main() -> int:
    print(f"{'case':28} {'1 MiB s':>8} {'8 MiB s':>8}")
    worst = 0.0
    for name, make in CASES.items():
        small, large = seconds(make(1 << 20)), seconds(make(8 << 20))
        worst = max(worst, large)
        print(f"{name:28} {small:8.3f} {large:8.3f}")
    ok = worst < BOUND_SECONDS
    print(f"worst 8 MiB case {worst:.3f} s: {'within' if ok else 'OVER'} the {BOUND_SECONDS:g} s bound")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
