"""The quality signal: published figures where they exist, a stated heuristic where not.

Published figures come from the ``advisor.quality/1`` tables (``kb.quality``). Tables
measure different things on different scales, so each figure becomes a percentile rank
within its own table (the share of the table's other models it beats, ties counting
half, the metric's direction respected). A model's signal is the mean of its
independent tables' percentiles; only where no independent table lists it does a
vendor-reported table count, and the reason says so. A model no table lists gets the
heuristic: 70% its size among the models that run here (effective parameters on a log
scale; a mixture of experts counts as the geometric mean of its total and active
parameters, a common rule of thumb) and 30% its recency (a model released with the newest
profiled one scores 1, one 36 months older or more 0). Nothing is invented: the heuristic
is named as such wherever it is used.

    >>> signal = heuristic(8e9, None, "2025-04-29", Basis(largest=70e9, newest="2026-04-28"))
    >>> round(signal.value, 2), signal.basis
    (0.67, 'heuristic')
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from advisor.knowledge.model import KnowledgeBase, QualityTable

SIZE_WEIGHT, RECENCY_WEIGHT = 0.7, 0.3
RECENCY_MONTHS = 36
SMALLEST = 1e8                     # 100M parameters: the bottom of the size scale


@dataclass(frozen=True)
class Figure:
    """One model's figure in one table, with its percentile there."""

    table: QualityTable
    value: float
    percentile: float
    url: str | None = None
    section: str | None = None

    def to_dict(self) -> dict[str, Any]:
        source = self.table.source().to_dict()
        if self.url:
            source["url"] = self.url
        if self.section:
            source["section"] = self.section
        return {"table": self.table.id, "kind": self.table.kind, "metric": self.table.metric,
                "value": self.value, "percentile": round(self.percentile, 3),
                "of": len(self.table.scores), "published": self.table.published,
                "source": source}


@dataclass(frozen=True)
class Signal:
    """A quality signal in [0, 1] and what it rests on."""

    value: float
    basis: str                       # independent | vendor_reported | heuristic
    words: str
    figures: tuple[Figure, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"value": round(self.value, 3), "basis": self.basis, "words": self.words,
                "figures": [f.to_dict() for f in self.figures]}


def percentiles(table: QualityTable) -> dict[str, float]:
    """Lower-case model id -> the share of the table's other models it beats (ties half).

    >>> percentiles(table)["qwen/qwen3-32b"]
    1.0
    """
    sign = 1 if table.higher_is_better else -1
    values = [(s.model.lower(), sign * s.value) for s in table.scores]
    others = max(len(values) - 1, 1)
    out = {}
    for model, value in values:
        beaten = sum(1 for _, v in values if v < value)
        ties = sum(1 for _, v in values if v == value) - 1
        out[model] = (beaten + ties / 2) / others if len(values) > 1 else 0.5
    return out


def published_figures(kb: KnowledgeBase) -> dict[str, list[Figure]]:
    """Lower-case model id -> its figures in every table of ``kb.quality``."""
    out: dict[str, list[Figure]] = {}
    for table in kb.quality.values():
        ranks = percentiles(table)
        for score in table.scores:
            key = score.model.lower()
            out.setdefault(key, []).append(Figure(table, score.value, ranks[key], score.url,
                                                  score.section))
    return out


def _ordinal(p: float) -> str:
    n = int(round(p * 100))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} percentile"


def _figure_words(figure: Figure) -> str:
    table = figure.table
    value = f"{figure.value:g}"
    label = "vendor-reported " if table.kind == "vendor_reported" else ""
    return (f"{label}{table.metric} {value} in {table.title} ({table.published}): "
            f"{_ordinal(figure.percentile)} of its {len(table.scores)} models")


def measured(figures: Iterable[Figure]) -> Signal | None:
    """The signal of a model's published figures: its independent tables, else the
    vendor-reported ones (labelled); None when it has none."""
    figures = list(figures)
    for kind in ("independent", "vendor_reported"):
        mine = [f for f in figures if f.table.kind == kind]
        if not mine:
            continue
        mine.sort(key=lambda f: (f.table.published, f.table.id), reverse=True)
        value = sum(f.percentile for f in mine) / len(mine)
        words = _figure_words(mine[0])
        if len(mine) > 1:
            words += f"; mean {_ordinal(value)} over {len(mine)} {kind.replace('_', '-')} tables"
        return Signal(value, kind, words, tuple(mine))
    return None


@dataclass(frozen=True)
class Basis:
    """What the heuristic measures against: the largest effective size among the models
    that run here, and the newest release profiled."""

    largest: float | None
    newest: str | None


def effective_parameters(parameters: float | None, active: float | None) -> float | None:
    """Parameters, or for a mixture of experts sqrt(total x active).

    >>> round(effective_parameters(117e9, 5.1e9) / 1e9, 1)
    24.4
    """
    if not parameters:
        return None
    if active and active < parameters:
        return math.sqrt(parameters * active)
    return parameters


def _months_between(older: str, newer: str) -> float:
    a, b = dt.date.fromisoformat(older), dt.date.fromisoformat(newer)
    return (b - a).days / 30.44


def _size_words(effective: float, parameters: float) -> str:
    def size(n: float) -> str:
        return f"{n / 1e9:.0f}B" if n >= 10e9 else f"{n / 1e9:.1f}B"
    if abs(effective - parameters) / parameters > 0.01:
        return f"{size(effective)} effective ({size(parameters)} mixture of experts)"
    return size(parameters)


def heuristic(parameters: float | None, active: float | None, released: str | None,
              basis: Basis) -> Signal:
    """The stated heuristic for a model without a published figure."""
    effective = effective_parameters(parameters, active)
    parts = []
    if effective and basis.largest and basis.largest > SMALLEST:
        span = math.log(basis.largest / SMALLEST)
        size = min(max(math.log(max(effective, SMALLEST) / SMALLEST) / span, 0.0), 1.0)
        parts.append(f"size {_size_words(effective, parameters)}")
    else:
        size = 0.5
        parts.append("size not published")
    if released and basis.newest:
        age = max(_months_between(released, basis.newest), 0.0)
        recency = max(0.0, 1 - age / RECENCY_MONTHS)
        parts.append(f"released {released[:7]}")
    else:
        recency = 0.0
        parts.append("release date not profiled")
    value = SIZE_WEIGHT * size + RECENCY_WEIGHT * recency
    return Signal(value, "heuristic",
                  f"no published quality figure: ranked by {' and '.join(parts)}")


__all__ = ["Basis", "Figure", "Signal", "effective_parameters", "heuristic", "measured",
           "percentiles", "published_figures"]
