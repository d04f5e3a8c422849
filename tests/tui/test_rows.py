"""Pure helpers of the TUI: ranking, filtering, formatting, form translation."""

from __future__ import annotations

from advisor.answers import answers_from_data, default_answers
from advisor.regions import expand_regions
from advisor.tui.formdata import (FormValues, answers_to_form, compress_regions, error_field,
                                  form_to_data)
from advisor.machine.hardware import simulated_hardware
from advisor.tui.rows import (Row, arrange, candidate_fit, format_bytes, format_duration,
                              format_parameters, next_in)


def row(model_id: str, verdict: str, rank: int) -> Row:
    return Row(model_id, verdict, "x", "fail", "none", 1e9, "cpu", rank)


def test_arrange_orders_filters_and_searches() -> None:
    rows = [row("a/Blocked", "blocked", 0), row("b/Cond", "conditional", 1),
            row("c/Ok", "allowed", 2)]
    assert [r.model_id for r in arrange(rows, best_first=True)] == ["c/Ok", "b/Cond", "a/Blocked"]
    assert [r.model_id for r in arrange(rows, best_first=False)] == ["a/Blocked", "b/Cond", "c/Ok"]
    assert [r.model_id for r in arrange(rows, verdict="blocked")] == ["a/Blocked"]
    assert [r.model_id for r in arrange(rows, query="COND")] == ["b/Cond"]
    assert arrange(rows, verdict="unknown") == []


def test_fit_classes() -> None:
    weights = {"access": "weights"}
    cpu_only, with_gpu = simulated_hardware(ram_gb=16), simulated_hardware(ram_gb=16, vram_gb=8)
    assert candidate_fit(weights, 7e9, cpu_only) == "cpu"
    assert candidate_fit(weights, 7e9, with_gpu) == "gpu"
    assert candidate_fit(weights, 20e9, with_gpu) == "partial"
    assert candidate_fit(weights, 70e9, cpu_only) == "too_large"
    assert candidate_fit(weights, None, cpu_only) == "?"
    assert candidate_fit(weights, 7e9, None) == "?"
    assert candidate_fit({"access": "api"}, None, None) == "hosted"


def test_formatting() -> None:
    assert format_parameters(1.24e9) == "1.2B"
    assert format_parameters(1.35e8) == "135M"
    assert format_parameters(70.6e9) == "71B"
    assert format_parameters(None) == "?"
    assert format_bytes(1536) == "1.5 KiB"
    assert format_duration(75) == "1:15"
    assert format_duration(None) == "--:--"
    assert next_in(("a", "b", "c"), "c") == "a"


def test_regions_fold_back_into_aliases() -> None:
    assert compress_regions(expand_regions(["EU", "US"])) == ["EU", "US"]
    assert compress_regions(expand_regions(["US", "EEA"])) == ["US", "EEA"]
    assert compress_regions(["DE", "FR"]) == ["DE", "FR"]


def test_form_round_trip_keeps_answers() -> None:
    answers = default_answers("FR").with_changes("needs", fine_tune=True, openness="osaid")
    again = answers_from_data(form_to_data(answers_to_form(answers)))
    assert again == answers


def test_form_manual_hardware_and_errors() -> None:
    values = FormValues(domicile="us", users="1_000", regions="EU, US", hardware_auto=False,
                        ram_gb="32", vram_gb="")
    answers = answers_from_data(form_to_data(values))
    assert answers.organization.domicile == "US"
    assert answers.organization.monthly_active_users == 1000
    assert answers.hardware.ram_gb == 32 and answers.hardware.vram_gb == 0
    assert error_field("deployment.regions[1]") == "regions"
    assert error_field("organization.domicile") == "domicile"
    assert error_field(None) == ""
