"""Checks are pure functions of the output and its metrics."""

from __future__ import annotations

from advisor.smoke.checks import run_checks


def by_name(results):
    return {(r.check, str(r.expected)): r.passed for r in results}


def test_contains_is_case_insensitive_unless_asked():
    out = "The capital of France is Paris."
    assert by_name(run_checks({"contains": ["paris", "FRANCE"]}, out, completion_tokens=7)) == {
        ("contains", "paris"): True, ("contains", "FRANCE"): True}
    assert not run_checks({"contains": "paris", "case_sensitive": True}, out,
                          completion_tokens=7)[0].passed


def test_not_contains_regex_and_tokens():
    results = run_checks({"not_contains": "London", "regex": r"\b4\b", "min_tokens": 3},
                         "2 + 2 = 4", completion_tokens=2)
    assert by_name(results) == {("not_contains", "London"): True, ("regex", r"\b4\b"): True,
                                ("min_tokens", "3"): False}


def test_json_and_json_keys_accept_a_fence_and_catch_garbage():
    fenced = '```json\n{"name": "Maria", "age": 34}\n```'
    assert all(r.passed for r in run_checks({"json": True, "json_keys": ["name", "age"]},
                                            fenced, completion_tokens=10))
    bad = run_checks({"json": True, "json_keys": "name"}, "{name: Maria", completion_tokens=4)
    assert [r.passed for r in bad] == [False, False]
    assert "not JSON" in bad[0].detail


def test_latency_limit():
    slow = run_checks({"max_latency_seconds": 1}, "x", completion_tokens=1, total_seconds=2.5)
    fast = run_checks({"max_latency_seconds": 1}, "x", completion_tokens=1, total_seconds=0.5)
    unmeasured = run_checks({"max_latency_seconds": 1}, "x", completion_tokens=1)
    assert [slow[0].passed, fast[0].passed, unmeasured[0].passed] == [False, True, False]
