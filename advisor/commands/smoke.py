"""``advisor smoke``: run a prompt suite on a model, locally (llama.cpp) or on an endpoint.

    $ advisor smoke --gguf SmolLM2-135M-Instruct.Q4_1.gguf --suite general
    $ advisor smoke --repo bartowski/Llama-3.2-1B-Instruct-GGUF --quant Q4_K_M --json
    $ advisor smoke --endpoint http://127.0.0.1:8000 --model smollm --suite general
    $ advisor smoke --api openai-api/gpt-5.1 --suite general     # key from OPENAI_API_KEY

Exit 0 when every check passes, 1 when a check fails or the model crashed or hung,
2 on bad input (missing file, not a GGUF, bad suite).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from advisor.commands.common import add_profiles_option
from advisor.text import clean


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "smoke", help="run a prompt suite on a model (llama.cpp child process or endpoint)",
        description="Run a prompt suite on a GGUF model with llama.cpp in a child process, "
                    "or on an OpenAI-compatible endpoint. Exit 0: all checks pass; 1: a check "
                    "failed or the model crashed or hung; 2: bad input.")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--gguf", metavar="PATH", help="a local GGUF file")
    which.add_argument("--repo", metavar="REPO_ID", help="a Hub repo; the GGUF is pulled first")
    which.add_argument("--api", metavar="ID",
                       help="a hosted API model of the profiles (e.g. openai-api/gpt-5.1): "
                            "endpoint, model name and key variable come from its profile")
    parser.add_argument("--quant", metavar="Q", help="with --repo: quantization, e.g. Q4_K_M")
    parser.add_argument("--suite", metavar="NAME|PATH", default=None,
                        help="a shipped suite (general, coding, summarization, extraction, "
                             "multilingual, refusal) or a suite YAML file (default: the one "
                             "that fits --answers' use cases, else general)")
    parser.add_argument("--answers", metavar="FILE",
                        help="choose the suite that fits these answers' use cases")
    add_profiles_option(parser)
    parser.add_argument("--gpu", choices=("auto", "on", "off"), default="auto",
                        help="offload layers to the GPU: auto (what fits), on (all), off")
    parser.add_argument("--endpoint", metavar="URL",
                        help="an OpenAI-compatible server instead of a local run (key from "
                             "--key-env VAR, else ADVISOR_ENDPOINT_KEY; no other variable)")
    parser.add_argument("--model", metavar="NAME", help="with --endpoint: the model name")
    parser.add_argument("--key-env", metavar="VAR",
                        help="with --endpoint: the environment variable holding its key")
    parser.add_argument("--ctx", type=int, default=2048, metavar="N",
                        help="context size (default 2048)")
    parser.add_argument("--threads", type=int, default=None, metavar="N",
                        help="CPU threads (default: half the CPUs)")
    parser.add_argument("--timeout", type=float, default=300.0, metavar="S",
                        help="give up when the model makes no progress for S seconds; on an "
                             "endpoint, when one prompt takes longer than S seconds (default 300)")
    parser.add_argument("--trust-template", action="store_true",
                        help="run a chat template that reaches for Python internals anyway "
                             "(it still renders in the sandbox)")
    parser.add_argument("--no-hash", action="store_true",
                        help="skip the file's SHA-256 (computed by default up to 8 GiB)")
    parser.add_argument("--hash", action="store_true", help="compute the SHA-256 of any size")
    parser.add_argument("--cpu-extra-buffers", choices=("auto", "on", "off"), default="auto",
                        help="llama.cpp CPU extra buffer types (AMX, repacking); auto turns "
                             "them off on AMX CPUs, where they can crash")
    add_run_options(parser)
    parser.add_argument("--prompt-style", choices=("auto", "chat", "completion"),
                        default="auto",
                        help="chat (the GGUF's template) or completion ('Question: ...\\n"
                             "Answer:', for base models); auto: chat when the GGUF has a "
                             "chat template")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """llama.cpp settings shared by ``smoke`` and ``ggufs`` (the estimate assumes them)."""
    parser.add_argument("--kv-type", choices=("f16", "q8_0", "q4_0"), default="f16",
                        help="KV cache type for K and V (default f16; q8_0/q4_0 need "
                             "--flash-attn)")
    parser.add_argument("--flash-attn", action="store_true",
                        help="flash attention (llama-cpp-python's default is off)")
    parser.add_argument("--swa-cache", choices=("full", "window"), default="full",
                        help="KV cache of sliding-window layers: full context "
                             "(llama-cpp-python's default) or the window (llama-server's)")


def run_options(args: argparse.Namespace):
    """RunOptions from ``--kv-type``, ``--flash-attn``, ``--swa-cache``; InputError when
    llama.cpp would refuse them."""
    from advisor.errors import InputError
    from advisor.gguf.estimate import RunOptions

    if args.kv_type != "f16" and not args.flash_attn:
        raise InputError(None, f"a {args.kv_type} V cache needs flash attention: add "
                         "--flash-attn", field="--kv-type")
    return RunOptions(kv_type=args.kv_type, flash_attn=args.flash_attn,
                      swa_cache=args.swa_cache)


def resolve_repo(repo_id: str, quant: str | None):
    """Pull ``repo_id`` (choosing ``quant``, else what fits) through the Hub adapter;
    returns the local path of the first part."""
    from advisor.hub.checks import check_repo_id
    from advisor.hub.pull import ProgressLine, pull_gguf

    check_repo_id(repo_id, field="--repo")
    return pull_gguf(repo_id, quant=quant, progress_for=ProgressLine,
                     on_note=lambda note: print(f"advisor: note: {note}", file=sys.stderr))[0]


class LivePrinter:
    """Streams a run to a terminal: tokens as they come, then pass/fail per check."""

    def __init__(self, out=sys.stdout) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(clean(text))
        self.out.flush()

    def __call__(self, event) -> None:
        data: dict[str, Any] = event.data
        if event.kind == "spawned":
            self.write("loading the model...\n")
        elif event.kind == "load_done":
            if data.get("backend") == "endpoint":
                self.write(f"endpoint {data.get('endpoint')}\n")
            else:
                self.write(f"loaded in {data['load_seconds']:.2f} s on {data['backend']} "
                           f"({data['gpu_layers']} GPU layers; {data.get('gpu_reason')}), "
                           f"{data['threads']} threads, n_ctx {data['n_ctx']}\n")
        elif event.kind == "prompt_start":
            self.write(f"\n[{data['id']}] {data['prompt']}\n> ")
        elif event.kind == "token":
            self.write(data["text"])
        elif event.kind == "prompt_done":
            self.prompt_done(data["result"])

    def prompt_done(self, result) -> None:
        speed = (f"{result.tokens_per_second:.1f} tok/s" if result.tokens_per_second
                 else "-- tok/s")
        ttft = f"{result.ttft_seconds:.2f} s" if result.ttft_seconds is not None else "--"
        self.write(f"\n  {result.completion_tokens} tokens, first after {ttft}, {speed}\n")
        if result.error:
            self.write(f"  FAIL {result.error}\n")
        for check in result.checks:
            mark = "pass" if check.passed else "FAIL"
            self.write(f"  {mark} {check.describe()}: {check.detail}\n")


def summary_line(result) -> str:
    """One line naming every failing prompt and check."""
    failures = result.failures()
    if not result.prompts:
        return f"suite {result.suite!r}: no prompts ran"
    shown = "; ".join(f"{pid}: {what}" for pid, what in failures[:6])
    more = f"; and {len(failures) - 6} more" if len(failures) > 6 else ""
    failed = sum(1 for p in result.prompts if not p.passed)
    return (f"suite {result.suite!r} failed: {failed} of {len(result.prompts)} prompts "
            f"({shown}{more})")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from advisor.errors import InputError
    from advisor.smoke.runner import SmokeSpec, run_smoke
    from advisor.smoke.suites import load_suite

    if args.endpoint and not args.model:
        raise InputError(None, "--endpoint needs --model NAME", field="--model")
    if args.model and not args.endpoint:
        raise InputError(None, "--model goes with --endpoint URL", field="--model")
    if args.key_env and not args.endpoint:
        raise InputError(None, "--key-env goes with --endpoint URL (a hosted model's profile "
                         "names its own variable)", field="--key-env")
    if args.key_env:
        from advisor.commands.common import check_key_env

        check_key_env(args.key_env)
    if args.api and (args.endpoint or args.model):
        raise InputError(None, "--api takes the endpoint and model name from its profile: "
                         "drop --endpoint and --model", field="--api")
    if not (args.gguf or args.repo or args.endpoint or args.api):
        raise InputError(None, "give --gguf PATH or --repo REPO_ID "
                         "(or --endpoint URL --model NAME, or --api ID)")
    if args.quant and not args.repo:
        raise InputError(None, "--quant goes with --repo", field="--quant")
    for name in ("ctx", "threads"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise InputError(None, "must be a positive number", field=f"--{name}")
    if args.threads is not None and args.threads > 512:
        raise InputError(None, f"{args.threads} is more than llama.cpp's 512", field="--threads")
    if args.ctx > 10_000_000:
        raise InputError(None, f"{args.ctx} is not a usable context length", field="--ctx")
    if not (0 < args.timeout < 10**9):        # also refuses nan and inf
        raise InputError(None, "must be a positive number of seconds", field="--timeout")
    if args.suite is not None and not args.suite.strip():
        raise InputError(None, "empty suite name", field="--suite")
    suite_name = args.suite
    kb = None
    if args.api or args.repo or (suite_name is None and args.answers):
        from advisor.commands.common import knowledge_from_args, knowledge_or_none

        kb = knowledge_from_args(args) if args.api or args.answers else knowledge_or_none(args)
    endpoint, model, key_env, request = args.endpoint, args.model, args.key_env, None
    if args.api:
        from advisor.knowledge.hosted import hosted_profile

        api = hosted_profile(kb, args.api).api
        endpoint, model, key_env, request = api.base_url, api.model, api.key_env, api
    if args.repo:
        from advisor.knowledge.hosted import refuse_hosted

        refuse_hosted(kb, args.repo, command="smoke")
    if suite_name is None and args.answers:
        from advisor.commands.common import answers_from_args
        from advisor.smoke.suites import suite_for_use_cases

        answers = answers_from_args(args, kb)
        suite_name = suite_for_use_cases(answers.use_case.categories, kb.use_cases)
    run_options(args)
    suite = load_suite(suite_name or "general")
    gguf = Path(args.gguf) if args.gguf else (resolve_repo(args.repo, args.quant)
                                              if args.repo else None)
    spec = SmokeSpec(gguf=gguf, suite=suite, gpu=args.gpu, n_ctx=args.ctx,
                     threads=args.threads, timeout=args.timeout,
                     trust_template=args.trust_template,
                     hash_file=False if args.no_hash else (True if args.hash else None),
                     cpu_extra_buffers=args.cpu_extra_buffers, endpoint=endpoint,
                     model=model, key_env=key_env, request=request, repo=args.repo, kv_type=args.kv_type,
                     flash_attn=args.flash_attn, swa_cache=args.swa_cache,
                     prompt_style=args.prompt_style)
    if endpoint:
        from advisor.commands.common import note_key

        note_key(endpoint, key_env)
    printer = None if args.json else LivePrinter()
    result = run_smoke(spec, on_event=printer)
    if args.json:
        from advisor.commands.common import print_json

        print_json(result.to_dict())
    else:
        checks = sum(len(p.checks) for p in result.prompts)
        passed = sum(1 for p in result.prompts for c in p.checks if c.passed)
        rss = f", peak RSS {result.peak_rss_bytes / 2**20:.0f} MiB" if result.peak_rss_bytes else ""
        if result.peak_rss_bytes and result.estimate:
            rss += f" (estimated {result.estimate['resident_bytes'] / 2**20:.0f} MiB)"
        if result.measured_tokens_per_second and result.estimated_tokens_per_second:
            rss += (f", {result.measured_tokens_per_second:.1f} tok/s (estimated "
                    f"{result.estimated_tokens_per_second:.0f})")
        if result.prompt_style:
            rss += f", {result.prompt_style} prompts"
        verdict = "PASSED" if result.passed else "FAILED"
        sys.stdout.write(f"\n{verdict}: suite {result.suite}, {passed}/{checks} checks, "
                         f"{sum(p.passed for p in result.prompts)}/{len(result.prompts)} "
                         f"prompts{rss}\n")
        from advisor.smoke.probes import probe_summary

        scores = result.to_dict().get("probe")
        if probe_summary(scores):
            sys.stdout.write(f"probe {probe_summary(scores)}\nlimits: {scores.get('limits')}\n")
        basis = (result.estimate or {}).get("speed_basis")
        if basis and result.estimated_tokens_per_second:
            sys.stdout.write(f"speed estimate: {basis}\n")
    if not result.passed:
        print(f"advisor: {summary_line(result)}", file=sys.stderr)
        return 1
    return 0
