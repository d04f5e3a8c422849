"""The decode-speed estimate is fitted to what llama.cpp measured on this machine.

A fresh cache folder: the first run of each real model calibrates (the bandwidth probe,
then the per-layer cost from the run); two runs of differently shaped models fix both
terms, so the next run of each model is estimated at exactly the speed its calibrating
run measured, and the output names the basis. This compares the estimate with recorded
measurements, not with a new timing: how close the estimate lands to a later run on a
busy machine is a benchmark's question (`python tests/bench/bench_speed.py`, README).
"""

from __future__ import annotations

import json

import pytest

from tests.fixtures.gemma import gemma_path
from tests.fixtures.smollm import smollm_path
from tests.smoke.conftest import run_cli


def _smoke(cache, model) -> dict:
    r = run_cli("--gguf", str(model), "--json", timeout=300,
                env={"XDG_CACHE_HOME": str(cache), "ADVISOR_NO_CACHE": None})
    assert r.code in (0, 1), r.stderr          # Gemma 3 270M misses some answers: still timed
    doc = json.loads(r.stdout)
    assert doc["measured_tokens_per_second"], r.stderr
    return doc


@pytest.fixture
def models():
    try:
        return smollm_path(), gemma_path()
    except RuntimeError as exc:          # the model packages are part of the test install
        pytest.fail(str(exc))


def test_the_estimate_is_fitted_to_this_machines_smoke_runs(tmp_path, models):
    cache = tmp_path / "cache"
    smol, gemma = models
    first = _smoke(cache, smol)
    assert "layer cost assumed" in first["estimate"]["speed_basis"]
    assert (cache / "advisor" / "machine-speed.json").is_file()
    second = _smoke(cache, gemma)
    calibrating = {smol: first["measured_tokens_per_second"],
                   gemma: second["measured_tokens_per_second"]}
    for model in (smol, gemma):
        doc = _smoke(cache, model)
        basis = doc["estimate"]["speed_basis"]
        assert "fitted to" in basis and "smoke run" in basis, basis
        # smol's runs 1 and 3 and gemma's run 2: least squares on two shapes fits gemma's
        # point and smol's first (then the mean of its two) exactly
        expected = calibrating[model] if model is smol else calibrating[gemma]
        assert doc["estimated_tokens_per_second"] == pytest.approx(expected, rel=0.02), \
            (model.name, basis, doc["estimate"])
