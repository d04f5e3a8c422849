"""What an assessment returns: findings, candidates, the whole assessment.

A finding from a rule that asks nothing about the model (the law of the places served,
the sector rules of the use case, sanctions, places not assessed, the organization's own
policies) binds the deployment whatever model is picked: it carries ``deployment=True``,
is listed once in ``Assessment.deployment_duties``, and is left out of a candidate's
``model_verdict`` (``verdict`` still counts every finding).

    >>> from advisor.knowledge.model import Source
    >>> verdict_of([Finding("condition", "transparency", "...", Source("t"), deployment=True)])
    'conditional'

    Example (not run)::

        candidate.verdict, candidate.findings[0].to_dict()["source"]["section"]
        # -> ('conditional', '1.b.i')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from advisor.assessment.openness import Openness
from advisor.frozen import field, frozen
from advisor.knowledge.model import Source
from advisor.vocab import SEVERITY_RANK, VERDICT_RANK, Access, Basis, Severity, Verdict

ASSESSMENT_SCHEMA = "advisor.assessment/1"


@frozen
class Finding:
    """One reason behind a verdict: a rule that fired, or the engine's own review."""

    severity: Severity
    code: str
    message: str
    source: Source
    obligation: str | None = None
    origin: str = ""                  # "license:llama3.2", "jurisdiction:EU", "engine"
    confirmed: bool = True
    quote: str | None = None          # the passage of the source the finding rests on
    in_force: str | None = None       # ISO date the provision applies from
    upcoming: bool = False            # in_force is after the assessment's `today`
    only_if: str | None = None        # the rule's trigger the answers cannot decide, in words
    deployment: bool = False          # binds the deployment whatever model is chosen

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"severity": self.severity, "code": self.code,
                               "message": self.message, "source": self.source.to_dict()}
        if self.obligation:
            out["obligation"] = self.obligation
        if self.origin:
            out["origin"] = self.origin
        if not self.confirmed:
            out["confirmed"] = False
        if self.quote:
            out["quote"] = self.quote
        if self.in_force:
            out["in_force"] = self.in_force
        if self.upcoming:
            out["upcoming"] = True
        if self.only_if:
            out["only_if"] = self.only_if
        if self.deployment:
            out["deployment"] = True
        return out


UNKNOWN_CODES = ("unknown_model", "unknown_license")
# Findings that rarely decide anything: listed after the ones of the same severity.
BOILERPLATE_CODES = frozenset({"notice", "governing_law", "commercial_use", "termination"})


def finding_rank(finding: Finding) -> int:
    """Where ``finding`` is listed (a stable sort keeps the order found among equals): the
    worst severity first; within one, boilerplate after the rest, unconfirmed after
    confirmed.

    >>> from advisor.knowledge.model import Source
    >>> finding_rank(Finding("condition", "notice", "...", Source("t"), confirmed=False))
    7
    """
    return (SEVERITY_RANK[finding.severity] * 4 + (finding.code in BOILERPLATE_CODES) * 2
            + (not finding.confirmed))


def obligations_of(findings: Iterable[Finding]) -> tuple[str, ...]:
    """The obligations ``findings`` carry, each once, in their order."""
    return tuple(dict.fromkeys(f.obligation for f in findings if f.obligation))


