"""The TUI's view of the Hub adapter (``advisor.hub``): facts, GGUF builds, pulls.

Thin glue so the screens never depend on the adapter's exact return types; each
function runs in a worker thread and raises ``Exception`` with a one-line message.

    Example (not run)::

        builds, warnings = list_builds("meta-llama/Llama-3.2-1B-Instruct",
                                       simulated_hardware(ram_gb=16))
        builds[0].quant, builds[0].fit   # ('Q4_K_M', 'cpu')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text

from advisor.text import clean
from advisor.vocab import UNKNOWN_FIT
from advisor.machine.hardware import Hardware


@dataclass(frozen=True)
class GGUFBuild:
    """One GGUF file of a repository with its memory estimate and fit."""

    repo: str
    filename: str
    quant: str | None
    bytes: int | None
    total_bytes: int | None
    fit: str
    sha256: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class LocalBuild:
    """A GGUF file already on this machine that is a build of a model."""

    path: str
    quant: str | None
    bytes: int
    license: str | None          # the file's own ``general.license``
    source: str
    memory_bytes: int | None = None   # resident estimate at ESTIMATE_CTX (None: unreadable)


def local_builds(model_id: str, kb: Any) -> list[LocalBuild]:
    """GGUF files on disk (HF cache, LM Studio, llama.cpp, the demo package) that are builds
    of ``model_id``, each with the license its header declares and its memory estimate."""
    from advisor.knowledge.matching import builds_of
    from advisor.machine.local import find_local_ggufs

    from advisor.gguf.header import read_local_header

    out = []
    for found in find_local_ggufs():
        if found.error or model_id.lower() not in builds_of(found.clues(), kb):
            continue
        try:
            memory = local_memory(read_local_header(found.path), found.bytes)
        except Exception:  # noqa: BLE001 - an unreadable header shows no memory estimate
            memory = None
        out.append(LocalBuild(path=str(found.path), quant=found.quant, bytes=found.bytes,
                              license=found.license, source=found.source, memory_bytes=memory))
    return out


ESTIMATE_CTX = 4096


def local_memory(header: Any, file_bytes: int | None) -> int | None:
    """What a CPU run of the file keeps resident at ESTIMATE_CTX (advisor.gguf.estimate)."""
    from advisor.gguf.estimate import estimate_memory, model_shape

    try:
        shape = model_shape(header, file_bytes=file_bytes)
        return estimate_memory(shape, ESTIMATE_CTX, basis="resident").resident_bytes
    except (ValueError, ArithmeticError):
        return None


def fetch_facts(repo_id: str) -> Any:
    """HubFacts for ``repo_id`` with its base chain (OperationError on failure)."""
    from advisor.hub.facts import fetch_hub_facts

    return fetch_hub_facts(repo_id)


def facts_text(facts: Any) -> Text:
    """A readable block of what the Hub says."""
    text = Text()

    def line(label: str, value: Any) -> None:
        if value in (None, "", [], False):
            return
        text.append(f"{label:>14}  ", style="bold")
        text.append(f"{clean(value)}\n")

    line("Repository", facts.repo_id)
    line("Hub answered", f"for {facts.answered_as}, another repo than asked: read these "
         "facts as that repo's" if getattr(facts, "answered_as", None) else None)
    line("Revision", (facts.sha or "")[:12] or None)
    license_value = facts.license_tag
    if facts.license_name:
        license_value = f"{facts.license_tag} ({facts.license_name})"
    line("License tag", license_value)
    line("License link", facts.license_link)
    line("Gated", "yes" if facts.gated is True else facts.gated)
    line("Pipeline", facts.pipeline_tag)
    line("Library", facts.library_name)
    line("Last modified", facts.last_modified)
    if facts.base_models:
        relation = f" ({facts.base_relation})" if facts.base_relation else ""
        line("Base model", ", ".join(facts.base_models) + relation)
    for depth, base in enumerate(facts.base_chain, 1):
        line(f"base {depth}", f"{base.repo_id} · license {base.license_tag or '?'}")
    if facts.tags:
        line("Tags", ", ".join(facts.tags[:12]) + (" …" if len(facts.tags) > 12 else ""))
    return text


def list_builds(model_id: str, hardware: Hardware, *, profile: Any = None,
                detected: bool = False, n_ctx: int = 4096) -> tuple[list[GGUFBuild], list[str]]:
    """GGUF files for ``model_id`` (its profile's GGUF repos when it has none itself),
    with memory estimate and fit; plus warnings."""
    from advisor.hub.catalog import gguf_report

    if detected:            # this machine, with llama.cpp asked whether it can offload
        from advisor.machine.hardware import detect_hardware

        hardware = detect_hardware()
    report = gguf_report(model_id, ctx=n_ctx, hardware=hardware, profile=profile)
    builds = []
    for item in report.get("files", []):
        if item.get("kind") == "projector":
            continue
        estimate = item.get("estimate") or {}
        total = estimate.get("total_bytes")
        builds.append(GGUFBuild(repo=str(item.get("repo_id") or model_id),
                                filename=str(item.get("filename")), quant=item.get("quant"),
                                bytes=item.get("bytes"), total_bytes=total, fit=item["fit"],
                                sha256=item.get("sha256"), error=item.get("error")))
    return builds, list(report.get("warnings") or [])
