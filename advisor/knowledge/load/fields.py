"""Readers for one field of a profile, each raising :class:`Bad` with the field's path
(``("models", 3, "licenses")``) so a problem is reported at its file and line.

    >>> read_date("2026-01-05", ("checked",)), read_texts({"a": "x"}, "a", ())
    ('2026-01-05', ('x',))
    >>> read_number({"n": "1e9"}, "n", ())
    1000000000.0
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from advisor.knowledge.ids import profile_id_problem, repo_id_problem
from advisor.knowledge.model import Source


@dataclass(frozen=True)
class Problem:
    """One problem in a profile file, with its file, line and field."""

    file: str
    line: int | None
    field: str
    message: str

    def one_line(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


class Bad(Exception):
    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path, self.message = path, message


class ManyBad(Exception):
    """Several independent problems in one file (one per rule or model)."""

    def __init__(self, problems: list[Bad]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


def each_item(items: list, build) -> list:
    """Build every item, collecting each item's problem instead of stopping at the first."""
    out, bad = [], []
    for index, raw in enumerate(items):
        try:
            out.append(build(index, raw))
        except Bad as exc:
            bad.append(exc)
        except ManyBad as exc:
            bad.extend(exc.problems)
    if bad:
        raise ManyBad(bad)
    return out


# The readers

def read_date(value: Any, path: tuple) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise Bad(path, f"must be a date YYYY-MM-DD, not {value!r}")


def read_text(data: Mapping, key: str, path: tuple, *, required: bool = True,
          default: str | None = None) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise Bad(path + (key,), "is required")
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise Bad(path + (key,), f"must be non-empty text, not {value!r}")
    return value.strip()


def read_id(data: Mapping, key: str, path: tuple) -> str:
    """A profile's own id (:func:`advisor.knowledge.ids.profile_id_problem`)."""
    value = read_text(data, key, path)
    problem = profile_id_problem(value)
    if problem:
        raise Bad(path + (key,), problem)
    return value


def read_repo_id(value: str, path: tuple, *, owner: bool = True) -> str:
    """``value`` when it is a Hub model id (:func:`advisor.knowledge.ids.repo_id_problem`)."""
    problem = repo_id_problem(value, owner=owner)
    if problem:
        raise Bad(path, problem)
    return value


def read_texts(data: Mapping, key: str, path: tuple) -> tuple[str, ...]:
    value = data.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise Bad(path + (key,), "must be a list")
    out = []
    for index, item in enumerate(value):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str):
            raise Bad(path + (key, index), f"must be text, not {item!r}")
        out.append(item)
    return tuple(out)


def read_bool(data: Mapping, key: str, path: tuple, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise Bad(path + (key,), f"must be true or false, not {value!r}")
    return value


def read_number(data: Mapping, key: str, path: tuple) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise Bad(path + (key,), f"must be a number, not {value!r}")
    if not math.isfinite(value):
        raise Bad(path + (key,), f"must be a finite number, not {value!r}")
    return float(value)


def check_finite(value: Any, path: tuple) -> None:
    """Bad at the first non-finite number (``.nan``, ``.inf``) anywhere in ``value``:
    a rule's ``mau_over: .nan`` would compare false and silently never fire."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise Bad(where, f"must be a finite number, not {item!r}")
        if isinstance(item, Mapping):
            stack.extend((v, where + (str(k),)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, where + (i,)) for i, v in enumerate(item))


def check_keys(data: Any, path: tuple, allowed: Sequence[str]) -> Mapping:
    if type(data) is not dict and not isinstance(data, Mapping):   # dict: the fast, usual case
        raise Bad(path, "must be a mapping")
    for key in data:
        if key not in allowed:
            raise Bad(path + (str(key),), f"unknown key (expected one of: {', '.join(allowed)})")
    return data


def read_source(data: Any, path: tuple, title: str, checked: str | None,
            *, require_url: bool = True) -> Source:
    src = check_keys(data if data is not None else {}, path,
                ("title", "section", "url", "checked", "copy", "secondary"))
    url = read_text(src, "url", path, required=require_url)
    for key, value in (("url", url), ("copy", src.get("copy")),
                       ("secondary", src.get("secondary"))):
        if value and not (isinstance(value, str) and value.startswith(("https://", "http://"))):
            raise Bad(path + (key,), f"must be an http(s) URL, not {value!r}")
    return Source(title=read_text(src, "title", path, required=False) or title,
                  section=read_text(src, "section", path, required=False),
                  url=url,
                  checked=read_date(src.get("checked"), path + ("checked",)) or checked,
                  copy=read_text(src, "copy", path, required=False),
                  secondary=read_text(src, "secondary", path, required=False))
