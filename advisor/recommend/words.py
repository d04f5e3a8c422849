"""Short reasons in words for the recommendation: the fit, the kind, the languages,
the model's own obligations.

    >>> kind_words("coder")
    'code-specialised'
    >>> languages_words(["de", "fr"])
    'German and French'
"""

from __future__ import annotations

from collections.abc import Sequence

from advisor.assessment.result import Candidate, Finding
from advisor.languages import language_name
from advisor.recommend.fit import (
    BARELY, FIT_UNKNOWN, HOSTED, RUNS, RUNS_WELL, RunFit, gb, hardware_words,
)

KIND_WORDS = {
    "base": "base (pre-trained only)", "instruct": "instruction-tuned", "reasoning": "reasoning",
    "coder": "code-specialised", "vision_language": "vision-language",
    "omni": "omni (text, image and audio)", "image_generation": "image-generation",
    "video_generation": "video-generation", "embedding": "embedding (vectors, no text)",
    "guard": "safety classifier (guard)", "speech": "speech",
}
MODALITY_WORDS = {"image_input": "image input", "audio_input": "audio input",
                  "image_output": "image output", "text": "text", "code": "code"}


def article(words: str) -> str:
    """'an image-generation' / 'a base (pre-trained only)'."""
    return f"{'an' if words[:1].lower() in 'aeio' else 'a'} {words}"


def kind_words(kind: str | None) -> str:
    return KIND_WORDS.get(kind or "", kind or "kind not profiled")


def listing(items: Sequence[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def languages_words(codes: Sequence[str]) -> str:
    return listing([language_name(c) or c for c in codes])


def _size(parameters: float) -> str:
    return f"{parameters / 1e9:.0f}B" if parameters >= 10e9 else f"{parameters / 1e9:.1f}B"


def _context(tokens: int) -> str:
    return f"{tokens // 1024}k" if tokens >= 1024 and tokens % 1024 == 0 else f"{tokens:,}"


def fit_words(fit: RunFit, hw_words: str, parameters: float | None,
              provider: str | None = None) -> str:
    """How the model runs here, one clause, the rough basis named."""
    if fit.tier == HOSTED:
        who = f" ({provider})" if provider else ""
        return (f"hosted API{who}: not held to your hardware (prompts and data go to the "
                "provider)")
    if fit.tier == FIT_UNKNOWN:
        return "size not profiled: whether it runs on your hardware is unknown"
    basis = f"rough: from {_size(parameters)} parameters" if parameters else "rough"
    basis += f" at {_context(fit.context)} context" if fit.context else ""
    speed = (f", about {fit.tokens_per_second:.0f} tokens/s"
             if fit.tokens_per_second is not None and fit.where != "gpu" else "")
    spare = f"{gb(fit.spare_bytes)} to spare" if fit.spare_bytes is not None else ""
    if fit.where == "gpu":
        place = f"wholly on {hw_words}"
    elif fit.where == "partial":
        place = f"split between {hw_words} and RAM"
    else:
        place = "on your CPU" if "CPU" not in hw_words else f"on {hw_words}"
    if fit.tier == RUNS_WELL:
        return f"runs {place} at {fit.quant}{speed}, {spare} ({basis})"
    if fit.tier == RUNS:
        return (f"fits {place} at {fit.quant}, but tight or slow{speed}, {spare} ({basis})")
    if fit.tier == BARELY and fit.quant in ("Q3_K_M", "Q2_K"):
        return (f"fits {place} only at {fit.quant}, which loses quality{speed} ({basis})")
    if fit.tier == BARELY:
        return f"fits {place} at {fit.quant} but crawls{speed} ({basis})"
    return f"does not fit {hw_words} at any quantization down to Q2_K ({basis})"


def obligation_words(candidate: Candidate, own: Sequence[Finding] | None = None) -> str:
    """'apache-2.0: notices only' / 'llama3.3: 2 conditions of its own (attribution, use
    policy)'; ``own``: the candidate's own conditions, where already at hand."""
    if own is None:
        own = [f for f in candidate.model_findings if f.severity == "condition"]
    if not own:
        return f"{candidate.license}: notices only"
    codes = listing(list(dict.fromkeys(f.code.replace("_", " ") for f in own)))
    n = len(own)
    return f"{candidate.license}: {n} condition{'s' if n > 1 else ''} of its own ({codes})"


def short_message(finding: Finding, limit: int = 110) -> str:
    """A finding in one short clause: 'code: first sentence [section]'."""
    message = " ".join(finding.message.split())
    for stop in (". ", "; ", ": "):
        cut = message.find(stop)
        if 20 <= cut <= limit:
            message = message[:cut]
            break
    if len(message) > limit:
        message = message[: limit - 1] + "…"
    section = f" [{finding.source.section}]" if finding.source.section else ""
    return f"{finding.code.replace('_', ' ')}: {message}{section}"


__all__ = ["KIND_WORDS", "MODALITY_WORDS", "article", "fit_words", "hardware_words", "kind_words",
           "languages_words", "listing", "obligation_words", "short_message"]
