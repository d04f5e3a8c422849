"""The `when:` language of rules: its vocabulary, its validation, its evaluation.

A rule fires when every key of its ``when`` holds for the facts of one
(answers, model) pair. Pure functions, no I/O.

Places: a subdivision (``US-CA``) lies inside its country, so ``regions_any: [US]``
holds for a region ``US-CA``. A bare country means every one of its subdivisions, so
``regions_any: [US-CA]`` holds for a region ``US`` only when ``Facts.broad`` is set: the
engine asks again with ``broad=True`` and reports such a rule as a condition naming the
place ("if you serve users in California ...").

    >>> facts = Facts(commercial=True, mode="hosted_service", mau=0, domicile="DE",
    ...               regions=frozenset({"US-CA"}), use_cases=frozenset(), modalities=frozenset(),
    ...               fine_tune=False, distill_outputs=False, redistribute_weights=False,
    ...               openness_required="any")
    >>> holds(compile_when({"commercial": True, "mode": ["hosted_service"]}), facts)
    True
    >>> holds(compile_when({"regions_any": ["US"]}), facts)
    True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

from advisor.answers import AUDIENCES, DATA_CATEGORIES
from advisor.frozen import frozen
from advisor.vocab import ACCESS_KINDS
from advisor.regions import ALIASES, SUBDIVISIONS, country_of, normalize_code


@frozen
class Facts:
    """Everything a predicate may ask about, for one answers set and one model."""

    commercial: bool
    mode: str
    mau: int
    domicile: str
    regions: frozenset[str]
    use_cases: frozenset[str]
    modalities: frozenset[str]
    fine_tune: bool
    distill_outputs: bool
    redistribute_weights: bool
    openness_required: str
    model_id: str = ""
    model_modalities: frozenset[str] = frozenset()
    vendor: str = ""
    family: str = ""
    licenses: frozenset[str] = frozenset()
    license_osi_approved: bool | None = None
    osaid: str = "unknown"
    mof_class: str = "none"
    training_flop: float | None = None
    parameters: float | None = None
    revenue: float | None = None                # organization.annual_revenue_usd
    # data.categories with what they imply (advisor.answers.implied_categories) and what
    # the use cases and audience imply (advisor.assessment.answer_facts)
    data: frozenset[str] = frozenset()
    audience: frozenset[str] = frozenset()
    minimum_age: int | None = None              # the youngest user's age, if answered
    access: str = "weights"                     # weights | api (a hosted service)
    api_provider: str = ""                      # lower-case; "" unless access is api
    broad: bool = False                         # a bare country stands for its subdivisions

    def __post_init__(self) -> None:
        up, bare = _region_sets(frozenset(self.regions))
        object.__setattr__(self, "_regions_up", up)
        object.__setattr__(self, "_bare", bare)

    def with_model(self, **model: Any) -> "Facts":
        """These answers' facts with the model's (the fields MODEL_KEYS read) set: a copy
        that reuses the answers' part as it is (no field is derived from the model's).

        >>> from advisor.frozen import replace
        >>> facts = Facts(True, "internal", 0, "DE", frozenset(), frozenset(), frozenset(),
        ...               False, False, False, "any")
        >>> facts.with_model(vendor="acme") == replace(facts, vendor="acme")
        True
        """
        unknown = model.keys() - _MODEL_FIELD_NAMES
        if unknown:
            raise TypeError(f"not a model fact: {', '.join(sorted(unknown))}")
        return self._copy(model)

    def broadly(self) -> "Facts":
        """These facts read with a bare country standing for its subdivisions
        (``replace(facts, broad=True)``, without re-deriving the region sets)."""
        return self._copy({"broad": True})

    def _copy(self, changes: Mapping[str, Any]) -> "Facts":
        copy = object.__new__(Facts)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy

    @property
    def distributes(self) -> bool:
        return self.redistribute_weights or self.mode in ("on_device", "on_prem")

    @property
    def third_party_access(self) -> bool:
        return self.mode in ("hosted_service", "on_device", "on_prem")


@functools.lru_cache(maxsize=64)
def _region_sets(regions: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Each region together with the country it lies in (the strict reading), and the
    regions that are bare countries; the same for every model of an assessment."""
    up = set(regions)
    up.update(country_of(code) for code in regions)
    return frozenset(up), frozenset(c for c in regions if c not in SUBDIVISIONS)


