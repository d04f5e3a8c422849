"""``advisor hub info REPO_ID``: what the Hub says about a repo, reconciled with the profiles.

    $ advisor hub info bartowski/Llama-3.2-1B-Instruct-GGUF --json
"""

from __future__ import annotations

import argparse

from advisor.commands.common import add_profiles_option


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("hub", help="Hugging Face Hub metadata")
    sub = parser.add_subparsers(dest="hub_command", metavar="SUBCOMMAND", required=True)
    info = sub.add_parser("info", help="live metadata of a repo, reconciled with the profiles")
    info.add_argument("repo_id", metavar="REPO_ID")
    info.add_argument("--answers", metavar="FILE", help="assess for these answers (default: defaults)")
    add_profiles_option(info)
    info.add_argument("--json", action="store_true", help="print one JSON document")
    info.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from advisor.commands.common import (SafeOut, answers_from_args, knowledge_from_args,
                                         print_json)
    from advisor import config
    from advisor.errors import HubOffline
    from advisor.hub.checks import check_repo_id
    from advisor.hub.client import model_info, repo_files
    from advisor.hub.errors import hub_errors
    from advisor.hub.facts import facts_from_info, follow_base_chain

    from advisor.knowledge.hosted import refuse_hosted

    check_repo_id(args.repo_id, field="REPO_ID")
    kb = knowledge_from_args(args)
    refuse_hosted(kb, args.repo_id)
    if config.hub_offline():
        raise HubOffline(f"{args.repo_id}: the Hub is not consulted in offline mode "
                         f"({config.hub_offline_reason()})")
    with hub_errors(args.repo_id):
        info = model_info(args.repo_id, files=True)
    facts = follow_base_chain(facts_from_info(info, args.repo_id))
    if facts.answered_as:
        import sys

        from advisor.hub.facts import answered_note
        from advisor.text import clean

        print(clean(f"advisor: note: {answered_note(facts)}"), file=sys.stderr)
    files = [{"filename": f.filename, "bytes": f.size, "sha256": f.sha256}
             for f in repo_files(info)]
    if args.answers:
        answers = answers_from_args(args, kb)
    else:
        from advisor.answers import default_answers

        answers = default_answers()
    from advisor.assessment import assess
    from advisor.config import today_iso

    profile = kb.find_model(args.repo_id)
    result = assess(answers, kb, model_ids=[args.repo_id], hub_facts={args.repo_id: facts},
                    today=today_iso())
    candidate = result.candidates[0] if result.candidates else None
    document = {
        "schema": "advisor.hub-info/1",
        "repo_id": args.repo_id,
        "profile": profile.id if profile else None,
        "facts": facts.to_dict(),
        "files": files,
        "assessment": candidate.to_dict() if candidate else None,
    }
    if args.json:
        print_json(document)
        return 0
    out = SafeOut()
    out.write(f"{facts.repo_id}  (commit {facts.sha or '?'})\n")
    out.write(f"  license:   {facts.license_tag or '-'}"
              + (f" ({facts.license_name})" if facts.license_name else "") + "\n")
    if facts.license_link:
        out.write(f"  link:      {facts.license_link}\n")
    out.write(f"  gated:     {facts.gated}\n")
    out.write(f"  pipeline:  {facts.pipeline_tag or '-'}   library: {facts.library_name or '-'}\n")
    out.write(f"  profile:   {profile.id if profile else 'none (assessed from Hub facts)'}\n")
    out.write(f"  size:      {_size_line(facts)}\n")
    if facts.base_chain:
        out.write("  base chain:\n")
        rel = facts.base_relation or "derived"
        for base in facts.base_chain:
            out.write(f"    <- {base.repo_id} [{rel}] license {base.license_tag or '-'}"
                      + (f" ({base.license_name})" if base.license_name else "") + "\n")
            rel = base.base_relation or "derived"
    elif facts.base_models:
        out.write(f"  base:      {', '.join(facts.base_models)} (not readable on the Hub)\n")
    ggufs = [f for f in files if f["filename"].lower().endswith(".gguf")]
    sizes = [f["bytes"] for f in files]
    shown = ("size unknown" if None in sizes or not sizes
             else f"{sum(sizes) / 2**30:.2f} GiB")         # type: ignore[arg-type]
    out.write(f"  files:     {len(files)} ({shown}), {len(ggufs)} GGUF"
              + (" - see `advisor ggufs`" if ggufs else "") + "\n")
    if candidate is not None:
        data = candidate.to_dict()
        out.write(f"  verdict:   {data.get('verdict')}  (license {data.get('license')})\n")
        for finding in data.get("findings", []):
            out.write(f"    [{finding.get('severity')}] {finding.get('code')}: {finding.get('message')}\n")
    return 0


def _size_line(facts) -> str:
    """Parameters, context and architecture as the Hub states them, or unknown."""
    params = (f"{facts.parameters / 1e9:.2f}B parameters ({facts.parameters_basis})"
              if facts.parameters else "parameters unknown")
    context = f"context {facts.context_length}" if facts.context_length else "context unknown"
    return f"{params}, {context}, architecture {facts.architecture or 'unknown'}"
