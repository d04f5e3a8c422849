"""Rule outcomes remembered across the models of one assessment: a group of rules, for
answers fixed beforehand, gives the same findings for every model that agrees on the
model facts the rules read (most rules read none: then one evaluation serves every model).

    >>> from advisor.knowledge.predicates import Facts
    >>> calls = []
    >>> outcome = Outcomes(lambda facts: calls.append(facts.vendor) or (), {"vendor"})
    >>> facts = Facts(True, "internal", 0, "DE", frozenset(), frozenset(), frozenset(),
    ...               False, False, False, "any")
    >>> for vendor in ("a", "b", "a"):
    ...     _ = outcome(facts.with_model(vendor=vendor))
    >>> calls
    ['a', 'b']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.assessment.result import Finding
    from advisor.knowledge.predicates import Facts


class Outcomes:
    """A function of the model facts named in ``fields`` (and of answers fixed
    beforehand), remembered per distinct value of those fields."""

    def __init__(self, evaluate: Callable[[Facts], tuple[Finding, ...]],
                 fields: Iterable[str]) -> None:
        names = sorted(fields)
        self.fields = frozenset(names)
        self._evaluate = evaluate
        self._key: Callable[[Facts], Any] | None = attrgetter(*names) if names else None
        self._memo: dict[Any, tuple[Finding, ...]] = {}

    def __call__(self, facts: Facts) -> tuple[Finding, ...]:
        key = self._key(facts) if self._key is not None else None
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._evaluate(facts)
        return found
