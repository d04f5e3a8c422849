"""The reader of ``advisor.model-family/1`` files: a family's defaults merged into each
model, its openness components, and a hosted API model's ``api`` access.
"""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from advisor import config
from advisor.knowledge.load.fields import (Bad, check_keys, each_item, read_bool, read_date,
                                           read_number, read_repo_id, read_source, read_text,
                                           read_texts)
from advisor.knowledge.model import (COMPONENT_STATUSES, COMPONENT_TYPES, MODEL_KINDS, ApiAccess,
                                     Component, HubGate, LicenseFile, ModelProfile)
from advisor.languages import ISO_639_1
from advisor.urls import is_loopback
from advisor.vocab import ACCESS_KINDS

MODALITIES = ("text", "image_input", "audio_input", "code", "image_output")
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
        raise Bad(path, "must not carry credentials (user:password@ or a token); the key "
                         "is read from the variable named by key_env")
    try:
        parts = urllib.parse.urlsplit(value)
        scheme, host = parts.scheme, parts.hostname
    except ValueError:                       # a bad port or IPv6 literal
        scheme, host = "", None
    if scheme not in ("http", "https") or not host:
        # The value is not repeated: a key pasted here must not reach a terminal.
        raise Bad(path, "must be an http(s) URL with a host (https://api.example.com/v1)")
    return value


def _key_base_url(value: str, path: tuple) -> str:
    """A hosted model's ``base_url``, where its key is sent: https, or plain http to this
    machine only (a key must not cross a network in clear text)."""
    _http_url(value, path)
    parts = urllib.parse.urlsplit(value)
    if parts.scheme != "https" and not is_loopback(parts.hostname or ""):
        raise Bad(path, f"must be https: the key would cross the network in clear text to "
                        f"{parts.hostname} (plain http only to this machine: 127.0.0.1, "
                        "localhost, ::1)")
    return value


