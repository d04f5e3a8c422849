"""Pure helpers that turn an assessment into candidate-table rows: sort, filter, search.

No Textual here, so the ranking logic is testable and fast.

    Example (not run)::

        rows = candidate_rows(assessment.candidates, hardware=simulated_hardware(ram_gb=16))
        [r.model_id for r in arrange(rows, best_first=True, verdict="allowed", query="qwen")]
        # -> ['Qwen/Qwen2.5-0.5B-Instruct']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from advisor.gguf.fit import parameters_fit
from advisor.machine.hardware import Hardware
from advisor.text import clean
from advisor.vocab import FIT_RANK, SEVERITY_RANK, UNKNOWN_FIT, VERDICT_RANK, VERDICTS

FILTERS = ("all", "allowed", "conditional", "blocked", "unknown")


@dataclass(frozen=True)
class Row:
    """One line of the candidates table."""

    model_id: str
    verdict: str
    license: str
    osaid: str
    mof_class: str
    parameters: float | None
    fit: str
    worst_rank: int          # position in the assessment (0 = worst)
    blocks: int = 0
    conditions: int = 0
    obligations: int = 0
    reason: str = ""         # the worst finding in a few words
    # From the recommendation (advisor.recommend), where the table shows it:
    rank: int | None = None              # its place in the shortlist; None: left out
    model_verdict: str = ""              # the verdict of the model's own findings
    excluded: str = ""                   # why the answers cannot use it
    why: tuple[str, ...] = ()            # the recommendation's reasons, in words
    quant: str | None = None             # the quantization the fit was judged at
    tier: str = ""                       # runs_well | hosted | runs | unknown | barely
    kind: str | None = None
    vendor: str | None = None
    modalities: tuple[str, ...] = ()
    license_family: str = ""

    def key(self) -> str:
        return self.model_id.lower()


ABBREVIATIONS = (("Instruct", "Inst"), ("Vision", "Vis"), ("Preview", "Prev"),
                 ("Reasoning", "Reas"), ("Distill", "Dist"), ("Chat", "Ch"))
# Findings from the law of a region or the organization's policies hit every model alike;
# a row's reason prefers what is particular to the model (its license, its use policy).
SHARED_ORIGINS = ("jurisdiction", "policy:", "organization")
ORDER_NOTE = "verdict, then fewest obligations, then fit"


def short_reason(findings: Sequence[Any]) -> str:
    """The worst finding in a few words: its code and the first clause of its message.

    >>> short_reason([{"severity": "block", "code": "user_threshold",
    ...                "message": "Above 700 million monthly users: ask Meta for a license"}])
    'user threshold: Above 700 million monthly users'
    """
    worst, best = None, (9, True)
    for finding in findings:
        get = finding.get if isinstance(finding, dict) else \
            (lambda key, f=finding: getattr(f, key, None))
        rank = SEVERITY_RANK.get(get("severity"), 3)
        if rank >= 2:
            continue
        key = (rank, str(get("origin") or "").startswith(SHARED_ORIGINS))
        if key < best:
            worst, best = finding, key
    if worst is None:
        return "only notices" if findings else "no findings"

    message = clean(_get(worst, "message") or "")
    for stop in (":", ";", ".", ",", " ("):
        cut = message.find(stop)
        if 12 <= cut <= 60:
            message = message[:cut]
            break
    code = clean(_get(worst, "code") or "").replace("_", " ")
    return f"{code}: {message}" if message else code


def once_per(shared: Any, memo: dict[int, tuple[Any, Any]], make: Callable[[], Any]) -> Any:
    """``make()`` once per object ``shared`` (by identity: the assessment gives the models
    of one license and law the same findings tuple), kept in ``memo``:

    >>> memo, calls = {}, []
    >>> once_per(t := (1,), memo, lambda: calls.append(1) or "x"), once_per(t, memo, list)
    ('x', 'x')
    """
    known = memo.get(id(shared))
    if known is None or known[0] is not shared:
        known = memo[id(shared)] = (shared, make())
    return known[1]


def display_ids(model_ids: Sequence[str], width: int) -> dict[str, str]:
    """A label per id that fits ``width`` and that tells the ids apart: the whole id when it
    fits, else the repo name without its owner, else the name's start and end around "…"
    (the size and variant at the end are what differ between siblings).

    >>> display_ids(["meta-llama/Llama-3.2-1B-Instruct"], 24)
    {'meta-llama/Llama-3.2-1B-Instruct': 'Llama-3.2-1B-Instruct'}
    """
    def fit(text: str) -> str:
        import re

        for long, short in ABBREVIATIONS:
            if len(text) <= width:
                return text
            text = re.sub(long, lambda m, s=short: s if m.group()[0].isupper() else s.lower(),
                          text, flags=re.IGNORECASE)
        if len(text) <= width:
            return text
        tail = (width - 1) * 3 // 5
        return text[: width - 1 - tail] + "…" + text[len(text) - tail:]

    labels = {}
    for model_id in model_ids:
        labels[model_id] = model_id if len(model_id) <= width else fit(model_id.split("/")[-1])
    seen: dict[str, list[str]] = {}
    for model_id, label in labels.items():
        seen.setdefault(label.lower(), []).append(model_id)
    for ids in seen.values():
        names = {i.split("/")[-1].lower() for i in ids}
        if len(ids) > 1 and len(names) == len(ids):     # clipped alike: keep what differs
            for model_id in ids:
                labels[model_id] = distinct_tail(model_id.split("/")[-1], ids, width)
        elif len(ids) > 1:                    # the same name under two owners: keep owners
            for model_id in ids:
                labels[model_id] = fit(model_id)
    return labels


def distinct_tail(name: str, ids: Sequence[str], width: int) -> str:
    """``name`` from where it starts to differ from its siblings', clipped to ``width``."""
    others = [i.split("/")[-1] for i in ids]
    common = 0
    while all(len(o) > common and o[common].lower() == name[common].lower() for o in others) \
            and common < len(name) - 1:
        common += 1
    start = max(0, common - 4)
    text = ("…" if start else "") + name[start:]
    return text if len(text) <= width else text[: width - 1] + "…"


