"""Which places' law the knowledge base assessed for one answers set, and which not.

A place the answers name (the domicile, each deployment region) is *assessed* when a
jurisdiction profile lists it, or its country for a subdivision's national law. A
subdivision (``US-AK``) is assessed as to its own law only when a profile lists it; a
bare country with subdivisions (``US``) leaves the subdivisions without a profile
unassessed. Profiles whose id begins with ``sanctions-`` hold one state's measures
about other places: they never count as the targeted place's own law, and topic profiles
(``scope: topic``: the GDPR, HIPAA, a state's children's privacy law) never count as a
place's law on their own.

    Example (not run)::

        cov = coverage_of({"DE", "JP"}, kb.jurisdictions)
        cov.not_assessed   # ('JP',)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from advisor.assessment.findings import ENGINE_DOCS, engine_finding
from advisor.assessment.result import Finding
from advisor.frozen import frozen, replace
from advisor.regions import SUBDIVISIONS, country_of, place_name, subdivisions_of

if TYPE_CHECKING:
    from advisor.answers import Answers
    from advisor.knowledge.model import KnowledgeBase

SANCTIONS_PREFIX = "sanctions-"


@frozen
class Coverage:
    """Which jurisdiction profiles applied to the places named, and which places none covers."""

    assessed: tuple[str, ...]            # jurisdiction ids that applied
    not_assessed: tuple[str, ...]        # place codes whose own law no profile covers
    partly: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (country, unprofiled subdivisions)

    def to_dict(self) -> dict[str, Any]:
        """``{"assessed": [ids], "not_assessed": [codes], "subdivisions_not_assessed":
        {country: [codes]}}``."""
        return {"assessed": list(self.assessed), "not_assessed": list(self.not_assessed),
                "subdivisions_not_assessed": {c: list(subs) for c, subs in self.partly}}


def is_sanctions(jurisdiction_id: str) -> bool:
    return jurisdiction_id.lower().startswith(SANCTIONS_PREFIX)


def is_place_law(jurisdiction_id: str, jurisdiction: Any) -> bool:
    """Whether a profile stands for its members' own law: not a sanctions profile, and
    not a topic profile (``scope: topic``: one body of law such as the GDPR or HIPAA,
    which adds rules without covering the rest of a place's law)."""
    return (not is_sanctions(jurisdiction_id)
            and getattr(jurisdiction, "scope", "place") == "place")


def coverage_of(places: Iterable[str], jurisdictions: Mapping[str, Any]) -> Coverage:
    """The coverage of ``places`` (codes as the answers hold them) by ``jurisdictions``
    (id -> object with ``members``)."""
    named = list(dict.fromkeys(places))
    law: set[str] = set()
    for jid, jur in jurisdictions.items():
        if is_place_law(jid, jur):
            law |= jur.members
    applied: list[str] = []
    strict = set(named) | {country_of(p) for p in named}
    broad = strict | {s for p in named if p not in SUBDIVISIONS for s in subdivisions_of(p)}
    for jid, jur in jurisdictions.items():
        if not jur.members.isdisjoint(broad):
            applied.append(jid)
    missing = [p for p in named if p not in law]
    partly = []
    for p in named:
        if p in SUBDIVISIONS:
            continue
        subs = subdivisions_of(p)
        if p == "UA":      # Ukraine's listed regions are there for the embargoes only
            continue
        unprofiled = tuple(s for s in subs if s not in law)
        if subs and unprofiled:
            partly.append((p, unprofiled))
    return Coverage(tuple(sorted(applied)), tuple(missing), tuple(partly))


def describe(code: str) -> str:
    name = place_name(code)
    return code if name == code else f"{name} ({code})"


def answers_coverage(answers: Answers, kb: KnowledgeBase) -> Coverage:
    """Which jurisdictions apply to the answers and which named places no profile covers."""
    return coverage_of([answers.organization.domicile, *answers.deployment.regions],
                       kb.jurisdictions)


def coverage_findings(coverage: Coverage, kb: KnowledgeBase) -> list[Finding]:
    """A `review` condition for every place whose law no profile covers (never silent);
    each binds the deployment whatever model is chosen."""
    return [replace(f, deployment=True) for f in _coverage_review(coverage, kb)]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _coverage_review(coverage: Coverage, kb: KnowledgeBase) -> list[Finding]:
    source = ENGINE_DOCS["law_not_assessed"]
    out = []
    for code in coverage.not_assessed:
        country = country_of(code)
        national = ""
        if code != country:
            national = (f" The national law of {describe(country)} was assessed."
                        if any(country in j.members for jid, j in kb.jurisdictions.items()
                               if is_place_law(jid, j)) else "")
        out.append(engine_finding(
            "condition", "review",
            f"The law of {describe(code)} was not assessed: the knowledge base has no "
            f"jurisdiction profile for it.{national} Have it reviewed before relying on this "
            "verdict.", source,
            obligation=f"Have the law of {describe(code)} reviewed for this use."))
    for country, missing in coverage.partly:
        covered = [s for s in subdivisions_of(country) if s not in missing]
        done = (f"only for {', '.join(describe(s) for s in covered)}" if covered
                else "for none of them")
        # An info, not a condition: the country's own profile was assessed, and the state
        # rules that exist fire as conditions naming their state (profiles/README.md).
        out.append(engine_finding(
            "info", "review",
            f"{_capital(describe(country))} stands for all its states or provinces: their own "
            "laws were "
            f"assessed {done}; the other {len(missing)} were not. Name the ones you serve "
            f"(ISO 3166-2, e.g. {missing[0]}) or have them reviewed.", source))
    return out
