"""The quality signal: published tables as percentiles among the models that run here,
independent over vendor-reported, the heuristic stated where no figure exists, a table
counting only for the uses it speaks to (issue 19 item 5).

    pytest tests/recommend/test_quality_signal.py -q
"""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.knowledge import load_knowledge
from advisor.recommend.signal import (
    UNMEASURED_CEILING, Basis, effective_parameters, heuristic_signals, heuristic_value,
    heuristic_words, measured, pool_figures, ranks, relevant,
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
use_cases: [coding]
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


def test_ranks_respect_direction_and_ties() -> None:
    assert ranks({"a": 3.0, "b": 1.0, "c": 1.0}) == {"a": 1.0, "b": 0.25, "c": 0.25}
    assert ranks({"a": 0.2, "b": 0.1}, higher_is_better=False) == {"a": 0.0, "b": 1.0}
    assert ranks({"alone": 5.0}) == {"alone": 0.5}


def test_percentiles_count_only_the_models_that_run_here(quality_kb) -> None:
    arena = quality_kb.quality["test-arena"]
    everyone = pool_figures([arena], [s.model.lower() for s in arena.scores])
    assert everyone["ibm-granite/granite-3.3-2b-instruct"][0].percentile == 1.0
    assert everyone["qwen/qwen3-4b-instruct-2507"][0].percentile == pytest.approx(0.5)
    # Without the best model among those that run here, the next ones move up.
    fewer = pool_figures([arena], ["qwen/qwen3-4b-instruct-2507",
                                   "microsoft/phi-4-mini-instruct"])
    assert fewer["qwen/qwen3-4b-instruct-2507"][0].percentile == 1.0
    assert fewer["qwen/qwen3-4b-instruct-2507"][0].among == 2
    assert "ibm-granite/granite-3.3-2b-instruct" not in fewer


def test_a_table_counts_only_for_the_uses_it_speaks_to(quality_kb) -> None:
    errors = quality_kb.quality["test-errors"]
    assert errors.use_cases == ("coding",)
    assert relevant(errors, ["coding"], []) and not relevant(errors, ["translation"], [])
    assert relevant(quality_kb.quality["test-arena"], ["translation"], [])


def test_independent_tables_win_over_vendor_reported(quality_kb) -> None:
    tables = [quality_kb.quality[t] for t in ("test-arena", "test-vendor-bench", "test-errors")]
    pool = {s.model.lower() for t in tables for s in t.scores}
    figures = pool_figures(tables, pool)
    granite = measured(figures["ibm-granite/granite-3.3-2b-instruct"])
    assert granite.basis == "independent" and granite.value == 1.0
    assert granite.words.startswith("Test Arena (2026-11-20): 1300, better than 100% of the 3")
    gemma = measured(figures["google/gemma-3-4b-it"])
    assert gemma.basis == "vendor_reported"
    assert gemma.value == pytest.approx(UNMEASURED_CEILING)     # counts like the heuristic
    assert gemma.words.startswith("vendor-reported: Vendors' model cards (2026-11-01): 90")
    cited = gemma.to_dict()["figures"][0]["source"]
    assert cited["url"] == "https://huggingface.co/google/gemma-3-4b-it"
    assert cited["checked"] == "2026-12-07"


def test_several_tables_weigh_by_the_models_they_compare(tmp_path: Path) -> None:
    small = ARENA.replace("id: test-arena", "id: small").replace(
        "  - {model: microsoft/Phi-4-mini-instruct, value: 1050}\n"
        "  - {model: ibm-granite/granite-3.3-2b-instruct, value: 1300}\n", "")
    (tmp_path / "big.yaml").write_text(ARENA, encoding="utf-8")
    (tmp_path / "small.yaml").write_text(small.replace("value: 1100}", "value: 900}", 1),
                                         encoding="utf-8")
    kb = load_knowledge([tmp_path])
    tables = [kb.quality["test-arena"], kb.quality["small"]]
    pool = {s.model.lower() for t in tables for s in t.scores}
    signal = measured(pool_figures(tables, pool)["mistralai/ministral-3-3b-instruct-2512"])
    # 1.5 of 3 comparisons won in the big table, 0 of 1 in the small: 1.5 of 4
    assert signal.value == pytest.approx(1.5 / 4)
    assert "and 1 more table" in signal.words and "(4 comparisons)" in signal.words


def test_the_heuristic_says_what_it_rests_on() -> None:
    basis = Basis(largest=32e9, newest="2026-10-01")
    raw = {"old-big": heuristic_value(32e9, None, "2023-10-01", basis),
           "new-small": heuristic_value(4e9, None, "2026-10-01", basis),
           "unknown": heuristic_value(None, None, None, basis)}
    words = {"old-big": heuristic_words(32e9, None, "2023-10-01"),
             "new-small": heuristic_words(4e9, None, "2026-10-01"),
             "unknown": heuristic_words(None, None, None)}
    signals = heuristic_signals(raw, words)
    assert {s.basis for s in signals.values()} == {"heuristic"}
    assert max(s.value for s in signals.values()) == UNMEASURED_CEILING
    assert signals["old-big"].words == ("no published quality figure: ranked by size 32B and "
                                        "released 2023-10")
    assert "size not published" in words["unknown"]
    assert "release date not profiled" in words["unknown"]
    assert heuristic_words(30.5e9, 3.3e9, "2025-07-29").startswith(
        "no published quality figure: ranked by size 10B effective (30B mixture of experts)")
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
    assert any(w.startswith("Test Arena (2026-11-20): 1300") for w in rated.item(model).why)
    low = rated.item("microsoft/Phi-4-mini-instruct")
    assert low.rank > plain.item(low.model).rank
    doc = rated.item(model).to_dict()["quality"]
    assert doc["figures"][0]["source"]["url"] == "https://arena.example.org/leaderboard"
    # the coding-only table does not speak to a game
    qwen = rated.item("Qwen/Qwen3-8B") or next(e for e in rated.excluded if e.model == "Qwen/Qwen3-8B")
    if hasattr(qwen, "quality"):
        assert all(f.table.id != "test-errors" for f in qwen.quality.figures)


def test_bad_relevance_keys_are_named(tmp_path: Path) -> None:
    from advisor.knowledge.load import check_profiles, profile_dirs

    (tmp_path / "t.yaml").write_text(LOWER_BETTER.replace("use_cases: [coding]",
                                                          "use_cases: [knitting]"),
                                     encoding="utf-8")
    (tmp_path / "u.yaml").write_text(ARENA.replace("metric: Arena score",
                                                   "metric: Arena score\nmodalities: [smell]"),
                                     encoding="utf-8")
    _, problems = check_profiles(profile_dirs([tmp_path]))
    lines = sorted(p.one_line() for p in problems)
    assert len(lines) == 2
    assert "use_cases[0]: 'knitting' is not a known use case" in lines[0]
    assert "modalities[0]: 'smell' is not a known modality" in lines[1]
