"""The Markdown pieces of a record's comparison: the table, the choice, the risks.

Each function takes the record's ``comparison`` section (or None, then it adds nothing)
as :func:`advisor.record.markdown.render_markdown` passes it: already escaped for
Markdown by :func:`advisor.record.escape.markdown_view`, the one layer that does so.

    Example (not run)::

        comparison_lines(record.data["comparison"])[0]   # '### Comparison'
"""

from __future__ import annotations

from typing import Any

from advisor.record.md_text import cell


def _num(value: Any, spec: str, unit: str = "") -> str:
    return "--" if not isinstance(value, (int, float)) else f"{value:{spec}}{unit}"


def _vendor(name: str | None, vendor: str | None) -> str:
    return f"{name} ({vendor or 'vendor not known'})"


def _row(c: dict[str, Any], section: dict[str, Any]) -> str:
    chosen = section.get("chosen") or section.get("model_candidate")   # the record's choice
    role = (" (chosen)" if c["model"] == chosen else
            " (fallback)" if c["model"] == section.get("fallback") else "")
    checks = "--" if c.get("error") else f"{c.get('checks_passed')}/{c.get('checks_total')}"
    rss = c.get("peak_rss_bytes")
    cells = [f"{c['model']}{role}", c.get("kind"), c.get("profile"), c.get("vendor"),
             c.get("verdict"), c.get("obligations"), checks,
             _num(c.get("ttft_seconds"), ".3f"), _num(c.get("prompt_tokens_per_second"), ".0f"),
             _num(c.get("tokens_per_second"), ".1f"),
             _num(rss / 2**20 if isinstance(rss, int) else None, ".0f", " MiB"),
             c.get("error")]
    return "| " + " | ".join(cell(x) for x in cells) + " |"


def _settings(section: dict[str, Any]) -> str:
    s = section.get("settings") or {}
    parts = [f"{label} {s[key]}" for key, label in (("n_ctx", "n_ctx"), ("threads", "threads"),
                                                     ("gpu", "GPU"), ("seed", "seed"))
             if s.get(key) is not None]
    return f"Suite {section.get('suite') or 'unnamed'}" + (
        f"; every candidate ran with the same settings: {', '.join(parts)}" if parts else "")


def fallback_sentence(section: dict[str, Any]) -> str:
    """The fallback and its vendor, or that there is none from a different vendor."""
    fallback, differs = section.get("fallback"), section.get("fallback_vendor_differs")
    if fallback and differs:
        return (f"Fallback: {_vendor(fallback, section.get('fallback_vendor'))}, from a "
                "different vendor than the chosen one (the diversification the sources "
                "recommend).")
    if fallback and differs is False:
        return (f"Fallback: {_vendor(fallback, section.get('fallback_vendor'))}, from the same "
                "vendor as the chosen one: no fallback from a different vendor.")
    if fallback:
        return (f"Fallback: {_vendor(fallback, section.get('fallback_vendor'))}; whether its "
                "vendor differs from the chosen one's is not known.")
    reason = section.get("fallback_reason")
    return "No fallback from a different vendor" + (f": {reason}." if reason else ".")


def comparison_lines(section: dict[str, Any] | None) -> list[str]:
    """``### Comparison``: settings, the table of candidates and figures, chosen, fallback."""
    if not section:
        return []
    lines = ["### Comparison", "", _settings(section) + ".", "",
             "| candidate | kind | profile | vendor | verdict | obligations | checks | "
             "ttft s | pp t/s | decode t/s | peak RSS | error |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    lines += [_row(c, section) for c in section.get("candidates") or []]
    lines.append("")
    chosen = section.get("chosen")
    lines.append(f"Chosen in the comparison: {_vendor(chosen, section.get('chosen_vendor'))}."
                 if chosen else "The comparison chose no candidate.")
    lines.append(fallback_sentence(section))
    if section.get("chosen_note"):
        lines.append(f"Note: {section['chosen_note']}.")
    unverifiable = section.get("unverifiable") or []
    if unverifiable:
        lines.append("Not verifiable later: " + "; ".join(
            f"{u.get('candidate')}{' at ' + u['origin'] if u.get('origin') else ''} "
            f"({u.get('reason')})" for u in unverifiable) + ".")
    return lines + [""]


def comparison_reason(section: dict[str, Any] | None) -> str:
    """A clause for the decision's "because": the record's model's figures in the comparison."""
    if not section or not section.get("model_candidate"):
        return ""
    row = next((c for c in section.get("candidates") or []
                if c["model"] == section["model_candidate"]), None)
    if row is None:
        return ""
    if row.get("error"):
        return f"; in the comparison ({section.get('suite')}) it could not run: {row['error']}"
    speed = (f", {row['tokens_per_second']:.1f} tokens/s decode"
             if isinstance(row.get("tokens_per_second"), (int, float)) else "")
    picked = "chosen" if section.get("chosen_is_model") else "not the comparison's choice"
    return (f"; in the comparison (suite {section.get('suite')}) it passed "
            f"{row.get('checks_passed')} of {row.get('checks_total')} checks{speed} "
            f"({picked}; see Comparison)")


def comparison_consequences(section: dict[str, Any] | None) -> list[str]:
    """Consequences: a fallback from a different vendor, or the lack of one as a risk."""
    if not section:
        return []
    fallback, differs = section.get("fallback"), section.get("fallback_vendor_differs")
    lines = []
    if fallback and differs:
        lines.append(f"* Good, because a fallback from a different vendor is ready: "
                     f"{_vendor(fallback, section.get('fallback_vendor'))}")
    elif fallback and differs is False:
        lines.append(f"* Bad, because the fallback {fallback} is from the same vendor "
                     f"({section.get('fallback_vendor')}) as the chosen model: no fallback from "
                     "a different vendor, so one vendor stays a single dependency (risk)")
    else:
        why = section.get("fallback_reason") or "the comparison names none"
        if fallback:
            why = f"the vendor of {fallback} or of the chosen model is not known"
        lines.append(f"* Bad, because there is no fallback from a different vendor ({why}): "
                     "one vendor stays a single dependency (risk)")
    if section.get("chosen_is_model") is False:
        lines.append(f"* Bad, because {section.get('chosen_note')}")
    return lines


def comparison_reproducibility(section: dict[str, Any] | None) -> list[str]:
    """More Information: the files and revisions ``record verify`` re-checks."""
    if not section:
        return []
    lines = [f"* compared GGUF {f.get('file') or f.get('path')} ({f.get('candidate')}): sha256 "
             f"`{f.get('sha256')}`" + (f", {f['bytes']:,} bytes" if isinstance(f.get("bytes"), int)
                                       else "")
             for f in section.get("files") or []]
    lines += [f"* compared build {r.get('repo')}/{r.get('file')}: Hub commit `{r.get('commit')}`"
              for r in section.get("revisions") or []]
    return lines
