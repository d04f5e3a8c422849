"""One rule for which profiled model a GGUF file is a build of (advisor.knowledge.matching),
used by `advisor local`, `advisor compare`, the app and records alike."""

from __future__ import annotations

import pytest

from advisor.knowledge.matching import FileClues, builds_of, gguf_index, is_build_of, profile_of
from advisor.knowledge.model import ApiAccess, KnowledgeBase, ModelProfile
from advisor.machine.local import LocalModel
from advisor.record.smoke import smoke_clues


def kb_of(*profiles: ModelProfile) -> KnowledgeBase:
    models = {p.id.lower(): p for p in profiles}
    return KnowledgeBase(models=models, gguf_index=gguf_index(models))


def model(model_id: str, *gguf_repos: str, **extra) -> ModelProfile:
    return ModelProfile(id=model_id, family="f", vendor="v", licenses=("mit",),
                        gguf_repos=gguf_repos, **extra)


KB = kb_of(model("HuggingFaceTB/SmolLM2-135M"),
           model("HuggingFaceTB/SmolLM2-135M-Instruct", "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"),
           model("meta-llama/Llama-3.1-8B-Instruct", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF"),
           model("microsoft/phi-4"),
           model("openai-api/gpt-5", access="api",
                 api=ApiAccess("OpenAI", "https://api.openai.com/v1", "OPENAI_API_KEY", "gpt-5")))


@pytest.mark.parametrize(("clues", "expected"), [
    # the repo decides when it names one profile (its own id or a GGUF repo it lists)
    (FileClues.of(repo="bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", path="x.gguf"),
     ["meta-llama/llama-3.1-8b-instruct"]),
    (FileClues.of(repo="HuggingFaceTB/SmolLM2-135M", path="model.gguf"),
     ["huggingfacetb/smollm2-135m"]),
    # else the longest profile name found in a name: Instruct, not the base
    (FileClues.of(path="/m/SmolLM2-135M-Instruct.Q4_1.gguf"),
     ["huggingfacetb/smollm2-135m-instruct"]),
    (FileClues.of(path="/m/smollm2-135m-q8_0.gguf"), ["huggingfacetb/smollm2-135m"]),
    # a prefix before the model's name (the rule that only matched prefixes missed it)
    (FileClues.of(path="/m/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"),
     ["meta-llama/llama-3.1-8b-instruct"]),
    (FileClues.of(path="/m/phi-4-Q4_K_M.gguf"), ["microsoft/phi-4"]),
    # the header's model name, when the file was renamed
    (FileClues.of(path="/m/renamed.gguf", names=["SmolLM2 135M Instruct"]),
     ["huggingfacetb/smollm2-135m-instruct"]),
    # an unknown repo's name counts as a name
    (FileClues.of(repo="someone/SmolLM2-135M-Instruct-GGUF", path="model.gguf"),
     ["huggingfacetb/smollm2-135m-instruct"]),
    # no weights, no builds: a hosted API model is never credited with a file
    (FileClues.of(path="/m/gpt-5-distill-Q4_K_M.gguf"), []),
    (FileClues.of(path="/m/unrelated.gguf"), []),
])
def test_builds_of(clues, expected):
    assert builds_of(clues, KB) == expected


def test_profile_of_names_one_or_none():
    clues = FileClues.of(path="/m/SmolLM2-135M-Instruct.Q4_1.gguf")
    assert profile_of(clues, KB) == "HuggingFaceTB/SmolLM2-135M-Instruct"
    twins = kb_of(model("a/Model-7B"), model("b/Model-7B"))
    assert builds_of(FileClues.of(path="model-7b.gguf"), twins) == ["a/model-7b", "b/model-7b"]
    assert profile_of(FileClues.of(path="model-7b.gguf"), twins) is None
    # two profiles list one GGUF repo: the first listing has it, as kb.find_model says
    shared = kb_of(model("o/Base-1B", "o/All-GGUF"), model("o/Base-1B-Chat", "o/All-GGUF"))
    assert profile_of(FileClues.of(repo="o/All-GGUF", path="base-1b-chat-q4.gguf"), shared) \
        == shared.find_model("o/All-GGUF").id == "o/Base-1B"


def test_every_caller_sees_the_same_answer():
    path = "/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"
    local = LocalModel(path=path, source="folder", bytes=1)                 # advisor local
    smoke = smoke_clues({"gguf": {"path": path}})                           # records
    app = FileClues.of(path=path)                                           # the app
    assert {profile_of(c, KB) for c in (local.clues(), smoke, app)} == \
        {"meta-llama/Llama-3.1-8B-Instruct"}


def test_an_ollama_blob_is_known_by_its_name_not_its_digest():
    blob = LocalModel(path="/o/blobs/sha256-" + "ab" * 32, source="ollama", bytes=1,
                      name="phi-4:latest")
    assert blob.clues().names == ("phi4latest",)
    assert profile_of(blob.clues(), KB) == "microsoft/phi-4"


def test_is_build_of_one_model_alone():
    clues = FileClues.of(path="/m/SmolLM2-135M-Instruct.Q4_1.gguf")
    assert is_build_of(clues, "HuggingFaceTB/SmolLM2-135M-Instruct")
    assert is_build_of(clues, "HuggingFaceTB/SmolLM2-135M")     # no other profile to prefer
    assert not is_build_of(clues, "meta-llama/Llama-3.1-8B-Instruct")
    assert is_build_of(FileClues.of(repo="x/Weights-GGUF"), "org/Other", ("x/weights-gguf",))
