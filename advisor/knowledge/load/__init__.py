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

import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.config import PROFILES_DIR
from advisor.errors import InputError
from advisor.knowledge.model import KnowledgeBase, section_label

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


PROFILE_SUFFIXES = (".yaml", ".yml")


def _profile_entries(directory: str, found: tuple[list, list]) -> None:
    """Add each entry below ``directory`` named ``*.yaml`` to ``found[0]`` and ``*.yml``
    to ``found[1]``, as ``Path.rglob`` finds them: every folder walked but links to
    folders, one the walk may not read skipped, an entry matched by its name whatever
    it is."""
    try:
        with os.scandir(directory) as scan:
            entries = list(scan)
    except PermissionError:
        return
    for entry in entries:
        for suffix, into in zip(PROFILE_SUFFIXES, found):
            if entry.name.endswith(suffix):
                into.append(entry)
        if entry.is_dir(follow_symlinks=False):
            _profile_entries(entry.path, found)


def _walk(directory: Path) -> tuple[list, list]:
    found: tuple[list, list] = ([], [])
    if os.path.isdir(directory):
        _profile_entries(os.fspath(directory), found)
    return found


def profile_files(directory: Path) -> list[Path]:
    """The profile files below ``directory``, in the order they are loaded: the
    ``*.yaml`` then the ``*.yml`` ones, each sorted by path."""
    return [path for entries in _walk(directory) for path in sorted(Path(e.path) for e in entries)]


def files_key(roots: Sequence[Path], files: Iterable[tuple[int, Path, str]]) -> str:
    """The knowledge cache's key: a digest of the roots and of each profile file's path
    and SHA-256, ``files`` being ``(root index, path, sha256)`` in load order. The one rule
    for both sides: :func:`profiles_key` hashes the bytes on disk now, a build hashes the
    very bytes it parsed, so a build is stored under the key of what it read."""
    import hashlib

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
    import hashlib

    from advisor import yamlio

    files = []
    for index, root in enumerate(roots):
        for path in profile_files(root):
            try:
                raw = yamlio.read_limited(path, yamlio.MAX_FILE_BYTES)
            except (OSError, ValueError):
                return None
            files.append((index, path, hashlib.sha256(raw).hexdigest()))
    return files_key(roots, files)


def stat_signature(roots: Sequence[Path], code: Iterable[str] = ()
                   ) -> tuple[tuple[tuple, ...] | None, bool]:
    """The stat listing of ``code`` (the files of the code that reads the profiles) and of
    the profile files below ``roots``: each one's path, size, times, inode and device,
    and whether every one of them is settled (older than ``SETTLE_NS``). Equal listings,
    compared whole, mean no file was added, removed, moved or written since (a write sets
    ``ctime``, which no tool can set back), so the key once recorded with the listing
    still holds; an unsettled one is never recorded. None when a file cannot be looked at
    (then the files are hashed)."""
    listing: list[tuple] = [("python", sys.version)]
    newest = 0
    try:
        for entry in [*(("code", path) for path in code), *_listed(roots)]:
            if entry[0] == "root":
                listing.append(entry)
                continue
            info = os.stat(entry[1])
            newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
            listing.append((*entry, info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                            info.st_ino, info.st_dev))
    except (OSError, ValueError):
        return None, False
    return tuple(listing), newest < time.time_ns() - SETTLE_NS


def _listed(roots: Sequence[Path]) -> list[tuple]:
    """Each root, then the profile files below it."""
    out: list[tuple] = []
    for index, root in enumerate(roots):
        out.append(("root", index, os.fspath(root)))
        for entries in _walk(root):
            out.extend(("file", path) for path in sorted(e.path for e in entries))
    return out


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
    from advisor.knowledge.cache import KnowledgeCache, code_files, parser_files

    roots = profile_dirs(extra_dirs)
    stored = KnowledgeCache.open()
    signature, settled = (stat_signature(roots, code_files() + parser_files()) if stored.usable
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
    from advisor.knowledge.yamlcache import ParsedCache

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
