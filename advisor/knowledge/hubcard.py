"""What a Hub repo's card and license file say now, as :mod:`advisor.hub.card` reads
them for the license watch (:mod:`advisor.knowledge.watch`) and ``profiles draft``: the
data, and the pure readers of the card's gate and license link.

    >>> gate_digest(gate_fields({"extra_gated_prompt": "Agree", "license": "mit"}))[:12]
    '5c614dcd8361'
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from advisor.knowledge.hubfacts import HubFacts

GATE_PREFIX = "extra_gated_"
EU_KEY = "extra_gated_eu_disallowed"
MAX_GATE_KEYS = 64
MAX_LINK = 500
_LICENSE_NAME = re.compile(r"(?i)(?:licen[cs]e|copying)(?:[-_.][\w.-]*)?")


@dataclass(frozen=True)
class FileReading:
    """A license file of the repo as read now: its hash, or why it was not read."""

    path: str
    sha256: str | None = None        # None: not read (``problem`` says why)
    size: int | None = None
    problem: str | None = None       # "absent", or a one-line reason (gated, too large)


@dataclass(frozen=True)
class CardReading:
    """What the Hub says about one repo now: its facts (with the base chain), the card's
    ``extra_gated_*`` fields but ``extra_gated_eu_disallowed`` (values as canonical JSON
    text), and its license file."""

    hub: HubFacts
    gate: tuple[tuple[str, str], ...] = ()
    license_file: FileReading | None = None
    notes: tuple[str, ...] = field(default=())


def gate_fields(card: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The card's ``extra_gated_*`` fields but the EU flag, sorted, each value as canonical
    JSON text (at most MAX_GATE_KEYS):

    >>> gate_fields({"extra_gated_prompt": "Agree", "license": "mit"})
    (('extra_gated_prompt', '"Agree"'),)
    """
    keys = sorted(k for k in card if isinstance(k, str) and k.startswith(GATE_PREFIX)
                  and k != EU_KEY)[:MAX_GATE_KEYS]
    return tuple((k, json.dumps(card[k], sort_keys=True, ensure_ascii=True, default=str,
                                separators=(",", ":"))) for k in keys)


def gate_digest(gate: Sequence[tuple[str, str]]) -> str | None:
    """SHA-256 of the gate's fields as one canonical JSON object (keys sorted, no spaces,
    ASCII: ``json.dumps(fields, sort_keys=True, separators=(",", ":"))``), None when the
    card has none:

    >>> gate_digest(()) is None, len(gate_digest((("extra_gated_prompt", '"Agree"'),)))
    (True, 64)
    """
    if not gate:
        return None
    text = "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in gate) + "}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link_target(link: str | None, repo_id: str) -> tuple[str, str] | None:
    """Where a ``license_link`` (or a source URL) points: ``("repo", path)`` for a file of
    ``repo_id`` (a relative path, or a huggingface.co blob/resolve/raw URL of it),
    ``("url", host/path)`` for another page, None for nothing usable.

    >>> link_target("./LICENSE.md", "org/m"), link_target("https://huggingface.co/org/m/blob/main/LICENSE", "org/m")
    (('repo', 'LICENSE.md'), ('repo', 'LICENSE'))
    >>> link_target("https://ai.google.dev/gemma/terms/", "org/m")
    ('url', 'ai.google.dev/gemma/terms')
    """
    if not isinstance(link, str):
        return None
    link = link.strip()
    if not link or len(link) > MAX_LINK or not link.isprintable() or " " in link:
        return None
    if link.lower().startswith(("https://", "http://")):
        try:
            parts = urlsplit(link)
        except ValueError:
            return None
        host = (parts.hostname or "").lower()
        path = parts.path.rstrip("/")
        if host in ("huggingface.co", "www.huggingface.co") and repo_id:
            prefix = f"/{repo_id.lower()}/"
            if path.lower().startswith(prefix):
                rest = path[len(prefix):].split("/", 2)
                if len(rest) == 3 and rest[0] in ("blob", "resolve", "raw") and rest[2]:
                    return "repo", rest[2]
        return ("url", host + path) if host else None
    path = link[2:] if link.startswith("./") else link
    if path.startswith("/") or ".." in path.split("/") or "\\" in path or not path:
        return None
    return "repo", path


def license_file_path(link: str | None, repo_id: str, files: Sequence[str]) -> str | None:
    """The repo's license file: the card's ``license_link`` when it names a file of the
    repo, else the first root file named LICENSE/LICENCE/COPYING (any case or suffix).

    >>> license_file_path(None, "org/m", ["README.md", "LICENSE.txt", "LICENSE"])
    'LICENSE'
    """
    target = link_target(link, repo_id)
    if target and target[0] == "repo" and target[1] in files:
        return target[1]
    named = sorted((f for f in files if "/" not in f and _LICENSE_NAME.fullmatch(f)),
                   key=lambda f: (len(f), f))
    return named[0] if named else None
