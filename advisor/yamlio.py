"""YAML reading with errors that name the file and line.

Loading takes the fast C path; only when something is wrong do we compose the
document again to find the line of the offending key.

    >>> data = load_yaml_text("a: {b: 1}", "x.yaml")
    >>> line_of("a:\\n  b: 1\\n", ("a", "b"))
    2
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from functools import cache
from typing import Any

from advisor.errors import InputError


@cache
def _loader() -> tuple[type, type]:
    """The loader class and the error it raises for an ambiguous number, made on first
    use: importing PyYAML takes longer than a cached ``advisor assess`` run spends on
    anything else, and such a run reads no YAML (:mod:`advisor.knowledge.yamlmemo`)."""
    import yaml

    try:  # the C loader is ten times faster; fall back when libyaml is missing
        base: type = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - depends on the PyYAML build
        base = yaml.SafeLoader

    class AmbiguousNumber(yaml.constructor.ConstructorError):
        """A YAML 1.1 number form that reads as something else than it looks."""

    class Loader(base):  # type: ignore[misc, valid-type]
        """The safe loader, refusing a key given twice in one mapping (YAML forbids it;
        PyYAML would keep the last and silently drop the first)."""

        def construct_mapping(self, node, deep=False):
            seen: set[tuple[str, str]] = set()
            for key_node, _ in node.value if isinstance(node, yaml.MappingNode) else ():
                if (isinstance(key_node, yaml.ScalarNode)
                        and key_node.tag != "tag:yaml.org,2002:merge"):
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate key {key_node.value!r}", key_node.start_mark)
                    seen.add(key)
            return super().construct_mapping(node, deep=deep)

        def construct_yaml_int(self, node):
            _refuse_yaml11_number(node, octal=True, error=AmbiguousNumber)
            return super().construct_yaml_int(node)

        def construct_yaml_float(self, node):
            _refuse_yaml11_number(node, octal=False, error=AmbiguousNumber)
            return super().construct_yaml_float(node)

    Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
    Loader.add_constructor("tag:yaml.org,2002:float", Loader.construct_yaml_float)
    return Loader, AmbiguousNumber


def _refuse_yaml11_number(node, *, octal: bool, error: type) -> None:
    """YAML 1.1 reads ``0700000000`` as octal (117440512) and ``190:20:30`` as base 60
    (684030): numbers nobody means. Refuse them, with their line, instead of guessing."""
    text = str(node.value).replace("_", "").lstrip("+-")
    if ":" in text:
        kind = "a base-60 (sexagesimal) number"
    elif octal and len(text) > 1 and text[0] == "0" and text[1].isdigit():
        kind = "an octal number"
    else:
        return
    raise error(
        None, None, f"{node.value!r} is {kind} in YAML 1.1; write the number in plain "
        "decimal, or quote it if it is text", node.start_mark)


def parser_key() -> str:
    """What decides how YAML text is parsed here: PyYAML's version, whether it parses
    with libyaml, and this module's source (the caches of parsed profiles are keyed by it)."""
    import hashlib

    import yaml

    source = Path(__file__).read_bytes()
    return (f"{yaml.__version__}:{getattr(yaml, '__with_libyaml__', False)}:"
            f"{hashlib.sha256(source).hexdigest()[:16]}")


PathKey = Sequence[str | int]
# Bounds on one document: YAML aliases can make a few lines stand for a billion values
# ("billion laughs"); every consumer walks the data, so refuse such documents at once.
MAX_VALUES = 1_000_000
MAX_DEPTH = 200
MAX_FILE_BYTES = 16 * 2**20       # answers, profiles, suites, records: a few kB each
_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


def read_limited(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path``; ValueError when it holds more (``/dev/zero``
    or a runaway file must not fill the memory). OS errors pass through."""
    # Opened without blocking, so a FIFO with no writer reads as empty instead of hanging;
    # then blocking again, so a pipe with a writer (``--answers <(...)``) reads whole.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    with os.fdopen(fd, "rb") as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise ValueError(f"larger than {limit // 2**20} MiB")
    return raw


def read_text(path: Path) -> str:
    """Read a UTF-8 file, turning OS errors into one-line input errors."""
    try:
        text = read_limited(path, MAX_FILE_BYTES).decode("utf-8")
        return text.replace("\r\n", "\n").replace("\r", "\n")     # as text mode reads it
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, not a file") from None
    except PermissionError:
        raise InputError(str(path), "permission denied") from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(str(path), exc.strerror or "cannot be read") from None
    except ValueError as exc:
        raise InputError(str(path), str(exc)) from None


def load_yaml_text(text: str, filename: str) -> Any:
    """Parse one YAML document; a syntax error becomes ``InputError`` with its line."""
    import yaml

    loader, ambiguous_number = _loader()
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "nesting depth" in problem:         # libyaml's own limit (PyYAML >= 6.0.2)
            raise InputError(filename, _TOO_DEEP, line=line) from None
        if isinstance(exc, ambiguous_number):
            raise InputError(filename, f"ambiguous number: {problem}", line=line) from None
        raise InputError(filename, f"YAML syntax error: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(filename, f"YAML error: {str(exc).splitlines()[0]}") from None
    except RecursionError:                     # the pure-Python parser's limit
        raise InputError(filename, _TOO_DEEP) from None
    except (ValueError, TypeError, OverflowError) as exc:  # values YAML cannot build: 2024-13-45
        raise InputError(filename, f"YAML value error: {str(exc).splitlines()[0][:200]}") from None
    _check_size(data, filename)
    return data


def _check_size(data: Any, filename: str) -> None:
    """InputError when ``data`` holds more than MAX_VALUES values (aliases counted each
    time they are used) or nests deeper than MAX_DEPTH; stops counting at the limit."""
    count, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise InputError(filename, f"more than {MAX_VALUES:,} values once YAML aliases "
                             "are expanded; refusing to read it")
        if depth > MAX_DEPTH:
            raise InputError(filename, _TOO_DEEP)
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def line_of(text: str, path: PathKey) -> int | None:
    """The 1-based line of the node at ``path`` (keys and list indexes), or of its
    nearest ancestor that exists. None when the text does not parse."""
    import yaml

    try:
        node = yaml.compose(text, Loader=_loader()[0])
    except (yaml.YAMLError, RecursionError):
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for key in path:
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            match = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            key_node = next((k for k, v in node.value if getattr(k, "value", None) == key), None)
            if match is None:
                return line
            line = key_node.start_mark.line + 1
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def dotted(path: PathKey) -> str:
    """('deployment', 'regions', 2) -> 'deployment.regions[2]'."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
            continue
        name = str(key)
        if not name.isprintable() or not name:
            name = repr(name)
        out += f".{name}" if out else name
    return out
