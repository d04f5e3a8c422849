"""Helpers shared by the subcommands: loading the knowledge base and the answers.

    Example (not run)::

        kb = knowledge_from_args(args); answers = answers_from_args(args, kb)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from advisor.text import clean, json_text


def add_profiles_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profiles", metavar="DIR", action="append",
                        default=argparse.SUPPRESS,
                        help="a directory of your own profiles over the shipped ones (repeatable)")


def knowledge_from_args(args: argparse.Namespace):
    """The knowledge base with the user's ``--profiles``; each shipped id they replace is
    announced on stderr (never silent)."""
    from advisor.knowledge import load_knowledge
    from advisor.knowledge.cache import cache_notes

    kb = load_knowledge(getattr(args, "profiles", None) or ())
    for note in (*kb.override_notes(), *cache_notes()):
        print(clean(f"advisor: note: {note}"), file=sys.stderr)
    return kb


def knowledge_or_none(args: argparse.Namespace):
    """The knowledge base, or None with a note on stderr when the profiles do not load
    (for commands where the profiles only add detail): ``kb = knowledge_or_none(args)``."""
    from advisor.errors import AdvisorError

    try:
        return knowledge_from_args(args)
    except (ImportError, AdvisorError) as exc:
        print(f"advisor: note: profiles not used: {exc}", file=sys.stderr)   # str(exc) is clean
        return None


def check_key_env(name: str, field: str = "--key-env") -> str:
    """``name`` when it is an environment variable name that is set; else InputError
    (exit 2) naming it, never its value: ``check_key_env("GEMINI_API_KEY")``."""
    import re

    from advisor import config
    from advisor.errors import InputError

    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,127}", name):
        raise InputError(None, "not an environment variable name (the key itself goes in "
                         "the environment, never on the command line)", field=field)
    if not config.secret(name):
        raise InputError(None, f"{name} is not set in the environment", field=field)
    return name


def note_key(endpoint: str, key_env: str | None) -> None:
    """Say on stderr where an endpoint's key goes, or that none is sent (the decision is
    :func:`advisor.smoke.keys.key_plan`'s): ``advisor: note: the key in OPENAI_API_KEY is
    sent to https://api.openai.com``."""
    from advisor.smoke.keys import key_plan

    print(clean(f"advisor: note: {key_plan(endpoint, key_env).note()}"), file=sys.stderr)


def answers_from_args(args: argparse.Namespace, kb):
    """The answers ``--answers`` names, validated against the knowledge base's use cases
    (their YAML from the memo when this very text was read before: a CI gate reads the
    same file every build, :mod:`advisor.knowledge.yamlmemo`)."""
    from advisor.answers import CORE_USE_CASES, answers_from_data
    from advisor.knowledge.yamlmemo import parsed_yaml
    from advisor.yamlio import read_text

    path = Path(args.answers)
    text = read_text(path)
    return answers_from_data(parsed_yaml(text, str(path)), str(path), text,
                             use_case_ids=frozenset(kb.use_cases) | set(CORE_USE_CASES))


def announce_answer_notes(answers, kb) -> None:
    """What the answers left to defaults, and the data their use cases and audience imply,
    on stderr (never silent, CONTRACT §2): one ``advisor: note:`` line each. Commands call
    it once every input is valid, so a bad input still gets its one-line error alone."""
    from advisor.assessment.answer_facts import answer_notes

    for note in answer_notes(answers, kb.use_cases):
        print(clean(f"advisor: note: {note}"), file=sys.stderr)


class SafeOut:
    """Standard output through :func:`advisor.text.clean` (an escape sequence in a Hub card,
    a file name or a profile cannot clear the screen or retitle the window):
    ``out = SafeOut(); out.write(text)``."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stdout

    def write(self, text: str) -> None:
        self.stream.write(clean(text))


def print_json(document: Any) -> None:
    """``document`` as indented JSON on stdout; raw C1 and bidi characters from outside
    text are written as ``\\uXXXX`` escapes (the same data, nothing a terminal obeys)."""
    sys.stdout.write(json_text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n")


def split_ids(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]
