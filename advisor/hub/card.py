"""A repo's card and license file as the Hub shows them now: the one reading that
``advisor profiles watch``, ``advisor record verify`` and ``advisor profiles draft`` share.

Everything goes through the Hub adapter (huggingface_hub, so HF_ENDPOINT,
HF_TOKEN and HF_HUB_OFFLINE apply); each request waits at most ``ADVISOR_HUB_TIMEOUT``,
a file is read only when the Hub declares it small (:data:`MAX_LICENSE_BYTES`), and a
batch asks the Hub from at most :data:`MAX_JOBS` threads. The comparison itself is pure:
:mod:`advisor.knowledge.watch`.

    Example (not run)::

        reading = read_card("Qwen/Qwen3-8B")
        reading.hub.license_tag, reading.license_file.path   # ('apache-2.0', 'LICENSE')
        [w.status for w in watch_profiles(kb, [kb.find_model("Qwen/Qwen3-8B")])]
        # -> ['unchanged']
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import (AdvisorError, EntryNotFound, GatedRepo, HubError, HubOffline,
                            HubRateLimited, HubUnreachable)
from advisor.knowledge.model import KnowledgeBase, ModelProfile
from advisor.knowledge.hubcard import CardReading, FileReading, gate_fields, license_file_path
from advisor.knowledge.watch import Change, compare_with_profile, profile_chain

MAX_LICENSE_BYTES = 1 << 20          # license texts are tens of kB; a larger file is not read
MAX_CHAIN = 5
DEFAULT_JOBS = 4
MAX_JOBS = 16


def fetch_small(repo_id: str, filename: str, revision: str | None, limit: int) -> bytes | None:
    """The bytes of a small repo file, None when the Hub declares more than ``limit``;
    Hub failures raise their named error. Ranged reads: never more than ``limit`` bytes,
    nothing written to the HF cache."""
    from advisor.hub.checks import malformed
    from advisor.hub.client import RangeReader

    reader = RangeReader(repo_id, filename, revision=revision)
    size = reader.size
    if not isinstance(size, int) or size > limit:
        return None
    data = reader(0, size)
    if len(data) != size:
        raise malformed(repo_id, f"{filename}: {len(data)} bytes sent of {size} declared")
    return data


def file_sizes(info: Any) -> dict[str, int | None]:
    """The repo's file names (those that are safe relative paths) and declared sizes."""
    from advisor.hub.checks import safe_repo_filename

    out: dict[str, int | None] = {}
    for sibling in getattr(info, "siblings", None) or []:
        name = getattr(sibling, "rfilename", None)
        if safe_repo_filename(name):
            size = getattr(sibling, "size", None)
            out[name] = size if isinstance(size, int) and not isinstance(size, bool) else None
    return out


def fetch_info(repo_id: str) -> Any:
    """``model_info`` with file sizes; the named Hub error when it cannot be read."""
    from advisor.hub.client import model_info
    from advisor.hub.errors import hub_errors

    with hub_errors(repo_id):
        return model_info(repo_id, files=True)


def reading_from_info(info: Any, repo_id: str, *, chain_depth: int = MAX_CHAIN,
                      license_path: str | None = None) -> CardReading:
    """The :class:`CardReading` of a ``model_info`` reply for ``repo_id`` (the id asked,
    which the reply's own id never replaces): its facts with ``chain_depth`` base models
    followed, the gate's fields, and the license file (``license_path``, else the card's
    ``license_link`` or a root LICENSE file) hashed."""
    from advisor.hub.facts import card_data, facts_from_info, follow_base_chain

    facts = facts_from_info(info, repo_id)
    if chain_depth > 0:
        facts = follow_base_chain(facts, max_depth=chain_depth)
    sizes = file_sizes(info)
    path = license_path or license_file_path(facts.license_link, facts.repo_id, list(sizes))
    revision = facts.sha if facts.sha else None
    return CardReading(hub=facts, gate=gate_fields(card_data(info)),
                       license_file=read_license_file(facts.repo_id, path, sizes, revision))


def read_card(repo_id: str, *, chain_depth: int = MAX_CHAIN,
              license_path: str | None = None) -> CardReading:
    """What the Hub says about ``repo_id`` now (see :func:`reading_from_info`)."""
    return reading_from_info(fetch_info(repo_id), repo_id, chain_depth=chain_depth,
                             license_path=license_path)


