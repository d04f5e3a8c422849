"""Benchmark: decode speed through ``advisor smoke`` (runner API, child process) against a
bare llama-cpp-python loop on the same model, threads, context and sampling; and the
child process's fixed cost (spawn, import, load).

    $ python tests/bench/bench_smoke.py [--rounds 3] [--threads N] [--gguf PATH]

Target (DESIGN.md): the runner decodes at >= 95% of the bare loop.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from advisor.smoke.runner import SmokeSpec, default_threads, run_smoke  # noqa: E402
from advisor.smoke.suites import suite_from_data  # noqa: E402
from advisor.smoke.template_guard import render_chat  # noqa: E402
from tests.fixtures.smollm import smollm_path  # noqa: E402

N_CTX = 2048
MAX_TOKENS = 160
PROMPTS = [
    "Write a short story about a lighthouse keeper who finds a message in a bottle.",
    "Explain how a bicycle works, part by part.",
    "Describe a walk through a forest in autumn.",
]
BENCH_SUITE = suite_from_data({
    "name": "bench",
    "defaults": {"max_tokens": MAX_TOKENS, "checks": {"min_tokens": 0,
                                                      "max_latency_seconds": 600}},
    "prompts": [{"id": f"p{i}", "prompt": text} for i, text in enumerate(PROMPTS)],
})


def decode_rate(pairs: list[tuple[int, float]]) -> float:
    """Tokens per second after the first token, over (tokens_after_first, seconds) pairs."""
    tokens = sum(n for n, _ in pairs)
    seconds = sum(s for _, s in pairs)
    return tokens / seconds if seconds else 0.0


def bare_loop(path: Path, threads: int) -> tuple[float, float, float]:
    """(decode tok/s, load seconds, import seconds) with llama-cpp-python in this process,
    the same model parameters and greedy sampling as the child."""
    started = time.perf_counter()
    import llama_cpp
    import llama_cpp.llama_cpp as llama_lib

    from advisor.smoke.cpu_buffers import safe_extra_buffers

    imported = time.perf_counter() - started
    t0 = time.perf_counter()
    with safe_extra_buffers():
        llm = llama_cpp.Llama(model_path=str(path), n_ctx=N_CTX, n_threads=threads,
                              n_threads_batch=threads, n_gpu_layers=0, seed=0, verbose=False)
    load = time.perf_counter() - t0
    template = llm.metadata.get("tokenizer.chat_template")
    pairs = []
    for prompt in BENCH_SUITE.prompts:
        text = render_chat(template, list(prompt.messages))
        tokens = llm.tokenize(text.encode(), add_bos=True, special=True)
        llm.reset()
        n, t_first, t_last = 0, None, None
        for token in llm.generate(tokens, temp=0.0, top_k=1, top_p=1.0, min_p=0.0,
                                  repeat_penalty=1.0):
            now = time.perf_counter()
            n += 1
            t_first = t_first or now
            t_last = now
            if llama_lib.llama_vocab_is_eog(llm._model.vocab, token) or n >= MAX_TOKENS:
                break
            llm._model.token_to_piece(token)
        pairs.append((n - 1, t_last - t_first))
    del llm
    return decode_rate(pairs), load, imported


def runner(path: Path, threads: int) -> tuple[float, float, float, float]:
    """(decode tok/s, seconds to load_done, load seconds inside the child, wall seconds)."""
    marks: dict[str, float] = {}
    started = time.perf_counter()

    def on_event(event) -> None:
        marks.setdefault(event.kind, time.perf_counter() - started)

    result = run_smoke(SmokeSpec(gguf=path, suite=BENCH_SUITE, threads=threads, n_ctx=N_CTX,
                                 hash_file=False), on_event=on_event)
    wall = time.perf_counter() - started
    pairs = []
    for p in result.prompts:
        sampled = p.completion_tokens + (1 if p.finish_reason == "stop" else 0)
        if p.tokens_per_second:
            pairs.append((sampled - 1, (sampled - 1) / p.tokens_per_second))
    return decode_rate(pairs), marks["load_done"], result.load_seconds or 0.0, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=default_threads())
    parser.add_argument("--gguf", type=Path, default=None)
    args = parser.parse_args()
    path = args.gguf or smollm_path()
    bare_rates, run_rates, to_load, child_load, bare_loads = [], [], [], [], []
    imported = None
    for _ in range(args.rounds):      # alternate, so drift in machine load hits both
        rate, secs_to_load, load_in_child, _ = runner(path, args.threads)
        run_rates.append(rate)
        to_load.append(secs_to_load)
        child_load.append(load_in_child)
        import subprocess

        out = subprocess.run([sys.executable, __file__, "--_bare", str(path), str(args.threads)],
                             capture_output=True, text=True, check=True).stdout.split()
        bare_rates.append(float(out[0]))
        bare_loads.append(float(out[1]))
        imported = float(out[2])
    bare, run = statistics.median(bare_rates), statistics.median(run_rates)
    spawn_cost = statistics.median(to_load) - statistics.median(child_load)
    print(f"model {path.name}, threads {args.threads}, n_ctx {N_CTX}, "
          f"{len(PROMPTS)} prompts x up to {MAX_TOKENS} tokens, {args.rounds} rounds (median)")
    print(f"{'measure':44} {'value':>12}")
    print(f"{'bare llama-cpp-python decode (tok/s)':44} {bare:12.1f}")
    print(f"{'advisor smoke runner decode (tok/s)':44} {run:12.1f}")
    print(f"{'runner / bare':44} {run / bare * 100:11.1f}%")
    print(f"{'bare: import llama_cpp (s)':44} {imported:12.3f}")
    print(f"{'bare: Llama() load (s)':44} {statistics.median(bare_loads):12.3f}")
    print(f"{'runner: run_smoke() to load_done (s)':44} {statistics.median(to_load):12.3f}")
    print(f"{'runner: load inside the child (s)':44} {statistics.median(child_load):12.3f}")
    print(f"{'child cost: spawn + imports + setup (s)':44} {spawn_cost:12.3f}")
    print(f"all rounds: bare {[round(r, 1) for r in bare_rates]}, "
          f"runner {[round(r, 1) for r in run_rates]}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--_bare":
        rate, load, imported = bare_loop(Path(sys.argv[2]), int(sys.argv[3]))
        print(rate, load, imported)
        sys.exit(0)
    sys.exit(main())
