"""The answers loader: defaults, normalization, and one-line errors with lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.answers import (
    CORE_USE_CASES, answers_from_data, answers_to_yaml, dump_answers, load_answers,
    parse_answers,
)
from advisor.errors import InputError


def test_defaults_follow_the_contract():
    answers = parse_answers("organization:\n  domicile: us\n")
    data = answers.to_dict()
    assert data["schema"] == "advisor.answers/1"
    assert data["organization"] == {"domicile": "US", "monthly_active_users": 2_000_000,
                                    "annual_revenue_usd": None}
    assert data["deployment"] == {"regions": ["DE", "FR", "US"], "mode": "hosted_service",
                                  "commercial": True}
    assert data["use_case"] == {"categories": ["general_assistant"], "modalities": ["text"],
                                "languages": []}
    assert data["needs"] == {"fine_tune": False, "distill_outputs": False,
                             "redistribute_weights": False, "openness": "any"}
    assert data["hardware"] == "auto"
    assert data["data"] == {"categories": ["personal"]}
    assert data["audience"] == ["consumers"]
    assert data["assumed"] == ["organization.monthly_active_users", "deployment.regions",
                               "deployment.mode", "deployment.commercial", "data.categories",
                               "audience"]


def test_data_audience_and_languages_are_read_and_checked():
    answers = parse_answers(
        "organization: {domicile: US-CA, monthly_active_users: 10}\n"
        "deployment: {regions: [US], mode: internal, commercial: true}\n"
        "use_case: {categories: [summarization], languages: [EN, es]}\n"
        "data: {categories: [health, personal]}\n"
        "audience: [patients, {minors: 13}]\n")
    assert answers.use_case.languages == ("en", "es")
    assert answers.data.has("special_category") and not answers.data.has("children")
    assert answers.audience.groups == ("patients", "minors")
    assert answers.audience.minimum_age == 13
    assert answers.assumed == ()
    assert answers.to_dict()["audience"] == ["patients", {"minors": 13}]
    assert parse_answers(answers_to_yaml(answers)) == answers
    for bad, field in (("use_case: {languages: [xx]}", "use_case.languages[0]"),
                       ("data: {categories: [medical]}", "data.categories[0]"),
                       ("data: {categories: [none, personal]}", "data.categories"),
                       ("audience: [{minors: 30}]", "audience[0].minors"),
                       ("audience: [{adults: 3}]", "audience[0]"),
                       ("audience: [kids]", "audience[0]")):
        with pytest.raises(InputError) as exc:
            parse_answers(f"organization: {{domicile: DE}}\n{bad}\n", "a.yaml")
        assert f"a.yaml:2: {field}" in str(exc.value), str(exc.value)


def test_eu_alias_expands_to_member_states():
    answers = parse_answers("organization: {domicile: FR}\ndeployment: {regions: [EU, US, uk]}\n")
    regions = answers.deployment.regions
    assert len(regions) == 29 and "DE" in regions and "US" in regions and "GB" in regions
    eea = parse_answers("organization: {domicile: FR}\ndeployment: {regions: [EEA]}\n")
    assert {"NO", "IS", "LI"} <= set(eea.deployment.regions)


def test_round_trip_through_a_file(tmp_path):
    answers = parse_answers("organization: {domicile: DE}\nhardware: {ram_gb: 16, vram_gb: 8}\n")
    path = dump_answers(answers, tmp_path / "a.yaml")
    assert load_answers(path) == answers
    with pytest.raises(InputError, match="already exists"):
        dump_answers(answers, path)
    dump_answers(answers.with_changes("needs", fine_tune=True), path, force=True)
    assert load_answers(path).needs.fine_tune is True


@pytest.mark.parametrize("text, line, fragment", [
    ("organization:\n  domicile: DE\ndeployment:\n  mode: cloud\n", 4, "deployment.mode: 'cloud' is not one of"),
    ("organization: {domicile: DE}\nextra: 1\n", 2, "extra: unknown key"),
    ("organization:\n  monthly_active_users: 5\n", 1, "organization.domicile: is required"),
    ("organization: {domicile: EU}\n", 1, "a region alias"),
    ("organization: {domicile: DE}\nuse_case:\n  categories:\n    - coding\n    - astrology\n", 5,
     "use_case.categories[1]: unknown use case 'astrology'"),
    ("organization: {domicile: DE, monthly_active_users: lots}\n", 1, "monthly_active_users"),
    ("organization: {domicile: DE}\nneeds:\n  fine_tune: maybe\n", 3, "needs.fine_tune: must be true or false"),
    ("organization: {domicile: DE}\ndeployment: {regions: [XX]}\n", 2, "deployment.regions[0]"),
    ("organization: {domicile: DE\n", 2, "YAML syntax error"),
    ("organization: {domicile: DE}\nhardware: {ram_gb: -1}\n", 2, "hardware.ram_gb"),
])
def test_errors_name_file_line_and_field(text, line, fragment):
    with pytest.raises(InputError) as info:
        parse_answers(text, "answers.yaml")
    message = str(info.value)
    assert message.startswith(f"answers.yaml:{line}: "), message
    assert fragment in message
    assert "\n" not in message


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_answers(tmp_path / "nope.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InputError, match="not UTF-8"):
        load_answers(tmp_path / "bin.yaml")


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
answer_like = st.fixed_dictionaries({}, optional={
    "organization": st.fixed_dictionaries({}, optional={
        "domicile": st.sampled_from(["DE", "US", "EU", "xx", 3]) | yaml_values,
        "monthly_active_users": st.integers() | yaml_values}),
    "deployment": st.fixed_dictionaries({}, optional={
        "regions": st.lists(st.sampled_from(["EU", "US", "ZZ", ""]) | yaml_values, max_size=3),
        "mode": st.sampled_from(["internal", "research", "x"]) | yaml_values,
        "commercial": yaml_values}),
    "use_case": st.fixed_dictionaries({}, optional={
        "categories": st.lists(st.sampled_from(list(CORE_USE_CASES) + ["nope"]), max_size=3) | yaml_values,
        "modalities": yaml_values}),
    "needs": yaml_values,
    "hardware": st.just("auto") | yaml_values,
    "schema": st.just("advisor.answers/1") | yaml_values,
}) | yaml_values


@settings(max_examples=400, deadline=None)
@given(answer_like)
def test_no_structure_raises_anything_but_input_error(data):
    try:
        answers = answers_from_data(data, "fuzz.yaml")
    except InputError as exc:
        assert str(exc).startswith("fuzz.yaml") and "\n" not in str(exc)
    else:
        assert answers.organization.domicile


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_no_text_raises_anything_but_input_error(text):
    try:
        parse_answers(text, "fuzz.yaml")
    except InputError:
        pass


def test_norway_survives_yaml_booleans():
    answers = parse_answers("organization: {domicile: NO}\ndeployment: {regions: [NO, SE]}\n")
    assert answers.organization.domicile == "NO"
    assert answers.deployment.regions == ("NO", "SE")
