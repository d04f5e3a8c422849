"""The recommendation: a pure, deterministic function of an assessment, the profiles'
suitability facts and the hardware. No I/O, no clock.

Left out, each with its reason: blocked and unknown models, models lacking a modality
the answers need, models of a kind the use case cannot use (a base model for an
interactive use), models documented without tool calling where it is needed or with a
shorter context than the use case needs, hosted APIs where the model must ship with the
product, and local models that fit the hardware at no quantization.

The rest, best first: the fit tier first (runs well here, then a hosted API, then runs
but tight or slow, then size unknown, then fits only at a low quantization), then one
score (documented in README.md, "How the recommendation ranks") that adds the quality
signal, the use case's preferences and languages, and the model's own obligations;
then the newer release, the larger model, and last a digest of the model's facts, so
no tie is ever broken by its name.

    Example (not run)::

        rec = recommend(assessment, kb, simulated_hardware(ram_gb=128, vram_gb=80))
        rec.shortlist[0].fit, sorted(rec.excluded_counts())[:2]
        # -> ('gpu', ['base_model', 'blocked'])
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace

from advisor.assessment.result import Assessment, Candidate
from advisor.machine.hardware import GIB, Hardware
from advisor.knowledge.model import KnowledgeBase, ModelProfile
from advisor.recommend.fit import (
    DOES_NOT_RUN, HOSTED, RUNS, RUNS_WELL, RunFit, gb, hardware_words, run_fit,
)
from advisor.recommend.needs import UseNeeds, needs_of_answers
from advisor.recommend.result import (
    DEFAULT_TOP, Exclusion, Recommendation, ShortlistItem,
)
from advisor.recommend.signal import (
    Basis, Signal, effective_parameters, heuristic_signals, heuristic_value, heuristic_words,
    measured, pool_figures, relevant,
)
from advisor.recommend.words import (
    MODALITY_WORDS, article, fit_words, kind_words, languages_words, listing, obligation_words,
    short_message,
)

# The score's terms (README.md, "How the recommendation ranks").
PREFERRED_KIND = 0.15
KIND_UNKNOWN = -0.05
LANGUAGES_MISSING = -0.30          # scaled by the share of the answers' languages missing
LANGUAGES_UNKNOWN = -0.03
TOOLS_UNKNOWN = -0.10              # the use case needs tool calling, the profile is silent
TOOLS_PREFERRED = 0.05
CONTEXT_PREFERRED = 0.03
CONDITIONAL = -0.08                # the model's own verdict is conditional
UNNEEDED_INPUTS = -0.05            # built around image/audio input the answers do not need
SUPERSEDED = -0.15                 # a newer release of the same line also runs here
EXTRA_CONDITION = -0.02            # each further condition of its own, up to three
SHIPPED_MODES = ("on_device", "on_prem")   # the model ships with the product
UNNEEDED_INPUT_KINDS = ("vision_language", "omni")
SAME_SIZE = 0.15                   # parameter counts within 15% are the same size


@dataclass(frozen=True)
class _Usable:
    candidate: Candidate
    profile: ModelProfile | None
    fit: RunFit


def _profile(kb: KnowledgeBase, candidate: Candidate) -> ModelProfile | None:
    return kb.find_model(candidate.based_on or candidate.model)


def _exclusion(candidate: Candidate, profile: ModelProfile | None, needs: UseNeeds,
               mode: str) -> tuple[str, str] | None:
    """(code, reason) of the first reason the answers cannot use the model, else None."""
    if candidate.verdict == "blocked":
        blocks = [f for f in candidate.findings if f.severity == "block"]
        block = next((f for f in blocks if f.deployment), blocks[0])   # the deployment's first
        whose = "the deployment itself" if block.deployment else "its own terms"
        return "blocked", f"blocked by {whose}: {short_message(block)}"
    if candidate.verdict == "unknown":
        unknown = next((f for f in candidate.findings
                        if f.code in ("unknown_model", "unknown_license")), None)
        return "unknown", (f"unknown: {short_message(unknown)}" if unknown
                           else "unknown: its license could not be identified")
    has = profile.modalities if profile is not None else ()
    missing = [m for m in needs.modalities if m not in has]
    if profile is None and any(f.code == "capability" for f in candidate.findings):
        missing = missing or ["a modality"]
    elif profile is None:
        missing = []
    if missing:
        words = listing([MODALITY_WORDS.get(m, m) for m in missing])
        return "modality", f"lacks {words}, which your answers need"
    kind = profile.kind if profile is not None else None
    if kind == "base" and needs.interactive:
        return "base_model", (f"a base (pre-trained only) model: {needs.what} is interactive "
                              "and needs a chat-tuned model")
    if kind and needs.kinds and kind not in needs.kinds:
        return "kind", (f"{article(kind_words(kind))} model; {needs.what} needs "
                        f"{listing([kind_words(k) for k in needs.kinds], 'or')}")
    if needs.tool_calling and profile is not None and profile.tool_calling is False:
        return "tool_calling", f"documents no tool calling, which {needs.what} needs"
    context = profile.context_length if profile is not None else None
    if needs.context and context and context < needs.context:
        return "context", (f"its {context:,}-token context is shorter than the "
                           f"{needs.context:,} tokens {needs.what} needs")
    if candidate.access == "api" and mode in SHIPPED_MODES:
        return "hosted", (f"a hosted API cannot ship with your product (mode {mode}): the "
                          "model must run on your users' or customers' machines")
    return None


def _hardware_dict(hw: Hardware | None) -> dict:
    if hw is None:
        return {"source": "none", "words": hardware_words(None)}
    return {"source": hw.source, "ram_gb": round(hw.ram_available_bytes / GIB, 1),
            "vram_gb": round(hw.vram_free_bytes / GIB, 1), "gpu_offload": hw.gpu_offload,
            "words": hardware_words(hw)}


def _too_large(profile: ModelProfile | None, hw: Hardware | None) -> str:
    where = hardware_words(hw)
    if hw is not None and hw.gpu_offload and hw.vram_free_bytes:
        where += f" and {gb(hw.ram_available_bytes)} RAM"
    size = ""
    if profile is not None and profile.parameters:
        need = profile.parameters * 3.35 / 8
        size = (f" (rough: {profile.parameters / 1e9:.0f}B parameters, about {gb(need)} "
                "of weights at Q2_K alone)")
    return f"does not fit {where} at any quantization down to Q2_K{size}"


def _terms(item: _Usable, needs: UseNeeds) -> tuple[float, list[str]]:
    """The suitability and obligation terms of the score, with their reasons."""
    profile, candidate = item.profile, item.candidate
    score, why = 0.0, []
    kind = profile.kind if profile is not None else None
    if kind is None:
        score += KIND_UNKNOWN
        why.append("kind not profiled: its suitability for the use is unknown")
    elif kind in needs.prefer_kinds:
        score += PREFERRED_KIND
        why.append(f"{kind_words(kind)}, which {needs.what} prefers")
    elif kind in UNNEEDED_INPUT_KINDS and not needs.modalities:
        score += UNNEEDED_INPUTS
        why.append(f"{kind_words(kind)} model: built for input your answers do not need")
    else:
        why.append(f"{kind_words(kind)} model")
    if needs.languages:
        listed = profile.languages if profile is not None else ()
        if not listed:
            score += LANGUAGES_UNKNOWN
            why.append(f"languages not profiled (you serve {languages_words(needs.languages)})")
        else:
            missing = [c for c in needs.languages if c not in listed]
            if missing:
                score += LANGUAGES_MISSING * len(missing) / len(needs.languages)
                why.append(f"does not list {languages_words(missing)} among its languages")
            else:
                why.append(f"supports {languages_words(needs.languages)}")
    tools = profile.tool_calling if profile is not None else None
    if needs.tool_calling and tools is None:
        score += TOOLS_UNKNOWN
        why.append(f"tool calling not profiled ({needs.what} needs it)")
    elif tools and (needs.tool_calling or needs.prefer_tool_calling):
        score += TOOLS_PREFERRED
        why.append("documents tool calling")
    context = profile.context_length if profile is not None else None
    if needs.prefer_context and context and context >= needs.prefer_context:
        score += CONTEXT_PREFERRED
    own = [f for f in candidate.model_findings if f.severity == "condition"]
    if candidate.model_verdict == "conditional":
        score += CONDITIONAL + EXTRA_CONDITION * min(max(len(own) - 1, 0), 3)
    why.append(obligation_words(candidate, own))
    return score, why


def _facts_digest(candidate: Candidate, profile: ModelProfile | None) -> str:
    """A digest of the model's facts without its id: the last tie-break, between models
    that tie on everything the ranking weighs (sibling profiles differ in their sources'
    titles, "3B hybrid" against "3B dense transformer", where nothing else tells them
    apart)."""
    facts: tuple = (candidate.licenses, candidate.verdict, candidate.model_verdict,
                    len(candidate.findings))
    if profile is not None:
        facts += (profile.parameters, profile.active_parameters, profile.training_tokens,
                  profile.released, profile.context_length, profile.kind, profile.languages,
                  profile.tool_calling, profile.modalities, profile.access, profile.family,
                  profile.vendor, profile.notes, tuple(s.title for s in profile.sources),
                  tuple(sorted((k, c.status) for k, c in profile.openness.items())))
    return hashlib.sha256(repr(facts).encode()).hexdigest()


def _sort_key(item: ShortlistItem, profile: ModelProfile | None) -> tuple:
    """Best first: the fit tier, the score, the newer release, the larger model (the facts
    digest breaks what still ties, see :func:`_ordered`)."""
    released = profile.released if profile is not None else None
    day = dt.date.fromisoformat(released).toordinal() if released else 0
    size = effective_parameters(profile.parameters, profile.active_parameters) \
        if profile is not None else None
    return (item.run.tier, -round(item.score, 6), -day, -(size or 0.0))


def _ordered(keyed: list[tuple[tuple, ShortlistItem, ModelProfile | None]]) -> list[ShortlistItem]:
    """The items by key; a run of equal keys by the digest of each model's facts (computed
    only there: it is rarely needed)."""
    keyed.sort(key=lambda entry: entry[0])
    out: list[ShortlistItem] = []
    start = 0
    while start < len(keyed):
        end = start + 1
        while end < len(keyed) and keyed[end][0] == keyed[start][0]:
            end += 1
        run = keyed[start:end]
        if len(run) > 1:
            run.sort(key=lambda entry: _facts_digest(entry[1].candidate, entry[2]))
        out.extend(entry[1] for entry in run)
        start = end
    return out


def recommend(assessment: Assessment, kb: KnowledgeBase, hardware: Hardware | None, *,
              top: int = DEFAULT_TOP) -> Recommendation:
    """The models ``assessment``'s answers can use on ``hardware``, best first (see the
    module docstring); ``top`` bounds the shortlist, ``ranked`` holds them all."""
    answers: Mapping = assessment.answers
    needs = needs_of_answers(kb, answers)
    mode = (answers.get("deployment") or {}).get("mode", "")
    usable: list[_Usable] = []
    excluded: list[Exclusion] = []
    for candidate in assessment.candidates:
        profile = _profile(kb, candidate)
        out = _exclusion(candidate, profile, needs, mode)
        fit = None
        if out is None:
            fit = run_fit(profile.parameters if profile else candidate.parameters,
                          profile.active_parameters if profile else None, hardware,
                          context=needs.fit_context, interactive=needs.interactive,
                          hosted=candidate.access == "api",
                          context_train=profile.context_length if profile else None)
            if fit.tier == DOES_NOT_RUN:
                out = ("hardware", _too_large(profile, hardware))
        if out is not None:
            excluded.append(Exclusion(candidate.model, out[0], out[1], candidate.verdict,
                                      candidate.model_verdict))
        else:
            usable.append(_Usable(candidate, profile, fit))
    ranked = _rank(usable, needs, kb, hardware, _successors(usable))
    return Recommendation(
        answers=dict(answers), needs=needs, hardware=_hardware_dict(hardware),
        deployment_duties=assessment.deployment_duties, ranked=ranked,
        excluded=tuple(excluded), top=max(int(top), 0), notes=assessment.notes,
        profiles_digest=assessment.profiles_digest)


def _basis(usable: list[_Usable], kb: KnowledgeBase) -> Basis:
    """The heuristic's scale: the largest model that runs here (well or not, never a
    model that only barely fits), the newest release profiled."""
    sizes = [effective_parameters(u.profile.parameters, u.profile.active_parameters)
             for u in usable if u.profile is not None and u.fit.tier in (RUNS_WELL, RUNS)]
    newest = max((m.released for m in kb.models.values() if m.released), default=None)
    return Basis(largest=max((s for s in sizes if s), default=None), newest=newest)


def _same_line(older: ModelProfile, newer: ModelProfile) -> bool:
    """``newer`` is a later release of ``older``'s line: same family and kind, the same
    effective size within SAME_SIZE (so a mixture of experts never replaces a dense
    model), released later."""
    if older.family != newer.family or older.kind != newer.kind or not older.kind:
        return False
    if not (older.released and newer.released and newer.released > older.released):
        return False
    old_size = effective_parameters(older.parameters, older.active_parameters)
    new_size = effective_parameters(newer.parameters, newer.active_parameters)
    if not (old_size and new_size):
        return False
    return abs(new_size - old_size) <= SAME_SIZE * old_size


def _successors(usable: list[_Usable]) -> dict[str, str]:
    """Usable model id -> the newest usable release of its line (where one exists)."""
    lines: dict[tuple, list[ModelProfile]] = {}
    for item in usable:
        if item.profile is not None and item.profile.kind:
            lines.setdefault((item.profile.family, item.profile.kind), []).append(item.profile)
    out = {}
    for profiles in lines.values():
        for older in profiles:
            newer = [p for p in profiles if _same_line(older, p)]
            if newer:
                out[older.id.lower()] = max(newer, key=lambda p: p.released or "").id
    return out


def _key(item: _Usable) -> str:
    """The id quality tables score: the profile's (a GGUF repo is scored as its model)."""
    return (item.profile.id if item.profile is not None else item.candidate.model).lower()


