"""The Hub half of the app against the stand-in Hub: metadata, GGUF builds with fit,
a pull with progress and checksum, then the smoke test on the pulled file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.fixtures.hub_server import HubRepo, serve_hub
from tests.fixtures.tiny_gguf import write_tiny_gguf

ROOT = Path(__file__).resolve().parents[2]


def test_detail_pull_and_smoke_through_the_hub(tmp_path: Path) -> None:
    tiny = write_tiny_gguf(tmp_path / "Open-7B-Instruct-F32.gguf")
    repos = {
        "acme/Open-7B-Instruct": HubRepo(files={"config.json": b"{}"},
                                         card_data={"license": "test-open"}),
        "acme/Open-7B-Instruct-GGUF": HubRepo(
            files={tiny.name: tiny},
            card_data={"license": "test-open", "base_model": "acme/Open-7B-Instruct"},
            tags=["gguf", "base_model:quantized:acme/Open-7B-Instruct"]),
    }
    with serve_hub(repos) as hub:
        env = hub.env(tmp_path)
        done = subprocess.run([sys.executable, "-m", "tests.tui.hub_walk", str(tmp_path)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, done.stderr[-3000:]
        seen = json.loads(done.stdout.strip().splitlines()[-1])
        served = hub.bytes_served[("acme/Open-7B-Instruct-GGUF", tiny.name)]
    assert seen["hub_loaded"], seen
    assert "license" in seen["hub_text"].lower() and "test-open" in seen["hub_text"]
    assert seen["hub_facts"] == ["acme/Open-7B-Instruct"]
    [row] = seen["gguf_rows"]
    assert row[0] == tiny.name and row[4] in ("CPU", "GPU")
    assert seen["smoke_screen"] == "SmokeScreen" and seen["source"] == "pull"
    assert seen["finished"] and seen["running"]
    size = tiny.stat().st_size
    assert seen["pull_progress"] == [size, size]
    assert "verified and cached" in seen["pull_numbers"]
    assert served >= size                                   # the whole file came over HTTP
    assert seen["passed"] is False and seen["prompts"] > 0  # random weights fail the checks
    assert "Smoke test failed" in seen["status"]
    cached = list((tmp_path / "hf_home").rglob(tiny.name))
    assert cached, "the pulled file is in the HF cache"
