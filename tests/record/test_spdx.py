"""`--format spdx`: an SPDX 3.0.1 JSON-LD document with the AI profile, validated by the
SPDX project's own model bindings (spdx-python-model): decoded against the 3.0.1 model
(unknown properties, wrong enums and types refused) and written back (a missing
required property refused), every reference resolved inside the document."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json

import pytest

from advisor.record import build_record, render
from tests.record.conftest import MODEL, advisor
from tests.record.sample import SMOKE

spdx_model = pytest.importorskip("spdx_python_model")
DAY = dt.date(2026, 11, 23)
MISTRAL = "mistralai/Mistral-Small-3.2-24B-Instruct-2506"


def validate(doc: dict) -> object:
    """The decoded object set; raises what the SPDX bindings raise for an invalid document."""
    model, objects = spdx_model.load_data(copy.deepcopy(doc))
    model.JSONLDSerializer().write(objects, io.BytesIO())
    assert not objects.missing_ids, objects.missing_ids
    return objects


def _by_type(doc: dict, kind: str) -> list[dict]:
    return [e for e in doc["@graph"] if e.get("type") == kind]


@pytest.fixture(scope="module")
def llama(kb, answers):
    record = build_record(answers, kb, MODEL, smoke=SMOKE, today=DAY, decision_makers=["Ada"])
    return record, json.loads(render(record, "spdx"))


def test_the_document_is_valid_spdx_3_with_the_ai_profile(llama):
    record, doc = llama
    assert doc["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    validate(doc)
    (document,) = _by_type(doc, "SpdxDocument")
    assert {"core", "software", "ai", "simpleLicensing"} <= set(document["profileConformance"])
    (package,) = _by_type(doc, "ai_AIPackage")
    assert document["rootElement"] == [package["spdxId"]]
    assert package["name"] == MODEL and package["software_primaryPurpose"] == "model"
    assert package["software_downloadLocation"] == f"https://huggingface.co/{MODEL}"
    assert package["ai_domain"] == [record.data["context"]["use_case_titles"]["general_assistant"]]
    assert {e["spdxId"] for e in doc["@graph"] if "spdxId" in e} == set(document["element"]) | {
        document["spdxId"]}


def test_a_license_outside_the_spdx_list_is_a_licenseref_with_its_text_url(llama):
    record, doc = llama
    (expression,) = _by_type(doc, "simplelicensing_LicenseExpression")
    assert expression["simplelicensing_licenseExpression"] == "LicenseRef-llama3.2"
    (entry,) = expression["simplelicensing_customIdToUri"]
    assert entry["key"] == "LicenseRef-llama3.2"
    assert entry["value"] == record.reproducibility["license_files"]["llama3.2"]["url"]
    kinds = {r["relationshipType"]: r for r in _by_type(doc, "Relationship")}
    assert kinds["hasConcludedLicense"]["to"] == [expression["spdxId"]]
    assert kinds["hasDeclaredLicense"]["to"] == [expression["spdxId"]]


def test_a_listed_license_is_its_spdx_id(kb, answers):
    doc = json.loads(render(build_record(answers, kb, MISTRAL, today=DAY), "spdx"))
    validate(doc)
    (expression,) = _by_type(doc, "simplelicensing_LicenseExpression")
    assert expression["simplelicensing_licenseExpression"] == "Apache-2.0"
    assert "simplelicensing_customIdToUri" not in expression


def test_verdict_sources_and_digest_are_annotations(llama):
    record, doc = llama
    (package,) = _by_type(doc, "ai_AIPackage")
    notes = _by_type(doc, "Annotation")
    on_model = [a["statement"] for a in notes if a["subject"] == package["spdxId"]]
    assert any(f"Verdict for the declared use: {record.chosen['verdict']}" in s for s in on_model)
    for source in record.data["sources"]:
        if source.get("url"):
            assert any(s.startswith("Source: ") and source["url"] in s for s in on_model), source
    on_doc = [a["statement"] for a in notes if a["subject"] != package["spdxId"]]
    assert any(record.data["digest"] in s for s in on_doc)
    assert all(a["annotationType"] in ("review", "other") for a in notes)


def test_the_hashed_gguf_is_a_file_the_package_distributes(kb, answers):
    smoke = dict(SMOKE, model="/models/SmolLM2-135M-Instruct.Q4_1.gguf")
    record = build_record(answers, kb, "HuggingFaceTB/SmolLM2-135M-Instruct", smoke=smoke,
                          today=DAY)
    doc = json.loads(render(record, "spdx"))
    validate(doc)
    (file_,) = _by_type(doc, "software_File")
    assert file_["verifiedUsing"] == [{"type": "Hash", "algorithm": "sha256",
                                       "hashValue": SMOKE["sha256"]}]
    (package,) = _by_type(doc, "ai_AIPackage")
    metrics = {m["key"]: m["value"] for m in package["ai_metric"]}
    assert metrics["smoke-test checks passed"] == "1/2"


def test_the_validator_refuses_what_spdx_does_not_allow(llama):
    _, doc = llama
    broken = copy.deepcopy(doc)
    for element in _by_type(broken, "ai_AIPackage"):
        element["ai_autonomyType"] = "sometimes"
    with pytest.raises(ValueError):
        validate(broken)
    broken = copy.deepcopy(doc)
    for element in _by_type(broken, "Annotation"):
        del element["subject"]
    with pytest.raises(ValueError):
        validate(broken)


def test_cli_writes_the_spdx_file(answers_file, tmp_path):
    out = tmp_path / "out"
    proc = advisor("record", "--answers", str(answers_file), "--model", MODEL, "--out",
                   str(out), "--format", "spdx")
    assert proc.returncode == 0, proc.stderr
    (path,) = [p for p in out.iterdir()]
    assert path.name.endswith(".spdx.json")
    validate(json.loads(path.read_text()))
