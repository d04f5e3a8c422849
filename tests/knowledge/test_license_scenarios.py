"""Scenario tests for the license and use-policy profiles, through the real engine.

Each scenario of ``license_scenarios.yaml`` is an answers set and a model; the shipped
profiles are loaded with ``load_knowledge`` and assessed with ``assess``. Every rule with
a ``when:`` in ``profiles/licenses`` and ``profiles/use-policies`` must be fired by one
scenario and left quiet by another.

    pytest tests/knowledge/test_license_scenarios.py -q
"""

from __future__ import annotations

import copy
import glob
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.answers import parse_answers
from advisor.assessment import Candidate, assess
from advisor.knowledge import KnowledgeBase, load_knowledge

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ROOT / "profiles"
# The main table, and further tables (license_scenarios_*.yaml) that add scenarios of
# their own with their own `models` and `base` (and optionally `use_case_matrix`).
TABLE_PATH = Path(__file__).with_name("license_scenarios.yaml")
EXTRA_TABLE_PATHS = tuple(sorted(Path(__file__).parent.glob("license_scenarios_*.yaml")))

# CONTRACT §2: the use-case ids that must exist.
def _use_case_ids() -> tuple[str, ...]:
    """Every use-case id the shipped catalogue has, so a new one joins the matrices."""
    catalogue = yaml.safe_load((ROOT / "profiles" / "use-cases.yaml").read_text())
    return tuple(entry["id"] for entry in catalogue["use_cases"])


USE_CASES = _use_case_ids()


@dataclass(frozen=True)
class RuleRef:
    """One rule of one profile, as the table names it: ``file:code@section=severity``."""

    profile: str
    code: str
    section: str
    severity: str

    @classmethod
    def parse(cls, text: str) -> RuleRef:
        """``RuleRef.parse("llama3.2:user_threshold@2=block")``."""
        profile, rest = text.split(":", 1)
        code, rest = rest.split("@", 1)
        section, severity = rest.rsplit("=", 1)
        return cls(profile, code, section, severity)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.profile, self.code, self.section)

    def __str__(self) -> str:
        return f"{self.profile}:{self.code}@{self.section}={self.severity}"


@dataclass(frozen=True)
class ProfileRule:
    """A rule as written in a profile file (prohibitions expanded), read straight from YAML."""

    profile: str
    kind: str              # "license" | "use-policy"
    code: str
    section: str
    severity: str
    url: str
    when: Mapping[str, Any]
    confirmed: bool

    @property
    def origin(self) -> str:
        return f"{self.kind}:{self.profile}"

    @property
    def use_case_only(self) -> bool:
        return set(self.when) == {"use_cases_any"}


def _profile_rules() -> dict[tuple[str, str, str], ProfileRule]:
    """Every rule of the license and use-policy profiles, keyed by (profile, code, section)."""
    out: dict[tuple[str, str, str], ProfileRule] = {}
    for kind, folder in (("license", "licenses"), ("use-policy", "use-policies")):
        for name in sorted(glob.glob(str(PROFILES / folder / "*.yaml"))):
            data = yaml.safe_load(Path(name).read_text(encoding="utf-8"))
            pid = data["id"]
            for rule in data.get("rules") or []:
                item = ProfileRule(pid, kind, rule["code"], str(rule["source"]["section"]),
                                   rule["severity"], rule["source"]["url"], rule.get("when") or {},
                                   rule.get("confirmed", True))
                assert (pid, item.code, item.section) not in out, \
                    f"{name}: two rules share code {item.code!r} and section {item.section!r}"
                out[(pid, item.code, item.section)] = item
            for prohibition in data.get("prohibitions") or []:
                item = ProfileRule(pid, kind, "use_policy", str(prohibition["section"]),
                                   prohibition.get("severity", "block"),
                                   prohibition.get("url") or data["url"],
                                   {"use_cases_any": prohibition["use_cases"]},
                                   prohibition.get("confirmed", True))
                assert (pid, item.code, item.section) not in out, \
                    f"{name}: two prohibitions share section {item.section!r}"
                out[(pid, item.code, item.section)] = item
    return out


