"""The command line: a thin dispatcher over the services.

Each subcommand lives in ``advisor/commands/<name>.py`` with two functions,
``add_parser(subparsers)`` and ``run(args) -> int``. Those modules import only the
standard library at module level; heavy imports (Textual, llama_cpp, huggingface_hub)
happen inside ``run`` so that ``advisor assess`` stays fast.

    Example (not run)::

        main(["assess", "--answers", "answers.yaml", "--json"])   # 0
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from advisor import __version__
from advisor.errors import AdvisorError, exit_status

COMMAND_MODULES = (
    "assess",
    "recommend",
    "models",
    "profiles",
    "hub",
    "ggufs",
    "pull",
    "local",
    "smoke",
    "compare",
    "record",
    "jurisdictions",
)


def command_in(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names, skipping the global options and their values:
    ``command_in(["--profiles", "p", "assess", "--json"])`` -> ``'assess'``."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in ("--answers", "--profiles"):
            skip = True
        elif not token.startswith("-"):
            return token if token in COMMAND_MODULES else None
        elif token == "--":
            return None
    return None


class Parser(argparse.ArgumentParser):
    """argparse's parser whose help asks the terminal's width only when it is written
    (:class:`advisor.commands.exits.HelpFormatter`); subcommands' parsers are of this class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "formatter_class" not in kwargs:
            from advisor.commands.exits import HelpFormatter

            kwargs["formatter_class"] = HelpFormatter
        super().__init__(*args, **kwargs)


def wants_help(argv: Sequence[str]) -> bool:
    """Whether ``argv`` may ask for help (``-h``, ``--help`` or a bundle such as ``-dh``):
    ``wants_help(["assess", "-h"])`` -> ``True``. A false yes only costs a few ms."""
    return any(token in ("-h", "--help") or (token[:1] == "-" and token[1:2] != "-" and
                                             "h" in token) for token in argv)


def build_parser(only: str | None = None, *, describe: bool = True) -> argparse.ArgumentParser:
    """The whole command line, or with ``only`` just that subcommand's parser (a run of
    one command need not import and build the other ten); ``describe=False`` leaves out
    what only ``--help`` shows (the descriptions and exit statuses)."""
    parser = Parser(
        prog="advisor",
        description="Choose an open-weight AI model you may lawfully and practically adopt. "
        "With no command, opens the interactive app.",
    )
    parser.add_argument("--version", action="version", version=f"advisor {__version__}")
    parser.add_argument("--answers", metavar="FILE", help="open the app with these answers")
    parser.add_argument("--profiles", metavar="DIR", action="append", default=[],
                        help="add a directory of your own profiles (repeatable)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", prog="advisor")
    for name in (only,) if only else COMMAND_MODULES:
        importlib.import_module(f"advisor.commands.{name}").add_parser(subparsers)
    if describe:
        _describe_commands(subparsers)
    return parser


def _describe_commands(subparsers: argparse._SubParsersAction) -> None:
    """``advisor CMD --help`` opens with what CMD does: its one-line help where a command
    sets no description of its own; it ends with what its exit status means."""
    from advisor.commands.exits import add_exit_codes

    helps = {action.dest: action.help for action in subparsers._choices_actions}
    for name, sub in subparsers.choices.items():
        add_exit_codes(sub, name)
        if not sub.description and helps.get(name):
            text = helps[name]
            sub.description = text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=command_in(argv), describe=wants_help(argv))
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from advisor.tui.launch import run_app

            return run_app(args)
        return int(args.run(args) or 0)
    except AdvisorError as exc:
        print(f"advisor: {exc}", file=sys.stderr)
        return exit_status(exc)
    except KeyboardInterrupt as exc:
        print("advisor: interrupted", file=sys.stderr)
        return exit_status(exc)
    except BrokenPipeError:
        return 0
    except OSError as exc:          # stdout on a full disk (ENOSPC) or a dead terminal (EIO)
        if exc.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT):
            raise
        _quiet_stdout()
        print(f"advisor: cannot write the output: {exc.strerror}", file=sys.stderr)
        return 1


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
