"""The recommendation: which models the answers can use on the hardware, best first, and
why; the deployment's duties once. A pure service beside ``advisor.assessment``.

    Example (not run)::

        from advisor.recommend import recommend
        rec = recommend(assess(answers, kb), kb, simulated_hardware(ram_gb=64, vram_gb=24))
        rec.shortlist[0].why[0][:30], rec.to_dict()["schema"]
        # -> ('runs wholly on your 24 GB GPU ', 'advisor.recommendation/1')
"""

from advisor.recommend.fit import RunFit, run_fit
from advisor.recommend.needs import UseNeeds, needs_of_answers, use_needs
from advisor.recommend.rank import recommend
from advisor.recommend.result import (
    DEFAULT_TOP, EXCLUSION_CODES, RECOMMENDATION_SCHEMA, Exclusion, Recommendation,
    ShortlistItem,
)

__all__ = ["DEFAULT_TOP", "EXCLUSION_CODES", "RECOMMENDATION_SCHEMA", "Exclusion",
           "Recommendation", "RunFit", "ShortlistItem", "UseNeeds", "needs_of_answers",
           "recommend", "run_fit", "use_needs"]
