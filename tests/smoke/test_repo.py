"""``advisor smoke --repo``: pulled through the Hub adapter from a local Hub stand-in."""

from __future__ import annotations

import hashlib
import json

from tests.fixtures.hub_server import HubRepo, serve_hub
from tests.smoke.conftest import assert_one_line, run_cli


def test_repo_is_pulled_then_smoked(tiny_model, tiny_suite, tmp_path):
    repos = {"org/Tiny-GGUF": HubRepo(files={"tiny.F32.gguf": tiny_model,
                                             "tiny.Q8_0.gguf": tiny_model})}
    with serve_hub(repos) as hub:
        env = hub.env(tmp_path)
        result = run_cli("--repo", "org/Tiny-GGUF", "--quant", "F32", "--suite", str(tiny_suite),
                         "--json", full_env=env)
        assert result.code == 0, result.stderr
        doc = json.loads(result.stdout)
        assert doc["model_path"].startswith(str(tmp_path / "hf_home"))
        assert doc["model_path"].endswith("tiny.F32.gguf")
        assert doc["sha256"] == hashlib.sha256(tiny_model.read_bytes()).hexdigest()
        assert doc["passed"] is True
        assert doc["model"] == doc["repo"] == "org/Tiny-GGUF" and doc["file"] == "tiny.F32.gguf"

        missing = run_cli("--repo", "org/Tiny-GGUF", "--quant", "Q2_K", full_env=env)
        assert missing.code == 2
        assert "Q2_K" in assert_one_line(missing)
