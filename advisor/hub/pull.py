"""Download one Hub file into the standard HF cache, resumable and SHA-256 verified.

huggingface_hub 2.x downloads to a throw-away temporary file (no resume across runs) and
does not check the LFS hash. This module downloads the blob itself, into the cache's
``blobs/<etag>.incomplete`` (the name earlier huggingface_hub versions used, so their
partial files resume too), continuing with a Range request from what is there, hashes
while writing, and only then moves it to ``blobs/<etag>``. ``hf_hub_download`` then
links the snapshot path and the ref, so the cache layout is the library's own.

    >>> path = pull_file("bartowski/Llama-3.2-1B-Instruct-GGUF",
    ...                  "Llama-3.2-1B-Instruct-Q4_K_M.gguf", expected_sha256="6f85...")
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from advisor.errors import OperationError
from advisor.hub.client import TIMEOUT, error_message, hub_errors, same_origin

CHUNK = 1 << 20
Progress = Callable[..., None]   # progress(done, total, final=False)


def human_bytes(n: float) -> str:
    """``human_bytes(1536) -> '1.5 KiB'``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


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


def check_disk_space(folder: Path, needed: int) -> None:
    """OperationError when ``folder``'s file system has less than ``needed`` bytes free."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        raise OperationError(f"cannot write to the HF cache at {folder}: {exc.strerror}") from None
    if needed > free:
        raise OperationError(
            f"not enough disk space in {folder}: {human_bytes(needed)} needed, "
            f"{human_bytes(free)} free")


def download_resumable(url: str, target: Path, *, headers: dict[str, str], size: int | None,
                       progress: Progress | None = None) -> "hashlib._Hash":
    """Append the rest of ``url`` to ``target`` (continuing from its current length) and
    return the sha256 of the whole file."""
    from huggingface_hub.utils import get_session, hf_raise_for_status

    have = target.stat().st_size if target.exists() else 0
    if size is not None and have > size:
        target.unlink()
        have = 0
    digest = sha256_file(target) if have else hashlib.sha256()
    if size is not None and have == size:
        return digest
    if progress:
        progress(have, size)          # the baseline for the speed
    request_headers = dict(headers, **{"Accept-Encoding": "identity"})
    if have:
        request_headers["Range"] = f"bytes={have}-"
    with get_session().stream("GET", url, headers=request_headers, timeout=TIMEOUT,
                              follow_redirects=True) as response:
        hf_raise_for_status(response)
        mode = "ab"
        if have and response.status_code != 206:      # the server ignored the Range
            mode, have, digest = "wb", 0, hashlib.sha256()
        with open(target, mode) as handle:
            done = have
            for chunk in response.iter_bytes(CHUNK):
                handle.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress:
                    progress(done, size)
            handle.flush()
            os.fsync(handle.fileno())
    got = target.stat().st_size
    if size is not None and got != size:
        raise OperationError(f"download incomplete: {got} of {size} bytes; run the command "
                             "again to resume")
    return digest


def pull_file(repo_id: str, filename: str, *, revision: str | None = None,
              expected_sha256: str | None = None, token: str | None = None,
              progress: Progress | None = None) -> Path:
    """Download ``filename`` of ``repo_id`` into the HF cache and return its snapshot path.

    Verifies the SHA-256 against ``expected_sha256`` (the Hub's LFS metadata); a mismatch
    deletes the file and raises OperationError.
    """
    import httpx2
    from huggingface_hub import constants, get_hf_file_metadata, hf_hub_download, hf_hub_url
    from huggingface_hub.file_download import repo_folder_name
    from huggingface_hub.utils import build_hf_headers

    revision = revision or "main"
    url = hf_hub_url(repo_id, filename, revision=revision)
    with hub_errors(repo_id, filename):
        meta = get_hf_file_metadata(url, token=token, timeout=TIMEOUT)
    if not meta.etag or not meta.commit_hash:
        raise OperationError(f"{repo_id}/{filename}: the Hub gave no ETag or commit for the file")
    storage = Path(constants.HF_HUB_CACHE) / repo_folder_name(repo_id=repo_id, repo_type="model")
    blob = storage / "blobs" / meta.etag
    expected = (expected_sha256 or "").lower() or None
    if blob.exists():
        if expected and sha256_file(blob).hexdigest() != expected:
            _remove_blob(storage, blob)
            raise OperationError(f"{repo_id}/{filename}: the cached file does not match the Hub's "
                                 "SHA-256; it was deleted, run the command again")
    else:
        incomplete = blob.with_name(blob.name + ".incomplete")
        have = incomplete.stat().st_size if incomplete.exists() else 0
        if meta.size is not None:
            check_disk_space(blob.parent, meta.size - have)
        headers = build_hf_headers(token=token)
        location = meta.location or url
        if not same_origin(url, location):
            headers.pop("authorization", None)
        try:
            digest = download_resumable(location, incomplete, headers=headers,
                                        size=meta.size, progress=progress)
        except Exception as exc:
            kept = incomplete.stat().st_size if incomplete.exists() else 0
            if isinstance(exc, httpx2.TransportError) and kept > have:
                raise OperationError(
                    f"{repo_id}/{filename}: download interrupted after {human_bytes(kept)} "
                    f"({type(exc).__name__}); run the command again to resume") from None
            message = error_message(exc, repo_id, filename)
            if message is None:
                raise
            raise OperationError(message + ("; run the command again to resume" if kept else "")
                                 ) from None
        if progress:
            progress(incomplete.stat().st_size, meta.size, True)
        actual = digest.hexdigest()
        if expected and actual != expected:
            incomplete.unlink(missing_ok=True)
            raise OperationError(f"{repo_id}/{filename}: SHA-256 mismatch (Hub says {expected[:12]}..., "
                                 f"file is {actual[:12]}...); the download was deleted")
        os.replace(incomplete, blob)
    with hub_errors(repo_id, filename):
        path = hf_hub_download(repo_id, filename, revision=revision, token=token)
    return Path(path)


def _remove_blob(storage: Path, blob: Path) -> None:
    """Delete a blob and the snapshot links that point at it."""
    snapshots = storage / "snapshots"
    if snapshots.is_dir():
        for link in snapshots.rglob("*"):
            if link.is_symlink() and Path(os.path.realpath(link)) == blob.resolve():
                link.unlink(missing_ok=True)
    blob.unlink(missing_ok=True)


def cached_path(repo_id: str, filename: str, revision: str | None = None) -> Path | None:
    """The file's path in the HF cache without the network, or None."""
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(repo_id, filename, revision=revision)
    return Path(found) if isinstance(found, str) else None


def pull_gguf(repo_id: str, *, quant: str | None = None, filename: str | None = None,
              revision: str | None = None, ctx: int = 4096, hardware: Any = None,
              fallback_repos: tuple[str, ...] = (), token: str | None = None,
              progress_for: Callable[[str], Progress | None] | None = None,
              on_note: Callable[[str], None] | None = None) -> list[Path]:
    """Find, download and verify a GGUF (every part of a split one); returns local paths,
    first part first.

    >>> pull_gguf("bartowski/Llama-3.2-1B-Instruct-GGUF", quant="Q4_K_M")
    [PosixPath('.../snapshots/<sha>/Llama-3.2-1B-Instruct-Q4_K_M.gguf')]
    """
    from advisor.hub.catalog import find_gguf

    choice = find_gguf(repo_id, filename=filename, quant=quant, revision=revision, ctx=ctx,
                       hardware=hardware, fallback_repos=fallback_repos)
    if choice.note and on_note:
        on_note(choice.note)
    return [pull_file(choice.repo_id, part.filename, revision=revision,
                      expected_sha256=part.sha256, token=token,
                      progress=progress_for(part.filename) if progress_for else None)
            for part in choice.parts]
