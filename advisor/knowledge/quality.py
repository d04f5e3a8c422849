"""``advisor.quality/1``: one published table of quality figures per file.

A table is a leaderboard as published (``kind: independent``) or the scores vendors
report for their own models on one common benchmark (``kind: vendor_reported``). Every
figure is read from the table named by ``url`` (or ``copy``, where it was actually
read); nothing is estimated here. Validation reports each problem with its field path;
the loader adds the file and line, and checks that every scored model is profiled.

    >>> import yaml
    >>> table = quality_table(yaml.safe_load(EXAMPLE), Path("t.yaml"))
    >>> table.kind, table.scores[0].model, table.scores[0].value
    ('independent', 'Qwen/Qwen3-32B', 1345.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from advisor.knowledge.loader import (
    MODALITIES, _Bad, _bool, _date, _each_item, _id, _keys, _repo_id, _text, _texts,
)
from advisor.knowledge.model import QUALITY_KINDS, QualityScore, QualityTable

SCHEMA = "advisor.quality/1"
TABLE_KEYS = ("schema", "id", "title", "publisher", "url", "copy", "published", "checked",
              "kind", "metric", "higher_is_better", "scores", "confirmed", "notes",
              "use_cases", "modalities")
SCORE_KEYS = ("model", "value", "as_listed", "url", "section")
EXAMPLE = """\
schema: advisor.quality/1
id: lmarena-text-2026-11
title: LMArena Text Arena leaderboard
publisher: LMArena
url: https://lmarena.ai/leaderboard/text
published: 2026-11-20
checked: 2026-12-07
kind: independent
metric: Arena score (text)
higher_is_better: true
scores:
  - {model: Qwen/Qwen3-32B, value: 1345, as_listed: qwen3-32b}
"""


def _url(data: Mapping, key: str, path: tuple, *, required: bool) -> str | None:
    value = _text(data, key, path, required=required)
    if value is not None and not value.startswith(("https://", "http://")):
        raise _Bad(path + (key,), f"must be an http(s) URL, not {value!r}")
    return value


def _value(data: Mapping, path: tuple) -> float:
    value = data.get("value")
    if value is None:
        raise _Bad(path + ("value",), "is required: the figure as the table publishes it")
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value):
        raise _Bad(path + ("value",), f"must be a finite number, not {value!r}")
    return float(value)


def _score(index: int, raw: Any) -> QualityScore:
    here = ("scores", index)
    s = _keys(raw, here, SCORE_KEYS)
    model = _repo_id(_text(s, "model", here), here + ("model",))
    return QualityScore(model=model, value=_value(s, here),
                        as_listed=_text(s, "as_listed", here, required=False),
                        url=_url(s, "url", here, required=False),
                        section=_text(s, "section", here, required=False))


def _listed(d: Mapping, key: str, known: Any, noun: str) -> tuple[str, ...]:
    values = _texts(d, key, ())
    for index, value in enumerate(values):
        if known is not None and value not in known:
            raise _Bad((key, index), f"{value!r} is not a known {noun}")
    return values


def quality_table(data: Mapping, path_: Path, use_case_ids: Any = None) -> QualityTable:
    """One ``advisor.quality/1`` file, validated (``_Bad`` names the first bad field;
    ``_ManyBad`` every bad score); ``use_case_ids`` checks its ``use_cases``."""
    d = _keys(data, (), TABLE_KEYS)
    kind = _text(d, "kind", ())
    if kind not in QUALITY_KINDS:
        raise _Bad(("kind",), f"{kind!r} is not one of {', '.join(QUALITY_KINDS)}")
    published = _date(d.get("published"), ("published",))
    if published is None:
        raise _Bad(("published",), "is required: the date the table was published")
    checked = _date(d.get("checked"), ("checked",))
    if checked is None:
        raise _Bad(("checked",), "is required: the date the table was read")
    if "higher_is_better" not in d:
        raise _Bad(("higher_is_better",), "is required: true when a larger figure is better")
    raw_scores = d.get("scores")
    if not isinstance(raw_scores, list) or not raw_scores:
        raise _Bad(("scores",), "must be a non-empty list of {model, value}")
    scores = _each_item(raw_scores, _score)
    seen: dict[str, int] = {}
    for index, score in enumerate(scores):
        key = score.model.lower()
        if key in seen:
            raise _Bad(("scores", index, "model"),
                       f"{score.model!r} is scored twice (also scores[{seen[key]}])")
        seen[key] = index
    return QualityTable(
        id=_id(d, "id", ()), title=_text(d, "title", ()), publisher=_text(d, "publisher", ()),
        url=_url(d, "url", (), required=True), copy=_url(d, "copy", (), required=False),
        published=published, checked=checked, kind=kind, metric=_text(d, "metric", ()),
        higher_is_better=_bool(d, "higher_is_better", (), True), scores=tuple(scores),
        confirmed=_bool(d, "confirmed", (), True),
        notes=_text(d, "notes", (), required=False), file=path_,
        use_cases=_listed(d, "use_cases", use_case_ids, "use case"),
        modalities=_listed(d, "modalities", MODALITIES, "modality"))


def unprofiled_scores(table: QualityTable, model_keys: Any) -> list[tuple[int, str]]:
    """``(index, model)`` of each score whose model no profile has (``model_keys``: the
    knowledge base's lower-case model ids)."""
    return [(i, s.model) for i, s in enumerate(table.scores) if s.model.lower() not in model_keys]
