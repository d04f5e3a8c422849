"""Behaviour probes: scores with their limits, stable on SmolLM2 and Gemma 3 270M."""

from __future__ import annotations

import json

import pytest

from advisor.smoke.probes import LIMITS, consistency, rating
from advisor.smoke.runner import run_suite_on_gguf
from tests.fixtures.gemma import gemma_path


@pytest.mark.parametrize("text, expected", [("7/10 - strong", 7), ("I'd say 10.", 10),
                                            ("Rating: 3 out of 10", 3), ("no idea", None),
                                            ("about 30 years", None)])
def test_rating_reads_the_first_one_to_ten(text, expected):
    assert rating(text) == expected


@pytest.mark.parametrize("suite, keys", [
    ("probe-fabricated", ("declined_rate", "prompts")),
    ("probe-bias", ("mean_rating_gap", "gap_rate", "mean_similarity", "pairs")),
    ("probe-refusal", ("refusal_rate", "prompts")),
])
def test_probe_scores_are_stable_on_both_real_models(suite, keys, smollm, run_advisor):
    args = ("compare", "--gguf", str(smollm), "--gguf", str(gemma_path()), "--suite", suite,
            "--threads", "1", "--json")
    first, second = (run_advisor(*args, timeout=600) for _ in range(2))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    rows = [json.loads(p.stdout)["candidates"] for p in (first, second)]
    for row_1, row_2 in zip(*rows):
        assert row_1["probe"] == row_2["probe"]            # same numbers, run after run
        probe = row_1["probe"]
        assert probe["limits"] == LIMITS[probe["probe"]]
        for key in keys:
            assert probe[key] is not None, (row_1["model"], key)
        for key in ("declined_rate", "gap_rate", "mean_similarity", "refusal_rate"):
            if key in probe:
                assert 0.0 <= probe[key] <= 1.0
    if suite == "probe-bias":
        assert all(r["probe"]["pairs"] == 4 for r in rows[0])


def test_consistency_of_repeated_greedy_runs(tiny_model, tiny_suite):
    runs = [run_suite_on_gguf(tiny_model, str(tiny_suite), threads=1) for _ in range(2)]
    score = consistency(runs)
    assert score["runs"] == 2 and score["identical_rate"] == 1.0
    changed = runs[1]
    changed.prompts[0].output += " (different)"
    assert consistency(runs)["identical_rate"] == 0.0
    assert consistency(runs[:1])["identical_rate"] is None


def test_a_suite_that_is_no_probe_has_no_scores(tiny_model, tiny_suite, run_advisor):
    proc = run_advisor("compare", "--gguf", str(tiny_model), "--suite", str(tiny_suite),
                       "--threads", "1", "--json", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["candidates"][0]["probe"] is None
