"""Download one Hub file into the standard HF cache, resumable and SHA-256 verified.

huggingface_hub 2.x downloads to a throw-away temporary file (no resume across runs) and
does not check the LFS hash. This module downloads the blob itself, into the cache's
``blobs/<etag>.incomplete`` (the name earlier huggingface_hub versions used, so their
partial files resume too), continuing with a Range request from what is there, hashing
while writing and stopping at the size the Hub declared, and only then moves it to
``blobs/<etag>`` and links ``snapshots/<commit>/<filename>`` and ``refs/<revision>``: the
library's own cache layout (:mod:`advisor.hub.cache`), which ``try_to_load_from_cache``
and ``scan_cache_dir`` read.

Two pulls of one file (two terminals, the app and the CLI, a huggingface_hub download)
take turns: the partial file is written only under the lock huggingface_hub itself takes,
``<cache>/.locks/<repo folder>/<etag>.lock`` (its ``WeakFileLock``, a ``filelock`` lock),
and the one that waits says so and then finds the verified blob instead of appending.

Every name that reaches the file system is checked first: the ETag is a hex digest, the
commit 40 hex digits, the revision a git ref name, the file name a relative path inside
the snapshot (a hostile Hub cannot make a path outside the cache).

    Example (not run)::

        path = pull_file("bartowski/Llama-3.2-1B-Instruct-GGUF",
                         "Llama-3.2-1B-Instruct-Q4_K_M.gguf", expected_sha256="6f85...")
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from dataclasses import dataclass

from advisor import config
from advisor.errors import (ChecksumMismatch, DownloadIncomplete, HubCacheError,
                            HubReplyMalformed, OperationError, TooMuchData)
from advisor.hub.cache import (cached_path, check_disk_space,  # noqa: F401 (re-exported)
                               download_lock, inside_cache, link_snapshot, remove_blob,
                               write_ref)
from advisor.hub.checks import (check_commit, check_etag, check_repo_filename, check_revision,
                                is_commit)
from advisor.hub.client import same_origin
from advisor.hub.errors import download_location, hub_error, hub_errors
from advisor.hub.ratelimit import honour_rate_limit
from advisor.text import human_bytes

CHUNK = 1 << 20
Progress = Callable[..., None]   # progress(done, total, final=False)


class ProgressLine:
    """Bytes, speed and time left on one stderr line (redrawn on a TTY, sparse otherwise)."""

    def __init__(self, label: str, stream: TextIO = sys.stderr, every: float = 0.5) -> None:
        self.label, self.stream, self.every = label, stream, every
        self.tty = stream.isatty()
        self.start = time.monotonic()
        self.last = self.start
        self.first_done: int | None = None

    def __call__(self, done: int, total: int | None, final: bool = False) -> None:
        now = time.monotonic()
        if self.first_done is None:
            self.first_done = done
        if not final and now - self.last < (self.every if self.tty else 5.0):
            return
        self.last = now
        elapsed = max(now - self.start, 1e-6)
        speed = (done - self.first_done) / elapsed
        left = ""
        if total and speed > 0 and done < total:
            secs = int((total - done) / speed)
            left = f", {secs // 3600}:{secs // 60 % 60:02d}:{secs % 60:02d} left"
        size = f"{human_bytes(done)} / {human_bytes(total)}" if total else human_bytes(done)
        line = f"{self.label}: {size} at {human_bytes(speed)}/s{left}"
        if self.tty:
            self.stream.write("\r\x1b[2K" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def sha256_file(path: Path, digest: "hashlib._Hash | None" = None) -> "hashlib._Hash":
    """Feed ``path`` into ``digest`` (a new sha256 by default) and return it."""
    digest = digest or hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest


def download_resumable(url: str, target: Path, *, headers: dict[str, str], size: int,
                       progress: Progress | None = None) -> "hashlib._Hash":
    """Append the rest of ``url`` to ``target`` (continuing from its current length) and
    return the sha256 of the whole file. Never writes more than ``size`` bytes:
    :class:`TooMuchData` when the server sends more, DownloadIncomplete when it sends less."""
    from huggingface_hub.utils import get_session, hf_raise_for_status

    have = target.stat().st_size if target.exists() else 0
    if have > size:
        target.unlink()
        have = 0
    digest = sha256_file(target) if have else hashlib.sha256()
    if have == size:
        return digest
    if progress:
        progress(have, size)          # the baseline for the speed
    request_headers = dict(headers, **{"Accept-Encoding": "identity"})
    if have:
        request_headers["Range"] = f"bytes={have}-"
    with get_session().stream("GET", url, headers=request_headers, timeout=config.hub_timeout(),
                              follow_redirects=True) as response:
        hf_raise_for_status(response)
        mode = "ab"
        if have and response.status_code != 206:      # the server ignored the Range
            mode, have, digest = "wb", 0, hashlib.sha256()
        elif have and not (response.headers.get("Content-Range") or "").startswith(
                f"bytes {have}-"):
            raise HubReplyMalformed(f"the server answered the resume request with another range "
                                 f"({response.headers.get('Content-Range')!r:.60})")
        with open(target, mode) as handle:
            done = have
            for chunk in response.iter_bytes(CHUNK):
                if done + len(chunk) > size:
                    raise TooMuchData(f"the server sent more than the {size} bytes it declared")
                handle.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress:
                    progress(done, size)
            handle.flush()
            os.fsync(handle.fileno())
    got = target.stat().st_size
    if got != size:
        raise DownloadIncomplete(f"download incomplete: {got} of {size} bytes; run the command "
                             "again to resume")
    return digest


@dataclass(frozen=True)
class PulledFile:
    """A file in the HF cache, and whether its SHA-256 matched the Hub's LFS metadata."""

    path: Path
    filename: str
    sha256: str | None            # the verified digest; None when the Hub gave none
    verified: bool

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "filename": self.filename, "sha256": self.sha256,
                "verified": self.verified}


