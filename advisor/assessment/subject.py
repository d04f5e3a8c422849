"""The subject of an assessment: which profile (or profiled base model, or Hub card alone)
governs a repo id, under which licenses, and the findings that say how that was decided.

Pure: it reads the knowledge base and the Hub facts it is given. Every message it writes
is named below, so a wording lives in one place.

    Example (not run)::

        resolve("bartowski/Llama-3.2-1B-Instruct-GGUF", kb, None).based_on
        # -> 'meta-llama/Llama-3.2-1B-Instruct'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.assessment.findings import GGUF_METADATA_SOURCE, card, engine_finding
from advisor.assessment.result import Finding
from advisor.frozen import frozen
from advisor.knowledge.model import KnowledgeBase, License, ModelProfile
from advisor.vocab import Basis

if TYPE_CHECKING:          # Hub facts come only with a repo the profiles lack
    from advisor.knowledge.hubfacts import HubFacts

# A profiled model.
CARD_DISAGREES = ("The Hub card declares license {declared}, but the profile says {profiled}; "
                  "check which terms apply.")
DRAFT_PROFILE = ("The profile of {model} is a draft (confirmed: false in {file}): its license "
                 "and facts were read from the Hub and not yet checked by a person.")
GGUF_CONVERSION = ("{repo} is a GGUF conversion of {model} listed in its profile; assessed "
                   "under its licenses.")
# A repo the profiles do not have.
NO_FACTS = ("{repo} is not in the profiles and no Hub facts were available; its license "
            "cannot be checked.")
BASE_FROM_FILE = ("{repo}: the base model {base} was read from the GGUF file's metadata "
                  "(general.base_model), which anyone can write; check that the file derives "
                  "from it.")
BOTH_LICENSES = ("{repo} declares {declared}, but its base model {base} is under {base_licenses}; "
                 "both sets of terms are applied, since the base model's license governs "
                 "derivatives of its weights.")
BASE_LICENSE = "{repo} declares license {declared}; assessed under its base model {base}'s license."
DERIVES_FROM = "{repo} derives from {base} and carries its obligations."
UNRECOGNIZED = ("{repo} declares license {declared}, which the profiles do not recognize, and "
                "no base model in its chain is profiled.")
UNRECOGNIZED_CHAIN = ("{repo} declares license {declared}, which the profiles do not recognize; "
                      "assessed under its base models' licenses ({licenses}).")
CARD_ONLY = ("{repo} is not profiled; assessed from its Hub card alone (license {licenses}). "
             "Check the card and the files before relying on it.")
# A GGUF file's own `general.license`.
FILE_DISAGREES = ("{repo}: the GGUF file's metadata says license {file_license}, the Hub card "
                  "{declared}; check which terms apply.")
FILE_LICENSE = ("{repo}: license {file_license} was read from the GGUF file's metadata "
                "(general.license), which anyone can write; check it against the model's own "
                "license file before relying on it.")


@frozen
class Subject:
    """The model as the rules see it, wherever its facts came from."""

    repo_id: str
    profile: ModelProfile | None
    licenses: tuple[str, ...]
    basis: Basis
    based_on: str | None
    findings: tuple[Finding, ...]
    modalities: tuple[str, ...] = ("text",)


def resolve(repo_id: str, kb: KnowledgeBase, hub: HubFacts | None) -> Subject:
    """Find the profile (or the profiled base model) that governs ``repo_id``."""
    profile = kb.find_model(repo_id)
    if profile is not None:
        return _profiled(repo_id, profile, kb, hub)
    if hub is None:
        return Subject(repo_id, None, (), "none", None, (engine_finding(
            "condition", "unknown_model", NO_FACTS.format(repo=repo_id)),))
    return _from_hub(hub, kb)


def _declared(facts: HubFacts) -> str:
    """The license a Hub card declares, as written: ``other (name)`` for a named other."""
    if facts.license_tag == "other" and facts.license_name:
        return f"other ({facts.license_name})"
    return facts.license_tag or "none"


def _hub_license(kb: KnowledgeBase, facts: HubFacts) -> License | None:
    return kb.license_for_hub(facts.license_tag, facts.license_name)


def _profiled(repo_id: str, profile: ModelProfile, kb: KnowledgeBase,
              hub: HubFacts | None) -> Subject:
    """A repo the profiles have: the model itself, or one of its ``gguf_repos``."""
    findings: list[Finding] = []
    if hub is not None and hub.license_tag:
        if not kb.same_terms(_hub_license(kb, hub), profile.licenses):
            findings.append(engine_finding("condition", "review", CARD_DISAGREES.format(
                declared=_declared(hub), profiled=" AND ".join(profile.licenses)),
                card(repo_id)))
    if not profile.confirmed:
        findings.append(engine_finding("condition", "review", DRAFT_PROFILE.format(
            model=profile.id, file=profile.file), card(profile.id)))
    wanted = repo_id.strip().lower()
    if profile.id.lower() == wanted:
        return Subject(profile.id, profile, profile.licenses, "profile", None, tuple(findings),
                       profile.modalities)
    gguf_id = next((r for r in profile.gguf_repos if r.lower() == wanted), repo_id.strip())
    findings.append(engine_finding("info", "base_model", GGUF_CONVERSION.format(
        repo=gguf_id, model=profile.id), card(gguf_id)))
    return Subject(gguf_id, profile, profile.licenses, "base_model", profile.id,
                   tuple(findings), profile.modalities)


def _from_hub(hub: HubFacts, kb: KnowledgeBase) -> Subject:
    """A repo the profiles lack: under its first profiled base model, else its card."""
    from advisor.knowledge.hubfacts import hub_modalities

    declared, findings = _file_license(kb, hub, _hub_license(kb, hub))
    modalities = hub_modalities(hub)
    for base in _bases(hub):
        base_profile = kb.find_model(base.repo_id)
        if base_profile is not None:
            return _under_base(hub, base, base_profile, declared, findings, modalities)

    # No profiled base: take every license the chain declares (the bases' terms bind too).
    repo, src = hub.repo_id, card(hub.repo_id)
    chain_licenses = [lic.id for lic in (_hub_license(kb, b) for b in hub.base_chain) if lic]
    licenses = tuple(dict.fromkeys([*([declared.id] if declared else []), *chain_licenses]))
    if not licenses:
        findings.append(engine_finding("condition", "unknown_license", UNRECOGNIZED.format(
            repo=repo, declared=_declared(hub)), src))
        return Subject(repo, None, (), "hub", None, tuple(findings), modalities)
    if declared is None:
        findings.append(engine_finding("condition", "review", UNRECOGNIZED_CHAIN.format(
            repo=repo, declared=_declared(hub), licenses=", ".join(licenses)), src))
    findings.append(engine_finding("condition", "review", CARD_ONLY.format(
        repo=repo, licenses=" AND ".join(licenses)), src))
    return Subject(repo, None, licenses, "hub", None, tuple(findings), modalities)


def _under_base(hub: HubFacts, base: HubFacts, base_profile: ModelProfile,
                declared: License | None, findings: list[Finding],
                modalities: tuple[str, ...]) -> Subject:
    """A repo assessed under its profiled base model, with the licenses both declare."""
    repo, src = hub.repo_id, card(hub.repo_id)
    if base.repo_id in hub.gguf_base_models and base not in hub.base_chain:
        findings.append(engine_finding("condition", "review", BASE_FROM_FILE.format(
            repo=repo, base=base_profile.id), GGUF_METADATA_SOURCE))
    licenses = base_profile.licenses
    if declared is not None and declared.id not in base_profile.licenses:
        licenses = (*base_profile.licenses, declared.id)
        findings.append(engine_finding("condition", "review", BOTH_LICENSES.format(
            repo=repo, declared=declared.id, base=base_profile.id,
            base_licenses=" AND ".join(base_profile.licenses)), src))
    elif declared is None:
        findings.append(engine_finding("info", "base_model", BASE_LICENSE.format(
            repo=repo, declared=_declared(hub), base=base_profile.id), src))
    else:
        findings.append(engine_finding("info", "base_model", DERIVES_FROM.format(
            repo=repo, base=base_profile.id), src))
    merged = tuple(dict.fromkeys((*base_profile.modalities, *modalities)))
    return Subject(repo, base_profile, licenses, "base_model", base_profile.id,
                   tuple(findings), merged)


def _bases(hub: HubFacts) -> list[HubFacts]:
    """The Hub's base chain, then the base models a GGUF file's metadata names."""
    from advisor.knowledge.hubfacts import HubFacts

    known = {b.repo_id.lower() for b in hub.base_chain}
    extra = [HubFacts(repo_id=r) for r in hub.gguf_base_models if r.lower() not in known]
    return [*hub.base_chain, *extra]


def _file_license(kb: KnowledgeBase, hub: HubFacts,
                  declared: License | None) -> tuple[License | None, list[Finding]]:
    """The license to assess under when the card names none the profiles know but the GGUF
    file's ``general.license`` does, with a review condition saying where it came from."""
    if not hub.gguf_license:
        return declared, []
    from_file = kb.license_for_hub(hub.gguf_license)
    if from_file is None or (declared is not None and declared.id == from_file.id):
        return declared, []
    if declared is not None:
        return declared, [engine_finding("condition", "review", FILE_DISAGREES.format(
            repo=hub.repo_id, file_license=from_file.id, declared=declared.id),
            GGUF_METADATA_SOURCE)]
    return from_file, [engine_finding("condition", "review", FILE_LICENSE.format(
        repo=hub.repo_id, file_license=from_file.id), GGUF_METADATA_SOURCE)]