def _key_env(value: str, path: tuple) -> str:
    """A hosted model's ``key_env``: a variable name that holds an endpoint key, never
    another service's credential (``HF_TOKEN``, ``AWS_...``, ``GITHUB_TOKEN``...)."""
    if not ENV_NAME.fullmatch(value):
        raise Bad(path, "is not an environment variable name (letters, digits and _, "
                        "not starting with a digit): name the variable that holds the key, "
                        "never the key (the value is not repeated here)")
    owner = config.key_owner(value)
    if owner:
        raise Bad(path, f"{value} holds a credential of {owner}, not an API key: it is "
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
        for key, value in check_keys(data, where, API_KEYS).items():
            merged[key] = (value, where + (key,))
    if not merged:
        raise Bad(here + ("api",), "is required when access is api: {provider, base_url, "
                   "key_env, model}")

    def text(key: str, required: bool = True) -> tuple[str | None, tuple]:
        value, where = merged.get(key, (None, here + ("api", key)))
        if value is None:
            if required:
                raise Bad(where, "is required when access is api")
            return None, where
        if not isinstance(value, str) or not value.strip():
            raise Bad(where, f"must be non-empty text, not {value!r}")
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
        raise Bad(where, f"must be one of {', '.join(TOKEN_LIMIT_FIELDS)}, not {token_limit!r}")
    sampling, where = text("sampling", required=False)
    if sampling is not None and sampling not in API_SAMPLING:
        raise Bad(where, f"must be one of {', '.join(API_SAMPLING)}, not {sampling!r}")
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
        raise Bad(where, "must be a mapping of request field to value")
    out = []
    for key, value in raw.items():
        at = where + (key,)
        if not isinstance(key, str) or not EXTRA_FIELD.fullmatch(key):
            raise Bad(where, f"{key!r} is not a request field name (a-z, digits, _)")
        if key in OWN_FIELDS:
            raise Bad(at, "is written by the advisor itself (use token_limit or sampling)")
        if isinstance(value, float) and not math.isfinite(value):
            raise Bad(at, "must be a finite number")
        if isinstance(value, str) and (len(value) > 64 or not value.isprintable()):
            raise Bad(at, "must be short printable text (64 characters at most)")
        if not isinstance(value, (str, bool, int, float)):
            raise Bad(at, f"must be text, a number or true/false, not {type(value).__name__}")
        out.append((key, value))
    return tuple(out)


def _component(raw: Any, path: tuple, memo: dict | None = None) -> Component:
    """One openness component; ``memo`` shares the (frozen) result between the many
    identical components that family defaults produce, and between equal ones (it maps
    the raw items, and each component, to the one shared)."""
    key = None
    if memo is not None and type(raw) is dict and all(type(v) is str for v in raw.values()):
        key = tuple(raw.items())
        if key in memo:
            return memo[key]
    component = _build_component(raw, path)
    if memo is not None:
        component = memo.setdefault(component, component)
    if key is not None:
        memo[key] = component
    return component


def _build_component(raw: Any, path: tuple) -> Component:
    c = check_keys(raw, path, ("status", "license", "evidence", "note"))
    status = read_text(c, "status", path)
    if status not in COMPONENT_STATUSES:
        raise Bad(path + ("status",), f"{status!r} is not one of {', '.join(COMPONENT_STATUSES)}")
    evidence = read_text(c, "evidence", path, required=False)
    if evidence and not evidence.startswith(("https://", "http://")):
        raise Bad(path + ("evidence",), f"must be an http(s) URL, not {evidence!r}")
    return Component(status=status, license=read_text(c, "license", path, required=False),
                     evidence=evidence)


def _merge_model(defaults: Mapping, raw: Mapping) -> dict[str, Any]:
    merged = {**defaults, **raw}
    openness = {**(defaults.get("openness") or {})}
    for key, value in (raw.get("openness") or {}).items():
        base = openness.get(key)
        openness[key] = {**base, **value} if isinstance(base, Mapping) and isinstance(value, Mapping) else value
    merged["openness"] = openness
    return merged


def read_models(data: Mapping, path_: Path, memo: dict | None = None) -> list[ModelProfile]:
    """The model profiles of one family file; ``memo`` shares equal openness components
    between files too (fewer objects to store and to load)."""
    d = check_keys(data, (), ("schema", "family", "vendor", "checked", "defaults", "models",
                         "sources", "notes"))
    family, vendor = read_text(d, "family", ()), read_text(d, "vendor", ())
    defaults = check_keys(d.get("defaults") or {}, ("defaults",), MODEL_KEYS)
    raw_models = d.get("models")
    memo = {} if memo is None else memo
    if not isinstance(raw_models, list) or not raw_models:
        raise Bad(("models",), "must be a non-empty list")
    def one(index: int, raw: Any) -> ModelProfile:
        here = ("models", index)
        check_keys(raw, here, MODEL_KEYS)
        m = _merge_model(defaults, raw)
        mid = read_repo_id(read_text(m, "id", here), here + ("id",))
        licenses = read_texts(m, "licenses", here)
        if not licenses:
            raise Bad(here + ("licenses",), "must name at least one license id")
        modalities = read_texts(m, "modalities", here) or ("text",)
        for i, modality in enumerate(modalities):
            if modality not in MODALITIES:
                raise Bad(here + ("modalities", i), f"{modality!r} is not one of {', '.join(MODALITIES)}")
        openness_raw = m.get("openness") or {}
        if not isinstance(openness_raw, Mapping):
            raise Bad(here + ("openness",), "must be a mapping of components")
        openness = {}
        for key, value in openness_raw.items():
            if key not in COMPONENT_TYPES:
                raise Bad(here + ("openness", str(key)),
                           f"unknown component (expected one of: {', '.join(COMPONENT_TYPES)})")
            openness[key] = _component(value, here + ("openness", key), memo)
        sources = []
        for i, src in enumerate(m.get("sources") or []):
            sources.append(read_source(src, here + ("sources", i), "Source", None))
        context = m.get("context_length")
        if context is not None and (isinstance(context, bool) or not isinstance(context, int)):
            raise Bad(here + ("context_length",), f"must be a whole number, not {context!r}")
        access, api = _access(m, defaults, raw, here, mid, openness)
        kind = read_text(m, "kind", here, required=False)
        if kind is not None and kind not in MODEL_KINDS:
            raise Bad(here + ("kind",), f"{kind!r} is not one of {', '.join(MODEL_KINDS)}")
        languages = tuple(code.lower() for code in read_texts(m, "languages", here))
        for i, code in enumerate(languages):
            if code not in ISO_639_1:
                raise Bad(here + ("languages", i), f"{code!r} is not an ISO 639-1 code")
        tools = m.get("tool_calling")
        if tools is not None and not isinstance(tools, bool):
            raise Bad(here + ("tool_calling",), f"must be true or false, not {tools!r}")
        return ModelProfile(
            id=mid, family=read_text(m, "family", here, required=False) or family,
            vendor=read_text(m, "vendor", here, required=False) or vendor, licenses=licenses,
            base_model=_base_model(m, here),
            parameters=read_number(m, "parameters", here),
            active_parameters=read_number(m, "active_parameters", here),
            training_tokens=read_number(m, "training_tokens", here),
            modalities=modalities, released=read_date(m.get("released"), here + ("released",)),
            context_length=context, gated=read_bool(m, "gated", here, False),
            gguf_repos=tuple(read_repo_id(r, here + ("gguf_repos", i))
                             for i, r in enumerate(read_texts(m, "gguf_repos", here))),
            use_policies=read_texts(m, "use_policies", here),
            sources=tuple(sources), openness=openness,
            notes=read_text(m, "notes", here, required=False), file=str(path_),
            confirmed=read_bool(m, "confirmed", here, True), access=access, api=api,
            kind=kind, languages=languages, tool_calling=tools,
            license_file=_license_file(m.get("license_file"), here + ("license_file",)),
            gate=_gate(m.get("gate"), here + ("gate",)),
        )
    return each_item(raw_models, one)


def _base_model(m: Mapping, here: tuple) -> str | None:
    """``base_model``: a Hub id (a bare old-style name such as ``gpt2`` too), or None."""
    value = read_text(m, "base_model", here, required=False)
    return None if value is None else read_repo_id(value, here + ("base_model",), owner=False)


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _sha256(data: Mapping, path: tuple) -> str | None:
    value = data.get("sha256")
    if value is not None and not (isinstance(value, str) and _SHA256.fullmatch(value)):
        raise Bad(path + ("sha256",), f"must be 64 lower-case hex digits, not {value!r}")
    return value


def _license_file(raw: Any, path: tuple) -> LicenseFile | None:
    """``license_file: {path: LICENSE, sha256: ..., checked: ...}``: a relative path in the
    repo (no ``..``, no leading ``/``) and the SHA-256 of its bytes when checked."""
    if raw is None:
        return None
    d = check_keys(raw, path, ("path", "sha256", "checked"))
    name = read_text(d, "path", path)
    parts = name.split("/")
    if (len(name) > 200 or name.startswith("/") or "\\" in name or not name.isprintable()
            or any(p in ("", ".", "..") for p in parts)):
        raise Bad(path + ("path",), f"{name!r} is not a file path inside the repo (LICENSE, "
                  "docs/LICENSE.md)")
    return LicenseFile(path=name, sha256=_sha256(d, path),
                       checked=read_date(d.get("checked"), path + ("checked",)))


def _gate(raw: Any, path: tuple) -> HubGate | None:
    """``gate: {eu_disallowed: true, sha256: ...}``: the card's gate as checked."""
    if raw is None:
        return None
    d = check_keys(raw, path, ("eu_disallowed", "sha256"))
    return HubGate(eu_disallowed=read_bool(d, "eu_disallowed", path, False),
                   sha256=_sha256(d, path))


def _access(m: Mapping, defaults: Mapping, raw: Mapping, here: tuple, mid: str,
            openness: dict[str, Component]) -> tuple[str, ApiAccess | None]:
    """``(access, api)`` of one merged model entry; an API model's final weights are
    ``not_released`` unless the profile says otherwise (never ``open``)."""
    where = here + ("access",) if "access" in raw else ("defaults", "access")
    access = m.get("access", "weights")
    if access not in ACCESS_KINDS:
        raise Bad(where, f"{access!r} is not one of {', '.join(ACCESS_KINDS)}")
    if access == "weights":
        if m.get("api") is not None:
            where = here + ("api",) if "api" in raw else ("defaults", "api")
            raise Bad(where, "goes only with access: api (a hosted model)")
        return access, None
    if not mid.split("/")[0].lower().endswith("-api"):
        raise Bad(here + ("id",), f"{mid!r}: a hosted API model's id is "
                   "'<provider>-api/<model>' (e.g. openai-api/gpt-5.1), never a Hub repo id")
    if m.get("gguf_repos"):
        raise Bad(here + ("gguf_repos",), "must be empty for a hosted API model (no weights)")
    api = _api_access(defaults.get("api"), raw.get("api"), here)
    weights = openness.get("model_parameters_final")
    if weights is None:
        openness["model_parameters_final"] = Component(status="not_released")
    elif weights.status not in API_WEIGHT_STATUSES:
        raise Bad(here + ("openness", "model_parameters_final", "status"),
                   f"{weights.status!r} for a hosted API model: its weights are not "
                   f"downloadable ({', '.join(API_WEIGHT_STATUSES)})")
    return access, api
