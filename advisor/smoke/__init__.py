"""Local smoke tests: run a prompt suite on a model and check the answers.

    >>> from advisor.smoke import SmokeSpec, run_smoke

    Example (not run)::

        result = run_smoke(SmokeSpec(gguf=path, suite="general"), on_event=print)
        result.passed, result.to_dict()["prompts"][0]["tokens_per_second"]
        run_suite_on_gguf(path, "basics", n_ctx=4096, kv_type="q8_0", flash_attn=True).passed
"""

from advisor.smoke.result import CheckResult, PromptResult, SmokeEvent, SmokeResult
from advisor.smoke.runner import SmokeSpec, run_smoke, run_suite_on_gguf

__all__ = ["CheckResult", "PromptResult", "SmokeEvent", "SmokeResult", "SmokeSpec",
           "run_smoke", "run_suite_on_gguf"]
