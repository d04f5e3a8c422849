"""``advisor models``: the profiled models with license and openness.

    $ advisor models --json
"""

from __future__ import annotations

import argparse
import sys

from advisor.commands.common import add_profiles_option


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("models", help="list the profiled models")
    add_profiles_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--use-cases", action="store_true", help="list the use-case ids instead")
    parser.set_defaults(run=run)


def _params(value: float | None) -> str:
    if not value:
        return "?"
    return f"{value / 1e9:.1f}B" if value >= 1e9 else f"{value / 1e6:.0f}M"


def run(args: argparse.Namespace) -> int:
    from advisor.assessment.openness import grade, weights_license_open
    from advisor.commands.common import knowledge_from_args, print_json
    from advisor.commands.table import render_table

    kb = knowledge_from_args(args)
    if args.use_cases:
        items = [{"id": u.id, "title": u.title, "why": u.why} for u in kb.use_cases.values()]
        if args.json:
            print_json({"schema": "advisor.use-cases/1", "use_cases": items})
        else:
            sys.stdout.write(render_table(["ID", "TITLE"], [[u["id"], u["title"]] for u in items]))
        return 0
    models = []
    for m in sorted(kb.models.values(), key=lambda m: m.id.lower()):
        openness = grade(m.openness,
                         weights_license_open=weights_license_open(m.licenses, kb.licenses))
        models.append({
            "id": m.id, "family": m.family, "vendor": m.vendor, "licenses": list(m.licenses),
            "parameters": m.parameters, "training_tokens": m.training_tokens,
            "modalities": list(m.modalities), "released": m.released, "gated": m.gated,
            "context_length": m.context_length, "gguf_repos": list(m.gguf_repos),
            "openness": openness.to_dict(), "confirmed": m.confirmed, "access": m.access,
            "api": None if m.api is None else {
                "provider": m.api.provider, "base_url": m.api.base_url,
                "key_env": m.api.key_env, "model": m.api.model, "docs": m.api.docs},
        })
    if args.json:
        print_json({"schema": "advisor.models/1", "profiles_digest": kb.digest, "models": models})
        return 0
    rows = [[m["id"], " AND ".join(m["licenses"]),
             "hosted" if m["access"] == "api" else _params(m["parameters"]),
             ",".join(m["modalities"]), m["openness"]["osaid"], m["openness"]["mof_class"]]
            for m in models]
    sys.stdout.write(render_table(["MODEL", "LICENSE", "PARAMS", "MODALITIES", "OSAID", "MOF"], rows))
    return 0
