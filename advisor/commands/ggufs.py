"""``advisor ggufs REPO_ID``: GGUF files with quant, size, memory estimate and fit.

    $ advisor ggufs bartowski/Llama-3.2-1B-Instruct-GGUF --ctx 8192 --json
"""

from __future__ import annotations

import argparse
import sys

from advisor.commands.common import add_profiles_option


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ggufs", help="GGUF files of a repo: memory estimate and fit")
    parser.add_argument("repo_id", metavar="REPO_ID")
    parser.add_argument("--ctx", type=int, default=4096, metavar="N",
                        help="context length for the KV cache (default 4096)")
    parser.add_argument("--answers", metavar="FILE",
                        help="use the answers' hardware: {ram_gb, vram_gb} instead of this machine")
    add_profiles_option(parser)
    from advisor.commands.smoke import add_run_options

    add_run_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run)


def hardware_for(args: argparse.Namespace, kb=None):
    """The answers' hardware when ``--answers`` is given (``kb`` saves loading the
    profiles again), else this machine's: ``hardware_for(args, kb)``."""
    from advisor.machine.hardware import detect_hardware, hardware_from_answers

    if getattr(args, "answers", None):
        from advisor.commands.common import answers_from_args, knowledge_from_args

        answers = answers_from_args(args, kb or knowledge_from_args(args))
        return hardware_from_answers(answers.hardware)
    return detect_hardware()


def find_profile(args: argparse.Namespace):
    """``(kb, profile)`` for ``args.repo_id``; profile None when none matches, both None
    when the profiles do not load (reported as a note, not fatal)."""
    from advisor.commands.common import knowledge_or_none

    kb = knowledge_or_none(args)
    return kb, kb.find_model(args.repo_id) if kb is not None else None


