"""The warm path of the stored knowledge base: what it loads equals a fresh build, field
for field; it imports neither PyYAML nor hashlib; and a new parser or code file is never
served through the recorded stat listing.

    pytest tests/knowledge/test_cache_warm.py -q
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import advisor.knowledge.load as keying
from advisor.knowledge import load_knowledge
from advisor.knowledge.cache import STAT_FILE_NAME, parser_files
from advisor.knowledge.load import profile_dirs, profile_files
from advisor.knowledge.load.walk import build_knowledge
from advisor.knowledge.model import ModelProfile
from tests.knowledge.test_cache import _count_key_reads, _kb_cache_env

ROOT = Path(__file__).resolve().parents[2]


def test_the_stored_knowledge_base_equals_a_fresh_build(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _kb_cache_env(tmp_path, monkeypatch).parent
    load_knowledge()                                  # built, stored, its listing recorded
    assert (folder / STAT_FILE_NAME).is_file()
    reads = _count_key_reads(monkeypatch)
    stored = load_knowledge()
    assert reads == []                                # the stored one, through the listing
    fresh, problems = build_knowledge(profile_dirs())
    assert problems == []
    assert stored == fresh
    assert len(stored.models) == len(fresh.models) > 200
    # The stored records leave their default fields out (the class answers for them), so
    # the equality above is of what a reader sees, not of two identical pickles.
    model = next(m for m in stored.models.values() if m.notes is None)
    assert "notes" not in vars(model) and ModelProfile.notes is None
    for key, built in fresh.models.items():
        assert {f: type(getattr(stored.models[key], f)) for f in vars(built)} == \
               {f: type(v) for f, v in vars(built).items()}, key


def test_a_cached_run_imports_neither_yaml_nor_hashlib(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "PYTHONPATH": str(ROOT)}
    env.pop("ADVISOR_NO_CACHE", None)
    code = ("import sys; from advisor.knowledge import load_knowledge; kb = load_knowledge(); "
            "import json; print(json.dumps([len(kb.models), "
            "[m for m in ('yaml', 'hashlib', '_hashlib', 'pickle', 'advisor.knowledge.load.walk')"
            " if m in sys.modules]]))")
    run = [sys.executable, "-c", code]
    cold = json.loads(subprocess.run(run, env=env, capture_output=True, text=True,
                                     check=True, timeout=120).stdout)
    assert "yaml" in cold[1] and "hashlib" in cold[1]        # the build parses and hashes
    warm = json.loads(subprocess.run(run, env=env, capture_output=True, text=True,
                                     check=True, timeout=120).stdout)
    assert warm == [cold[0], []]


def test_pyyaml_is_known_by_its_files_without_importing_it() -> None:
    code = ("import sys, json; from advisor.knowledge.cache import parser_files; "
            "print(json.dumps([parser_files(), 'yaml' in sys.modules]))")
    files, imported = json.loads(subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, check=True, timeout=120).stdout)
    import yaml

    assert not imported
    assert os.path.realpath(yaml.__file__) in {os.path.realpath(f) for f in files}
    if getattr(yaml, "__with_libyaml__", False):           # the C extension counts too
        assert any(Path(f).name.startswith("_yaml.") for f in files)


@pytest.mark.parametrize("changed", ["parser", "code"])
def test_a_new_parser_or_code_file_is_never_served_through_the_listing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: str) -> None:
    """The listing holds the stat of PyYAML's files and of the loader's code: a new
    version of either (here a stand-in file rewritten) hashes the files again."""
    import advisor.knowledge.cache as cache

    _kb_cache_env(tmp_path, monkeypatch)
    monkeypatch.setattr(keying, "SETTLE_NS", 0)       # what was just written counts as settled
    stand_in = tmp_path / "__init__.py"
    stand_in.write_text("__version__ = '6.0.2'\n", encoding="utf-8")
    if changed == "parser":
        monkeypatch.setattr(cache, "parser_files", lambda: [str(stand_in)])
    else:
        real = cache.code_files
        monkeypatch.setattr(cache, "code_files", lambda: [*real(), str(stand_in)])
    load_knowledge()
    reads = _count_key_reads(monkeypatch)
    load_knowledge()
    assert reads == []                                # the recorded listing answers...
    stand_in.write_text("__version__ = '7.0.0'\n", encoding="utf-8")
    load_knowledge()
    assert reads                                      # ...until the file changes


def test_the_walk_finds_what_rglob_finds(tmp_path: Path) -> None:
    """One walk lists the profile files for the build and for the listing; it finds what
    ``Path.rglob`` did: both suffixes, every folder but links to folders, in order."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    for name in ("z.yaml", "a/y.yml", "a/b/x.yaml", "a-c.yaml", "a/b/.hidden.yaml",
                 "a/notes.txt", "elsewhere/far.yaml"):
        (tmp_path / name).write_text("schema: x\n", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "z.yaml")
    root = tmp_path / "a"
    want = sorted(root.rglob("*.yaml")) + sorted(root.rglob("*.yml"))
    assert profile_files(root) == want and len(want) == 3
    whole = sorted(tmp_path.rglob("*.yaml")) + sorted(tmp_path.rglob("*.yml"))
    assert profile_files(tmp_path) == whole and tmp_path / "linked" / "far.yaml" not in whole
    assert tmp_path / "link.yaml" in whole


def test_an_unreadable_listing_falls_back_to_hashing(tmp_path: Path) -> None:
    assert keying.stat_signature([tmp_path], [str(tmp_path / "gone.py")]) == (None, False)
    listing, settled = keying.stat_signature([tmp_path], [])
    assert listing is not None and settled