def _any_in(values: frozenset[str], wanted: frozenset[str]) -> bool:
    return not values.isdisjoint(wanted)


def _minors_under(f: Facts, age: float) -> bool:
    """Minors use the system and the youngest may be under ``age`` (an unanswered age
    counts: the engine then words the finding "if any user is under ...")."""
    return "minors" in f.audience and (f.minimum_age is None or f.minimum_age < age)


def _over(value: float | None, limit: float) -> bool:
    return value is not None and value > limit


_PARENTS: dict[frozenset[str], frozenset[str]] = {}


def _parents_of_subdivisions(wanted: frozenset[str]) -> frozenset[str]:
    """The countries whose subdivisions ``wanted`` names (cached per compiled set)."""
    out = _PARENTS.get(wanted)
    if out is None:
        out = _PARENTS[wanted] = frozenset(country_of(c) for c in wanted if c in SUBDIVISIONS)
    return out


def _domicile_in(f: Facts, wanted: frozenset[str]) -> bool:
    if f.domicile in wanted or country_of(f.domicile) in wanted:
        return True
    return f.broad and f.domicile in _parents_of_subdivisions(wanted)


def _regions_any(f: Facts, wanted: frozenset[str]) -> bool:
    if not f._regions_up.isdisjoint(wanted):          # type: ignore[attr-defined]
        return True
    return f.broad and not f._bare.isdisjoint(        # type: ignore[attr-defined]
        _parents_of_subdivisions(wanted))


# key -> (value kind, test). Kinds: bool, int, number, list, lower_list, regions, use_cases,
# and lists checked against a vocabulary: access, data, audience.
_PREDICATES: dict[str, tuple[str, Callable[[Facts, Any], bool]]] = {
    "commercial": ("bool", lambda f, v: f.commercial is v),
    "mode": ("list", lambda f, v: f.mode in v),
    "mode_not": ("list", lambda f, v: f.mode not in v),
    "mau_over": ("int", lambda f, v: f.mau > v),
    "mau_at_least": ("int", lambda f, v: f.mau >= v),
    "domicile_in": ("regions", _domicile_in),
    "domicile_not_in": ("regions", lambda f, v: not _domicile_in(f, v)),
    "regions_any": ("regions", _regions_any),
    "use_cases_any": ("use_cases", lambda f, v: _any_in(f.use_cases, v)),
    "use_cases_all": ("use_cases", lambda f, v: v <= f.use_cases),
    "modalities_any": ("list", lambda f, v: _any_in(f.modalities, v)),
    "fine_tune": ("bool", lambda f, v: f.fine_tune is v),
    "distill_outputs": ("bool", lambda f, v: f.distill_outputs is v),
    "redistribute_weights": ("bool", lambda f, v: f.redistribute_weights is v),
    "distributes": ("bool", lambda f, v: f.distributes is v),
    "third_party_access": ("bool", lambda f, v: f.third_party_access is v),
    "openness_required": ("list", lambda f, v: f.openness_required in v),
    "data_any": ("data", lambda f, v: _any_in(f.data, v)),
    "audience_any": ("audience", lambda f, v: _any_in(f.audience, v)),
    "minors_under": ("int", _minors_under),
    "model_ids": ("lower_list", lambda f, v: f.model_id in v),
    "model_modalities_any": ("list", lambda f, v: _any_in(f.model_modalities, v)),
    "vendor_in": ("lower_list", lambda f, v: f.vendor in v),
    "family_in": ("lower_list", lambda f, v: f.family in v),
    "license_in": ("list", lambda f, v: _any_in(f.licenses, v)),
    "license_osi_approved": ("bool", lambda f, v: f.license_osi_approved is v),
    "osaid": ("list", lambda f, v: f.osaid in v),
    "mof_class_in": ("list", lambda f, v: f.mof_class in v),
    "training_flop_over": ("number", lambda f, v: _over(f.training_flop, v)),
    "parameters_over": ("number", lambda f, v: _over(f.parameters, v)),
    "revenue_over": ("number", lambda f, v: _over(f.revenue, v)),
    "revenue_at_least": ("number", lambda f, v: f.revenue is not None and f.revenue >= v),
    "revenue_unknown": ("bool", lambda f, v: (f.revenue is None) is v),
    "access_in": ("access", lambda f, v: f.access in v),
    "api_provider_in": ("lower_list", lambda f, v: f.api_provider in v),
}
ACCESS_VALUES = ACCESS_KINDS
_CHOICES = {"access": ACCESS_VALUES, "data": DATA_CATEGORIES, "audience": AUDIENCES}
_COMBINATORS = ("any", "all", "not")
PLACE_KEYS = ("domicile_in", "domicile_not_in", "regions_any")
# Predicates about the model being assessed; every other key asks only about the answers.
MODEL_KEYS = frozenset({"model_ids", "model_modalities_any", "vendor_in", "family_in",
                        "license_in", "license_osi_approved", "osaid", "mof_class_in",
                        "training_flop_over", "parameters_over", "access_in",
                        "api_provider_in"})


