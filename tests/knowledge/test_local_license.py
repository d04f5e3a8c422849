"""`advisor local` shows each file's license: its profile's, else the file's own
`general.license` marked as read from the file (issue 10 §3).

    pytest tests/knowledge/test_local_license.py -q
"""

from __future__ import annotations

import json
from pathlib import Path

from advisor.machine.local import Candidate, describe
from tests.fixtures.hostile_gguf import write_shaped_gguf


def test_describe_reads_license_and_base_models(tmp_path: Path) -> None:
    path = write_shaped_gguf(tmp_path / "w.gguf", ints={"general.base_model.count": 1}, strings={
        "general.license": "apache-2.0",
        "general.base_model.0.repo_url": "https://huggingface.co/Qwen/Qwen3-8B"})
    model = describe(Candidate(path, "folder"))
    assert model.error is None, model.error
    assert (model.license, model.base_models) == ("apache-2.0", ["Qwen/Qwen3-8B"])


def test_local_command_shows_the_license(tmp_path: Path, run_advisor) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    write_shaped_gguf(folder / "widget-q8.gguf", strings={"general.license": "mit"})
    write_shaped_gguf(folder / "hostile.gguf", strings={"general.license": "\x1b[2J\x1b]0;x\x07"})
    proc = run_advisor("local", "--dir", str(folder), "--json")
    assert proc.returncode == 0, proc.stderr
    by_name = {Path(f["path"]).name: f for f in json.loads(proc.stdout)["files"]}
    assert by_name["widget-q8.gguf"]["license"] == "mit"
    assert by_name["hostile.gguf"]["license"] is None
    human = run_advisor("local", "--dir", str(folder))
    assert "license: mit (from the file)" in human.stdout
    assert "\x1b" not in human.stdout
