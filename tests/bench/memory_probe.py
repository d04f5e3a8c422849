"""Load a GGUF in llama.cpp, fill its context, print llama.cpp's buffer sizes and peak RSS.

A child process for tests and ``bench_memory.py``: one JSON line on stdout.

    $ python -m tests.bench.memory_probe model.gguf 4096 [--kv-type q8_0] [--flash-attn]
      [--swa-cache window] [--no-fill]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile

MIB = 1 << 20
_BUFFERS = {
    "model": re.compile(r"model buffer size\s*=\s*([\d.]+) MiB"),
    "kv": re.compile(r"KV buffer size\s*=\s*([\d.]+) MiB"),
    "recurrent": re.compile(r"RS buffer size\s*=\s*([\d.]+) MiB"),
    "compute": re.compile(r"compute buffer size\s*=\s*([\d.]+) MiB"),
    "output": re.compile(r"output buffer size\s*=\s*([\d.]+) MiB"),
}


def parse_buffers(log: str) -> dict[str, int]:
    """Bytes per kind of buffer llama.cpp logged while loading (summed over devices)."""
    out = {}
    for kind, pattern in _BUFFERS.items():
        sizes = [float(m) for m in pattern.findall(log.split("~llama_context")[0])]
        out[kind] = int(sum(sizes) * MIB)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("n_ctx", type=int)
    parser.add_argument("--kv-type", default="f16")
    parser.add_argument("--flash-attn", action="store_true")
    parser.add_argument("--swa-cache", default="full")
    parser.add_argument("--no-fill", action="store_true")
    args = parser.parse_args()
    import llama_cpp

    from advisor.smoke.child import peak_rss_bytes
    from advisor.smoke.cpu_buffers import safe_extra_buffers
    from advisor.gguf.estimate import KV_TYPES

    log = tempfile.TemporaryFile(mode="w+b")
    saved = os.dup(2)
    os.dup2(log.fileno(), 2)
    try:
        with safe_extra_buffers():
            llm = llama_cpp.Llama(model_path=args.path, n_ctx=args.n_ctx, verbose=True,
                                  n_threads=os.cpu_count() or 1,
                                  type_k=KV_TYPES[args.kv_type], type_v=KV_TYPES[args.kv_type],
                                  flash_attn=args.flash_attn,
                                  swa_full=args.swa_cache == "full")
        if not args.no_fill:
            n = llm.n_ctx() - 1
            tokens = [llm.token_bos()] + [300 + (i * 7) % 50 for i in range(n - 1)]
            llm.eval(tokens)
    finally:
        os.dup2(saved, 2)
    log.seek(0)
    text = log.read().decode("utf-8", "replace")
    peak = peak_rss_bytes()
    print(json.dumps({"buffers": parse_buffers(text), "peak_rss_bytes": peak,
                      "n_ctx": llm.n_ctx()}))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
