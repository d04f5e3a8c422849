"""Published quality tables (`advisor.quality/1`): loaded, validated with file and line,
every scored model profiled (issue 19 item 5).

    pytest tests/knowledge/test_quality_tables.py -q
"""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.knowledge import load_knowledge
from advisor.knowledge.load import check_profiles, profile_dirs

TABLE = """\
schema: advisor.quality/1
id: test-arena-2026-11
title: A test arena
publisher: Test Arena
url: https://arena.example.org/leaderboard
copy: https://web.archive.org/web/2026/https://arena.example.org/leaderboard
published: 2026-11-20
checked: 2026-12-07
kind: independent
metric: Arena score (text)
higher_is_better: true
scores:
  - {model: Qwen/Qwen3-8B, value: 1201, as_listed: qwen3-8b}
  - {model: qwen/qwen3-32b, value: 1245.5}
"""


def _write(folder: Path, text: str, name: str = "quality/arena.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _problems(folder: Path) -> list[str]:
    _, problems = check_profiles(profile_dirs([folder]))
    return [p.one_line() for p in problems]


def test_a_table_loads_with_its_source(tmp_path: Path) -> None:
    _write(tmp_path, TABLE)
    kb = load_knowledge([tmp_path])
    table = kb.quality["test-arena-2026-11"]
    assert (table.kind, table.higher_is_better, table.published) == \
        ("independent", True, "2026-11-20")
    assert [(s.model, s.value, s.as_listed) for s in table.scores] == \
        [("Qwen/Qwen3-8B", 1201.0, "qwen3-8b"), ("qwen/qwen3-32b", 1245.5, None)]
    source = table.source()
    assert source.url == "https://arena.example.org/leaderboard"
    assert source.copy.startswith("https://web.archive.org/")
    assert source.checked == "2026-12-07"


def test_an_unknown_model_is_an_error_naming_it_and_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, TABLE + "  - {model: nobody/NoSuchModel-7B, value: 900}\n")
    lines = _problems(tmp_path)
    assert lines == [f"{path}:15: scores[2].model: no model profile with id "
                     "'nobody/NoSuchModel-7B'"]
    with pytest.raises(InputError, match="NoSuchModel-7B"):
        load_knowledge([tmp_path])


@pytest.mark.parametrize("change, field, words", [
    (("kind: independent", "kind: leaderboard"), "kind", "is not one of"),
    (("published: 2026-11-20\n", ""), "published", "is required"),
    (("checked: 2026-12-07", "checked: last week"), "checked", "must be a date"),
    (("higher_is_better: true\n", ""), "higher_is_better", "is required"),
    (("url: https://arena", "url: ftp://arena"), "url", "http(s) URL"),
    (("value: 1201", "value: .nan"), "scores[0].value", "finite number"),
    (("value: 1201", "value: high"), "scores[0].value", "finite number"),
    (("qwen/qwen3-32b", "Qwen/Qwen3-8B"), "scores[1].model", "scored twice"),
    (("metric: Arena score (text)\n", "metric: Arena score (text)\nrank: 3\n"), "rank",
     "unknown key"),
])
def test_bad_fields_are_named(tmp_path: Path, change: tuple[str, str], field: str,
                              words: str) -> None:
    old, new = change
    assert old in TABLE
    path = _write(tmp_path, TABLE.replace(old, new, 1))
    lines = _problems(tmp_path)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}:") and f": {field}: " in lines[0] and words in lines[0]


def test_every_bad_score_is_reported_at_once(tmp_path: Path) -> None:
    _write(tmp_path, TABLE.replace("value: 1201", "value: x").replace("value: 1245.5", "value: y"))
    lines = _problems(tmp_path)
    assert [line.split(": ")[1] for line in lines] == ["scores[0].value", "scores[1].value"]


def test_a_user_table_over_a_shipped_id_is_an_override(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _write(first, TABLE)
    replacing = _write(second, TABLE.replace("value: 1201", "value: 1300"))
    kb = load_knowledge([first, second])
    assert kb.quality["test-arena-2026-11"].scores[0].value == 1300.0
    assert [(o.kind, o.id, o.file) for o in kb.overrides] == \
        [("quality", "test-arena-2026-11", str(replacing))]


def test_the_same_table_twice_in_one_directory_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, TABLE)
    _write(tmp_path, TABLE, "quality/again.yaml")
    assert any("defined twice" in line for line in _problems(tmp_path))
