"""The candidate table as the recommendation's shortlist: rows, filters and orders.

Pure helpers, no Textual. The table shows, by default, the models the answers can use
in the recommendation's order; the models left out are a key away, with their reason.
Filters are those a user reaches for: the verdict, the kind, a modality (the answered
one by default), whether it runs here, the license family and the vendor.

    Example (not run)::

        rows = shortlist_rows(assessment, recommendation)
        [r.model_id for r in arrange_shortlist(rows, Filters(kind="coder"))][:1]
        # -> ['mistralai/Devstral-Small-2-24B-Instruct-2512']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from advisor.recommend.fit import TIER_NAMES
from advisor.tui.rows import Row, candidate_rows, once_per, short_reason
from advisor.vocab import VERDICT_RANK

ANY = "any"
ORDERS = ("recommended", "fit", "worst first")
FITS = (ANY, "runs here", "runs well")
# How the fit column ranks where the order is "fit": what runs here first.
FIT_ORDER = {"gpu": 0, "hosted": 1, "partial": 2, "cpu": 3, "unknown": 4, "?": 4,
             "too_large": 5}
MODALITY_CHOICES = ("image_input", "audio_input", "image_output")
RUNS_WELL_TIER = "runs_well"


@dataclass(frozen=True)
class Filters:
    """What the table shows: ``any`` lets everything through."""

    verdict: str = ANY               # the model's own verdict
    kind: str = ANY
    modality: str = ANY
    fits: str = ANY                  # any | runs here | runs well
    license_family: str = ANY
    vendor: str = ANY
    show_excluded: bool = False

    def active(self) -> list[str]:
        """The filters set, in words: ['kind coder', 'runs well']."""
        out = [f"{name.replace('_', ' ')} {value}" for name, value in (
            ("verdict", self.verdict), ("kind", self.kind), ("modality", self.modality),
            ("license", self.license_family), ("vendor", self.vendor)) if value != ANY]
        if self.fits != ANY:
            out.append(self.fits)
        return out


def license_family(licenses: Sequence[str] | str) -> str:
    """A license id without its version: 'llama3.3' -> 'llama', 'apache-2.0' -> 'apache',
    'cc-by-nc-4.0' -> 'cc-by-nc'; several licenses: the first one's family.

    >>> license_family(("gemma-4",)), license_family("cc-by-nc-4.0")
    ('gemma', 'cc-by-nc')
    """
    first = licenses if isinstance(licenses, str) else (licenses[0] if licenses else "")
    family = re.sub(r"[-_.]?v?\d+(\.\d+)*(?=$|[-_.])", "", first.lower()).strip("-_.")
    return family or first.lower() or "unknown"


def shortlist_rows(assessment: Any, recommendation: Any, hardware: Any = None) -> list[Row]:
    """One row per assessed model, carrying its place in ``recommendation`` (or why it
    was left out) and the facts the filters read."""
    rows = candidate_rows(getattr(assessment, "candidates", ()), hardware)
    if recommendation is None:
        return rows
    ranked = {item.model.lower(): item for item in recommendation.ranked}
    left = {item.model.lower(): item for item in recommendation.excluded}
    by_model = {c.model.lower(): c for c in getattr(assessment, "candidates", ())}
    out = []
    own_facts: dict[int, tuple[Any, Any]] = {}
    for row in rows:
        candidate = by_model.get(row.key())
        item, gone = ranked.get(row.key()), left.get(row.key())
        own, obligations = (once_per(candidate.findings, own_facts,
                                     lambda: _own_facts(candidate))
                            if candidate is not None else (row.reason, row.obligations))
        facts = dict(model_verdict=getattr(candidate, "model_verdict", row.verdict),
                     obligations=obligations,
                     vendor=getattr(candidate, "vendor", None),
                     license_family=license_family(getattr(candidate, "licenses", ()) or
                                                   row.license),
                     reason=own)
        if item is not None:
            out.append(replace(row, rank=item.rank, fit=item.fit, quant=item.run.quant,
                               why=item.why, kind=item.kind,
                               tier=TIER_NAMES[item.run.tier], **facts))
        elif gone is not None:
            fit = "too_large" if gone.code == "hardware" else row.fit
            out.append(replace(row, excluded=gone.reason, fit=fit, **facts))
        else:
            out.append(replace(row, **facts))
    return out


def _own_facts(candidate: Any) -> tuple[str, int]:
    """The reason and the count of distinct obligations from the findings that depend on
    the model alone."""
    own = candidate.model_findings
    return short_reason(own), len({f.obligation for f in own if f.obligation})


def with_profiles(rows: Iterable[Row], kb: Any) -> list[Row]:
    """Rows with the kind and modalities their profiles give (for the filters)."""
    out = []
    for row in rows:
        profile = kb.find_model(row.model_id) if kb is not None else None
        if profile is None:
            out.append(row)
            continue
        out.append(replace(row, kind=row.kind or profile.kind, modalities=profile.modalities,
                           vendor=row.vendor or profile.vendor))
    return out


def default_filters(answers: Any) -> Filters:
    """The answered modality filters by default (image input, audio input, image output)."""
    modalities = getattr(getattr(answers, "use_case", None), "modalities", ()) or ()
    wanted = [m for m in MODALITY_CHOICES if m in modalities]
    return Filters(modality=wanted[0] if wanted else ANY)


def _passes(row: Row, filters: Filters, needle: str) -> bool:
    if needle and needle not in row.model_id.lower():
        return False
    if row.rank is None and not filters.show_excluded and not needle:
        return False                  # a search finds the models left out too
    verdict = row.model_verdict or row.verdict
    checks = ((filters.verdict, verdict), (filters.kind, row.kind or "not profiled"),
              (filters.license_family, row.license_family), (filters.vendor, row.vendor or ""))
    if any(wanted != ANY and wanted != value for wanted, value in checks):
        return False
    if filters.modality != ANY and filters.modality not in row.modalities:
        return False
    if filters.fits == "runs here" and row.fit in ("too_large", "?", "unknown", "hosted"):
        return False                  # a hosted API runs elsewhere, not on this hardware
    if filters.fits == "runs well" and row.tier != RUNS_WELL_TIER:
        return False
    return True


def arrange_shortlist(rows: Iterable[Row], filters: Filters = Filters(), *,
                      order: str = "recommended", query: str = "") -> list[Row]:
    """The rows ``filters`` and the id search let through, in ``order``: recommended (the
    shortlist's ranks, then the models left out, the better own verdicts first), fit (what
    runs here first, then the ranks) or worst first (the assessment's order)."""
    needle = query.strip().lower()
    picked = [r for r in rows if _passes(r, filters, needle)]
    def rank_or_last(r: Row) -> tuple:
        """Ranked rows by rank; the models left out after them, a list rather than a
        ranking: the better own verdict first, then by id."""
        if r.rank is not None:
            return (0, r.rank)
        return (1, VERDICT_RANK.get(r.model_verdict or r.verdict, 9), r.model_id.lower())

    if order == "fit":
        picked.sort(key=lambda r: (FIT_ORDER.get(r.fit, 4), *rank_or_last(r)))
    elif order == "worst first":
        picked.sort(key=lambda r: r.worst_rank)
    else:
        picked.sort(key=rank_or_last)
    return picked


def choices(rows: Iterable[Row], field: str) -> list[str]:
    """The values a filter can take among ``rows``, most common first (then as written),
    with ``any`` first."""
    counts: dict[str, int] = {}
    for row in rows:
        value = getattr(row, field) or ("not profiled" if field == "kind" else "")
        if value:
            counts[value] = counts.get(value, 0) + 1
    return [ANY, *sorted(counts, key=lambda v: (-counts[v], v))]


__all__ = ["ANY", "FITS", "Filters", "ORDERS", "arrange_shortlist", "choices",
           "default_filters", "license_family", "shortlist_rows", "with_profiles"]