def run(args: argparse.Namespace) -> int:
    from advisor.commands.common import SafeOut, print_json
    from advisor import config
    from advisor.errors import HubOffline, HubUnreachable, InputError
    from advisor.hub.catalog import gguf_report
    from advisor.hub.checks import check_repo_id
    from advisor.text import human_bytes

    check_repo_id(args.repo_id, field="REPO_ID")
    if args.ctx < 1 or args.ctx > 10_000_000:
        raise InputError(None, f"{args.ctx} is not a usable context length", field="--ctx")
    from advisor.commands.smoke import run_options

    options = run_options(args)
    kb, profile = find_profile(args)
    from advisor.knowledge.hosted import refuse_hosted

    refuse_hosted(kb, args.repo_id)
    hardware = hardware_for(args, kb)
    if config.hub_offline():
        why = (f"{args.repo_id}: the Hub is not consulted in offline mode "
               f"({config.hub_offline_reason()})")
        if profile is not None and profile.parameters:
            return print_rough(args, profile, hardware, why)
        raise HubOffline(f"{args.repo_id}: GGUF headers are read from the Hub, which is not "
                         f"consulted in offline mode ({config.hub_offline_reason()}); see "
                         "`advisor local`")
    try:
        report = gguf_report(args.repo_id, ctx=args.ctx, hardware=hardware, profile=profile,
                             options=options)
    except HubUnreachable as exc:
        if profile is None or not profile.parameters:
            raise
        return print_rough(args, profile, hardware, str(exc))
    for warning in report["warnings"]:
        print(f"advisor: note: {warning}", file=sys.stderr)
    if args.json:
        print_json(report)
        return 0
    out = SafeOut()
    hw = report["hardware"]
    out.write(f"GGUF files for {args.repo_id} at context {args.ctx}; "
              f"RAM available {human_bytes(hw['ram_available_bytes'])}, "
              f"free VRAM {human_bytes(hw['vram_free_bytes'])}"
              f"{'' if hw['gpu_offload'] or not hw['gpus'] else ' (llama.cpp has no GPU offload)'}"
              f" [{hw['source']}]\n")
    rows = [("FILE", "QUANT", "SIZE", "WEIGHTS", "KV", "ALLOCATED", "RESIDENT", "FIT", "TOK/S")]
    def size(n: int | None) -> str:
        return "unknown" if n is None else human_bytes(n)

    for f in report["files"]:
        est = f["estimate"]
        fit = (f["fit"] or "unknown") + (f" ({f['gpu_layers']} layers)"
                                         if f["fit"] == "partial" else "")
        name = f["filename"] if len(report["source_repos"]) == 1 else f"{f['repo_id']}/{f['filename']}"
        if len(f["parts"]) > 1:
            name += f" (+{len(f['parts']) - 1} parts)"
        rows.append((name, f["quant"] or "?", size(f["bytes"]),
                     size(est["weights_bytes"]), size(est["kv_cache_bytes"]),
                     size(est.get("allocated_bytes") or est["total_bytes"]),
                     size(est.get("resident_bytes") or est["total_bytes"]),
                     fit + (" !" if f.get("error") else ""),
                     f"~{f['decode_tokens_per_second']:.0f}"
                     if f.get("decode_tokens_per_second") else "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")
    for f in report["files"]:
        if f.get("error"):
            basis = "estimated from its size" if f["bytes"] is not None else "size unknown"
            out.write(f"! {f['filename']}: {f['error']} ({basis})\n")
    opts = report.get("options") or {}
    out.write(f"allocated: what llama.cpp allocates (the GPU fit); resident: RAM with mmap and "
              f"the context full (the CPU fit); KV {opts.get('kv_type', 'f16')}, flash "
              f"attention {'on' if opts.get('flash_attn') else 'off'}, SWA cache "
              f"{opts.get('swa_cache', 'full')}\n"
              f"tok/s: estimated from {hw.get('speed_basis') or 'assumed bandwidth'}\n")
    rec = report["recommended"]
    if rec:
        out.write(f"recommended: {rec['repo_id']} {rec['filename']} ({rec['quant']}, {rec['fit']})\n")
    else:
        out.write("recommended: none fits this machine\n")
    return 0


def print_rough(args: argparse.Namespace, profile, hardware, why: str) -> int:
    """No GGUF header at hand for a profiled model: rough figures from its parameter
    count at each quantization, labelled rough, and exit 0 (the figures are what was
    asked, roughly); the reason no header was read goes to stderr."""
    from advisor.commands.common import SafeOut, print_json
    from advisor.hub.pull import human_bytes
    from advisor.recommend.fit import rough_estimates
    from advisor.text import clean

    rows = rough_estimates(profile.parameters, profile.active_parameters, hardware,
                           context=args.ctx, context_train=profile.context_length)
    active = (f", {profile.active_parameters / 1e9:.3g}B active"
              if profile.active_parameters else "")
    basis = (f"rough: from the profile's {profile.parameters / 1e9:.3g}B parameters{active} "
             f"as a typical transformer at context {args.ctx}; no GGUF header was read")
    print(clean(f"advisor: note: {why}; memory figures are rough"), file=sys.stderr)
    if args.json:
        print_json({"repo_id": args.repo_id, "rough": True, "basis": basis, "ctx": args.ctx,
                    "hardware": {"source": hardware.source,
                                 "ram_available_bytes": hardware.ram_available_bytes,
                                 "vram_free_bytes": hardware.vram_free_bytes},
                    "estimates": rows})
        return 0
    out = SafeOut()
    out.write(f"{args.repo_id}: {basis}.\n")
    table = [("QUANT", "WEIGHTS", "MEMORY (ROUGH)", "FIT", "TOK/S")]
    for row in rows:
        fit = "partial (GPU and CPU)" if row["fit"] == "partial" else row["fit"]
        speed = row["decode_tokens_per_second"]
        table.append((row["quant"], human_bytes(row["weights_bytes"]),
                      human_bytes(row["memory_bytes"]), fit,
                      f"~{speed:.0f}" if speed else "-"))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")
    out.write(f"memory: resident, with the context full; {hardware.describe()}. Online, "
              f"`advisor ggufs {args.repo_id}` reads each file's header for exact figures.\n")
    return 0
