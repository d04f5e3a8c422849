"""``advisor profiles watch [--models ID,...] [--jobs N] [--json]``: has a profiled model's
license moved on the Hub?

For each profiled model (or those named) it reads the Hub card and license file now and
compares them with the profile: the card's ``license``, ``license_name``,
``license_link``, ``gated`` and ``extra_gated_*`` fields, the license file's SHA-256 and
the base-model chain (:mod:`advisor.knowledge.watch`). Every difference is printed with
both sides; what the profile does not record yet is a note.

    $ advisor profiles watch --models meta-llama/Llama-3.2-1B-Instruct
    meta-llama/Llama-3.2-1B-Instruct: 1 difference
      license file 'LICENSE.txt' changed: sha256 1b1c0a9e55f2 in the profile, 9f2c... on the Hub
"""

from __future__ import annotations

import argparse
import sys

EXIT_STATUS = """\
exit status:
  0  every model watched was read and matches its profile (notes aside)
  1  a difference was found, a model could not be read, or the Hub cannot be
     reached (offline mode included)
  2  bad input: an id that is no profiled model, a bad --jobs (one line on stderr)"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    watch = sub.add_parser(
        "watch", help="compare profiled models' licenses with what the Hub says now",
        description="Read each profiled model's Hub card and license file now and report every "
        "difference from its profile (license, license_name, license_link, gated, "
        "extra_gated_*, the license file's sha256, the base-model chain), with both sides. "
        "Hosted API models are skipped. Needs the Hub (HF_ENDPOINT, HF_TOKEN).",
        epilog=EXIT_STATUS, formatter_class=argparse.RawDescriptionHelpFormatter)
    watch.add_argument("--models", metavar="ID[,ID...]",
                       help="only these profiled models (default: every profiled model)")
    watch.add_argument("--jobs", metavar="N", type=int, default=None,
                       help="ask the Hub for this many models at a time (1 to 16, default 4)")
    watch.add_argument("--json", action="store_true", help="print one JSON document")
    watch.add_argument("--profiles", metavar="DIR", action="append", default=argparse.SUPPRESS,
                       help="your own profiles over the shipped ones (repeatable)")
    watch.set_defaults(run=run)


def _profiles(kb, ids: list[str] | None) -> list:
    """The profiles to watch: those ``ids`` name (InputError for one that is none), else
    every profiled model, in id order."""
    from advisor.errors import InputError

    if ids is None:
        return sorted(kb.models.values(), key=lambda p: p.id.lower())
    chosen = []
    for model_id in ids:
        profile = kb.find_model(model_id)
        if profile is None:
            raise InputError(None, f"{model_id!r} is not a profiled model (see `advisor "
                             "models`)", field="--models")
        if profile not in chosen:
            chosen.append(profile)
    return chosen


def run(args: argparse.Namespace) -> int:
    from advisor import config
    from advisor.commands.common import knowledge_from_args, print_json, split_ids
    from advisor.errors import HubOffline, InputError
    from advisor.hub.card import DEFAULT_JOBS, MAX_JOBS, watch_profiles
    from advisor.text import clean

    jobs = DEFAULT_JOBS if args.jobs is None else args.jobs
    if not 1 <= jobs <= MAX_JOBS:
        raise InputError(None, f"must be 1 to {MAX_JOBS}, not {jobs}", field="--jobs")
    ids = split_ids(args.models)
    if ids is not None and not ids:
        raise InputError(None, "names no model id", field="--models")
    kb = knowledge_from_args(args)
    profiles = _profiles(kb, ids)
    if config.hub_offline():
        raise HubOffline(f"profiles watch reads the Hub, and offline mode is on "
                         f"({config.hub_offline_reason()}); nothing was compared")
    watched = watch_profiles(kb, profiles, jobs)
    counts = {s: sum(1 for w in watched if w.status == s)
              for s in ("unchanged", "changed", "unreadable", "skipped")}
    if args.json:
        print_json({"schema": "advisor.profiles-watch/1", "counts": counts,
                    "models": [w.to_dict() for w in watched]})
    else:
        lines = [line for w in watched if w.status != "skipped" for line in w.lines()]
        for reason in dict.fromkeys(w.error or w.notes[0] for w in watched
                                    if w.status == "skipped"):
            ids = [w.model for w in watched if w.status == "skipped"
                   and (w.error or w.notes[0]) == reason]
            lines.append(f"skipped ({reason}): {', '.join(ids)}")
        lines.append(f"watched {len(watched)} model(s): {counts['changed']} with differences, "
                     f"{counts['unchanged']} unchanged, {counts['unreadable']} not read, "
                     f"{counts['skipped']} skipped")
        sys.stdout.write(clean("\n".join(lines)) + "\n")
    return 1 if counts["changed"] or counts["unreadable"] or any(
        w.status == "skipped" and w.error for w in watched) else 0
