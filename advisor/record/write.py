"""Write a set of files all-or-nothing: refuse before writing if any exists, replace atomically.

    >>> write_files({Path("out/a.md"): "# A\\n"}, force=False)
    [PosixPath('out/a.md')]
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from advisor.errors import InputError, OperationError


def write_files(files: Mapping[Path, str], force: bool = False) -> list[Path]:
    """Write every text file or none.

    Without ``force`` an existing target is refused (``InputError``, exit 2) before any
    file is touched. Each file is written to a temporary file in its own directory, and
    only when all temporaries are complete are they moved into place with ``os.replace``.
    """
    if not force:
        existing = [p for p in files if p.exists()]
        if existing:
            raise InputError(str(existing[0]), "already exists; use --force to overwrite "
                             f"({len(existing)} of {len(files)} files exist, nothing written)")
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    except OSError as exc:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise OperationError(f"cannot write {exc.filename or 'record'}: {exc.strerror or exc}") from exc
    return [path for _, path in staged]
