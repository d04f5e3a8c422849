"""The parsed-profiles cache, for a changed file set: parsed YAML documents by the SHA-256
of their bytes (the content decides, not a file's name or mtime) and by the parser
(:func:`advisor.yamlio.parser_key`), so a changed file or loader is parsed again. The
cache is plain JSON with tagged dates, sets and bytes: no pickle. It is read only from a
directory we own with mode 0700, from a regular file we own (:mod:`advisor.knowledge.cache`
keeps those rules); anything unexpected in it (a corrupted or hostile file) means "parse
the YAML". ``ADVISOR_NO_CACHE=1`` turns it off.

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
import hashlib  # noqa: F401 - the example above
import json
from pathlib import Path
from typing import Any

from advisor import config
from advisor.knowledge.cache import private_dir, read_private_file
from advisor.yamlio import parser_key

FORMAT = 1
MAX_ENTRIES = 600                 # ~3 MB of JSON; the shipped profiles are ~150 files
FILE_NAME = "profiles.json"
_TAG = "\x00advisor"      # the key of a tagged value; YAML keys never start with NUL here


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
        parser = f"{FORMAT}:{parser_key()}"
        if directory is None or not private_dir(directory, create=True):
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

        if not private_dir(self.path.parent, create=False):
            return
        try:
            atomic_write_bytes(self.path, text.encode("utf-8"), force=True, mode=0o600)
        except (AdvisorError, OSError):
            return
        self.dirty = False


def _read_entries(path: Path, parser: str) -> dict[str, Any]:
    """The entries of the cache file, or {} when it is absent, not ours or not sound."""
    raw = read_private_file(path)
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
