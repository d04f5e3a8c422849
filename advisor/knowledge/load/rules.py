"""The rules a license, use policy, jurisdiction or organization policy carries, each with
its severity, its condition (``when``), its source and the passage it rests on.
"""

from __future__ import annotations

from typing import Any

from advisor.knowledge.load.fields import (Bad, check_finite, check_keys, each_item, read_bool,
                                           read_date, read_source, read_text)
from advisor.knowledge.model import Rule
from advisor.knowledge.predicates import PredicateError, compile_when
from advisor.vocab import SEVERITIES


RULE_KEYS = ("code", "severity", "when", "message", "obligation", "source", "checked",
             "confirmed", "quote", "in_force", "only_if")


def read_rules(data: Any, path: tuple, *, title: str, checked: str | None, origin: str,
           use_case_ids: frozenset[str] | None, require_url: bool = True) -> tuple[Rule, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise Bad(path, "must be a list of rules")
    def one(index: int, raw: Any) -> Rule:
        here = path + (index,)
        rule = check_keys(raw, here, RULE_KEYS)
        code = read_text(rule, "code", here)
        if not code.replace("_", "").isalnum() or code != code.lower():
            raise Bad(here + ("code",), f"{code!r} must be snake_case")
        severity = read_text(rule, "severity", here)
        if severity not in SEVERITIES:
            raise Bad(here + ("severity",), f"{severity!r} is not one of {', '.join(SEVERITIES)}")
        check_finite(rule.get("when"), here + ("when",))
        try:
            when = compile_when(rule.get("when"), use_case_ids, here + ("when",))
        except PredicateError as exc:
            raise Bad(exc.path, str(exc)) from None
        rule_checked = read_date(rule.get("checked"), here + ("checked",)) or checked
        if rule.get("source") is None and require_url:
            raise Bad(here + ("source",), "is required: {section, url} of the primary text")
        return Rule(
            code=code, severity=severity, when=when, message=read_text(rule, "message", here),
            source=read_source(rule.get("source"), here + ("source",), title, rule_checked,
                           require_url=require_url),
            obligation=read_text(rule, "obligation", here, required=False),
            confirmed=read_bool(rule, "confirmed", here, True), origin=origin,
            quote=read_text(rule, "quote", here, required=False),
            in_force=read_date(rule.get("in_force"), here + ("in_force",)),
            only_if=read_text(rule, "only_if", here, required=False),
        )
    return tuple(each_item(data, one))
