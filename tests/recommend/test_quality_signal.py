"""The quality signal: published tables as percentiles, independent over vendor-reported,
the heuristic stated where no figure exists (issue 19 item 5).

    pytest tests/recommend/test_quality_signal.py -q
"""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.knowledge import load_knowledge
from advisor.recommend.signal import (
    Basis, effective_parameters, heuristic, measured, percentiles, published_figures,
)

ARENA = """\
schema: advisor.quality/1
id: test-arena
title: Test Arena
publisher: Test Arena Org
url: https://arena.example.org/leaderboard
published: 2026-11-20
checked: 2026-12-07
kind: independent
metric: Arena score
higher_is_better: true
scores:
  - {model: mistralai/Ministral-3-3B-Instruct-2512, value: 1100}
  - {model: Qwen/Qwen3-4B-Instruct-2507, value: 1100}
  - {model: microsoft/Phi-4-mini-instruct, value: 1050}
  - {model: ibm-granite/granite-3.3-2b-instruct, value: 1300}
"""

VENDOR = """\
schema: advisor.quality/1
id: test-vendor-bench
title: Vendors' model cards
publisher: the vendors
url: https://huggingface.co/models
published: 2026-11-01
checked: 2026-12-07
kind: vendor_reported
metric: Bench-X accuracy
higher_is_better: true
scores:
  - {model: ibm-granite/granite-3.3-2b-instruct, value: 10,
     url: "https://huggingface.co/ibm-granite/granite-3.3-2b-instruct", section: Evaluation}
  - {model: google/gemma-3-4b-it, value: 90, url: "https://huggingface.co/google/gemma-3-4b-it"}
  - {model: microsoft/Phi-3.5-mini-instruct, value: 30}
"""

LOWER_BETTER = """\
schema: advisor.quality/1
id: test-errors
title: Error rates
publisher: Test
url: https://errors.example.org
published: 2026-10-01
checked: 2026-12-07
kind: independent
metric: error rate
higher_is_better: false
scores:
  - {model: Qwen/Qwen3-8B, value: 0.2}
  - {model: Qwen/Qwen3-14B, value: 0.1}
"""


@pytest.fixture
def quality_kb(tmp_path: Path):
    for name, text in (("arena.yaml", ARENA), ("vendor.yaml", VENDOR),
                       ("errors.yaml", LOWER_BETTER)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return load_knowledge([tmp_path])


def test_percentiles_within_each_table(quality_kb) -> None:
    arena = percentiles(quality_kb.quality["test-arena"])
    assert arena["ibm-granite/granite-3.3-2b-instruct"] == 1.0
    assert arena["microsoft/phi-4-mini-instruct"] == 0.0
    assert arena["qwen/qwen3-4b-instruct-2507"] == pytest.approx(0.5)   # a tie counts half
    errors = percentiles(quality_kb.quality["test-errors"])
    assert errors["qwen/qwen3-14b"] == 1.0                 # lower is better there


def test_independent_tables_win_over_vendor_reported(quality_kb) -> None:
    figures = published_figures(quality_kb)
    granite = measured(figures["ibm-granite/granite-3.3-2b-instruct"])
    assert granite.basis == "independent" and granite.value == 1.0
    assert "Test Arena" in granite.words and "vendor" not in granite.words
    gemma = measured(figures["google/gemma-3-4b-it"])
    assert gemma.basis == "vendor_reported" and gemma.value == 1.0
    assert gemma.words.startswith("vendor-reported Bench-X accuracy 90 in Vendors' model cards")
    cited = gemma.to_dict()["figures"][0]["source"]
    assert cited["url"] == "https://huggingface.co/google/gemma-3-4b-it"
    assert cited["checked"] == "2026-12-07"


def test_the_heuristic_says_what_it_rests_on() -> None:
    basis = Basis(largest=32e9, newest="2026-10-01")
    old_big = heuristic(32e9, None, "2023-10-01", basis)
    new_small = heuristic(4e9, None, "2026-10-01", basis)
    assert old_big.basis == new_small.basis == "heuristic"
    assert old_big.words == ("no published quality figure: ranked by size 32B and released "
                             "2023-10")
    assert 0 <= new_small.value <= 1 and 0 <= old_big.value <= 1
    unknown = heuristic(None, None, None, basis)
    assert "size not published" in unknown.words and "release date not profiled" in unknown.words
    assert effective_parameters(30.5e9, 3.3e9) == pytest.approx(10.03e9, rel=0.01)


def test_a_published_figure_moves_a_model_and_is_cited(quality_kb, recommend_for) -> None:
    game = """organization: {domicile: US}
deployment: {regions: [US], mode: on_device}
use_case: {categories: [games_entertainment], languages: [en]}
"""
    plain = recommend_for(game, ram_gb=8, top=500)
    rated = recommend_for(game, ram_gb=8, top=500, knowledge=quality_kb)
    model = "ibm-granite/granite-3.3-2b-instruct"
    assert rated.item(model).rank < plain.item(model).rank
    assert rated.item(model).quality.basis == "independent"
    assert any("Test Arena" in w and "percentile" in w for w in rated.item(model).why)
    low = rated.item("microsoft/Phi-4-mini-instruct")
    assert low.quality.value == 0.0 and low.rank > plain.item(low.model).rank
    doc = rated.item(model).to_dict()["quality"]
    assert doc["figures"][0]["source"]["url"] == "https://arena.example.org/leaderboard"
