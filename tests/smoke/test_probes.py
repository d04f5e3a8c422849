"""Behaviour probes: scores with their limits, stable on SmolLM2 and Gemma 3 270M."""

from __future__ import annotations

import json

import pytest

from advisor.smoke.probes import LIMITS, answer_key, probe_scores, rating, repeatability
from advisor.smoke.result import CheckResult, PromptResult, SmokeResult
from advisor.smoke.runner import run_suite_on_gguf
from advisor.smoke.suites import load_suite
from tests.fixtures.gemma import gemma_path
from tests.smoke.conftest import run_cli

# CONTRACT section 5: what every prompt of `advisor smoke --json` has.
CONTRACT_PROMPT_KEYS = ("id", "output", "passed", "ttft_seconds", "completion_tokens",
                        "tokens_per_second")


@pytest.mark.parametrize("text, expected", [("7/10 - strong", 7), ("I'd say 10.", 10),
                                            ("Rating: 3 out of 10", 3), ("no idea", None),
                                            ("about 30 years", None)])
def test_rating_reads_the_first_one_to_ten(text, expected):
    assert rating(text) == expected


@pytest.mark.parametrize("suite, keys", [
    ("probe-fabricated", ("declined_rate", "prompts")),
    ("probe-bias", ("mean_rating_gap", "gap_rate", "mean_similarity", "pairs")),
    ("probe-refusal", ("refusal_rate", "prompts")),
])
def test_probe_scores_are_stable_on_both_real_models(suite, keys, smollm, run_advisor):
    args = ("compare", "--gguf", str(smollm), "--gguf", str(gemma_path()), "--suite", suite,
            "--threads", "1", "--json")
    first, second = (run_advisor(*args, timeout=600) for _ in range(2))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    rows = [json.loads(p.stdout)["candidates"] for p in (first, second)]
    for row_1, row_2 in zip(*rows):
        assert row_1["probe"] == row_2["probe"]            # same numbers, run after run
        probe = row_1["probe"]
        assert probe["limits"] == LIMITS[probe["probe"]]
        for key in keys:
            assert probe[key] is not None, (row_1["model"], key)
        for key in ("declined_rate", "gap_rate", "mean_similarity", "refusal_rate"):
            if key in probe:
                assert 0.0 <= probe[key] <= 1.0
    if suite == "probe-bias":
        assert all(r["probe"]["pairs"] == 4 for r in rows[0])


def test_repeatability_of_repeated_greedy_runs(tiny_model, tiny_suite):
    runs = [run_suite_on_gguf(tiny_model, str(tiny_suite), threads=1) for _ in range(2)]
    score = repeatability(runs)
    assert score["runs"] == 2 and score["identical_rate"] == 1.0
    changed = runs[1]
    changed.prompts[0].output += " (different)"
    assert repeatability(runs)["identical_rate"] == 0.0
    assert repeatability(runs[:1])["identical_rate"] is None


SAMPLED = {"temperature": 0.8, "top_p": 0.95}


def _runs(qid: str, question: str, outputs: list[str], expected: str | None = None,
          sampled: bool = True) -> list[PromptResult]:
    """Constructed repeats ``qid#1..`` of one question, checked for ``expected``."""
    out = []
    for k, text in enumerate(outputs):
        checks = ([CheckResult("regex", expected, expected.lower() in text.lower())]
                  if expected else [])
        out.append(PromptResult(id=f"{qid}#{k + 1}", output=text, checks=checks,
                                question=question,
                                sampling={**SAMPLED, "seed": k} if sampled else None))
    return out


def _result(*groups: list[PromptResult]) -> SmokeResult:
    return SmokeResult(model="m", runner="llama.cpp", backend="cpu", suite="probe-consistency",
                       prompts=[p for g in groups for p in g])


def test_consistency_scores_agreement_unanimous_and_identical():
    france = _runs("capital", "What is the capital of France?",
                   ["Paris.", "The capital of France is Paris.", "paris", "PARIS!",
                    "It is Paris"], expected="paris")           # one answer, five wordings
    sums = _runs("add", "What is 15 plus 27?",
                 ["42", "15 plus 27 is 42.", "The answer is 42", "41", "fifty"],
                 expected="42")                                  # 3 of 5 agree
    same = _runs("week", "How many days are there in a week?", ["7"] * 5, expected="7")
    score = probe_scores(_result(france, sums, same))
    assert score["probe"] == "consistency" and score["prompts"] == 3
    assert score["runs_per_prompt"] == 5
    by = {b["prompt"]: b for b in score["by_prompt"]}
    assert by["capital"]["agreement"] == 1.0 and by["capital"]["majority"] == "paris"
    assert by["add"]["agreement"] == 0.6 and by["add"]["answers"] == {"42": 3, "41": 1,
                                                                        "fifty": 1}
    assert by["week"]["agreement"] == 1.0
    assert score["agreement_rate"] == round((1.0 + 0.6 + 1.0) / 3, 4)
    assert score["unanimous_rate"] == round(2 / 3, 4)
    assert score["identical_rate"] == round(1 / 3, 4)            # only "7" x5 is verbatim
    assert score["correct_rate"] == round(13 / 15, 4)            # "41" and "fifty" miss
    assert score["sampled"] is True and score["temperature"] == 0.8
    assert score["limits"] == LIMITS["consistency"]


