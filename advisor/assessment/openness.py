"""Openness grades derived from a model's Model Openness Framework components.

The MOF class is the highest class whose required components are all released under
an open license of their type (classes are cumulative). The OSI Open Source AI
Definition 1.0 needs data information, code and parameters under open terms.

    >>> grade(profile.openness, weights_license_open=True)
    Openness(osaid='pass', mof_class='I', ...)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from advisor.knowledge.model import COMPONENT_TYPES, Component

CLASS_III = ("model_architecture", "model_parameters_final", "model_card", "data_card",
             "technical_report", "evaluation_results")
CLASS_II = CLASS_III + ("training_code", "inference_code", "evaluation_code", "evaluation_data")
CLASS_I = CLASS_II + ("datasets", "data_preprocessing_code", "model_parameters_intermediate",
                      "research_paper")
# OSAID 1.0: data information (a complete description of the data), the complete code
# to train and run (data processing, training, inference, architecture), the parameters.
OSAID_REQUIRED = ("data_card", "data_preprocessing_code", "training_code", "inference_code",
                  "model_architecture", "model_parameters_final")

OPEN_CODE = {"apache-2.0", "mit", "bsd-2-clause", "bsd-3-clause", "isc", "mpl-2.0",
             "gpl-2.0", "gpl-3.0", "lgpl-2.1", "lgpl-3.0", "agpl-3.0", "epl-2.0",
             "openmdw-1.0", "unlicense", "zlib", "bsl-1.0"}
OPEN_DATA = {"apache-2.0", "mit", "cdla-permissive-1.0", "cdla-permissive-2.0", "cc0-1.0",
             "cc-by-4.0", "cc-by-3.0", "cc-by-sa-4.0", "pddl-1.0", "odc-by-1.0", "odc-by",
             "odbl-1.0", "openmdw-1.0", "bsd-3-clause"}
OPEN_DOCUMENT = {"cc-by-4.0", "cc-by-3.0", "cc-by-sa-4.0", "cc0-1.0", "openmdw-1.0",
                 "apache-2.0", "mit"}
OPEN_BY_TYPE = {"code": OPEN_CODE, "data": OPEN_DATA, "document": OPEN_DOCUMENT}


@dataclass(frozen=True)
class Openness:
    osaid: str                                   # pass | fail | unknown
    mof_class: str                               # I | II | III | none
    components: dict[str, str] = field(default_factory=dict)   # id -> open|restricted|...
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"osaid": self.osaid, "mof_class": self.mof_class,
                "components": dict(self.components), "reasons": list(self.reasons)}


def component_is_open(component_id: str, component: Component | None) -> bool:
    """Open means status ``open`` and a license that is open for the component's type."""
    if component is None or component.status != "open":
        return False
    accepted = OPEN_BY_TYPE[COMPONENT_TYPES[component_id]]
    return (component.license or "").strip().lower() in accepted


def effective_status(component_id: str, component: Component | None) -> str:
    if component is None:
        return "unknown"
    if component.status == "open" and not component_is_open(component_id, component):
        return "restricted"
    return component.status


def _class_met(required: tuple[str, ...], statuses: Mapping[str, str]) -> bool:
    return all(statuses.get(c) == "open" for c in required)


def weights_license_open(license_ids: Sequence[str], licenses: Mapping[str, Any]) -> bool | None:
    """Whether every license on the weights is OSI-approved; None when there is none or
    one has no profile: ``weights_license_open(["apache-2.0"], kb.licenses) -> True``."""
    if not license_ids or any(lid not in licenses for lid in license_ids):
        return None
    return all(licenses[lid].osi_approved for lid in license_ids)


def grade(components: Mapping[str, Component], *, weights_license_open: bool | None) -> Openness:
    """Derive the OSAID grade and MOF class. ``weights_license_open`` says whether every
    license on the weights is OSI-approved (None when unknown)."""
    statuses = {cid: effective_status(cid, components.get(cid)) for cid in COMPONENT_TYPES}
    if _class_met(CLASS_I, statuses):
        mof = "I"
    elif _class_met(CLASS_II, statuses):
        mof = "II"
    elif _class_met(CLASS_III, statuses):
        mof = "III"
    else:
        mof = "none"

    reasons = []
    failing = [c for c in OSAID_REQUIRED if statuses[c] in ("restricted", "not_released")]
    unknown = [c for c in OSAID_REQUIRED if statuses[c] == "unknown"]
    if weights_license_open is False:
        reasons.append("the weights' license is not OSI-approved")
    if failing:
        reasons.append("not released under open terms: " + ", ".join(failing))
    if weights_license_open is False or failing:
        osaid = "fail"
    elif unknown or weights_license_open is None:
        osaid = "unknown"
        reasons.append("not known: " + ", ".join(unknown or ["the weights' license"]))
    else:
        osaid = "pass"
    return Openness(osaid=osaid, mof_class=mof, components=statuses, reasons=tuple(reasons))
