"""Rule outcomes remembered across the models of one assessment: for answers fixed
beforehand, whether a rule holds depends only on the outcomes of the predicates it asks
about the model (``license_in``, ``training_flop_over``, ...), so a group of rules gives
the same findings, the very same tuple, for every model that agrees on them. Most rules
ask nothing about the model: then one evaluation serves every model.

    >>> from advisor.knowledge.predicates import Facts, compile_when, model_tests
    >>> calls = []
    >>> when = compile_when({"vendor_in": ["a", "c"]})
    >>> outcome = Outcomes(lambda facts: calls.append(facts.vendor) or (), model_tests(when))
    >>> facts = Facts(True, "internal", 0, "DE", frozenset(), frozenset(), frozenset(),
    ...               False, False, False, "any")
    >>> for vendor in ("a", "b", "c", "d"):
    ...     _ = outcome(facts.with_model(vendor=vendor))
    >>> calls
    ['a', 'b']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from advisor.knowledge.predicates import ModelTest, model_outcomes

if TYPE_CHECKING:
    from advisor.assessment.result import Finding
    from advisor.knowledge.predicates import Facts


class Outcomes:
    """``evaluate(facts)`` (a function of the answers fixed beforehand and of the
    outcomes of ``tests`` for the model), remembered per distinct outcome of the tests."""

    def __init__(self, evaluate: Callable[[Facts], tuple[Finding, ...]],
                 tests: Iterable[ModelTest]) -> None:
        self.tests = tuple(tests)
        self._evaluate = evaluate
        self._memo: dict[Any, tuple[Finding, ...]] = {}

    def __call__(self, facts: Facts) -> tuple[Finding, ...]:
        key = model_outcomes(self.tests, facts) if self.tests else None
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._evaluate(facts)
        return found
