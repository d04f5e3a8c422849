"""What a GGUF header's ``general.*`` keys say about the model: its license, the base
models it was made from, and the names it goes by. The metadata is untrusted text: only
short printable values and well-formed repo ids come through.

    >>> license_facts({"general.license": "apache-2.0", "general.base_model.count": 1,
    ...                "general.base_model.0.repo_url": "https://huggingface.co/Qwen/Qwen3-8B"})
    ('apache-2.0', ['Qwen/Qwen3-8B'])
    >>> model_names({"general.name": "SmolLM2 135M Instruct", "general.basename": "SmolLM2",
    ...              "general.size_label": "135M", "general.finetune": "Instruct"})
    ('SmolLM2 135M Instruct', 'SmolLM2-135M-Instruct')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

NAMING_KEYS = ("general.name", "general.basename", "general.size_label", "general.finetune")
MAX_NAME = 256

_REPO_URL = re.compile(r"^https://huggingface\.co/([A-Za-z0-9][\w.-]{0,95})/([\w.-]{1,96})/?$")
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96}$")
MAX_GGUF_BASES = 16


def license_facts(metadata: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """``general.license`` and the Hub repo ids of ``general.base_model.N.repo_url`` (or
    ``.organization`` + ``.name``) in a GGUF header's metadata; untrusted text, so only a
    short printable license id and well-formed repo ids come through:
    ``license_facts({"general.license": "apache-2.0"})`` -> ``("apache-2.0", [])``."""
    raw = metadata.get("general.license")
    license_ = raw.strip() if isinstance(raw, str) else None
    if license_ and (len(license_) > 100 or not license_.isprintable()):
        license_ = None
    count = metadata.get("general.base_model.count")
    count = count if isinstance(count, int) and not isinstance(count, bool) else 0
    bases: list[str] = []
    for index in range(max(0, min(count, MAX_GGUF_BASES))):
        url = metadata.get(f"general.base_model.{index}.repo_url")
        match = _REPO_URL.match(url.strip()) if isinstance(url, str) else None
        if match:
            repo = f"{match.group(1)}/{match.group(2)}"
        else:
            org = metadata.get(f"general.base_model.{index}.organization")
            name = metadata.get(f"general.base_model.{index}.name")
            repo = f"{org}/{name}".replace(" ", "-") if isinstance(org, str) and isinstance(name, str) else ""
        if _REPO_ID.match(repo) and ".." not in repo and repo not in bases:
            bases.append(repo)
    return license_ or None, bases


def naming(metadata: Mapping[str, Any]) -> dict[str, str]:
    """The naming keys (:data:`NAMING_KEYS`) that hold short text."""
    return {key: value for key in NAMING_KEYS
            if isinstance(value := metadata.get(key), str) and 0 < len(value) <= MAX_NAME}


def model_names(metadata: Mapping[str, Any]) -> tuple[str, ...]:
    """The names a header gives its model: ``general.name``, then basename, size label
    and finetune joined with ``-`` (the file-name convention), where present."""
    keys = naming(metadata)
    names = [keys["general.name"]] if "general.name" in keys else []
    if "general.basename" in keys and "general.size_label" in keys:
        names.append("-".join(keys[k] for k in ("general.basename", "general.size_label",
                                                 "general.finetune") if k in keys))
    return tuple(names)
