"""Fixtures of the knowledge-base tests.

- ``us_service_answers``: a small US company's hosted, commercial general assistant (the
  answers the vendor profile tests assess every listed model under).
- ``verdicts_of(ids, answers=None)``: model id -> verdict for those models under
  ``answers`` (default ``us_service_answers``), assessed offline against ``kb``.
- ``check_profile_facts(repo_id, licenses, ...)``: the facts every vendor profile must carry.
"""

from __future__ import annotations

import pytest

from advisor.answers import parse_answers
from advisor.assessment import assess
from advisor.knowledge.model import COMPONENT_TYPES

US_SERVICE_ANSWERS = """
organization: {domicile: US, monthly_active_users: 1000}
deployment: {regions: [US], mode: hosted_service, commercial: true}
use_case: {categories: [general_assistant], modalities: [text]}
needs: {fine_tune: false, distill_outputs: false, redistribute_weights: false, openness: any}
"""


@pytest.fixture(scope="session")
def us_service_answers() -> str:
    return US_SERVICE_ANSWERS


@pytest.fixture(scope="session")
def verdicts_of(kb):
    """``verdicts_of(["org/m"])`` -> ``{"org/m": "conditional"}``."""

    def verdicts(ids: list[str], answers: str = US_SERVICE_ANSWERS) -> dict[str, str]:
        result = assess(parse_answers(answers, "answers.yaml"), kb, model_ids=ids)
        return {c.model: c.verdict for c in result.candidates}

    return verdicts


@pytest.fixture(scope="session")
def check_profile_facts(kb):
    """``check_profile_facts(repo_id, ["apache-2.0"], max_parameters=1e12,
    min_context=8192, released_from="2023-01-01")``: the profile exists, names those
    licenses in that order (each one the knowledge base has), and carries plausible size,
    training, context and release figures, https sources and an openness entry with
    evidence for every component."""

    def check(repo_id: str, licenses: list[str], *, max_parameters: float,
              min_context: int, released_from: str) -> None:
        model = kb.find_model(repo_id)
        assert model is not None, repo_id
        assert list(model.licenses) == licenses
        assert all(lid in kb.licenses for lid in model.licenses)
        assert model.parameters and 1e8 <= model.parameters <= max_parameters
        assert model.training_tokens is None or 1e11 <= model.training_tokens <= 1e14
        assert model.context_length and model.context_length >= min_context
        assert model.released and released_from <= model.released <= "2026-12-01"
        assert model.sources and all(s.url.startswith("https://") for s in model.sources)
        assert set(model.openness) == set(COMPONENT_TYPES)
        assert all(c.evidence and c.evidence.startswith("https://")
                   for c in model.openness.values())

    return check
