"""The answers' vocabulary and shape: the accepted values, the defaults, and the frozen
dataclasses an interview's answers are held in (CONTRACT §2). Reading and writing answers
files is :mod:`advisor.answers.parse`.

    >>> Data(("health",)).has("special_category")
    True
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from advisor.frozen import field, frozen, replace

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


@frozen
class Organization:
    """Who deploys: where it is established, its users and revenue."""

    domicile: str
    monthly_active_users: int = DEFAULT_MAU
    annual_revenue_usd: float | None = None   # None: not declared


@frozen
class Deployment:
    """Where and how the system runs: the places served, the mode, whether commercial."""

    regions: tuple[str, ...] = DEFAULT_REGIONS
    mode: str = "hosted_service"
    commercial: bool = True


@frozen
class UseCase:
    """What the system is for: its use cases, modalities and languages."""

    categories: tuple[str, ...] = ("general_assistant",)
    modalities: tuple[str, ...] = ("text",)
    languages: tuple[str, ...] = ()           # ISO 639-1; empty: not stated


@frozen
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


@frozen
class Audience:
    """Who uses the system; ``minimum_age`` is the youngest user's age where minors were
    answered with one (``{minors: 13}``), else None."""

    groups: tuple[str, ...] = DEFAULT_AUDIENCE
    minimum_age: int | None = None


@frozen
class Needs:
    """What the organization needs to do with the weights and their openness."""

    fine_tune: bool = False
    distill_outputs: bool = False
    redistribute_weights: bool = False
    openness: str = "any"


@frozen
class Hardware:
    """The memory the model must fit in (None: not stated)."""

    ram_gb: float | None = None
    vram_gb: float | None = None


@frozen
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
