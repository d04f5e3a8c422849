"""``advisor compare``: one suite over several candidates in turn, side by side.

    $ advisor compare --gguf a.gguf --gguf b.gguf --endpoint http://127.0.0.1:8000 \\
          --model smollm --suite general --answers answers.yaml --json
    $ advisor compare --gguf a.gguf --api openai-api/gpt-5.1 --answers answers.yaml

Exit 0 when every candidate ran (whatever its checks), 1 when one could not run, 2 on
bad input. Endpoint keys come from the environment (the variable --key-env or a hosted
model's profile names, else ADVISOR_ENDPOINT_KEY; no other variable), never from the
command line, and never reach the output; a note on stderr says where each key goes.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from advisor.commands.common import add_profiles_option


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare", help="run one suite over several models (local GGUFs, Hub builds, "
                        "endpoints) with the same settings, side by side",
        description="Run one prompt suite over every candidate in turn with the same "
                    "settings (context, threads, GPU plan, seed) and print one table. "
                    "Exit 0: every candidate ran; 1: one could not run; 2: bad input.")
    parser.add_argument("--gguf", metavar="PATH", action="append", default=[],
                        help="a local GGUF file (repeatable)")
    parser.add_argument("--repo", metavar="REPO_ID", action="append", default=[],
                        help="a Hub repo whose GGUF is pulled first (repeatable)")
    parser.add_argument("--quant", metavar="Q", help="with --repo: the quantization for all")
    parser.add_argument("--endpoint", metavar="URL", action="append", default=[],
                        help="an OpenAI-compatible server (repeatable; paired with --model "
                             "in order; key from its --key-env VAR, else ADVISOR_ENDPOINT_KEY)")
    parser.add_argument("--model", metavar="NAME", action="append", default=[],
                        help="the model name at the --endpoint of the same position")
    parser.add_argument("--key-env", metavar="VAR", action="append", default=[],
                        help="the environment variable holding the key of the --endpoint "
                             "of the same position (e.g. GEMINI_API_KEY); repeatable")
    parser.add_argument("--api", metavar="ID", action="append", default=[],
                        help="a hosted API model of the profiles (e.g. openai-api/gpt-5.1; "
                             "repeatable): endpoint, model name and key variable come from "
                             "its profile")
    parser.add_argument("--suite", metavar="NAME|PATH", default="general",
                        help="a shipped suite or a suite YAML file (default general)")
    parser.add_argument("--answers", metavar="FILE",
                        help="assess each candidate against these answers (verdict, "
                             "obligations, vendor) and suggest a fallback from another vendor")
    add_profiles_option(parser)
    parser.add_argument("--gpu", choices=("auto", "on", "off"), default="auto",
                        help="offload layers to the GPU: auto (what fits), on (all), off")
    parser.add_argument("--ctx", type=int, default=2048, metavar="N",
                        help="context size for every local candidate (default 2048)")
    parser.add_argument("--threads", type=int, default=None, metavar="N",
                        help="CPU threads for every local candidate (default: half the CPUs)")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="sampling seed (0)")
    parser.add_argument("--timeout", type=float, default=300.0, metavar="S",
                        help="give up on a candidate making no progress for S seconds (an "
                             "endpoint: on a prompt taking longer than S seconds)")
    parser.add_argument("--no-hash", action="store_true",
                        help="do not hash the local GGUFs after their runs (a record of this "
                             "comparison then cannot re-check the files)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run)


def _check_args(args: argparse.Namespace) -> None:
    from advisor.commands.common import check_key_env
    from advisor.errors import InputError
    from advisor.smoke.endpoint import chat_url

    if not (args.gguf or args.repo or args.endpoint or args.model or args.api):
        raise InputError(None, "give candidates: --gguf PATH, --repo REPO_ID, "
                         "--endpoint URL --model NAME or --api ID (repeatable)")
    if len(args.endpoint) != len(args.model):
        raise InputError(None, f"{len(args.endpoint)} --endpoint but {len(args.model)} "
                         "--model: give one --model NAME after each --endpoint URL",
                         field="--model")
    if args.quant and not args.repo:
        raise InputError(None, "--quant goes with --repo", field="--quant")
    if args.key_env and len(args.key_env) != len(args.endpoint):
        raise InputError(None, f"{len(args.key_env)} --key-env but {len(args.endpoint)} "
                         "--endpoint: give one variable name per endpoint", field="--key-env")
    for name in args.key_env:
        check_key_env(name)
    for url in args.endpoint:
        chat_url(url)                              # InputError for a non-http(s) URL
        netloc = url.split("://", 1)[-1].split("/", 1)[0]
        if "@" in netloc:
            raise InputError(None, "a URL with credentials: put the key in "
                             "ADVISOR_ENDPOINT_KEY instead", field="--endpoint")
    for name in args.model:
        if not name.strip():
            raise InputError(None, "empty model name", field="--model")
    if args.ctx < 64 or args.ctx > 10_000_000:
        raise InputError(None, "must be between 64 and 10000000", field="--ctx")
    if args.threads is not None and not (1 <= args.threads <= 512):
        raise InputError(None, "must be between 1 and 512", field="--threads")
    if not (0 < args.timeout < 10**9):
        raise InputError(None, "must be a positive number of seconds", field="--timeout")


def api_candidates(ids: list[str], kb) -> list:
    """A candidate per hosted API model id: its profile's base URL, API model name and key
    variable (which must be set). InputError for an id that is not one, before anything
    runs or is pulled."""
    from advisor.knowledge.hosted import hosted_profile
    from advisor.smoke.compare import Candidate

    out = []
    for model_id in ids:
        profile = hosted_profile(kb, model_id)
        out.append(Candidate.for_api(profile.api, profile=profile.id))
    return out


def candidates_from_args(args: argparse.Namespace, kb=None) -> list:
    """The candidates in the order: GGUFs, pulled repos, endpoints, hosted API models.
    Each GGUF's header is read and each --api id resolved first, so a missing file or an
    unknown id is bad input before anything is pulled or runs. ``kb``: the knowledge
    base (needed for --api and to refuse a hosted id given to --repo)."""
    from pathlib import Path

    from advisor.smoke.compare import Candidate
    from advisor.smoke.modelfile import inspect_gguf

    out = []
    for path in args.gguf:
        inspect_gguf(Path(path))                   # InputError: missing, not a GGUF, ...
        out.append(Candidate(gguf=Path(path)))
    hosted = api_candidates(args.api, kb) if args.api else []
    if args.repo:
        from advisor.knowledge.hosted import refuse_hosted
        from advisor.commands.smoke import resolve_repo

        for repo in args.repo:
            refuse_hosted(kb, repo)
        for repo in args.repo:
            out.append(Candidate(gguf=resolve_repo(repo, args.quant), repo=repo))
    keys = args.key_env or [None] * len(args.endpoint)
    out.extend(Candidate(endpoint=url, model=name, key_env=key)
               for url, name, key in zip(args.endpoint, args.model, keys))
    return out + hosted


def assess_rows(comparison, candidates, args: argparse.Namespace, kb=None) -> None:
    """Fill each row's verdict, obligation count and vendor from ``--answers``."""
    from advisor.assessment.engine import assess_one
    from advisor.commands.common import answers_from_args, knowledge_from_args
    from advisor.config import today_iso
    from advisor.smoke.builds import profile_for
    from advisor.smoke.plan import attach_assessments

    kb = kb if kb is not None else knowledge_from_args(args)
    answers = answers_from_args(args, kb)
    today = today_iso()
    profiles = [profile_for(candidate, kb) for candidate in candidates]
    attach_assessments(comparison, profiles,
                       [assess_one(profile or candidate.label, answers, kb, today=today)
                        for profile, candidate in zip(profiles, candidates)])


