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
                        help="plan for the answers' hardware: {ram_gb, vram_gb}")
    add_profiles_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run)


def _choose(args, repo_id: str, entries) -> list:
    """The RepoFiles to download (all parts of a split file)."""
    from advisor.hub.quant import normalize_quant, quant_from_filename

    if args.file:
        for e in entries:
            if args.file in [p.filename for p in e.parts]:
                return e.parts
        return []
    models = [e for e in entries if not e.is_projector]
    if args.quant:
        want = normalize_quant(args.quant)
        return next((e.parts for e in models if quant_from_filename(e.filename) == want), [])
    if len(models) == 1:
        return models[0].parts
    return _recommended(args, repo_id, models)


def _recommended(args, repo_id: str, models) -> list:
    """The best quantization that fits this machine (header reads, no download)."""
    from concurrent.futures import ThreadPoolExecutor

    from advisor.commands.ggufs import hardware_for
    from advisor.errors import InputError
    from advisor.hub.catalog import analyze_entry, recommend
    from advisor.hub.quant import quant_from_filename

    hardware = hardware_for(args)
    with ThreadPoolExecutor(max_workers=4) as pool:
        files = list(pool.map(lambda e: analyze_entry(e, revision=args.revision, ctx=args.ctx,
                                                      hardware=hardware), models))
    best = recommend(files)
    if best is None:
        quants = sorted({quant_from_filename(e.filename) or e.filename for e in models})
        raise InputError(None, f"none of {repo_id}'s GGUF files fits this machine; choose one "
                         f"with --quant ({', '.join(quants)}) or --file", field="--quant")
    print(f"advisor: note: choosing {best['filename']} ({best['quant']}, fit {best['fit']} at "
          f"context {args.ctx}); use --quant or --file to choose another", file=sys.stderr)
    return next(e.parts for e in models if e.filename == best["filename"])


def run(args: argparse.Namespace) -> int:
    from advisor.commands.common import print_json
    from advisor.errors import InputError, OperationError
    from advisor.hub.catalog import repo_ggufs
    from advisor.hub.client import hub_errors, is_offline, model_info, repo_files
    from advisor.hub.pull import ProgressLine, cached_path, pull_file

    if is_offline():
        if not args.file:
            raise OperationError("offline (HF_HUB_OFFLINE is set): give --file to use a cached file")
        found = cached_path(args.repo_id, args.file, args.revision)
        if found is None:
            raise OperationError(f"{args.repo_id}/{args.file}: not in the HF cache, and the Hub is "
                                 "not consulted in offline mode (HF_HUB_OFFLINE is set)")
        paths = [found]
    else:
        repo_id = args.repo_id
        if args.file and not args.file.lower().endswith(".gguf"):
            with hub_errors(repo_id):
                info = model_info(repo_id)
            files = [f for f in repo_files(info) if f.filename == args.file]
            sha = info.sha
        else:
            sha, entries = repo_ggufs(repo_id)
            if not entries:
                from advisor.commands.ggufs import find_profile

                _, profile = find_profile(args)
                for gguf_repo in getattr(profile, "gguf_repos", ()) or ():
                    sha, entries = repo_ggufs(gguf_repo)
                    if entries:
                        repo_id = gguf_repo
                        break
            if not entries:
                raise OperationError(f"{args.repo_id}: no GGUF files in the repository")
            files = _choose(args, repo_id, entries)
        if not files:
            what = f"file {args.file}" if args.file else f"quant {args.quant}"
            raise InputError(None, f"{repo_id} has no {what}", field="--file" if args.file else "--quant")
        paths = []
        for f in files:
            progress = ProgressLine(f.filename)
            paths.append(pull_file(repo_id, f.filename, revision=args.revision,
                                   expected_sha256=f.sha256, progress=progress))
    if args.json:
        print_json({"schema": "advisor.pull/1", "repo_id": args.repo_id,
                    "paths": [str(p) for p in paths], "path": str(paths[0])})
    else:
        for p in paths[1:]:
            sys.stdout.write(f"{p}\n")
        sys.stdout.write(f"{paths[0]}\n")
    return 0
