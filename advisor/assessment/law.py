"""The law of the places served and the organization's own policies, as one answers set
meets them: each rule evaluated once where it asks nothing about the model (those
findings bind the deployment whatever model is chosen), per model where it does; a rule
that holds only because a bare country stands for its subdivisions, or only for users
under an age not answered, becomes a condition that names them.

    >>> iso_day(dt.date(2026, 12, 7)), iso_day("2026-12-07"), iso_day(None)
    ('2026-12-07', '2026-12-07', None)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import partial

from advisor.answers import Answers
from advisor.assessment.outcomes import Outcomes
from advisor.assessment.result import Finding
from advisor.frozen import frozen, replace
from advisor.knowledge.model import KnowledgeBase, Rule
from advisor.knowledge.predicates import (PLACE_KEYS, Facts, ages_asked, holds, model_tests,
                                          uses_model_facts, when_values)
from advisor.regions import SUBDIVISIONS, country_of, place_name, subdivisions_of


@frozen
class Places:
    """The places of one answers set: as named, with their countries (``strict``), and
    with every subdivision a bare country stands for (``broad``)."""

    strict: frozenset[str]
    broad: frozenset[str]

    @classmethod
    def of(cls, answers: Answers) -> "Places":
        named = {answers.organization.domicile, *answers.deployment.regions}
        strict = frozenset(named | {country_of(code) for code in named})
        subs = {sub for code in named if code not in SUBDIVISIONS
                for sub in subdivisions_of(code)}
        return cls(strict, strict | frozenset(subs))


def _law_pairs(kb: KnowledgeBase, places: Places) -> list[tuple[Rule, frozenset[str]]]:
    """The law of the places and the organization's policies; each rule with the
    subdivisions it applies to only because a bare country was named (empty: it applies
    as written)."""
    out: list[tuple[Rule, frozenset[str]]] = []
    for jurisdiction in kb.jurisdictions.values():
        if not jurisdiction.members.isdisjoint(places.strict):
            out.extend((rule, frozenset()) for rule in jurisdiction.rules)
        elif not jurisdiction.members.isdisjoint(places.broad):
            through = jurisdiction.members & places.broad
            out.extend((rule, through) for rule in jurisdiction.rules)
    for policy in kb.policies.values():
        out.extend((rule, frozenset()) for rule in policy.rules)
    return out


@frozen
class Law:
    """The law and policy rules of one answers set, evaluated once where they ask
    nothing about the model (most do): ``entries`` hold (rule, through, finding) with
    ``finding`` precomputed, or the marker ``_PER_MODEL``; a rule that asks nothing about
    the model and does not hold has no entry. The rules that ask about the model are
    evaluated once per distinct outcome of what they ask (see
    :mod:`advisor.assessment.outcomes`)."""

    places: Places
    entries: tuple[tuple[Rule, frozenset[str], object], ...]
    today: str | None = None

    def __post_init__(self) -> None:
        # Not fields (no part of equality or repr): each entry as the findings it always
        # gives, or as its own memo of them; and the memo of their concatenation.
        parts = tuple(Outcomes(partial(self._one, rule, through), model_tests(rule.when))
                      if done is _PER_MODEL else (done,) for rule, through, done in self.entries)
        tests = set().union(*(p.tests for p in parts if type(p) is Outcomes))
        object.__setattr__(self, "_parts", parts)
        object.__setattr__(self, "_outcomes", Outcomes(self._evaluate, tests))

    @classmethod
    def build(cls, kb: KnowledgeBase, answers: Answers, base: Mapping,
              today: str | None = None) -> "Law":
        places = Places.of(answers)
        facts = Facts(**base)
        broad = replace(facts, broad=True) if places.broad != places.strict else None
        entries = []
        for rule, through in _law_pairs(kb, places):
            if uses_model_facts(rule.when):
                entries.append((rule, through, _PER_MODEL))
            else:               # a rule that does not hold is left out: it finds nothing
                found = _apply_one(rule, through, facts, broad, places, today)
                if found is not None:
                    entries.append((rule, through, replace(found, deployment=True)))
        return cls(places, tuple(entries), today)

    def duties(self) -> list[Finding]:
        """The findings of the rules that ask nothing about the model: the deployment's."""
        return [done for _, _, done in self.entries if done is not _PER_MODEL]

    def findings(self, facts: Facts) -> tuple[Finding, ...]:
        """The findings for one model: ``facts`` are this answers set's with the model's."""
        return self._outcomes(facts)

    def _evaluate(self, facts: Facts) -> tuple[Finding, ...]:
        out: list[Finding] = []
        for part in self._parts:
            out.extend(part(facts) if type(part) is Outcomes else part)
        return tuple(out)

    def _one(self, rule: Rule, through: frozenset[str], facts: Facts) -> tuple[Finding, ...]:
        broad = facts.broadly() if self.places.broad != self.places.strict else None
        found = _apply_one(rule, through, facts, broad, self.places, self.today)
        return () if found is None else (found,)