def _fmt(value: Any, spec: str, unit: str = "") -> str:
    return "--" if value is None else f"{value:{spec}}{unit}"


def _probe_lines(comparison, width: int) -> str:
    """A probe suite's headline scores per candidate, then the limits once."""
    import textwrap

    from advisor.text import clean
    from advisor.smoke.probes import probe_summary

    lines, limits = [], None
    for r in comparison.candidates:
        summary = probe_summary(r.probe)
        if summary:
            lines.append(textwrap.fill(clean(f"{r.model}: {summary}"), width,
                                       initial_indent="  ", subsequent_indent="    "))
            limits = limits or (r.probe or {}).get("limits")
    if not lines:
        return ""
    text = "probe scores (numbers with limits, not a pass or a fail):\n"
    text += "".join(line + "\n" for line in lines)
    if limits:
        text += textwrap.fill(clean(f"limits: {limits}"), width, initial_indent="  ",
                              subsequent_indent="    ") + "\n"
    return text


def render(comparison, width: int | None = None) -> str:
    """The comparison as one table that fits ``width`` (the terminal)."""
    import textwrap

    from advisor.text import clean
    from advisor.vocab import SHORT_VERDICT

    from advisor.commands.table import render_table, terminal_width

    width = width or terminal_width()
    assessed = any(r.assessment for r in comparison.candidates)
    headers = ["model", "backend", "pass", "checks", "ttft s", "pp t/s", "t/s", "RSS"]
    if assessed:
        headers += ["verdict", "obl."]
    rows, problems = [], []
    for r in comparison.candidates:
        row = [clean(r.model), r.backend or "--",
               "--" if r.error else ("yes" if r.passed else "no"),
               "--" if r.error else f"{r.checks_passed}/{r.checks_total}",
               _fmt(r.ttft_seconds, ".2f"), _fmt(r.prompt_tokens_per_second, ".0f"),
               _fmt(r.tokens_per_second, ".1f"),
               _fmt(r.peak_rss_bytes and r.peak_rss_bytes / 2**20, ".0f", "M")]
        if assessed:
            a = r.assessment or {}
            row += [SHORT_VERDICT.get(a.get("verdict"), "--"), _fmt(a.get("obligations"), "d")]
        rows.append(row)
        if r.error or r.failures:
            what = f"could not run: {r.error}" if r.error else "failed " + "; ".join(r.failures)
            problems.append(textwrap.fill(clean(f"{r.model}: {what}"), width,
                                          initial_indent="  ", subsequent_indent="    "))
    s = comparison.settings
    text = textwrap.fill(f"suite {clean(comparison.suite)}; every candidate: n_ctx "
                         f"{s.n_ctx}, {s.threads} threads, GPU {s.gpu}, seed {s.seed}",
                         width) + "\n"
    text += render_table(headers, rows, width=width, shrinkable=(0,))
    text += "".join(line + "\n" for line in problems)
    text += _probe_lines(comparison, width)
    if comparison.chosen:
        line = f"chosen: {clean(comparison.chosen)}"
        line += (f"; fallback: {clean(comparison.fallback)}" if comparison.fallback
                 else f"; no fallback: {clean(comparison.fallback_reason or '')}")
        text += textwrap.fill(line, width, subsequent_indent="  ") + "\n"
    return text


