"""The interview's answers: loading, validation, normalization and saving.

    >>> answers = parse_answers("organization: {domicile: DE}\\n", "answers.yaml")
    >>> answers.deployment.mode
    'hosted_service'
    >>> answers.to_dict()["schema"]
    'advisor.answers/1'
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from advisor.counts import amount_from_value, count_from_value, finite_number
from advisor.errors import InputError
from advisor.fsio import atomic_write_text
from advisor.languages import ISO_639_1
from advisor.regions import ALIASES, expand_regions, normalize_code
from advisor.yamlio import dotted, line_of, load_yaml_text, read_text

SCHEMA = "advisor.answers/1"
MODES = ("internal", "hosted_service", "on_device", "on_prem", "research")
MODALITIES = ("text", "image_input", "audio_input", "code", "image_output")
# any: no requirement; open_weights: the final weights can be downloaded, whatever their
# license; open_license: ... and every license on them is OSI-approved; osaid: OSAID 1.0.
OPENNESS = ("any", "open_weights", "open_license", "osaid")
CORE_USE_CASES = (
    "general_assistant", "coding", "content_generation", "summarization",
    "customer_support", "education_tutoring", "education_assessment", "medical_advice",
    "legal_advice", "financial_advice", "employment_decisions", "credit_scoring",
    "insurance_pricing", "biometric_identification", "emotion_recognition_workplace",
    "social_scoring", "law_enforcement", "migration_border", "justice_administration",
    "critical_infrastructure", "military_defense", "weapons_development", "research",
    "image_generation", "games_entertainment", "translation", "data_extraction",
    "retrieval_search", "agents_tools",
)
# What the system processes (CONTRACT §2 `data.categories`; README "The answers"):
#   none             nothing about people, and no content from outside (a code generator
#                    run on the organization's own code)
#   personal         information about identifiable people (GDPR Art. 4(1)): names,
#                    contacts, accounts, messages, tickets, prompts that name people
#   special_category the GDPR Art. 9 class as a whole (racial or ethnic origin, political
#                    opinions, religion, trade-union membership, health, sex life or
#                    orientation, genetic, biometric data used to identify a person)
#   health           health or medical information (HIPAA's PHI, CMIA's medical information)
#   biometric        face geometry, voiceprints, fingerprints (BIPA, GDPR Art. 9)
#   genetic          genetic test results and DNA data
#   financial        account, card, credit, income or transaction data
#   children         information about children (even where the users are adults: a school's
#                    records, a paediatric clinic's notes)
#   employee         information about the organization's workers or applicants
#   public_only      published, non-personal content only (documentation, open data); public
#                    information about people is still `personal`
# `health`, `biometric` and `genetic` each imply `special_category`; every category but
# `none` and `public_only` is personal data, so `personal` holds for it too.
DATA_CATEGORIES = ("none", "personal", "special_category", "health", "biometric", "genetic",
                   "financial", "children", "employee", "public_only")
SPECIAL_CATEGORY_MEMBERS = ("health", "biometric", "genetic")
NON_PERSONAL = ("none", "public_only")
# Who uses it (CONTRACT §2 `audience`); `minors` may carry the youngest age: {minors: 13}.
AUDIENCES = ("businesses", "consumers", "employees", "patients", "minors")
# CONTRACT.md §2: missing keys take the values of the example shown there.
DEFAULT_MAU = 2_000_000
DEFAULT_REGIONS = ("DE", "FR", "US")
DEFAULT_DATA = ("personal",)
DEFAULT_AUDIENCE = ("consumers",)
# Answers whose default changes a verdict: a missing one is named as assumed (CONTRACT §2).
VERDICT_DEFAULTS = ("organization.monthly_active_users", "deployment.regions",
                    "deployment.mode", "deployment.commercial", "data.categories", "audience")


@dataclass(frozen=True)
class Organization:
    """Who deploys: where it is established, its users and revenue."""

    domicile: str
    monthly_active_users: int = DEFAULT_MAU
    annual_revenue_usd: float | None = None   # None: not declared


@dataclass(frozen=True)
class Deployment:
    """Where and how the system runs: the places served, the mode, whether commercial."""

    regions: tuple[str, ...] = DEFAULT_REGIONS
    mode: str = "hosted_service"
    commercial: bool = True


@dataclass(frozen=True)
class UseCase:
    """What the system is for: its use cases, modalities and languages."""

    categories: tuple[str, ...] = ("general_assistant",)
    modalities: tuple[str, ...] = ("text",)
    languages: tuple[str, ...] = ()           # ISO 639-1; empty: not stated


@dataclass(frozen=True)
class Data:
    """What the system processes: ``Data(("personal", "health"))``."""

    categories: tuple[str, ...] = DEFAULT_DATA

    def has(self, *wanted: str) -> bool:
        """True when one of ``wanted`` was answered; ``special_category`` also holds
        for its members, and ``personal`` for every category about people:
        ``Data(("health",)).has("special_category")`` -> True."""
        return not implied_categories(self.categories).isdisjoint(wanted)


def implied_categories(categories: Collection[str]) -> frozenset[str]:
    """``categories`` with what they imply: ``special_category`` for its members and
    ``personal`` for every category about people.

    >>> sorted(implied_categories(["health"]))
    ['health', 'personal', 'special_category']
    >>> sorted(implied_categories(["public_only"]))
    ['public_only']
    """
    mine = set(categories)
    if mine & set(SPECIAL_CATEGORY_MEMBERS):
        mine.add("special_category")
    if mine - set(NON_PERSONAL):
        mine.add("personal")
    return frozenset(mine)


@dataclass(frozen=True)
class Audience:
    """Who uses the system; ``minimum_age`` is the youngest user's age where minors were
    answered with one (``{minors: 13}``), else None."""

    groups: tuple[str, ...] = DEFAULT_AUDIENCE
    minimum_age: int | None = None


@dataclass(frozen=True)
class Needs:
    """What the organization needs to do with the weights and their openness."""

    fine_tune: bool = False
    distill_outputs: bool = False
    redistribute_weights: bool = False
    openness: str = "any"


@dataclass(frozen=True)
class Hardware:
    """The memory the model must fit in (None: not stated)."""

    ram_gb: float | None = None
    vram_gb: float | None = None


@dataclass(frozen=True)
class Answers:
    """One interview's answers, validated and normalized (CONTRACT §2)."""

    organization: Organization
    deployment: Deployment = field(default_factory=Deployment)
    use_case: UseCase = field(default_factory=UseCase)
    needs: Needs = field(default_factory=Needs)
    hardware: Hardware | None = None          # None means "auto": probe this machine
    data: Data = field(default_factory=Data)
    audience: Audience = field(default_factory=Audience)
    # Dotted keys of VERDICT_DEFAULTS the input left out (their defaults were assumed).
    assumed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The normalized answers in the CONTRACT §2 shape."""
        hardware: Any = "auto"
        if self.hardware is not None:
            hardware = {k: v for k, v in (("ram_gb", self.hardware.ram_gb),
                                          ("vram_gb", self.hardware.vram_gb)) if v is not None}
        return {
            "schema": SCHEMA,
            "organization": {"domicile": self.organization.domicile,
                             "monthly_active_users": self.organization.monthly_active_users,
                             "annual_revenue_usd": self.organization.annual_revenue_usd},
            "deployment": {"regions": list(self.deployment.regions), "mode": self.deployment.mode,
                           "commercial": self.deployment.commercial},
            "use_case": {"categories": list(self.use_case.categories),
                         "modalities": list(self.use_case.modalities),
                         "languages": list(self.use_case.languages)},
            "data": {"categories": list(self.data.categories)},
            "audience": [{"minors": self.audience.minimum_age}
                         if g == "minors" and self.audience.minimum_age is not None else g
                         for g in self.audience.groups],
            "needs": {"fine_tune": self.needs.fine_tune,
                      "distill_outputs": self.needs.distill_outputs,
                      "redistribute_weights": self.needs.redistribute_weights,
                      "openness": self.needs.openness},
            "hardware": hardware,
            **({"assumed": list(self.assumed)} if self.assumed else {}),
        }

    def with_changes(self, section: str, **changes: Any) -> "Answers":
        """A copy with fields of one section replaced: ``a.with_changes("needs", fine_tune=True)``;
        a changed field is answered now, so it leaves ``assumed``."""
        given = {section, *(f"{section}.{name}" for name in changes)}
        return replace(self, **{section: replace(getattr(self, section), **changes)},
                       assumed=tuple(k for k in self.assumed if k not in given))


def default_answers(domicile: str = "DE") -> Answers:
    return Answers(organization=Organization(domicile=domicile))


def example_answers() -> Answers:
    """The example the app starts with when no answers file is given: the defaults, each
    verdict-changing one marked assumed (never silent), with a German domicile."""
    return replace(default_answers(), assumed=VERDICT_DEFAULTS)


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
    return yaml.safe_dump(answers.to_dict(), sort_keys=False, default_flow_style=None)


def dump_answers(answers: Answers, path: Path | str, *, force: bool = False) -> Path:
    """Save answers atomically; refuses to overwrite unless ``force``."""
    return atomic_write_text(Path(path), answers_to_yaml(answers), force=force)
