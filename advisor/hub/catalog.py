"""The GGUF files of a Hub repo, each with quant, size, memory estimate and fit.

Headers are read over HTTP Range requests (``RangeReader``), never whole files.

    Example (not run)::

        report = gguf_report("bartowski/Llama-3.2-1B-Instruct-GGUF", ctx=4096,
                             hardware=detect_hardware())
        report["recommended"]["filename"], report["files"][0]["fit"]
        # -> ('Llama-3.2-1B-Instruct-Q8_0.gguf', 'cpu')
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import OperationError
from advisor.gguf.estimate import (DEFAULT_OPTIONS, Estimate, RunOptions,
                                   decode_tokens_per_second, estimate_memory, fit_basis,
                                   fit_model, model_shape, offload_split)
from advisor.gguf.fit import fit_for_bytes
from advisor.gguf.header import GGUFError, check_header, read_header
from advisor.gguf.quant import (normalize_quant, quant_from_file_type, quant_from_filename,
                                recommend_rank, split_info)
from advisor.hub.client import RangeReader, RepoFile, model_info, repo_files
from advisor.hub.errors import hub_errors
from advisor.machine.hardware import Hardware
from advisor.vocab import FIT_RANK


@dataclass
class GGUFEntry:
    """One model file, or the shards of a split one (``parts``, first part first)."""

    repo_id: str
    filename: str
    parts: list[RepoFile] = field(default_factory=list)

    @property
    def bytes(self) -> int | None:
        sizes = [p.size for p in self.parts]
        return None if any(s is None for s in sizes) else sum(sizes)  # type: ignore[misc]

    @property
    def is_projector(self) -> bool:
        return "mmproj" in self.filename.lower()


def gguf_entries(repo_id: str, files: list[RepoFile]) -> list[GGUFEntry]:
    """Group a repo's ``.gguf`` files; split shards become one entry."""
    singles: dict[str, GGUFEntry] = {}
    splits: dict[str, list[tuple[int, RepoFile]]] = {}
    for f in files:
        if not f.filename.lower().endswith(".gguf"):
            continue
        info = split_info(f.filename)
        if info:
            splits.setdefault(info[0], []).append((info[1], f))
        else:
            singles[f.filename] = GGUFEntry(repo_id, f.filename, [f])
    for parts in splits.values():
        parts.sort(key=lambda p: p[0])
        first = parts[0][1]
        singles[first.filename] = GGUFEntry(repo_id, first.filename, [p[1] for p in parts])
    return [singles[k] for k in sorted(singles)]


def analyze_entry(entry: GGUFEntry, *, revision: str | None, ctx: int, hardware: Hardware,
                  token: str | None = None,
                  options: RunOptions = DEFAULT_OPTIONS) -> dict[str, Any]:
    """Read the entry's header over HTTP Range and estimate; the contract's JSON per file."""
    first = entry.parts[0]
    result: dict[str, Any] = {
        "filename": entry.filename, "repo_id": entry.repo_id,
        "quant": quant_from_filename(entry.filename), "bytes": entry.bytes,
        "parts": [p.filename for p in entry.parts], "sha256": first.sha256,
        "kind": "projector" if entry.is_projector else "model",
    }
    try:
        reader = RangeReader(entry.repo_id, first.filename, revision=revision, token=token)
        header, fetched = read_header(reader)
        result["header_bytes_read"] = reader.bytes_read
        check_header(header, file_bytes=first.size or reader.size)
        extra = sum(p.size or 0 for p in entry.parts[1:])
        shape = model_shape(header, file_bytes=first.size or reader.size, extra_bytes=extra)
        result["quant"] = result["quant"] or quant_from_file_type(
            header.metadata.get("general.file_type"))
        result["architecture"] = header.architecture
        result["context_length"] = shape.n_ctx_train
        result["layers"] = shape.n_layer
    except GGUFError as exc:
        result["error"] = f"unreadable GGUF header: {exc}"
        shape = None
    except OperationError as exc:
        result["error"] = str(exc)
        shape = None
    if shape is None:                   # the file's size is all there is to go by
        result.update(size_only_estimate(entry.bytes, ctx, hardware))
        return result
    fit, layers = fit_model(shape, ctx, ram_bytes=hardware.ram_available_bytes,
                            vram_bytes=hardware.vram_free_bytes, gpu_offload=hardware.gpu_offload,
                            options=options)
    est = estimate_memory(shape, ctx, options, basis=fit_basis(fit))
    result.update(estimate=est.to_dict(), fit=fit, gpu_layers=layers)
    if fit in ("gpu", "partial"):
        result["offload"] = offload_split(shape, ctx, layers + 1, options).to_dict()
    result["decode_tokens_per_second"] = decode_tokens_per_second(
        shape, ctx, fit, layers, cpu_bandwidth=hardware.cpu_bandwidth,
        gpu_bandwidth=hardware.gpu_bandwidth, options=options,
        cpu_layer_seconds=hardware.cpu_layer_seconds)
    result["active_parameters_bytes"] = shape.active_weights_bytes
    return result


