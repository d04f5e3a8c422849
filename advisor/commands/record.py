"""``advisor record``: write a decision record; ``advisor record verify``: re-check one.

    $ advisor record --answers answers.yaml --model Qwen/Qwen3-8B --smoke smoke.json --out decisions/
    $ advisor record verify decisions/decision-qwen--qwen3-8b-2026-11-23.json   # 0 same, 1 drift, 2 bad
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from advisor.commands.common import add_profiles_option

FORMAT_HELP = ("comma-separated: md (MADR 4 Markdown), json (advisor.record/1), cdx (CycloneDX "
               "1.6), spdx (SPDX 3.0.1 JSON-LD, AI profile); default md,json,cdx")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "record", help="write a decision record (Markdown, JSON, CycloneDX); `record verify` re-checks one",
        usage="advisor record --answers FILE --model ID [--smoke RESULT.json]\n"
              "                      [--comparison COMPARISON.json] [--consider ID,...]\n"
              "                      [--format md,json,cdx,spdx] --out DIR [--force]\n"
              "                      [--profiles DIR]... [--decider NAME]... [--rationale TEXT]\n"
              "                      [--decision-makers \"A, B\"] [--status proposed|accepted]\n"
              "                      [--owner CODE=ROLE]... [--when CODE=WHEN]... [--duties FILE]\n"
              "                      [--accept REASON] [--sign KEY] [--offline]\n"
              "       advisor record verify RECORD.json [--signer FILE] [--profiles DIR]...\n"
              "                      [--offline] [--json]",
        description="Write a decision record for the chosen model, or re-check a saved one with "
        "`advisor record verify RECORD.json` (exit 0 unchanged, 1 drift, 2 bad input).")
    parser.add_argument("--answers", metavar="FILE",
                        help="the interview's answers (YAML, as the app saves them)")
    parser.add_argument("--model", metavar="ID",
                        help="the chosen model's Hugging Face repo id (default: the one "
                             "--comparison chose)")
    parser.add_argument("--consider", metavar="ID[,ID...]",
                        help="the other models weighed (default: those of --comparison, else "
                             "the recommendation's best alternatives for the answers' hardware)")
    parser.add_argument("--smoke", metavar="RESULT.json", help="output of `advisor smoke --json`")
    parser.add_argument("--comparison", metavar="COMPARISON.json",
                        help="output of `advisor compare --json`: the record carries the "
                             "candidates' figures, the chosen one, a fallback and the files "
                             "and revisions `record verify` checks")
    parser.add_argument("--format", default="md,json,cdx", metavar="LIST", help=FORMAT_HELP)
    parser.add_argument("--out", metavar="DIR", help="directory to write the files into")
    parser.add_argument("--force", action="store_true", help="overwrite existing record files")
    add_profiles_option(parser)
    parser.add_argument("--decision-makers", metavar='"A, B"', default="",
                        help="who decides, comma-separated (MADR front matter)")
    parser.add_argument("--decider", metavar="NAME", action="append", default=[],
                        help="one decision-maker (repeatable; adds to --decision-makers)")
    parser.add_argument("--rationale", metavar="TEXT", default="",
                        help="why the decision-makers chose this model, in their words")
    parser.add_argument("--status", choices=("proposed", "accepted"), default="proposed",
                        help="MADR status (default: proposed)")
    parser.add_argument("--offline", action="store_true",
                        help="do not ask the Hub for the model's current revision")
    parser.add_argument("--owner", metavar="CODE=ROLE", action="append", default=[],
                        help="who owns the duties of a finding code: engineering, legal or "
                             "product (repeatable), e.g. --owner transparency=product")
    parser.add_argument("--when", metavar="CODE=WHEN", action="append", default=[],
                        help="when the duties of a finding code are done: before-launch, "
                             "each-release or yearly (repeatable)")
    parser.add_argument("--duties", metavar="FILE",
                        help="a YAML file of owners and whens: {owners: {CODE: ROLE}, when: "
                             "{CODE: WHEN}}; --owner and --when override it")
    parser.add_argument("--sign", metavar="KEY",
                        help="sign the record with this SSH key (ssh-keygen -Y sign, namespace "
                             "advisor-record; a private key file, or a public key held in "
                             "ssh-agent); the record keeps the signature, never the key")
    parser.add_argument("--accept", metavar="REASON",
                        help="adopt a blocked or unknown model anyway: the record carries the "
                             "exception, this reason and the deciders (--decider is required)")
    parser.set_defaults(run=run, record_command=None)
    sub = parser.add_subparsers(dest="record_command", metavar="verify")
    verify = sub.add_parser("verify", help="re-check a saved JSON record against today's profiles and the Hub",
                            description="Exit 0 when nothing that matters changed, 1 on drift, "
                            "2 when the file is not a record.")
    verify.add_argument("record", metavar="RECORD.json", help="a record written with --format json")
    add_profiles_option(verify)
    verify.add_argument("--offline", action="store_true", help="do not ask the Hub (HF_HUB_OFFLINE=1 too)")
    verify.add_argument("--json", action="store_true", help="print the report as one JSON document")
    verify.add_argument("--signer", metavar="FILE",
                        help="check the record's SSH signature against an allowed-signers file "
                             "(as git's gpg.ssh.allowedSignersFile) or one public key; exit 1 "
                             "when none verifies")
    verify.set_defaults(run=run)


def _offline(args: argparse.Namespace) -> bool:
    from advisor import config

    return bool(args.offline) or config.hub_offline()


def _hub_facts(model_id: str, offline: bool) -> tuple[Any, list[str]]:
    """What the Hub says about ``model_id`` now, or None with a note; never raises."""
    if offline:
        return None, []
    try:
        from advisor.hub.facts import hub_facts_for
    except ImportError:
        return None, ["the Hub adapter is not available"]
    facts, warnings = hub_facts_for([model_id])
    found = next(iter(facts.values()), None)
    return found, warnings


def _load_smoke(path: str) -> dict[str, Any]:
    """An ``advisor smoke --json`` result, every field a record shows of the shape and
    length it must have (:func:`advisor.record.smoke_input.smoke_problem`); else exit 2."""
    from advisor.errors import InputError
    from advisor.record.jsonfmt import read_json
    from advisor.record.smoke_input import smoke_problem

    data = read_json(path, "a smoke result")
    problem = smoke_problem(data)
    if problem:
        raise InputError(path, f"not a smoke result: {problem}")
    return data


def _refuse_existing(out: Path, model_id: str, formats: list[str], force: bool) -> None:
    """Refuse early when today's record files exist (``write_record`` checks again)."""
    import datetime as dt

    from advisor.errors import EXISTS, TargetExists
    from advisor.record.model import SUFFIXES, model_slug

    if force:
        return
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    for fmt in formats:
        path = out / f"decision-{model_slug(model_id)}-{today}{SUFFIXES[fmt]}"
        if path.exists():
            raise TargetExists(str(path), f"{EXISTS} (nothing written)")


