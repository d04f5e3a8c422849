"""One place reads the environment (advisor.config): values read when asked, the Hub's
offline switch parsed by huggingface_hub's own rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import config


def test_hub_timeout_is_read_when_asked_not_at_import(monkeypatch):
    monkeypatch.setenv("ADVISOR_HUB_TIMEOUT", "3.5")
    assert config.hub_timeout() == 3.5
    monkeypatch.setenv("ADVISOR_HUB_TIMEOUT", "7")
    assert config.hub_timeout() == 7.0
    for bad in ("0", "-1", "nan", "inf", "1e9", "soon"):
        monkeypatch.setenv("ADVISOR_HUB_TIMEOUT", bad)
        assert config.hub_timeout() == config.DEFAULT_HUB_TIMEOUT, bad


@pytest.mark.parametrize(("env", "offline", "variable"), [
    ({}, False, None),
    ({"HF_HUB_OFFLINE": "1"}, True, "HF_HUB_OFFLINE"),
    ({"HF_HUB_OFFLINE": "on"}, True, "HF_HUB_OFFLINE"),
    ({"TRANSFORMERS_OFFLINE": "YES"}, True, "TRANSFORMERS_OFFLINE"),
    ({"HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "1"}, False, None),   # HF's rule: first wins
    ({"HF_HUB_OFFLINE": "", "TRANSFORMERS_OFFLINE": "true"}, True, "TRANSFORMERS_OFFLINE"),
    ({"HF_HUB_OFFLINE": "offline"}, False, None),
])
def test_offline_follows_huggingface_hub(env, offline, variable):
    from huggingface_hub import constants

    value = env.get("HF_HUB_OFFLINE") or env.get("TRANSFORMERS_OFFLINE")
    assert (value is not None and value.upper() in constants.ENV_VARS_TRUE_VALUES) == offline
    assert config.hub_offline(env) == offline
    assert config.hub_offline_variable(env) == variable
    if variable:
        assert config.hub_offline_reason(env) == f"{variable} is set"


def test_offline_set_in_the_process_counts(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    assert config.hub_offline()


def test_platform_folders(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "c"), "XDG_CONFIG_HOME": str(tmp_path / "f"),
           "LLAMA_CACHE": str(tmp_path / "l"), "OLLAMA_MODELS": str(tmp_path / "o")}
    assert config.cache_dir(env) == tmp_path / "c" / "advisor"
    assert config.cache_dir({**env, "ADVISOR_NO_CACHE": "1"}) is None
    assert config.cache_dir({**env, "ADVISOR_NO_CACHE": "0"}) == tmp_path / "c" / "advisor"
    assert config.cache_dir({"XDG_CACHE_HOME": "relative"}) == Path.home() / ".cache" / "advisor"
    assert config.config_dir(env) == tmp_path / "f" / "advisor"
    assert config.llama_cache_dir(env) == tmp_path / "l"
    assert config.ollama_models_dir(env) == tmp_path / "o"
    assert config.ollama_models_dir({}) == config.home() / ".ollama" / "models"


@pytest.mark.parametrize(("value", "width"), [("120", 120), ("19", None), ("wide", None),
                                              ("", None), ("1000", 1000)])
def test_columns(value, width):
    assert config.columns({"COLUMNS": value}) == width


def test_secret_is_none_when_empty():
    assert config.secret("K", {"K": ""}) is None
    assert config.secret("K", {"K": "sk-1"}) == "sk-1"


def test_no_other_module_reads_the_environment():
    root = Path(config.__file__).parent
    readers = [str(p.relative_to(root)) for p in root.rglob("*.py")
               if p.name != "config.py" and ("os.environ" in p.read_text() or
                                             "getenv(" in p.read_text())]
    assert readers == []
