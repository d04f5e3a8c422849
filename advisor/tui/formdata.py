"""Translate between Answers and the interview form's plain values (no Textual).

    >>> from advisor.regions import expand_regions
    >>> compress_regions(expand_regions(["EU", "US"]))
    ['EU', 'US']
    >>> data = form_to_data(FormValues(domicile="de", users="5", regions="EU, US"))
    >>> data["deployment"]["regions"]
    ['EU', 'US']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from advisor.counts import parse_amount, parse_count
from advisor.regions import ALIASES

if TYPE_CHECKING:
    from advisor.knowledge.model import KnowledgeBase


@dataclass
class FormValues:
    """What the form's widgets hold, as plain values."""

    domicile: str = "DE"
    users: str = "2000000"
    revenue: str = ""                     # blank: not declared
    regions: str = "DE, FR, US"
    mode: str = "hosted_service"
    commercial: bool = True
    categories: list[str] = field(default_factory=lambda: ["general_assistant"])
    modalities: list[str] = field(default_factory=lambda: ["text"])
    languages: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=lambda: ["personal"])
    # CONTRACT §2 audience items: "consumers", or {"minors": 13}
    audience: list[Any] = field(default_factory=lambda: ["consumers"])
    fine_tune: bool = False
    distill: bool = False
    redistribute: bool = False
    openness: str = "any"
    hardware_auto: bool = True
    ram_gb: str = ""
    vram_gb: str = ""


def compress_regions(regions: Any) -> list[str]:
    """Fold a full EEA or EU member list back into its alias, keep the rest in order."""
    codes = list(regions)
    present = set(codes)
    for alias in ("EEA", "EU"):
        members = set(ALIASES[alias])
        if members <= present:
            rest = [c for c in codes if c not in members]
            first = min(codes.index(m) for m in members)
            before = [c for c in rest if codes.index(c) < first]
            after = [c for c in rest if codes.index(c) > first]
            return before + [alias] + after
    return codes


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").replace(" ", ",").split(",")
            if part.strip()]


def parse_gib(text: str, *, minimum: float, blank: float | None = None) -> float | None:
    """GiB of memory; blank gives ``blank``; ValueError in words."""
    import math

    raw = text.strip().lower().removesuffix("gib").removesuffix("gb").strip()
    if not raw:
        if blank is None:
            raise ValueError("enter the memory in GiB")
        return blank
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number of GiB") from None
    if not math.isfinite(value) or value < minimum or value > 1 << 20:
        raise ValueError(f"give at least {minimum:g} GiB" if value < minimum
                         else "not a memory size in GiB")
    return value


def audience_items(groups: list[str], age_text: str) -> list[Any]:
    """The CONTRACT §2 audience list from the form: ``minors`` carries the youngest age
    when one is given; ValueError in words for an age that is not one.

    >>> audience_items(["consumers", "minors"], "13")
    ['consumers', {'minors': 13}]
    """
    age_text = age_text.strip()
    if not age_text or "minors" not in groups:
        return list(groups)
    if not age_text.isdigit() or not 0 <= int(age_text) < 18:
        raise ValueError("give the youngest user's age, 0 to 17 (or leave it blank)")
    return [{"minors": int(age_text)} if g == "minors" else g for g in groups]


def audience_parts(items: list[Any]) -> tuple[list[str], str]:
    """The form's groups and age text for a CONTRACT §2 audience list.

    >>> audience_parts(["patients", {"minors": 13}])
    (['patients', 'minors'], '13')
    """
    groups = [g if isinstance(g, str) else "minors" for g in items]
    ages = [str(g["minors"]) for g in items if isinstance(g, dict)]
    return groups, ages[0] if ages else ""


def _echo(text: str, parse: Any, shown: str) -> str:
    """``shown`` with the value ``parse`` reads from ``text``, unless the text is already
    plain digits or does not parse."""
    try:
        value = parse(text)
    except ValueError:
        return ""
    plain_digits = text.strip().replace(",", "").replace("_", "")
    return "" if plain_digits == str(value) else shown.format(value)


def count_echo(text: str) -> str:
    """How the users field reads, when the text is not already plain digits.

    >>> count_echo("3m"), count_echo("3000000"), count_echo("lots")
    ('= 3,000,000 users', '', '')
    """
    return _echo(text, parse_count, "= {:,} users")


def amount_echo(text: str) -> str:
    """How the revenue field reads: blank is "not declared".

    >>> amount_echo(""), amount_echo("30m"), amount_echo("1500")
    ('not declared', '= $30,000,000', '')
    """
    return _echo(text, parse_amount, "= ${:,}") if text.strip() else "not declared"


# Form field -> the answer key (answers.VERDICT_DEFAULTS) it sets: while the example is
# loaded, a key whose field was never touched stays assumed.
VERDICT_FIELDS = {
    "users": "organization.monthly_active_users", "regions": "deployment.regions",
    "mode": "deployment.mode", "commercial": "deployment.commercial",
    "data": "data.categories", "audience": "audience", "minors_age": "audience",
}


def changed_fields(now: "FormValues", example: "FormValues") -> set[str]:
    """The verdict fields whose value differs from the example's.

    >>> sorted(changed_fields(FormValues(users="5"), FormValues()))
    ['users']
    """
    return {name for name in VERDICT_FIELDS
            if name != "minors_age" and getattr(now, name) != getattr(example, name)}


def untouched_keys(touched: Any) -> tuple[str, ...]:
    """The verdict-changing answer keys whose fields were not ``touched``.

    >>> untouched_keys({"users", "data"})[:2]
    ('deployment.regions', 'deployment.mode')
    """
    done = {VERDICT_FIELDS[f] for f in touched if f in VERDICT_FIELDS}
    return tuple(dict.fromkeys(k for k in VERDICT_FIELDS.values() if k not in done))