def run(args: argparse.Namespace) -> int:
    from advisor.smoke.compare import CompareSettings, choose, compare
    from advisor.smoke.runner import default_threads
    from advisor.smoke.suites import load_suite

    _check_args(args)
    suite = load_suite(args.suite)
    kb = None
    if args.answers or args.api or args.repo:
        from advisor.commands.common import knowledge_from_args, knowledge_or_none

        kb = knowledge_from_args(args) if args.answers or args.api else knowledge_or_none(args)
    if args.answers:                    # bad answers are exit 2 before anything runs
        from advisor.commands.common import answers_from_args

        answers_from_args(args, kb)
    candidates = candidates_from_args(args, kb)
    from advisor.commands.common import note_key

    for candidate in candidates:
        if candidate.endpoint:
            note_key(candidate.endpoint, candidate.key_env)
    settings = CompareSettings(gpu=args.gpu, n_ctx=args.ctx,
                               threads=args.threads or default_threads(), seed=args.seed,
                               timeout=args.timeout, record_hash=not args.no_hash)

    def progress(index, candidate, row) -> None:
        from advisor.text import clean

        if args.json:
            return
        where = f"[{index + 1}/{len(candidates)}] {clean(candidate.label)}"
        if row is None:
            print(f"{where}: running suite {suite.name}...", file=sys.stderr, flush=True)

    comparison = compare(candidates, suite, settings, on_progress=progress)
    if args.answers:
        assess_rows(comparison, candidates, args, kb)
    choose(comparison)
    if args.json:
        from advisor.commands.common import print_json

        print_json(comparison.to_dict())
    else:
        sys.stdout.write(render(comparison))
    failed = [r for r in comparison.candidates if r.error]
    if failed:
        from advisor.text import clean

        print(clean(f"advisor: {len(failed)} of {len(comparison.candidates)} candidates "
                        f"could not run: {failed[0].model}: {failed[0].error}"),
              file=sys.stderr)
        return 1
    return 0
