"""build_record and verify_record through the API, on the shipped profiles."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

from advisor.assessment import assess
from advisor.knowledge.hubfacts import HubFacts
from advisor.record import build_record, verify_record, write_record
from advisor.record.integrity import seal
from advisor.record.jsonfmt import schema_problem
from tests.record.conftest import MODEL
from tests.record.sample import SHA_GGUF, SMOKE

DAY = dt.date(2026, 11, 23)
HUB = HubFacts(repo_id=MODEL, sha="1" * 40, license_tag="llama3.2", pipeline_tag="text-generation")


def _write_json(record, tmp_path: Path) -> Path:
    (path,) = write_record(record, tmp_path, ["json"])
    return path


def test_build_is_deterministic_and_valid(kb, answers):
    one = build_record(answers, kb, MODEL.lower(), smoke=SMOKE, decision_makers=["Ada"], today=DAY)
    two = build_record(answers, kb, MODEL.lower(), smoke=SMOKE, decision_makers=["Ada"], today=DAY)
    assert one.data == two.data
    assert schema_problem(one.data) is None
    assert one.model == MODEL                            # canonical spelling from the profile
    assert one.data["date"] == "2026-11-23" and one.data["created"] == "2026-11-23T00:00:00Z"


def test_chosen_and_the_options_weighed(kb, answers):
    record = build_record(answers, kb, MODEL, today=DAY,
                          consider=["Qwen/Qwen3-8B", MODEL.lower(), "google/gemma-3-4b-it"])
    assert record.chosen["model"] == MODEL
    assert record.chosen["verdict"] == "conditional"
    assert any(f["code"] == "attribution" for f in record.chosen["findings"])
    assert [c["model"] for c in record.alternatives] == ["Qwen/Qwen3-8B", "google/gemma-3-4b-it"]
    assert record.data["considered"]["source"] == "consider"
    assert record.data["considered"]["models"] == ["Qwen/Qwen3-8B", "google/gemma-3-4b-it"]


def test_no_option_named_is_never_a_fixed_list(kb, answers):
    record = build_record(answers, kb, MODEL, today=DAY)      # no --consider, comparison, hardware
    assert record.alternatives == [] and record.data["considered"]["source"] == "none"


def test_reproducibility_facts(kb, answers):
    record = build_record(answers, kb, MODEL, smoke=SMOKE, hub_facts=HUB, today=DAY)
    repro = record.reproducibility
    lic = kb.licenses["llama3.2"]
    assert repro["license_files"]["llama3.2"]["sha256"] == lic.sha256
    assert repro["license_files"]["llama3.2"]["file"] == "licenses/llama3.2.yaml"
    assert repro["profiles_digest"] == kb.digest
    assert repro["hub"]["sha"] == "1" * 40
    assert repro["gguf"]["sha256"] == SHA_GGUF
    assert repro["llama_cpp_version"] == "0.3.36"
    assert record.smoke["prompts"][0]["id"] == "capital"


def test_unknown_model_is_recorded_as_unknown(kb, answers):
    record = build_record(answers, kb, "someone/not-a-profiled-model", today=DAY)
    assert record.chosen["verdict"] == "unknown"
    assert schema_problem(record.data) is None


def test_verify_unchanged(kb, answers, tmp_path):
    path = _write_json(build_record(answers, kb, MODEL, smoke=SMOKE, hub_facts=HUB, today=DAY), tmp_path)
    report = verify_record(path, kb)
    assert not report.drift and report.exit_status == 0, report.lines()
    assert "unchanged" in report.lines()[0]
    report = verify_record(path, kb, hub_facts=HUB, file_sha256=SHA_GGUF)
    assert not report.drift, report.lines()


def test_verify_reports_each_difference(kb, answers, tmp_path):
    record = build_record(answers, kb, MODEL, smoke=SMOKE, today=DAY)
    data = record.to_dict()
    data["chosen"]["verdict"] = "allowed"
    data["chosen"]["obligations"] = data["chosen"]["obligations"][1:]
    data["chosen"]["findings"].append({"severity": "info", "code": "notice", "message": "An old finding."})
    data["reproducibility"]["license_files"]["llama3.2"]["sha256"] = "0" * 64
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(seal(data)))     # as an older knowledge base wrote it, sealed
    report = verify_record(path, kb)
    text = "\n".join(report.lines())
    assert report.exit_status == 1
    assert "DRIFT" in report.lines()[0]
    assert "verdict changed: allowed -> conditional" in text
    assert "license text changed: llama3.2" in text
    assert "finding removed: [info] notice: An old finding." in text
    assert f"new obligation: {record.chosen['obligations'][0]}" in text


def test_verify_hub_revision_and_file_hash(kb, answers, tmp_path):
    path = _write_json(build_record(answers, kb, MODEL, smoke=SMOKE, hub_facts=HUB, today=DAY), tmp_path)
    report = verify_record(path, kb, hub_facts=replace(HUB, sha="2" * 40), file_sha256="f" * 64)
    kinds = {d.kind for d in report.differences}
    assert kinds == {"hub_revision", "file_hash"}, report.lines()
    assert "Hub revision changed" in "\n".join(report.lines())


def test_real_smoke_result_shape_is_accepted(kb, answers):
    """The smoke engineer's own ``SmokeResult.to_dict()`` (a superset of CONTRACT §5)."""
    from advisor.record import record_to_cyclonedx, render_markdown
    from advisor.smoke.result import CheckResult, PromptResult, SmokeResult

    result = SmokeResult(
        model="HuggingFaceTB/SmolLM2-135M-Instruct", runner="llama.cpp", backend="cpu", suite="general",
        prompts=[PromptResult(id="capital", output="Paris.", checks=[CheckResult("contains", "Paris", True)],
                              completion_tokens=3, ttft_seconds=0.01, tokens_per_second=200.0),
                 PromptResult(id="sum", output="5", checks=[CheckResult("contains", "4", False)],
                              completion_tokens=1, ttft_seconds=0.02, tokens_per_second=100.0)],
        load_seconds=0.2, peak_rss_bytes=123456789, threads=2, n_ctx=2048, llama_cpp_version="0.3.36",
        model_path="/cache/SmolLM2-135M-Instruct.Q4_1.gguf", sha256=SHA_GGUF)
    record = build_record(answers, kb, MODEL, smoke=result.to_dict(), today=DAY)
    assert schema_problem(record.data) is None
    gguf = record.reproducibility["gguf"]
    assert gguf == {"file": "SmolLM2-135M-Instruct.Q4_1.gguf", "repo": None,
                    "path": "/cache/SmolLM2-135M-Instruct.Q4_1.gguf", "sha256": SHA_GGUF}
    text = render_markdown(record)
    assert "Smoke test (suite general) FAILED" in text and "llama.cpp on cpu" in text
    assert "* sum: failed (contains '4')" in text
    bom = json.loads(record_to_cyclonedx(record))
    metrics = {m["type"]: m["value"] for m in bom["components"][0]["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]}
    assert metrics["smoke-test checks passed"] == "1/2" and metrics["decode tokens per second (mean)"] == "150.00"
