"""The duties a decision takes on, each once: "must do" (binds these answers now) or "only
if" (with its trigger in words), each with an owner role and a "when".

A duty is a finding with an obligation, or a condition without one (it still needs doing).
It is "only if" when:

- its provision is not yet in force on the record's date (``upcoming``/``in_force``):
  "from 2027-08-02, when the provision applies";
- its rule names a trigger the answers cannot decide (``only_if`` in the profile);
- it is a license's notice duty for copies of the weights (code ``notice``) and the answers
  give no copies to anyone (not on_device or on_prem, no redistribution): it binds copies
  others receive;
- it is what the license asks once it ends (code ``termination``, an informational
  finding, a model with weights): "the license ends";
- it appears only under a what-if (``advisor.record.whatif``): fine-tuning, training on
  outputs, redistributing, crossing a user or revenue threshold.

Owner roles and "when" come from the finding's code (``OWNERS``, ``WHENS_BY_CODE``) and
can be set per code (``--owner CODE=ROLE``, ``--when CODE=WHEN``, or a YAML file).

    >>> duty = classify({"severity": "info", "code": "notice", "obligation": "Keep the NOTICE."},
    ...                 distributes=False, access="weights", date="2026-12-07")
    >>> duty["kind"], duty["trigger"]
    ('only_if', 'you give copies of the weights to others (publish them, ship them in a product or deliver them to customers)')
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

ROLES = ("engineering", "legal", "product")
WHENS = ("before launch", "on each release", "yearly")
WHEN_SPELLINGS = {"before-launch": "before launch", "before_launch": "before launch",
                  "launch": "before launch", "each-release": "on each release",
                  "on-each-release": "on each release", "release": "on each release",
                  "on_each_release": "on each release", "annually": "yearly"}
OWNERS: dict[str, str] = {
    "transparency": "product", "attribution": "product", "naming": "product",
    "hosted_service": "product", "user_threshold": "product",
    "notice": "engineering", "modification": "engineering", "output_training": "engineering",
    "domicile_exclusion": "engineering",
}
DEFAULT_OWNER = "legal"
WHENS_BY_CODE: dict[str, str] = {
    "notice": "on each release", "attribution": "on each release",
    "modification": "on each release", "naming": "on each release",
    "user_threshold": "yearly", "export_control": "yearly", "domicile_exclusion": "yearly",
    "use_policy": "yearly",
}
DEFAULT_WHEN = "before launch"
DISTRIBUTION = ("you give copies of the weights to others (publish them, ship them in a "
                "product or deliver them to customers)")
LICENSE_ENDS = "the license ends (you breach it, or the licensor ends it)"


def duty_text(finding: Mapping[str, Any]) -> str:
    return " ".join(str(finding.get("obligation") or finding.get("message") or "").split())


def is_duty(finding: Mapping[str, Any]) -> bool:
    """A finding the organisation must act on: it has an obligation, or is a condition."""
    return bool(finding.get("obligation")) or finding.get("severity") == "condition"


def _trigger(finding: Mapping[str, Any], distributes: bool, access: str,
             date: str | None) -> tuple[str | None, str | None]:
    """(trigger in words, trigger code) when ``finding`` binds only if something happens."""
    in_force = finding.get("in_force")
    if finding.get("upcoming") or (in_force and date and str(in_force) > date):
        return f"from {in_force}, when the provision applies", "date"
    if finding.get("only_if"):
        return str(finding["only_if"]), "rule"
    code = finding.get("code")
    if code == "notice" and access == "weights" and not distributes:
        return DISTRIBUTION, "redistribution"
    if code == "termination" and access == "weights" and finding.get("severity") == "info":
        return LICENSE_ENDS, "license_ends"
    return None, None


def classify(finding: Mapping[str, Any], *, distributes: bool, access: str,
             date: str | None, what_if: tuple[str, str] | None = None,
             owners: Mapping[str, str] | None = None,
             whens: Mapping[str, str] | None = None, scope: str = "model") -> dict[str, Any]:
    """One duty from a finding: text, kind, trigger, owner, when, scope and its source."""
    trigger, trigger_code = _trigger(finding, distributes, access, date)
    if what_if is not None:
        trigger = f"{what_if[0]} and {trigger}" if trigger else what_if[0]
        trigger_code = what_if[1]
    code = str(finding.get("code") or "")
    text = duty_text(finding)
    return {
        "id": "d-" + hashlib.sha256(f"{code}\n{finding.get('origin')}\n{text}".encode()
                                    ).hexdigest()[:10],
        "text": text, "kind": "only_if" if trigger else "must", "trigger": trigger,
        "trigger_code": trigger_code, "scope": scope, "code": code,
        "origin": finding.get("origin"), "severity": finding.get("severity"),
        "owner": (owners or {}).get(code) or OWNERS.get(code, DEFAULT_OWNER),
        "when": (whens or {}).get(code) or WHENS_BY_CODE.get(code, DEFAULT_WHEN),
        "source": finding.get("source"), "in_force": finding.get("in_force"),
        "confirmed": finding.get("confirmed", True),
    }


def duties_of(findings: Iterable[Mapping[str, Any]], *, distributes: bool, access: str,
              date: str | None, what_ifs: Iterable[Any] = (),
              owners: Mapping[str, str] | None = None,
              whens: Mapping[str, str] | None = None,
              deployment: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """Every duty once: the deployment's (``deployment``: findings that bind whatever model
    is chosen), then the model's, then what the what-ifs bring; must-do before only-if."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    common = dict(distributes=distributes, access=access, date=date, owners=owners,
                  whens=whens)

    def add(duty: dict[str, Any]) -> None:
        key = duty["text"].lower()
        if key and key not in seen:
            seen.add(key)
            out.append(duty)

    deployment = list(deployment)
    for f in deployment:
        if is_duty(f):
            add(classify(f, scope="deployment", **common))
    for f in findings:
        if is_duty(f) and f.get("severity") != "block":
            add(classify(f, scope="deployment" if f.get("deployment") else "model", **common))
    for w in what_ifs:
        for f in w.findings:
            add(classify(f, what_if=(w.trigger, w.code),
                         scope="deployment" if f.get("deployment") else "model", **common))
    return sorted(out, key=lambda d: (d["kind"] != "must", d["scope"] != "deployment"))


