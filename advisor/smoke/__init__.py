"""Local smoke tests: run a prompt suite on a model and check the answers.

    >>> from advisor.smoke import SmokeSpec, run_smoke
    >>> result = run_smoke(SmokeSpec(gguf=path, suite="general"), on_event=print)
    >>> result.passed, result.to_dict()["prompts"][0]["tokens_per_second"]
"""

from advisor.smoke.result import CheckResult, PromptResult, SmokeEvent, SmokeResult
from advisor.smoke.runner import SmokeSpec, run_smoke

__all__ = ["CheckResult", "PromptResult", "SmokeEvent", "SmokeResult", "SmokeSpec",
           "run_smoke"]
