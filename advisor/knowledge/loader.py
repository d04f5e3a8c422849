"""Load and validate the YAML profiles into a ``KnowledgeBase``.

Every ``*.yaml`` below a directory is read and dispatched on its ``schema:`` key.
Problems are collected with their file and line; ``load_knowledge`` raises the first
as an ``InputError`` and ``check_profiles`` returns them all.

    >>> kb = load_knowledge()                       # the shipped profiles
    >>> kb = load_knowledge(["my-profiles"])        # plus a user's own, which win by id
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.answers import DATA_CATEGORIES
from advisor.errors import InputError
from advisor.knowledge.model import (
    COMPONENT_STATUSES, COMPONENT_TYPES, MODEL_KINDS, ApiAccess, Component, HubGate,
    Jurisdiction, LicenseFile,
    KnowledgeBase, License, ModelProfile, Override, Policy, Rule, Source, UseCaseInfo, UsePolicy,
    Wants, section_label,
)
from advisor.knowledge.ids import profile_id_problem, repo_id_problem
from advisor.knowledge.matching import gguf_index
from advisor.knowledge.predicates import PredicateError, compile_when
from advisor.languages import ISO_639_1
from advisor.knowledge.spdx import spdx_license
from advisor import config
from advisor.config import PROFILES_DIR
from advisor.regions import normalize_code
from advisor.urls import is_loopback, origin, origin_text
from advisor.vocab import ACCESS_KINDS, SEVERITIES
from advisor.yamlio import MAX_FILE_BYTES, dotted, line_of, load_yaml_text, read_limited

MODALITIES = ("text", "image_input", "audio_input", "code", "image_output")
SCHEMAS = ("advisor.license/1", "advisor.use-policy/1", "advisor.model-family/1",
           "advisor.jurisdiction/1", "advisor.use-cases/1", "advisor.policy/1",
           "advisor.quality/1")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def one_line(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


class _Bad(Exception):
    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path, self.message = path, message


class _ManyBad(Exception):
    """Several independent problems in one file (one per rule or model)."""

    def __init__(self, problems: list[_Bad]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


def _each_item(items: list, build) -> list:
    """Build every item, collecting each item's problem instead of stopping at the first."""
    out, bad = [], []
    for index, raw in enumerate(items):
        try:
            out.append(build(index, raw))
        except _Bad as exc:
            bad.append(exc)
        except _ManyBad as exc:
            bad.extend(exc.problems)
    if bad:
        raise _ManyBad(bad)
    return out


# ---------------------------------------------------------------- field readers

def _date(value: Any, path: tuple) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise _Bad(path, f"must be a date YYYY-MM-DD, not {value!r}")


def _text(data: Mapping, key: str, path: tuple, *, required: bool = True,
          default: str | None = None) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise _Bad(path + (key,), "is required")
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise _Bad(path + (key,), f"must be non-empty text, not {value!r}")
    return value.strip()


def _id(data: Mapping, key: str, path: tuple) -> str:
    """A profile's own id (:func:`advisor.knowledge.ids.profile_id_problem`)."""
    value = _text(data, key, path)
    problem = profile_id_problem(value)
    if problem:
        raise _Bad(path + (key,), problem)
    return value


def _repo_id(value: str, path: tuple, *, owner: bool = True) -> str:
    """``value`` when it is a Hub model id (:func:`advisor.knowledge.ids.repo_id_problem`)."""
    problem = repo_id_problem(value, owner=owner)
    if problem:
        raise _Bad(path, problem)
    return value


def _base_model(m: Mapping, here: tuple) -> str | None:
    """``base_model``: a Hub id (a bare old-style name such as ``gpt2`` too), or None."""
    value = _text(m, "base_model", here, required=False)
    return None if value is None else _repo_id(value, here + ("base_model",), owner=False)


def _texts(data: Mapping, key: str, path: tuple) -> tuple[str, ...]:
    value = data.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _Bad(path + (key,), "must be a list")
    out = []
    for index, item in enumerate(value):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str):
            raise _Bad(path + (key, index), f"must be text, not {item!r}")
        out.append(item)
    return tuple(out)


