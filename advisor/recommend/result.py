"""What a recommendation returns: the usable models best first, each with why, the
models left out with their reason, and the deployment's duties once.

    Example (not run)::

        rec.shortlist[0].rank, rec.shortlist[0].why[0][:26]
        # -> (1, 'runs wholly on your 80 GB ')
        rec.to_dict()["schema"]
        # -> 'advisor.recommendation/1'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.assessment.result import Candidate, Finding
from advisor.recommend.fit import RunFit
from advisor.recommend.needs import UseNeeds
from advisor.recommend.signal import Signal

RECOMMENDATION_SCHEMA = "advisor.recommendation/1"
DEFAULT_TOP = 10
# Why a model is left out, in the order they are checked (the first that applies is
# the one given).
EXCLUSION_CODES = ("blocked", "unknown", "modality", "base_model", "kind", "tool_calling",
                   "context", "hosted", "hardware")


@dataclass(frozen=True)
class ShortlistItem:
    """One usable model: where it stands and why, in words."""

    rank: int
    model: str
    verdict: str
    model_verdict: str
    run: RunFit
    score: float
    quality: Signal
    why: tuple[str, ...]
    candidate: Candidate
    kind: str | None = None
    vendor: str | None = None

    @property
    def fit(self) -> str:
        """gpu, partial, cpu, hosted or unknown (as ``advisor ggufs`` names fits)."""
        return self.run.where

    @property
    def license(self) -> str:
        return self.candidate.license

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "model": self.model, "verdict": self.verdict,
                "model_verdict": self.model_verdict, "fit": self.fit, "why": list(self.why),
                "license": self.license, "kind": self.kind, "vendor": self.vendor,
                "score": round(self.score, 4), "run": self.run.to_dict(),
                "quality": self.quality.to_dict(),
                "obligations": list(dict.fromkeys(
                    f.obligation for f in self.candidate.model_findings if f.obligation))}


@dataclass(frozen=True)
class Exclusion:
    """A model the answers cannot use, with the reason (``code``: EXCLUSION_CODES)."""

    model: str
    code: str
    reason: str
    verdict: str
    model_verdict: str

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "code": self.code, "reason": self.reason,
                "verdict": self.verdict, "model_verdict": self.model_verdict}


@dataclass(frozen=True)
class Recommendation:
    """Every usable model ranked (``ranked``), the first ``top`` of them the shortlist."""

    answers: dict[str, Any]
    needs: UseNeeds
    hardware: dict[str, Any]
    deployment_duties: tuple[Finding, ...]
    ranked: tuple[ShortlistItem, ...]
    excluded: tuple[Exclusion, ...]
    top: int = DEFAULT_TOP
    notes: tuple[str, ...] = field(default=())
    profiles_digest: str = ""

    @property
    def shortlist(self) -> tuple[ShortlistItem, ...]:
        return self.ranked[: self.top]

    def excluded_counts(self) -> dict[str, int]:
        """How many models each reason left out, in EXCLUSION_CODES order."""
        counts = {code: 0 for code in EXCLUSION_CODES}
        for item in self.excluded:
            counts[item.code] = counts.get(item.code, 0) + 1
        return {code: n for code, n in counts.items() if n}

    def item(self, model_id: str) -> ShortlistItem | None:
        wanted = model_id.lower()
        return next((i for i in self.ranked if i.model.lower() == wanted), None)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": RECOMMENDATION_SCHEMA, "answers": self.answers,
                "hardware": self.hardware, "needs": self.needs.to_dict(),
                "deployment_duties": [f.to_dict() for f in self.deployment_duties],
                "shortlist": [i.to_dict() for i in self.shortlist],
                "usable": len(self.ranked),
                "excluded": [e.to_dict() for e in self.excluded],
                "excluded_counts": self.excluded_counts(),
                "profiles_digest": self.profiles_digest, "notes": list(self.notes)}
