"""The license-change watch: what a model's Hub card and license file say now, against
what its profile (or a decision record) says they said.

Pure: ``advisor.hub.card`` reads the Hub into a ``CardReading`` (``advisor.knowledge.hubcard``); this module compares
it and names every difference with both sides. ``advisor profiles watch`` compares a
reading with a profile (:func:`compare_with_profile`), ``advisor record verify`` compares
the Hub facts a record stored with today's (:func:`hub_moves`), and ``advisor profiles
draft`` writes a profile from the same reading, so a drafted profile watches clean.

What the profile says, field by field (profiles/README.md, ``profiles watch``):

- ``license`` / ``license_name``: its ``licenses`` (the card's tag must mean one of them);
- ``license_link``: its ``license_file.path``, its licenses' ``url`` and its ``sources``;
- ``gated``: ``gated``; ``extra_gated_eu_disallowed``: ``gate.eu_disallowed`` (a profile
  that is not gated says there is no gate at all); the other ``extra_gated_*`` fields:
  ``gate.sha256`` (:func:`gate_digest`);
- the LICENSE file: ``license_file.sha256``;
- the base-model chain: ``base_model``, then each profiled base's ``base_model``.

Where the profile records nothing (no hash yet, no base model) the reading is a note,
not a difference.

    Example (not run)::

        reading = CardReading(hub=HubFacts(repo_id="Qwen/Qwen3-8B", license_tag="mit",
                                           base_models=["Qwen/Qwen3-8B-Base"]))
        changes, notes = compare_with_profile(kb, kb.find_model("Qwen/Qwen3-8B"), reading)
        [(c.field, c.recorded, c.hub) for c in changes]
        # -> [('license', ['apache-2.0'], 'mit')]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from advisor.knowledge.hubcard import CardReading, FileReading, gate_digest, link_target
from advisor.knowledge.hubfacts import HubFacts
from advisor.knowledge.model import KnowledgeBase, LicenseFile, ModelProfile
from advisor.text import one_line

MAX_CHAIN = 5                     # links of a base-model chain compared
SHOWN = 120                       # characters of a Hub value quoted in a message


@dataclass(frozen=True)
class Change:
    """One difference: ``recorded`` is what the profile (or the record) says, ``hub``
    what the Hub says now; ``message`` names the field and shows both."""

    field: str        # license | license_name | license_link | gated | extra_gated_eu_disallowed
                      # | extra_gated | license_file | base_model
    recorded: Any
    hub: Any
    message: str

    def to_dict(self, recorded_as: str = "profile") -> dict[str, Any]:
        return {"field": self.field, recorded_as: self.recorded, "hub": self.hub,
                "message": self.message}


def shown(value: Any) -> str:
    """A Hub value quoted in one line, bounded: ``shown("a\\nb")`` -> ``"'a b'"``."""
    if value is None or value == ():
        return "none"
    return one_line(repr(value) if isinstance(value, str) else str(value), SHOWN)


# -- a reading against a profile --------------------------------------------------------------

def compare_with_profile(kb: KnowledgeBase, profile: ModelProfile, reading: CardReading
                         ) -> tuple[list[Change], list[str]]:
    """Every difference between ``reading`` and ``profile``, and notes for what the
    profile does not record (or the Hub would not show)."""
    changes: list[Change] = []
    notes: list[str] = list(reading.notes)
    hub = reading.hub
    _license(kb, profile, hub, changes, notes)
    _link(kb, profile, hub, changes)
    _gate(profile, reading, changes, notes)
    _license_file(profile.license_file, reading.license_file, changes, notes)
    _chain(kb, profile, reading, changes, notes)
    return changes, notes


def _license(kb: KnowledgeBase, profile: ModelProfile, hub: HubFacts,
             changes: list[Change], notes: list[str]) -> None:
    ids = " AND ".join(profile.licenses)
    if not hub.license_tag:
        notes.append(f"the card declares no license; the profile says {ids}")
        return
    declared = kb.license_for_hub(hub.license_tag, hub.license_name)
    if kb.same_terms(declared, profile.licenses):
        return
    known = [kb.licenses[lid] for lid in profile.licenses if lid in kb.licenses]
    meaning = f"the profile {declared.id}" if declared else "no license profile"
    if hub.license_tag == "other" and hub.license_name:
        names = sorted({n for lic in known for n in lic.hf_license_names} | set(profile.licenses))
        changes.append(Change("license_name", names, hub.license_name,
                              f"license_name: the card says license 'other', license_name "
                              f"{shown(hub.license_name)} "
                              f"(meaning {meaning}); the profile says {ids} "
                              f"(license_name {', '.join(names)})"))
        return
    tags = sorted({t for lic in known for t in lic.hf_license} | set(profile.licenses))
    changes.append(Change("license", tags, hub.license_tag,
                          f"license: the card says {shown(hub.license_tag)} (meaning {meaning}); "
                          f"the profile says {ids} (card tag {', '.join(tags)})"))


def profile_links(kb: KnowledgeBase, profile: ModelProfile) -> list[tuple[str, str]]:
    """Where the profile says its license text is: its license file, its licenses' pages,
    its sources (as :func:`link_target` reads them)."""
    urls = [lic.url for lid in profile.licenses if (lic := kb.licenses.get(lid))]
    urls += [s.url for s in profile.sources]
    out = [("repo", profile.license_file.path)] if profile.license_file else []
    for url in urls:
        target = link_target(url, profile.id)
        if target and target not in out:
            out.append(target)
    return out


def _link(kb: KnowledgeBase, profile: ModelProfile, hub: HubFacts, changes: list[Change]
          ) -> None:
    if not hub.license_link:
        return
    target = link_target(hub.license_link, profile.id)
    known = profile_links(kb, profile)
    if target is not None and target in known:
        return
    if target is not None and target[0] == "repo" and profile.license_file is None:
        return                       # the license file's own note says what to record
    said = [("" if kind == "url" else "repo file ") + where for kind, where in known]
    changes.append(Change("license_link", said, hub.license_link,
                          f"license_link: the card links {shown(hub.license_link)}; the profile "
                          f"cites {', '.join(said) if said else 'no license file or page'}"))


def _gate(profile: ModelProfile, reading: CardReading, changes: list[Change],
          notes: list[str]) -> None:
    hub = reading.hub
    if bool(hub.gated) != profile.gated:
        changes.append(Change("gated", profile.gated, hub.gated,
                              f"gated: the Hub says {shown(hub.gated)}; the profile says "
                              f"{str(profile.gated).lower()}"))
    gate = profile.gate
    if gate is not None or not profile.gated:
        eu = gate.eu_disallowed if gate is not None else False
        if hub.gated_eu_disallowed != eu:
            why = "" if gate is not None else " (not gated, so no gate)"
            changes.append(Change("extra_gated_eu_disallowed", eu, hub.gated_eu_disallowed,
                                  f"extra_gated_eu_disallowed: the card says "
                                  f"{str(hub.gated_eu_disallowed).lower()}; the profile says "
                                  f"{str(eu).lower()}{why}"))
    elif hub.gated_eu_disallowed:
        notes.append("the card sets extra_gated_eu_disallowed: true; the profile records no "
                     "gate (add gate: {eu_disallowed: true})")
    now = gate_digest(reading.gate)
    keys = ", ".join(k for k, _ in reading.gate)
    recorded = gate.sha256 if gate is not None else None
    if recorded is not None and recorded != now:
        changes.append(Change("extra_gated", recorded, now,
                              f"extra_gated_* fields changed: sha256 {recorded[:12]} in the "
                              f"profile; the card now has {shown(keys) if keys else 'none'}"
                              + (f" (sha256 {now[:12]})" if now else "")))
    elif recorded is None and now is not None:
        notes.append(f"no recorded hash of the gate's fields ({one_line(keys, SHOWN)}); "
                     f"sha256 now {now}")


def compare_license_file(profile: ModelProfile, now: FileReading | None
                         ) -> tuple[list[Change], list[str]]:
    """The license file read now against the one ``profile`` records: a changed or missing
    file is a change; no recorded hash, or a file that could not be read, a note."""
    changes: list[Change] = []
    notes: list[str] = []
    _license_file(profile.license_file, now, changes, notes)
    return changes, notes


def _license_file(recorded: LicenseFile | None, now: FileReading | None,
                  changes: list[Change], notes: list[str]) -> None:
    if now is None:
        if recorded is not None:
            changes.append(Change("license_file", recorded.sha256, None,
                                  f"license file {shown(recorded.path)}: the profile records "
                                  "it; the repo has no license file now"))
        return
    where = shown(now.path)
    if now.problem == "absent":
        if recorded is not None:
            changes.append(Change("license_file", recorded.sha256, None,
                                  f"license file {where}: the profile records it; the repo "
                                  "has no such file now"))
        return
    if now.sha256 is None:
        notes.append(f"license file {where} not read: {now.problem}")
        return
    if recorded is None or recorded.sha256 is None:
        notes.append(f"license file {where}: no recorded hash (sha256 now {now.sha256})")
        return
    if recorded.path != now.path:
        notes.append(f"the profile records {shown(recorded.path)}; read {where} instead")
    if recorded.sha256 != now.sha256:
        changes.append(Change("license_file", recorded.sha256, now.sha256,
                              f"license file {where} changed: sha256 {recorded.sha256[:12]} in "
                              f"the profile, {now.sha256[:12]} on the Hub "
                              f"({now.size if now.size is not None else '?'} bytes)"))


def profile_chain(kb: KnowledgeBase, profile: ModelProfile) -> list[str]:
    """The base-model chain the profiles say, nearest first: the profile's ``base_model``,
    then each profiled base's own (stops at a base without a profile or a loop)."""
    chain: list[str] = []
    seen = {profile.id.lower()}
    current: ModelProfile | None = profile
    while current is not None and current.base_model and len(chain) < MAX_CHAIN:
        if current.base_model.lower() in seen:
            break
        chain.append(current.base_model)
        seen.add(current.base_model.lower())
        current = kb.find_model(current.base_model)
    return chain