def pull_file(repo_id: str, filename: str, *, revision: str | None = None,
              expected_sha256: str | None = None, token: str | None = None,
              progress: Progress | None = None, expected_size: int | None = None) -> Path:
    """Download ``filename`` of ``repo_id`` into the HF cache and return its snapshot path.

    Verifies the SHA-256 against ``expected_sha256`` (the Hub's LFS metadata); a mismatch
    deletes the file and raises ChecksumMismatch. See :func:`pull_verified` for whether it
    could be verified.
    """
    return pull_verified(repo_id, filename, revision=revision, expected_sha256=expected_sha256,
                         token=token, progress=progress, expected_size=expected_size).path


def pull_verified(repo_id: str, filename: str, *, revision: str | None = None,
                  expected_sha256: str | None = None, token: str | None = None,
                  progress: Progress | None = None, expected_size: int | None = None,
                  on_note: Callable[[str], None] | None = None) -> PulledFile:
    """:func:`pull_file` that says whether the file was verified:
    ``pull_verified("org/m-GGUF", "m-Q4_0.gguf", expected_sha256=sha).verified``;
    ``on_note`` hears that another download of the file is running, and is waited for."""
    import httpx2
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub.file_download import repo_folder_name
    from huggingface_hub.utils import build_hf_headers

    what = f"{repo_id}/{filename}"
    revision = check_revision(revision or "main")
    check_repo_filename(filename, repo_id)
    url = hf_hub_url(repo_id, filename, revision=revision)
    with hub_errors(repo_id, filename):
        meta = honour_rate_limit(lambda: get_hf_file_metadata(
            url, token=token, timeout=config.hub_timeout()), what)
    if not meta.etag or not meta.commit_hash:
        raise HubReplyMalformed(f"{what}: the Hub gave no ETag or commit for the file")
    etag = check_etag(meta.etag, what)
    commit = check_commit(meta.commit_hash, what)
    if is_commit(revision) and commit != revision:
        raise HubReplyMalformed(f"{what}: asked for commit {revision[:12]}, the Hub answered "
                             f"{commit[:12]}")
    size = _declared_size(what, meta.size, expected_size)
    storage = config.hub_cache_dir() / repo_folder_name(repo_id=repo_id, repo_type="model")
    blob = inside_cache(storage, storage / "blobs" / etag, what)
    pointer = inside_cache(storage / "snapshots", storage / "snapshots" / commit / filename, what)
    expected = _expected_sha256(what, expected_sha256, etag)
    with download_lock(storage, etag, what, on_note):
        if blob.exists():
            if expected and sha256_file(blob).hexdigest() != expected:
                remove_blob(storage, blob)
                raise ChecksumMismatch(f"{what}: the cached file does not match the Hub's "
                                     "SHA-256; it was deleted, run the command again")
        else:
            incomplete = blob.with_name(blob.name + ".incomplete")
            have = incomplete.stat().st_size if incomplete.exists() else 0
            check_disk_space(blob.parent, size - min(have, size))
            headers = build_hf_headers(token=token)
            location = download_location(meta.location, url, what)
            if not same_origin(url, location):
                headers.pop("authorization", None)
                headers.pop("Authorization", None)
            try:
                digest = download_resumable(location, incomplete, headers=headers, size=size,
                                            progress=progress)
            except TooMuchData as exc:
                incomplete.unlink(missing_ok=True)
                raise TooMuchData(f"{what}: {exc}; the download was deleted") from None
            except Exception as exc:
                kept = incomplete.stat().st_size if incomplete.exists() else 0
                if isinstance(exc, httpx2.TransportError) and kept > have:
                    raise DownloadIncomplete(
                        f"{what}: download interrupted after {human_bytes(kept)} "
                        f"({type(exc).__name__}); run the command again to resume") from None
                if isinstance(exc, OperationError):
                    raise type(exc)(f"{what}: {exc}") from None
                error = hub_error(exc, repo_id, filename)
                if error is None:
                    raise
                if kept and isinstance(error, OperationError):
                    error = type(error)(f"{error}; run the command again to resume")
                raise error from None
            if progress:
                progress(incomplete.stat().st_size, size, True)
            actual = digest.hexdigest()
            if expected and actual != expected:
                incomplete.unlink(missing_ok=True)
                raise ChecksumMismatch(f"{what}: SHA-256 mismatch (Hub says {expected[:12]}..., "
                                     f"file is {actual[:12]}...); the download was deleted")
            os.replace(incomplete, blob)
        try:
            link_snapshot(blob, pointer)
            if revision != commit:
                write_ref(storage, revision, commit)
        except OSError as exc:
            raise HubCacheError(f"{what}: cannot write to the HF cache at {storage}: "
                                 f"{exc.strerror or exc}") from None
    return PulledFile(pointer, filename, expected, bool(expected))