def _bool(data: Mapping, key: str, path: tuple, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise _Bad(path + (key,), f"must be true or false, not {value!r}")
    return value


def _number(data: Mapping, key: str, path: tuple) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise _Bad(path + (key,), f"must be a number, not {value!r}")
    if not math.isfinite(value):
        raise _Bad(path + (key,), f"must be a finite number, not {value!r}")
    return float(value)


def _finite(value: Any, path: tuple) -> None:
    """_Bad at the first non-finite number (``.nan``, ``.inf``) anywhere in ``value``:
    a rule's ``mau_over: .nan`` would compare false and silently never fire."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise _Bad(where, f"must be a finite number, not {item!r}")
        if isinstance(item, Mapping):
            stack.extend((v, where + (str(k),)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, where + (i,)) for i, v in enumerate(item))


def _keys(data: Any, path: tuple, allowed: Sequence[str]) -> Mapping:
    if type(data) is not dict and not isinstance(data, Mapping):   # dict: the fast, usual case
        raise _Bad(path, "must be a mapping")
    for key in data:
        if key not in allowed:
            raise _Bad(path + (str(key),), f"unknown key (expected one of: {', '.join(allowed)})")
    return data


def _source(data: Any, path: tuple, title: str, checked: str | None,
            *, require_url: bool = True) -> Source:
    src = _keys(data if data is not None else {}, path,
                ("title", "section", "url", "checked", "copy", "secondary"))
    url = _text(src, "url", path, required=require_url)
    for key, value in (("url", url), ("copy", src.get("copy")),
                       ("secondary", src.get("secondary"))):
        if value and not (isinstance(value, str) and value.startswith(("https://", "http://"))):
            raise _Bad(path + (key,), f"must be an http(s) URL, not {value!r}")
    return Source(title=_text(src, "title", path, required=False) or title,
                  section=_text(src, "section", path, required=False),
                  url=url,
                  checked=_date(src.get("checked"), path + ("checked",)) or checked,
                  copy=_text(src, "copy", path, required=False),
                  secondary=_text(src, "secondary", path, required=False))


RULE_KEYS = ("code", "severity", "when", "message", "obligation", "source", "checked",
             "confirmed", "quote", "in_force", "only_if")


def _rules(data: Any, path: tuple, *, title: str, checked: str | None, origin: str,
           use_case_ids: frozenset[str] | None, require_url: bool = True) -> tuple[Rule, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise _Bad(path, "must be a list of rules")
    def one(index: int, raw: Any) -> Rule:
        here = path + (index,)
        rule = _keys(raw, here, RULE_KEYS)
        code = _text(rule, "code", here)
        if not code.replace("_", "").isalnum() or code != code.lower():
            raise _Bad(here + ("code",), f"{code!r} must be snake_case")
        severity = _text(rule, "severity", here)
        if severity not in SEVERITIES:
            raise _Bad(here + ("severity",), f"{severity!r} is not one of {', '.join(SEVERITIES)}")
        _finite(rule.get("when"), here + ("when",))
        try:
            when = compile_when(rule.get("when"), use_case_ids, here + ("when",))
        except PredicateError as exc:
            raise _Bad(exc.path, str(exc)) from None
        rule_checked = _date(rule.get("checked"), here + ("checked",)) or checked
        if rule.get("source") is None and require_url:
            raise _Bad(here + ("source",), "is required: {section, url} of the primary text")
        return Rule(
            code=code, severity=severity, when=when, message=_text(rule, "message", here),
            source=_source(rule.get("source"), here + ("source",), title, rule_checked,
                           require_url=require_url),
            obligation=_text(rule, "obligation", here, required=False),
            confirmed=_bool(rule, "confirmed", here, True), origin=origin,
            quote=_text(rule, "quote", here, required=False),
            in_force=_date(rule.get("in_force"), here + ("in_force",)),
            only_if=_text(rule, "only_if", here, required=False),
        )
    return tuple(_each_item(data, one))


# ---------------------------------------------------------------- one file per kind

def _license(data: Mapping, path_: Path, sha: str, ucs: frozenset[str] | None) -> License:
    d = _keys(data, (), ("schema", "id", "title", "spdx", "hf_license", "hf_license_names",
                         "osi_approved", "free_open_source", "url", "version_date", "checked",
                         "summary", "use_policies", "rules"))
    lid, title = _id(d, "id", ()), _text(d, "title", ())
    checked = _date(d.get("checked"), ("checked",))
    if checked is None:
        raise _Bad(("checked",), "is required: the date the text was read")
    spdx = _text(d, "spdx", (), required=False)
    listed = spdx_license(spdx) if spdx else None
    osi = _bool(d, "osi_approved", (), bool(listed and listed.osi_approved))
    if listed is not None and osi != listed.osi_approved:
        raise _Bad(("osi_approved",), f"is {str(osi).lower()}, but the SPDX License List says "
                   f"{listed.id} is {'' if listed.osi_approved else 'not '}OSI-approved")
    return License(
        id=lid, title=title, spdx=spdx,
        hf_license=_texts(d, "hf_license", ()), hf_license_names=_texts(d, "hf_license_names", ()),
        osi_approved=osi,
        free_open_source=_bool(d, "free_open_source", (), False),
        url=_text(d, "url", ()), version_date=_date(d.get("version_date"), ("version_date",)),
        checked=checked, summary=_text(d, "summary", (), required=False, default="") or "",
        use_policies=_texts(d, "use_policies", ()),
        rules=_rules(d.get("rules"), ("rules",), title=title, checked=checked,
                     origin=f"license:{lid}", use_case_ids=ucs),
        file=path_, sha256=sha,
    )


def _use_policy(data: Mapping, path_: Path, sha: str, ucs: frozenset[str] | None) -> UsePolicy:
    d = _keys(data, (), ("schema", "id", "title", "url", "checked", "prohibitions", "rules"))
    pid, title = _id(d, "id", ()), _text(d, "title", ())
    url = _text(d, "url", ())
    checked = _date(d.get("checked"), ("checked",))
    if checked is None:
        raise _Bad(("checked",), "is required: the date the text was read")
    rules = list(_rules(d.get("rules"), ("rules",), title=title, checked=checked,
                        origin=f"use-policy:{pid}", use_case_ids=ucs))
    prohibitions = d.get("prohibitions") or []
    if not isinstance(prohibitions, list):
        raise _Bad(("prohibitions",), "must be a list")
    for index, raw in enumerate(prohibitions):
        here = ("prohibitions", index)
        p = _keys(raw, here, ("use_cases", "severity", "section", "text", "url", "confirmed",
                              "obligation", "quote", "copy", "secondary"))
        severity = _text(p, "severity", here, required=False, default="block")
        if severity not in SEVERITIES:
            raise _Bad(here + ("severity",), f"{severity!r} is not one of {', '.join(SEVERITIES)}")
        try:
            when = compile_when({"use_cases_any": list(_texts(p, "use_cases", here))}, ucs,
                                here)
        except PredicateError as exc:
            raise _Bad(tuple(k for k in exc.path if k != "use_cases_any") + ("use_cases",)
                       + exc.path[-1:], str(exc)) from None
        if not when["use_cases_any"]:
            raise _Bad(here + ("use_cases",), "must name at least one use case")
        text = _text(p, "text", here)
        verb = "prohibits" if severity == "block" else "restricts"
        rules.append(Rule(
            code="use_policy", severity=severity, when=when,
            message=f"{title} {verb}: {text}",
            source=_source({"section": p.get("section"), "url": p.get("url") or url,
                            "copy": p.get("copy"), "secondary": p.get("secondary")},
                           here, title, checked),
            obligation=_text(p, "obligation", here, required=False),
            confirmed=_bool(p, "confirmed", here, True), origin=f"use-policy:{pid}",
            quote=_text(p, "quote", here, required=False),
        ))
    return UsePolicy(id=pid, title=title, url=url, checked=checked, rules=tuple(rules),
                     file=path_, sha256=sha)


MODEL_KEYS = ("id", "family", "vendor", "licenses", "base_model", "parameters", "active_parameters",
              "training_tokens", "modalities", "released", "context_length", "gated",
              "gguf_repos", "use_policies", "sources", "openness", "notes", "confirmed",
              "access", "api", "kind", "languages", "tool_calling", "license_file", "gate")
API_KEYS = ("provider", "base_url", "key_env", "model", "docs", "token_limit", "sampling",
            "extra_body")
TOKEN_LIMIT_FIELDS = ("max_tokens", "max_completion_tokens")
API_SAMPLING = ("free", "default_only")
EXTRA_FIELD = re.compile(r"[a-z][a-z0-9_]{0,63}")
# Request fields the endpoint adapter writes itself: a profile cannot set them.
OWN_FIELDS = frozenset({"model", "messages", "stream", "stream_options", "max_tokens",
                        "max_completion_tokens", "temperature", "top_p", "seed", "stop"})
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
# What an API model's final weights can be: never downloadable.
API_WEIGHT_STATUSES = ("not_released", "restricted", "unknown")


def _http_url(value: str, path: tuple) -> str:
    """``value`` when it is an http(s) URL with a host and no user:password in it."""
    if "@" in value:
        raise _Bad(path, "must not carry credentials (user:password@ or a token); the key "
                         "is read from the variable named by key_env")
    try:
        parts = urllib.parse.urlsplit(value)
        scheme, host = parts.scheme, parts.hostname
    except ValueError:                       # a bad port or IPv6 literal
        scheme, host = "", None
    if scheme not in ("http", "https") or not host:
        # The value is not repeated: a key pasted here must not reach a terminal.
        raise _Bad(path, "must be an http(s) URL with a host (https://api.example.com/v1)")
    return value


def _key_base_url(value: str, path: tuple) -> str:
    """A hosted model's ``base_url``, where its key is sent: https, or plain http to this
    machine only (a key must not cross a network in clear text)."""
    _http_url(value, path)
    parts = urllib.parse.urlsplit(value)
    if parts.scheme != "https" and not is_loopback(parts.hostname or ""):
        raise _Bad(path, f"must be https: the key would cross the network in clear text to "
                         f"{parts.hostname} (plain http only to this machine: 127.0.0.1, "
                         "localhost, ::1)")
    return value


def _key_env(value: str, path: tuple) -> str:
    """A hosted model's ``key_env``: a variable name that holds an endpoint key, never
    another service's credential (``HF_TOKEN``, ``AWS_...``, ``GITHUB_TOKEN``...)."""
    if not ENV_NAME.fullmatch(value):
        raise _Bad(path, "is not an environment variable name (letters, digits and _, "
                         "not starting with a digit): name the variable that holds the key, "
                         "never the key (the value is not repeated here)")
    owner = config.key_owner(value)
    if owner:
        raise _Bad(path, f"{value} holds a credential of {owner}, not an API key: it is "
                         "never sent to an endpoint; name the variable of this API's own key")
    return value


def _api_access(defaults: Any, raw: Any, here: tuple) -> ApiAccess:
    """The ``api:`` of one model: ``defaults.api`` merged per key under the model's own,
    each problem reported where its value was written."""
    layers = [(defaults, ("defaults", "api")), (raw, here + ("api",))]
    merged: dict[str, tuple[Any, tuple]] = {}
    for data, where in layers:
        if data is None:
            continue
        for key, value in _keys(data, where, API_KEYS).items():
            merged[key] = (value, where + (key,))
    if not merged:
        raise _Bad(here + ("api",), "is required when access is api: {provider, base_url, "
                   "key_env, model}")

    def text(key: str, required: bool = True) -> tuple[str | None, tuple]:
        value, where = merged.get(key, (None, here + ("api", key)))
        if value is None:
            if required:
                raise _Bad(where, "is required when access is api")
            return None, where
        if not isinstance(value, str) or not value.strip():
            raise _Bad(where, f"must be non-empty text, not {value!r}")
        return value.strip(), where

    provider, _ = text("provider")
    base_url, where = text("base_url")
    _key_base_url(base_url, where)
    key_env, where = text("key_env")
    _key_env(key_env, where)
    model, _ = text("model")
    docs, where = text("docs", required=False)
    if docs is not None:
        _http_url(docs, where)
    token_limit, where = text("token_limit", required=False)
    if token_limit is not None and token_limit not in TOKEN_LIMIT_FIELDS:
        raise _Bad(where, f"must be one of {', '.join(TOKEN_LIMIT_FIELDS)}, not {token_limit!r}")
    sampling, where = text("sampling", required=False)
    if sampling is not None and sampling not in API_SAMPLING:
        raise _Bad(where, f"must be one of {', '.join(API_SAMPLING)}, not {sampling!r}")
    extra, where = merged.get("extra_body", (None, here + ("api", "extra_body")))
    return ApiAccess(provider=provider, base_url=base_url, key_env=key_env, model=model,
                     docs=docs, token_limit=token_limit or "max_tokens",
                     sampling=sampling or "free", extra_body=_extra_body(extra, where))


def _extra_body(raw: Any, where: tuple) -> tuple[tuple[str, Any], ...]:
    """``api.extra_body``: more request fields, scalar values only, none the adapter owns:
    ``{reasoning_effort: minimal}`` -> ``(("reasoning_effort", "minimal"),)``."""
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        raise _Bad(where, "must be a mapping of request field to value")
    out = []
    for key, value in raw.items():
        at = where + (key,)
        if not isinstance(key, str) or not EXTRA_FIELD.fullmatch(key):
            raise _Bad(where, f"{key!r} is not a request field name (a-z, digits, _)")
        if key in OWN_FIELDS:
            raise _Bad(at, "is written by the advisor itself (use token_limit or sampling)")
        if isinstance(value, float) and not math.isfinite(value):
            raise _Bad(at, "must be a finite number")
        if isinstance(value, str) and (len(value) > 64 or not value.isprintable()):
            raise _Bad(at, "must be short printable text (64 characters at most)")
        if not isinstance(value, (str, bool, int, float)):
            raise _Bad(at, f"must be text, a number or true/false, not {type(value).__name__}")
        out.append((key, value))
    return tuple(out)


def _component(raw: Any, path: tuple, memo: dict | None = None) -> Component:
    """One openness component; ``memo`` shares the (frozen) result between the many
    identical components that family defaults produce."""
    key = None
    if memo is not None and type(raw) is dict and all(type(v) is str for v in raw.values()):
        key = tuple(raw.items())
        if key in memo:
            return memo[key]
    component = _build_component(raw, path)
    if key is not None:
        memo[key] = component
    return component


def _build_component(raw: Any, path: tuple) -> Component:
    c = _keys(raw, path, ("status", "license", "evidence", "note"))
    status = _text(c, "status", path)
    if status not in COMPONENT_STATUSES:
        raise _Bad(path + ("status",), f"{status!r} is not one of {', '.join(COMPONENT_STATUSES)}")
    evidence = _text(c, "evidence", path, required=False)
    if evidence and not evidence.startswith(("https://", "http://")):
        raise _Bad(path + ("evidence",), f"must be an http(s) URL, not {evidence!r}")
    return Component(status=status, license=_text(c, "license", path, required=False),
                     evidence=evidence)


def _merge_model(defaults: Mapping, raw: Mapping) -> dict[str, Any]:
    merged = {**defaults, **raw}
    openness = {**(defaults.get("openness") or {})}
    for key, value in (raw.get("openness") or {}).items():
        base = openness.get(key)
        openness[key] = {**base, **value} if isinstance(base, Mapping) and isinstance(value, Mapping) else value
    merged["openness"] = openness
    return merged


def _models(data: Mapping, path_: Path) -> list[ModelProfile]:
    d = _keys(data, (), ("schema", "family", "vendor", "checked", "defaults", "models",
                         "sources", "notes"))
    family, vendor = _text(d, "family", ()), _text(d, "vendor", ())
    defaults = _keys(d.get("defaults") or {}, ("defaults",), MODEL_KEYS)
    raw_models = d.get("models")
    memo: dict = {}
    if not isinstance(raw_models, list) or not raw_models:
        raise _Bad(("models",), "must be a non-empty list")
    def one(index: int, raw: Any) -> ModelProfile:
        here = ("models", index)
        _keys(raw, here, MODEL_KEYS)
        m = _merge_model(defaults, raw)
        mid = _repo_id(_text(m, "id", here), here + ("id",))
        licenses = _texts(m, "licenses", here)
        if not licenses:
            raise _Bad(here + ("licenses",), "must name at least one license id")
        modalities = _texts(m, "modalities", here) or ("text",)
        for i, modality in enumerate(modalities):
            if modality not in MODALITIES:
                raise _Bad(here + ("modalities", i), f"{modality!r} is not one of {', '.join(MODALITIES)}")
        openness_raw = m.get("openness") or {}
        if not isinstance(openness_raw, Mapping):
            raise _Bad(here + ("openness",), "must be a mapping of components")
        openness = {}
        for key, value in openness_raw.items():
            if key not in COMPONENT_TYPES:
                raise _Bad(here + ("openness", str(key)),
                           f"unknown component (expected one of: {', '.join(COMPONENT_TYPES)})")
            openness[key] = _component(value, here + ("openness", key), memo)
        sources = []
        for i, src in enumerate(m.get("sources") or []):
            sources.append(_source(src, here + ("sources", i), "Source", None))
        context = m.get("context_length")
        if context is not None and (isinstance(context, bool) or not isinstance(context, int)):
            raise _Bad(here + ("context_length",), f"must be a whole number, not {context!r}")
        access, api = _access(m, defaults, raw, here, mid, openness)
        kind = _text(m, "kind", here, required=False)
        if kind is not None and kind not in MODEL_KINDS:
            raise _Bad(here + ("kind",), f"{kind!r} is not one of {', '.join(MODEL_KINDS)}")
        languages = tuple(code.lower() for code in _texts(m, "languages", here))
        for i, code in enumerate(languages):
            if code not in ISO_639_1:
                raise _Bad(here + ("languages", i), f"{code!r} is not an ISO 639-1 code")
        tools = m.get("tool_calling")
        if tools is not None and not isinstance(tools, bool):
            raise _Bad(here + ("tool_calling",), f"must be true or false, not {tools!r}")
        return ModelProfile(
            id=mid, family=_text(m, "family", here, required=False) or family,
            vendor=_text(m, "vendor", here, required=False) or vendor, licenses=licenses,
            base_model=_base_model(m, here),
            parameters=_number(m, "parameters", here),
            active_parameters=_number(m, "active_parameters", here),
            training_tokens=_number(m, "training_tokens", here),
            modalities=modalities, released=_date(m.get("released"), here + ("released",)),
            context_length=context, gated=_bool(m, "gated", here, False),
            gguf_repos=tuple(_repo_id(r, here + ("gguf_repos", i))
                             for i, r in enumerate(_texts(m, "gguf_repos", here))),
            use_policies=_texts(m, "use_policies", here),
            sources=tuple(sources), openness=openness,
            notes=_text(m, "notes", here, required=False), file=path_,
            confirmed=_bool(m, "confirmed", here, True), access=access, api=api,
            kind=kind, languages=languages, tool_calling=tools,
            license_file=_license_file(m.get("license_file"), here + ("license_file",)),
            gate=_gate(m.get("gate"), here + ("gate",)),
        )
    return _each_item(raw_models, one)


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _sha256(data: Mapping, path: tuple) -> str | None:
    value = data.get("sha256")
    if value is not None and not (isinstance(value, str) and _SHA256.fullmatch(value)):
        raise _Bad(path + ("sha256",), f"must be 64 lower-case hex digits, not {value!r}")
    return value


def _license_file(raw: Any, path: tuple) -> LicenseFile | None:
    """``license_file: {path: LICENSE, sha256: ..., checked: ...}``: a relative path in the
    repo (no ``..``, no leading ``/``) and the SHA-256 of its bytes when checked."""
    if raw is None:
        return None
    d = _keys(raw, path, ("path", "sha256", "checked"))
    name = _text(d, "path", path)
    parts = name.split("/")
    if (len(name) > 200 or name.startswith("/") or "\\" in name or not name.isprintable()
            or any(p in ("", ".", "..") for p in parts)):
        raise _Bad(path + ("path",), f"{name!r} is not a file path inside the repo (LICENSE, "
                   "docs/LICENSE.md)")
    return LicenseFile(path=name, sha256=_sha256(d, path),
                       checked=_date(d.get("checked"), path + ("checked",)))


def _gate(raw: Any, path: tuple) -> HubGate | None:
    """``gate: {eu_disallowed: true, sha256: ...}``: the card's gate as checked."""
    if raw is None:
        return None
    d = _keys(raw, path, ("eu_disallowed", "sha256"))
    return HubGate(eu_disallowed=_bool(d, "eu_disallowed", path, False), sha256=_sha256(d, path))


def _access(m: Mapping, defaults: Mapping, raw: Mapping, here: tuple, mid: str,
            openness: dict[str, Component]) -> tuple[str, ApiAccess | None]:
    """``(access, api)`` of one merged model entry; an API model's final weights are
    ``not_released`` unless the profile says otherwise (never ``open``)."""
    where = here + ("access",) if "access" in raw else ("defaults", "access")
    access = m.get("access", "weights")
    if access not in ACCESS_KINDS:
        raise _Bad(where, f"{access!r} is not one of {', '.join(ACCESS_KINDS)}")
    if access == "weights":
        if m.get("api") is not None:
            where = here + ("api",) if "api" in raw else ("defaults", "api")
            raise _Bad(where, "goes only with access: api (a hosted model)")
        return access, None
    if not mid.split("/")[0].lower().endswith("-api"):
        raise _Bad(here + ("id",), f"{mid!r}: a hosted API model's id is "
                   "'<provider>-api/<model>' (e.g. openai-api/gpt-5.1), never a Hub repo id")
    if m.get("gguf_repos"):
        raise _Bad(here + ("gguf_repos",), "must be empty for a hosted API model (no weights)")
    api = _api_access(defaults.get("api"), raw.get("api"), here)
    weights = openness.get("model_parameters_final")
    if weights is None:
        openness["model_parameters_final"] = Component(status="not_released")
    elif weights.status not in API_WEIGHT_STATUSES:
        raise _Bad(here + ("openness", "model_parameters_final", "status"),
                   f"{weights.status!r} for a hosted API model: its weights are not "
                   f"downloadable ({', '.join(API_WEIGHT_STATUSES)})")
    return access, api


JURISDICTION_SCOPES = ("place", "topic")


def _jurisdiction(data: Mapping, path_: Path, ucs: frozenset[str] | None) -> Jurisdiction:
    d = _keys(data, (), ("schema", "id", "title", "members", "checked", "rules", "notes",
                         "scope"))
    jid, title = _id(d, "id", ()), _text(d, "title", ())
    scope = _text(d, "scope", (), required=False, default="place")
    if scope not in JURISDICTION_SCOPES:
        raise _Bad(("scope",), f"{scope!r} is not one of {', '.join(JURISDICTION_SCOPES)}")
    members = set()
    for index, code in enumerate(_texts(d, "members", ())):
        norm = normalize_code(code)
        if norm is None:
            raise _Bad(("members", index), f"{code!r} is not an ISO 3166-1 alpha-2 code")
        members.add(norm)
    if not members:
        raise _Bad(("members",), "must list at least one country")
    checked = _date(d.get("checked"), ("checked",))
    return Jurisdiction(id=jid, title=title, members=frozenset(members), checked=checked,
                        rules=_rules(d.get("rules"), ("rules",), title=title, checked=checked,
                                     origin=f"jurisdiction:{jid}", use_case_ids=ucs),
                        file=path_, scope=scope)


def _use_cases(data: Mapping) -> list[UseCaseInfo]:
    d = _keys(data, (), ("schema", "use_cases", "checked"))
    items = d.get("use_cases")
    if not isinstance(items, list):
        raise _Bad(("use_cases",), "must be a list")
    out = []
    for index, raw in enumerate(items):
        here = ("use_cases", index)
        u = _keys(raw, here, ("id", "title", "description", "why", "suites", "regulatory",
                              "data", "interactive", "needs", "prefers"))
        data_categories = _texts(u, "data", here)
        for at, category in enumerate(data_categories):
            if category not in DATA_CATEGORIES:
                raise _Bad(here + ("data", at),
                           f"{category!r} is not one of {', '.join(DATA_CATEGORIES)}")
        out.append(UseCaseInfo(
            id=_id(u, "id", here), title=_text(u, "title", here),
            description=_text(u, "description", here, required=False, default="") or "",
            why=_text(u, "why", here, required=False, default="") or "",
            suites=_texts(u, "suites", here), regulatory=_texts(u, "regulatory", here),
            data=data_categories,
            interactive=_bool(u, "interactive", here, False),
            needs=_wants(u.get("needs"), here + ("needs",)),
            prefers=_wants(u.get("prefers"), here + ("prefers",))))
    return out


MAX_CONTEXT = 1 << 24                # tokens; no model's window comes near it


def _wants(raw: Any, path: tuple) -> Wants:
    """A use case's ``needs`` or ``prefers``: {kinds, modalities, tool_calling, context}."""
    if raw is None:
        return Wants()
    w = _keys(raw, path, ("kinds", "modalities", "tool_calling", "context"))
    kinds = _texts(w, "kinds", path)
    for index, kind in enumerate(kinds):
        if kind not in MODEL_KINDS:
            raise _Bad(path + ("kinds", index), f"{kind!r} is not one of {', '.join(MODEL_KINDS)}")
    modalities = _texts(w, "modalities", path)
    for index, modality in enumerate(modalities):
        if modality not in MODALITIES:
            raise _Bad(path + ("modalities", index),
                       f"{modality!r} is not one of {', '.join(MODALITIES)}")
    context = w.get("context")
    if context is not None and (isinstance(context, bool) or not isinstance(context, int)
                                or not 0 < context <= MAX_CONTEXT):
        raise _Bad(path + ("context",), f"must be a whole number of tokens (1 to {MAX_CONTEXT}), "
                   f"not {context!r}")
    return Wants(kinds=kinds, modalities=modalities,
                 tool_calling=_bool(w, "tool_calling", path, False), context=context)


def _policy(data: Mapping, path_: Path, ucs: frozenset[str] | None) -> Policy:
    d = _keys(data, (), ("schema", "id", "title", "checked", "rules", "notes"))
    pid, title = _id(d, "id", ()), _text(d, "title", ())
    checked = _date(d.get("checked"), ("checked",))
    return Policy(id=pid, title=title, checked=checked, file=path_,
                  rules=_rules(d.get("rules"), ("rules",), title=title, checked=checked,
                               origin=f"policy:{pid}", use_case_ids=ucs, require_url=False))


# ---------------------------------------------------------------- the whole base

@dataclass
class _Loaded:
    path: Path
    text: str
    data: Any
    sha: str
    root: int = 0              # index of the directory it came from (0: the first, shipped)


def profile_files(directory: Path) -> list[Path]:
    """The profile files below ``directory``, in the order they are loaded."""
    return sorted(directory.rglob("*.yaml")) + sorted(directory.rglob("*.yml"))


def files_key(roots: Sequence[Path], files: Iterable[tuple[int, Path, str]]) -> str:
    """The knowledge cache's key: a digest of the roots and of each profile file's path
    and SHA-256, ``files`` being ``(root index, path, sha256)`` in load order. The one rule
    for both sides: :func:`profiles_key` hashes the bytes on disk now, a build hashes the
    very bytes it parsed, so a build is stored under the key of what it read."""
    by_root: dict[int, list[tuple[Path, str]]] = {}
    for root, path, sha in files:
        by_root.setdefault(root, []).append((path, sha))
    digest = hashlib.sha256()
    for index, root in enumerate(roots):
        digest.update(f"root {index} {root}\0".encode("utf-8", "surrogateescape"))
        for path, sha in by_root.get(index, ()):
            digest.update(f"{path}\0".encode("utf-8", "surrogateescape"))
            digest.update(bytes.fromhex(sha))
    return digest.hexdigest()


def profiles_key(roots: Sequence[Path]) -> str | None:
    """:func:`files_key` of the profile files below ``roots`` as they are now (None when
    one cannot be read: then the knowledge base is built the slow way, which reports it)."""
    files = []
    for index, root in enumerate(roots):
        for path in profile_files(root):
            try:
                raw = read_limited(path, MAX_FILE_BYTES)
            except (OSError, ValueError):
                return None
            files.append((index, path, hashlib.sha256(raw).hexdigest()))
    return files_key(roots, files)


def _read_dir(directory: Path, problems: list[Problem], cache: Any = None,
              root: int = 0) -> list[_Loaded]:
    if not directory.is_dir():
        problems.append(Problem(str(directory), None, "", "is not a directory"))
        return []
    out = []
    for path in profile_files(directory):
        if not path.is_file():
            problems.append(Problem(str(path), None, "", "not a regular file"))
            continue
        try:
            raw = read_limited(path, MAX_FILE_BYTES)
            sha = hashlib.sha256(raw).hexdigest()
            text = raw.decode("utf-8")
            data = cache.get(sha) if cache is not None else None
            if data is None:
                data = load_yaml_text(text, str(path))
                if cache is not None and data is not None:
                    cache.put(sha, data)
        except InputError as exc:
            problems.append(Problem(str(path), exc.line, exc.field or "", exc.problem))
            continue
        except UnicodeDecodeError:
            problems.append(Problem(str(path), None, "", "not UTF-8 text"))
            continue
        except OSError as exc:
            problems.append(Problem(str(path), None, "", exc.strerror or "cannot be read"))
            continue
        except ValueError as exc:
            problems.append(Problem(str(path), None, "", str(exc)))
            continue
        out.append(_Loaded(path, text, data, sha, root))
    return out


def _problem(item: _Loaded, path: tuple, message: str) -> Problem:
    return Problem(str(item.path), line_of(item.text, path), dotted(path), message)


def build_knowledge(dirs: Iterable[Path], *, cache: Any = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Load every profile below ``dirs`` (later directories win by id, and each such
    replacement is listed in ``kb.overrides``). ``cache``: a ``ParsedCache`` or None."""
    kb, problems, _ = _build(dirs, cache=cache)
    return kb, problems


def _build(dirs: Iterable[Path], *, cache: Any = None
           ) -> tuple[KnowledgeBase, list[Problem], str]:
    """:func:`build_knowledge` and the :func:`files_key` of the bytes it parsed."""
    problems: list[Problem] = []
    files: list[_Loaded] = []
    roots = [Path(d) for d in dirs]
    for index, directory in enumerate(roots):
        files.extend(_read_dir(directory, problems, cache, index))
    if cache is not None:
        cache.save()
    parsed_key = files_key(roots, ((i.root, i.path, i.sha) for i in files))
    overrides: list[Override] = []
    root_of: dict[str, int] = {str(i.path): i.root for i in files}

    kb = KnowledgeBase()
    by_schema: dict[str, list[_Loaded]] = {s: [] for s in SCHEMAS}
    for item in files:
        if not isinstance(item.data, Mapping):
            kind = "empty" if item.data is None else f"a {type(item.data).__name__}"
            problems.append(_problem(item, (), f"must be a mapping with a `schema:` key, not {kind}"))
            continue
        schema = item.data.get("schema")
        if schema not in by_schema:
            problems.append(_problem(item, ("schema",),
                                     f"{schema!r} is not one of {', '.join(SCHEMAS)}"))
            continue
        by_schema[schema].append(item)

    # Use cases first: rules are checked against their ids.
    use_case_file: dict[str, _Loaded] = {}
    for item in by_schema["advisor.use-cases/1"]:
        try:
            for index, uc in enumerate(_use_cases(item.data)):
                previous = use_case_file.get(uc.id)
                if previous is not None and previous.root == item.root:
                    problems.append(_problem(item, ("use_cases", index, "id"),
                                             f"id {uc.id!r} is defined twice (also in {previous.path})"))
                elif previous is not None:
                    overrides.append(Override("use-case", uc.id, str(item.path), item.sha,
                                              str(previous.path)))
                use_case_file[uc.id] = item
                kb.use_cases[uc.id] = uc
        except _Bad as bad:
            problems.append(_problem(item, bad.path, bad.message))
    ucs = frozenset(kb.use_cases) or None

    def each(schema: str, build, store) -> None:
        for item in by_schema[schema]:
            try:
                result = build(item)
            except _Bad as bad:
                problems.append(_problem(item, bad.path, bad.message))
                continue
            except _ManyBad as many:
                problems.extend(_problem(item, b.path, b.message) for b in many.problems)
                continue
            for record in result if isinstance(result, list) else [result]:
                store(item, record)

    def keep(kind: str, table: dict, key: str, item: _Loaded, record: Any, where: tuple) -> None:
        """Store ``record``; the same id twice in one directory is a problem, and a later
        directory's record over an earlier one's is an override, never silent."""
        previous = table.get(key)
        if previous is not None:
            if root_of.get(str(previous.file)) == item.root:
                problems.append(_problem(item, where,
                                         f"id {record.id!r} is defined twice (also in {previous.file})"))
            else:
                api = getattr(record, "api", None)
                overrides.append(Override(kind, record.id, str(item.path), item.sha,
                                          str(previous.file),
                                          key_env=api.key_env if api else None,
                                          key_origin=origin_text(api.base_url) if api else None))
        table[key] = record
        api = getattr(record, "api", None)
        if kind == "model" and api is not None and item.root == 0:
            key_hosts.setdefault(api.key_env, set()).add(origin(api.base_url))

    key_hosts: dict[str, set[tuple]] = {}      # key variable -> the origins shipped profiles send it to
    model_rows: dict[str, dict[str, int]] = {}  # file -> lower-case model id -> its last row

    def model_where(item: _Loaded, model: ModelProfile) -> tuple:
        rows = model_rows.get(str(item.path))
        if rows is None:                         # once per file, not once per model
            raw = item.data.get("models") if isinstance(item.data, Mapping) else None
            rows = model_rows[str(item.path)] = {
                str(entry.get("id", "")).strip().lower(): index
                for index, entry in enumerate(raw or []) if isinstance(entry, Mapping)}
        index = rows.get(model.id.lower())
        return ("models", index, "id") if index is not None else ("models",)

    each("advisor.license/1", lambda i: _license(i.data, i.path, i.sha, ucs),
         lambda i, r: keep("license", kb.licenses, r.id, i, r, ("id",)))
    each("advisor.use-policy/1", lambda i: _use_policy(i.data, i.path, i.sha, ucs),
         lambda i, r: keep("use-policy", kb.use_policies, r.id, i, r, ("id",)))
    each("advisor.model-family/1", lambda i: _models(i.data, i.path),
         lambda i, r: keep("model", kb.models, r.id.lower(), i, r, model_where(i, r)))
    each("advisor.jurisdiction/1", lambda i: _jurisdiction(i.data, i.path, ucs),
         lambda i, r: keep("jurisdiction", kb.jurisdictions, r.id, i, r, ("id",)))
    each("advisor.policy/1", lambda i: _policy(i.data, i.path, ucs),
         lambda i, r: keep("policy", kb.policies, r.id, i, r, ("id",)))
    from advisor.knowledge.quality import quality_table, unprofiled_scores

    def keep_table(item: _Loaded, table: Any) -> None:
        for index, model in unprofiled_scores(table, kb.models):
            problems.append(_problem(item, ("scores", index, "model"),
                                     f"no model profile with id {model!r}"))
        keep("quality", kb.quality, table.id, item, table, ("id",))

    each("advisor.quality/1", lambda i: quality_table(i.data, i.path, ucs), keep_table)
    kb.overrides = tuple(overrides)
    kb.gguf_index = gguf_index(kb.models)
    problems.extend(_keys_sent_elsewhere(kb, key_hosts, {str(i.path): i for i in files}))

    # Cross references.
    text_of = {str(i.path): i for i in files}
    for model in kb.models.values():
        for lid in model.licenses:
            if lid not in kb.licenses:
                item = text_of[str(model.file)]
                problems.append(Problem(str(model.file), _find_line(item.text, lid), "licenses",
                                        f"model {model.id}: no license profile with id {lid!r}"))
        for pid in model.use_policies:
            if pid not in kb.use_policies:
                item = text_of[str(model.file)]
                problems.append(Problem(str(model.file), _find_line(item.text, pid), "use_policies",
                                        f"model {model.id}: no use-policy profile with id {pid!r}"))
    for lic in kb.licenses.values():
        for pid in lic.use_policies:
            if pid not in kb.use_policies:
                item = text_of[str(lic.file)]
                problems.append(Problem(str(lic.file), _find_line(item.text, pid), "use_policies",
                                        f"no use-policy profile with id {pid!r}"))

    for item in files:
        try:
            rel = item.path.relative_to(next(r for r in roots if item.path.is_relative_to(r)))
        except StopIteration:  # pragma: no cover - every file comes from a root
            rel = item.path
        kb.file_hashes[str(rel)] = item.sha
    kb.digest = hashlib.sha256("".join(f"{k}\0{v}\n" for k, v in sorted(kb.file_hashes.items()))
                               .encode()).hexdigest()
    return kb, problems, parsed_key


def _keys_sent_elsewhere(kb: KnowledgeBase, key_hosts: dict[str, set[tuple]],
                         items: dict[str, _Loaded]) -> list[Problem]:
    """A key variable the shipped hosted profiles send to their own hosts (OPENAI_API_KEY
    to api.openai.com) is never sent elsewhere: a user profile that points it at another
    host is refused, naming both."""
    out = []
    for model in kb.models.values():
        api = model.api
        item = items.get(str(model.file))
        if api is None or item is None or item.root == 0 or api.key_env not in key_hosts:
            continue
        if origin(api.base_url) in key_hosts[api.key_env]:
            continue
        tied = ", ".join(sorted(f"{scheme}://{host}" for scheme, host, _ in key_hosts[api.key_env]))
        out.append(Problem(str(model.file), _find_line(item.text, api.key_env), "api.key_env",
                           f"model {model.id}: {api.key_env} is the key the shipped profiles "
                           f"send to {tied} only; this profile would send it to "
                           f"{origin_text(api.base_url)}: name a variable of your own"))
    return out


def _find_line(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return None


def unconfirmed(kb: KnowledgeBase) -> list[str]:
    """What a person has still to confirm: drafted model profiles and rules marked
    ``confirmed: false``, one line each: ``unconfirmed(kb)[0]`` ->
    ``"model org/m (my/m.yaml): drafted, not yet checked"``."""
    out = [f"model {m.id} ({m.file}): drafted, not yet checked"
           for m in kb.models.values() if not m.confirmed]
    tables = (kb.licenses, kb.use_policies, kb.jurisdictions, kb.policies)
    for record in (r for table in tables for r in table.values()):
        for rule in record.rules:
            if not rule.confirmed:
                where = section_label(rule.source.section) or "no section"
                out.append(f"rule {rule.code} of {rule.origin} ({where}, {record.file})")
    return out


def profile_dirs(extra_dirs: Iterable[Path | str] = ()) -> list[Path]:
    return [PROFILES_DIR, *(Path(d) for d in extra_dirs)]


def load_knowledge(extra_dirs: Iterable[Path | str] = ()) -> KnowledgeBase:
    """The shipped profiles plus ``extra_dirs``; the first problem raises ``InputError``."""
    for directory in extra_dirs:
        if not Path(directory).is_dir():
            raise InputError(str(directory), "profiles directory not found")
    from advisor.knowledge.cache import KnowledgeCache, ParsedCache

    roots = profile_dirs(extra_dirs)
    stored = KnowledgeCache.open()
    key = profiles_key(roots) if stored.usable else None
    kb = stored.get(key) if key else None
    if kb is not None:
        return kb
    kb, problems, parsed_key = _build(roots, cache=ParsedCache.open())
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more; run `advisor profiles check`)" if len(problems) > 1 else ""
        raise InputError(first.file, first.message + more, line=first.line,
                         field=first.field or None)
    if key:         # stored under the key of the bytes parsed, never of those read before
        stored.put(parsed_key, kb)
    return kb


def check_profiles(dirs: Iterable[Path | str]) -> tuple[KnowledgeBase, list[Problem]]:
    """Every problem in ``dirs`` (for ``advisor profiles check``)."""
    return build_knowledge([Path(d) for d in dirs])
