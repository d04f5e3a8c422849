"""Benchmark: the header estimate against llama.cpp, per architecture and context.

For each model (generated GGUFs of every architecture in tests/fixtures/tiny_gguf.py,
SmolLM2-135M and Gemma 3 270M) and each context (4096 and the training context, capped
by ``--max-ctx``), a child process loads it in llama.cpp, fills the context and reports
its logged buffers and peak RSS (tests/bench/memory_probe.py). Prints a Markdown table.

    $ python tests/bench/bench_memory.py [--max-ctx 32768] [--only gemma3,smollm2]
    $ python tests/bench/bench_memory.py --max-ctx 16384 --only gpt-oss,gemma4,llama4,qwen3next,glm4moe

Goal (issue 11): allocated within 10% of llama.cpp's buffers, resident within 15% of
the peak RSS with the context filled.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from advisor.gguf.estimate import RunOptions, estimate_memory, model_shape  # noqa: E402
from advisor.gguf.header import read_local_header  # noqa: E402
from tests.fixtures.tiny_gguf import ARCHITECTURES, RECENT, write_arch_gguf  # noqa: E402
from tests.smoke.test_memory_llama import allocated_buffers, llama_buffers, probe  # noqa: E402

MIB = 1 << 20


def models(tmp: Path, only: set[str] | None) -> list[tuple[str, Path]]:
    out = []
    for arch in ARCHITECTURES:
        if only is None or arch in only:
            out.append((arch, write_arch_gguf(tmp / f"{arch}.gguf", arch, n_ctx=16384,
                                              n_layer=6 if arch in ("gemma3", "granitehybrid")
                                              else 2)))
    for arch in RECENT:                 # gpt-oss, Gemma 4, Llama 4, Qwen3-Next, GLM-4.5 shapes
        if only is None or arch in only:
            out.append((arch, write_arch_gguf(tmp / f"{arch}.gguf", arch, n_ctx=131072,
                                              n_layer=6 if arch == "gemma4" else 4,
                                              n_head_kv=4 if arch == "gemma4" else 2)))
    for name, loader in (("smollm2", "tests.fixtures.smollm:smollm_path"),
                         ("gemma3-270m", "tests.fixtures.gemma:gemma_path")):
        if only is not None and name not in only:
            continue
        module, func = loader.split(":")
        try:
            out.append((name, getattr(__import__(module, fromlist=[func]), func)()))
        except RuntimeError as exc:
            print(f"skipping {name}: {exc}", file=sys.stderr)
    return out


def row(name: str, path: Path, n_ctx: int, options: RunOptions, extra: list[str]) -> str:
    shape = model_shape(read_local_header(path))
    est = estimate_memory(shape, n_ctx, options)
    measured = probe(path, n_ctx, *extra)
    alloc, buffers = allocated_buffers(est), llama_buffers(measured)
    rss = measured["peak_rss_bytes"]
    flags = " ".join(extra) or "defaults"
    return (f"| {name} | {n_ctx} | {flags} | {alloc / MIB:.1f} | {buffers / MIB:.1f} | "
            f"{alloc / buffers - 1:+.1%} | {est.resident_bytes / MIB:.1f} | {rss / MIB:.1f} | "
            f"{est.resident_bytes / rss - 1:+.1%} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-ctx", type=int, default=32768)
    parser.add_argument("--only", help="comma-separated names (architectures, smollm2, gemma3-270m)")
    parser.add_argument("--options", action="store_true",
                        help="also q8_0 KV with flash attention at 4096")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    print("| model | ctx | options | allocated est. MiB | llama.cpp buffers MiB | diff | "
          "resident est. MiB | peak RSS MiB | diff |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in models(Path(tmp), only):
            shape = model_shape(read_local_header(path))
            train = shape.n_ctx_train or 4096
            for n_ctx in sorted({4096, min(train, args.max_ctx)}):
                print(row(name, path, n_ctx, RunOptions(), []), flush=True)
                if any(shape.swa_layers):      # llama-server's window-sized SWA cache
                    print(row(name, path, n_ctx, RunOptions(swa_cache="window"),
                              ["--swa-cache", "window"]), flush=True)
            if args.options:
                print(row(name, path, 4096, RunOptions(kv_type="q8_0", flash_attn=True),
                          ["--flash-attn", "--kv-type", "q8_0"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
