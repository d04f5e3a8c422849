"""Answers schema growth (issue 9/10): ISO 3166-2 places, annual revenue, image output,
the open_license openness level, and the place predicates' subdivision semantics.

    pytest tests/core/test_places_and_revenue.py -q
"""

from __future__ import annotations

import pytest

from advisor.answers import parse_answers
from advisor.errors import InputError
from advisor.knowledge.predicates import Facts, PredicateError, compile_when, holds
from advisor.regions import US_STATES, country_of, normalize_code


def _answers(org: str = "{domicile: DE}", **sections: str):
    lines = [f"organization: {org}"] + [f"{k}: {v}" for k, v in sections.items()]
    return parse_answers("\n".join(lines) + "\n", "a.yaml")


def _facts(domicile: str = "DE", regions: tuple[str, ...] = ("DE",), revenue=None,
           broad: bool = False) -> Facts:
    return Facts(commercial=True, mode="hosted_service", mau=10, domicile=domicile,
                 regions=frozenset(regions), use_cases=frozenset({"general_assistant"}),
                 modalities=frozenset({"text"}), fine_tune=False, distill_outputs=False,
                 redistribute_weights=False, openness_required="any", revenue=revenue,
                 broad=broad)


def test_all_states_and_dc_are_places() -> None:
    assert len(US_STATES) == 51 and "US-DC" in US_STATES
    for code in US_STATES:
        assert normalize_code(code.lower()) == code and country_of(code) == "US"


@pytest.mark.parametrize("given, expected", [("US-PR", "PR"), ("us-gu", "GU"), ("PR", "PR"),
                                             ("CA-QC", "CA-QC"), ("UA-43", "UA-43"),
                                             ("uk", "GB")])
def test_places_normalize(given: str, expected: str) -> None:
    assert normalize_code(given) == expected


@pytest.mark.parametrize("bad", ["US-XX", "UA-99", "XX", "US-", "EU-DE"])
def test_unknown_subdivisions_are_rejected_with_the_field(bad: str) -> None:
    with pytest.raises(InputError) as err:
        _answers(deployment=f"{{regions: [{bad}]}}")
    assert "deployment.regions" in str(err.value) and "ISO 3166-2" in str(err.value)
    with pytest.raises(InputError) as err:
        _answers(org=f"{{domicile: {bad}}}")
    assert "organization.domicile" in str(err.value)


def test_state_domicile_and_regions_round_trip() -> None:
    a = _answers(org="{domicile: us-ca}", deployment="{regions: [US, UA-43, US-PR]}")
    assert a.organization.domicile == "US-CA"
    assert a.deployment.regions == ("US", "UA-43", "PR")
    assert a.to_dict()["organization"]["annual_revenue_usd"] is None


@pytest.mark.parametrize("value", [0, 999_999, 1.5e6])
def test_revenue_accepts_finite_non_negative_numbers(value) -> None:
    a = _answers(org=f"{{domicile: DE, annual_revenue_usd: {value}}}")
    assert a.organization.annual_revenue_usd == value
    assert a.to_dict()["organization"]["annual_revenue_usd"] == value


@pytest.mark.parametrize("value", ["true", "-1", ".inf", ".nan", "'lots'", "'-2m'", "[1]", "1" + "0" * 400])
def test_revenue_rejects_everything_else_in_one_line(value: str) -> None:
    with pytest.raises(InputError) as err:
        _answers(org=f"{{domicile: DE, annual_revenue_usd: {value}}}")
    text = str(err.value)
    assert "organization.annual_revenue_usd" in text and "\n" not in text


def test_image_output_and_open_license_are_answers() -> None:
    a = _answers(use_case="{categories: [image_generation], modalities: [image_output]}",
                 needs="{openness: open_license}")
    assert a.use_case.modalities == ("image_output",)
    assert a.needs.openness == "open_license"
    with pytest.raises(InputError):
        _answers(needs="{openness: open_source}")


def test_revenue_predicates() -> None:
    over = compile_when({"revenue_over": 1_000_000})
    unknown = compile_when({"revenue_unknown": True})
    known = compile_when({"revenue_unknown": False})
    assert holds(over, _facts(revenue=2e6)) and not holds(over, _facts(revenue=1e6))
    assert not holds(over, _facts(revenue=None))
    at_least = compile_when({"revenue_at_least": 10_000_000})     # "$10,000,000 or more"
    assert holds(at_least, _facts(revenue=1e7)) and holds(at_least, _facts(revenue=2e7))
    assert not holds(at_least, _facts(revenue=9_999_999.5))
    assert not holds(at_least, _facts(revenue=None))
    assert holds(unknown, _facts()) and not holds(unknown, _facts(revenue=0))
    assert holds(known, _facts(revenue=0)) and not holds(known, _facts())
    for bad in ({"revenue_over": True}, {"revenue_over": float("inf")},
                {"revenue_unknown": "yes"}, {"mau_over": float("nan")}):
        with pytest.raises(PredicateError):
            compile_when(bad)


def test_a_state_lies_inside_its_country() -> None:
    federal = compile_when({"regions_any": ["US"], "domicile_in": ["US"]})
    assert holds(federal, _facts(domicile="US-CA", regions=("US-TX",)))
    assert holds(compile_when({"domicile_not_in": ["US"]}), _facts(domicile="DE"))
    assert not holds(compile_when({"domicile_not_in": ["US"]}), _facts(domicile="US-NY"))


def test_a_bare_country_stands_for_its_states_only_when_broad() -> None:
    state = compile_when({"regions_any": ["US-CA"]})
    assert holds(state, _facts(regions=("US-CA",)))
    assert not holds(state, _facts(regions=("US-NY",)))
    assert not holds(state, _facts(regions=("US",)))
    assert holds(state, _facts(regions=("US",), broad=True))
    assert not holds(state, _facts(regions=("US-NY",), broad=True))
    crimea = compile_when({"domicile_in": ["UA-43"]})
    assert holds(crimea, _facts(domicile="UA", broad=True))
    assert not holds(crimea, _facts(domicile="UA"))


def test_model_keys_are_exactly_the_predicates_about_the_model() -> None:
    """Law rules without model keys are evaluated once per answers set: a new predicate
    about the model must join MODEL_KEYS (and this list), or law would be cached wrongly."""
    from advisor.knowledge.predicates import MODEL_KEYS, PREDICATE_KEYS
    answer_keys = {"commercial", "mode", "mode_not", "mau_over", "mau_at_least", "domicile_in",
                   "domicile_not_in", "regions_any", "use_cases_any", "use_cases_all",
                   "modalities_any", "fine_tune", "distill_outputs", "redistribute_weights",
                   "distributes", "third_party_access", "openness_required", "revenue_over",
                   "revenue_at_least", "revenue_unknown", "data_any", "audience_any",
                   "minors_under"}
    assert set(PREDICATE_KEYS) - {"any", "all", "not"} == answer_keys | MODEL_KEYS
    assert not answer_keys & MODEL_KEYS