def uses_model_facts(when: Mapping[str, Any]) -> bool:
    """True when a compiled `when:` asks anything about the model (then it must be
    evaluated per model; otherwise once per answers set)."""
    for key, value in when.items():
        if key in MODEL_KEYS:
            return True
        if key in ("any", "all") and any(uses_model_facts(item) for item in value):
            return True
        if key == "not" and uses_model_facts(value):
            return True
    return False


ModelTest = tuple[Callable[[Facts, Any], bool], Any]


def model_tests(when: Mapping[str, Any]) -> set[ModelTest]:
    """The predicates about the model in a compiled `when:`, at any depth, each as
    (test, value): for one answers set, whether the `when:` holds depends only on their
    outcomes (:func:`model_outcomes`), so models that agree on them need one evaluation.

    >>> [value for _, value in model_tests({"commercial": True,
    ...                                     "not": {"license_in": frozenset({"mit"})}})]
    [frozenset({'mit'})]
    """
    out: set[ModelTest] = set()
    for key, value in when.items():
        if key in ("any", "all"):
            for item in value:
                out |= model_tests(item)
        elif key == "not":
            out |= model_tests(value)
        elif key in MODEL_KEYS:
            out.add((_PREDICATES[key][1], value))
    return out


def model_outcomes(tests: tuple[ModelTest, ...], facts: Facts) -> tuple[bool, ...]:
    """The outcome of each of ``tests`` (from :func:`model_tests`) for ``facts``."""
    return tuple([test(facts, value) for test, value in tests])


PREDICATE_KEYS = tuple(_PREDICATES) + _COMBINATORS
# The Facts fields the predicates in MODEL_KEYS read: what Facts.with_model may set.
_MODEL_FIELD_NAMES = frozenset({"model_id", "model_modalities", "vendor", "family", "licenses",
                                "license_osi_approved", "osaid", "mof_class", "training_flop",
                                "parameters", "access", "api_provider"})
# Bounds on one `when:` so that YAML aliases (a "billion laughs") or deep nesting cannot
# hang or crash the loader: predicates are counted each time an alias repeats them.
MAX_DEPTH = 32
MAX_PREDICATES = 1000


