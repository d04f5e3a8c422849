"""What each command's exit status means, shown at the end of ``advisor CMD --help``.

    >>> print(exit_epilog("record verify"))
    exit status:
      0  the record is unchanged: its digest matches and nothing that matters
         drifted
      1  tampering (an edited field), a signature that does not verify, or drift
      2  bad input: the file is not a record, or a bad argument (one line on
         stderr)
"""

from __future__ import annotations

import argparse

BAD_INPUT = "bad input: a bad argument, file or field (one line on stderr)"

# Per command (nested ones as "record verify"): (status, meaning) in order.
EXIT_CODES: dict[str, tuple[tuple[int, str], ...]] = {
    "assess": ((0, "the assessment was printed, whatever the verdicts"),
               (1, "--fail-on: an assessed model has one of the named verdicts"),
               (2, f"{BAD_INPUT}; also a --models id neither profiled nor found on the "
                   "Hub, unless --allow-unknown")),
    "recommend": ((0, "the shortlist is not empty"),
                  (1, "nothing the answers can use remains"),
                  (2, BAD_INPUT)),
    "models": ((0, "the list was printed"), (2, BAD_INPUT)),
    "profiles": ((0, "done"), (1, "the Hub failed (draft)"), (2, "the profiles have problems, "
                                                                "or bad input")),
    "profiles check": ((0, "the profiles are valid"), (2, "the profiles have problems (each "
                                                          "named with file and line)")),
    "profiles draft": ((0, "the draft was written"), (1, "the Hub failed"), (2, BAD_INPUT)),
    "hub": ((0, "done"), (1, "the Hub failed or answered badly"), (2, BAD_INPUT)),
    "hub info": ((0, "done"), (1, "the Hub failed or answered badly"), (2, BAD_INPUT)),
    "ggufs": ((0, "the files were listed"), (1, "the Hub failed or a header is unreadable"),
              (2, BAD_INPUT)),
    "pull": ((0, "the file is in the cache, verified"),
             (1, "--answers block the model (refused; --force overrides), the Hub failed, "
                 "or the SHA-256 did not match (the file is deleted)"),
             (2, BAD_INPUT)),
    "local": ((0, "the files were listed"), (2, BAD_INPUT)),
    "smoke": ((0, "every check passed"),
              (1, "a check failed, the model could not run, or its chat template was refused"),
              (2, BAD_INPUT)),
    "compare": ((0, "every candidate ran, whatever its checks"),
                (1, "a candidate could not run"), (2, BAD_INPUT)),
    "record": ((0, "the record files were written"),
               (1, "refused: the chosen model is blocked or unknown and no --accept REASON "
                   "was given; or signing failed"),
               (2, f"{BAD_INPUT}; also a file that exists without --force")),
    "record verify": ((0, "the record is unchanged: its digest matches and nothing that "
                          "matters drifted"),
                      (1, "tampering (an edited field), a signature that does not verify, "
                          "or drift"),
                      (2, "bad input: the file is not a record, or a bad argument (one line "
                          "on stderr)")),
    "jurisdictions": ((0, "the list was printed"), (2, BAD_INPUT)),
}

HEAD = "exit status:"


def exit_epilog(command: str) -> str | None:
    """The ``exit status:`` block for ``command`` (None when not listed)."""
    codes = EXIT_CODES.get(command)
    if not codes:
        return None
    import textwrap

    return "\n".join([HEAD, *(textwrap.fill(meaning, width=78, initial_indent=f"  {status}  ",
                                            subsequent_indent="     ")
                              for status, meaning in codes)])


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, but an ``exit status:`` block keeps its lines, and the
    terminal's width is asked only when help is written: argparse builds a formatter to check
    every option it is given, and ``shutil``, which knows the width, takes longer to import
    than the whole command line takes to build."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, width=width or 80)
        self._asked = (indent_increment, max_help_position, width)

    def format_help(self) -> str:
        indent, position, width = self._asked
        if width is None:
            import shutil

            width = shutil.get_terminal_size().columns - 2      # as argparse's own
        self._width = width
        self._max_help_position = min(position, max(width - 20, indent * 2))
        return super().format_help()

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(HEAD):
            return "\n".join(indent + line for line in text.splitlines())
        return super()._fill_text(text, width, indent)


def add_exit_codes(parser: argparse.ArgumentParser, command: str) -> None:
    """Give ``parser`` (and its nested subcommands) their exit status block."""
    epilog = exit_epilog(command)
    if epilog and not parser.epilog:
        parser.epilog = epilog
        parser.formatter_class = HelpFormatter
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                add_exit_codes(sub, f"{command} {name}")
