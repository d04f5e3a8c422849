"""The atomic writers: exclusive without --force, atomic with it, the user's umask, and
nothing left behind when a write fails midway."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from advisor.errors import InputError, OperationError
from advisor.fsio import atomic_write_text, check_output_dir, write_all
from advisor.record.write import write_files


def test_files_follow_the_umask_unless_asked_private(tmp_path):
    old = os.umask(0o027)
    try:
        shared = atomic_write_text(tmp_path / "answers.yaml", "a: 1\n")
        record = write_files({tmp_path / "r.md": "# r\n"})[0]
        private = atomic_write_text(tmp_path / "cache.json", "{}", mode=0o600)
    finally:
        os.umask(old)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    assert stat.S_IMODE(record.stat().st_mode) == 0o640
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_existing_file_is_refused_and_force_replaces(tmp_path):
    target = tmp_path / "a.md"
    target.write_text("mine\n")
    with pytest.raises(InputError, match="already exists; use --force"):
        write_files({tmp_path / "b.md": "b\n", target: "theirs\n"})
    assert target.read_text() == "mine\n" and not (tmp_path / "b.md").exists()
    write_files({target: "new\n"}, force=True)
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]     # no temporaries


def test_a_file_appearing_between_check_and_write_is_never_replaced(tmp_path, monkeypatch):
    """The race of two runs: the other one creates b.md after our check; we must not
    replace it, and we must take back a.md, which we had placed."""
    import advisor.fsio as fsio

    real_place = fsio._place

    def place_after_rival(tmp, path, force):
        if path.name == "b.md":
            path.write_text("the other run\n")
        real_place(tmp, path, force)

    monkeypatch.setattr(fsio, "_place", place_after_rival)
    with pytest.raises(InputError, match="appeared while writing"):
        write_files({tmp_path / "a.md": "a\n", tmp_path / "b.md": "b\n"})
    assert (tmp_path / "b.md").read_text() == "the other run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.md"]


def test_two_writers_at_once_one_wins(tmp_path):
    target = tmp_path / "decision.md"
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def write(n: int) -> None:
        barrier.wait()
        try:
            write_files({target: f"writer {n}\n"})
            outcomes.append(f"won {n}")
        except InputError:
            outcomes.append("refused")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if o.startswith("won")]
    assert len(winners) == 1 and outcomes.count("refused") == 7
    assert target.read_text() == f"writer {winners[0].split()[1]}\n"


def test_a_value_failing_midway_leaves_nothing(tmp_path, monkeypatch):
    import advisor.fsio as fsio

    real_stage, calls = fsio._stage, []

    def stage_then_fail(path, data, mode):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_stage(path, data, mode)

    monkeypatch.setattr(fsio, "_stage", stage_then_fail)
    with pytest.raises(OperationError, match="No space left on device"):
        write_all({tmp_path / "a.json": b"{}", tmp_path / "a.md": b"# a\n"})
    assert list(tmp_path.iterdir()) == []


def test_a_placement_failing_midway_removes_the_temporaries(tmp_path, monkeypatch):
    import advisor.fsio as fsio

    def refuse(tmp, path, force):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(fsio, "_place", refuse)
    with pytest.raises(OperationError, match="Read-only file system"):
        write_files({tmp_path / "a.md": "a\n", tmp_path / "a.json": "{}"})
    assert list(tmp_path.iterdir()) == []


def test_dangling_out_link_is_a_clear_error(tmp_path, run_advisor, assert_one_line_error):
    link = tmp_path / "records"
    link.symlink_to(tmp_path / "gone")
    with pytest.raises(InputError, match="symbolic link to .*gone.*which does not exist"):
        check_output_dir(link)
    answers = tmp_path / "answers.yaml"
    answers.write_text("organization: {domicile: DE}\n")
    proc = run_advisor("record", "--answers", str(answers), "--model", "Qwen/Qwen3-8B",
                       "--out", str(link))
    assert_one_line_error(proc, "--out", "symbolic link", "does not exist", status=2)
    assert not Path(tmp_path / "gone").exists()


def test_an_unexpected_error_midway_takes_back_what_was_placed(tmp_path, monkeypatch):
    import advisor.fsio as fsio

    real_place = fsio._place

    def place_then_break(tmp, path, force):
        if path.name == "a.json":
            raise KeyboardInterrupt                 # Ctrl-C between the two files
        real_place(tmp, path, force)

    monkeypatch.setattr(fsio, "_place", place_then_break)
    with pytest.raises(KeyboardInterrupt):
        write_files({tmp_path / "a.md": "a\n", tmp_path / "a.json": "{}"})
    assert list(tmp_path.iterdir()) == []