def format_parameters(parameters: float | None) -> str:
    """1.24e9 -> '1.2B', 1.35e8 -> '135M', None -> '?'."""
    if not parameters:
        return "?"
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if parameters >= scale:
            value = parameters / scale
            return f"{value:.1f}{suffix}" if value < 10 else f"{value:.0f}{suffix}"
    return f"{parameters:.0f}"


def format_bytes(count: float | None) -> str:
    """1536 -> '1.5 KiB'; None -> 'unknown'."""
    from advisor.hub.pull import human_bytes

    return "unknown" if count is None else human_bytes(float(count))


def format_duration(seconds: float | None) -> str:
    """75 -> '1:15'; None -> '--:--'."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "--:--"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def candidate_fit(candidate: Any, parameters: float | None, hardware: Hardware | None) -> str:
    """Where the candidate runs on ``hardware`` (:mod:`advisor.gguf.fit`): ``hosted`` for a
    hosted API model, else the fit of a Q4_K_M build of ``parameters`` weights, ``?``
    without hardware: ``candidate_fit({"access": "api"}, None, None)`` -> ``'hosted'``."""
    hosted = _get(candidate, "access") == "api"
    if hardware is None and not hosted:
        return UNKNOWN_FIT
    return parameters_fit(parameters, hosted=hosted,
                          ram_bytes=hardware.ram_available_bytes if hardware else 0,
                          vram_bytes=hardware.vram_free_bytes if hardware else 0,
                          gpu_offload=bool(hardware and hardware.gpu_offload))


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def candidate_id(candidate: Any) -> str:
    model = _get(candidate, "model")
    if isinstance(model, str):
        return model
    return str(_get(model, "id", model))


def candidate_rows(candidates: Sequence[Any], hardware: Hardware | None) -> list[Row]:
    """Rows in assessment order (worst first)."""
    rows = []
    reasons: dict[int, tuple[Any, Any]] = {}
    for index, cand in enumerate(candidates):
        model = _get(cand, "model")
        parameters = _get(cand, "parameters")
        if parameters is None and not isinstance(model, str):
            parameters = _get(model, "parameters")
        openness = _get(cand, "openness") or {}
        findings = _get(cand, "findings") or ()
        severities = [_get(f, "severity") for f in findings]
        rows.append(Row(
            model_id=candidate_id(cand),
            verdict=str(_get(cand, "verdict", "unknown")),
            model_verdict=str(_get(cand, "model_verdict", "") or ""),
            license=str(_get(cand, "license") or "?"),
            osaid=str(_get(openness, "osaid", "unknown")),
            mof_class=str(_get(openness, "mof_class", "none")),
            parameters=parameters,
            fit=candidate_fit(cand, parameters, hardware),
            worst_rank=index,
            blocks=severities.count("block"),
            conditions=severities.count("condition"),
            obligations=len(_get(cand, "obligations") or ()),
            reason=once_per(findings, reasons, lambda: short_reason(findings)),
        ))
    return rows


def arrange(rows: Iterable[Row], *, best_first: bool = True, verdict: str = "all",
            query: str = "") -> list[Row]:
    """Filter by verdict and id substring, then order: worst first keeps the assessment's
    order; best first orders as a user chooses: the best verdict, then the fewest
    obligations (and blocks), then the best fit, then the id."""
    needle = query.strip().lower()
    picked = [r for r in rows
              if (verdict == "all" or r.verdict == verdict) and needle in r.model_id.lower()]
    if best_first:
        picked.sort(key=lambda r: (VERDICT_RANK.get(r.verdict, len(VERDICTS)), r.blocks,
                                   r.obligations, r.conditions, FIT_RANK.get(r.fit, 4),
                                   r.model_id.lower()))
    else:
        picked.sort(key=lambda r: r.worst_rank)
    return picked


def verdict_counts(rows: Iterable[Row], *, own: bool = False) -> dict[str, int]:
    """How many rows have each verdict; with ``own``, each model's own verdict (what its
    license and terms say, the deployment's duties left out) where the row has one."""
    counts = {v: 0 for v in VERDICTS}
    for row in rows:
        verdict = (row.model_verdict or row.verdict) if own else row.verdict
        counts[verdict] = counts.get(verdict, 0) + 1
    return counts


def next_in(options: Sequence[str], current: str) -> str:
    """The option after ``current``, wrapping around."""
    try:
        return options[(options.index(current) + 1) % len(options)]
    except ValueError:
        return options[0]