@dataclass(frozen=True)
class Scenario:
    id: str
    model: str
    answers: Mapping[str, Any]
    fires: tuple[RuleRef, ...]
    quiet: tuple[RuleRef, ...]
    verdict: str | None = None
    extra: bool = False    # assess with the table's extra_profiles added, as --profiles does


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``over`` into a copy of ``base``; lists and scalars replace."""
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _scenarios(table: Mapping[str, Any], rules: Mapping[tuple, ProfileRule]) -> Iterator[Scenario]:
    models, base = table["models"], table["base"]
    for row in table["scenarios"]:
        yield Scenario(
            id=row["id"], model=models.get(row["model"], row["model"]),
            answers=_merge(base, row.get("answers") or {}),
            fires=tuple(RuleRef.parse(r) for r in row.get("fires") or ()),
            quiet=tuple(RuleRef.parse(r) for r in row.get("quiet") or ()),
            verdict=row.get("verdict"), extra=row.get("kb") == "extra")
    for block in table.get("use_case_matrix") or ():
        policy = block["policy"]
        case_rules = [r for r in rules.values() if r.profile == policy and r.use_case_only]
        for use_case in USE_CASES:
            fires = tuple(RuleRef.parse(f"{policy}:use_policy@{s}")
                          for s in (block["fires"].get(use_case) or ()))
            fired = {f.key for f in fires}
            quiet = tuple(RuleRef(r.profile, r.code, r.section, r.severity) for r in case_rules
                          if (r.profile, r.code, r.section) not in fired)
            yield Scenario(
                id=f"{policy}-{use_case}", model=models[block["model"]],
                answers=_merge(base, {"use_case": {"categories": [use_case]}}),
                fires=fires, quiet=quiet)


TABLE = yaml.safe_load(TABLE_PATH.read_text(encoding="utf-8"))
RULES = _profile_rules()
SCENARIOS = tuple(_scenarios(TABLE, RULES)) + tuple(
    scenario for path in EXTRA_TABLE_PATHS
    for scenario in _scenarios(yaml.safe_load(path.read_text(encoding="utf-8")), RULES))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="module")
def kb_extra(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    directory = tmp_path_factory.mktemp("user-profiles")
    for index, doc in enumerate(TABLE.get("extra_profiles") or ()):
        (directory / f"extra-{index}.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    return load_knowledge([directory])


def _candidate(scenario: Scenario, kb: KnowledgeBase) -> Candidate:
    text = yaml.safe_dump(dict(scenario.answers), sort_keys=False)
    answers = parse_answers(text, f"{scenario.id}.yaml")
    result = assess(answers, kb, model_ids=[scenario.model])
    assert len(result.candidates) == 1
    candidate = result.candidates[0]
    assert candidate.model.lower() == scenario.model.lower()
    return candidate


def _from_rule(candidate: Candidate, rule: ProfileRule) -> list:
    return [f for f in candidate.findings
            if f.code == rule.code and f.source.section == rule.section
            and f.source.url == rule.url and f.origin == rule.origin]


def _expected_severity(ref: RuleRef, rule: ProfileRule) -> str:
    """What the finding must say: an unconfirmed `info` fact is reported as a condition."""
    if not rule.confirmed and ref.severity == "info":
        return "condition"
    return ref.severity


def _describe(candidate: Candidate) -> str:
    return "\n".join(f"  {f.severity:9} {f.code:20} {f.origin:40} @{f.source.section}"
                     for f in candidate.findings)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(scenario: Scenario, request: pytest.FixtureRequest) -> None:
    kb = request.getfixturevalue("kb_extra" if scenario.extra else "kb")
    candidate = _candidate(scenario, kb)
    for ref in scenario.fires:
        rule = RULES.get(ref.key)
        assert rule is not None, f"{ref}: no such rule in the profiles"
        assert rule.severity == ref.severity, \
            f"{ref}: the profile gives this rule severity {rule.severity!r}"
        found = _from_rule(candidate, rule)
        assert found, f"{ref} did not fire for {scenario.model}; findings:\n{_describe(candidate)}"
        assert {f.severity for f in found} == {_expected_severity(ref, rule)}, \
            f"{ref} fired with severity {[f.severity for f in found]}"
    for ref in scenario.quiet:
        rule = RULES.get(ref.key)
        assert rule is not None, f"{ref}: no such rule in the profiles"
        assert not _from_rule(candidate, rule), \
            f"{ref} fired for {scenario.model} but should not; findings:\n{_describe(candidate)}"
    if any(ref.severity == "block" for ref in scenario.fires):
        assert candidate.verdict == "blocked"
    if scenario.verdict is not None:
        assert candidate.verdict == scenario.verdict, \
            f"verdict {candidate.verdict}, expected {scenario.verdict}; findings:\n{_describe(candidate)}"


def test_every_conditional_rule_fires_somewhere_and_stays_quiet_somewhere() -> None:
    fired = {ref.key for s in SCENARIOS for ref in s.fires}
    quiet = {ref.key for s in SCENARIOS for ref in s.quiet}
    conditional = {key for key, rule in RULES.items() if rule.when}
    assert sorted(conditional - fired) == [], "rules no scenario fires"
    assert sorted(conditional - quiet) == [], "rules no scenario leaves quiet"


def test_table_names_only_existing_rules_with_their_severity() -> None:
    for scenario in SCENARIOS:
        for ref in (*scenario.fires, *scenario.quiet):
            rule = RULES.get(ref.key)
            assert rule is not None, f"{scenario.id}: {ref} is not in the profiles"
            assert rule.severity == ref.severity, f"{scenario.id}: {ref} has severity {rule.severity}"


def test_every_license_keeps_a_notice_rule_that_always_fires() -> None:
    licenses = {r.profile for r in RULES.values() if r.kind == "license"}
    with_notice = {r.profile for r in RULES.values()
                   if r.kind == "license" and r.code == "notice" and not r.when}
    assert licenses == with_notice


def test_loaded_rules_match_the_files(kb: KnowledgeBase) -> None:
    """The loader keeps every rule of these files, with its section, url and severity."""
    loaded = set()
    for lic in kb.licenses.values():
        loaded |= {(lic.id, r.code, r.source.section, r.severity, r.source.url) for r in lic.rules}
    for policy in kb.use_policies.values():
        loaded |= {(policy.id, r.code, r.source.section, r.severity, r.source.url)
                   for r in policy.rules}
    for (pid, code, section), rule in RULES.items():
        assert (pid, code, section, rule.severity, rule.url) in loaded, f"{pid}:{code}@{section}"