def field_problems(values: "FormValues", minors_age: str = "") -> dict[str, str]:
    """Problems of the number fields, by field name, in words (checked before the answers)."""
    problems: dict[str, str] = {}
    try:
        parse_count(values.users)
    except ValueError as exc:
        problems["users"] = str(exc)
    if values.revenue.strip():
        try:
            parse_amount(values.revenue)
        except ValueError as exc:
            problems["revenue"] = str(exc)
    try:
        audience_items([a for a in values.audience if isinstance(a, str)], minors_age)
    except ValueError as exc:
        problems["audience"] = str(exc)
    if not values.hardware_auto:
        try:
            parse_gib(values.ram_gb, minimum=0.1)
            parse_gib(values.vram_gb, minimum=0, blank=0)
        except ValueError as exc:
            problems["hardware"] = str(exc)
    return problems


def _number(text: str) -> Any:
    text = text.strip().replace("_", "").replace(",", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def form_to_data(values: FormValues, assumed: Any = ()) -> dict[str, Any]:
    """The answers mapping (CONTRACT §2) the form describes, unvalidated. The dotted keys
    in ``assumed`` (answers still showing the example, never touched) are left out, so
    the answers read them as assumed defaults and say so."""
    try:
        users: Any = parse_count(values.users)
    except ValueError:
        users = _number(values.users)
    try:
        revenue: Any = parse_amount(values.revenue) if values.revenue.strip() else None
    except ValueError:
        revenue = values.revenue.strip()
    hardware: Any = "auto"
    if not values.hardware_auto:
        hardware = {"ram_gb": _number(values.ram_gb)}
        vram = _number(values.vram_gb)
        hardware["vram_gb"] = 0 if vram is None else vram
    data = {
        "organization": {"domicile": values.domicile.strip(),
                         "monthly_active_users": 0 if users is None else users,
                         "annual_revenue_usd": revenue},
        "deployment": {"regions": [r.upper() for r in split_list(values.regions)],
                       "mode": values.mode, "commercial": values.commercial},
        "use_case": {"categories": list(values.categories),
                     "modalities": list(values.modalities),
                     "languages": list(values.languages)},
        "data": {"categories": list(values.data)},
        "audience": list(values.audience),
        "needs": {"fine_tune": values.fine_tune, "distill_outputs": values.distill,
                  "redistribute_weights": values.redistribute, "openness": values.openness},
        "hardware": hardware,
    }
    for key in assumed:
        *parents, leaf = key.split(".")
        section: Any = data
        for part in parents:
            section = section.get(part, {})
        section.pop(leaf, None)
    return data


def _money(value: Any) -> str:
    """A revenue as the field shows it: ``26625000``, ``1500.5``, blank for none."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def answers_to_form(answers: Any) -> FormValues:
    """Form values showing ``answers``."""
    hw = answers.hardware

    def num(value: Any) -> str:
        if value is None:
            return ""
        return f"{value:g}" if isinstance(value, float) else str(value)

    return FormValues(
        domicile=answers.organization.domicile,
        users=str(answers.organization.monthly_active_users),
        revenue=_money(answers.organization.annual_revenue_usd),
        regions=", ".join(compress_regions(answers.deployment.regions)),
        mode=answers.deployment.mode,
        commercial=answers.deployment.commercial,
        categories=list(answers.use_case.categories),
        modalities=list(answers.use_case.modalities),
        languages=list(answers.use_case.languages),
        data=list(answers.data.categories),
        audience=list(answers.to_dict()["audience"]),
        fine_tune=answers.needs.fine_tune,
        distill=answers.needs.distill_outputs,
        redistribute=answers.needs.redistribute_weights,
        openness=answers.needs.openness,
        hardware_auto=hw is None,
        ram_gb=num(hw.ram_gb) if hw else "",
        vram_gb=num(hw.vram_gb) if hw else "",
    )


# Error fields from answers validation -> form field names.
FIELD_OF_ERROR = {
    "organization.domicile": "domicile",
    "organization.monthly_active_users": "users",
    "organization.annual_revenue_usd": "revenue",
    "data.categories": "data",
    "audience": "audience",
    "deployment.regions": "regions",
    "deployment.mode": "mode",
    "deployment.commercial": "commercial",
    "use_case.categories": "categories",
    "use_case.modalities": "modalities",
    "needs.openness": "openness",
    "hardware": "hardware",
}


def error_field(field_path: str | None) -> str:
    """Which form field an answers error belongs to ('' when none matches)."""
    if not field_path:
        return ""
    base = field_path.split("[", 1)[0]
    if base in FIELD_OF_ERROR:
        return FIELD_OF_ERROR[base]
    for prefix, name in FIELD_OF_ERROR.items():
        if base.startswith(prefix):
            return name
    return ""


__all__ = ["FormValues", "form_to_data", "answers_to_form", "compress_regions", "error_field"]


def regions_ok(text: str) -> bool:
    """Whether ``text`` is a list of region tokens (``DE, FR, EU``), at least one."""
    from advisor.regions import is_region_token

    parts = split_list(text)
    return bool(parts) and all(is_region_token(p) for p in parts)


def use_cases(kb: KnowledgeBase | None) -> list[tuple[str, str, str]]:
    """(id, title, why) of every use case the knowledge base knows, in its order."""
    cases = kb.use_cases.values() if kb is not None else ()
    return [(case.id, case.title or case.id.replace("_", " ").capitalize(),
             case.why or case.description) for case in cases]
