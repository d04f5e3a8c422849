"""Write a record's files all-or-nothing, exclusively unless ``force`` (see ``advisor.fsio``).

    Example (not run)::

        write_files({Path("out/a.md"): "# A\\n"}, force=False)   # [PosixPath('out/a.md')]
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from advisor.fsio import write_all


def write_files(files: Mapping[Path, str], force: bool = False) -> list[Path]:
    """Write every text file or none, with the user's umask. Without ``force`` an existing
    target is refused (``InputError``, exit 2) before any file is touched, and a target that
    appears meanwhile (a second run into the same folder) is never replaced."""
    return write_all({Path(p): text.encode("utf-8") for p, text in files.items()}, force=force)
