"""``advisor pull REPO_ID``: download a GGUF into the HF cache, verified; prints its path.

    $ advisor pull bartowski/Llama-3.2-1B-Instruct-GGUF --quant Q4_K_M
"""

from __future__ import annotations

import argparse
import sys

from advisor.commands.common import add_profiles_option


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("pull", help="download a GGUF into the Hugging Face cache")
    parser.add_argument("repo_id", metavar="REPO_ID")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--quant", metavar="Q", help="quantization, e.g. Q4_K_M")
    which.add_argument("--file", metavar="NAME", help="exact file name in the repo")
    parser.add_argument("--revision", metavar="REV", default=None, help="branch, tag or commit")
    parser.add_argument("--ctx", type=int, default=4096, metavar="N",
                        help="context length the recommendation plans for (default 4096)")
    parser.add_argument("--answers", metavar="FILE",
                        help="check the model against these answers first (a model they block "
                             "is refused, exit 1) and plan for their hardware: {ram_gb, vram_gb}")
    parser.add_argument("--force", action="store_true",
                        help="pull a model the answers block anyway (says so on stderr)")
    add_profiles_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run)


def gate(args: argparse.Namespace, kb) -> None:
    """With ``--answers``: refuse (RefusedError, exit 1) a model the answers block, naming
    the finding, unless ``--force`` (then say so). Organization policies in ``--profiles``
    count. A model the assessment cannot identify is a note, not a refusal."""
    from advisor.assessment import assess
    from advisor.assessment.gates import pull_refusal
    from advisor.commands.common import answers_from_args
    from advisor.config import today_iso
    from advisor.errors import RefusedError
    from advisor.text import clean

    answers = answers_from_args(args, kb)
    facts: dict = {}
    if kb.find_model(args.repo_id) is None:
        from advisor.hub.facts import hub_facts_for

        facts, _ = hub_facts_for([args.repo_id])
    candidate = assess(answers, kb, model_ids=[args.repo_id], hub_facts=facts or None,
                       today=today_iso()).candidates[0]
    refused = pull_refusal(candidate)
    if refused and not args.force:
        raise RefusedError(f"{refused}; nothing downloaded (--force pulls it anyway)")
    if refused:
        print(clean(f"advisor: warning: --force: pulling although {refused}"),
              file=sys.stderr)
    elif candidate.verdict == "unknown":
        print(clean(f"advisor: note: {candidate.model}: verdict unknown for these answers "
                        "(not identified, or its license is not recognized); pulled anyway"),
              file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from advisor.commands.common import print_json
    from advisor import config
    from advisor.errors import HubOffline, InputError
    from advisor.hub.checks import check_repo_id, check_revision, safe_repo_filename
    from advisor.hub.pull import ProgressLine, PulledFile, cached_path, pull_gguf_files

    check_repo_id(args.repo_id, field="REPO_ID")
    if args.revision is not None:
        check_revision(args.revision, field="--revision")
    if args.ctx < 1 or args.ctx > 10_000_000:
        raise InputError(None, f"{args.ctx} is not a usable context length", field="--ctx")
    if args.file is not None and (not args.file.strip() or not safe_repo_filename(args.file)):
        raise InputError(None, f"{args.file!r} is not a file name in a repo", field="--file")
    from advisor.knowledge.hosted import refuse_hosted
    from advisor.commands.ggufs import find_profile, hardware_for

    kb, profile = find_profile(args)
    refuse_hosted(kb, args.repo_id)
    if args.answers:
        from advisor.commands.common import knowledge_from_args

        kb = kb if kb is not None else knowledge_from_args(args)      # a gate never skips
        gate(args, kb)
    if config.hub_offline():
        why = config.hub_offline_reason()
        if not args.file:
            raise HubOffline(f"offline ({why}): give --file to use a cached file")
        found = cached_path(args.repo_id, args.file, args.revision)
        if found is None:
            raise HubOffline(f"{args.repo_id}/{args.file}: not in the HF cache, and the Hub is "
                                 f"not consulted in offline mode ({why})")
        files = [PulledFile(found, args.file, None, False)]
        verified: bool | None = None             # not checked now: the Hub is not asked
    else:
        files = pull_gguf_files(
            args.repo_id, quant=args.quant, filename=args.file, revision=args.revision,
            ctx=args.ctx, hardware=None if args.file or args.quant else hardware_for(args, kb),
            fallback_repos=tuple(getattr(profile, "gguf_repos", ()) or ()),
            progress_for=ProgressLine,
            on_note=lambda note: print(f"advisor: note: {note}", file=sys.stderr))
        verified = all(f.verified for f in files)
    paths = [f.path for f in files]
    if args.json:
        print_json({"schema": "advisor.pull/1", "repo_id": args.repo_id,
                    "paths": [str(p) for p in paths], "path": str(paths[0]),
                    "verified": verified,
                    "files": [dict(f.to_dict(), verified=None if verified is None else f.verified)
                              for f in files]})
    else:
        for p in paths[1:]:
            sys.stdout.write(f"{p}\n")
        sys.stdout.write(f"{paths[0]}\n")
    return 0
