"""`advisor profiles draft REPO_ID` against the local Hub stand-in (issue 10 §4).

    pytest tests/knowledge/test_profiles_draft.py -q
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from advisor.knowledge.draft import parameters_from_index
from tests.fixtures.hub_server import HubFile, HubRepo, serve_hub

REPO = "acme/Widget-7B-Instruct"
BASE = "acme/Widget-7B"
INDEX = {"metadata": {"total_size": 14_200_000_000},
         "weight_map": {"model.embed_tokens.weight": "model-00001-of-00002.safetensors"}}
CONFIG = {"torch_dtype": "bfloat16", "max_position_embeddings": 32768}


def _repos(**overrides) -> dict[str, HubRepo]:
    card = {"license": "apache-2.0", "base_model": BASE, "license_link": "LICENSE"}
    return {
        REPO: HubRepo(files={"config.json": HubFile(json.dumps(CONFIG).encode(), lfs=False),
                             "model.safetensors.index.json": HubFile(json.dumps(INDEX).encode(),
                                                                     lfs=False),
                             "LICENSE": HubFile(b"Apache License 2.0", lfs=False)},
                      card_data={**card, **overrides.pop("card", {})},
                      pipeline_tag="image-text-to-text", **overrides),
        BASE: HubRepo(card_data={"license": "apache-2.0"}),
    }


@pytest.fixture
def hub():
    with serve_hub(_repos()) as server:
        yield server


def test_gated_repo_without_token_drafts_what_the_card_says(tmp_path: Path, run_advisor) -> None:
    with serve_hub(_repos(gated="auto")) as server:
        proc = run_advisor("profiles", "draft", REPO, env=_env(server, tmp_path))
    assert proc.returncode == 0, proc.stderr
    model = yaml.safe_load(proc.stdout)["models"][0]
    assert model["gated"] is True and model["licenses"] == ["apache-2.0"]
    assert "parameters" not in model and "config.json could not be read" in model["notes"]


def _env(hub, tmp_path: Path) -> dict[str, str]:
    return {**hub.env(tmp_path), "HF_HUB_OFFLINE": "0"}


def test_draft_writes_an_unconfirmed_profile_that_loads(hub, tmp_path: Path, run_advisor) -> None:
    out = tmp_path / "mine" / "widget.yaml"
    out.parent.mkdir()
    proc = run_advisor("profiles", "draft", REPO, "--out", str(out), env=_env(hub, tmp_path))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("schema: advisor.model-family/1\n")
    model = yaml.safe_load(text)["models"][0]
    assert model["id"] == REPO and model["confirmed"] is False
    assert model["licenses"] == ["apache-2.0"] and model["base_model"] == BASE
    assert model["parameters"] == pytest.approx(7.1e9)
    assert model["context_length"] == 32768 and model["gated"] is False
    assert model["modalities"] == ["text", "image_input"]
    assert {s["url"] for s in model["sources"]} == {
        f"https://huggingface.co/{REPO}", f"https://huggingface.co/{REPO}/blob/main/LICENSE"}
    assert BASE in model["notes"]
    # it loads, profiles check lists it as unconfirmed, and the verdict is never `allowed`
    check = run_advisor("profiles", "check", str(out.parent))
    assert check.returncode == 0, check.stderr
    assert f"unconfirmed: model {REPO}" in check.stdout
    answers = tmp_path / "a.yaml"
    answers.write_text("organization: {domicile: US}\ndeployment: {regions: [US], mode: internal}\n",
                       encoding="utf-8")
    proc = run_advisor("assess", "--answers", str(answers), "--models", REPO,
                       "--profiles", str(out.parent), "--json")
    candidate = json.loads(proc.stdout)["candidates"][0]
    assert candidate["verdict"] == "conditional"
    assert any("is a draft" in f["message"] for f in candidate["findings"])


def test_draft_never_overwrites_without_force(hub, tmp_path: Path, run_advisor,
                                              assert_one_line_error) -> None:
    out = tmp_path / "widget.yaml"
    out.write_text("mine\n", encoding="utf-8")
    proc = run_advisor("profiles", "draft", REPO, "--out", str(out), env=_env(hub, tmp_path))
    assert_one_line_error(proc, str(out), "already exists", status=2)
    assert out.read_text(encoding="utf-8") == "mine\n"
    proc = run_advisor("profiles", "draft", REPO, "--out", str(out), "--force",
                       env=_env(hub, tmp_path))
    assert proc.returncode == 0 and out.read_text(encoding="utf-8").startswith("schema:")


def test_draft_to_stdout_with_unknown_license_names_the_missing_profile(tmp_path: Path,
                                                                        run_advisor) -> None:
    repos = _repos(card={"license": "other", "license_name": "acme-widget-license"})
    with serve_hub(repos) as server:
        proc = run_advisor("profiles", "draft", REPO, env=_env(server, tmp_path))
    assert proc.returncode == 0, proc.stderr
    model = yaml.safe_load(proc.stdout)["models"][0]
    assert model["licenses"] == ["acme-widget-license"]
    assert "profiles/licenses/acme-widget-license.yaml" in model["notes"]


def test_hostile_card_text_stays_data(tmp_path: Path, run_advisor) -> None:
    repos = _repos(card={"license": "other", "license_name": "x\x1b]0;t\x07\nschema: evil",
                         "license_link": "../../etc/passwd"})
    with serve_hub(repos) as server:
        proc = run_advisor("profiles", "draft", REPO, env=_env(server, tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    doc = yaml.safe_load(proc.stdout)
    assert doc["schema"] == "advisor.model-family/1"
    model = doc["models"][0]
    assert all("passwd" not in s["url"] for s in model["sources"])
    assert all(ch.isalnum() or ch in ".-_" for ch in model["licenses"][0])


def test_unknown_repo_is_one_line(tmp_path: Path, run_advisor, assert_one_line_error) -> None:
    with serve_hub(_repos()) as server:
        proc = run_advisor("profiles", "draft", "acme/nothing-here", env=_env(server, tmp_path))
    assert proc.returncode in (1, 2)
    assert_one_line_error(proc, "acme/nothing-here", status=proc.returncode)


def test_safetensors_metadata_is_preferred(tmp_path: Path, run_advisor) -> None:
    repos = _repos(info_overrides={"safetensors": {"parameters": {"BF16": 8_030_261_248},
                                                    "total": 8_030_261_248}})
    with serve_hub(repos) as server:
        proc = run_advisor("profiles", "draft", REPO, env=_env(server, tmp_path))
    assert proc.returncode == 0, proc.stderr
    model = yaml.safe_load(proc.stdout)["models"][0]
    assert model["parameters"] == pytest.approx(8.03e9)
    assert "safetensors metadata" in model["notes"]


@pytest.mark.parametrize("index,config,expected", [
    ({"metadata": {"total_parameters": 123}}, {}, 123.0),
    ({"metadata": {"total_size": 400}}, {"torch_dtype": "float32"}, 100.0),
    ({"metadata": {"total_size": 400}}, {}, None),
    ({"metadata": {"total_size": float("nan")}}, {"torch_dtype": "bfloat16"}, None),
    ({"metadata": "x"}, {"torch_dtype": "bfloat16"}, None),
    (None, None, None),
])
def test_parameters_from_index(index, config, expected) -> None:
    assert parameters_from_index(index, config) == expected


TOOLS_TEMPLATE = ("{%- if tools %}<|im_start|>system\n# Tools\n{% for tool in tools %}"
                  "{{ tool | tojson }}{% endfor %}<|im_end|>{% endif %}")


def test_draft_reads_kind_languages_and_tool_calling(tmp_path: Path, run_advisor) -> None:
    tokenizer = {"chat_template": TOOLS_TEMPLATE, "eos_token": "<|im_end|>"}
    repos = _repos(card={"language": ["en", "de-CH", "multilingual"]},
                   tags=["transformers", "image-text-to-text", "conversational", "en", "de",
                         f"base_model:finetune:{BASE}"])
    repos[REPO].files["tokenizer_config.json"] = HubFile(json.dumps(tokenizer).encode(), lfs=False)
    out = tmp_path / "mine" / "widget.yaml"
    out.parent.mkdir()
    with serve_hub(repos) as server:
        proc = run_advisor("profiles", "draft", REPO, "--out", str(out), env=_env(server, tmp_path))
    assert proc.returncode == 0, proc.stderr
    model = yaml.safe_load(out.read_text(encoding="utf-8"))["models"][0]
    assert model["kind"] == "vision_language"            # pipeline image-text-to-text, chat tuned
    assert model["languages"] == ["en", "de"]            # from the card; "multilingual" noted
    assert model["tool_calling"] is True                 # the chat template renders `tools`
    assert "multilingual" in model["notes"]
    check = run_advisor("profiles", "check", str(out.parent))
    assert check.returncode == 0, check.stderr


def test_draft_of_a_base_model_and_of_its_quantization(tmp_path: Path, run_advisor) -> None:
    gguf = "someone/Widget-7B-Base-GGUF"
    repos = {
        BASE + "-Base": HubRepo(card_data={"license": "apache-2.0", "language": ["fr"]},
                                tags=["transformers", "text-generation", "fr"]),
        gguf: HubRepo(files={"w-Q4_K_M.gguf": HubFile(b"GGUF" + bytes(60), lfs=True)},
                      card_data={"license": "apache-2.0", "base_model": BASE + "-Base",
                                 "base_model_relation": "quantized"},
                      tags=["gguf", f"base_model:quantized:{BASE}-Base"], pipeline_tag=None),
    }
    with serve_hub(repos) as server:
        base = run_advisor("profiles", "draft", BASE + "-Base", env=_env(server, tmp_path))
        quant = run_advisor("profiles", "draft", gguf, env=_env(server, tmp_path))
    assert base.returncode == 0 and quant.returncode == 0, (base.stderr, quant.stderr)
    for proc in (base, quant):
        model = yaml.safe_load(proc.stdout)["models"][0]
        assert (model["kind"], model["tool_calling"]) == ("base", False)
    assert yaml.safe_load(base.stdout)["models"][0]["languages"] == ["fr"]
    quantized = yaml.safe_load(quant.stdout)["models"][0]
    assert quantized["languages"] == ["fr"]              # the base model's language tags
    assert f"quantized model {BASE}-Base" in quantized["notes"]
