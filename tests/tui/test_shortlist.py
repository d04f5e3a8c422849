"""The candidate table as the recommendation's shortlist: rows, filters, orders (pure,
no Textual; issue 19 item 6).

    pytest tests/tui/test_shortlist.py -q
"""

from __future__ import annotations

import pytest

from advisor.answers import parse_answers
from advisor.assessment import assess
from advisor.machine.hardware import simulated_hardware
from advisor.recommend import recommend
from advisor.tui.shortlist import (
    ANY, Filters, arrange_shortlist, choices, default_filters, license_family, shortlist_rows,
    with_profiles,
)

DOCS = """organization: {domicile: FR, monthly_active_users: 300}
deployment: {regions: [FR], mode: internal, commercial: true}
use_case: {categories: [data_extraction], modalities: [text, image_input], languages: [fr]}
"""


@pytest.fixture(scope="module")
def table(kb):
    answers = parse_answers(DOCS, "answers.yaml", kb.use_cases)
    result = assess(answers, kb)
    rec = recommend(result, kb, simulated_hardware(ram_gb=64, vram_gb=24))
    return answers, result, rec, with_profiles(shortlist_rows(result, rec), kb)


def test_the_default_is_the_shortlist_in_its_order(table) -> None:
    _, result, rec, rows = table
    shown = arrange_shortlist(rows)
    assert [r.model_id for r in shown] == [i.model for i in rec.ranked]
    assert [r.rank for r in shown] == list(range(1, len(shown) + 1))
    assert all(r.why and r.why == rec.item(r.model_id).why for r in shown)
    assert len(rows) == len(result.candidates)


def test_the_models_left_out_show_with_their_reason(table) -> None:
    _, _, rec, rows = table
    everything = arrange_shortlist(rows, Filters(show_excluded=True))
    left = everything[len(rec.ranked):]
    assert len(everything) == len(rows) and all(r.rank is None for r in left)
    reasons = {e.model: e.reason for e in rec.excluded}
    assert all(r.excluded == reasons[r.model_id] for r in left)
    # a search finds a model left out without asking for them all
    found = arrange_shortlist(rows, query="qwen/qwen3-8b")
    assert [r.model_id for r in found] == ["Qwen/Qwen3-8B"] and found[0].excluded


def test_the_answered_modality_filters_by_default(table) -> None:
    answers, _, _, rows = table
    filters = default_filters(answers)
    assert filters.modality == "image_input"
    shown = arrange_shortlist(rows, replace_filters(filters, show_excluded=True))
    assert shown and all("image_input" in r.modalities for r in shown)
    assert default_filters(parse_answers("organization: {domicile: DE}\n", "a.yaml")).modality \
        == ANY


def replace_filters(filters: Filters, **changes) -> Filters:
    return Filters(**{**filters.__dict__, **changes})


@pytest.mark.parametrize("field, value", [("kind", "vision_language"), ("vendor", "Mistral AI"),
                                          ("license_family", "apache"),
                                          ("verdict", "conditional")])
def test_each_filter_lets_only_its_value_through(table, field: str, value: str) -> None:
    _, _, _, rows = table
    assert value in choices(rows, field if field != "verdict" else "model_verdict")
    shown = arrange_shortlist(rows, Filters(**{field: value}))
    attribute = {"verdict": "model_verdict"}.get(field, field)
    assert shown and all(getattr(r, attribute) == value for r in shown)


def test_fits_my_hardware(table) -> None:
    _, _, _, rows = table
    here = arrange_shortlist(rows, Filters(fits="runs here", show_excluded=True))
    assert here and all(r.fit in ("gpu", "partial", "cpu") for r in here)
    well = arrange_shortlist(rows, Filters(fits="runs well"))
    assert well and all(r.tier == "runs_well" for r in well)
    assert len(well) < len(arrange_shortlist(rows))


def test_orders(table) -> None:
    _, result, _, rows = table
    by_fit = arrange_shortlist(rows, order="fit")
    order = {"gpu": 0, "hosted": 1, "partial": 2, "cpu": 3}
    keys = [order.get(r.fit, 4) for r in by_fit]
    assert keys == sorted(keys)
    worst = arrange_shortlist(rows, Filters(show_excluded=True), order="worst first")
    assert [r.model_id for r in worst] == [c.model for c in result.candidates]


def test_license_families() -> None:
    assert license_family(("llama3.3",)) == "llama"
    assert license_family(("apache-2.0", "mit")) == "apache"
    assert license_family("cc-by-nc-4.0") == "cc-by-nc"
    assert license_family(("gemma",)) == "gemma"
    assert license_family(()) == "unknown"