def hub_chain(hub: HubFacts) -> tuple[list[str], bool]:
    """The base-model chain the Hub declares, nearest first, and whether its end was seen
    (False when the last named base was not read: too deep, or the Hub would not show it)."""
    if not hub.base_models:
        return [], True
    chain = [hub.base_models[0]]
    for link in hub.base_chain:
        if not link.base_models:
            return chain, True
        chain.append(link.base_models[0])
    return chain, False


def _chain(kb: KnowledgeBase, profile: ModelProfile, reading: CardReading,
           changes: list[Change], notes: list[str]) -> None:
    said = profile_chain(kb, profile)
    now, ended = hub_chain(reading.hub)
    if not said:
        if now:
            notes.append(f"the card declares base model {shown(now[0])}; the profile names none")
        return
    compared = now[:len(said)]
    same = [b.lower() for b in compared] == [b.lower() for b in said[:len(compared)]]
    if same and len(compared) == len(said):
        return
    if same and compared and not ended:
        notes.append(f"base-model chain read only to {shown(compared[-1])}")
        return
    changes.append(Change("base_model", said, compared,
                          f"base-model chain: the Hub says "
                          f"{one_line(' -> '.join(compared), SHOWN) if compared else 'none'}; "
                          f"the profile says {' -> '.join(said)}"))


