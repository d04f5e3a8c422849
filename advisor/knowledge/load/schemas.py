"""One reader per profile schema but the model families (``models.py``): licenses, use
policies, jurisdictions, use cases and organization policies. Each takes a file's parsed
YAML and returns its record, or raises ``Bad``/``ManyBad`` at the faulty field.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from advisor.answers import DATA_CATEGORIES
from advisor.knowledge.load.fields import (Bad, check_keys, read_bool, read_date, read_id,
                                           read_source, read_text, read_texts)
from advisor.knowledge.load.models import MODALITIES
from advisor.knowledge.load.rules import read_rules
from advisor.knowledge.model import (MODEL_KINDS, Jurisdiction, License, Policy, Rule,
                                     UseCaseInfo, UsePolicy, Wants)
from advisor.knowledge.predicates import PredicateError, compile_when
from advisor.knowledge.spdx import spdx_license
from advisor.regions import normalize_code
from advisor.vocab import SEVERITIES


def read_license(data: Mapping, path_: Path, sha: str, ucs: frozenset[str] | None) -> License:
    d = check_keys(data, (), ("schema", "id", "title", "spdx", "hf_license", "hf_license_names",
                         "osi_approved", "free_open_source", "url", "version_date", "checked",
                         "summary", "use_policies", "rules"))
    lid, title = read_id(d, "id", ()), read_text(d, "title", ())
    checked = read_date(d.get("checked"), ("checked",))
    if checked is None:
        raise Bad(("checked",), "is required: the date the text was read")
    spdx = read_text(d, "spdx", (), required=False)
    listed = spdx_license(spdx) if spdx else None
    osi = read_bool(d, "osi_approved", (), bool(listed and listed.osi_approved))
    if listed is not None and osi != listed.osi_approved:
        raise Bad(("osi_approved",), f"is {str(osi).lower()}, but the SPDX License List says "
                   f"{listed.id} is {'' if listed.osi_approved else 'not '}OSI-approved")
    return License(
        id=lid, title=title, spdx=spdx,
        hf_license=read_texts(d, "hf_license", ()), hf_license_names=read_texts(d, "hf_license_names", ()),
        osi_approved=osi,
        free_open_source=read_bool(d, "free_open_source", (), False),
        url=read_text(d, "url", ()), version_date=read_date(d.get("version_date"), ("version_date",)),
        checked=checked, summary=read_text(d, "summary", (), required=False, default="") or "",
        use_policies=read_texts(d, "use_policies", ()),
        rules=read_rules(d.get("rules"), ("rules",), title=title, checked=checked,
                     origin=f"license:{lid}", use_case_ids=ucs),
        file=str(path_), sha256=sha,
    )


def read_use_policy(data: Mapping, path_: Path, sha: str, ucs: frozenset[str] | None) -> UsePolicy:
    d = check_keys(data, (), ("schema", "id", "title", "url", "checked", "prohibitions", "rules"))
    pid, title = read_id(d, "id", ()), read_text(d, "title", ())
    url = read_text(d, "url", ())
    checked = read_date(d.get("checked"), ("checked",))
    if checked is None:
        raise Bad(("checked",), "is required: the date the text was read")
    rules = list(read_rules(d.get("rules"), ("rules",), title=title, checked=checked,
                        origin=f"use-policy:{pid}", use_case_ids=ucs))
    prohibitions = d.get("prohibitions") or []
    if not isinstance(prohibitions, list):
        raise Bad(("prohibitions",), "must be a list")
    for index, raw in enumerate(prohibitions):
        here = ("prohibitions", index)
        p = check_keys(raw, here, ("use_cases", "severity", "section", "text", "url", "confirmed",
                                   "obligation", "quote", "copy", "secondary"))
        severity = read_text(p, "severity", here, required=False, default="block")
        if severity not in SEVERITIES:
            raise Bad(here + ("severity",), f"{severity!r} is not one of {', '.join(SEVERITIES)}")
        try:
            when = compile_when({"use_cases_any": list(read_texts(p, "use_cases", here))}, ucs,
                                here)
        except PredicateError as exc:
            raise Bad(tuple(k for k in exc.path if k != "use_cases_any") + ("use_cases",)
                       + exc.path[-1:], str(exc)) from None
        if not when["use_cases_any"]:
            raise Bad(here + ("use_cases",), "must name at least one use case")
        text = read_text(p, "text", here)
        verb = "prohibits" if severity == "block" else "restricts"
        rules.append(Rule(
            code="use_policy", severity=severity, when=when,
            message=f"{title} {verb}: {text}",
            source=read_source({"section": p.get("section"), "url": p.get("url") or url,
                                "copy": p.get("copy"), "secondary": p.get("secondary")},
                               here, title, checked),
            obligation=read_text(p, "obligation", here, required=False),
            confirmed=read_bool(p, "confirmed", here, True), origin=f"use-policy:{pid}",
            quote=read_text(p, "quote", here, required=False),
        ))
    return UsePolicy(id=pid, title=title, url=url, checked=checked, rules=tuple(rules),
                     file=str(path_), sha256=sha)


JURISDICTION_SCOPES = ("place", "topic")


def read_jurisdiction(data: Mapping, path_: Path, ucs: frozenset[str] | None) -> Jurisdiction:
    d = check_keys(data, (), ("schema", "id", "title", "members", "checked", "rules", "notes",
                              "scope"))
    jid, title = read_id(d, "id", ()), read_text(d, "title", ())
    scope = read_text(d, "scope", (), required=False, default="place")
    if scope not in JURISDICTION_SCOPES:
        raise Bad(("scope",), f"{scope!r} is not one of {', '.join(JURISDICTION_SCOPES)}")
    members = set()
    for index, code in enumerate(read_texts(d, "members", ())):
        norm = normalize_code(code)
        if norm is None:
            raise Bad(("members", index), f"{code!r} is not an ISO 3166-1 alpha-2 code")
        members.add(norm)
    if not members:
        raise Bad(("members",), "must list at least one country")
    checked = read_date(d.get("checked"), ("checked",))
    return Jurisdiction(id=jid, title=title, members=frozenset(members), checked=checked,
                        rules=read_rules(d.get("rules"), ("rules",), title=title, checked=checked,
                                     origin=f"jurisdiction:{jid}", use_case_ids=ucs),
                        file=str(path_), scope=scope)


def read_use_cases(data: Mapping) -> list[UseCaseInfo]:
    d = check_keys(data, (), ("schema", "use_cases", "checked"))
    items = d.get("use_cases")
    if not isinstance(items, list):
        raise Bad(("use_cases",), "must be a list")
    out = []
    for index, raw in enumerate(items):
        here = ("use_cases", index)
        u = check_keys(raw, here, ("id", "title", "description", "why", "suites", "regulatory",
                                   "data", "interactive", "needs", "prefers"))
        data_categories = read_texts(u, "data", here)
        for at, category in enumerate(data_categories):
            if category not in DATA_CATEGORIES:
                raise Bad(here + ("data", at),
                          f"{category!r} is not one of {', '.join(DATA_CATEGORIES)}")
        out.append(UseCaseInfo(
            id=read_id(u, "id", here), title=read_text(u, "title", here),
            description=read_text(u, "description", here, required=False, default="") or "",
            why=read_text(u, "why", here, required=False, default="") or "",
            suites=read_texts(u, "suites", here), regulatory=read_texts(u, "regulatory", here),
            data=data_categories,
            interactive=read_bool(u, "interactive", here, False),
            needs=read_wants(u.get("needs"), here + ("needs",)),
            prefers=read_wants(u.get("prefers"), here + ("prefers",))))
    return out


MAX_CONTEXT = 1 << 24                # tokens; no model's window comes near it


def read_wants(raw: Any, path: tuple) -> Wants:
    """A use case's ``needs`` or ``prefers``: {kinds, modalities, tool_calling, context}."""
    if raw is None:
        return Wants()
    w = check_keys(raw, path, ("kinds", "modalities", "tool_calling", "context"))
    kinds = read_texts(w, "kinds", path)
    for index, kind in enumerate(kinds):
        if kind not in MODEL_KINDS:
            raise Bad(path + ("kinds", index), f"{kind!r} is not one of {', '.join(MODEL_KINDS)}")
    modalities = read_texts(w, "modalities", path)
    for index, modality in enumerate(modalities):
        if modality not in MODALITIES:
            raise Bad(path + ("modalities", index),
                      f"{modality!r} is not one of {', '.join(MODALITIES)}")
    context = w.get("context")
    if context is not None and (isinstance(context, bool) or not isinstance(context, int)
                                or not 0 < context <= MAX_CONTEXT):
        raise Bad(path + ("context",), f"must be a whole number of tokens (1 to {MAX_CONTEXT}), "
                  f"not {context!r}")
    return Wants(kinds=kinds, modalities=modalities,
                 tool_calling=read_bool(w, "tool_calling", path, False), context=context)


def read_policy(data: Mapping, path_: Path, ucs: frozenset[str] | None) -> Policy:
    d = check_keys(data, (), ("schema", "id", "title", "checked", "rules", "notes"))
    pid, title = read_id(d, "id", ()), read_text(d, "title", ())
    checked = read_date(d.get("checked"), ("checked",))
    return Policy(id=pid, title=title, checked=checked, file=str(path_),
                  rules=read_rules(d.get("rules"), ("rules",), title=title, checked=checked,
                               origin=f"policy:{pid}", use_case_ids=ucs, require_url=False))
