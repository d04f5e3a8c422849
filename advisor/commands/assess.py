"""``advisor assess``: verdicts for candidate models against an answers file.

    $ advisor assess --answers answers.yaml --models meta-llama/Llama-3.2-1B-Instruct --json
"""

from __future__ import annotations

import argparse
import sys

from advisor.commands.common import add_profiles_option


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "assess", help="assess candidate models against your answers",
        description="Assess every profiled model (or those named) against your answers: a "
        "verdict per model (allowed, conditional, blocked, unknown), the findings behind it "
        "with their cited clauses, and the obligations you take on.")
    parser.add_argument("--answers", required=True, metavar="FILE", help="the interview's answers (YAML, as the app saves them)")
    parser.add_argument("--models", metavar="ID[,ID...]",
                        help="Hugging Face repo ids (default: every profiled model)")
    add_profiles_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--details", "-d", action="store_true",
                        help="list every finding under the table")
    parser.add_argument("--offline", action="store_true",
                        help="do not ask the Hub about models missing from the profiles")
    parser.add_argument("--fail-on", metavar="VERDICT[,VERDICT...]",
                        help="exit 1 after printing when an assessed model's verdict is one of "
                             "these: blocked, unknown, conditional (for CI)")
    parser.add_argument("--allow-unknown", action="store_true",
                        help="assess a --models id that is neither profiled nor found on the "
                             "Hub as unknown instead of refusing it (exit 2)")
    parser.set_defaults(run=run)


def _hub_facts(unknown: list[str], offline: bool) -> tuple[dict, list[str]]:
    """Hub facts for ``unknown``, the ids the profiles lack; never fails (warnings instead)."""
    if not unknown or offline:
        return {}, []
    try:
        from advisor.hub.facts import hub_facts_for
    except ImportError:
        return {}, ["the Hub adapter is not available; unprofiled models are unknown"]
    return hub_facts_for(unknown)


def _needs_file_license(facts, kb) -> bool:
    """Whether the card (and the chain) leaves the license unknown and no profile decides."""
    if kb.license_for_hub(facts.license_tag, facts.license_name) is not None:
        return False
    return not any(kb.find_model(b.repo_id) for b in facts.base_chain)


def _with_gguf_licenses(hub_facts: dict, kb, warnings: list[str]) -> dict:
    """Hub facts plus ``general.license`` / ``general.base_model.*`` read from the header
    of the repo's first GGUF file (Range requests, a few hundred kB), for repos whose card
    names no license the profiles know. Never fails: a warning instead."""
    from advisor.errors import AdvisorError

    out = dict(hub_facts)
    for repo_id, facts in hub_facts.items():
        if not _needs_file_license(facts, kb):
            continue
        try:
            from advisor.hub.catalog import repo_ggufs
            from advisor.hub.client import RangeReader
            from advisor.gguf.header import GGUFError, read_header

            sha, entries = repo_ggufs(repo_id)
            models = [e for e in entries if not e.is_projector]
            if not models:
                continue
            reader = RangeReader(repo_id, models[0].parts[0].filename, revision=sha)
            header, _ = read_header(reader)
            out[repo_id] = facts.with_gguf(header.metadata)
        except (AdvisorError, GGUFError) as exc:
            warnings.append(f"{repo_id}: GGUF metadata not read: {exc}")
        except Exception as exc:             # never let a file break an assessment
            warnings.append(f"{repo_id}: GGUF metadata not read: {type(exc).__name__}")
    return out


def _why_not_found(model_id: str, warnings: list[str], offline: bool) -> str:
    """What the Hub said about ``model_id`` (its warning), or why it was not asked."""
    if offline:
        return "the Hub was not asked: --offline"
    mine = [w for w in warnings if w.lower().startswith(model_id.lower() + ":")]
    if mine:
        return mine[0].split(":", 1)[1].strip()
    general = [w for w in warnings if "/" not in w.split(":", 1)[0]]   # offline, skipped
    return general[0] if general else ""


def _gate_unknown_ids(result, ids, kb, warnings: list[str], offline: bool) -> None:
    """InputError (exit 2) when a --models id is neither profiled nor found on the Hub,
    with the closest profiled ids."""
    from advisor.assessment.gates import unresolved, unresolved_line
    from advisor.errors import InputError

    wanted = {i.lower() for i in ids}
    missing = [c.model for c in unresolved(result.candidates) if c.model.lower() in wanted]
    if missing:
        why = {m: _why_not_found(m, warnings, offline) for m in missing}
        known = [m.id for m in kb.models.values()]
        raise InputError(None, unresolved_line(missing, known, why), field="--models")


def run(args: argparse.Namespace) -> int:
    from advisor.frozen import replace

    from advisor.assessment import assess
    from advisor.assessment.gates import fail_on_line, failing, parse_verdicts
    from advisor.commands.common import (announce_answer_notes, answers_from_args,
                                         knowledge_from_args, split_ids)
    from advisor.config import today_iso
    from advisor.errors import InputError
    from advisor.text import clean

    kb = knowledge_from_args(args)
    answers = answers_from_args(args, kb)
    fail_on: tuple[str, ...] = ()
    if args.fail_on is not None:
        try:
            fail_on = parse_verdicts(args.fail_on)
        except ValueError as exc:
            raise InputError(None, str(exc), field="--fail-on") from None
    ids = split_ids(args.models)
    if ids is not None and not ids:
        raise InputError(None, "no model ids given", field="--models")
    unprofiled = [i for i in ids or () if kb.find_model(i) is None]
    if unprofiled:
        from advisor.hub.checks import check_repo_id

        for model_id in unprofiled:
            check_repo_id(model_id, field="--models")
    hub_facts, warnings = _hub_facts(unprofiled, args.offline)
    hub_facts = _with_gguf_licenses(hub_facts, kb, warnings) if hub_facts else hub_facts
    result = assess(answers, kb, model_ids=ids, hub_facts=hub_facts, today=today_iso())
    if ids and not args.allow_unknown:
        _gate_unknown_ids(result, ids, kb, warnings, args.offline)
    if warnings:        # the overrides' notes come first, from the assessment itself
        result = replace(result, notes=(*result.notes, *warnings))
    announce_answer_notes(answers, kb)
    for warning in warnings:
        print(f"advisor: note: {warning}", file=sys.stderr)
    if args.json:
        from advisor.commands.assess_json import write_assessment_json

        write_assessment_json(result, sys.stdout)
    else:
        from advisor.commands.table import render_assessment

        sys.stdout.write(clean(render_assessment(result, details=args.details)))
    failed = failing(result.candidates, fail_on)
    if failed:
        sys.stdout.flush()
        print(clean(f"advisor: {fail_on_line(failed, fail_on)}"), file=sys.stderr)
        return 1
    return 0