def read_license_file(repo_id: str, path: str | None, sizes: dict[str, int | None],
                      revision: str | None) -> FileReading | None:
    """The license file's SHA-256, or why it was not read; None when there is no file to
    read. HubUnreachable and HubOffline raise (later requests would fail alike)."""
    if path is None:
        return None
    if path not in sizes:
        return FileReading(path, problem="absent")
    size = sizes[path]
    if size is not None and size > MAX_LICENSE_BYTES:
        return FileReading(path, size=size, problem=f"larger than {MAX_LICENSE_BYTES} bytes")
    try:
        data = fetch_small(repo_id, path, revision, MAX_LICENSE_BYTES)
    except EntryNotFound:
        return FileReading(path, problem="absent")
    except GatedRepo:
        return FileReading(path, size=size, problem="the repo is gated: it needs HF_TOKEN "
                           "with access granted")
    except (HubUnreachable, HubOffline, HubRateLimited):
        raise
    except HubError as exc:
        return FileReading(path, size=size, problem=str(exc))
    if data is None:
        return FileReading(path, problem=f"larger than {MAX_LICENSE_BYTES} bytes")
    return FileReading(path, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


@dataclass(frozen=True)
class ModelWatch:
    """One profiled model watched: ``unchanged``, ``changed`` (``changes`` says what),
    ``unreadable`` (``error`` says why) or ``skipped`` (a hosted API model, or the Hub
    stopped answering)."""

    model: str
    status: str
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = field(default=())
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "status": self.status,
                "changes": [c.to_dict() for c in self.changes], "notes": list(self.notes),
                "error": self.error}

    def lines(self) -> list[str]:
        head = {"changed": f"{len(self.changes)} difference{'s' if len(self.changes) != 1 else ''}",
                "unreadable": f"not read: {self.error}",
                "skipped": f"skipped{': ' + self.error if self.error else ''}"}.get(
                    self.status, "unchanged")
        return [f"{self.model}: {head}", *(f"  {c.message}" for c in self.changes),
                *(f"  note: {n}" for n in self.notes)]


def watch_profile(kb: KnowledgeBase, profile: ModelProfile) -> ModelWatch:
    """Read ``profile``'s repo and compare; Hub errors raise (see :func:`watch_profiles`)."""
    if profile.hosted:
        return ModelWatch(profile.id, "skipped", notes=("a hosted API model: it has no Hub "
                                                        "card to watch",))
    depth = max(len(profile_chain(kb, profile)) - 1, 0)
    path = profile.license_file.path if profile.license_file else None
    reading = read_card(profile.id, chain_depth=depth, license_path=path)
    changes, notes = compare_with_profile(kb, profile, reading)
    return ModelWatch(profile.id, "changed" if changes else "unchanged", tuple(changes),
                      tuple(notes))


def watch_profiles(kb: KnowledgeBase, profiles: Sequence[ModelProfile],
                   jobs: int = DEFAULT_JOBS) -> list[ModelWatch]:
    """Watch each profile, ``jobs`` at a time (1 to MAX_JOBS), in the given order. Never
    raises for the Hub: a model it cannot show is ``unreadable``; once the Hub is out of
    reach, offline mode is on or the Hub keeps answering 429, the models not yet asked are
    ``skipped``."""
    stop = threading.Event()

    def one(profile: ModelProfile) -> ModelWatch:
        if stop.is_set() and not profile.hosted:
            return ModelWatch(profile.id, "skipped", error="the Hub stopped answering")
        try:
            return watch_profile(kb, profile)
        except (HubUnreachable, HubOffline, HubRateLimited) as exc:
            stop.set()
            return ModelWatch(profile.id, "unreadable", error=str(exc))
        except AdvisorError as exc:
            return ModelWatch(profile.id, "unreadable", error=str(exc))

    workers = max(1, min(int(jobs), MAX_JOBS, len(profiles) or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="watch") as pool:
        return list(pool.map(one, profiles))


def license_moves(record: dict[str, Any], kb: KnowledgeBase) -> tuple[list[Change], list[str]]:
    """The chosen model's card against the Hub facts ``record`` stored (``hub_moves``),
    and its license file against the hash its profile records; notes for what could not
    be compared. Never raises for the Hub."""
    from advisor.knowledge.watch import compare_license_file, hub_moves

    model = str(record.get("model") or "")
    profile = kb.find_model(model)
    if profile is not None and profile.hosted:
        return [], []
    stored = (record.get("reproducibility") or {}).get("hub")
    repo_id = stored.get("repo_id") if isinstance(stored, dict) else None
    repo_id = repo_id or (profile.id if profile is not None else model)
    path = profile.license_file.path if profile is not None and profile.license_file else None
    try:
        reading = read_card(repo_id, license_path=path)
    except AdvisorError as exc:
        return [], [f"license watch: {exc}"]
    moves = hub_moves(stored, reading.hub.to_dict())
    notes = [] if stored else [f"the record holds no Hub facts: the card's license fields "
                               f"could not be compared with those of the decision"]
    if profile is not None and profile.id.lower() == repo_id.lower():
        file_moves, file_notes = compare_license_file(profile, reading.license_file)
        moves += file_moves
        notes += file_notes
    return moves, notes
