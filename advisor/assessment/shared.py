"""What one assessment shares across its models: the facts, coverage and law of the
answers, and the outcome of each model's group of license and use-policy rules,
evaluated once per distinct outcome of what they ask about the model (see
:mod:`advisor.assessment.outcomes`).

Nothing here outlives the ``assess`` call that builds it, so no outcome can be reused
with other answers, another date or another knowledge base.

    Example (not run)::

        shared = Shared(answers, kb, "2026-12-07")
        shared.model_rules(("apache-2.0",), (), shared.facts.with_model(...))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from advisor.answers import Answers
from advisor.assessment.answer_facts import answer_facts
from advisor.assessment.coverage import Coverage, answers_coverage, coverage_findings
from advisor.assessment.law import Law, finding_from_rule, if_young
from advisor.assessment.outcomes import Outcomes
from advisor.assessment.result import Finding, finding_rank, obligations_of, verdict_of
from advisor.frozen import frozen
from advisor.knowledge.model import KnowledgeBase, Rule
from advisor.knowledge.predicates import Facts, ModelTest, holds, model_tests
from advisor.vocab import Verdict


class Shared:
    """The part of an assessment that is the same for every model (see the module)."""

    def __init__(self, answers: Answers, kb: KnowledgeBase, today: str | None) -> None:
        self.answers, self.kb, self.today = answers, kb, today
        self.base: dict[str, Any] = answer_facts(answers, kb.use_cases)
        self.facts = Facts(**self.base)           # the answers' facts, no model's
        self.coverage: Coverage = answers_coverage(answers, kb)
        self.law = Law.build(kb, answers, self.base, today)
        self.unassessed = tuple(coverage_findings(self.coverage, kb))
        # The domicile and the regions as named, and the members of the EU profile.
        self.places = frozenset({answers.organization.domicile, *answers.deployment.regions})
        self.eu: frozenset[str] = (kb.jurisdictions["EU"].members if "EU" in kb.jurisdictions
                                   else frozenset())
        self._rule_groups: dict[tuple, Outcomes] = {}
        self._rule_found: dict[int, Finding] = {}
        self._rule_tests: dict[int, set[ModelTest]] = {}
        self._middles: dict[tuple[int, int], tuple[Listed, list[int]]] = {}

    def model_rules(self, licenses: tuple[str, ...], use_policies: Sequence[str],
                    facts: Facts) -> tuple[Finding, ...]:
        """The findings of the rules of ``licenses`` and their use policies, then
        ``use_policies`` (a profile's own), in that order, for one model's ``facts``."""
        group = (licenses, tuple(use_policies))
        outcomes = self._rule_groups.get(group)
        if outcomes is None:
            rules = _rules_of(self.kb, licenses, use_policies)
            outcomes = self._rule_groups[group] = Outcomes(
                lambda f: self._holding(rules, f),
                set().union(*(self._tests_of(rule) for rule in rules)))
        return outcomes(facts)

    def _tests_of(self, rule: Rule) -> set[ModelTest]:
        tests = self._rule_tests.get(id(rule))
        if tests is None:
            tests = self._rule_tests[id(rule)] = model_tests(rule.when)
        return tests

    def _holding(self, rules: Sequence[Rule], facts: Facts) -> tuple[Finding, ...]:
        return tuple(self._rule_finding(rule, facts) for rule in rules
                     if holds(rule.when, facts))

    def _rule_finding(self, rule: Rule, facts: Facts) -> Finding:
        # Depends on the rule, the date and the audience the answers give: on no model.
        found = self._rule_found.get(id(rule))
        if found is None:
            found = self._rule_found[id(rule)] = if_young(finding_from_rule(rule, self.today),
                                                          rule, facts)
        return found

    def listed(self, before: Sequence[Finding], unknown: Sequence[Finding],
               rules: tuple[Finding, ...], law: tuple[Finding, ...],
               after: Sequence[Finding]) -> Listed:
        """One model's findings in the order they are listed (:func:`finding_rank`, then
        the order found: ``before``, the places not assessed, ``unknown``, ``rules``,
        ``law``, ``after``), with the obligations and verdicts they make. ``rules`` and
        ``law`` come from :meth:`model_rules` and ``law.findings``, which hand the same
        tuple to every model they apply to: their part is ordered once."""
        if unknown:                     # rare: no profile for a license of the model
            return _listed(sorted([*before, *self.unassessed, *unknown, *rules, *law, *after],
                                  key=finding_rank))
        key = (id(rules), id(law))      # both held by this assessment's memos meanwhile
        middle = self._middles.get(key)
        if middle is None:
            found = [*self.unassessed, *rules, *law]
            ranks = list(map(finding_rank, found))
            order = sorted(range(len(found)), key=ranks.__getitem__)
            middle = self._middles[key] = (_listed([found[i] for i in order]),
                                           [ranks[i] for i in order])
        listed, ranks = middle
        if not before and not after:
            return listed
        found = [*before, *listed.findings, *after]
        keys = [*map(finding_rank, before), *ranks, *map(finding_rank, after)]
        return _listed([found[i] for i in sorted(range(len(found)), key=keys.__getitem__)])


@frozen
class Listed:
    """A model's findings as listed, and what they make."""

    findings: tuple[Finding, ...]
    obligations: tuple[str, ...]
    verdict: Verdict
    model_verdict: Verdict


def _listed(findings: Sequence[Finding]) -> Listed:
    return Listed(tuple(findings), obligations_of(findings), verdict_of(findings),
                  verdict_of([f for f in findings if not f.deployment]))


def _rules_of(kb: KnowledgeBase, licenses: Iterable[str],
              use_policies: Sequence[str]) -> list[Rule]:
    """The rules of the licenses and of the use policies they name, then of
    ``use_policies``; each policy once."""
    rules: list[Rule] = []
    policy_ids: list[str] = []
    for lid in licenses:
        lic = kb.licenses.get(lid)
        if lic is not None:
            rules.extend(lic.rules)
            policy_ids.extend(lic.use_policies)
    policy_ids.extend(use_policies)
    for pid in dict.fromkeys(policy_ids):
        policy = kb.use_policies.get(pid)
        if policy is not None:
            rules.extend(policy.rules)
    return rules