_PER_MODEL = object()


def _when_places(when: Mapping) -> frozenset[str]:
    """Every place a compiled `when:` names in its place predicates."""
    return frozenset().union(*when_values(when, PLACE_KEYS))


IF_THERE = "If you serve users in, or your organization is established in, "
_IF_THERE_PLACES = re.compile(r"((?:[^:(]+ \([A-Z]{2}(?:-[A-Z0-9]{1,3})?\)(?:, )?)+): ")
_PLACE_CODE = re.compile(r"\(([A-Z]{2}(?:-[A-Z0-9]{1,3})?)\)")


def if_there_split(message: str) -> tuple[tuple[str, ...], str] | None:
    """The place codes and the rest of a message :func:`_if_there` wrote; None for any
    other message.

    >>> if_there_split(IF_THERE + "California (US-CA): The CCPA applies.")
    (('US-CA',), 'The CCPA applies.')
    >>> if_there_split("Art. 50(1) applies.") is None
    True
    """
    if not message.startswith(IF_THERE):
        return None
    match = _IF_THERE_PLACES.match(message, len(IF_THERE))
    if not match:
        return None
    return tuple(_PLACE_CODE.findall(match.group(1))), message[match.end():]


def _if_there(finding: Finding, places: frozenset[str]) -> Finding:
    """A finding that applies only if the organization or its users are in ``places``:
    a condition (never a block) whose message names them."""
    names = ", ".join(f"{place_name(p)} ({p})" for p in sorted(places)) or \
        "a subdivision this rule names"
    message = f"{IF_THERE}{names}: {finding.message}"
    severity = "condition" if finding.severity == "block" else finding.severity
    return replace(finding, severity=severity, message=message)


def _apply_one(rule: Rule, through: frozenset[str], facts: Facts, broad: Facts | None,
               places: Places, today: str | None = None) -> Finding | None:
    """The finding of one rule, if it holds; a rule that holds only because a bare
    country stands for its subdivisions becomes a condition naming them (see
    profiles/README.md, Places)."""
    if not through and holds(rule.when, facts):
        return if_young(finding_from_rule(rule, today), rule, facts)
    if broad is not None and holds(rule.when, broad):
        named = through or (_when_places(rule.when) & (places.broad - places.strict))
        return if_young(_if_there(finding_from_rule(rule, today), named), rule, facts)
    return None


def if_young(finding: Finding, rule: Rule, facts: Facts) -> Finding:
    """A rule on users under an age, where minors were answered without one: a
    condition (never a block) that begins "If any user is under N"."""
    if "minors" not in facts.audience or facts.minimum_age is not None:
        return finding
    ages = ages_asked(rule.when)
    if not ages:
        return finding
    severity = "condition" if finding.severity == "block" else finding.severity
    return replace(finding, severity=severity,
                   message=f"If any user is under {ages[0]:g}: {finding.message}")


def iso_day(today: str | dt.date | None) -> str | None:
    """``today`` as an ISO date string (the engine never reads the clock itself).

    >>> iso_day(dt.date(2026, 12, 7)), iso_day("2026-12-07"), iso_day(None)
    ('2026-12-07', '2026-12-07', None)
    """
    if today is None or isinstance(today, dt.date):
        return today.isoformat()[:10] if today is not None else None
    return dt.date.fromisoformat(today).isoformat()


def finding_from_rule(rule: Rule, today: str | None = None) -> Finding:
    """A rule's finding; one whose provision applies only after ``today`` says so, and
    cannot block yet (profiles/README.md, "Dates")."""
    severity, message = rule.severity, rule.message
    if not rule.confirmed:
        message = f"{message} (Not confirmed in the primary text: have it reviewed.)"
        if severity == "info":
            severity = "condition"
    upcoming = bool(today and rule.in_force and rule.in_force > today)
    if upcoming:
        message = f"From {rule.in_force} (not yet in force): {message}"
        severity = "condition" if severity == "block" else severity
    return Finding(severity=severity, code=rule.code, message=message, source=rule.source,
                   obligation=rule.obligation, origin=rule.origin, confirmed=rule.confirmed,
                   quote=rule.quote, in_force=rule.in_force, upcoming=upcoming,
                   only_if=rule.only_if)
