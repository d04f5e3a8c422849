"""Decode speed on this machine's CPU: what one generated token costs.

Per token llama.cpp reads the active weights and, on average, half the KV cache (the
estimate's ``decode_bytes_per_token``) and pays a fixed cost per layer (the graph's
nodes, the threads meeting at each). So::

    seconds per token = bytes / bandwidth + layers x layer_seconds

Both come from this machine, cached under the advisor's cache folder:

- ``bandwidth``: a streaming-read probe (a quarter second, once per machine), until
  smoke runs say better;
- ``layer_seconds`` and, with runs of two differently shaped models, the bandwidth too:
  fitted to the decode speeds this machine's smoke runs measured (every CPU run of
  ``advisor smoke`` adds one, per thread count).

The basis of each figure is said with it (``SpeedModel.basis``).

    >>> model = SpeedModel(bandwidth=10e9, layer_seconds=2e-4, basis="example")
    >>> round(model.tokens_per_second(100_000_000, 30), 1)
    62.5
    >>> fit_runs([(1e8, 30, 0.016), (2e8, 18, 0.0236)], bandwidth=8e9)
    (10000000000.0, 0.0002, 'fitted to 2 smoke runs')
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any

DEFAULT_LAYER_SECONDS = 2.5e-4     # a desktop core, when no run on this machine says
PROBE_BYTES = 256 << 20
MAX_RUNS = 32
_FILE = "machine-speed.json"


@dataclass(frozen=True)
class SpeedModel:
    bandwidth: float               # bytes/s
    layer_seconds: float           # per layer per token
    basis: str                     # how both were found, for the output

    def tokens_per_second(self, bytes_per_token: float, n_layer: int) -> float:
        seconds = bytes_per_token / max(self.bandwidth, 1.0) + n_layer * self.layer_seconds
        return 1.0 / max(seconds, 1e-9)


def default_threads() -> int:
    """llama-cpp-python's own default: half the CPUs, at least one."""
    return max((os.cpu_count() or 2) // 2, 1)


def probe_bandwidth(size: int = PROBE_BYTES) -> float:
    """Bytes/s one core streams from RAM: the best of three sums over ``size`` bytes."""
    import numpy as np

    data = np.ones(max(size // 8, 1), dtype=np.float64)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        data.sum()
        best = min(best, time.perf_counter() - started)
    return data.nbytes / max(best, 1e-9)


def fit_runs(runs: list[tuple[float, int, float]], *, bandwidth: float
             ) -> tuple[float, float, str]:
    """(bandwidth, layer_seconds, basis) from runs of (bytes per token, layers, seconds
    per token): least squares on both terms when two runs differ in shape, else the
    layer cost with the probed bandwidth; a fit that goes negative falls back likewise."""
    if not runs:
        return bandwidth, DEFAULT_LAYER_SECONDS, "no smoke run yet: layer cost assumed"
    sxx = sum(b * b for b, _, _ in runs)
    syy = sum(n * n for _, n, _ in runs)
    sxy = sum(b * n for b, n, _ in runs)
    sxt = sum(b * t for b, _, t in runs)
    syt = sum(n * t for _, n, t in runs)
    det = sxx * syy - sxy * sxy
    if len(runs) >= 2 and det > 1e-9 * sxx * syy:
        per_byte = (sxt * syy - syt * sxy) / det
        per_layer = (syt * sxx - sxt * sxy) / det
        if per_byte > 0 and per_layer >= 0:
            return (round(1.0 / per_byte, 3), round(per_layer, 9),
                    f"fitted to {len(runs)} smoke runs")
    rest = sorted((t - b / bandwidth) / max(n, 1) for b, n, t in runs)
    per_layer = max(rest[len(rest) // 2], 0.0)
    return bandwidth, per_layer, f"layer cost from {len(runs)} smoke run(s), probed bandwidth"


def _machine_key() -> str:
    import platform

    import psutil

    return f"{platform.machine()}|{platform.processor()}|{os.cpu_count()}|" \
           f"{psutil.virtual_memory().total >> 30}GiB"


def _path():
    from advisor import config

    folder = config.cache_dir()
    return None if folder is None else folder / _FILE


def _load() -> dict[str, Any]:
    path = _path()
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("machine") == _machine_key() else {}


def _save(data: dict[str, Any]) -> None:
    path = _path()
    if path is None:
        return
    from advisor.fsio import atomic_write_text

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(data, indent=1), force=True)
    except OSError:
        pass                      # a cache that cannot be written is only slower


def _runs(data: dict[str, Any], threads: int) -> list[tuple[float, int, float]]:
    out = []
    for run in data.get("runs") or []:
        try:
            if int(run["threads"]) == threads:
                out.append((float(run["bytes"]), int(run["layers"]), float(run["seconds"])))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def machine_speed(threads: int) -> SpeedModel:
    """This machine's SpeedModel for ``threads`` threads (probing the bandwidth once)."""
    data = _load()
    bandwidth = data.get("bandwidth")
    probed_on = data.get("probed_on")
    if not isinstance(bandwidth, (int, float)) or bandwidth <= 0:
        bandwidth = probe_bandwidth()
        probed_on = time.strftime("%Y-%m-%d")
        data = {"machine": _machine_key(), "bandwidth": bandwidth, "probed_on": probed_on,
                "runs": data.get("runs") or []}
        _save(data)
    fitted_bw, layer, how = fit_runs(_runs(data, threads), bandwidth=float(bandwidth))
    basis = (f"{fitted_bw / 1e9:.1f} GB/s and {layer * 1e3:.2f} ms a layer, {how}; "
             f"read probe {float(bandwidth) / 1e9:.1f} GB/s ({probed_on}), {threads} thread(s)")
    return SpeedModel(fitted_bw, layer, basis)


def record_run(bytes_per_token: float, n_layer: int, tokens_per_second: float,
               threads: int) -> None:
    """Keep one measured CPU decode for the fit (the latest MAX_RUNS per machine)."""
    if not (bytes_per_token > 0 and n_layer > 0 and tokens_per_second > 0 and threads > 0):
        return
    data = _load() or {"machine": _machine_key(), "runs": []}
    runs = [r for r in data.get("runs") or [] if isinstance(r, dict)]
    runs.append({"bytes": float(bytes_per_token), "layers": int(n_layer),
                 "seconds": 1.0 / tokens_per_second, "threads": int(threads),
                 "on": time.strftime("%Y-%m-%d")})
    data["runs"] = runs[-MAX_RUNS:]
    _save(data)
