"""The decision record: one JSON-ready document (``advisor.record/1``) and its file names.

A :class:`Record` wraps the document so the renderers (Markdown, JSON, CycloneDX) all
read the same data.

    >>> record = Record({"schema": SCHEMA, "model": "org/Model-1B", "date": "2026-11-23"})
    >>> record.filename("md")
    'decision-org--model-1b-2026-11-23.md'
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

SCHEMA = "advisor.record/1"
FORMATS = ("md", "json", "cdx", "spdx")
DEFAULT_FORMATS = ("md", "json", "cdx")
SUFFIXES = {"md": ".md", "json": ".json", "cdx": ".cdx.json", "spdx": ".spdx.json"}


def model_slug(model_id: str) -> str:
    """A file-name-safe, lower-case form of a repo id: ``org/Model-1B`` -> ``org--model-1b``."""
    parts = [re.sub(r"[^a-z0-9._]+", "-", p.lower()).strip("-.") for p in model_id.split("/")]
    return "--".join(p for p in parts if p) or "model"


@dataclass(frozen=True)
class Record:
    """A decision record; ``data`` is the ``advisor.record/1`` document."""

    data: dict[str, Any]

    @property
    def model(self) -> str:
        return str(self.data["model"])

    @property
    def date(self) -> str:
        return str(self.data["date"])

    @property
    def chosen(self) -> dict[str, Any]:
        return self.data["chosen"]

    @property
    def alternatives(self) -> list[dict[str, Any]]:
        return self.data["alternatives"]

    @property
    def smoke(self) -> dict[str, Any] | None:
        return self.data.get("smoke")

    @property
    def reproducibility(self) -> dict[str, Any]:
        return self.data["reproducibility"]

    def filename(self, fmt: str) -> str:
        """``decision-<model-slug>-<YYYY-MM-DD><suffix>`` for ``md``, ``json`` or ``cdx``."""
        return f"decision-{model_slug(self.model)}-{self.date}{SUFFIXES[fmt]}"

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)


def parse_formats(text: str) -> list[str]:
    """``"md,json"`` -> ``["md", "json"]``; raises ``ValueError`` naming an unknown format."""
    from advisor.text import split_choices

    return split_choices(text, FORMATS, "format")
