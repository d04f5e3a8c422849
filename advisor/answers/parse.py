"""Reading, validating, normalizing and saving answers files (YAML): every problem is an
``InputError`` naming the file, line and field.

    >>> parse_answers("organization: {domicile: DE}\\n", "answers.yaml").deployment.mode
    'hosted_service'
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from advisor.counts import amount_from_value, count_from_value, finite_number
from advisor.errors import InputError
from advisor.fsio import atomic_write_text
from advisor.languages import ISO_639_1
from advisor.regions import ALIASES, expand_regions, normalize_code
from advisor.yamlio import dotted, line_of, load_yaml_text, read_text
from advisor.answers.schema import (
    AUDIENCES, CORE_USE_CASES, DATA_CATEGORIES, DEFAULT_AUDIENCE, DEFAULT_DATA, DEFAULT_MAU,
    DEFAULT_REGIONS, MODALITIES, MODES, OPENNESS, SCHEMA, VERDICT_DEFAULTS,
    Answers, Audience, Data, Deployment, Hardware, Needs, Organization, UseCase,
)


def _yaml11_country(value: Any) -> Any:
    """YAML 1.1 reads an unquoted ``NO`` (Norway) as false; take it back."""
    return "NO" if value is False else value


class _Problem(Exception):
    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path, self.message = path, message


def _mapping(value: Any, path: tuple, keys: Collection[str]) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _Problem(path, f"must be a mapping, not {_kind(value)}")
    for key in value:
        if key not in keys:
            raise _Problem(path + (str(key),), f"unknown key (expected one of: {', '.join(keys)})")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    return {bool: "a boolean", int: "a number", float: "a number", str: "text",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def _bool(section: Mapping, key: str, default: bool, path: tuple) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise _Problem(path + (key,), f"must be true or false, not {_kind(value)} {value!r}")
    return value


def _choice(section: Mapping, key: str, default: str, choices: Collection[str], path: tuple) -> str:
    value = section.get(key, default)
    if not isinstance(value, str) or value not in choices:
        raise _Problem(path + (key,), f"{value!r} is not one of {', '.join(choices)}")
    return value


def _str_list(section: Mapping, key: str, default: tuple[str, ...], path: tuple) -> list[str]:
    value = section.get(key, list(default))
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _Problem(path + (key,), f"must be a list, not {_kind(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise _Problem(path + (key, index), f"must be text, not {_kind(item)} {item!r}")
    return value


def _number(section: Mapping, key: str, path: tuple, *, minimum: float,
            maximum: float = 1e6) -> float | None:
    value = section.get(key)
    if value is None:
        return None
    if not finite_number(value) or not minimum <= value <= maximum:
        raise _Problem(path + (key,), f"must be a number from {minimum:g} to {maximum:g}, "
                       f"not {value!r}")
    return float(value)


def _revenue(value: Any) -> float | None:
    """``organization.annual_revenue_usd``: absent or null, or an amount >= 0 written as
    a number or as the interview takes it (``2.5m``, ``2,500,000``, ``3e6``)."""
    if value is None:
        return None
    try:
        return amount_from_value(value)
    except ValueError as exc:
        raise _Problem(("organization", "annual_revenue_usd"), str(exc)) from None


def _build(data: Any, use_case_ids: Collection[str]) -> Answers:
    top = _mapping(data, (), ("schema", "organization", "deployment", "use_case", "needs",
                              "hardware", "data", "audience", "assumed"))
    if data is None:
        raise _Problem((), "is empty; at least organization.domicile is required")
    if "schema" in top and top["schema"] != SCHEMA:
        raise _Problem(("schema",), f"{top['schema']!r} is not {SCHEMA}")

    org = _mapping(top.get("organization"), ("organization",),
                   ("domicile", "monthly_active_users", "annual_revenue_usd"))
    if "domicile" not in org:
        raise _Problem(("organization", "domicile"),
                       "is required (ISO 3166-1 alpha-2 code, or ISO 3166-2 such as US-CA)")
    raw_domicile = _yaml11_country(org["domicile"])
    if not isinstance(raw_domicile, str):
        raise _Problem(("organization", "domicile"),
                       f"must be a country code, not {_kind(raw_domicile)} {raw_domicile!r}")
    domicile = normalize_code(raw_domicile)
    if domicile is None:
        hint = " (a region alias; name the country of the principal place of business)" \
            if raw_domicile.strip().upper() in ALIASES else ""
        raise _Problem(("organization", "domicile"),
                       f"{raw_domicile!r} is not an ISO 3166-1 alpha-2 country code "
                       f"or a listed ISO 3166-2 subdivision (US-CA){hint}")
    try:
        mau = count_from_value(org.get("monthly_active_users", DEFAULT_MAU))
    except ValueError as exc:
        raise _Problem(("organization", "monthly_active_users"), str(exc)) from None
    revenue = _revenue(org.get("annual_revenue_usd"))

    dep = _mapping(top.get("deployment"), ("deployment",), ("regions", "mode", "commercial"))
    if isinstance(dep.get("regions"), list):
        dep = {**dep, "regions": [_yaml11_country(r) for r in dep["regions"]]}
    regions = _str_list(dep, "regions", DEFAULT_REGIONS, ("deployment",))
    for index, code in enumerate(regions):
        if code.strip().upper() not in ALIASES and normalize_code(code) is None:
            raise _Problem(("deployment", "regions", index),
                           f"{code!r} is not an ISO 3166-1 alpha-2 code, a listed ISO 3166-2 "
                           "subdivision (US-CA, CA-QC, UA-43), EU or EEA")
    if not regions:
        raise _Problem(("deployment", "regions"), "must name at least one region")
    mode = _choice(dep, "mode", "hosted_service", MODES, ("deployment",))
    commercial = _bool(dep, "commercial", True, ("deployment",))

    use = _mapping(top.get("use_case"), ("use_case",), ("categories", "modalities", "languages"))
    categories = _str_list(use, "categories", ("general_assistant",), ("use_case",))
    if not categories:
        raise _Problem(("use_case", "categories"), "must name at least one use case")
    for index, category in enumerate(categories):
        if category not in use_case_ids:
            raise _Problem(("use_case", "categories", index),
                           f"unknown use case {category!r} (see `advisor models --use-cases`)")
    modalities = _str_list(use, "modalities", ("text",), ("use_case",))
    for index, modality in enumerate(modalities):
        if modality not in MODALITIES:
            raise _Problem(("use_case", "modalities", index),
                           f"{modality!r} is not one of {', '.join(MODALITIES)}")

    languages = _str_list(use, "languages", (), ("use_case",))
    for index, code in enumerate(languages):
        if code.strip().lower() not in ISO_639_1:
            raise _Problem(("use_case", "languages", index),
                           f"{code!r} is not an ISO 639-1 language code (en, de, ja, ...)")
    languages = [code.strip().lower() for code in languages]

    data_section = _mapping(top.get("data"), ("data",), ("categories",))
    data_categories = _str_list(data_section, "categories", DEFAULT_DATA, ("data",))
    for index, category in enumerate(data_categories):
        if category not in DATA_CATEGORIES:
            raise _Problem(("data", "categories", index),
                           f"{category!r} is not one of {', '.join(DATA_CATEGORIES)}")
    if not data_categories:
        raise _Problem(("data", "categories"), "must name at least one category (or none)")
    if "none" in data_categories and len(set(data_categories)) > 1:
        raise _Problem(("data", "categories"), "none cannot stand beside other categories")
    audience = _audience(top.get("audience", list(DEFAULT_AUDIENCE)))

    nd = _mapping(top.get("needs"), ("needs",),
                  ("fine_tune", "distill_outputs", "redistribute_weights", "openness"))
    needs = Needs(
        fine_tune=_bool(nd, "fine_tune", False, ("needs",)),
        distill_outputs=_bool(nd, "distill_outputs", False, ("needs",)),
        redistribute_weights=_bool(nd, "redistribute_weights", False, ("needs",)),
        openness=_choice(nd, "openness", "any", OPENNESS, ("needs",)),
    )

    hardware_value = top.get("hardware", "auto")
    hardware: Hardware | None = None
    if hardware_value != "auto":
        if not isinstance(hardware_value, Mapping):
            raise _Problem(("hardware",), f"must be auto or {{ram_gb, vram_gb}}, not {hardware_value!r}")
        hw = _mapping(hardware_value, ("hardware",), ("ram_gb", "vram_gb"))
        hardware = Hardware(ram_gb=_number(hw, "ram_gb", ("hardware",), minimum=0.1),
                            vram_gb=_number(hw, "vram_gb", ("hardware",), minimum=0))

    return Answers(
        organization=Organization(domicile=domicile, monthly_active_users=mau,
                                  annual_revenue_usd=revenue),
        deployment=Deployment(regions=expand_regions(regions), mode=mode, commercial=commercial),
        use_case=UseCase(categories=tuple(dict.fromkeys(categories)),
                         modalities=tuple(dict.fromkeys(modalities)),
                         languages=tuple(dict.fromkeys(languages))),
        needs=needs,
        hardware=hardware,
        data=Data(tuple(dict.fromkeys(data_categories))),
        audience=audience,
        assumed=_assumed(top),
    )


def _assumed(top: Mapping[str, Any]) -> tuple[str, ...]:
    """The keys of VERDICT_DEFAULTS missing from the input (an ``assumed`` list written
    by an earlier save is kept: the values were assumed then, not chosen)."""
    earlier = top.get("assumed") or []
    if not isinstance(earlier, list) or not all(k in VERDICT_DEFAULTS for k in earlier):
        raise _Problem(("assumed",), f"must be a list of: {', '.join(VERDICT_DEFAULTS)}")
    missing = []
    for key in VERDICT_DEFAULTS:
        *parents, leaf = key.split(".")
        section: Any = top
        for part in parents:
            section = section.get(part) if isinstance(section, Mapping) else None
        if not isinstance(section, Mapping) or leaf not in section:
            missing.append(key)
    return tuple(k for k in VERDICT_DEFAULTS if k in missing or k in earlier)


def _audience(value: Any) -> Audience:
    """``audience``: a list of AUDIENCES; ``minors`` may be written ``{minors: 13}``."""
    path: tuple = ("audience",)
    if isinstance(value, (str, Mapping)):
        value = [value]
    if not isinstance(value, list) or not value:
        raise _Problem(path, f"must be a list of: {', '.join(AUDIENCES)}")
    groups: list[str] = []
    age: int | None = None
    for index, item in enumerate(value):
        if isinstance(item, Mapping):
            if list(item) != ["minors"]:
                raise _Problem(path + (index,), "only minors takes an age: {minors: 13}")
            age = item["minors"]
            if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age < 18:
                raise _Problem(path + (index, "minors"),
                               f"must be the youngest user's age, 0 to 17, not {age!r}")
            item = "minors"
        if item not in AUDIENCES:
            raise _Problem(path + (index,), f"{item!r} is not one of {', '.join(AUDIENCES)}")
        groups.append(item)
    return Audience(tuple(dict.fromkeys(groups)), age)


def answers_from_data(data: Any, filename: str = "<answers>", text: str | None = None,
                      use_case_ids: Collection[str] = CORE_USE_CASES) -> Answers:
    """Validate already-parsed data; ``text`` lets errors carry a line number."""
    try:
        return _build(data, use_case_ids)
    except _Problem as problem:
        line = line_of(text, problem.path) if text is not None else None
        raise InputError(filename, problem.message, line=line,
                         field=dotted(problem.path) or None) from None


def parse_answers(text: str, filename: str = "<answers>",
                  use_case_ids: Collection[str] = CORE_USE_CASES) -> Answers:
    """Parse and validate answers YAML; every problem is an ``InputError``."""
    return answers_from_data(load_yaml_text(text, filename), filename, text, use_case_ids)


def load_answers(path: Path | str, use_case_ids: Collection[str] = CORE_USE_CASES) -> Answers:
    path = Path(path)
    return parse_answers(read_text(path), str(path), use_case_ids)


def answers_to_yaml(answers: Answers) -> str:
    import yaml

    return yaml.safe_dump(answers.to_dict(), sort_keys=False, default_flow_style=None)


def dump_answers(answers: Answers, path: Path | str, *, force: bool = False) -> Path:
    """Save answers atomically; refuses to overwrite unless ``force``."""
    return atomic_write_text(Path(path), answers_to_yaml(answers), force=force)
