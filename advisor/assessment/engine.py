"""The assessment: a pure, deterministic function of answers, profiles and Hub facts.

    Example (not run)::

        result = assess(answers, kb, model_ids=["meta-llama/Llama-3.2-1B-Instruct"])
        result.candidates[0].verdict   # 'conditional'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from advisor.answers import Answers
from advisor.assessment.answer_facts import answer_facts, answer_notes
from advisor.assessment.coverage import Coverage, answers_coverage, coverage_findings
from advisor.assessment.findings import OPENNESS_SOURCE, OSAID_SOURCE, engine_finding
from advisor.assessment.law import Law, iso_day
from advisor.assessment.openness import Openness, grade, weights_license_open
from advisor.assessment.result import Assessment, Candidate, Finding, finding_rank
from advisor.assessment.shared import Shared
from advisor.assessment.subject import resolve
from advisor.knowledge.model import KnowledgeBase, ModelProfile, Source

if TYPE_CHECKING:
    from advisor.knowledge.hubfacts import HubFacts

# Modalities a model must have to serve the answers; any text model writes code, so
# `code` is never a missing capability.
CHECKED_MODALITIES = ("image_input", "audio_input", "image_output")
MODALITY_WORDS = {"text": "text", "code": "code", "image_input": "image input",
                  "audio_input": "audio input", "image_output": "image output"}


def capability_findings(wanted: Iterable[str], has: Iterable[str]) -> list[Finding]:
    """A condition when the answers need a modality the model does not have.

    >>> [f.message[:40] for f in capability_findings(["image_output"], ["text"])]
    ['Your answers need image output, which th']
    """
    has = tuple(has)
    missing = [m for m in CHECKED_MODALITIES if m in wanted and m not in has]
    if not missing:
        return []
    need = " and ".join(MODALITY_WORDS[m] for m in missing)
    lists = ", ".join(MODALITY_WORDS.get(m, m) for m in has) or "nothing"
    return [engine_finding(
        "condition", "capability",
        f"Your answers need {need}, which this model does not offer (its profile lists "
        f"{lists}): as profiled it cannot serve the use you described.",
        obligation=f"Use a model that offers {need}, or pair this one with one that does.")]


def _gate_findings(hub: HubFacts | None, profile: ModelProfile | None, places: set[str],
                   eu: frozenset[str]) -> list[Finding]:
    """What the Hub's access gate means: gated repos say so; a gate closed to the EU
    (``extra_gated_eu_disallowed``) blocks an EU domicile or EU end users."""
    if hub is None and (profile is None or not profile.gated):
        return []                     # the common case: a profiled model with no gate
    repo = hub.repo_id if hub is not None else (profile.id if profile else "")
    out = []
    if (hub is not None and hub.gated) or (hub is None and profile is not None and profile.gated):
        out.append(engine_finding(
            "info", "gated", "The Hub repository is gated: accept its terms on the Hub "
            "(and use a token) before downloading.",
            Source(title="Hugging Face model card", section="access gate",
                   url=f"https://huggingface.co/{repo}")))
    if hub is not None and hub.gated_eu_disallowed and not hub.gated:
        # The flag without a gate: whether the Hub enforces it is disputed, so it is read
        # as a sign of the vendor's intent, to be reviewed, not as a closed gate.
        if places & eu:
            out.append(engine_finding(
                "condition", "eu_flag_without_gate",
                f"The card of {repo} sets extra_gated_eu_disallowed although the repository "
                "is not gated: the Hub may not enforce it, but it signals that the terms are "
                "not meant for the EU; have legal review it before an EU deployment.",
                Source(title="Hugging Face model card", section="extra_gated_eu_disallowed",
                       url=f"https://huggingface.co/{repo}")))
    elif hub is not None and hub.gated_eu_disallowed:
        hit = sorted(places & eu)
        if hit:
            out.append(engine_finding(
                "block", "domicile_exclusion",
                f"The Hub gate of {repo} is closed to the European Union "
                f"(extra_gated_eu_disallowed), and the answers name EU places ({', '.join(hit)}): "
                "the terms are not offered to EU-domiciled licensees or EU users.",
                Source(title="Hugging Face model card", section="extra_gated_eu_disallowed",
                       url=f"https://huggingface.co/{repo}")))
    return out


def _parameters(profile: ModelProfile | None, hub: HubFacts | None) -> float | None:
    """The profile's parameter count, else the one the Hub's reply states."""
    if profile is not None and profile.parameters:
        return profile.parameters
    return hub.parameters if hub is not None else None


def _openness_findings(openness: Openness, answers: Answers, profile: ModelProfile | None,
                       licenses: Sequence[str] = (),
                       weights_open: bool | None = None) -> list[Finding]:
    """The `needs.openness` check: levels any < open_weights < open_license < osaid."""
    wanted = answers.needs.openness
    if wanted == "osaid":
        if openness.osaid == "fail":
            return [engine_finding("block", "openness",
                                    "Open Source AI (OSAID 1.0) is required, and this model fails "
                                    f"it: {'; '.join(openness.reasons)}.", OSAID_SOURCE)]
        if openness.osaid == "unknown":
            return [engine_finding("condition", "openness",
                                    "Open Source AI (OSAID 1.0) is required, and this model's "
                                    f"grade is unknown: {'; '.join(openness.reasons)}.",
                                    OSAID_SOURCE)]
    if wanted in ("open_weights", "open_license"):
        weights = profile.openness.get("model_parameters_final") if profile else None
        status = weights.status if weights is not None else "unknown"
        if status == "not_released":
            return [engine_finding("block", "openness",
                                    "Open weights are required, and the final weights are not "
                                    "released.", OPENNESS_SOURCE)]
        if status not in ("open", "restricted"):
            return [engine_finding("condition", "openness",
                                    "Open weights are required, and whether the final weights "
                                    f"are downloadable is not known (status {status}).",
                                    OPENNESS_SOURCE)]
    if wanted == "open_license":
        if weights_open is False:
            return [engine_finding("block", "openness",
                                    "Weights under an OSI-approved license are required, and "
                                    f"{' AND '.join(licenses)} is not OSI-approved.",
                                    OPENNESS_SOURCE)]
        if weights_open is None:
            return [engine_finding("condition", "openness",
                                    "Weights under an OSI-approved license are required, and "
                                    "whether every license on the weights is OSI-approved is "
                                    "not known.", OPENNESS_SOURCE)]
    return []


def assess_one(repo_id: str, answers: Answers, kb: KnowledgeBase,
               hub: HubFacts | None = None, *, today: str | dt.date | None = None,
               shared: Shared | None = None) -> Candidate:
    """Assess one model; see :func:`assess` (which passes ``shared``: what is the same
    for every model of one answers set, built once)."""
    if shared is None:
        shared = Shared(answers, kb, iso_day(today))
    subject = resolve(repo_id, kb, hub)
    profile = subject.profile
    unknown = [engine_finding("condition", "unknown_license",
                              f"License {lid!r} has no profile; its terms are unknown.")
               for lid in subject.licenses if lid not in kb.licenses]
    weights_open = weights_license_open(subject.licenses, kb.licenses)
    openness = grade(profile.openness if profile else {}, weights_license_open=weights_open)

    facts = shared.facts.with_model(
        model_id=subject.repo_id.lower(),
        model_modalities=frozenset(subject.modalities),
        vendor=(profile.vendor if profile else subject.repo_id.split("/")[0]).lower(),
        family=(profile.family if profile else "").lower(),
        licenses=frozenset(subject.licenses),
        license_osi_approved=weights_open,
        osaid=openness.osaid, mof_class=openness.mof_class,
        training_flop=profile.training_flop if profile else None,
        parameters=_parameters(profile, hub),
        access=profile.access if profile else "weights",
        api_provider=(profile.api.provider.lower() if profile and profile.api else ""),
    )
    rules = shared.model_rules(subject.licenses, profile.use_policies if profile else (),
                               facts)
    # Law and organization policies apply to any model, identified or not.
    law = shared.law.findings(facts)
    after: list[Finding] = []
    if profile is not None or subject.licenses:
        after.extend(_openness_findings(openness, answers, profile, subject.licenses,
                                        weights_open))
    after.extend(capability_findings(answers.use_case.modalities, subject.modalities))
    after.extend(_gate_findings(hub, profile, shared.places, shared.eu))

    listed = shared.listed(subject.findings, unknown, rules, law, after)
    return Candidate(
        model=subject.repo_id, licenses=subject.licenses, verdict=listed.verdict,
        model_verdict=listed.model_verdict, findings=listed.findings,
        obligations=listed.obligations, openness=openness,
        family=profile.family if profile else None, vendor=profile.vendor if profile else None,
        parameters=_parameters(profile, hub),
        basis=subject.basis, based_on=subject.based_on,
        access=profile.access if profile else "weights",
    )


def deployment_duties(answers: Answers, kb: KnowledgeBase, *, coverage: Coverage | None = None,
                      law: "Law | None" = None) -> tuple[Finding, ...]:
    """The findings that bind the deployment whatever model is chosen, each once, worst
    first: places whose law was not assessed, and every law or policy rule whose `when:`
    asks nothing about the model."""
    coverage = coverage or answers_coverage(answers, kb)
    law = law or Law.build(kb, answers, answer_facts(answers, kb.use_cases))
    found = [*coverage_findings(coverage, kb), *law.duties()]
    return tuple(sorted(dict.fromkeys(found), key=finding_rank))


def assess(answers: Answers, kb: KnowledgeBase, model_ids: Iterable[str] | None = None,
           hub_facts: Mapping[str, HubFacts] | None = None, *,
           today: str | dt.date | None = None) -> Assessment:
    """Assess ``model_ids`` (default: every profiled model), worst first.

    ``hub_facts`` maps repo ids (any case) to what the Hub said about them. ``today``
    (an ISO date, given by the caller: the engine reads no clock) dates the assessment:
    a rule whose ``in_force`` is later reads "From <date> (not yet in force)" and cannot
    block. Without it no date is compared.
    """
    today = iso_day(today)
    hub_by_id = {k.lower(): v for k, v in (hub_facts or {}).items()}
    ids = list(dict.fromkeys(model_ids)) if model_ids is not None else \
        [m.id for m in kb.models.values()]
    shared = Shared(answers, kb, today)
    candidates = [assess_one(mid, answers, kb, hub_by_id.get(mid.lower()), today=today,
                             shared=shared)
                  for mid in ids]
    candidates.sort(key=Candidate.sort_key)
    return Assessment(answers=answers.to_dict(), candidates=tuple(candidates),
                      profiles_digest=kb.digest,
                      notes=(*kb.override_notes(), *answer_notes(answers, kb.use_cases)),
                      coverage=shared.coverage.to_dict(), today=today,
                      deployment_duties=deployment_duties(answers, kb, coverage=shared.coverage,
                                                          law=shared.law))
