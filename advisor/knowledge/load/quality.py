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

from advisor.knowledge.load.fields import (Bad, check_keys, each_item, read_bool, read_date,
                                           read_id, read_repo_id, read_text, read_texts)
from advisor.knowledge.load.models import MODALITIES
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
    value = read_text(data, key, path, required=required)
    if value is not None and not value.startswith(("https://", "http://")):
        raise Bad(path + (key,), f"must be an http(s) URL, not {value!r}")
    return value


def _value(data: Mapping, path: tuple) -> float:
    value = data.get("value")
    if value is None:
        raise Bad(path + ("value",), "is required: the figure as the table publishes it")
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value):
        raise Bad(path + ("value",), f"must be a finite number, not {value!r}")
    return float(value)


def _score(index: int, raw: Any) -> QualityScore:
    here = ("scores", index)
    s = check_keys(raw, here, SCORE_KEYS)
    model = read_repo_id(read_text(s, "model", here), here + ("model",))
    return QualityScore(model=model, value=_value(s, here),
                        as_listed=read_text(s, "as_listed", here, required=False),
                        url=_url(s, "url", here, required=False),
                        section=read_text(s, "section", here, required=False))


def _listed(d: Mapping, key: str, known: Any, noun: str) -> tuple[str, ...]:
    values = read_texts(d, key, ())
    for index, value in enumerate(values):
        if known is not None and value not in known:
            raise Bad((key, index), f"{value!r} is not a known {noun}")
    return values


def quality_table(data: Mapping, path_: Path, use_case_ids: Any = None) -> QualityTable:
    """One ``advisor.quality/1`` file, validated (``Bad`` names the first bad field;
    ``ManyBad`` every bad score); ``use_case_ids`` checks its ``use_cases``."""
    d = check_keys(data, (), TABLE_KEYS)
    kind = read_text(d, "kind", ())
    if kind not in QUALITY_KINDS:
        raise Bad(("kind",), f"{kind!r} is not one of {', '.join(QUALITY_KINDS)}")
    published = read_date(d.get("published"), ("published",))
    if published is None:
        raise Bad(("published",), "is required: the date the table was published")
    checked = read_date(d.get("checked"), ("checked",))
    if checked is None:
        raise Bad(("checked",), "is required: the date the table was read")
    if "higher_is_better" not in d:
        raise Bad(("higher_is_better",), "is required: true when a larger figure is better")
    raw_scores = d.get("scores")
    if not isinstance(raw_scores, list) or not raw_scores:
        raise Bad(("scores",), "must be a non-empty list of {model, value}")
    scores = each_item(raw_scores, _score)
    seen: dict[str, int] = {}
    for index, score in enumerate(scores):
        key = score.model.lower()
        if key in seen:
            raise Bad(("scores", index, "model"),
                       f"{score.model!r} is scored twice (also scores[{seen[key]}])")
        seen[key] = index
    return QualityTable(
        id=read_id(d, "id", ()), title=read_text(d, "title", ()),
        publisher=read_text(d, "publisher", ()),
        url=_url(d, "url", (), required=True), copy=_url(d, "copy", (), required=False),
        published=published, checked=checked, kind=kind, metric=read_text(d, "metric", ()),
        higher_is_better=read_bool(d, "higher_is_better", (), True), scores=tuple(scores),
        confirmed=read_bool(d, "confirmed", (), True),
        notes=read_text(d, "notes", (), required=False), file=str(path_),
        use_cases=_listed(d, "use_cases", use_case_ids, "use case"),
        modalities=_listed(d, "modalities", MODALITIES, "modality"))


def unprofiled_scores(table: QualityTable, model_keys: Any) -> list[tuple[int, str]]:
    """``(index, model)`` of each score whose model no profile has (``model_keys``: the
    knowledge base's lower-case model ids)."""
    return [(i, s.model) for i, s in enumerate(table.scores) if s.model.lower() not in model_keys]
