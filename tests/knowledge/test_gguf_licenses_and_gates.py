"""Where the profiles end: GGUF repos of a profile, licenses read from GGUF metadata, the
Hub's EU gate; and openness by SPDX id with `partial` components.

    pytest tests/knowledge/test_gguf_licenses_and_gates.py -q
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.answers import parse_answers
from advisor.assessment import assess
from advisor.assessment.openness import effective_status, grade, license_open_for
from advisor.knowledge import HubFacts
from advisor.gguf.metadata import license_facts
from advisor.knowledge.model import COMPONENT_TYPES, Component

HOSTED_DE = """\
organization: {domicile: DE, monthly_active_users: 1000}
deployment: {regions: [DE], mode: hosted_service, commercial: true}
use_case: {categories: [general_assistant]}
"""
INTERNAL_US = """\
organization: {domicile: US, monthly_active_users: 1000}
deployment: {regions: [US], mode: internal, commercial: true}
use_case: {categories: [general_assistant]}
"""


def _answers(kb, text: str):
    return parse_answers(text, use_case_ids=set(kb.use_cases))


def _one(kb, text: str, repo_id: str, hub: HubFacts | None = None):
    result = assess(_answers(kb, text), kb, model_ids=[repo_id],
                    hub_facts={repo_id: hub} if hub else None)
    return result.candidates[0]


# ---------------------------------------------------------------- gguf_repos offline

def test_gguf_repo_finds_its_profile(kb) -> None:
    for spelling in ("bartowski/Llama-3.2-1B-Instruct-GGUF", "BARTOWSKI/llama-3.2-1b-instruct-gguf"):
        assert kb.find_model(spelling).id == "meta-llama/Llama-3.2-1B-Instruct"
    assert kb.find_model("bartowski/Not-A-Real-Repo-GGUF") is None


def test_gguf_repo_is_assessed_offline_under_the_profile(kb) -> None:
    gguf = _one(kb, HOSTED_DE, "bartowski/Llama-3.2-1B-Instruct-GGUF")
    base = _one(kb, HOSTED_DE, "meta-llama/Llama-3.2-1B-Instruct")
    assert gguf.verdict == base.verdict != "unknown"
    assert gguf.model == "bartowski/Llama-3.2-1B-Instruct-GGUF"
    assert (gguf.basis, gguf.based_on, gguf.licenses) == ("base_model", base.model, ("llama3.2",))
    assert any(f.code == "base_model" and "GGUF conversion" in f.message for f in gguf.findings)


def test_every_listed_gguf_repo_maps_back(kb) -> None:
    listed = [(repo, m.id) for m in kb.models.values() for repo in m.gguf_repos]
    assert len(listed) >= 20
    for repo, owner in listed:
        assert kb.find_model(repo) is not None, repo
    # the first profile listing a repo owns it; no repo silently maps to two families
    owners: dict[str, set[str]] = {}
    for repo, owner in listed:
        owners.setdefault(repo.lower(), set()).add(owner)
    shared = {r: o for r, o in owners.items() if len(o) > 1}
    assert shared == {}, shared


def test_assess_cli_offline_gguf_repo(tmp_path: Path, run_advisor) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(HOSTED_DE, encoding="utf-8")
    proc = run_advisor("assess", "--answers", str(answers), "--models",
                       "bartowski/Llama-3.2-1B-Instruct-GGUF", "--json")
    assert proc.returncode == 0, proc.stderr
    candidate = json.loads(proc.stdout)["candidates"][0]
    assert candidate["verdict"] == "conditional" and candidate["based_on"] == "meta-llama/Llama-3.2-1B-Instruct"


# ---------------------------------------------------------------- GGUF general.license

def test_license_from_gguf_metadata_with_a_review(kb) -> None:
    lic, bases = license_facts({"general.license": "apache-2.0"})
    facts = HubFacts(repo_id="someone/unprofiled-GGUF", gguf_license=lic, gguf_base_models=bases)
    candidate = _one(kb, INTERNAL_US, "someone/unprofiled-GGUF", facts)
    assert candidate.licenses == ("apache-2.0",)
    assert candidate.verdict == "conditional"
    review = [f for f in candidate.findings if f.code == "review" and "general.license" in f.message]
    assert len(review) == 1 and review[0].severity == "condition" and review[0].source.url
    without = _one(kb, INTERNAL_US, "someone/unprofiled-GGUF",
                   HubFacts(repo_id="someone/unprofiled-GGUF"))
    assert without.verdict == "unknown"


def test_unknown_gguf_license_stays_unknown(kb) -> None:
    facts = HubFacts(repo_id="x/y-GGUF", gguf_license="made-up-license-9")
    assert _one(kb, INTERNAL_US, "x/y-GGUF", facts).verdict == "unknown"


def test_gguf_spdx_id_is_recognized(kb) -> None:
    facts = HubFacts(repo_id="x/y-GGUF", gguf_license="Apache-2.0")
    assert _one(kb, INTERNAL_US, "x/y-GGUF", facts).licenses == ("apache-2.0",)


def test_gguf_base_model_brings_the_profile_and_its_restrictions(kb) -> None:
    meta = {"general.license": "apache-2.0", "general.base_model.count": 1,
            "general.base_model.0.repo_url": "https://huggingface.co/meta-llama/Llama-3.2-1B-Instruct"}
    facts = HubFacts(repo_id="x/llama-GGUF").with_gguf(meta)
    candidate = _one(kb, INTERNAL_US, "x/llama-GGUF", facts)
    assert candidate.based_on == "meta-llama/Llama-3.2-1B-Instruct"
    assert "llama3.2" in candidate.licenses            # an apache claim does not wash it
    assert any("general.base_model" in f.message for f in candidate.findings)


def test_a_card_naming_the_same_spdx_license_agrees_with_the_profile(kb) -> None:
    """Gemma 4's cards tag apache-2.0; its own profile is Apache-2.0 too: no review. A card
    naming another license still gets one."""
    gemma4 = "google/gemma-4-31B-it"
    same = _one(kb, INTERNAL_US, gemma4, HubFacts(repo_id=gemma4, license_tag="apache-2.0"))
    assert not any("Hub card declares" in f.message for f in same.findings)
    other = _one(kb, INTERNAL_US, gemma4, HubFacts(repo_id=gemma4, license_tag="mit"))
    assert any("Hub card declares license mit" in f.message for f in other.findings)
    custom = _one(kb, INTERNAL_US, gemma4, HubFacts(repo_id=gemma4, license_tag="gemma"))
    assert any("Hub card declares license gemma" in f.message for f in custom.findings)


def test_card_and_file_disagree(kb) -> None:
    facts = HubFacts(repo_id="x/z-GGUF", license_tag="mit", gguf_license="apache-2.0")
    candidate = _one(kb, INTERNAL_US, "x/z-GGUF", facts)
    assert any("GGUF file's metadata says license apache-2.0" in f.message for f in candidate.findings)


@pytest.mark.parametrize("meta", [
    {"general.license": "\x1b]0;pwned\x07"},
    {"general.license": "x" * 500},
    {"general.license": 5, "general.base_model.count": "3"},
    {"general.base_model.count": 2, "general.base_model.0.repo_url": "https://huggingface.co/../../etc",
     "general.base_model.1.organization": "a/b", "general.base_model.1.name": "c"},
    {"general.base_model.count": 10**12},
])
def test_hostile_gguf_metadata_gives_nothing(meta: dict) -> None:
    assert license_facts(meta) == (None, [])


# ---------------------------------------------------------------- the Hub's gates

def test_eu_disallowed_gate_blocks_eu_domicile_and_eu_users(kb) -> None:
    repo = "meta-llama/Llama-3.2-11B-Vision-Instruct"
    gate = HubFacts(repo_id=repo, license_tag="llama3.2", gated="manual", gated_eu_disallowed=True)
    eu = _one(kb, HOSTED_DE, repo, gate)
    assert eu.verdict == "blocked"
    assert any(f.code == "domicile_exclusion" and "extra_gated_eu_disallowed" in f.message
               for f in eu.findings if f.severity == "block")
    us_served_in_eu = INTERNAL_US.replace("regions: [US]", "regions: [US, FR]")
    assert _one(kb, us_served_in_eu, repo, gate).verdict == "blocked"
    us = _one(kb, INTERNAL_US, repo, gate)
    assert not [f for f in us.findings if "extra_gated_eu_disallowed" in f.message]
    open_gate = HubFacts(repo_id=repo, license_tag="llama3.2", gated="manual")
    assert not [f for f in _one(kb, HOSTED_DE, repo, open_gate).findings
                if "extra_gated_eu_disallowed" in f.message]


def test_gated_repos_say_so(kb) -> None:
    offline = _one(kb, INTERNAL_US, "meta-llama/Llama-3.2-1B-Instruct")
    assert any(f.code == "gated" for f in offline.findings)
    ungated = _one(kb, INTERNAL_US, "Qwen/Qwen3-8B")
    assert not any(f.code == "gated" for f in ungated.findings)


# ---------------------------------------------------------------- openness

@pytest.mark.parametrize("kind,license_id,expected", [
    ("code", "GPL-3.0-only", True), ("code", "gpl-3.0-or-later", True), ("code", "GPL-3.0", True),
    ("code", "0BSD", True), ("code", "EUPL-1.2", True), ("code", "BSD-2-Clause-Patent", True),
    ("code", "BSD-3-Clause-Clear", False), ("code", "Apache-2.0 OR MIT", True),
    ("code", "Apache-2.0 AND llama3", False), ("code", "GPL-2.0-only WITH Classpath-exception-2.0", False),
    ("code", "CC-BY-4.0", False), ("code", "llama3.2", False), ("code", "", False),
    ("code", "BUSL-1.1", False), ("data", "CC-BY-4.0", True), ("data", "CDLA-Permissive-2.0", True),
    ("data", "ODC-By-1.0", True), ("data", "odc-by", True), ("data", "CC-BY-NC-4.0", False),
    ("data", "CC-BY-ND-4.0", False), ("data", "Apache-2.0", True), ("document", "CC-BY-SA-4.0", True),
    ("document", "CC0-1.0", True), ("document", "OpenMDW-1.0", True), ("data", "proprietary", False),
])
def test_open_licenses_by_spdx_id(kind: str, license_id: str, expected: bool) -> None:
    assert license_open_for(kind, license_id) is expected


def _all_open() -> dict[str, Component]:
    lic = {"code": "Apache-2.0", "data": "CDLA-Permissive-2.0", "document": "CC-BY-4.0"}
    return {cid: Component(status="open", license=lic[kind], evidence="https://example.org")
            for cid, kind in COMPONENT_TYPES.items()}


def test_partial_is_shown_and_counts_as_not_open() -> None:
    components = _all_open()
    assert grade(components, weights_license_open=True).mof_class == "I"
    components["datasets"] = Component(status="partial", license="ODC-By-1.0",
                                       evidence="https://example.org")
    openness = grade(components, weights_license_open=True)
    assert openness.components["datasets"] == "partial"
    assert openness.mof_class == "II"
    assert openness.osaid == "pass"                   # datasets are not an OSAID requirement
    components["training_code"] = Component(status="partial", license="Apache-2.0")
    openness = grade(components, weights_license_open=True)
    assert (openness.osaid, openness.mof_class) == ("fail", "III")
    assert any("training_code (partial)" in r for r in openness.reasons)
    assert effective_status("training_code", components["training_code"]) == "partial"


def test_partial_is_accepted_by_the_loader(tmp_path: Path) -> None:
    from advisor.knowledge.load import check_profiles, profile_dirs

    (tmp_path / "m.yaml").write_text(
        "schema: advisor.model-family/1\nfamily: X\nvendor: Y\nmodels:\n  - id: me/m\n"
        "    licenses: [mit]\n    openness:\n      datasets: {status: partial, license: ODC-By-1.0}\n",
        encoding="utf-8")
    kb, problems = check_profiles(profile_dirs([tmp_path]))
    assert problems == []
    assert kb.find_model("me/m").openness["datasets"].status == "partial"


def test_hub_gguf_without_card_license_is_assessed_under_the_file_license(
        tmp_path: Path, run_advisor) -> None:
    from tests.fixtures.hub_server import HubRepo, serve_hub
    from tests.fixtures.hostile_gguf import write_shaped_gguf

    gguf = write_shaped_gguf(tmp_path / "w-Q8_0.gguf", strings={"general.license": "mit"})
    answers = tmp_path / "a.yaml"
    answers.write_text(INTERNAL_US, encoding="utf-8")
    repos = {"someone/Widget-GGUF": HubRepo(files={"w-Q8_0.gguf": gguf}),
             "someone/Other-GGUF": HubRepo(files={"w-Q8_0.gguf": gguf},
                                           card_data={"license": "apache-2.0"})}
    with serve_hub(repos) as hub:
        env = {**hub.env(tmp_path), "HF_HUB_OFFLINE": "0"}
        proc = run_advisor("assess", "--answers", str(answers), "--models",
                           "someone/Widget-GGUF,someone/Other-GGUF", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    by_id = {c["model"]: c for c in json.loads(proc.stdout)["candidates"]}
    widget = by_id["someone/Widget-GGUF"]
    assert widget["licenses"] == ["mit"] and widget["verdict"] == "conditional"
    assert any("general.license" in f["message"] for f in widget["findings"])
    other = by_id["someone/Other-GGUF"]          # the card decides; the file is not read
    assert other["licenses"] == ["apache-2.0"]
    assert not any("general.license" in f["message"] for f in other["findings"])