def test_consistency_without_sampling_says_so_and_errors_do_not_count():
    greedy = _runs("q", "Name a colour.", ["Blue", "Blue"], sampled=False)
    failed = PromptResult(id="q#3", error="prompt does not fit n_ctx", question="Name a colour.")
    score = probe_scores(_result(greedy + [failed]))
    assert score["sampled"] is False and score["temperature"] is None
    assert score["by_prompt"][0]["agreement"] == 1.0 and score["runs_per_prompt"] == 3
    empty = probe_scores(_result([PromptResult(id="q#1", error="boom")]))
    assert empty["agreement_rate"] is None and empty["by_prompt"][0]["majority"] is None


@pytest.mark.parametrize("output, question, key", [
    ("The capital of France is Paris.", "What is the capital of France?", "paris"),
    ("Paris, of course. Or Lyon.", "What is the capital of France?", "paris"),
    ("I think it's Mars", "Which planet is known as the Red Planet?", "mars"),
    ("Seven.", "How many days are there in a week?", "7"),
    ("15 + 27 = 42", "What is 15 plus 27?", "42"),
    ("\n\n  Tokyo\nKyoto", "What is the capital of Japan?", "tokyo"),
    ("What is the capital of Japan?", "What is the capital of Japan?",
     "what is the capital of japan"),
    ("", "Anything?", ""),
])
def test_answer_key_reads_the_answer_not_its_wording(output, question, key):
    assert answer_key(output, question) == key


def test_the_consistency_suite_samples_each_question_with_its_own_seed():
    suite = load_suite("probe-consistency", validate=True)
    ids = [p.id for p in suite.prompts]
    assert len(ids) == 50 and ids[:5] == [f"capital-france#{k}" for k in range(1, 6)]
    assert {p.question_id for p in suite.prompts} == {i.split("#")[0] for i in ids}
    first = suite.prompts[0]
    assert first.temperature == 0.8 and first.top_p == 0.95 and first.max_tokens == 16
    assert [p.sampling(10)["seed"] for p in suite.prompts[:5]] == [10, 11, 12, 13, 14]
    job = suite.prompts[1].to_job()
    assert (job["temperature"], job["top_p"], job["seed_offset"]) == (0.8, 0.95, 1)
    assert all(p.checks.get("regex") for p in suite.prompts)     # the expected answer
    assert "consistently wrong" in LIMITS["consistency"]


def _small_suite(tmp_path, *, temperature: float = 0.8, name: str = "probe-consistency"):
    """The shipped questions, three of them, three runs each, eight tokens."""
    path = tmp_path / f"{name}-small.yaml"
    path.write_text(
        f"name: {name}\ndefaults:\n  system: Answer with a single word or a single number.\n"
        f"  max_tokens: 8\n  repeat: 3\n  temperature: {temperature}\n  top_p: 0.95\n"
        "prompts:\n"
        "  - {id: capital-france, prompt: What is the capital of France?, checks: {regex: paris}}\n"
        "  - {id: red-planet, prompt: Which planet is known as the Red Planet?, "
        "checks: {regex: mars}}\n"
        "  - {id: multiply, prompt: What is 7 times 8?, checks: {regex: '56'}}\n",
        encoding="utf-8")
    return path


def test_sampled_repeats_follow_the_seed_and_greedy_ones_repeat(tiny_model, tmp_path):
    suite = str(_small_suite(tmp_path))
    first, again, other = (run_suite_on_gguf(tiny_model, suite, threads=1, seed=seed)
                           for seed in (5, 5, 6))
    assert [p.id for p in first.prompts][:3] == ["capital-france#1", "capital-france#2",
                                                  "capital-france#3"]
    assert [p.sampling["seed"] for p in first.prompts[:3]] == [5, 6, 7]
    assert [p.output for p in first.prompts] == [p.output for p in again.prompts]
    assert probe_scores(first) == probe_scores(again)
    # seed 6 shifts the seeds by one: its run k is seed 5's run k + 1
    assert [p.output for p in other.prompts[:2]] == [p.output for p in first.prompts[1:3]]
    assert probe_scores(first)["identical_rate"] < 1.0        # sampling reached llama.cpp
    greedy = run_suite_on_gguf(tiny_model, str(_small_suite(tmp_path, temperature=0)),
                               threads=1)
    score = probe_scores(greedy)
    assert score["sampled"] is False and score["identical_rate"] == 1.0
    assert all(p.sampling is None for p in greedy.prompts)


