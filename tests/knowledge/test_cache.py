"""The parsed-profiles cache: same knowledge base warm or cold, and a corrupted or
hostile cache file never changes a fact.

    pytest tests/knowledge/test_cache.py -q
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pytest

from advisor import frozen
from advisor.knowledge.yamlcache import FILE_NAME, ParsedCache, decode, encode
from advisor.knowledge.load import profile_dirs
from advisor.knowledge.load.walk import build_knowledge
from advisor.config import PROFILES_DIR

MIT = PROFILES_DIR / "licenses" / "mit.yaml"


def _load(cache_root: Path):
    kb, problems = build_knowledge(profile_dirs(), cache=ParsedCache.open(cache_root))
    assert problems == []
    return kb


def _summary(kb) -> tuple:
    return (kb.digest, {k: v for k, v in kb.licenses.items()},
            {k: v for k, v in kb.models.items()}, dict(kb.jurisdictions))


def test_warm_load_equals_cold_load_and_parse_without_cache(tmp_path: Path) -> None:
    cold = _load(tmp_path / "c")
    assert (tmp_path / "c" / FILE_NAME).is_file()
    assert oct((tmp_path / "c").stat().st_mode & 0o777) == "0o700"
    assert oct((tmp_path / "c" / FILE_NAME).stat().st_mode & 0o777) == "0o600"
    warm = _load(tmp_path / "c")
    plain, _ = build_knowledge(profile_dirs())
    assert _summary(cold) == _summary(warm) == _summary(plain)


def _plant(root: Path) -> Path:
    _load(root)
    path = root / FILE_NAME
    doc = json.loads(path.read_text(encoding="utf-8"))
    sha = hashlib.sha256(MIT.read_bytes()).hexdigest()
    doc["entries"][sha]["title"] = "Planted"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_the_cache_is_read(tmp_path: Path) -> None:
    """A planted entry in our own private cache is used (so the checks below can fail)."""
    _plant(tmp_path / "c")
    assert _load(tmp_path / "c").licenses["mit"].title == "Planted"


def test_world_writable_cache_file_is_ignored(tmp_path: Path) -> None:
    path = _plant(tmp_path / "c")
    os.chmod(path, 0o666)
    assert _load(tmp_path / "c").licenses["mit"].title != "Planted"


def test_cache_in_a_shared_directory_is_ignored(tmp_path: Path) -> None:
    root = tmp_path / "c"
    path = _plant(root)
    os.chmod(root, 0o777)
    assert _load(root).licenses["mit"].title != "Planted"
    assert path.exists()                       # and nothing is written there either


def test_symlinked_cache_file_is_ignored(tmp_path: Path) -> None:
    root = tmp_path / "c"
    path = _plant(root)
    elsewhere = tmp_path / "elsewhere.json"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    assert _load(root).licenses["mit"].title != "Planted"


@pytest.mark.parametrize("garbage", [b"", b"\x00\xff\xfe", b"[1, 2]", b'{"format": 1}',
                                     b'{"format": 1, "parser": "x", "entries": {}}',
                                     b"{" * 100000, b'{"format": 1, "entries": {"a": 1}}'])
def test_corrupted_cache_falls_back_to_parsing(tmp_path: Path, garbage: bytes) -> None:
    root = tmp_path / "c"
    root.mkdir(mode=0o700)
    (root / FILE_NAME).write_bytes(garbage)
    os.chmod(root / FILE_NAME, 0o600)
    kb = _load(root)
    assert kb.licenses["mit"].title == "MIT License"
    assert decode((root / FILE_NAME).read_text(encoding="utf-8"))["format"] == 1   # rewritten


def test_malformed_tag_falls_back(tmp_path: Path) -> None:
    root = tmp_path / "c"
    path = _plant(root)
    doc = json.loads(path.read_text(encoding="utf-8"))
    sha = hashlib.sha256(MIT.read_bytes()).hexdigest()
    doc["entries"][sha]["checked"] = {"\x00advisor": ["date", "not-a-date"]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert _load(root).licenses["mit"].title == "MIT License"


def test_encoding_round_trips_yaml_types() -> None:
    value = {"d": dt.date(2026, 1, 2), "t": dt.datetime(2026, 1, 2, 3, 4, 5),
             1: "int key", None: [b"\x00bin", {1, 2}], "nested": [{"\x00x": 1}],
             "nan": float("inf")}
    assert decode(json.dumps(encode(value))) == value


def test_changed_file_is_parsed_again(tmp_path: Path) -> None:
    user = tmp_path / "mine"
    user.mkdir()
    (user / "mit.yaml").write_text(MIT.read_text(encoding="utf-8"), encoding="utf-8")
    root = tmp_path / "c"
    first, _ = build_knowledge(profile_dirs([user]), cache=ParsedCache.open(root))
    text = MIT.read_text(encoding="utf-8").replace("title: MIT License", "title: My MIT")
    (user / "mit.yaml").write_text(text, encoding="utf-8")
    second, _ = build_knowledge(profile_dirs([user]), cache=ParsedCache.open(root))
    assert (first.licenses["mit"].title, second.licenses["mit"].title) == ("MIT License", "My MIT")


def test_turned_off_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")
    assert ParsedCache.open().path is None
    monkeypatch.delenv("ADVISOR_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ParsedCache.open().path == tmp_path / "xdg" / "advisor" / FILE_NAME


def test_assess_process_writes_the_cache_under_xdg(tmp_path: Path, run_advisor) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("organization: {domicile: DE}\n", encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    cold = run_advisor("assess", "--answers", str(answers), "--json", env=env)
    assert (tmp_path / "xdg" / "advisor" / FILE_NAME).is_file()
    warm = run_advisor("assess", "--answers", str(answers), "--json", env=env)
    assert cold.returncode == warm.returncode == 0
    assert json.loads(cold.stdout) == json.loads(warm.stdout)


def test_cache_stays_bounded_and_keeps_what_was_used(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import advisor.knowledge.yamlcache as cache_module

    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 10)
    cache = ParsedCache.open(tmp_path / "c")
    for index in range(30):
        cache.put(f"{index:064x}", {"n": index})
    cache.used = {f"{3:064x}"}
    cache.save()
    again = ParsedCache.open(tmp_path / "c")
    assert len(again.entries) == 10
    assert f"{3:064x}" in again.entries and f"{29:064x}" in again.entries
    assert f"{0:064x}" not in again.entries


# ---------------------------------------------------------------- the whole knowledge base

def _kb_cache_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("ADVISOR_NO_CACHE", raising=False)
    return tmp_path / "xdg" / "advisor" / "knowledge.pickle"


def _poison(path: Path) -> None:
    """Rewrite the stored knowledge base with a planted license title, same key."""
    import pickle

    raw = path.read_bytes()
    kb = pickle.loads(raw[65:])
    kb.licenses["mit"] = frozen.replace(kb.licenses["mit"], title="Planted")
    path.write_bytes(raw[:65] + pickle.dumps(kb))
    os.chmod(path, 0o600)


def test_knowledge_cache_is_written_and_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor.knowledge import load_knowledge

    path = _kb_cache_env(tmp_path, monkeypatch)
    first = load_knowledge()
    assert path.is_file() and oct(path.stat().st_mode & 0o777) == "0o600"
    _poison(path)
    assert load_knowledge().licenses["mit"].title == "Planted"     # it is read...
    assert load_knowledge().digest == first.digest


@pytest.mark.parametrize("spoil", ["world-writable", "shared-dir", "symlink", "garbage",
                                   "truncated", "other-key"])
def test_knowledge_cache_never_trusts_a_doubtful_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      spoil: str) -> None:
    from advisor.knowledge import load_knowledge

    path = _kb_cache_env(tmp_path, monkeypatch)
    load_knowledge()
    _poison(path)
    if spoil == "world-writable":
        os.chmod(path, 0o666)
    elif spoil == "shared-dir":
        os.chmod(path.parent, 0o777)
    elif spoil == "symlink":
        target = tmp_path / "elsewhere.pickle"
        path.rename(target)
        path.symlink_to(target)
    elif spoil == "garbage":
        path.write_bytes(path.read_bytes()[:65] + b"\x80\x05garbage")
    elif spoil == "truncated":
        path.write_bytes(path.read_bytes()[:1000])
    elif spoil == "other-key":
        path.write_bytes(b"0" * 64 + path.read_bytes()[64:])
    assert load_knowledge().licenses["mit"].title == "MIT License"


def test_knowledge_cache_follows_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor.knowledge import load_knowledge

    _kb_cache_env(tmp_path, monkeypatch)
    user = tmp_path / "mine"
    user.mkdir()
    (user / "mit.yaml").write_text(MIT.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_knowledge([user]).licenses["mit"].title == "MIT License"
    text = MIT.read_text(encoding="utf-8").replace("title: MIT License", "title: Edited MIT")
    (user / "mit.yaml").write_text(text, encoding="utf-8")
    kb = load_knowledge([user])
    assert kb.licenses["mit"].title == "Edited MIT"
    assert [o.id for o in kb.overrides] == ["mit"]          # overrides survive the cache
    assert load_knowledge().licenses["mit"].title == "MIT License"


# ---------------------------------------------------------------- issue 23, item 3

def _pull_during_the_run(monkeypatch: pytest.MonkeyPatch, path: Path, new_text: str) -> list:
    """A ``git pull`` between the read that keys the cache and the read that is parsed:
    the second time ``path`` is read, it is rewritten on disk first (the real file
    changes, as under a running app; the reading itself is the loader's own: the key's
    read through ``advisor.yamlio`` (the cached path imports it only to hash), the
    parse's in ``advisor.knowledge.load.walk``)."""
    import advisor.knowledge.load.walk as walk
    import advisor.yamlio as keying

    real = keying.read_limited
    reads: list[Path] = []

    def read_limited(target, limit):
        if Path(target) == path:
            reads.append(Path(target))
            if len(reads) == 2:
                path.write_text(new_text, encoding="utf-8")
        return real(target, limit)

    monkeypatch.setattr(keying, "read_limited", read_limited)
    monkeypatch.setattr(walk, "read_limited", read_limited)
    return reads


def test_a_file_changed_during_a_run_is_never_cached_under_its_old_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor.knowledge import load_knowledge

    _kb_cache_env(tmp_path, monkeypatch)
    user = tmp_path / "mine"
    user.mkdir()
    before = MIT.read_text(encoding="utf-8").replace("title: MIT License", "title: Before")
    after = before.replace("title: Before", "title: After")
    (user / "mit.yaml").write_text(before, encoding="utf-8")
    reads = _pull_during_the_run(monkeypatch, user / "mit.yaml", after)
    assert load_knowledge([user]).licenses["mit"].title == "After"     # what it parsed
    assert len(reads) == 2
    monkeypatch.undo()
    _kb_cache_env(tmp_path, monkeypatch)
    (user / "mit.yaml").write_text(before, encoding="utf-8")   # the pull is undone
    assert load_knowledge([user]).licenses["mit"].title == "Before"
    (user / "mit.yaml").write_text(after, encoding="utf-8")
    assert load_knowledge([user]).licenses["mit"].title == "After"


def test_an_entry_never_outlives_a_mismatch(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor.knowledge.cache import KnowledgeCache
    from advisor.knowledge import load_knowledge

    path = _kb_cache_env(tmp_path, monkeypatch)
    load_knowledge()
    assert path.is_file()
    assert KnowledgeCache.open().get("0" * 64) is None
    assert not path.exists()                   # the stale entry is gone, not kept for later


def test_a_cache_folder_open_to_others_is_said_once(tmp_path: Path, run_advisor) -> None:
    """A cache folder open to other users turns the cache off: the process says why,
    once, and answers."""
    folder = tmp_path / "xdg" / "advisor"
    folder.mkdir(parents=True)
    os.chmod(folder, 0o777)
    answers = tmp_path / "a.yaml"
    answers.write_text("organization: {domicile: DE}\n", encoding="utf-8")
    proc = run_advisor("assess", "--answers", str(answers), "--json",
                       env={"XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert proc.returncode == 0, proc.stderr
    notes = [ln for ln in proc.stderr.splitlines() if "profiles cache is off" in ln]
    assert len(notes) == 1 and str(folder) in notes[0] and "open to other users" in notes[0]
    assert not (folder / "knowledge.pickle").exists()


def test_a_cache_folder_of_another_user_is_said_once(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache folder owned by another user turns the cache off, said once. The process
    is made to run as another user (its uid one more than the folder's owner), so the
    case needs no root to give the folder away."""
    from advisor.knowledge import load_knowledge
    from advisor.knowledge.cache import cache_notes

    path = _kb_cache_env(tmp_path, monkeypatch)
    folder = path.parent
    folder.mkdir(parents=True, mode=0o700)
    owner = folder.stat().st_uid
    monkeypatch.setattr(os, "getuid", lambda: owner + 1)
    load_knowledge()
    load_knowledge()
    mine = [n for n in cache_notes() if str(folder) in n]
    assert len(mine) == 1 and f"owned by user {owner}, not you" in mine[0]
    assert not [n for n in cache_notes() if str(folder) in n]      # said once, then never
    assert not path.exists()


# ------------------------------------------------------- the stat signature (issue 24)

def _count_key_reads(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every profile file the cache key reads (hashing, through ``advisor.yamlio``), as
    it happens."""
    import advisor.yamlio as keying

    real, reads = keying.read_limited, []

    def read_limited(target, limit):
        reads.append(Path(target))
        return real(target, limit)

    monkeypatch.setattr(keying, "read_limited", read_limited)
    return reads


def test_unchanged_files_are_not_hashed_again(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the files' stat is recorded with their key, a run whose files show the same
    stat reads none of them: the stored knowledge base answers."""
    from advisor.knowledge import load_knowledge
    from advisor.knowledge.cache import STAT_FILE_NAME

    path = _kb_cache_env(tmp_path, monkeypatch)
    first = load_knowledge()
    assert (path.parent / STAT_FILE_NAME).is_file()   # the shipped files are settled
    reads = _count_key_reads(monkeypatch)
    assert load_knowledge().digest == first.digest
    assert reads == []
    _poison(path)                                     # and it is the stored one
    assert load_knowledge().licenses["mit"].title == "Planted"


@pytest.mark.parametrize("edit", ["new size, old mtime", "same size, new mtime",
                                  "same size, old mtime"])
def test_an_edit_the_stat_shows_is_never_served_stale(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      edit: str) -> None:
    import advisor.knowledge.load as keying
    from advisor.knowledge import load_knowledge

    _kb_cache_env(tmp_path, monkeypatch)
    monkeypatch.setattr(keying, "SETTLE_NS", 0)       # what was just written counts as settled
    user = tmp_path / "mine"
    user.mkdir()
    mine = user / "mit.yaml"
    before = MIT.read_text(encoding="utf-8").replace("title: MIT License", "title: Before")
    mine.write_text(before, encoding="utf-8")
    assert load_knowledge([user]).licenses["mit"].title == "Before"
    reads = _count_key_reads(monkeypatch)
    assert load_knowledge([user]).licenses["mit"].title == "Before"
    assert reads == []                                # the recorded stat is used...
    old = mine.stat()
    if edit == "new size, old mtime":
        mine.write_text(before.replace("title: Before", "title: Afterwards"), encoding="utf-8")
        os.utime(mine, ns=(old.st_atime_ns, old.st_mtime_ns))
        want = "Afterwards"
    elif edit == "same size, new mtime":
        mine.write_text(before.replace("title: Before", "title: Behind"), encoding="utf-8")
        os.utime(mine, ns=(old.st_atime_ns, old.st_mtime_ns + 10**9))
        want = "Behind"
    else:                                             # only the ctime tells
        mine.write_text(before.replace("title: Before", "title: Beyond"), encoding="utf-8")
        os.utime(mine, ns=(old.st_atime_ns, old.st_mtime_ns))
        assert (mine.stat().st_size, mine.stat().st_mtime_ns) == (old.st_size, old.st_mtime_ns)
        want = "Beyond"
    assert load_knowledge([user]).licenses["mit"].title == want     # ...and never stale
    assert reads                                      # the files were hashed again


def test_files_changed_just_now_are_not_recorded(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written within the last seconds may change again within the same tick of
    its timestamps: its stat is not recorded, so the next run hashes the files."""
    from advisor.knowledge import load_knowledge

    _kb_cache_env(tmp_path, monkeypatch)
    user = tmp_path / "mine"
    user.mkdir()
    (user / "mit.yaml").write_text(MIT.read_text(encoding="utf-8"), encoding="utf-8")
    load_knowledge([user])
    reads = _count_key_reads(monkeypatch)
    load_knowledge([user])
    assert user / "mit.yaml" in reads
