"""TUI benchmark: launch-to-interactive time and re-ranking time after an answer changes.

Run: ``python tests/bench/bench_tui.py`` (offline; uses the shipped profiles).

1. Launch to interactive (target < 1.5 s): spawn ``python -m advisor`` under a
   pseudo-terminal (100x30, HF_HUB_OFFLINE=1) and time from spawn until the first
   screen's text ("Home country", drawn once the interview screen is mounted and
   painted) appears on the terminal; then send ctrl+q. Median of 5 runs. This covers
   interpreter start, imports (Textual), loading and validating every profile, the
   first assessment and the first paint.
2. Re-ranking (target < 50 ms): in-process with Textual's pilot, on the candidates
   screen, flip an answer (deployment mode) 40 times; each flip is ``App.set_answers``:
   re-assess every shipped model and refill the candidates table (the screen subscribes
   with ``immediate=True``, so the refill runs inside the call). Also reported: the
   assessment alone and the table refill alone.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
MARKER = b"Home country"


def launch_once(timeout: float = 20.0) -> float:
    """Seconds from spawn until the interview screen is painted in a 100x30 pty."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TERM="xterm-256color", COLUMNS="100",
               LINES="30")
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "advisor"], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    buffer = b""
    elapsed = float("nan")
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            buffer += chunk
            if MARKER in buffer:
                elapsed = time.perf_counter() - start
                break
    finally:
        try:
            os.write(fd, b"\x11")          # ctrl+q
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                done, _status = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                select.select([fd], [], [], 0.05)
                try:
                    os.read(fd, 65536)
                except OSError:
                    pass
            else:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        finally:
            os.close(fd)
    return elapsed


async def rerank(flips: int = 40) -> dict[str, list[float]]:
    from advisor.knowledge import load_knowledge
    from advisor.tui.app import AdvisorApp
    from advisor.machine.hardware import simulated_hardware
    from advisor.tui.screens.candidates import CandidatesScreen
    from advisor.tui.settings import AppSettings

    kb = load_knowledge()
    import tempfile
    from pathlib import Path

    app = AdvisorApp(AppSettings(hardware=simulated_hardware(ram_gb=16), offline=True, local_models=(),
                                 config_dir=Path(tempfile.mkdtemp(prefix="advisor-bench-"))),
                     kb=kb)
    times: dict[str, list[float]] = {"set_answers": [], "assess": [], "table": []}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CandidatesScreen)
        modes = ("internal", "hosted_service")
        for index in range(flips):
            answers = app.answers.with_changes("deployment", mode=modes[index % 2])
            start = time.perf_counter()
            app.set_answers(answers)
            times["set_answers"].append((time.perf_counter() - start) * 1000)
            times["assess"].append(app.state.last_assess_ms)
            times["table"].append(screen.last_refresh_ms)
            await pilot.pause()
        times["models"] = [float(len(screen._rows))]
    return times


def main() -> int:
    launches = [launch_once() for _ in range(5)]
    times = asyncio.run(rerank())
    models = int(times.pop("models")[0])
    print(f"{'measure':<46} {'median':>10} {'max':>10} {'target':>8}")
    print(f"{'launch to interactive (pty, python -m advisor)':<46} "
          f"{statistics.median(launches) * 1000:>8.0f}ms {max(launches) * 1000:>8.0f}ms "
          f"{'1500ms':>8}")
    labels = {"set_answers": f"re-rank after an answer change ({models} models)",
              "assess": "  of which: assessment",
              "table": "  of which: candidates table refill"}
    for key, label in labels.items():
        values = times[key]
        target = "50ms" if key == "set_answers" else ""
        print(f"{label:<46} {statistics.median(values):>8.1f}ms {max(values):>8.1f}ms "
              f"{target:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