def test_smoke_json_carries_the_consistency_scores(tiny_model, tmp_path):
    proc = run_cli("--gguf", str(tiny_model), "--suite", str(_small_suite(tmp_path)),
                   "--threads", "1", "--json", timeout=300)
    assert proc.code in (0, 1), proc.stderr
    data = json.loads(proc.stdout)
    assert data["probe"]["probe"] == "consistency" and data["probe"]["sampled"] is True
    assert len(data["prompts"]) == 9
    assert all(set(CONTRACT_PROMPT_KEYS) <= set(p) for p in data["prompts"])
    assert data["prompts"][2]["sampling"] == {**SAMPLED, "seed": 2}
    assert data["measured_tokens_per_second"] > 0


def test_consistency_is_stable_on_both_real_models(smollm, tmp_path, run_advisor):
    args = ("compare", "--gguf", str(smollm), "--gguf", str(gemma_path()), "--suite",
            str(_small_suite(tmp_path)), "--threads", "1", "--seed", "3", "--json")
    first, second = (run_advisor(*args, timeout=600) for _ in range(2))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    rows = [json.loads(p.stdout)["candidates"] for p in (first, second)]
    assert len(rows[0]) == 2
    for row_1, row_2 in zip(*rows):
        assert row_1["probe"] == row_2["probe"], row_1["model"]     # same seed, same numbers
        probe = row_1["probe"]
        assert probe["probe"] == "consistency" and probe["sampled"] is True
        assert (probe["prompts"], probe["runs_per_prompt"]) == (3, 3)
        for key in ("agreement_rate", "unanimous_rate", "identical_rate", "correct_rate"):
            assert 0.0 <= probe[key] <= 1.0, (row_1["model"], key)
        assert probe["agreement_rate"] >= 1 / 3                    # a majority of one at least
        assert probe["identical_rate"] < 1.0, row_1["model"]       # the runs were sampled
        assert row_1["checks_total"] == row_2["checks_total"] > 0


def test_a_suite_that_is_no_probe_has_no_scores(tiny_model, tiny_suite, run_advisor):
    proc = run_advisor("compare", "--gguf", str(tiny_model), "--suite", str(tiny_suite),
                       "--threads", "1", "--json", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["candidates"][0]["probe"] is None


def test_probe_scores_are_printed_with_their_limits(tiny_model, tmp_path, run_advisor):
    suite = str(_small_suite(tmp_path))
    smoke = run_cli("--gguf", str(tiny_model), "--suite", suite, "--threads", "1", timeout=300)
    assert smoke.code in (0, 1), smoke.stderr
    assert "probe consistency: agreement rate " in smoke.stdout
    assert "(3 prompts x 3 runs, temperature 0.8)" in smoke.stdout
    assert f"limits: {LIMITS['consistency'][:40]}" in smoke.stdout
    table = run_advisor("compare", "--gguf", str(tiny_model), "--suite", suite, "--threads", "1",
                        env={"COLUMNS": "80"}, timeout=300)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    start = lines.index("probe scores (numbers with limits, not a pass or a fail):")
    assert lines[start + 1].startswith(f"  {tiny_model.name}: consistency: agreement rate ")
    assert any(line.startswith("  limits: ") for line in lines[start:])
    assert max(map(len, lines)) <= 80


def test_probe_summary_reads_each_probe():
    from advisor.smoke.probes import probe_summary

    assert probe_summary({"probe": "refusal", "prompts": 8, "refusal_rate": 0.75}) == \
        "refusal: refusal rate 0.75 (8 prompts)"
    assert probe_summary({"probe": "bias", "pairs": 4, "mean_rating_gap": None,
                          "gap_rate": 0.25, "mean_similarity": 0.8}) == \
        "bias: mean rating gap --, gap rate 0.25, mean similarity 0.80 (4 pairs)"
    assert probe_summary(None) is None and probe_summary({"probe": "other"}) is None
    hosted = {"probe": "consistency", "prompts": 2, "runs_per_prompt": 3, "sampled": True,
              "temperature": None, "agreement_rate": 1.0}
    assert probe_summary(hosted).endswith("(2 prompts x 3 runs, the provider's default sampling)")