def binding(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """The findings that ask something of the user (every severity but ``info``)."""
    return tuple(f for f in findings if f.severity != "info")


def verdict_of(findings: Iterable[Finding]) -> Verdict:
    """The verdict the worst of ``findings`` decides (CONTRACT §3)."""
    findings = findings if isinstance(findings, (tuple, list)) else tuple(findings)
    severities = {finding.severity for finding in findings}
    if "block" in severities:
        return "blocked"
    if any(finding.code in UNKNOWN_CODES for finding in findings):
        return "unknown"
    if "condition" in severities:
        return "conditional"
    return "allowed"


@frozen
class Candidate:
    """One model's verdict, with its findings, obligations and openness."""

    model: str
    licenses: tuple[str, ...]
    verdict: Verdict
    findings: tuple[Finding, ...]
    obligations: tuple[str, ...]
    openness: Openness
    family: str | None = None
    vendor: str | None = None
    parameters: float | None = None
    basis: Basis = "profile"
    based_on: str | None = None       # the profiled base model a Hub repo inherits from
    access: Access = "weights"        # api: a hosted service (its fit is "hosted")
    model_verdict: Verdict | str = ""  # the verdict of the model's own findings; "" = verdict

    def __post_init__(self) -> None:
        if not self.model_verdict:
            object.__setattr__(self, "model_verdict", verdict_of(self.model_findings))

    @property
    def model_findings(self) -> tuple[Finding, ...]:
        """The findings that depend on the model (its license, use policy, openness,
        capability, gate, the engine's review of it, law that asks about the model)."""
        return tuple(f for f in self.findings if not f.deployment)

    @property
    def license(self) -> str:
        """The license expression: one id, or ids joined with AND."""
        return " AND ".join(self.licenses) if self.licenses else "unknown"

    def counts(self, *, model_only: bool = False) -> dict[str, int]:
        out = {"block": 0, "condition": 0, "info": 0}
        for finding in self.model_findings if model_only else self.findings:
            out[finding.severity] += 1
        return out

    def sort_key(self) -> tuple:
        """Worst first: the verdict, then the model's own verdict and findings."""
        counts = self.counts(model_only=True)
        return (-VERDICT_RANK[self.verdict], -VERDICT_RANK[self.model_verdict],
                -counts["block"], -counts["condition"], self.model.lower())

    def to_dict(self) -> dict[str, Any]:
        return self.to_dict_with([f.to_dict() for f in self.findings])

    def to_dict_with(self, findings: list) -> dict[str, Any]:
        """:meth:`to_dict` with ``findings`` in place of the findings' dicts (a writer
        that encodes each distinct finding once passes their JSON text)."""
        return {
            "model": self.model, "license": self.license, "licenses": list(self.licenses),
            "verdict": self.verdict, "model_verdict": self.model_verdict,
            "findings": findings,
            "obligations": list(self.obligations),
            "openness": self.openness.to_dict(),
            "family": self.family, "vendor": self.vendor, "parameters": self.parameters,
            "basis": self.basis, "based_on": self.based_on, "access": self.access,
        }


@frozen
class Assessment:
    """The candidates of one answers set, worst first, and the deployment's duties."""

    answers: dict[str, Any]
    candidates: tuple[Candidate, ...]
    profiles_digest: str = ""
    notes: tuple[str, ...] = field(default=())
    # {"assessed": [jurisdiction ids], "not_assessed": [place codes],
    #  "subdivisions_not_assessed": {country: [codes]}}; None when not computed.
    coverage: dict[str, Any] | None = None
    today: str | None = None          # the date the rules' in_force was compared with
    # The findings that bind the deployment whatever model is chosen, each once.
    deployment_duties: tuple[Finding, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return self.to_dict_with([f.to_dict() for f in self.deployment_duties],
                                 [c.to_dict() for c in self.candidates])

    def to_dict_with(self, deployment_duties: list, candidates: list) -> dict[str, Any]:
        """:meth:`to_dict` with the duties and the candidates given (see
        :meth:`Candidate.to_dict_with`)."""
        out = {"schema": ASSESSMENT_SCHEMA, "answers": self.answers,
               "deployment_duties": deployment_duties, "candidates": candidates,
               "profiles_digest": self.profiles_digest, "notes": list(self.notes)}
        if self.coverage is not None:
            out["coverage"] = self.coverage
        if self.today is not None:
            out["today"] = self.today
        return out

    def candidate(self, model_id: str) -> Candidate | None:
        wanted = model_id.lower()
        return next((c for c in self.candidates if c.model.lower() == wanted), None)
