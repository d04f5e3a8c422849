"""``advisor recommend``: the models the answers can use on their hardware, best first.

    $ advisor recommend --answers answers.yaml --top 5
    $ advisor recommend --answers answers.yaml --json
"""

from __future__ import annotations

import argparse
import sys

from advisor.commands.common import add_profiles_option


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "recommend", help="the models your answers can use, best first, and why",
        description="The models your answers can use on your hardware, best first, each with "
        "why; the duties of the deployment once; the models left out with their reason. "
        "Exit 0 with a shortlist, 1 when nothing the answers can use remains, 2 on bad input.")
    parser.add_argument("--answers", required=True, metavar="FILE",
                        help="the interview's answers (YAML, as the app saves them)")
    parser.add_argument("--top", type=_positive, default=10, metavar="N",
                        help="how many models the shortlist holds (default 10)")
    add_profiles_option(parser)
    parser.add_argument("--excluded", action="store_true",
                        help="list every model left out, with its reason")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def run(args: argparse.Namespace) -> int:
    from advisor.assessment import assess
    from advisor.commands.common import (announce_answer_notes, answers_from_args,
                                         knowledge_from_args, print_json)
    from advisor.commands.table import render_recommendation, terminal_width
    from advisor.machine.hardware import hardware_from_answers
    from advisor.recommend import recommend
    from advisor.text import clean

    kb = knowledge_from_args(args)
    answers = answers_from_args(args, kb)
    hardware = hardware_from_answers(answers.hardware)
    result = recommend(assess(answers, kb), kb, hardware, top=args.top)
    announce_answer_notes(answers, kb)
    if args.json:
        print_json(result.to_dict())
    else:
        sys.stdout.write(clean(render_recommendation(result, terminal_width(),
                                                     excluded=args.excluded)))
    return 0 if result.ranked else 1
