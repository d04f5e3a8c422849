"""Safe file writing: atomic, and never over an existing file unless asked.

    >>> atomic_write_text(Path("out/answers.yaml"), "schema: advisor.answers/1\\n", force=False)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from advisor.errors import InputError, OperationError


def atomic_write_bytes(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``.

    Refuses (``InputError``, exit 2) when the file exists and ``force`` is false.
    """
    path = Path(path)
    if path.exists() and not force:
        raise InputError(str(path), "already exists; use --force to overwrite")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OperationError(f"{path.parent}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OperationError(f"{path}: cannot write: {exc.strerror}") from None
        raise
    return path


def atomic_write_text(path: Path, text: str, *, force: bool = False) -> Path:
    """Text flavour of :func:`atomic_write_bytes` (UTF-8)."""
    return atomic_write_bytes(path, text.encode("utf-8"), force=force)
