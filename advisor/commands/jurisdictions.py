"""``advisor jurisdictions``: the map of the law the knowledge base covers.

    $ advisor jurisdictions --json
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from advisor.commands.common import add_profiles_option


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("jurisdictions",
                                   help="list the jurisdictions the knowledge base covers")
    add_profiles_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run)


def describe(jurisdiction: Any) -> dict[str, Any]:
    """One jurisdiction as CONTRACT §3 lists it: id, title, members, checked, and what
    its rules cover (finding codes, the laws cited, how many rules are unconfirmed)."""
    from advisor.assessment.coverage import is_sanctions

    rules = jurisdiction.rules
    laws = list(dict.fromkeys(r.source.title for r in rules if r.source.title))
    return {
        "id": jurisdiction.id, "title": jurisdiction.title,
        "members": sorted(jurisdiction.members), "checked": jurisdiction.checked,
        "kind": ("sanctions" if is_sanctions(jurisdiction.id)
                 else "topic" if getattr(jurisdiction, "scope", "place") == "topic" else "law"),
        "rules": len(rules),
        "unconfirmed_rules": sum(1 for r in rules if not r.confirmed),
        "codes": sorted({r.code for r in rules}),
        "covers": laws,
    }


def run(args: argparse.Namespace) -> int:
    from advisor.commands.common import knowledge_from_args, print_json
    from advisor.commands.table import render_table

    kb = knowledge_from_args(args)
    items = [describe(j) for j in sorted(kb.jurisdictions.values(), key=lambda j: j.id)]
    if args.json:
        print_json({"schema": "advisor.jurisdictions/1", "jurisdictions": items})
        return 0
    rows = []
    for item in items:
        members = item["members"]
        shown = ", ".join(members[:6]) + (f" +{len(members) - 6}" if len(members) > 6 else "")
        rows.append([item["id"], item["title"], shown, item["checked"] or "?",
                     str(item["rules"]), str(item["unconfirmed_rules"])])
    sys.stdout.write(render_table(["ID", "TITLE", "MEMBERS", "CHECKED", "RULES", "UNCONFIRMED"], rows,
                                  flexible=1, shrinkable=(2,), flex_min=21))
    sys.stdout.write("Any other place named in the answers gets a review condition:\n"
                     "its law is not assessed. Unconfirmed rules always ask for review.\n"
                     "Topic profiles (one body of law: the GDPR, HIPAA, children's privacy)\n"
                     "add rules for their members; a place they alone list is not assessed.\n")
    return 0