def size_only_estimate(weights: int | None, ctx: int, hardware: Hardware) -> dict[str, Any]:
    """The estimate when the header could not be read: the weights are the file's size,
    every other figure unknown (None); with no size there is no fit either.

    >>> size_only_estimate(None, 4096, None)["fit"] is None
    True
    """
    estimate = {"weights_bytes": weights, "kv_cache_bytes": None, "compute_bytes": None,
                "overhead_bytes": None, "total_bytes": None, "allocated_bytes": None,
                "resident_bytes": None, "context": ctx, "basis": "file size"}
    if weights is None:
        return {"estimate": estimate, "fit": None, "gpu_layers": None}
    fit = fit_for_bytes(weights, ram_bytes=hardware.ram_available_bytes,
                        vram_bytes=hardware.vram_free_bytes, gpu_offload=hardware.gpu_offload)
    return {"estimate": estimate, "fit": fit, "gpu_layers": 0}


def recommend(files: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Best quantization that fits: the best fit class first, then quality (Q8_0 down)."""
    usable = [f for f in files if f.get("kind") == "model" and f.get("fit") in FIT_RANK
              and f.get("fit") != "too_large" and not f.get("error")]
    if not usable:
        return None
    return min(usable, key=lambda f: (FIT_RANK[f["fit"]], recommend_rank(f.get("quant")),
                                      f.get("bytes") or 0))


def repo_ggufs(repo_id: str, *, token: str | None = None) -> tuple[str | None, list[GGUFEntry]]:
    """``(commit sha, entries)`` of a repo; raises OperationError for Hub trouble."""
    from advisor.hub.facts import facts_from_info

    with hub_errors(repo_id):
        info = model_info(repo_id, token=token, files=True)
    facts = facts_from_info(info, repo_id)     # checks the id, sha and tags have the right shape
    return facts.sha, gguf_entries(facts.repo_id, repo_files(info))


def gguf_report(repo_id: str, *, ctx: int, hardware: Hardware, profile: Any = None,
                token: str | None = None, workers: int = 4,
                options: RunOptions = DEFAULT_OPTIONS) -> dict[str, Any]:
    """The ``advisor ggufs --json`` document for ``repo_id`` (or its profile's GGUF repos)."""
    warnings: list[str] = []
    sources: list[tuple[str, str | None, list[GGUFEntry]]] = []
    first_error: OperationError | None = None
    try:
        sha, entries = repo_ggufs(repo_id, token=token)
        if entries:
            sources.append((repo_id, sha, entries))
    except OperationError as exc:
        first_error = exc
    if not sources and profile is not None:
        for gguf_repo in getattr(profile, "gguf_repos", ()) or ():
            try:
                sha, entries = repo_ggufs(gguf_repo, token=token)
            except OperationError as exc:
                warnings.append(str(exc))
                continue
            if entries:
                sources.append((gguf_repo, sha, entries))
            else:
                warnings.append(f"{gguf_repo}: no GGUF files")
    if not sources:
        if first_error is not None and profile is None:
            raise first_error
        hint = ""
        repos = list(getattr(profile, "gguf_repos", ()) or ())
        if repos:
            hint = "; its usual GGUF repos: " + ", ".join(repos)
        if first_error is not None:            # the same class: callers decide by it
            raise type(first_error)(f"{first_error}{hint}") from None
        raise OperationError(f"{repo_id}: no GGUF files in the repository{hint}")
    jobs = [(entry, sha) for _, sha, entries in sources for entry in entries]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
        files = list(pool.map(lambda job: analyze_entry(job[0], revision=job[1], ctx=ctx,
                                                        hardware=hardware, token=token,
                                                        options=options), jobs))
    best = recommend(files)
    return {
        "schema": "advisor.ggufs/1",
        "repo_id": repo_id,
        "profile": getattr(profile, "id", None),
        "source_repos": [s[0] for s in sources],
        "context": ctx,
        "options": options.to_dict(),
        "hardware": hardware.to_dict(),
        "files": files,
        "recommended": ({"repo_id": best["repo_id"], "filename": best["filename"],
                         "quant": best["quant"], "fit": best["fit"]} if best else None),
        "warnings": warnings,
    }


@dataclass(frozen=True)
class Choice:
    """Which files to fetch: every part of one GGUF, and why that one."""

    repo_id: str
    revision: str | None
    parts: list[RepoFile]
    note: str | None = None


def choose_gguf(repo_id: str, entries: list[GGUFEntry], *, filename: str | None = None,
                quant: str | None = None, revision: str | None = None, ctx: int = 4096,
                hardware: Hardware | None = None) -> list[RepoFile] | tuple[list[RepoFile], str]:
    """The parts of the file named by ``filename`` or ``quant``; with neither, the best
    quantization that fits ``hardware`` (headers read, nothing downloaded), plus a note.
    Raises ``InputError`` when nothing matches or nothing fits."""
    from advisor.errors import InputError
    from advisor.machine.hardware import detect_hardware

    if filename:
        for entry in entries:
            if filename in [p.filename for p in entry.parts]:
                return entry.parts
        raise InputError(None, f"{repo_id} has no file {filename}", field="--file")
    models = [e for e in entries if not e.is_projector]
    if quant:
        want = normalize_quant(quant)
        found = next((e.parts for e in models if quant_from_filename(e.filename) == want), None)
        if found is None:
            have = sorted({quant_from_filename(e.filename) or e.filename for e in models})
            raise InputError(None, f"{repo_id} has no quant {quant} (it has: {', '.join(have)})",
                             field="--quant")
        return found
    if len(models) == 1:
        return models[0].parts
    hardware = hardware or detect_hardware()
    with ThreadPoolExecutor(max_workers=4) as pool:
        files = list(pool.map(lambda e: analyze_entry(e, revision=revision, ctx=ctx,
                                                      hardware=hardware), models))
    best = recommend(files)
    if best is None:
        quants = sorted({quant_from_filename(e.filename) or e.filename for e in models})
        raise InputError(None, f"none of {repo_id}'s GGUF files fits this machine; choose one "
                         f"with --quant ({', '.join(quants)}) or --file", field="--quant")
    note = (f"choosing {best['filename']} ({best['quant']}, fit {best['fit']} at context {ctx}); "
            "use --quant or --file to choose another")
    return next(e.parts for e in models if e.filename == best["filename"]), note


def find_gguf(repo_id: str, *, filename: str | None = None, quant: str | None = None,
              revision: str | None = None, ctx: int = 4096, hardware: Hardware | None = None,
              fallback_repos: tuple[str, ...] = ()) -> Choice:
    """Locate the GGUF to pull in ``repo_id``, or in ``fallback_repos`` (a profile's usual
    GGUF repos) when ``repo_id`` has none."""
    if filename and not filename.lower().endswith(".gguf"):
        with hub_errors(repo_id):
            info = model_info(repo_id)
        parts = [f for f in repo_files(info) if f.filename == filename]
        if not parts:
            from advisor.errors import InputError

            raise InputError(None, f"{repo_id} has no file {filename}", field="--file")
        return Choice(repo_id, revision, parts)
    for candidate in (repo_id, *fallback_repos):
        sha, entries = repo_ggufs(candidate)
        if entries:
            picked = choose_gguf(candidate, entries, filename=filename, quant=quant,
                                 revision=revision, ctx=ctx, hardware=hardware)
            if isinstance(picked, tuple):
                return Choice(candidate, revision, picked[0], picked[1])
            return Choice(candidate, revision, picked)
    raise OperationError(f"{repo_id}: no GGUF files in the repository")
