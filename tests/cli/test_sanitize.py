"""One sanitiser for outside text: terminal escapes, C1 controls, bidi overrides and lone
surrogates never reach a terminal, stderr or ``--json`` raw."""

from __future__ import annotations

import json

import pytest

from advisor.errors import InputError, OperationError
from advisor.text import clean, escape_markup, json_text, one_line
from tests.fixtures.tiny_gguf import write_tiny_gguf

HOSTILE = "a\x1b]0;pwned\x07\x1b[2J\x9b2J\u202eevil\u2066\udcff\r\x00z"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\udcff", "\r", "\x00")


def test_clean_replaces_every_unsafe_character_and_keeps_the_rest():
    assert clean(HOSTILE) == ("a\ufffd]0;pwned\ufffd\ufffd[2J\ufffd2J\ufffdevil\ufffd"
                                   "\ufffd\ufffd\ufffdz")
    assert clean("Zürich – 東京 🙂\n\tnext") == "Zürich – 東京 🙂\n\tnext"
    assert clean("one\r\ntwo\tthree", newlines=False) == "one two three"
    assert clean(42) == "42"


def test_escape_markup_escapes_every_bracket_after_cleaning():
    # Every "[" is escaped (the app's rule, kept when the two escapers became one):
    # Rich's own escape leaves "[/' x]" alone, which Textual's parser reads as a closing tag.
    assert escape_markup("[bold]x[/]\x1b[2J") == "\\[bold]x\\[/]\ufffd\\[2J"
    assert escape_markup("[/' x]") == "\\[/' x]"


def test_one_line_collapses_white_space_and_clips():
    assert one_line("  a\n\n\tb\x1b  ") == "a b\ufffd"
    assert one_line("x" * 50, limit=10) == "xxxxxxx..."
    assert one_line(None) == "None"


def test_json_text_escapes_raw_controls_losslessly():
    value = {"name": HOSTILE}
    text = json_text(json.dumps(value, ensure_ascii=False))
    assert not any(ch in text for ch in RAW)
    assert json.loads(text) == value


@pytest.mark.parametrize("exc", [OperationError("llama.cpp said: " + HOSTILE + "\nmore"),
                                 InputError("t\x1b[2J.yaml", HOSTILE, line=3)])
def test_error_messages_are_one_clean_line(exc):
    text = str(exc)
    assert "\n" not in text and not any(ch in text for ch in RAW), repr(text)


def test_hostile_file_name_in_an_error_reaches_stderr_clean(run_advisor, tmp_path,
                                                            assert_one_line_error):
    name = "ans\x1b]0;pwned\x07\u202e.yaml"
    proc = run_advisor("assess", "--answers", name, cwd=tmp_path)
    line = assert_one_line_error(proc, "no such file", status=2)
    assert not any(ch in proc.stderr for ch in RAW) and "\ufffd" in line, repr(line)


def test_gguf_metadata_reaches_json_without_raw_controls(run_advisor, tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    write_tiny_gguf(folder / "odd-F32.gguf", name="tiny\x9b2J\u202e\x1b[2J")
    proc = run_advisor("local", "--json", "--dir", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert not any(ch in proc.stdout for ch in RAW), repr(proc.stdout)
    assert "\\u009b2J" in proc.stdout          # escaped, not lost
    json.loads(proc.stdout)


def test_command_in_finds_the_subcommand_past_global_options():
    from advisor.cli import command_in

    assert command_in(["--profiles", "assess", "models", "--json"]) == "models"
    assert command_in(["--answers", "a.yaml"]) is None
    assert command_in(["assess", "--answers", "x"]) == "assess"
    assert command_in(["bogus", "assess"]) is None
    assert command_in(["--", "assess"]) is None
