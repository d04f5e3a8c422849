"""Use-case needs and preferences: validated in the loader, combined across use cases,
applied as exclusions with their reasons; a missing kind is unknown, never base
(issue 19 items 2 and 4).

    pytest tests/recommend/test_needs.py -q
"""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.knowledge import load_knowledge
from advisor.knowledge.load import check_profiles, profile_dirs
from advisor.knowledge.model import MODEL_KINDS
from advisor.recommend import use_needs

CORE = ("general_assistant", "coding", "content_generation", "summarization",
        "customer_support", "games_entertainment", "translation", "data_extraction",
        "retrieval_search", "agents_tools", "image_generation")


def test_every_generating_use_case_says_what_it_needs(kb) -> None:
    for uid in CORE:
        info = kb.use_cases[uid]
        assert info.needs.kinds, uid
        assert set(info.needs.kinds) <= set(MODEL_KINDS), uid
        assert "base" not in info.needs.kinds, uid
    assert kb.use_cases["image_generation"].needs.modalities == ("image_output",)
    assert kb.use_cases["agents_tools"].needs.tool_calling is True
    assert "coder" in kb.use_cases["coding"].prefers.kinds
    assert all(kb.use_cases[u].interactive for u in
               ("general_assistant", "customer_support", "games_entertainment", "coding"))
    assert not kb.use_cases["research"].needs          # research may study base models


def test_use_cases_combine_into_what_one_model_must_do(kb) -> None:
    needs = use_needs(kb, ["coding", "summarization"], ["text", "code", "image_input"],
                      ["de"])
    # kinds both accept, the larger context, the answers' image input
    assert "coder" not in needs.kinds and "instruct" in needs.kinds
    assert needs.context == 16384 and needs.modalities == ("image_input",)
    assert needs.interactive and needs.prefer_kinds == ("coder",)
    assert needs.languages == ("de",)
    assert needs.what == "Coding assistant and Summarization"


BAD_NEEDS = [
    ("needs: {kinds: [chatbot]}", "needs.kinds[0]", "is not one of"),
    ("needs: {modalities: [smell]}", "needs.modalities[0]", "is not one of"),
    ("needs: {context: -5}", "needs.context", "whole number of tokens"),
    ("needs: {context: 8k}", "needs.context", "whole number of tokens"),
    ("needs: {tool_calling: yes please}", "needs.tool_calling", "true or false"),
    ("prefers: {speed: fast}", "prefers.speed", "unknown key"),
    ("interactive: sometimes", "interactive", "true or false"),
]


@pytest.mark.parametrize("line, field, words", BAD_NEEDS)
def test_bad_needs_are_named_with_file_and_line(tmp_path: Path, line: str, field: str,
                                                words: str) -> None:
    path = tmp_path / "use-cases.yaml"
    path.write_text("schema: advisor.use-cases/1\nuse_cases:\n  - id: my_use\n"
                    f"    title: Mine\n    {line}\n", encoding="utf-8")
    _, problems = check_profiles(profile_dirs([tmp_path]))
    lines = [p.one_line() for p in problems]
    assert len(lines) == 1 and lines[0].startswith(f"{path}:5: use_cases[0].{field}: ")
    assert words in lines[0]


MODEL_WITHOUT_FACTS = """\
schema: advisor.model-family/1
family: Test family
vendor: Test vendor
checked: 2026-11-23
models:
  - id: test-vendor/Plain-7B
    licenses: [apache-2.0]
    parameters: 7.0e9
    released: 2026-01-01
    context_length: 32768
"""


def test_a_model_without_kind_is_unknown_never_base(tmp_path: Path, recommend_for) -> None:
    (tmp_path / "m.yaml").write_text(MODEL_WITHOUT_FACTS, encoding="utf-8")
    kb = load_knowledge([tmp_path])
    rec = recommend_for("""organization: {domicile: US}
deployment: {regions: [US], mode: internal}
use_case: {categories: [customer_support], languages: [en]}
""", ram_gb=64, vram_gb=24, knowledge=kb, top=500)
    item = rec.item("test-vendor/Plain-7B")
    assert item is not None and item.kind is None
    assert "kind not profiled: its suitability for the use is unknown" in item.why
    assert "languages not profiled (you serve English)" in item.why


