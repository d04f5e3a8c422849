"""The ranking never breaks a tie by name: renaming or reordering the models changes
nothing (issue 19, "no alphabetical tie-breaks"); it is deterministic and pure.

    pytest tests/recommend/test_ordering.py -q
"""

from __future__ import annotations

import hashlib
import random

import pytest

from advisor.answers import parse_answers
from advisor.assessment import assess
from advisor.frozen import replace
from advisor.machine.hardware import simulated_hardware
from advisor.knowledge.model import QualityTable
from advisor.recommend import recommend

SITUATIONS = {
    "eu support, 80 GB GPU": ("""organization: {domicile: DE, monthly_active_users: 50000}
deployment: {regions: [EU], mode: hosted_service, commercial: true}
use_case: {categories: [customer_support], languages: [de, fr]}
""", 128, 80),
    "game on a phone": ("""organization: {domicile: US}
deployment: {regions: [US], mode: on_device}
use_case: {categories: [games_entertainment]}
""", 8, 0),
    "internal coding, laptop": ("""organization: {domicile: US, monthly_active_users: 40}
deployment: {regions: [US], mode: internal}
use_case: {categories: [coding, summarization], modalities: [text, code]}
""", 32, 0),
}


def _named_ids(kb) -> set[str]:
    """Model ids some rule names (`model_ids`): renaming those would change a verdict."""
    out: set[str] = set()

    def walk(when) -> None:
        for key, value in when.items():
            if key == "model_ids":
                out.update(value)
            elif key in ("any", "all"):
                for item in value:
                    walk(item)
            elif key == "not":
                walk(value)

    for table in (kb.licenses, kb.use_policies, kb.jurisdictions, kb.policies):
        for record in table.values():
            for rule in record.rules:
                walk(rule.when)
    return out


def _renamed(kb):
    """The knowledge base with every model id renamed so that alphabetical order runs the
    other way round (and owners change); (kb, new id -> old id)."""
    keep = _named_ids(kb)
    ids = sorted((m.id for m in kb.models.values()), key=str.lower)
    mapping = {}
    for index, old in enumerate(ids):
        if old.lower() in keep:
            mapping[old] = old
            continue
        digest = hashlib.sha256(old.encode()).hexdigest()[:6]
        owner = "renamed-api" if old.split("/")[0].endswith("-api") else f"o{len(ids) - index:04d}"
        mapping[old] = f"{owner}/m{len(ids) - index:04d}-{digest}"
    models = {mapping[m.id].lower(): replace(m, id=mapping[m.id], gguf_repos=(),
                                             base_model=None)
              for m in kb.models.values()}
    quality = {tid: QualityTable(**{**t.__dict__, "scores": tuple(
        replace(s, model=mapping.get(kb.find_model(s.model).id, s.model)) for s in t.scores)})
        for tid, t in kb.quality.items()}
    renamed = replace(kb, models=models, gguf_index={}, quality=quality)
    return renamed, {new: old for old, new in mapping.items()}


@pytest.fixture(scope="module")
def renamed(kb):
    return _renamed(kb)


def _rec(text: str, kb, ram: float, vram: float):
    answers = parse_answers(text, "answers.yaml", kb.use_cases)
    return recommend(assess(answers, kb), kb, simulated_hardware(ram_gb=ram, vram_gb=vram),
                     top=10_000)


@pytest.mark.parametrize("name", sorted(SITUATIONS))
def test_renaming_every_model_changes_no_rank(name: str, kb, renamed) -> None:
    text, ram, vram = SITUATIONS[name]
    before = [i.model for i in _rec(text, kb, ram, vram).ranked]
    other_kb, old_of = renamed
    after = [old_of[i.model] for i in _rec(text, other_kb, ram, vram).ranked]
    assert len(before) > 20
    assert after == before


@pytest.mark.parametrize("name", sorted(SITUATIONS))
def test_the_order_the_assessment_lists_models_in_changes_nothing(name: str, kb) -> None:
    text, ram, vram = SITUATIONS[name]
    answers = parse_answers(text, "answers.yaml", kb.use_cases)
    result = assess(answers, kb)
    hardware = simulated_hardware(ram_gb=ram, vram_gb=vram)
    first = recommend(result, kb, hardware)
    shuffled = list(result.candidates)
    random.Random(7).shuffle(shuffled)
    for order in (shuffled, list(reversed(result.candidates))):
        again = recommend(replace(result, candidates=tuple(order)), kb, hardware)
        assert [i.model for i in again.ranked] == [i.model for i in first.ranked]
        assert sorted(e.model for e in again.excluded) == sorted(e.model for e in first.excluded)


def test_ranks_count_up_and_the_shortlist_is_bounded(kb) -> None:
    text, ram, vram = SITUATIONS["eu support, 80 GB GPU"]
    answers = parse_answers(text, "answers.yaml", kb.use_cases)
    rec = recommend(assess(answers, kb), kb, simulated_hardware(ram_gb=ram, vram_gb=vram), top=3)
    assert [i.rank for i in rec.shortlist] == [1, 2, 3]
    assert [i.rank for i in rec.ranked] == list(range(1, len(rec.ranked) + 1))
    assert len(rec.to_dict()["shortlist"]) == 3 and rec.to_dict()["usable"] == len(rec.ranked)
    # Every model is either ranked or left out with a reason, never both, never lost.
    ranked = {i.model for i in rec.ranked}
    left = {e.model for e in rec.excluded}
    assert not ranked & left and len(ranked | left) == len(kb.models)
