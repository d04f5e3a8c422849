"""Load and validate the YAML profiles into a ``KnowledgeBase``.

Every ``*.yaml`` below a directory is read and dispatched on its ``schema:`` key
(``walk``) to its reader (``schemas``, ``models``; ``rules`` and ``fields`` for the parts
they share). Problems are collected with their file and line; :func:`load_knowledge`
raises the first as an ``InputError`` and :func:`check_profiles` returns them all. A
stored knowledge base (:mod:`advisor.knowledge.cache`) answers when no file changed, so
the readers are imported only when a file must be read.

    Example (not run)::

        kb = load_knowledge()                       # the shipped profiles
        kb = load_knowledge(["my-profiles"])        # plus a user's own, which win by id
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.config import PROFILES_DIR
from advisor.errors import InputError
from advisor.knowledge.model import KnowledgeBase, section_label
from advisor.yamlio import MAX_FILE_BYTES, read_limited

if TYPE_CHECKING:
    from advisor.knowledge.load.fields import Problem

__all__ = ["Problem", "check_profiles", "files_key", "load_knowledge", "profile_dirs",
           "profiles_key", "stat_signature", "unconfirmed"]

# A file changed this recently may change again within the same tick of its timestamps,
# unseen by its stat: a signature is recorded only once every file is older than this.
SETTLE_NS = 2 * 10**9


def __getattr__(name: str) -> Any:
    if name == "Problem":               # the readers' own: imported when a file is read
        from advisor.knowledge.load.fields import Problem

        return Problem
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def profile_files(directory: Path) -> list[Path]:
    """The profile files below ``directory``, in the order they are loaded."""
    return sorted(directory.rglob("*.yaml")) + sorted(directory.rglob("*.yml"))


def files_key(roots: Sequence[Path], files: Iterable[tuple[int, Path, str]]) -> str:
    """The knowledge cache's key: a digest of the roots and of each profile file's path
    and SHA-256, ``files`` being ``(root index, path, sha256)`` in load order. The one rule
    for both sides: :func:`profiles_key` hashes the bytes on disk now, a build hashes the
    very bytes it parsed, so a build is stored under the key of what it read."""
    by_root: dict[int, list[tuple[Path, str]]] = {}
    for root, path, sha in files:
        by_root.setdefault(root, []).append((path, sha))
    digest = hashlib.sha256()
    for index, root in enumerate(roots):
        digest.update(f"root {index} {root}\0".encode("utf-8", "surrogateescape"))
        for path, sha in by_root.get(index, ()):
            digest.update(f"{path}\0".encode("utf-8", "surrogateescape"))
            digest.update(bytes.fromhex(sha))
    return digest.hexdigest()


def profiles_key(roots: Sequence[Path]) -> str | None:
    """:func:`files_key` of the profile files below ``roots`` as they are now (None when
    one cannot be read: then the knowledge base is built the slow way, which reports it)."""
    files = []
    for index, root in enumerate(roots):
        for path in profile_files(root):
            try:
                raw = read_limited(path, MAX_FILE_BYTES)
            except (OSError, ValueError):
                return None
            files.append((index, path, hashlib.sha256(raw).hexdigest()))
    return files_key(roots, files)


def stat_signature(roots: Sequence[Path], code: Iterable[Path] = (),
                   salt: str = "") -> tuple[str | None, bool]:
    """A digest of ``salt``, the roots, and the path, size, inode and times of every
    profile file below them and of each ``code`` file (the loader's own), and whether
    every one of them is settled (older than ``SETTLE_NS``). Equal digests mean no file
    was added, removed, moved or written since (a write sets ``ctime``, which no tool can
    set back), so the key once recorded for the digest still holds; an unsettled one is
    never recorded. None when a file cannot be looked at (then the files are hashed)."""
    digest = hashlib.sha256(f"{salt}\0{sys.version}\0".encode("utf-8", "surrogateescape"))
    newest = 0
    files = [(f"code {path}", path) for path in code]
    for index, root in enumerate(roots):
        files.append((f"root {index} {root}", None))
        files.extend((str(path), path) for path in profile_files(root))
    for name, path in files:
        if path is not None:
            try:
                info = os.stat(path)
            except OSError:
                return None, False
            newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
            name = (f"{name}\0{info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} "
                    f"{info.st_ino} {info.st_dev}")
        digest.update(f"{name}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest(), newest < time.time_ns() - SETTLE_NS


def unconfirmed(kb: KnowledgeBase) -> list[str]:
    """What a person has still to confirm: drafted model profiles and rules marked
    ``confirmed: false``, one line each: ``unconfirmed(kb)[0]`` ->
    ``"model org/m (my/m.yaml): drafted, not yet checked"``."""
    out = [f"model {m.id} ({m.file}): drafted, not yet checked"
           for m in kb.models.values() if not m.confirmed]
    tables = (kb.licenses, kb.use_policies, kb.jurisdictions, kb.policies)
    for record in (r for table in tables for r in table.values()):
        for rule in record.rules:
            if not rule.confirmed:
                where = section_label(rule.source.section) or "no section"
                out.append(f"rule {rule.code} of {rule.origin} ({where}, {record.file})")
    return out


def profile_dirs(extra_dirs: Iterable[Path | str] = ()) -> list[Path]:
    return [PROFILES_DIR, *(Path(d) for d in extra_dirs)]


def load_knowledge(extra_dirs: Iterable[Path | str] = ()) -> KnowledgeBase:
    """The shipped profiles plus ``extra_dirs``; the first problem raises ``InputError``."""
    for directory in extra_dirs:
        if not Path(directory).is_dir():
            raise InputError(str(directory), "profiles directory not found")
    from advisor.knowledge.cache import KnowledgeCache, ParsedCache, code_files, parser_key

    roots = profile_dirs(extra_dirs)
    stored = KnowledgeCache.open()
    signature, settled = (stat_signature(roots, code_files(), parser_key()) if stored.usable
                          else (None, False))
    kb = stored.known(signature) if signature else None
    if kb is not None:                  # no file changed since their bytes were hashed
        return kb
    key = profiles_key(roots) if stored.usable else None
    kb = stored.get(key) if key else None
    if kb is not None:
        if signature and settled:
            stored.remember(signature, key)
        return kb
    from advisor.knowledge.load.walk import build      # the readers: only now

    kb, problems, parsed_key = build(roots, cache=ParsedCache.open())
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more; run `advisor profiles check`)" if len(problems) > 1 else ""
        raise InputError(first.file, first.message + more, line=first.line,
                         field=first.field or None)
    if key:         # stored under the key of the bytes parsed, never of those read before
        stored.put(parsed_key, kb)
        if signature and settled and parsed_key == key:
            stored.remember(signature, key)
    return kb


def check_profiles(dirs: Iterable[Path | str]) -> tuple[KnowledgeBase, list[Problem]]:
    """Every problem in ``dirs`` (for ``advisor profiles check``)."""
    from advisor.knowledge.load.walk import build_knowledge

    return build_knowledge([Path(d) for d in dirs])