def _expected_sha256(what: str, listed: str | None, etag: str) -> str | None:
    """The SHA-256 to verify against: the listing's LFS hash and the resolve answer's
    ``X-Linked-Etag`` (a 64-digit ETag is the file's SHA-256 on the Hub); they must agree.

    >>> _expected_sha256("org/m/f", None, "a" * 64) == "a" * 64
    True
    """
    listed = (listed or "").lower() or None
    linked = etag.lower() if len(etag) == 64 else None
    if listed and linked and listed != linked:
        raise HubReplyMalformed(f"{what}: the Hub's file list says SHA-256 {listed[:12]}..., "
                                f"its download answer says {linked[:12]}...; refusing to guess")
    return listed or linked


def _declared_size(what: str, head_size: int | None, listed_size: int | None) -> int:
    """The one size the Hub declares for a file (its HEAD answer and its file list agree)."""
    sizes = {s for s in (head_size, listed_size) if s is not None}
    if not sizes:
        raise HubReplyMalformed(f"{what}: the Hub declared no size for the file")
    if len(sizes) > 1:
        raise HubReplyMalformed(f"{what}: the Hub declares two sizes for the file "
                             f"({head_size} and {listed_size} bytes)")
    (size,) = sizes
    if size < 0:
        raise HubReplyMalformed(f"{what}: the Hub declared a negative size")
    return size


def pull_gguf(repo_id: str, *, quant: str | None = None, filename: str | None = None,
              revision: str | None = None, ctx: int = 4096, hardware: Any = None,
              fallback_repos: tuple[str, ...] = (), token: str | None = None,
              progress_for: Callable[[str], Progress | None] | None = None,
              on_note: Callable[[str], None] | None = None) -> list[Path]:
    """Find, download and verify a GGUF (every part of a split one); returns local paths,
    first part first. A part the Hub gives no SHA-256 for is reported through ``on_note``.

    Example (not run)::

        pull_gguf("bartowski/Llama-3.2-1B-Instruct-GGUF", quant="Q4_K_M")
        # -> [PosixPath('.../snapshots/<sha>/Llama-3.2-1B-Instruct-Q4_K_M.gguf')]
    """
    return [f.path for f in pull_gguf_files(
        repo_id, quant=quant, filename=filename, revision=revision, ctx=ctx, hardware=hardware,
        fallback_repos=fallback_repos, token=token, progress_for=progress_for, on_note=on_note)]


def pull_gguf_files(repo_id: str, *, quant: str | None = None, filename: str | None = None,
                    revision: str | None = None, ctx: int = 4096, hardware: Any = None,
                    fallback_repos: tuple[str, ...] = (), token: str | None = None,
                    progress_for: Callable[[str], Progress | None] | None = None,
                    on_note: Callable[[str], None] | None = None) -> list[PulledFile]:
    """:func:`pull_gguf` with each file's verification: ``[f.verified for f in files]``."""
    from advisor.hub.catalog import find_gguf

    if revision is not None:
        check_revision(revision)
    choice = find_gguf(repo_id, filename=filename, quant=quant, revision=revision, ctx=ctx,
                       hardware=hardware, fallback_repos=fallback_repos)
    if choice.note and on_note:
        on_note(choice.note)
    out = []
    for part in choice.parts:
        pulled = pull_verified(choice.repo_id, part.filename, revision=revision,
                               expected_sha256=part.sha256, expected_size=part.size, token=token,
                               progress=progress_for(part.filename) if progress_for else None,
                               on_note=on_note)
        if not pulled.verified and on_note:
            on_note(f"{choice.repo_id}/{part.filename}: not verified: the Hub gives no SHA-256 "
                    "for it (no LFS entry and no X-Linked-Etag)")
        out.append(pulled)
    return out