def _run_record(args: argparse.Namespace) -> int:
    from advisor.commands.common import (announce_answer_notes, answers_from_args,
                                         knowledge_from_args)
    from advisor.errors import InputError, RefusedError
    from advisor.text import clean
    from advisor.record import build_record, parse_formats, write_record
    from advisor.record.build import refusal

    missing = [flag for flag, value in (("--answers", args.answers), ("--out", args.out))
               if not (value or "").strip()]
    if not (args.model or "").strip() and not args.comparison:
        missing.insert(1, "--model")
    if missing:
        raise InputError(None, f"missing {', '.join(missing)} (usage: advisor record --answers FILE "
                         "--model ID --out DIR, or advisor record verify RECORD.json)")
    try:
        formats = parse_formats(args.format)
    except ValueError as exc:
        raise InputError(None, str(exc), field="--format") from None
    out = Path(args.out)
    from advisor.fsio import check_output_dir

    check_output_dir(out, field="--out")          # a dangling link too, before any work
    kb = knowledge_from_args(args)
    answers = answers_from_args(args, kb)
    smoke = _load_smoke(args.smoke) if args.smoke else None
    comparison = None
    if args.comparison:
        from advisor.record.comparison import load_comparison

        comparison = load_comparison(args.comparison)
    from advisor.commands.record_options import (considered_ids, duty_settings,
                                                 model_of_comparison)

    owners, whens = duty_settings(args.owner, args.when, args.duties)
    model_id = (args.model or "").strip() or model_of_comparison(comparison, kb)
    if not model_id:
        raise InputError(args.comparison, "the comparison chose no profiled model: name the "
                         "chosen one with --model ID")
    profile = kb.find_model(model_id)
    if profile is not None:
        model_id = profile.id
    else:
        from advisor.hub.checks import check_repo_id

        check_repo_id(model_id, field="--model")
    _refuse_existing(out, model_id, formats, args.force)      # before any slow work
    hub_facts, notes = _hub_facts(model_id, _offline(args))
    consider, others_hub = considered_ids(args.consider, kb, _offline(args))
    makers = [m.strip() for m in args.decision_makers.split(",") if m.strip()]
    makers += [m.strip() for m in args.decider if m.strip() and m.strip() not in makers]
    accept = (args.accept or "").strip() or None
    if args.accept is not None and not accept:
        raise InputError(None, "give the reason for the exception", field="--accept")
    if accept and not makers:
        raise InputError(None, "an exception needs who accepts it: add --decider NAME",
                         field="--accept")
    from advisor.machine.hardware import hardware_from_answers

    record = build_record(answers, kb, model_id, smoke=smoke, hub_facts=hub_facts,
                          decision_makers=makers, status=args.status,
                          rationale=args.rationale, comparison=comparison, accept=accept,
                          consider=consider, others_hub=others_hub,
                          hardware=hardware_from_answers(answers.hardware),
                          owners=owners, whens=whens)
    from advisor.record.comparison import choice_conflict

    conflict = choice_conflict(record.data.get("comparison"), record.model)
    if conflict:
        raise InputError(args.comparison, f"{conflict}; nothing written", field="--model")
    refused = refusal(record)
    if refused:
        raise RefusedError(f"{refused}; nothing written (--accept REASON with --decider NAME "
                           "records an exception)")
    if args.sign:
        from advisor.record.model import Record
        from advisor.record.sign import sign_record

        record = Record({**record.data, "signatures": [sign_record(record.data, args.sign)]})
    for note in notes:
        print(f"advisor: note: {note}", file=sys.stderr)
    announce_answer_notes(answers, kb)
    if record.data.get("exception"):
        print(clean(f"advisor: warning: {record.model} is {record.chosen['verdict']}: the "
                    "record carries the exception you accepted and its reason"),
              file=sys.stderr)
    elif accept:
        print(f"advisor: note: --accept ignored: {record.model} is {record.chosen['verdict']}, "
              "not blocked or unknown", file=sys.stderr)
    for path in write_record(record, out, formats, force=args.force):
        print(path)
    return 0


