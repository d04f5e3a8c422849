"""What would bind the chosen model if something the answers deny happened: the "only if"
duties a record lists beside what must be done now.

Each what-if changes one fact of the answers (fine-tuning, training other models on the
outputs, redistributing the weights, crossing a user or revenue threshold that some rule
names) and assesses the chosen model again with the same engine; the findings that appear
only then are the duties of that trigger, each with the trigger in words. Pure: the
knowledge base, the answers and the date in, findings out.

For Llama 3.2 served to 50,000 users, ``what_ifs(answers, kb, "meta-llama/Llama-3.2-1B-Instruct")``
gives "you fine-tune the model" (the naming rule, the EU provider duties) and "you reach
more than 700 million monthly active users" (the license's separate-license block).

    >>> words(700_000_000)
    '700 million'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_THRESHOLDS = 4            # user or revenue thresholds tried, lowest first
_MAU_KEYS = ("mau_over", "mau_at_least")
_REVENUE_KEYS = ("revenue_over",)


@dataclass(frozen=True)
class WhatIf:
    trigger: str                       # completes "Only if ...": "you fine-tune the model"
    code: str                          # fine_tune | distill_outputs | redistribution | users | revenue
    findings: tuple[dict[str, Any], ...]


def words(number: float) -> str:
    """700000000 -> '700 million'; 1e25 -> '10^25'; 20000000 -> '20 million'.

    >>> words(700_000_000), words(5e6), words(1500)
    ('700 million', '5 million', '1,500')
    """
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if scale <= number < scale * 1000:
            return f"{number / scale:g} {word}"
    if number >= 1e15:
        text = str(int(number))
        return f"10^{len(text) - 1}" if text.strip("0") == "1" else f"{number:.2e}"
    return f"{number:,.0f}"


def _limits(when: Any, keys: tuple[str, ...]) -> list[float]:
    out: list[float] = []
    if isinstance(when, Mapping):
        for key, value in when.items():
            if key in keys and isinstance(value, (int, float)) and not isinstance(value, bool):
                out.append(float(value))
            elif key in ("any", "all", "not"):
                for item in value if isinstance(value, list) else [value]:
                    out += _limits(item, keys)
    elif isinstance(when, list):
        for item in when:
            out += _limits(item, keys)
    return out


def _rules(kb: Any) -> Iterable[Any]:
    for group in (kb.licenses, kb.use_policies, kb.jurisdictions, kb.policies):
        for item in group.values():
            yield from item.rules


def thresholds(kb: Any, keys: tuple[str, ...], above: float) -> list[float]:
    """The distinct limits of ``keys`` that rules name, above ``above``, lowest first."""
    found = {v for rule in _rules(kb) for v in _limits(rule.when, keys) if v >= above}
    return sorted(found)[:MAX_THRESHOLDS]


def _key(f: dict[str, Any]) -> tuple:
    return (f.get("code"), f.get("origin"), f.get("obligation") or f.get("message"))


def _variants(answers: Any, kb: Any) -> list[tuple[str, str, Any]]:
    needs, org, dep = answers.needs, answers.organization, answers.deployment
    out: list[tuple[str, str, Any]] = []
    if not needs.fine_tune:
        out.append(("you fine-tune the model", "fine_tune",
                    answers.with_changes("needs", fine_tune=True)))
    if not needs.distill_outputs:
        out.append(("you train other models on its outputs", "distill_outputs",
                    answers.with_changes("needs", distill_outputs=True)))
    if not needs.redistribute_weights and dep.mode not in ("on_device", "on_prem"):
        out.append(("you give copies of the weights to others (publish them, ship them in a "
                    "product or deliver them to customers)", "redistribution",
                    answers.with_changes("needs", redistribute_weights=True)))
    mau = org.monthly_active_users or 0
    for limit in thresholds(kb, _MAU_KEYS, mau):
        out.append((f"you reach more than {words(limit)} monthly active users "
                    f"(declared: {mau:,})", "users",
                    answers.with_changes("organization", monthly_active_users=int(limit) + 1)))
    revenue = getattr(org, "annual_revenue_usd", None)
    if revenue is not None:
        for limit in thresholds(kb, _REVENUE_KEYS, float(revenue)):
            out.append((f"annual revenue exceeds USD {words(limit)} (declared: USD "
                        f"{words(float(revenue))})", "revenue",
                        answers.with_changes("organization", annual_revenue_usd=limit * 1.01)))
    return out


def what_ifs(answers: Any, kb: Any, model_id: str, hub_facts: Any = None,
             today: str | None = None) -> list[WhatIf]:
    """For each trigger the answers deny, the findings on ``model_id`` that only it brings
    (duties: an obligation, a condition or a block), each finding under its first trigger."""
    from advisor.assessment import assess_one

    now = assess_one(model_id, answers, kb, hub_facts, today=today)
    seen = {_key(f.to_dict()) for f in now.findings}
    out: list[WhatIf] = []
    for trigger, code, changed in _variants(answers, kb):
        then = assess_one(model_id, changed, kb, hub_facts, today=today)
        new = []
        for finding in then.findings:
            data = finding.to_dict()
            if _key(data) in seen:
                continue
            if data.get("obligation") or data.get("severity") in ("block", "condition"):
                new.append(data)
                seen.add(_key(data))
        if new:
            out.append(WhatIf(trigger, code, tuple(new)))
    return out
