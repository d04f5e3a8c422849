"""Hostile GGUF files and folders for ``local``, ``ggufs`` and ``pull``: one line or an
``error`` per file, never a traceback, never "recommended"."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.fixtures.hostile_gguf import nested_array_bomb, write_shaped_gguf
from tests.fixtures.hub_server import HubRepo, serve_hub
from tests.hub.conftest import run_cli


def _bad_files(folder: Path) -> dict[str, str]:
    """name -> the words its error must hold."""
    folder.mkdir(parents=True, exist_ok=True)
    write_shaped_gguf(folder / "inf-Q8_0.gguf", floats={"llama.rope.freq_base": float("inf")})
    write_shaped_gguf(folder / "negative-Q8_0.gguf", ints={"llama.block_count": -3})
    write_shaped_gguf(folder / "empty-Q8_0.gguf", tensors=False)
    nested_array_bomb(folder / "bomb-Q8_0.gguf", 400_000)
    return {"inf-Q8_0.gguf": "finite", "negative-Q8_0.gguf": "block_count",
            "empty-Q8_0.gguf": "no tensors", "bomb-Q8_0.gguf": "nested arrays"}


def test_local_walks_a_deep_tree_and_a_symlink_loop(tmp_path, tiny_path):
    root = tmp_path / "models"
    deep = root
    root.mkdir()
    for _ in range(1200):                           # deeper than Python's recursion limit
        deep = deep / "d"
        deep.mkdir()                                 # one level at a time: mkdir(parents) recurses
    (deep / "deep-F32.gguf").write_bytes(tiny_path.read_bytes())
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "sub").mkdir()
    (root / "sub" / "back").symlink_to(root / "sub", target_is_directory=True)
    (root / "sub" / "side-F32.gguf").write_bytes(tiny_path.read_bytes())
    try:
        proc = run_cli(["local", "--json", "--dir", str(root)], {"HOME": str(tmp_path / "home"),
                                                                 "HF_HOME": str(tmp_path / "hf")})
    finally:                 # pytest's own clean-up (shutil.rmtree) recurses: undo it here
        (deep / "deep-F32.gguf").unlink()
        while deep != root:
            deep.rmdir()
            deep = deep.parent
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = [f for f in json.loads(proc.stdout)["files"] if f["source"] == "folder"]
    names = sorted(Path(f["path"]).name for f in files)
    assert names == ["deep-F32.gguf", "side-F32.gguf"]       # each once, loops not followed
    assert all(f["error"] is None and f["architecture"] == "llama" for f in files)


def test_local_reports_files_that_describe_no_model(tmp_path):
    folder = tmp_path / "bad"
    expected = _bad_files(folder)
    proc = run_cli(["local", "--json", "--dir", str(folder)], {"HOME": str(tmp_path / "home"),
                                                               "HF_HOME": str(tmp_path / "hf")})
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    by_name = {Path(f["path"]).name: f for f in json.loads(proc.stdout)["files"]
               if f["source"] == "folder"}
    assert sorted(by_name) == sorted(expected)
    for name, needle in expected.items():
        assert by_name[name]["error"] and needle in by_name[name]["error"], by_name[name]
        assert by_name[name]["parameters"] is None
    human = run_cli(["local", "--dir", str(folder)], {"HOME": str(tmp_path / "home"),
                                                      "HF_HOME": str(tmp_path / "hf")})
    assert human.returncode == 0 and "no tensors" in human.stdout


def test_ggufs_and_pull_never_recommend_a_file_that_is_no_model(tmp_path, tiny_path):
    folder = tmp_path / "bad"
    expected = _bad_files(folder)
    files = {name: folder / name for name in expected} | {"good-F32.gguf": tiny_path}
    with serve_hub({"org/mixed-GGUF": HubRepo(files=files)}) as hub:
        env = hub.env(tmp_path)
        proc = run_cli(["ggufs", "org/mixed-GGUF", "--json"], env)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
        doc = json.loads(proc.stdout)
        by_name = {f["filename"]: f for f in doc["files"]}
        for name, needle in expected.items():
            assert needle in (by_name[name].get("error") or ""), by_name[name]
        assert by_name["good-F32.gguf"].get("error") is None
        assert doc["recommended"]["filename"] == "good-F32.gguf"
        human = run_cli(["ggufs", "org/mixed-GGUF"], env)
        assert human.returncode == 0 and "Traceback" not in human.stderr, human.stderr
        answers = tmp_path / "a.yaml"
        answers.write_text("organization: {domicile: DE}\nhardware: {ram_gb: 8, vram_gb: 0}\n")
        pulled = run_cli(["pull", "org/mixed-GGUF", "--answers", str(answers)], env)
        assert pulled.returncode == 0, pulled.stderr
        assert Path(pulled.stdout.strip()).name == "good-F32.gguf"
