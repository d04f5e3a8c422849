"""Checks on what the Hub answers and what the user names, before any of it is used as a
path, a cache name or a request: repo ids, revisions, file names, ETags and commits.

    >>> check_revision("refs/pr/1"), is_commit("0" * 40)
    ('refs/pr/1', True)
    >>> safe_repo_filename("../x.gguf")
    False
"""

from __future__ import annotations

import re
from typing import Any

from advisor.errors import HubReplyMalformed, InputError
from advisor.text import clean, clip

_HEX40 = re.compile(r"[0-9a-f]{40}")
_ETAG = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")       # a git blob id or an LFS sha256
_REF_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._+-]*")


def quoted(text: Any, limit: int = 80) -> str:
    """A value from outside, safe and short inside a one-line message."""
    return clip(clean(repr(text)), limit)


def check_etag(etag: Any, what: str) -> str:
    """The Hub's ETag when it is a hex digest (it names the cache blob); else HubReplyMalformed.

    >>> check_etag("6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83", "org/m")
    '6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83'
    """
    if not isinstance(etag, str) or not _ETAG.fullmatch(etag):
        raise HubReplyMalformed(f"{what}: the Hub answered an ETag that is not a hex digest "
                             f"({quoted(etag)}); refusing to use it as a cache name")
    return etag


def check_commit(commit: Any, what: str) -> str:
    """A commit id from the Hub (40 lower-case hex digits); else HubReplyMalformed."""
    if not isinstance(commit, str) or not _HEX40.fullmatch(commit):
        raise HubReplyMalformed(f"{what}: the Hub answered a commit id that is not 40 hex digits "
                             f"({quoted(commit)}); refusing to use it as a cache name")
    return commit


def is_commit(revision: str) -> bool:
    """Whether ``revision`` is a full commit id (40 lower-case hex digits)."""
    return bool(_HEX40.fullmatch(revision))


def check_revision(revision: str, field: str | None = "--revision") -> str:
    """A branch, tag or commit by git's grammar, safe as a cache path; else InputError.

    >>> check_revision("refs/pr/1")
    'refs/pr/1'
    """
    parts = revision.split("/") if isinstance(revision, str) else [""]
    if (not 0 < len(revision) <= 255 or any(not _REF_PART.fullmatch(p) for p in parts)
            or ".." in revision or revision.endswith((".lock", ".")) or "@{" in revision):
        raise InputError(None, f"{quoted(revision)} is not a branch, tag or commit name",
                         field=field)
    return revision


def check_repo_filename(name: Any, what: str, *, as_path: bool = True) -> str:
    """A file name from the Hub that stays inside a snapshot folder; else HubReplyMalformed.
    ``as_path=False`` (a name only listed, shown sanitized) allows control characters.

    >>> check_repo_filename("sub/model-Q4_K_M.gguf", "org/m")
    'sub/model-Q4_K_M.gguf'
    """
    if not safe_repo_filename(name, as_path=as_path):
        raise HubReplyMalformed(f"{what}: the Hub lists a file name that is not a safe relative "
                             f"path ({quoted(name)})")
    return name


def safe_repo_filename(name: Any, *, as_path: bool = True) -> bool:
    """True for a relative path without ``..``, empty parts or backslashes (and, ``as_path``,
    without control characters)."""
    if not isinstance(name, str) or not 0 < len(name) <= 1024 or name.startswith("/"):
        return False
    if "\\" in name or "\0" in name:
        return False
    if as_path and any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in name):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def malformed(repo_id: str, problem: str) -> HubReplyMalformed:
    """The error for a Hub reply we cannot use: ``raise malformed(repo, "sha is ...")``."""
    return HubReplyMalformed(f"{repo_id}: the Hub's reply is malformed: {problem}")


def check_repo_id(repo_id: str, field: str | None = None) -> str:
    """``repo_id`` when the Hub could have such a repo (the one id validator,
    :func:`advisor.knowledge.ids.repo_id_problem`); else InputError (exit 2).

    >>> check_repo_id("bartowski/Llama-3.2-1B-Instruct-GGUF", field="REPO_ID")
    'bartowski/Llama-3.2-1B-Instruct-GGUF'
    """
    from advisor.knowledge.ids import repo_id_reason

    reason = repo_id_reason(repo_id, owner=False)
    if reason:
        raise InputError(None, f"{ascii(repo_id)} is not a valid Hugging Face repo id: it "
                         f"{reason}", field=field)
    return repo_id
