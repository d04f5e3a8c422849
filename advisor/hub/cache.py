"""The HF cache as huggingface_hub lays it out (``blobs/``, ``snapshots/<commit>/``,
``refs/``, ``.locks/``), written the way the library writes it: links and refs replaced
atomically, every path checked to stay inside the cache, the library's own download lock.

    >>> inside_cache(Path("/c"), Path("/c/blobs/ab"), "org/m")
    PosixPath('/c/blobs/ab')
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from advisor.errors import HubCacheError, HubReplyMalformed, NotEnoughSpace
from advisor.text import human_bytes


def check_disk_space(folder: Path, needed: int) -> None:
    """NotEnoughSpace when ``folder``'s file system has less than ``needed`` bytes free."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        raise HubCacheError(f"cannot write to the HF cache at {folder}: {exc.strerror}") from None
    if needed > free:
        raise NotEnoughSpace(
            f"not enough disk space in {folder}: {human_bytes(needed)} needed, "
            f"{human_bytes(free)} free")



@contextlib.contextmanager
def download_lock(storage: Path, etag: str, what: str,
                  on_note: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold huggingface_hub's own lock for the blob ``etag`` of the repo folder ``storage``
    (``<cache>/.locks/<folder>/<etag>.lock``, as ``hf_hub_download`` takes it), so one
    process at a time writes its partial file; when another holds it, say so and wait."""
    from filelock import Timeout
    from huggingface_hub.utils import WeakFileLock

    lock_path = inside_cache(storage.parent / ".locks", storage.parent / ".locks" / storage.name
                        / f"{etag}.lock", what)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HubCacheError(f"{what}: cannot write to the HF cache at {lock_path.parent}: "
                            f"{exc.strerror or exc}") from None
    try:
        with WeakFileLock(lock_path, timeout=0.1):
            yield
            return
    except Timeout:
        pass
    if on_note:
        on_note(f"{what}: another download of this file is running (lock {lock_path}); "
                "waiting for it to finish")
    with WeakFileLock(lock_path):
        yield



def inside_cache(root: Path, path: Path, what: str) -> Path:
    """``path`` when it lies under ``root`` (no ``..`` escape); else HubReplyMalformed."""
    if Path(os.path.abspath(root)) not in Path(os.path.abspath(path)).parents:
        raise HubReplyMalformed(f"{what}: refusing a cache path outside {root}")
    return path


def link_snapshot(blob: Path, pointer: Path) -> None:
    """Point the snapshot file at the blob (a relative symlink, or a copy where links fail)."""
    pointer.parent.mkdir(parents=True, exist_ok=True)
    if pointer.is_symlink() or pointer.exists():
        if os.path.realpath(pointer) == os.path.realpath(blob):
            return
        pointer.unlink()
    tmp = pointer.with_name(f".{pointer.name}.{os.getpid()}.link")
    try:
        os.symlink(os.path.relpath(blob, pointer.parent), tmp)
    except OSError:
        shutil.copyfile(blob, tmp)
    os.replace(tmp, pointer)


def write_ref(storage: Path, revision: str, commit: str) -> None:
    """``refs/<revision>`` holds ``commit`` (written atomically, as huggingface_hub does)."""
    ref = inside_cache(storage / "refs", storage / "refs" / revision, revision)
    if ref.is_file() and ref.read_text() == commit:
        return
    ref.parent.mkdir(parents=True, exist_ok=True)
    tmp = ref.with_name(f".{ref.name}.{os.getpid()}.tmp")
    tmp.write_text(commit)
    os.replace(tmp, ref)


def remove_blob(storage: Path, blob: Path) -> None:
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
