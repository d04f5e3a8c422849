"""Safe file writing: atomic, exclusive unless asked, with the user's umask.

A file is written whole to a temporary file beside its target, then put in place: with
``force`` by ``os.replace`` (atomic), without it by ``os.link`` (atomic and exclusive: a
file that appeared meanwhile, from another run, is never replaced).

    >>> atomic_write_text(Path("out/answers.yaml"), "schema: advisor.answers/1\\n", force=False)
    PosixPath('out/answers.yaml')
    >>> write_all({Path("out/a.md"): b"# A\\n", Path("out/a.json"): b"{}"}, force=False)
    [PosixPath('out/a.md'), PosixPath('out/a.json')]
    >>> atomic_write_text(Path("out/a.md"), "again")
    Traceback (most recent call last):
    advisor.errors.TargetExists: out/a.md: already exists; use --force to overwrite
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from pathlib import Path

from advisor.errors import EXISTS, InputError, OperationError, TargetExists


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows (threads may be
    creating files meanwhile)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_output_dir(path: Path, field: str = "--out") -> None:
    """InputError before any work when ``path`` cannot become the folder to write into:
    a dangling symbolic link or something that is not a folder."""
    path = Path(path)
    if path.is_symlink() and not path.exists():
        raise InputError(str(path), f"is a symbolic link to {os.readlink(path)!r}, which does "
                         "not exist; create that folder or choose another", field=field)
    if path.exists() and not path.is_dir():
        raise InputError(str(path), "exists and is not a directory", field=field)


def _stage(path: Path, data: bytes, mode: int) -> str:
    """A complete, synced temporary copy of ``data`` beside ``path``; its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile         # here: reading commands never pay for it

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _place(tmp: str, path: Path, force: bool) -> None:
    """Move the staged ``tmp`` to ``path``: replace with ``force``, else create exclusively
    (FileExistsError when ``path`` exists, even if it appeared a moment ago)."""
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK,
                             errno.EXDEV):
            raise
        # A file system without hard links: an exclusive create, then the staged bytes.
        with open(tmp, "rb") as src, open(path, "xb") as dst:
            os.fchmod(dst.fileno(), os.fstat(src.fileno()).st_mode & 0o777)
            dst.write(src.read())
            dst.flush()
            os.fsync(dst.fileno())
    os.unlink(tmp)


def write_all(files: Mapping[Path, bytes], *, force: bool = False,
              mode: int | None = None) -> list[Path]:
    """Write every file or none: all are staged first, then placed; without ``force`` an
    existing target is refused (``TargetExists``) before anything is written, and one that
    appears meanwhile undoes the files this call placed. ``mode`` defaults to 0o666 less
    the umask; pass 0o600 for private files."""
    mode = (0o666 & ~current_umask()) if mode is None else mode
    paths = [Path(p) for p in files]
    if not force:
        existing = [p for p in paths if p.exists() or p.is_symlink()]
        if existing:
            raise TargetExists(str(existing[0]), f"{EXISTS} ({len(existing)} of {len(paths)} "
                               "files exist, nothing written)" if len(paths) > 1 else EXISTS)
    staged: list[tuple[str, Path]] = []
    placed: list[Path] = []
    current = paths[0] if paths else Path(".")
    try:
        for path, data in zip(paths, files.values()):
            current = path
            staged.append((_stage(path, data, mode), path))
        for tmp, path in staged:
            current = path
            _place(tmp, path, force)
            placed.append(path)
    except FileExistsError:
        _undo(staged, placed)
        raise TargetExists(str(current), "appeared while writing (another run?); "
                           f"{EXISTS} (nothing written)") from None
    except OSError as exc:
        _undo(staged, placed if not force else [])
        where = current.parent if not current.parent.is_dir() else current
        raise OperationError(f"{where}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        _undo(staged, placed if not force else [])
        raise
    return paths


def _undo(staged: list[tuple[str, Path]], placed: list[Path]) -> None:
    """Remove the temporaries left and the files this call created."""
    for tmp, _ in staged:
        Path(tmp).unlink(missing_ok=True)
    for path in placed:
        Path(path).unlink(missing_ok=True)


def atomic_write_bytes(path: Path, data: bytes, *, force: bool = False,
                       mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`write_all`); refuses
    (``TargetExists``, exit 2) when the file exists and ``force`` is false."""
    return write_all({Path(path): data}, force=force, mode=mode)[0]


def atomic_write_text(path: Path, text: str, *, force: bool = False,
                      mode: int | None = None) -> Path:
    """Text flavour of :func:`atomic_write_bytes` (UTF-8)."""
    return atomic_write_bytes(path, text.encode("utf-8"), force=force, mode=mode)
