"""The detail screen's headings: the model's line (verdict, counts, vendor, size,
license, context, access, what replaced its profile) and the openness grade's.

Everything a profile or a user's file wrote is made plain text.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from advisor.assessment.result import binding
from advisor.text import clean, plural
from advisor.tui.rows import format_parameters
from advisor.tui.widgets.badges import mof_text, osaid_text, verdict_text


def head_text(cand: Any, profile: Any, notes: list[str]) -> Text:
    """The model's heading: an assessment candidate, its profile (None when it has none)
    and the override notes that touch it."""
    head = Text()
    head.append(clean(cand.model), style="bold")
    head.append("  ")
    head.append_text(verdict_text(cand.model_verdict or cand.verdict))
    counts = cand.counts(model_only=True)
    head.append(f"   {counts['block']} block · {counts['condition']} condition · "
                f"{counts['info']} info", style="dim")
    duties = binding(f for f in cand.findings if f.deployment)
    if duties:
        head.append(f" · +{plural(len(duties), 'duty')}", style="dim")
    head.append("\n")
    hosted = profile is not None and profile.access == "api"
    size = ("size not published" if hosted and cand.parameters is None
            else f"{format_parameters(cand.parameters)} parameters")
    facts = [f"{clean(cand.vendor or '?')} · {clean(cand.family or '?')}", size,
             f"license {clean(cand.license)}"]
    if profile is not None and profile.context_length:
        facts.append(f"context {profile.context_length:,}")
    if profile is not None and profile.released:
        facts.append(f"released {profile.released}")
    if profile is not None and profile.gated:
        facts.append("gated on the Hub")
    if hosted and profile.api is not None:
        facts.append(f"hosted API ({clean(profile.api.provider)}: {clean(profile.api.model)})")
    if cand.basis != "profile" and cand.based_on:
        facts.append(f"assessed as {clean(cand.based_on)}")
    head.append(" · ".join(facts), style="")
    for note in notes:
        head.append(f"\n⚠ {clean(note)}", style="bold yellow")
    return head


def openness_text(openness: Any) -> Text:
    """'OSAID 1.0: … MOF class: …' with the reasons under it."""
    text = Text("OSAID 1.0: ", style="bold")
    text.append_text(osaid_text(openness.osaid))
    text.append("    MOF class: ", style="bold")
    text.append_text(mof_text(openness.mof_class))
    for reason in openness.reasons:
        text.append(f"\n  · {clean(reason)}", style="dim")
    return text


def override_notes(kb: Any, assessment: Any, candidate: Any) -> list[str]:
    """Profile overrides that touch this candidate: the override's id, file and hash
    (``kb.overrides``), else the assessment's notes that mention an override."""
    ids = {*(candidate.licenses or ()), str(candidate.model)}
    ids |= {f.origin.split(":", 1)[-1] for f in candidate.findings if f.origin}
    ids = {i.lower() for i in ids if i}
    out = []
    for entry in kb.overrides if kb is not None else ():
        shared = entry.kind in ("jurisdiction", "policy", "use-case")   # bear on every model
        if shared or entry.id.lower() in ids:
            out.append(f"{entry.kind or 'profile'} {entry.id} is replaced by your file "
                       f"{entry.file} (sha256 {entry.sha256[:12]}…)")
    if not out and assessment is not None:
        out = [str(n) for n in assessment.notes
               if any(w in str(n).lower() for w in ("overrid", "replace"))]
    return out
