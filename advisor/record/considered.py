"""The options a record says were weighed: never a fixed list.

In order: the models the user named (``--consider``, or marked in the app), else the
models a comparison ran (their profiles), else the recommendation's best alternatives for
the same answers and hardware (``advisor.recommend``; it never offers a model that cannot
run on that hardware). The chosen model is never its own alternative.

    >>> pick_considered(["Qwen/Qwen3-8B", "org/Chosen"], None, None, "org/chosen")
    ('consider', ['Qwen/Qwen3-8B'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ALTERNATIVES = 3
SOURCES = ("consider", "comparison", "recommendation", "none")
SOURCE_WORDS = {
    "consider": "the models the decision-makers named as weighed",
    "comparison": "the models the comparison ran",
    "recommendation": "the recommendation's best alternatives for the same answers and "
                      "hardware",
    "none": "none: no option was named, compared or recommended",
}


def compared_models(section: dict[str, Any] | None) -> list[str]:
    """The profiles of a comparison's candidates (rows without a profile are left out)."""
    rows = (section or {}).get("candidates") or []
    return list(dict.fromkeys(str(r["profile"]) for r in rows if r.get("profile")))


def pick_considered(consider: Sequence[str] | None, comparison: dict[str, Any] | None,
                    recommended: Sequence[str] | None, chosen: str
                    ) -> tuple[str, list[str]]:
    """(source, model ids) of the options weighed besides ``chosen``."""
    def others(ids: Sequence[str]) -> list[str]:
        return [m for m in dict.fromkeys(ids) if m.lower() != chosen.lower()]

    if consider:
        return "consider", others(consider)
    compared = others(compared_models(comparison))
    if compared:
        return "comparison", compared
    if recommended:
        return "recommendation", others(recommended)[:ALTERNATIVES]
    return "none", []


def recommendation(assessment: Any, kb: Any, hardware: Any) -> Any:
    """The recommendation for ``assessment`` on ``hardware`` (None when the recommendation
    service is not available in this build)."""
    try:
        from advisor.recommend import recommend
    except ImportError:
        return None
    return recommend(assessment, kb, hardware, top=ALTERNATIVES + 1)


def fit_facts(rec: Any, model_id: str) -> dict[str, Any] | None:
    """Where the recommendation puts ``model_id``: its rank, fit and why in words; or the
    reason it was left out. None without a recommendation."""
    if rec is None:
        return None
    item = rec.item(model_id)
    if item is not None:
        return {"rank": item.rank, "fit": item.fit, "why": list(item.why), "excluded": None}
    wanted = model_id.lower()
    out = next((e for e in rec.excluded if e.model.lower() == wanted), None)
    if out is not None:
        return {"rank": None, "fit": "too_large" if out.code == "hardware" else None,
                "why": [], "excluded": {"code": out.code, "reason": out.reason}}
    return None
