"""Prompt suites: YAML files of prompts with checks, validated against a JSON Schema.

Shipped suites live in ``assets/suites/<name>.yaml``; a user passes a name or a path.
A bad suite raises ``InputError`` naming the file and line (exit 2).

    >>> suite = load_suite("general")
    >>> suite.name, suite.prompts[0].id
    ('general', 'capital-france')

    Example (not run)::

        suite_for_use_cases(["coding"], kb.use_cases)   # 'coding'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.config import ASSETS_DIR
from advisor.smoke.checks import as_list

SUITES_DIR = ASSETS_DIR / "suites"
SCHEMA_PATH = ASSETS_DIR / "schemas" / "suite.schema.json"
DEFAULT_SUITE = "general"
DEFAULT_MAX_TOKENS = 64
REPEAT_MARK = "#"              # a repeated prompt's runs are ``ID#1`` .. ``ID#N``
# Checks every prompt gets unless the suite says otherwise.
DEFAULT_CHECKS: dict[str, Any] = {"min_tokens": 1, "max_latency_seconds": 120}

# Use-case category ids (answers use_case.categories) -> the suite that fits them best.
@dataclass(frozen=True)
class PromptSpec:
    """One prompt: chat messages (system first when set), generation limits, checks.

    ``temperature`` 0 is greedy decoding; above 0 the runner samples (``top_p``) with the
    run's seed plus ``seed_offset``: repeat ``k`` of a repeated prompt has offset ``k - 1``.

        Example (not run)::

            PromptSpec("q1#2", msgs, temperature=0.8, top_p=0.95, seed_offset=1).sampling(7)
            # -> {'temperature': 0.8, 'top_p': 0.95, 'seed': 8}
    """

    id: str
    messages: tuple[dict[str, str], ...]
    max_tokens: int = DEFAULT_MAX_TOKENS
    stop: tuple[str, ...] = ()
    checks: Mapping[str, Any] = field(default_factory=dict)
    temperature: float = 0.0
    top_p: float = 1.0
    seed_offset: int = 0

    @property
    def question_id(self) -> str:
        """The suite's prompt id without the repeat mark: ``q1#3`` -> ``q1``."""
        return question_id(self.id)

    def sampling(self, seed: int) -> dict[str, Any] | None:
        """What a runner samples with for a run seeded ``seed``; None when greedy."""
        if self.temperature <= 0:
            return None
        return {"temperature": self.temperature, "top_p": self.top_p,
                "seed": seed + self.seed_offset}

    @property
    def user_text(self) -> str:
        """The last user message, for display."""
        users = [m["content"] for m in self.messages if m["role"] == "user"]
        return users[-1] if users else ""

    def to_job(self) -> dict[str, Any]:
        """The JSON-able form the child process and the endpoint runner take."""
        job = {"id": self.id, "messages": [dict(m) for m in self.messages],
               "max_tokens": self.max_tokens, "stop": list(self.stop)}
        if self.temperature > 0:
            job.update(temperature=self.temperature, top_p=self.top_p,
                       seed_offset=self.seed_offset)
        return job


def question_id(prompt_id: str) -> str:
    """A result's prompt id without the repeat mark: ``question_id("q1#3")`` -> ``'q1'``."""
    return prompt_id.split(REPEAT_MARK, 1)[0]


@dataclass(frozen=True)
class Suite:
    name: str
    prompts: tuple[PromptSpec, ...]
    description: str = ""
    use_cases: tuple[str, ...] = ()
    source: str = ""


def shipped_suites() -> list[str]:
    """Names of the suites in ``assets/suites``."""
    return sorted(p.stem for p in SUITES_DIR.glob("*.yaml"))


def suite_for_use_cases(categories: Iterable[str], use_cases: Mapping[str, Any]) -> str:
    """The shipped suite that fits the answered use cases: the first suite the knowledge
    base lists for the first category that lists one (``kb.use_cases``).

    Example (not run)::

        suite_for_use_cases(["coding"], kb.use_cases)   # 'coding'
    """
    available = set(shipped_suites())
    for category in categories:
        info = use_cases.get(category)
        for suite in getattr(info, "suites", ()) or ():
            if suite in available:
                return suite
    return DEFAULT_SUITE


def resolve_suite_path(name_or_path: str) -> Path:
    """A shipped suite's name or a file path -> the file. Unknown name: InputError."""
    candidate = Path(name_or_path).expanduser()
    looks_like_path = (candidate.suffix in (".yaml", ".yml", ".json")
                       or "/" in name_or_path or candidate.exists())
    if looks_like_path:
        if not candidate.is_file():
            raise InputError(str(candidate), "no such suite file")
        return candidate
    shipped = SUITES_DIR / f"{name_or_path}.yaml"
    if shipped.is_file():
        return shipped
    raise InputError(None, f"unknown suite {name_or_path!r}; shipped suites: "
                     f"{', '.join(shipped_suites())}, or give a path to a YAML file",
                     field="--suite")


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _schema_problem(error) -> str:
    """A short reading of a jsonschema error."""
    if error.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)' was unexpected", error.message)
        return f"unknown key {extra[0]!r}" if extra else error.message
    if error.validator == "oneOf" and isinstance(error.instance, dict) and "id" in error.instance:
        return "give exactly one of 'prompt' or 'messages'"
    return error.message if len(error.message) < 160 else error.message[:157] + "..."