def test_profiles_check_warns_about_missing_suitability_facts(tmp_path: Path,
                                                            run_advisor) -> None:
    (tmp_path / "m.yaml").write_text(MODEL_WITHOUT_FACTS, encoding="utf-8")
    proc = run_advisor("profiles", "check", str(tmp_path))
    assert proc.returncode == 0, proc.stderr            # warnings, not errors
    line = next(l for l in proc.stderr.splitlines() if "test-vendor/Plain-7B" in l)
    assert "warning:" in line and "no kind, languages, tool_calling" in line


def _reason(rec, model_id: str) -> tuple[str, str]:
    found = next(e for e in rec.excluded if e.model == model_id)
    return found.code, found.reason


def test_each_exclusion_says_why(recommend_for) -> None:
    chat = """organization: {domicile: US, monthly_active_users: 1000}
deployment: {regions: [US], mode: on_device}
use_case: {categories: [customer_support], modalities: [text, image_input]}
"""
    rec = recommend_for(chat, ram_gb=16)
    code, reason = _reason(rec, "Qwen/Qwen3-8B")
    assert code == "modality" and reason == "lacks image input, which your answers need"
    code, reason = _reason(rec, "google/gemma-3-4b-pt")
    assert code == "base_model" and "Customer support is interactive" in reason
    code, reason = _reason(rec, "black-forest-labs/FLUX.1-schnell")
    assert code in ("kind", "modality")
    code, reason = _reason(rec, "openai-api/gpt-5.1")
    assert code == "hosted" and "on_device" in reason
    code, reason = _reason(rec, "meta-llama/Llama-3.2-90B-Vision-Instruct")
    assert code in ("hardware", "blocked")
    counts = rec.excluded_counts()
    assert sum(counts.values()) == len(rec.excluded)
    assert list(counts) == [c for c in ("blocked", "unknown", "modality", "base_model", "kind",
                                        "tool_calling", "context", "hosted", "hardware")
                            if c in counts]


def test_agents_leave_out_models_documented_without_tool_calling(kb, recommend_for) -> None:
    rec = recommend_for("""organization: {domicile: US}
deployment: {regions: [US], mode: internal}
use_case: {categories: [agents_tools]}
""", ram_gb=128, vram_gb=80, top=500)
    no_tools = [m.id for m in kb.models.values() if m.tool_calling is False]
    assert no_tools
    assert not {i.model for i in rec.ranked} & set(no_tools)
    code, reason = _reason(rec, "mistralai/Magistral-Small-2509")
    assert code == "tool_calling" and reason.startswith("documents no tool calling")


def test_a_context_shorter_than_the_use_needs_is_left_out(recommend_for) -> None:
    rec = recommend_for("""organization: {domicile: US}
deployment: {regions: [US], mode: internal}
use_case: {categories: [summarization]}
""", ram_gb=64, vram_gb=24)
    code, reason = _reason(rec, "meta-llama/Llama-2-7b-chat-hf")
    assert code in ("context", "blocked")
    code, reason = _reason(rec, "microsoft/Phi-3-mini-4k-instruct")
    assert (code, reason) == ("context", "its 4,096-token context is shorter than the "
                                         "16,384 tokens Summarization needs")


def test_nothing_left_is_said(recommend_for) -> None:
    rec = recommend_for("""organization: {domicile: DE}
deployment: {regions: [DE], mode: hosted_service}
use_case: {categories: [social_scoring]}
""", ram_gb=64, vram_gb=24)
    assert not rec.ranked and not rec.shortlist
    assert rec.excluded_counts() == {"blocked": len(rec.excluded)}
    assert all("blocked by the deployment itself" in e.reason for e in rec.excluded)
