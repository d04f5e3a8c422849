"""What ``advisor record`` reads beyond the answers: the options weighed (``--consider``),
who owns each duty and when (``--owner``, ``--when``, ``--duties FILE``), and the chosen
model a comparison names. Each problem is an InputError (exit 2, one line).

    >>> owners, whens = duty_settings(["notice=legal"], ["notice=yearly"], None)
    >>> owners, whens
    ({'notice': 'legal'}, {'notice': 'yearly'})
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor.errors import InputError


def duty_settings(owner: list[str], when: list[str], path: str | None
                  ) -> tuple[dict[str, str], dict[str, str]]:
    """Owner role and "when" per finding code: ``--duties FILE`` first, then the options."""
    from advisor.record.duties import parse_setting

    owners: dict[str, str] = {}
    whens: dict[str, str] = {}
    if path:
        from advisor.yamlio import load_yaml_text, read_text

        data = load_yaml_text(read_text(Path(path)), path)
        if not isinstance(data, dict) or set(data) - {"owners", "when"}:
            raise InputError(path, "expected a mapping with `owners:` and/or `when:` "
                             "(finding code -> value)")
        for key, target, flag in (("owners", owners, "--owner"), ("when", whens, "--when")):
            section = data.get(key) or {}
            if not isinstance(section, dict):
                raise InputError(path, f"{key}: expected a mapping of finding code -> value")
            for code, value in section.items():
                try:
                    k, v = parse_setting(f"{code}={value}", flag)
                except ValueError as exc:
                    raise InputError(path, str(exc), field=f"{key}.{code}") from None
                target[k] = v
    for values, target, flag in ((owner, owners, "--owner"), (when, whens, "--when")):
        for text in values:
            try:
                k, v = parse_setting(text, flag)
            except ValueError as exc:
                raise InputError(None, str(exc), field=flag) from None
            target[k] = v
    return owners, whens


def considered_ids(text: str | None, kb: Any, offline: bool) -> tuple[list[str] | None, dict]:
    """``--consider ID,...`` as canonical ids, with the Hub facts of unprofiled ones; an id
    neither profiled nor found on the Hub is exit 2 with the closest profiled ids."""
    from advisor.commands.common import split_ids

    ids = split_ids(text)
    if ids is None:
        return None, {}
    if not ids:
        raise InputError(None, "no model ids given", field="--consider")
    out, unprofiled = [], []
    for model_id in ids:
        profile = kb.find_model(model_id)
        if profile is not None:
            out.append(profile.id)
            continue
        from advisor.hub.checks import check_repo_id

        check_repo_id(model_id, field="--consider")
        unprofiled.append(model_id)
        out.append(model_id)
    facts: dict = {}
    why: dict[str, str] = {}
    if unprofiled and not offline:
        from advisor.hub.facts import hub_facts_for

        facts, warnings = hub_facts_for(unprofiled)
        for warning in warnings:
            who = warning.split(":", 1)[0]
            why[who] = warning.split(":", 1)[-1].strip()
    missing = [m for m in unprofiled if m not in facts]
    if missing:
        from advisor.assessment.gates import unresolved_line

        for m in missing:
            why.setdefault(m, "the Hub was not asked: offline" if offline else "")
        line = unresolved_line(missing, [m.id for m in kb.models.values()], why)
        raise InputError(None, line.split("; --allow-unknown")[0], field="--consider")
    return list(dict.fromkeys(out)), facts


def model_of_comparison(doc: dict[str, Any] | None, kb: Any) -> str | None:
    """The profile of the candidate a comparison chose (None when it chose none or its
    choice is not linked to a profile)."""
    if not doc or not doc.get("chosen"):
        return None
    row = next((r for r in doc.get("candidates") or [] if r.get("model") == doc["chosen"]), {})
    profile = kb.find_model(str(row.get("profile") or "")) if row.get("profile") else None
    return profile.id if profile is not None else None
