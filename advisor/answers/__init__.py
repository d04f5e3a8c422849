"""The interview's answers: their vocabulary and shape (:mod:`.schema`), and reading,
validating, normalizing and saving answers files (:mod:`.parse`).

    >>> answers = parse_answers("organization: {domicile: DE}\\n", "answers.yaml")
    >>> answers.deployment.mode
    'hosted_service'
    >>> answers.to_dict()["schema"]
    'advisor.answers/1'
"""

from __future__ import annotations

from advisor.answers.parse import (
    answers_from_data, answers_to_yaml, dump_answers, load_answers, parse_answers,
)
from advisor.answers.schema import (
    AUDIENCES, CORE_USE_CASES, DATA_CATEGORIES, DEFAULT_AUDIENCE, DEFAULT_DATA, DEFAULT_MAU,
    DEFAULT_REGIONS, MODALITIES, MODES, NON_PERSONAL, OPENNESS, SCHEMA,
    SPECIAL_CATEGORY_MEMBERS, VERDICT_DEFAULTS, Answers, Audience, Data, Deployment,
    Hardware, Needs, Organization, UseCase, default_answers, example_answers,
    implied_categories,
)

__all__ = [
    "AUDIENCES", "CORE_USE_CASES", "DATA_CATEGORIES", "DEFAULT_AUDIENCE", "DEFAULT_DATA",
    "DEFAULT_MAU", "DEFAULT_REGIONS", "MODALITIES", "MODES", "NON_PERSONAL", "OPENNESS",
    "SCHEMA", "SPECIAL_CATEGORY_MEMBERS", "VERDICT_DEFAULTS", "Answers", "Audience", "Data",
    "Deployment", "Hardware", "Needs", "Organization", "UseCase", "answers_from_data",
    "answers_to_yaml", "default_answers", "dump_answers", "example_answers",
    "implied_categories", "load_answers", "parse_answers",
]
