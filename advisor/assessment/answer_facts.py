"""What the rules read from one answers set, and the notes that say what was assumed.

The engine infers nothing silently. Two kinds of reading go beyond the answers as
written, and each is named in the assessment's ``notes``:

- *assumed*: a verdict-changing key the input left out took its default
  (``Answers.assumed``, CONTRACT §2);
- *inferred*: a data category the answers imply without naming it: a use case that
  always processes it (``data:`` of the use case in profiles/use-cases.yaml: medical advice
  is health data), or an audience whose own data it is when personal data is processed
  (patients: health data, GDPR Recital 35). Minors are not turned into `children` data:
  the laws on minors differ by age, so their rules read the audience and its age.

    >>> from advisor.answers import parse_answers
    >>> notes = answer_notes(parse_answers("organization: {domicile: DE}"), {})
    >>> notes[0].startswith("assumed, not answered:")
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.answers import Answers, implied_categories

# audience -> (data category, why): applies only when personal data is processed.
AUDIENCE_DATA = {
    "patients": ("health", "information collected in providing health care to a person is "
                           "data concerning health (GDPR Recital 35), PHI under HIPAA"),
}


def inferred_data(answers: Answers, use_cases: Mapping[str, Any]) -> dict[str, list[str]]:
    """The data categories the answers imply but do not name, each with what implies it:
    ``{"health": ["use case medical_advice"]}``."""
    answered = implied_categories(answers.data.categories)
    out: dict[str, list[str]] = {}
    for uc in answers.use_case.categories:
        info = use_cases.get(uc)
        for category in getattr(info, "data", ()) or ():
            if category not in answered:
                out.setdefault(category, []).append(f"use case {uc}")
    if "personal" in answered:
        for group in answers.audience.groups:
            category, _ = AUDIENCE_DATA.get(group, (None, ""))
            if category is not None and category not in answered:
                out.setdefault(category, []).append(f"audience {group}")
    return out


def data_facts(answers: Answers, use_cases: Mapping[str, Any]) -> frozenset[str]:
    """Every data category the rules see: answered, implied by an answered category
    (``special_category`` by health), and inferred (see :func:`inferred_data`)."""
    return implied_categories((*answers.data.categories, *inferred_data(answers, use_cases)))


def answer_facts(answers: Answers, use_cases: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of :class:`~advisor.knowledge.predicates.Facts` the answers decide (the
    same for every model): ``Facts(**answer_facts(answers, kb.use_cases))``."""
    return dict(
        commercial=answers.deployment.commercial, mode=answers.deployment.mode,
        mau=answers.organization.monthly_active_users, domicile=answers.organization.domicile,
        regions=frozenset(answers.deployment.regions),
        use_cases=frozenset(answers.use_case.categories),
        modalities=frozenset(answers.use_case.modalities),
        fine_tune=answers.needs.fine_tune, distill_outputs=answers.needs.distill_outputs,
        redistribute_weights=answers.needs.redistribute_weights,
        openness_required=answers.needs.openness,
        revenue=answers.organization.annual_revenue_usd,
        data=data_facts(answers, use_cases),
        audience=frozenset(answers.audience.groups),
        minimum_age=answers.audience.minimum_age,
    )


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(_shown(v) if not isinstance(v, dict) else
                         ", ".join(f"{k} (age {a})" for k, a in v.items()) for v in value)
    if isinstance(value, dict):
        return _shown(next(iter(value.values()), ""))
    return str(value)


def assumed_note(answers: Answers) -> str | None:
    """One line naming every assumed key with the value it took, or None."""
    if not answers.assumed:
        return None
    data = answers.to_dict()
    parts = []
    for key in answers.assumed:
        value: Any = data
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        parts.append(f"{key} = {_shown(value)}")
    return ("assumed, not answered: " + "; ".join(parts) + " (the defaults of the answers "
            "format; each can change the verdicts: answer it to be sure)")


def inferred_note(answers: Answers, use_cases: Mapping[str, Any]) -> str | None:
    """One line naming each inferred data category and what implies it, or None."""
    found = inferred_data(answers, use_cases)
    if not found:
        return None
    parts = [f"{category} (from {', '.join(why)})" for category, why in found.items()]
    return ("inferred: the data also holds " + "; ".join(parts) + ", beyond data.categories "
            f"[{', '.join(answers.data.categories)}]; the rules for those data apply "
            "(name them in data.categories to say so yourself)")


def answer_notes(answers: Answers, use_cases: Mapping[str, Any]) -> tuple[str, ...]:
    """The assumed and inferred notes of one answers set (CONTRACT §2: never silent)."""
    return tuple(n for n in (assumed_note(answers), inferred_note(answers, use_cases)) if n)
