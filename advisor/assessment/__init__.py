"""The assessment: verdicts, findings, obligations and openness for candidate models.

    Example (not run)::

        from advisor.assessment import assess
        assess(answers, kb, model_ids=["Qwen/Qwen3-8B"]).candidates[0].verdict
        # -> 'allowed'
"""

from advisor.assessment.engine import assess, assess_one
from advisor.assessment.openness import Openness, grade
from advisor.assessment.result import (
    ASSESSMENT_SCHEMA, Assessment, Candidate, Finding,
)

__all__ = ["ASSESSMENT_SCHEMA", "Assessment", "Candidate", "Finding", "Openness",
           "assess", "assess_one", "grade"]
