"""Decision records: Markdown (MADR 4), JSON (``advisor.record/1``), CycloneDX 1.6 and
SPDX 3.0.1 (AI profile).

The API the CLI and the TUI share:

    Example (not run)::

        record = build_record(answers, kb, "Qwen/Qwen3-8B", smoke=smoke_result)
        paths = write_record(record, Path("decisions"), ["md", "json", "cdx"])
        verify_record(paths[1], load_knowledge()).drift   # False

With a comparison (``advisor compare --json``): ``build_record(..., comparison=
load_comparison("comparison.json"))``; verify its files and revisions with
``check_comparison(record.data["comparison"], offline)`` (drift, notes).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from advisor.record.build import build_record
from advisor.record.comparison import comparison_section, load_comparison
from advisor.record.comparison_verify import check_comparison
from advisor.record.jsonfmt import load_record_file, record_json_text, record_to_json
from advisor.record.markdown import render_markdown
from advisor.record.model import DEFAULT_FORMATS, FORMATS, SCHEMA, Record, model_slug, parse_formats
from advisor.record.scrub import scrub_text
from advisor.record.verify import Difference, VerifyReport, verify_record
from advisor.record.write import write_files


def record_to_cyclonedx(record: Record) -> str:
    """CycloneDX 1.6 JSON text (imports cyclonedx-python-lib on first use)."""
    from advisor.record.cdx import record_to_cyclonedx as to_cdx

    return to_cdx(record)


def render(record: Record, fmt: str, with_json: bool = True) -> str:
    """The text of one format: ``md``, ``json``, ``cdx`` or ``spdx``; ``with_json``: the Markdown may
    cite the JSON record's file name (it is written alongside)."""
    if fmt == "md":
        return render_markdown(record, json_name=record.filename("json") if with_json else None)
    if fmt == "json":
        return record_json_text(record)
    if fmt == "cdx":
        return record_to_cyclonedx(record)
    if fmt == "spdx":
        from advisor.record.spdx import record_to_spdx

        return record_to_spdx(record)
    raise ValueError(f"unknown format {fmt!r}")


def write_record(record: Record, out_dir: Path | str, formats: Sequence[str] = DEFAULT_FORMATS,
                 force: bool = False) -> list[Path]:
    """Render every format first, then write all files atomically (none without ``force``
    if any exists). Returns the written paths in the order of ``formats``."""
    out = Path(out_dir)
    files: dict[Path, str] = {}
    for fmt in formats:
        files[out / record.filename(fmt)] = scrub_text(render(record, fmt, with_json="json" in formats))
    return write_files(files, force=force)


__all__ = [
    "FORMATS", "SCHEMA", "Difference", "Record", "VerifyReport", "build_record",
    "check_comparison", "comparison_section", "load_comparison",
    "load_record_file", "model_slug", "parse_formats", "record_to_cyclonedx", "record_to_json",
    "render", "render_markdown", "verify_record", "write_record",
]
