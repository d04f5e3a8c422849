"""The record as JSON, and reading it back with validation against the shipped JSON Schema.

    Example (not run)::

        doc = record_to_json(record)           # dict, ``schema: advisor.record/1``
        load_record_file(Path("decision-org--m-2026-11-23.json")).model   # 'org/M'
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.config import ASSETS_DIR
from advisor.record.model import SCHEMA, Record
from advisor.yamlio import MAX_FILE_BYTES, read_limited

SCHEMA_PATH = ASSETS_DIR / "schemas" / "record.schema.json"
MAX_DEPTH = 64      # records and smoke results nest a dozen levels; recursion stays safe


def too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """True when JSON-like ``data`` nests deeper than ``limit`` (checked without recursion).

    >>> too_deep([[[]]], limit=2)
    True
    """
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return False


def record_to_json(record: Record) -> dict[str, Any]:
    """The ``advisor.record/1`` document (a deep copy)."""
    return record.to_dict()


def record_json_text(record: Record) -> str:
    return json.dumps(record_to_json(record), indent=2, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def schema_problem(data: Any) -> str | None:
    """The first way ``data`` fails the record schema, as ``field: problem``; None when valid."""
    if not isinstance(data, dict):
        return "not a JSON object"
    if data.get("schema") != SCHEMA:
        return f"schema: expected {SCHEMA!r}, found {data.get('schema')!r}"
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    err = errors[0]
    where = ".".join(str(p) for p in err.absolute_path) or "(top level)"
    message = " ".join(err.message.split())
    if len(message) > 160:
        message = message[:157] + "..."
    return f"{where}: {message}"


def read_json(path: Path | str, what: str) -> Any:
    """A bounded JSON file (records, smoke results, comparisons); any problem is an
    ``InputError`` naming the file and saying it is not ``what`` (exit 2, one line).

    Example (not run)::

        read_json("smoke.json", "a smoke result")["passed"]   # True
    """
    path = Path(path)
    deep = f"not {what}: JSON nested more than {MAX_DEPTH} levels deep"
    try:
        text = read_limited(path, MAX_FILE_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), f"is a directory, not {what}") from None
    except (OSError, ValueError) as exc:             # ValueError: not UTF-8, or too large
        raise InputError(str(path), f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise InputError(str(path), deep) from None
    except ValueError as exc:                        # a 5000-digit integer: Python's int limit
        raise InputError(str(path), f"not {what}: {str(exc).split(';')[0]}") from None
    if too_deep(data):
        raise InputError(str(path), deep)
    return data


def load_record_file(path: Path | str) -> Record:
    """Read and validate a record; any problem is an ``InputError`` (exit 2, one line)."""
    path = Path(path)
    data = read_json(path, "a record")
    problem = schema_problem(data)
    if problem:
        raise InputError(str(path), f"not an {SCHEMA} record: {problem}")
    return Record(data)
