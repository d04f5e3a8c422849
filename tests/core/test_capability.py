"""A model that lacks a modality the answers need is never `allowed` for them."""

from __future__ import annotations

from advisor.answers import parse_answers
from advisor.assessment.engine import assess, capability_findings


def _answers(kb, modalities: str):
    return parse_answers("organization: {domicile: US-TX}\n"
                         "deployment: {regions: [US-TX], mode: internal, commercial: true}\n"
                         f"use_case: {{categories: [general_assistant], modalities: [{modalities}]}}\n",
                         use_case_ids=tuple(kb.use_cases))


def _by_modalities(kb, wanted: set[str], lacking: str):
    has = [m for m in kb.models.values() if wanted <= set(m.modalities)]
    lacks = [m for m in kb.models.values() if lacking not in m.modalities]
    return has, lacks


def test_each_missing_modality_is_a_condition_naming_it(kb):
    for modality, words in (("image_output", "image output"), ("image_input", "image input"),
                            ("audio_input", "audio input")):
        has, lacks = _by_modalities(kb, {modality}, modality)
        assert has and lacks, modality                  # the shipped profiles have both kinds
        result = assess(_answers(kb, f"text, {modality}"), kb,
                        [has[0].id, lacks[0].id])
        got = {c.model: [f for f in c.findings if f.code == "capability"]
               for c in result.candidates}
        assert got[has[0].id] == []
        (finding,) = got[lacks[0].id]
        assert finding.severity == "condition" and words in finding.message
        assert finding.source.url and finding.source.section
        lacking = next(c for c in result.candidates if c.model == lacks[0].id)
        assert lacking.verdict != "allowed"


def test_text_and_code_are_never_missing():
    assert capability_findings(["text", "code"], ["text"]) == []
    assert capability_findings(["text"], ["code"]) == []
    (two,) = capability_findings(["image_input", "audio_input"], ["text", "code"])
    assert "image input and audio input" in two.message and "text, code" in two.message


def test_no_shipped_model_is_allowed_for_a_modality_it_lacks(kb):
    for modality in ("image_output", "image_input", "audio_input"):
        result = assess(_answers(kb, f"text, {modality}"), kb)
        wrong = [c.model for c in result.candidates if c.verdict == "allowed"
                 and modality not in kb.find_model(c.model).modalities]
        assert wrong == [], (modality, wrong[:5])
