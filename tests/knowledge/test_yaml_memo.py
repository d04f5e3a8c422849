"""The memo of parsed answers texts: a text read before is answered without PyYAML; the
memo is used only when it is ours, private and written by this parser; a text that fails
to parse is never remembered; a whole `advisor assess` run from a warm cache imports
neither PyYAML nor dataclasses, inspect, hashlib or shutil.

    pytest tests/knowledge/test_yaml_memo.py -q
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.knowledge.yamlmemo import (MAX_ENTRIES, MEMO_FILE_NAME, parsed_yaml,
                                        parser_listing, read_memo, write_memo)
from advisor.yamlio import load_yaml_text

ROOT = Path(__file__).resolve().parents[2]
TEXT = "organization: {domicile: DE, monthly_active_users: 2000000}\nneeds: {fine_tune: true}\n"


@pytest.fixture
def memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The memo's path under a private cache folder of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("ADVISOR_NO_CACHE", raising=False)
    return tmp_path / "xdg" / "advisor" / MEMO_FILE_NAME


def test_a_parsed_text_is_remembered_and_answered_from_the_memo(memo: Path) -> None:
    assert parsed_yaml(TEXT, "a.yaml") == load_yaml_text(TEXT, "a.yaml")
    assert memo.stat().st_mode & 0o777 == 0o600
    assert read_memo(memo, parser_listing()) == {TEXT: load_yaml_text(TEXT, "a.yaml")}
    # What the memo holds is what comes back: plant another value for the same text.
    write_memo(memo, parser_listing(), {TEXT: {"planted": True}})
    assert parsed_yaml(TEXT, "a.yaml") == {"planted": True}


def test_a_memo_of_another_parser_is_not_used(memo: Path) -> None:
    parsed_yaml(TEXT, "a.yaml")
    other = (*parser_listing()[:-1], ("yamlio.py", 1, 2, 3, 4, 5))     # yamlio.py changed
    write_memo(memo, other, {TEXT: {"planted": True}})
    assert parsed_yaml(TEXT, "a.yaml") == load_yaml_text(TEXT, "a.yaml")
    assert read_memo(memo, parser_listing()) == {TEXT: load_yaml_text(TEXT, "a.yaml")}


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file modes")
def test_a_memo_others_can_write_is_not_read(memo: Path) -> None:
    parsed_yaml(TEXT, "a.yaml")
    write_memo(memo, parser_listing(), {TEXT: {"planted": True}})
    memo.chmod(0o666)                  # a pickle anybody could have written runs their code
    assert parsed_yaml(TEXT, "a.yaml") == load_yaml_text(TEXT, "a.yaml")


def test_a_bad_text_raises_and_is_not_remembered(memo: Path) -> None:
    parsed_yaml(TEXT, "a.yaml")
    bad = "organization: {domicile: DE}\norganization: {}\n"
    with pytest.raises(InputError, match="duplicate key"):
        parsed_yaml(bad, "bad.yaml")
    assert bad not in read_memo(memo, parser_listing())


def test_the_memo_keeps_the_newest_texts(memo: Path) -> None:
    texts = [f"needs: {{fine_tune: true}}\n# {n}\n" for n in range(MAX_ENTRIES + 3)]
    for text in texts:
        parsed_yaml(text, "a.yaml")
    assert list(read_memo(memo, parser_listing())) == texts[-MAX_ENTRIES:]


def test_no_memo_when_caching_is_off(memo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")
    assert parsed_yaml(TEXT, "a.yaml") == load_yaml_text(TEXT, "a.yaml")
    assert not memo.parent.exists()


def test_a_warm_assess_run_imports_none_of_the_slow_modules(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(TEXT, encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "PYTHONPATH": str(ROOT),
           "HF_HUB_OFFLINE": "1"}
    env.pop("ADVISOR_NO_CACHE", None)
    slow = ("yaml", "dataclasses", "inspect", "hashlib", "shutil", "pickle", "textual",
            "huggingface_hub", "llama_cpp")
    code = ("import io, json, sys; from advisor.cli import main; out = io.StringIO(); "
            "sys.stdout, real = out, sys.stdout; "
            f"status = main(['assess', '--answers', {str(answers)!r}, '--json']); "
            "sys.stdout = real; "
            f"print(json.dumps([status, len(out.getvalue()), [m for m in {slow!r} "
            "if m in sys.modules]]))")
    run = [sys.executable, "-c", code]
    cold = json.loads(subprocess.run(run, env=env, capture_output=True, text=True,
                                     check=True, timeout=180).stdout)
    assert cold[0] == 0 and "yaml" in cold[2]                   # the first run parses
    warm = json.loads(subprocess.run(run, env=env, capture_output=True, text=True,
                                     check=True, timeout=180).stdout)
    assert warm == [0, cold[1], []]
