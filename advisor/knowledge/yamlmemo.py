"""What a small YAML input (an answers file) parsed to, remembered by its exact text.

CI runs ``advisor assess --answers answers.yaml --fail-on ...`` on every build with the
same few hundred bytes; importing PyYAML to read them again takes longer than all the
rest of such a run but the import of the knowledge base. :func:`parsed_yaml` answers a
text parsed before from the memo and parses (and remembers) any other. The memo holds the
data exactly as :func:`advisor.yamlio.load_yaml_text` returned it (validated afterwards
as on every run, so its errors keep their lines), keyed by the whole text and by the stat
listing of the parser that read it (PyYAML's files and ``yamlio.py``): a changed parser
parses again. It lives beside the stored knowledge base under the same rules (our own 0700
folder, a file we own that nobody else can write: it is a pickle) and is off with it
(``ADVISOR_NO_CACHE=1``). Texts that fail to parse are never remembered.

    Example (not run)::

        data = parsed_yaml(read_text(path), str(path))      # as load_yaml_text(...)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor import config
from advisor.knowledge.cache import parser_files, private_dir, read_private_file

MEMO_FILE_NAME = "yaml.memo"
MAX_TEXT_CHARS = 64 * 1024          # answers are a few hundred bytes; larger ones parse
MAX_ENTRIES = 16                    # the most recent texts, the oldest dropped first


def parser_listing() -> tuple[tuple, ...] | None:
    """The stat listing (:func:`advisor.knowledge.load.stat_signature`) of the code that
    parses YAML here, PyYAML's files and ``yamlio.py``; None when one cannot be looked at."""
    from advisor import yamlio
    from advisor.knowledge.load import stat_signature

    return stat_signature((), [*parser_files(), yamlio.__file__])[0]


def read_memo(path: Path, listing: tuple) -> dict[str, Any]:
    """The remembered texts and their data when ``path`` is ours and was written by the
    parser ``listing`` describes; else empty."""
    raw = read_private_file(path)
    if raw is None:
        return {}
    try:
        from _pickle import loads           # the C unpickler, without pickle.py's imports
    except ImportError:                     # pragma: no cover - not CPython
        from pickle import loads
    try:
        stored = loads(raw)  # noqa: S301 - our own private file (read_private_file)
    except Exception:                       # truncated, or written by another version
        return {}
    if (type(stored) is not tuple or len(stored) != 2 or stored[0] != listing
            or type(stored[1]) is not dict):
        return {}
    return stored[1]


def write_memo(path: Path, listing: tuple, entries: dict[str, Any]) -> None:
    """Store ``entries`` (the newest MAX_ENTRIES) for the parser ``listing``; failures are
    ignored (the next run parses again)."""
    import pickle

    from advisor.errors import AdvisorError
    from advisor.fsio import atomic_write_bytes

    kept = dict(list(entries.items())[-MAX_ENTRIES:])
    try:
        atomic_write_bytes(path, pickle.dumps((listing, kept), protocol=pickle.HIGHEST_PROTOCOL),
                           force=True, mode=0o600)
    except (AdvisorError, OSError, pickle.PicklingError, TypeError, ValueError, RecursionError):
        return


def parsed_yaml(text: str, filename: str) -> Any:
    """:func:`advisor.yamlio.load_yaml_text` of ``text``, from the memo when this very
    text was parsed before by this very parser (see the module's docstring)."""
    from advisor.yamlio import load_yaml_text

    directory = config.cache_dir()
    if (len(text) > MAX_TEXT_CHARS or directory is None
            or not private_dir(directory, create=True)):
        return load_yaml_text(text, filename)
    listing = parser_listing()
    if listing is None:
        return load_yaml_text(text, filename)
    path = directory / MEMO_FILE_NAME
    entries = read_memo(path, listing)
    if text in entries:
        return entries[text]
    data = load_yaml_text(text, filename)           # a bad text raises: never remembered
    entries[text] = data
    write_memo(path, listing, entries)
    return data
