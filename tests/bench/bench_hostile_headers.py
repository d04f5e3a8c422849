"""Benchmark: the work a hostile GGUF header costs ``advisor local`` (issue 14, item 6).

    $ python tests/bench/bench_hostile_headers.py

Writes the issue's header bomb (4 million empty arrays inside an array, 48 MB) and a
4-million-entry string array (the largest the budget lets through, 32 MB), then times
``advisor local --dir DIR --json`` on each and on an empty folder (the process's own
start), with the child's peak RSS. Before the budgets the bomb cost 34.6 s and 579 MB here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fixtures.hostile_gguf import nested_array_bomb, string_array_bomb  # noqa: E402


def run_local(folder: Path, home: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one ``advisor local --dir folder --json`` child."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "HF_HOME": str(home / "hf"),
           "HF_HUB_OFFLINE": "1", "LANG": "C.UTF-8"}
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "advisor", "local", "--dir", str(folder),
                              "--json"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)          # this child's own peak RSS
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, f"advisor local exited {child.returncode}"
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        cases = {"empty folder": tmp_path / "empty", "nested-array bomb (48 MB)": tmp_path / "bomb",
                 "4M-string array (32 MB)": tmp_path / "strings"}
        for folder in cases.values():
            folder.mkdir()
        nested_array_bomb(cases["nested-array bomb (48 MB)"] / "bomb.gguf", 4_000_000)
        string_array_bomb(cases["4M-string array (32 MB)"] / "strings.gguf", 4_000_000)
        print(f"{'case':28} {'seconds':>8} {'peak MiB':>9}")
        for label, folder in cases.items():
            seconds, peak = run_local(folder, tmp_path / "home")
            print(f"{label:28} {seconds:8.2f} {peak:9.0f}")


if __name__ == "__main__":
    main()