def validate_suite_data(data: Any, text: str, filename: str) -> None:
    """Raise InputError (file:line) for the first schema violation or bad regex."""
    from advisor.yamlio import dotted, line_of

    from jsonschema.exceptions import best_match

    err = best_match(_validator().iter_errors(data))
    if err is not None:
        path = list(err.path)
        if err.validator == "additionalProperties":
            extra = re.findall(r"'([^']+)' was unexpected", err.message)
            path += extra[:1]
        field = dotted(path[:-1] if err.validator == "additionalProperties" else path)
        raise InputError(filename, _schema_problem(err), line=line_of(text, path),
                         field=field or None)
    seen: dict[str, int] = {}
    for index, prompt in enumerate(data["prompts"]):
        if prompt["id"] in seen:
            raise InputError(filename, f"duplicate prompt id {prompt['id']!r}",
                             line=line_of(text, ["prompts", index, "id"]),
                             field=f"prompts[{index}].id")
        seen[prompt["id"]] = index
    places = [(["defaults", "checks", "regex"], (data.get("defaults") or {}).get("checks"))]
    places += [(["prompts", i, "checks", "regex"], p.get("checks"))
               for i, p in enumerate(data["prompts"])]
    for path, checks in places:
        for pattern in as_list((checks or {}).get("regex")):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise InputError(filename, f"bad regex {pattern!r}: {exc}",
                                 line=line_of(text, path), field=dotted(path)) from None


def _messages(prompt: Mapping[str, Any], system: str | None) -> tuple[dict[str, str], ...]:
    if "messages" in prompt:
        return tuple({"role": m["role"], "content": m["content"]} for m in prompt["messages"])
    out = []
    if system:
        out.append({"role": "system", "content": system})
    out.append({"role": "user", "content": prompt["prompt"]})
    return tuple(out)


def _setting(prompt: Mapping[str, Any], defaults: Mapping[str, Any], key: str,
             fallback: Any) -> Any:
    """The prompt's own ``key``, else the suite's default, else ``fallback``."""
    return prompt.get(key, defaults.get(key, fallback))


def suite_from_data(data: Mapping[str, Any], source: str = "") -> Suite:
    """Build a Suite from validated data, applying ``defaults`` and DEFAULT_CHECKS.

    A prompt with ``repeat: N`` (N > 1) becomes N prompts ``ID#1`` .. ``ID#N``, the same
    text, seed offsets 0 .. N-1 (each its own sampled run when ``temperature`` > 0).
    """
    defaults = data.get("defaults") or {}
    base_checks = {**DEFAULT_CHECKS, **(defaults.get("checks") or {})}
    prompts = []
    for p in data["prompts"]:
        system = p["system"] if "system" in p else defaults.get("system")
        spec = PromptSpec(
            id=p["id"],
            messages=_messages(p, system),
            max_tokens=int(_setting(p, defaults, "max_tokens", DEFAULT_MAX_TOKENS)),
            stop=tuple(_setting(p, defaults, "stop", ())),
            checks={**base_checks, **(p.get("checks") or {})},
            temperature=float(_setting(p, defaults, "temperature", 0.0)),
            top_p=float(_setting(p, defaults, "top_p", 1.0)),
        )
        repeat = int(_setting(p, defaults, "repeat", 1))
        if repeat == 1:
            prompts.append(spec)
            continue
        prompts += [replace(spec, id=f"{spec.id}{REPEAT_MARK}{k + 1}", seed_offset=k)
                    for k in range(repeat)]
    return Suite(name=data["name"], prompts=tuple(prompts),
                 description=data.get("description", ""),
                 use_cases=tuple(data.get("use_cases", ())), source=source)


def parse_suite(text: str, filename: str, *, validate: bool = True) -> Suite:
    """Parse and validate suite YAML text; InputError (exit 2) names file:line.

    ``validate=False`` skips the JSON Schema (importing jsonschema costs about half a
    second); only for the shipped suites, which the test suite validates.
    """
    from advisor.yamlio import load_yaml_text

    data = load_yaml_text(text, filename)
    if not isinstance(data, dict):
        raise InputError(filename, "a suite is a mapping with 'name' and 'prompts'", line=1)
    if validate:
        validate_suite_data(data, text, filename)
    return suite_from_data(data, filename)


def load_suite(name_or_path: str = DEFAULT_SUITE, *, validate: bool | None = None) -> Suite:
    """Load a shipped suite by name, or a suite file by path (always validated)."""
    from advisor.yamlio import read_text

    path = resolve_suite_path(name_or_path)
    if validate is None:
        validate = path.resolve().parent != SUITES_DIR.resolve()
    return parse_suite(read_text(path), str(path), validate=validate)


def suite_description(name_or_path: str) -> str:
    """The suite's own one-line description; '' when it has none or cannot be read.

    >>> suite_description("no-such-suite")
    ''
    """
    from advisor.errors import AdvisorError

    try:
        return str(load_suite(name_or_path).description or "")
    except AdvisorError:
        return ""
