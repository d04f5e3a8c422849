"""``advisor profiles check [DIR]...``: validate profiles, one line per problem, and list
the facts still unconfirmed; ``advisor profiles draft REPO_ID`` drafts a model profile;
``advisor profiles watch`` compares the profiled licenses with the Hub.

    $ advisor profiles check my-profiles/
    my-profiles/licenses/acme.yaml:12: rules[0].severity: 'blok' is not one of block, condition, info
"""

from __future__ import annotations

import argparse
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("profiles", help="validate the knowledge base, draft a model "
                                   "profile, watch the profiled licenses on the Hub")
    sub = parser.add_subparsers(dest="profiles_command", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="validate profile directories (default: the shipped ones)")
    check.add_argument("dirs", nargs="*", metavar="DIR",
                       help="directories to check; a user's directory is checked together "
                            "with the shipped profiles it extends")
    check.set_defaults(run=run)
    from advisor.commands import profiles_draft, profiles_watch

    profiles_draft.add_parser(sub)
    profiles_watch.add_parser(sub)


def figures_line(figures: dict[str, int]) -> str:
    """The knowledge base's two quality figures, over all rules:

    >>> figures_line({"rules": 500, "quoted": 420, "unconfirmed": 45})
    'rules: 500; quoted: 420 of 500 (84.0%); confirmed: false: 45 of 500 (9.0%)'
    """
    total = figures["rules"]

    def share(n: int) -> str:
        return f"{n} of {total} ({100 * n / total:.1f}%)" if total else f"{n} of 0"

    return (f"rules: {total}; quoted: {share(figures['quoted'])}; "
            f"confirmed: false: {share(figures['unconfirmed'])}")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from advisor.text import clean
    from advisor.knowledge.load import check_profiles, profile_dirs, unconfirmed

    dirs = [Path(d) for d in args.dirs]
    missing = [d for d in dirs if not d.is_dir()]
    if missing:
        print(f"advisor: {missing[0]}: profiles directory not found", file=sys.stderr)
        return 2
    roots = profile_dirs([d for d in dirs if d.resolve() != profile_dirs()[0].resolve()])
    kb, problems = check_profiles(roots)
    for problem in problems:
        print(clean(problem.one_line()), file=sys.stderr)
    todo = unconfirmed(kb)
    if problems:
        print(f"{len(problems)} problem(s) in {len(kb.file_hashes)} file(s)", file=sys.stderr)
        return 2
    print(f"ok: {len(kb.licenses)} licenses, {len(kb.use_policies)} use policies, "
          f"{len(kb.models)} models, {len(kb.jurisdictions)} jurisdictions, "
          f"{len(kb.use_cases)} use cases, {len(kb.policies)} organization policies, "
          f"{len(kb.quality)} quality tables "
          f"({len(kb.file_hashes)} files, digest {kb.digest[:12]}); "
          f"{len(todo)} fact(s) still unconfirmed{':' if todo else ''}")
    for line in todo:
        print(clean(f"  unconfirmed: {line}"))
    for override in kb.overrides:
        print(clean(f"  {override.note()}"))
    print(figures_line(kb.rule_figures()))
    gaps = suitability_gaps(kb)
    if gaps:
        print(f"warning: {len(gaps)} model(s) lack facts the recommendation reads (the "
              "recommendation says so in its reasons; see profiles/README.md, "
              "advisor.model-family/1):", file=sys.stderr)
    for line in gaps:
        print(clean(f"  warning: {line}"), file=sys.stderr)
    return 0


SUITABILITY_FACTS = ("kind", "languages", "tool_calling")


def suitability_gaps(kb) -> list[str]:
    """One line per model without ``kind``, ``languages`` or ``tool_calling``:
    ``"model org/m (models/m.yaml): no kind, languages"``."""
    out = []
    for model in kb.models.values():
        missing = [name for name in SUITABILITY_FACTS
                   if getattr(model, name) in (None, ())]
        if missing:
            out.append(f"model {model.id} ({model.file}): no {', '.join(missing)}")
    return out
