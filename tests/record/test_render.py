"""Renderers from a hand-built record: MADR Markdown, JSON schema, CycloneDX 1.6."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from advisor.record import Record, model_slug, parse_formats, record_to_cyclonedx, render_markdown
from advisor.record.cdx import cyclonedx_problem
from advisor.record.jsonfmt import SCHEMA_PATH, schema_problem
from tests.record.sample import SHA_GGUF, sample_record

MADR_SECTIONS = [
    "## Summary", "### Must do", "### Only if", "## Context and Problem Statement", "## Decision Drivers", "## Considered Options",
    "## Decision Outcome", "### Consequences", "### Confirmation",
    "## Pros and Cons of the Options", "## More Information",
]


def test_markdown_has_madr_front_matter_and_sections_in_order():
    text = render_markdown(Record(sample_record()), json_name="decision-x.json")
    front = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert front, text[:200]
    assert "status: proposed" in front.group(1)
    assert "date: 2026-11-23" in front.group(1)
    assert 'decision-makers: ["Ada", "Grace"]' in front.group(1)
    positions = [text.index(s) for s in MADR_SECTIONS]
    assert positions == sorted(positions)
    assert 'Chosen option: "meta-llama/Llama-3.2-1B-Instruct", because' in text
    assert "* Qwen/Qwen2.5-0.5B-Instruct: verdict allowed" in text
    must = text.split("### Must do")[1].split("### Only if")[0]
    assert "| Display 'Built with Llama'. | this model | product | on each release | " \
           "[Llama 3.2 Community License §1.b.i](https://example.org/llama3.2)" in must
    assert "1 of 2" in text and "arith: failed" in text
    assert "advisor record verify decision-x.json" in text
    assert SHA_GGUF in text and "d" * 40 in text


def test_markdown_says_not_run_without_smoke():
    data = sample_record()
    data["smoke"] = None
    text = render_markdown(Record(data))
    confirmation = text.split("### Confirmation")[1].split("## Pros and Cons")[0]
    assert "Smoke test: not run." in confirmation


def test_sample_record_matches_shipped_schema():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(sample_record(), schema)
    assert schema_problem(sample_record()) is None


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d.pop("reproducibility"), "reproducibility"),
    (lambda d: d["chosen"].update(verdict="fine"), "chosen.verdict"),
    (lambda d: d.update(schema="advisor.assessment/1"), "schema"),
    (lambda d: d["reproducibility"]["license_files"]["llama3.2"].update(sha256="xyz"), "sha256"),
])
def test_schema_rejects_broken_records(mutate, where):
    data = sample_record()
    mutate(data)
    problem = schema_problem(data)
    assert problem and where in problem


def test_cyclonedx_validates_and_carries_model_facts():
    text = record_to_cyclonedx(Record(sample_record()))
    assert cyclonedx_problem(text) is None
    bom = json.loads(text)
    assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.6"
    (model,) = bom["components"]
    assert model["type"] == "machine-learning-model"
    assert model["group"] == "meta-llama" and model["name"] == "Llama-3.2-1B-Instruct"
    assert model["hashes"] == [{"alg": "SHA-256", "content": SHA_GGUF}]
    assert model["licenses"][0]["license"]["name"].startswith("Llama 3.2")
    refs = {r["type"]: r["url"] for r in model["externalReferences"]}
    assert refs["model-card"] == "https://huggingface.co/meta-llama/Llama-3.2-1B-Instruct"
    assert refs["license"] == "https://example.org/llama3.2"
    metrics = {m["type"]: m["value"] for m in model["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]}
    assert metrics["smoke-test pass rate"] == "0.500"
    assert metrics["decode tokens per second (mean)"] == "170.00"
    assert metrics["time to first token seconds (mean)"] == "0.0300"


def test_cyclonedx_uses_spdx_id_where_one_exists():
    data = sample_record()
    data["reproducibility"]["license_files"] = {"apache-2.0": {
        "sha256": "e" * 64, "spdx": "Apache-2.0", "title": "Apache License 2.0",
        "url": "https://www.apache.org/licenses/LICENSE-2.0"}}
    data["chosen"]["licenses"] = ["apache-2.0"]
    bom = json.loads(record_to_cyclonedx(Record(data)))
    assert bom["components"][0]["licenses"][0]["license"]["id"] == "Apache-2.0"


def test_cyclonedx_validator_catches_a_bad_model_card():
    bom = json.loads(record_to_cyclonedx(Record(sample_record())))
    bom["components"][0]["modelCard"]["quantitativeAnalysis"]["performanceMetrics"][0]["value"] = 0.5
    assert cyclonedx_problem(json.dumps(bom)) is not None


def test_cyclonedx_without_smoke_or_hashes_still_validates():
    data = sample_record()
    data["smoke"] = None
    data["reproducibility"].update(gguf=None, hub=None)
    bom = json.loads(record_to_cyclonedx(Record(data)))
    assert "hashes" not in bom["components"][0]
    assert "quantitativeAnalysis" not in bom["components"][0]["modelCard"]


def test_file_names_cannot_be_mistaken():
    record = Record(sample_record())
    assert model_slug("meta-llama/Llama-3.2-1B-Instruct") == "meta-llama--llama-3.2-1b-instruct"
    assert record.filename("md") == "decision-meta-llama--llama-3.2-1b-instruct-2026-11-23.md"
    assert record.filename("cdx").endswith("-2026-11-23.cdx.json")
    assert model_slug("../../etc/passwd") == "etc--passwd"


def test_parse_formats():
    assert parse_formats("md, cdx,md") == ["md", "cdx"]
    with pytest.raises(ValueError, match="pdf"):
        parse_formats("md,pdf")


def test_markdown_warns_when_the_smoke_test_ran_another_model():
    data = sample_record()      # chosen: Llama 3.2 1B; smoke ran the SmolLM2 file
    text = render_markdown(Record(data))
    confirmation = text.split("### Confirmation")[1].split("## Pros and Cons")[0]
    assert "is not a build of meta-llama/Llama-3.2-1B-Instruct" in confirmation
    outcome = text.split("## Decision Outcome")[1].split("### Confirmation")[0]
    assert "the smoke test" in outcome and "passed the smoke test" not in outcome
    data["smoke"]["model"] = "/models/Llama-3.2-1B-Instruct-Q4_K_M.gguf"
    data["reproducibility"]["gguf"] = None
    text = render_markdown(Record(data))
    assert "is not a build" not in text