# -- a record's stored Hub facts against today's ---------------------------------------------

_MOVES = (("license_tag", "license"), ("license_name", "license_name"),
          ("license_link", "license_link"), ("gated", "gated"),
          ("gated_eu_disallowed", "extra_gated_eu_disallowed"))


def hub_moves(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
              ) -> list[Change]:
    """What moved on the Hub between two ``HubFacts.to_dict()`` of the same repo (a
    record's and today's): the card's license fields, its gate, the base-model chain and
    each base's license. Nothing when either side is missing.

    >>> [c.message for c in hub_moves({"repo_id": "o/m", "license_tag": "mit"},
    ...                                {"repo_id": "o/m", "license_tag": "other"})]
    ["license: the card said 'mit' when the record was written; it says 'other' now"]
    """
    if not before or not after:
        return []
    out = _facts_moves(before, after, "")
    old_chain = [b for b in before.get("base_chain") or [] if isinstance(b, Mapping)]
    new_chain = [b for b in after.get("base_chain") or [] if isinstance(b, Mapping)]
    old_ids = [str(x) for x in (before.get("base_models") or [])[:1]]
    new_ids = [str(x) for x in (after.get("base_models") or [])[:1]]
    if [b.lower() for b in old_ids] != [b.lower() for b in new_ids]:
        out.append(Change("base_model", old_ids[:1], new_ids[:1],
                          f"base model: the card declared {shown(', '.join(old_ids))} when the "
                          f"record was written; it declares {shown(', '.join(new_ids))} now"))
        return out
    for old, new in zip(old_chain, new_chain):
        if str(old.get("repo_id", "")).lower() != str(new.get("repo_id", "")).lower():
            break
        out.extend(_facts_moves(old, new, f"base model {shown(old.get('repo_id'))}: "))
    return out


def _facts_moves(before: Mapping[str, Any], after: Mapping[str, Any], prefix: str
                 ) -> list[Change]:
    out = []
    for key, name in _MOVES:
        old, new = before.get(key), after.get(key)
        if key == "gated_eu_disallowed":
            old, new = bool(old), bool(new)
        if old != new:
            out.append(Change(name, old, new,
                              f"{prefix}{name}: the card said {shown(old)} when the record was "
                              f"written; it says {shown(new)} now"))
    return out
