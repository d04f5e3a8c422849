"""Benchmark: profile loading, in-process assessment, and the `advisor assess` process.

    $ python tests/bench/bench_assess.py [--repeat 7]

Targets (DESIGN.md): assessing every shipped model for one answer set under 50 ms;
`advisor assess --json` as a process under 250 ms with 150+ models (warm cache) and at most
5x a bare interpreter's start; the process imports neither Textual nor llama_cpp.
"Cold" runs get an empty XDG_CACHE_HOME (every profile parsed from YAML), "warm" runs
reuse the caches the first run wrote. The warm process and the bare interpreter run in
turn (one of each, N times), so a burst of other work on the machine hits both alike; the
ratio is of their medians, wall clock and CPU time (CPU is steadier on a loaded machine).
"""

from __future__ import annotations

import argparse
import os
import resource
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
from advisor.knowledge.yamlcache import ParsedCache  # noqa: E402
from advisor.knowledge.load import profile_dirs  # noqa: E402
from advisor.knowledge.load.walk import build_knowledge  # noqa: E402

ANSWERS = """\
organization: {domicile: DE, monthly_active_users: 2000000}
deployment: {regions: [EU, US], mode: hosted_service, commercial: true}
use_case: {categories: [general_assistant, customer_support]}
needs: {fine_tune: true}
"""
HEAVY = ("textual", "llama_cpp", "huggingface_hub")


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd``, its output read and dropped."""
    start, start_cpu = time.perf_counter(), _children_cpu()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return time.perf_counter() - start, _children_cpu() - start_cpu


def process_times(cmd: list[str], env: dict[str, str], repeat: int, *, cold: bool,
                  scratch: Path) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of ``cmd``; each cold run gets a fresh, empty cache directory."""
    wall, cpu = [], []
    for index in range(repeat):
        cache = scratch / (f"cold-{index}" if cold else "warm")
        one = run_once(cmd, {**env, "XDG_CACHE_HOME": str(cache)})
        wall.append(one[0])
        cpu.append(one[1])
    return wall, cpu


def in_turn(cmds: list[list[str]], env: dict[str, str], repeat: int
            ) -> list[tuple[list[float], list[float]]]:
    """Wall and CPU seconds of each of ``cmds``, run one after the other ``repeat`` times."""
    out: list[tuple[list[float], list[float]]] = [([], []) for _ in cmds]
    for _ in range(repeat):
        for (wall, cpu), cmd in zip(out, cmds):
            one = run_once(cmd, env)
            wall.append(one[0])
            cpu.append(one[1])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        dirs = profile_dirs()
        cold_load = timed(lambda: build_knowledge(dirs), repeat)
        cache = scratch / "in-process"
        build_knowledge(dirs, cache=ParsedCache.open(cache))
        warm_load = timed(lambda: build_knowledge(dirs, cache=ParsedCache.open(cache)), repeat)
        os.environ["XDG_CACHE_HOME"] = str(scratch / "kb")
        load_knowledge()                                    # writes the knowledge-base cache
        kb_load = timed(load_knowledge, repeat)
        kb, _ = build_knowledge(dirs)
        answers = parse_answers(ANSWERS, use_case_ids=set(kb.use_cases))
        run = timed(lambda: assess(answers, kb), repeat * 5)

        answers_file = scratch / "answers.yaml"
        answers_file.write_text(ANSWERS, encoding="utf-8")
        # Bytecode caching on (as an installed advisor has it): every run compiles otherwise.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("HF_") and k != "PYTHONDONTWRITEBYTECODE"}
        env.update(HF_HUB_OFFLINE="1", HOME=str(scratch), HF_HOME=str(scratch / "hf"))
        cmd = [sys.executable, "-m", "advisor", "assess", "--answers", str(answers_file), "--json"]
        subprocess.run(cmd, env={**env, "XDG_CACHE_HOME": str(scratch / "warm")},
                       capture_output=True, check=True)              # writes the warm cache
        cold = process_times(cmd, env, repeat, cold=True, scratch=scratch)
        warm, (bare, bare_cpu) = in_turn(
            [cmd, [sys.executable, "-c", "pass"]],
            {**env, "XDG_CACHE_HOME": str(scratch / "warm")}, repeat * 2)
        probe = subprocess.run(
            [sys.executable, "-c",
             "import sys; from advisor.cli import main; import io, contextlib;"
             f"f=io.StringIO(); contextlib.redirect_stdout(f).__enter__();"
             f"main(['assess','--answers',{str(answers_file)!r},'--json']);"
             f"sys.stderr.write(','.join(m for m in {HEAVY!r} if m in sys.modules))"],
            env={**env, "XDG_CACHE_HOME": str(scratch / "warm")}, capture_output=True, text=True,
            check=True)
    med = statistics.median
    rows = [
        (f"profile loading, {len(kb.models)} models, no cache (in-process)", med(cold_load), None),
        ("profile loading, parsed-YAML cache (in-process)", med(warm_load), None),
        ("load_knowledge(), knowledge-base cache (in-process)", med(kb_load), None),
        (f"assess all {len(kb.models)} models (in-process)", med(run), None),
        ("`advisor assess --json` process, cold cache", med(cold[0]), med(cold[1])),
        ("`advisor assess --json` process, warm cache", med(warm[0]), med(warm[1])),
        ("bare `python -c pass` for reference", med(bare), med(bare_cpu)),
    ]
    print(f"{'what':58} {'wall':>10} {'cpu':>10}")
    for name, seconds, cpu in rows:
        cpu_text = f"{cpu * 1000:7.1f} ms" if cpu is not None else ""
        print(f"{name:58} {seconds * 1000:7.1f} ms {cpu_text:>10}")
    print(f"warm process / bare interpreter, medians of {repeat * 2} runs in turn: "
          f"wall {med(warm[0]) / med(bare):.1f}x, CPU {med(warm[1]) / med(bare_cpu):.1f}x "
          f"(fastest runs: {min(warm[0]) * 1000:.0f} / {min(bare) * 1000:.0f} ms, "
          f"{min(warm[0]) / min(bare):.1f}x); {len(kb.models)} models, "
          f"{len(kb.licenses)} licenses; load average {os.getloadavg()[0]:.1f}")
    heavy = probe.stderr.strip().splitlines()[-1:]     # after the command's own notes
    heavy = [line for line in heavy if not line.startswith("advisor:")]
    print(f"heavy modules imported by `assess`: {heavy[0] if heavy else 'none'}")


if __name__ == "__main__":
    main()