class PredicateError(ValueError):
    """A malformed `when:`; ``path`` locates it inside the map."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


def _expand_regions(values: list[str], path: tuple) -> frozenset[str]:
    out: set[str] = set()
    for index, value in enumerate(values):
        value = "NO" if value is False else value   # YAML 1.1 reads Norway's code as false
        if not isinstance(value, str):
            raise PredicateError(path + (index,), f"must be a country code, not {value!r}")
        upper = value.strip().upper()
        if upper in ALIASES:
            out.update(ALIASES[upper])
            continue
        code = normalize_code(value)
        if code is None:
            raise PredicateError(path + (index,), f"{value!r} is not a country code "
                                 "(ISO 3166-1 alpha-2 or a listed ISO 3166-2 subdivision), "
                                 "EU or EEA")
        out.add(code)
    return frozenset(out)


def compile_when(when: Any, use_case_ids: frozenset[str] | None = None,
                 path: tuple[str | int, ...] = (), *, _depth: int = 0,
                 _budget: list[int] | None = None) -> dict[str, Any]:
    """Validate a `when:` map and return it with values in evaluation form
    (sets, expanded regions). Raises ``PredicateError`` naming the bad key."""
    if when is None:
        return {}
    if not isinstance(when, Mapping):
        raise PredicateError(path, "must be a mapping of predicates")
    if _depth > MAX_DEPTH:
        raise PredicateError(path, f"any/all/not nested more than {MAX_DEPTH} levels deep")
    budget = [MAX_PREDICATES] if _budget is None else _budget
    compiled: dict[str, Any] = {}
    for key, value in when.items():
        here = path + (str(key),)
        budget[0] -= 1
        if budget[0] < 0:
            raise PredicateError(here, f"more than {MAX_PREDICATES} predicates in one `when:` "
                                 "(YAML aliases count each time they are used)")
        if key in ("any", "all"):
            if not isinstance(value, list) or not value:
                raise PredicateError(here, "must be a non-empty list of predicate maps")
            compiled[key] = [compile_when(item, use_case_ids, here + (i,), _depth=_depth + 1,
                                          _budget=budget)
                             for i, item in enumerate(value)]
            continue
        if key == "not":
            compiled[key] = compile_when(value, use_case_ids, here, _depth=_depth + 1,
                                         _budget=budget)
            continue
        if key not in _PREDICATES:
            raise PredicateError(here, f"unknown predicate (known: {', '.join(PREDICATE_KEYS)})")
        kind = _PREDICATES[key][0]
        if kind == "bool":
            if not isinstance(value, bool):
                raise PredicateError(here, f"must be true or false, not {value!r}")
            compiled[key] = value
        elif kind in ("int", "number"):
            if (isinstance(value, bool) or not isinstance(value, (int, float))
                    or not math.isfinite(value)):
                raise PredicateError(here, f"must be a finite number, not {value!r}")
            compiled[key] = value
        else:
            items = value if isinstance(value, list) else [value]
            if kind == "regions":
                compiled[key] = _expand_regions(items, here)
                continue
            for index, item in enumerate(items):
                if not isinstance(item, str):
                    raise PredicateError(here + (index,), f"must be text, not {item!r}")
                if kind == "use_cases" and use_case_ids is not None and item not in use_case_ids:
                    raise PredicateError(here + (index,), f"unknown use case {item!r}")
                choices = _CHOICES.get(kind)
                if choices is not None and item not in choices:
                    raise PredicateError(here + (index,), f"{item!r} is not one of "
                                         f"{', '.join(choices)}")
            if kind == "lower_list":
                compiled[key] = frozenset(item.lower() for item in items)
            else:
                compiled[key] = frozenset(items)
    return compiled


def holds(when: Mapping[str, Any], facts: Facts) -> bool:
    """True when every predicate of a compiled `when:` holds for ``facts``."""
    for key, value in when.items():
        if key == "any":
            if not any(holds(item, facts) for item in value):
                return False
        elif key == "all":
            if not all(holds(item, facts) for item in value):
                return False
        elif key == "not":
            if holds(value, facts):
                return False
        elif not _PREDICATES[key][1](facts, value):
            return False
    return True


def when_values(when: Mapping[str, Any], keys: Any) -> list[Any]:
    """The values a compiled `when:` gives the predicates in ``keys``, at any depth of
    any/all/not: ``when_values({"any": [{"minors_under": 13}]}, ("minors_under",))`` ->
    ``[13]``."""
    out: list[Any] = []
    for key, value in when.items():
        if key in keys:
            out.append(value)
        elif key in ("any", "all"):
            for item in value:
                out.extend(when_values(item, keys))
        elif key == "not":
            out.extend(when_values(value, keys))
    return out


def ages_asked(when: Mapping[str, Any]) -> tuple[float, ...]:
    """The ages a compiled `when:` names in ``minors_under``, smallest first."""
    return tuple(sorted(set(when_values(when, ("minors_under",)))))