def _signals(usable: list[_Usable], needs: UseNeeds, kb: KnowledgeBase) -> dict[str, Signal]:
    """Each usable model's quality signal: its published figures among the models here,
    else the heuristic (signal.py)."""
    tables = [t for t in kb.quality.values()
              if relevant(t, needs.use_cases, needs.modalities)]
    figures = pool_figures(tables, (_key(u) for u in usable))
    out: dict[str, Signal] = {}
    for item in usable:
        found = measured(figures.get(_key(item), ()))
        if found is not None:
            out[_key(item)] = found
    basis = _basis(usable, kb)
    raw, words = {}, {}
    for item in usable:
        profile = item.profile
        facts = ((profile.parameters, profile.active_parameters, profile.released)
                 if profile is not None else (item.candidate.parameters, None, None))
        raw[_key(item)] = heuristic_value(*facts, basis)
        words[_key(item)] = heuristic_words(*facts)
    guessed = heuristic_signals(raw, words)
    return {key: out.get(key, guessed[key]) for key in raw}


def _rank(usable: list[_Usable], needs: UseNeeds, kb: KnowledgeBase,
          hardware: Hardware | None, successors: dict[str, str]) -> tuple[ShortlistItem, ...]:
    signals = _signals(usable, needs, kb)
    hw_words = hardware_words(hardware)
    keyed = []
    for item in usable:
        profile, candidate = item.profile, item.candidate
        signal = signals[_key(item)]
        terms, reasons = _terms(item, needs)
        successor = successors.get(profile.id.lower()) if profile is not None else None
        if successor:
            terms += SUPERSEDED
            reasons.append(f"superseded by {successor}, a newer release of the same line")
        provider = profile.api.provider if profile is not None and profile.api else None
        fit_text = fit_words(item.fit, hw_words, profile.parameters if profile else None,
                             provider)
        entry = ShortlistItem(
            rank=0, model=candidate.model, verdict=candidate.verdict,
            model_verdict=candidate.model_verdict, run=item.fit, score=signal.value + terms,
            quality=signal, why=(fit_text, *reasons, signal.words), candidate=candidate,
            kind=profile.kind if profile else None,
            vendor=profile.vendor if profile else candidate.vendor)
        keyed.append((_sort_key(entry, profile), entry, profile))
    return tuple(replace(entry, rank=index) for index, entry in enumerate(_ordered(keyed), 1))


__all__ = ["recommend"]
