"""Which profiled model a runnable thing is: a GGUF file on this machine, an endpoint.

One rule for ``advisor compare`` and the app's smoke and compare screens: a file's clues
are its Hub repo, its file name and the model names its header gives
(:meth:`advisor.machine.local.LocalModel.clues`), matched by
:mod:`advisor.knowledge.matching`; an endpoint is the hosted profile served at its URL
under its model name, else the profile its model name matches.

    >>> quant_rank_key(Build(Path("m/SmolLM2-135M-Instruct.Q8_0.gguf"), quant="Q8_0"))[1]
    'SmolLM2-135M-Instruct.Q8_0.gguf'

    Example (not run)::

        [b.name for b in builds_on_disk("HuggingFaceTB/SmolLM2-135M-Instruct", kb, found)]
        # -> ['SmolLM2-135M-Instruct.Q8_0.gguf', 'SmolLM2-135M-Instruct.Q4_1.gguf']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from advisor.knowledge.matching import FileClues, builds_of, profile_of

ESTIMATE_CTX = 4096                # the context a local build's memory is estimated at


class LocalFile(Protocol):
    """A GGUF file on this machine as the app lists it: where it is, the Hub repo it came
    from (when known) and, when its header was read, what tells which model it is."""

    path: Path
    repo: str | None
    clues: FileClues | None


def clues_of(path: Path | str, repo: str | None = None) -> FileClues:
    """The clues of the GGUF at ``path``: its header's model names when it can be read,
    else its file name and ``repo`` alone (a file not on disk yet, an unreadable one)."""
    from advisor.machine.local import Candidate, describe

    try:
        return describe(Candidate(Path(path), "folder", repo_id=repo)).clues()
    except OSError:
        return FileClues.of(repo=repo, path=path)


def file_clues(local: LocalFile) -> FileClues:
    """A listed file's clues: those read at discovery, else read now from its header
    (:func:`clues_of`), as ``advisor compare`` reads a ``--gguf`` file's."""
    return local.clues or clues_of(local.path, local.repo)


@dataclass(frozen=True)
class Build:
    """One local GGUF file that is a build of a planned model."""

    path: Path
    repo: str | None = None
    quant: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


def quant_rank_key(build: Build) -> tuple[int, str]:
    """Best quant first (``advisor.gguf.quant.recommend_rank``), then by file name."""
    from advisor.gguf.quant import recommend_rank

    return recommend_rank(build.quant), build.name


def builds_on_disk(model_id: str, kb: Any, local_files: Iterable[LocalFile]
                   ) -> tuple[Build, ...]:
    """The listed files that are builds of ``model_id``, best quant first."""
    from advisor.gguf.quant import quant_from_filename

    wanted = model_id.lower()
    found = [Build(Path(f.path), f.repo, quant_from_filename(Path(f.path).name))
             for f in local_files if wanted in builds_of(file_clues(f), kb)]
    return tuple(sorted(found, key=quant_rank_key))


def hosted_at(endpoint: str, model: str | None, kb: Any) -> Any:
    """The hosted API model profile served at ``endpoint`` under the name ``model`` (the
    same chat URL and API model name), or None: ``--endpoint https://api.openai.com/v1
    --model gpt-5.1`` is ``openai-api/gpt-5.1``."""
    from advisor.errors import InputError
    from advisor.smoke.endpoint import chat_url

    try:
        url = chat_url(endpoint)
    except InputError:
        return None
    for profile in kb.models.values():
        api = profile.api
        if api is not None and api.model == model and chat_url(api.base_url) == url:
            return profile
    return None


def profile_for(candidate: Any, kb: Any) -> str | None:
    """The model profile a comparison candidate is: its own ``profile``, the hosted model
    at its endpoint, else what its GGUF's (or its model name's) clues match."""
    if candidate.profile:
        return candidate.profile
    if candidate.endpoint:
        found = kb.find_model(candidate.model) or hosted_at(candidate.endpoint,
                                                            candidate.model, kb)
        if found is not None:
            return found.id
        return profile_of(FileClues.of(names=[candidate.model]), kb)
    return profile_of(clues_of(candidate.gguf, candidate.repo), kb)


@dataclass(frozen=True)
class LocalBuild:
    """A GGUF file already on this machine that is a build of a model."""

    path: str
    quant: str | None
    bytes: int
    license: str | None               # the file's own ``general.license`` (untrusted)
    source: str                       # where it was found: hf-cache, lmstudio, ...
    memory_bytes: int | None = None   # resident estimate at ESTIMATE_CTX (None: unreadable)


def local_builds(model_id: str, kb: Any) -> list[LocalBuild]:
    """GGUF files on disk (HF cache, LM Studio, llama.cpp, the demo package) that are builds
    of ``model_id``, each with the license its header declares and its memory estimate."""
    from advisor.gguf.header import GGUFError, read_local_header
    from advisor.machine.local import find_local_ggufs

    out = []
    for found in find_local_ggufs():
        if found.error or model_id.lower() not in builds_of(found.clues(), kb):
            continue
        try:
            memory = local_memory(read_local_header(found.path), found.bytes)
        except (GGUFError, OSError):           # an unreadable header: no memory estimate
            memory = None
        out.append(LocalBuild(path=str(found.path), quant=found.quant, bytes=found.bytes,
                              license=found.license, source=found.source, memory_bytes=memory))
    return out


def local_memory(header: Any, file_bytes: int | None) -> int | None:
    """What a CPU run of the file keeps resident at ESTIMATE_CTX (advisor.gguf.estimate)."""
    from advisor.gguf.estimate import estimate_memory, model_shape

    try:
        shape = model_shape(header, file_bytes=file_bytes)
        return estimate_memory(shape, ESTIMATE_CTX, basis="resident").resident_bytes
    except (ValueError, ArithmeticError):
        return None