def _run_verify(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from advisor.commands.common import knowledge_from_args, print_json
    from advisor.text import clean
    from advisor.record.verify import (Difference, VerifyReport, hash_recorded_gguf,
                                       open_record, verify_record)

    data, record, tampered = open_record(args.record)       # bad input: exit 2 first
    signature: list[Difference] = []
    notes: list[str] = []
    if args.signer:
        from advisor.record.sign import check_signatures

        check = check_signatures(data, args.signer)
        (notes.append(check.message) if check.good
         else signature.append(Difference("signature", check.message)))
    elif data.get("signatures"):
        from advisor.record.sign import key_fingerprint

        keys = ", ".join(str(key_fingerprint(str(s.get("signature"))))
                         for s in data["signatures"] if isinstance(s, dict))
        notes.append(f"signed with {keys}; not checked (give --signer ALLOWED_SIGNERS or a "
                     "public key)")
    if record is None:                                       # edited beyond the schema
        report = VerifyReport(path=str(args.record), model=str(data.get("model")),
                              verdict="not re-assessed", differences=tuple(tampered))
    else:
        kb = knowledge_from_args(args)
        hub_facts, hub_notes = _hub_facts(record.model, _offline(args))
        notes += hub_notes
        gguf = record.reproducibility.get("gguf") or {}
        file_sha = None
        if gguf.get("sha256") and isinstance(gguf.get("path"), str):
            file_sha, note = hash_recorded_gguf(gguf["path"])
            notes.append(note)
        elif gguf.get("sha256"):
            notes.append("the GGUF file is not on this machine; its hash was not re-checked")
        report = verify_record(args.record, kb, hub_facts=hub_facts, file_sha256=file_sha,
                               record=record, tampered=tampered)
        from advisor.record.comparison_verify import check_comparison

        compared, compared_notes = check_comparison(record.data.get("comparison"),
                                                    _offline(args))
        if hub_facts is not None:            # the Hub answered: has the license moved?
            from advisor.record.verify import license_drift

            moved, moved_notes = license_drift(record, kb)
            compared, compared_notes = [*moved, *compared], [*moved_notes, *compared_notes]
        report = replace(report, differences=report.differences + tuple(compared),
                         notes=report.notes + tuple(compared_notes))
    report = replace(report, differences=tuple(signature) + report.differences,
                     notes=tuple(notes) + report.notes)
    if args.json:
        print_json(report.to_dict())
    else:
        print(clean("\n".join(report.lines())))
    return report.exit_status


def run(args: argparse.Namespace) -> int:
    if getattr(args, "record_command", None) == "verify":
        return _run_verify(args)
    return _run_record(args)
