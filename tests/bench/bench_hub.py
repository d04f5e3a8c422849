"""Benchmark of the Hub area: header bytes read per estimate, and estimate vs measured memory.

    $ python tests/bench/bench_hub.py

1. ``advisor ggufs --json`` against the stand-in Hub: bytes the server sent for the header
   read, against the file's size (SmolLM2-135M Q4_1 and a generated ~400 MB model).
2. The memory estimate against the peak RSS of llama.cpp (llama-cpp-python, CPU) loading
   the model at the same context in a child process, once after a short prompt and once
   with the context nearly full (the case the estimate is for).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fixtures.hub_server import HubRepo, serve_hub, write_sparse_gguf  # noqa: E402
from tests.fixtures.smollm import smollm_path  # noqa: E402
from tests.fixtures.tiny_gguf import write_tiny_gguf  # noqa: E402

MIB = 2**20

CHILD = r"""
import json, resource, sys, time
import llama_cpp
import llama_cpp.llama as _llama
path, ctx, fill = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
from advisor.smoke.cpu_buffers import safe_extra_buffers
t = time.time()
with safe_extra_buffers():   # as the smoke runner does (llama.cpp issue 20824)
    llm = llama_cpp.Llama(model_path=path, n_ctx=ctx, n_gpu_layers=0, verbose=False)
if fill:
    text = ("The quick brown fox jumps over the lazy dog. " * (ctx // 4)).encode()
    llm.eval(llm.tokenize(text)[:ctx - 64])
else:
    llm.create_completion("Hello", max_tokens=4)
# VmHWM: peak RSS of this image (ru_maxrss would carry the parent's peak over execve)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
try:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) * 1024
except OSError:
    pass
print(json.dumps({"maxrss": peak, "seconds": time.time() - t}))
"""


def header_reads(models: dict[str, Path], tmp: Path) -> list[tuple[str, int, int]]:
    repos = {f"bench/{name}": HubRepo(files={path.name: path}) for name, path in models.items()}
    rows = []
    with serve_hub(repos) as hub:
        env = hub.env(tmp)
        for name, path in models.items():
            repo = f"bench/{name}"
            r = subprocess.run([sys.executable, "-m", "advisor", "ggufs", repo, "--json"], env=env,
                               cwd=ROOT, capture_output=True, text=True, timeout=300)
            if r.returncode:
                raise SystemExit(r.stderr)
            rows.append((name, hub.bytes_served[(repo, path.name)], path.stat().st_size))
    return rows


def estimate(path: Path, ctx: int) -> dict:
    from advisor.gguf.estimate import estimate_memory, model_shape
    from advisor.gguf.header import read_local_header

    return estimate_memory(model_shape(read_local_header(path), file_bytes=path.stat().st_size),
                           ctx).to_dict()


def measure(path: Path, ctx: int, fill: bool) -> dict:
    r = subprocess.run([sys.executable, "-c", CHILD, str(path), str(ctx), str(int(fill))],
                       capture_output=True, text=True, timeout=900)
    if r.returncode:
        raise SystemExit(r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench_hub_"))
    smol = smollm_path()
    sparse = write_sparse_gguf(tmp / "sparse-Q8_0.gguf", n_layer=12, n_embd=1536, n_ff=4096)
    print("Header-only reading (advisor ggufs over HTTP Range, stand-in Hub)")
    print(f"{'model':28} {'file MiB':>10} {'read KiB':>10} {'share':>8}")
    for name, served, size in header_reads({"SmolLM2-135M-Q4_1": smol, "sparse-400MB-Q8_0": sparse},
                                           tmp):
        print(f"{name:28} {size / MIB:10.1f} {served / 1024:10.0f} {served / size:8.2%}")

    t = time.time()
    gen = write_tiny_gguf(tmp / "generated-F32.gguf", n_layer=4, n_head=8,
                          target_bytes=300 * MIB)
    print(f"\n(generated {gen.stat().st_size / MIB:.0f} MiB F32 llama model in {time.time() - t:.1f} s)")
    print("\nEstimate vs measured peak RSS of llama.cpp (CPU, child process)")
    print(f"{'model':22} {'ctx':>5} {'prompt':>7} {'estimate MiB':>13} {'peak RSS MiB':>13} "
          f"{'diff':>7}  ok")
    cases = [(smol, "SmolLM2-135M-Q4_1", 4096), (smol, "SmolLM2-135M-Q4_1", 2048),
             (gen, "generated-300MB-F32", 2048)]
    for path, name, ctx in cases:
        est = estimate(path, ctx)["total_bytes"]
        for fill in (False, True):
            rss = measure(path, ctx, fill)["maxrss"]
            diff = (est - rss) / rss
            ok = abs(diff) <= 0.15 or abs(est - rss) <= 100 * MIB
            print(f"{name:22} {ctx:5d} {'full' if fill else 'short':>7} {est / MIB:13.1f} "
                  f"{rss / MIB:13.1f} {diff:+7.1%}  {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