def differences(chosen: list[dict[str, Any]], other: list[dict[str, Any]]
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """How an alternative's own duties differ from the chosen model's: (the duties it adds,
    the chosen model's duties it does not carry). The deployment's duties are the same for
    every option and left out."""
    mine = {d["text"].lower() for d in chosen if d["scope"] == "model"}
    theirs = {d["text"].lower() for d in other if d["scope"] == "model"}
    adds = [d for d in other if d["scope"] == "model" and d["text"].lower() not in mine]
    lacks = [d for d in chosen if d["scope"] == "model" and d["text"].lower() not in theirs]
    return adds, lacks


def parse_setting(text: str, flag: str) -> tuple[str, str]:
    """``"transparency=product"`` -> ``("transparency", "product")`` for ``--owner``;
    ``"notice=each-release"`` -> ``("notice", "on each release")`` for ``--when``.
    ValueError names what is wrong.

    >>> parse_setting("notice=each-release", "--when")
    ('notice', 'on each release')
    """
    code, sep, value = text.partition("=")
    code, value = code.strip().lower(), " ".join(value.strip().lower().split())
    if not sep or not code or not value:
        raise ValueError(f"{text!r}: expected CODE=VALUE")
    if not code.replace("_", "").isalnum():
        raise ValueError(f"{code!r} is not a finding code (snake_case)")
    if flag == "--owner":
        if value not in ROLES:
            raise ValueError(f"{value!r} is not one of {', '.join(ROLES)}")
    else:
        value = WHEN_SPELLINGS.get(value.replace(" ", "-"), value)
        if value not in WHENS:
            raise ValueError(f"{value!r} is not one of {', '.join(WHENS)}")
    return code, value


def record_duties(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A record's duties; for a record written before duties were split, its chosen
    model's findings read conservatively (every duty "must do")."""
    if isinstance(record.get("duties"), list):
        return list(record["duties"])
    findings = (record.get("chosen") or {}).get("findings") or []
    return duties_of(findings, distributes=True, access="api", date=None)
