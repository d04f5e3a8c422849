"""Which profiled model a GGUF file is a build of: one rule for every place that asks
(``advisor local``, ``advisor compare``, the app's smoke and compare screens, records).

The rule, first match wins:

1. The Hub repo the file came from is a profile's own id or one of its ``gguf_repos``:
   that profile (:meth:`KnowledgeBase.find_model`; the first file listing a GGUF repo
   has it, :func:`gguf_index`).
2. Else the profiles whose name (the id after the owner, letters and digits only, any
   case) is found in one of the file's names (its file name, its repo's name, the model
   names its header or server gives), the longest name only: a ``SmolLM2-135M-Instruct`` file is a build of
   ``SmolLM2-135M-Instruct``, not of the base ``SmolLM2-135M``.

Hosted API profiles have no weights, so no file is a build of one.

    >>> clues = FileClues.of(path="/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf")
    >>> clues.names
    ('metallama318binstructq4kmgguf',)
    >>> name_key("meta-llama/Llama-3.1-8B-Instruct")
    'llama318binstruct'
    >>> is_build_of(clues, "meta-llama/Llama-3.1-8B-Instruct")
    True
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def squash(text: str) -> str:
    """Letters and digits only, lower case: ``squash("SmolLM2-135M")`` -> ``'smollm2135m'``."""
    return _NOT_ALNUM.sub("", text.lower())


def name_key(model_id: str) -> str:
    """What a profile's id is matched by: its name after the owner, squashed."""
    return squash(model_id.split("/")[-1])


@dataclass(frozen=True)
class FileClues:
    """What tells which model a GGUF file is: the Hub repo it came from (lower case) and
    its names, squashed (file names without their folders, the repo's name, the header's
    model names)."""

    repo: str | None = None
    names: tuple[str, ...] = ()

    @classmethod
    def of(cls, *, repo: str | None = None, path: Any = None,
           names: Iterable[Any] = ()) -> FileClues:
        """The clues of a file at ``path`` (only its base name counts) from ``repo`` (its
        name counts too) with the model ``names`` its header or server gives; empty values
        are left out."""
        texts = [os.path.basename(str(path))] if path else []
        texts += [str(n) for n in names if n]
        if repo:                        # a GGUF repo is named after its model, mostly
            texts.append(str(repo).rsplit("/", 1)[-1])
        squashed = tuple(dict.fromkeys(s for s in map(squash, texts) if s))
        return cls(repo=(str(repo).strip().lower() or None) if repo else None, names=squashed)


def gguf_index(models: Mapping[str, Any]) -> dict[str, str]:
    """Lower-case GGUF repo id -> the key of the profile listing it (the first one wins),
    for :meth:`KnowledgeBase.find_model`."""
    index: dict[str, str] = {}
    for key, model in models.items():
        for repo in model.gguf_repos:
            index.setdefault(repo.strip().lower(), key)
    return index


def _named(clues: FileClues, profiles: Iterable[Any]) -> list[Any]:
    """The profiles whose name is found in one of the clues' names, the longest only."""
    found = [(len(key), p) for p in profiles
             if (key := name_key(p.id)) and any(key in name for name in clues.names)]
    longest = max((n for n, _ in found), default=0)
    return [p for n, p in found if n == longest]


def builds_of(clues: FileClues, kb: Any) -> list[str]:
    """Lower-case ids of the profiled models the file is a build of (sorted; usually one,
    several only when equally good; empty when none):
    ``builds_of(FileClues.of(path="x/SmolLM2-135M-Instruct.Q4_1.gguf"), kb)`` ->
    ``['huggingfacetb/smollm2-135m-instruct']``."""
    if kb is None:
        return []
    listed = kb.find_model(clues.repo) if clues.repo else None
    if listed is not None and not listed.hosted:
        return [listed.id.lower()]
    return sorted({m.id.lower() for m in _named(clues, (m for m in kb.models.values()
                                                          if not m.hosted))})


def profile_of(clues: FileClues, kb: Any) -> str | None:
    """The id (as the profile spells it) of the one profiled model the file is a build of;
    None when there is none or the clues cannot tell two apart."""
    found = builds_of(clues, kb)
    return kb.models[found[0]].id if len(found) == 1 else None


def is_build_of(clues: FileClues, model_id: str, gguf_repos: Iterable[str] = ()) -> bool:
    """Whether the file could be a build of ``model_id`` alone (no other profile to
    prefer): its repo is the model's or one of ``gguf_repos``, or its name is in a name."""
    repos = {r.strip().lower() for r in (model_id, *gguf_repos)}
    key = name_key(model_id)
    return bool(clues.repo and clues.repo in repos) or any(key and key in n for n in clues.names)
