"""Re-check a saved record against today's profiles (and the Hub) and list what drifted.

    Example (not run)::

        report = verify_record("decision-qwen--qwen3-8b-2026-11-23.json", load_knowledge())
        report.drift, report.lines()[0]
        # -> (False, 'decision-qwen--qwen3-8b-2026-11-23.json: unchanged ...')
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.record.integrity import changed_fields
from advisor.record.jsonfmt import read_json, schema_problem
from advisor.record.model import SCHEMA, Record

SHOWN_EDITS = 20


@dataclass(frozen=True)
class Difference:
    kind: str          # tampered | integrity | signature (the record itself) |
                       # license_text | license | verdict | finding_added | finding_removed |
                       # obligation_added | obligation_removed | hub_revision | file_hash |
                       # comparison_file_hash | comparison_revision (comparison_verify) |
                       # hub_<field>: the card or license file moved (license_drift)
    message: str
    before: Any = None
    after: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class VerifyReport:
    path: str
    model: str
    verdict: str
    differences: tuple[Difference, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def drift(self) -> bool:
        return bool(self.differences)

    @property
    def exit_status(self) -> int:
        return 1 if self.drift else 0

    def lines(self) -> list[str]:
        """The report as text lines: a headline, one line per difference, then notes."""
        edited = [d for d in self.differences if d.kind in ("tampered", "integrity")]
        if not self.drift:
            head = f"{self.path}: unchanged ({self.model}, verdict {self.verdict})"
        elif edited:
            head = (f"{self.path}: TAMPERED, the record was edited after it was written "
                    f"({self.model})")
        elif all(d.kind == "signature" for d in self.differences):
            head = f"{self.path}: SIGNATURE NOT VERIFIED ({self.model})"
        else:
            n = len(self.differences)
            head = f"{self.path}: DRIFT, {n} difference{'s' if n != 1 else ''} ({self.model})"
        return [head, *[f"  {d.message}" for d in self.differences],
                *[f"  note: {n}" for n in self.notes]]

    def to_dict(self) -> dict[str, Any]:
        return {"schema": "advisor.record-verify/1", "path": self.path, "model": self.model,
                "verdict": self.verdict, "drift": self.drift,
                "tampered": any(d.kind in ("tampered", "integrity") for d in self.differences),
                "differences": [d.to_dict() for d in self.differences], "notes": list(self.notes)}


def _short(sha: str | None) -> str:
    return (sha or "none")[:12]


def _finding_key(f: dict[str, Any]) -> tuple[str, str, str]:
    return (f.get("severity", ""), f.get("code", ""), " ".join(str(f.get("message", "")).split()))


def _finding_text(f: dict[str, Any]) -> str:
    src = f.get("source") or {}
    where = f" ({src.get('title')}{' §' + src['section'] if src.get('section') else ''})" if src.get("title") else ""
    return f"[{f.get('severity')}] {f.get('code')}: {f.get('message')}{where}"


def _license_diffs(old: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    out = []
    for lic in sorted(set(old) | set(new)):
        before, after = old.get(lic), new.get(lic)
        label = (before or after or {}).get("kind", "license").replace("-", " ")
        if before and after and before.get("sha256") != after.get("sha256"):
            out.append(Difference("license_text", f"{label} text changed: {lic} "
                                  f"({after.get('file') or before.get('file') or 'profile'}): sha256 "
                                  f"{_short(before.get('sha256'))} -> {_short(after.get('sha256'))}",
                                  before.get("sha256"), after.get("sha256")))
        elif before and not after:
            out.append(Difference("license", f"{label} no longer applies or its profile is gone: {lic}",
                                  lic, None))
        elif after and not before:
            out.append(Difference("license", f"{label} now applies: {lic}", None, lic))
    return out


def compare_candidates(old: dict[str, Any], new: dict[str, Any], label: str = "") -> list[Difference]:
    """Verdict, license, findings and obligations that differ between two candidate dicts."""
    out: list[Difference] = []
    prefix = f"{label}: " if label else ""
    if old.get("verdict") != new.get("verdict"):
        out.append(Difference("verdict", f"{prefix}verdict changed: {old.get('verdict')} -> {new.get('verdict')}",
                              old.get("verdict"), new.get("verdict")))
    if old.get("license") != new.get("license"):
        out.append(Difference("license", f"{prefix}license changed: {old.get('license')} -> {new.get('license')}",
                              old.get("license"), new.get("license")))
    old_f = {_finding_key(f): f for f in old.get("findings") or []}
    new_f = {_finding_key(f): f for f in new.get("findings") or []}
    for key in new_f.keys() - old_f.keys():
        out.append(Difference("finding_added", f"{prefix}finding added: {_finding_text(new_f[key])}",
                              None, new_f[key]))
    for key in old_f.keys() - new_f.keys():
        out.append(Difference("finding_removed", f"{prefix}finding removed: {_finding_text(old_f[key])}",
                              old_f[key], None))
    old_o, new_o = list(old.get("obligations") or []), list(new.get("obligations") or [])
    for ob in new_o:
        if ob not in old_o:
            out.append(Difference("obligation_added", f"{prefix}new obligation: {ob}", None, ob))
    for ob in old_o:
        if ob not in new_o:
            out.append(Difference("obligation_removed", f"{prefix}obligation dropped: {ob}", ob, None))
    order = {"license": 0, "verdict": 1, "finding_added": 2, "finding_removed": 3,
             "obligation_added": 4, "obligation_removed": 5}
    return sorted(out, key=lambda d: (order.get(d.kind, 9), d.message))


def compare_records(old: dict[str, Any], new: dict[str, Any], *, hub_checked: bool = False,
                    file_sha256: str | None = None) -> tuple[list[Difference], list[str]]:
    """Differences that mean drift, and notes that do not, between a saved and a fresh record."""
    diffs: list[Difference] = []
    notes: list[str] = []
    old_r, new_r = old["reproducibility"], new["reproducibility"]
    diffs += _license_diffs(old_r.get("license_files") or {}, new_r.get("license_files") or {})
    diffs += compare_candidates(old["chosen"], new["chosen"])
    if "duties" in old:
        diffs += duty_differences(old.get("duties") or [], new.get("duties") or [])
    old_hub, new_hub = old_r.get("hub") or {}, new_r.get("hub") or {}
    if hub_checked:
        if old_hub.get("sha") and new_hub.get("sha") and old_hub["sha"] != new_hub["sha"]:
            diffs.append(Difference("hub_revision", f"Hub revision changed for {new_hub.get('repo_id')}: "
                                    f"{_short(old_hub['sha'])} -> {_short(new_hub['sha'])}",
                                    old_hub["sha"], new_hub["sha"]))
        elif not old_hub.get("sha") and new_hub.get("sha"):
            notes.append(f"the record has no Hub revision; the Hub now says {_short(new_hub['sha'])}")
    gguf = old_r.get("gguf") or {}
    if file_sha256 and gguf.get("sha256") and file_sha256 != gguf["sha256"]:
        diffs.append(Difference("file_hash", f"GGUF file hash changed: {gguf.get('path') or gguf.get('file')}: "
                                f"sha256 {_short(gguf['sha256'])} -> {_short(file_sha256)}",
                                gguf["sha256"], file_sha256))
    fresh_alts = {c["model"].lower(): c for c in new.get("alternatives") or []}
    for alt in old.get("alternatives") or []:
        now = fresh_alts.get(alt["model"].lower())
        if now and now.get("verdict") != alt.get("verdict"):
            notes.append(f"alternative {alt['model']}: verdict {alt.get('verdict')} -> {now.get('verdict')}")
    if old_r.get("profiles_digest") != new_r.get("profiles_digest"):
        notes.append(f"profiles digest differs ({_short(old_r.get('profiles_digest'))} -> "
                     f"{_short(new_r.get('profiles_digest'))}); the differences above are those that matter")
    if old_r.get("advisor_version") != new_r.get("advisor_version"):
        notes.append(f"recorded with advisor {old_r.get('advisor_version')}, checked with {new_r.get('advisor_version')}")
    return diffs, notes


def _mapping(value: Any) -> dict[str, str] | None:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) and value \
        else None


def duty_differences(old: list[Any], new: list[Any]) -> list[Difference]:
    """Duties that appeared, went away, or moved between "only if" and "must do"."""
    def by_text(duties: list[Any]) -> dict[str, dict[str, Any]]:
        return {" ".join(str(d.get("text", "")).split()).lower(): d
                for d in duties if isinstance(d, dict)}

    before, after = by_text(old or []), by_text(new or [])
    out = []
    for key, d in after.items():
        if key not in before:
            out.append(Difference("duty_added", f"new duty ({_kind(d)}): {d.get('text')}",
                                  None, d.get("text")))
        elif before[key].get("kind") != d.get("kind"):
            out.append(Difference("duty_changed", f"duty now {_kind(d)} (was "
                                  f"{_kind(before[key])}): {d.get('text')}",
                                  before[key].get("kind"), d.get("kind")))
    for key, d in before.items():
        if key not in after:
            out.append(Difference("duty_removed", f"duty gone ({_kind(d)}): {d.get('text')}",
                                  d.get("text"), None))
    return out


def _kind(duty: dict[str, Any]) -> str:
    return "must do" if duty.get("kind") == "must" else f"only if {duty.get('trigger')}"


def reassess(record: Record, kb: Any, hub_facts: Any = None, source: str = "record") -> Record:
    """The record as it would be written today from the same answers and smoke result.

    Without fresh ``hub_facts`` the Hub facts stored in the record are used, so only the
    profiles can make a difference.
    """
    from advisor.answers import CORE_USE_CASES, answers_from_data
    from advisor.record.build import build_record, hub_facts_from_record

    data = record.data
    if hub_facts is None:                    # offline: assess with what the Hub said then
        hub_facts = hub_facts_from_record(data)
    answers = answers_from_data(data["answers"], filename=f"{source}: answers",
                                use_case_ids=set(CORE_USE_CASES) | set(kb.use_cases))
    settings = data.get("duty_settings") if isinstance(data.get("duty_settings"), dict) else {}
    considered = data.get("considered") if isinstance(data.get("considered"), dict) else {}
    return build_record(answers, kb, data["model"], smoke=data.get("smoke"), hub_facts=hub_facts,
                        decision_makers=data.get("decision_makers"), today=None,
                        consider=[str(m) for m in considered.get("models") or []] or None,
                        owners=_mapping(settings.get("owners")),
                        whens=_mapping(settings.get("when")),
                        status=data.get("status", "proposed") if data.get("status") in ("proposed", "accepted")
                        else "proposed")


MAX_HASH_BYTES = 1 << 40        # 1 TiB: more than any GGUF; a bound for a runaway path
_GGUF_MAGIC = b"GGUF"


def hash_recorded_gguf(path_text: str) -> tuple[str | None, str]:
    """The SHA-256 of the GGUF a record names, and a note saying what was read or why not.

    The path comes from the record (outside input): only a regular file that starts with
    the GGUF magic and is at most MAX_HASH_BYTES is read, through one descriptor opened
    without blocking (a FIFO or a device is never opened for reading).

        Example (not run)::

            hash_recorded_gguf("/models/m.gguf")
            # -> ('9f86d0...', 'hashed the GGUF file /models/m.gguf (1,234 bytes)')
    """
    shown = repr(path_text) if not str(path_text).isprintable() else str(path_text)
    try:
        before = os.stat(path_text)
        if not stat.S_ISREG(before.st_mode):
            return None, f"the recorded GGUF path {shown} is not a regular file; not read"
        fd = os.open(path_text, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None, "the GGUF file is not on this machine; its hash was not re-checked"
    except (OSError, ValueError) as exc:
        return None, f"the recorded GGUF path {shown} cannot be read " \
                     f"({getattr(exc, 'strerror', None) or exc}); its hash was not re-checked"
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != (before.st_dev,
                                                                          before.st_ino):
            return None, f"the recorded GGUF path {shown} changed while opening it; not read"
        if info.st_size > MAX_HASH_BYTES:
            return None, (f"the recorded GGUF path {shown} is larger than "
                          f"{MAX_HASH_BYTES >> 30} GiB; not read")
        head = handle.read(len(_GGUF_MAGIC))
        if head != _GGUF_MAGIC:
            return None, f"the recorded GGUF path {shown} is not a GGUF file; not read"
        digest = hashlib.sha256(head)
        remaining = info.st_size - len(head)
        while remaining > 0:
            chunk = handle.read(min(8 << 20, remaining))
            if not chunk:
                break
            digest.update(chunk)
            remaining -= len(chunk)
    return digest.hexdigest(), f"hashed the GGUF file {shown} ({info.st_size:,} bytes)"


def integrity_differences(data: dict[str, Any]) -> list[Difference]:
    """Tampering: each field edited since the record was written (its digest no longer
    matches), or a record that carries no digest at all."""
    changes = changed_fields(data)
    if changes is None:
        return [Difference("integrity", "no digest: the record cannot be shown to be unedited "
                           "(the digest was removed, or an old advisor wrote it)")]
    stored = str(data.get("digest"))[:19]
    out = [Difference("tampered", f"tampered: {path} {how} since the record was written "
                      f"(its digest {stored}... no longer matches)", how, path)
           for path, how in changes[:SHOWN_EDITS]]
    if len(changes) > SHOWN_EDITS:
        out.append(Difference("tampered", f"tampered: and {len(changes) - SHOWN_EDITS} more "
                              "fields", None, None))
    return out


def open_record(path: Path | str) -> tuple[dict[str, Any], Record | None, list[Difference]]:
    """Read a saved record for ``verify``: its data, the Record when it fits the schema, and
    the tampering found. An edited record that no longer fits the schema is tampering (no
    Record); one that never carried a digest and does not fit is bad input (InputError)."""
    data = read_json(path, "a record")
    if not isinstance(data, dict):
        raise InputError(str(path), f"not an {SCHEMA} record: not a JSON object")
    tampered = integrity_differences(data) if data.get("schema") == SCHEMA else []
    problem = schema_problem(data)
    if problem is None:
        return data, Record(data), tampered
    if any(d.kind == "tampered" for d in tampered):
        return data, None, tampered + [Difference(
            "tampered", f"the edited record no longer fits the record schema: {problem}")]
    raise InputError(str(path), f"not an {SCHEMA} record: {problem}")


def verify_record(path: Path | str, kb: Any, hub_facts: Any = None,
                  file_sha256: str | None = None, record: Record | None = None,
                  tampered: list[Difference] | None = None) -> VerifyReport:
    """Load the record at ``path``, check its digest, re-assess it with ``kb`` and report
    each difference: tampering first, then drift.

    ``hub_facts`` (what the Hub says now) enables the revision check; ``file_sha256``
    (the hash of the local GGUF, where the caller computed it) enables the file check;
    ``record`` and ``tampered`` (from ``open_record``) spare reading it again.
    A bad record raises ``InputError``.
    """
    if record is None:
        data, record, tampered = open_record(path)
        if record is None:
            return VerifyReport(path=str(path), model=str(data.get("model")),
                                verdict="not re-assessed", differences=tuple(tampered))
    elif tampered is None:
        tampered = integrity_differences(record.data)
    notes: list[str] = []
    try:
        fresh = reassess(record, kb, hub_facts, source=str(path))
    except InputError as exc:
        if not any(d.kind == "tampered" for d in tampered):
            raise
        return VerifyReport(path=str(path), model=record.model, verdict="not re-assessed",
                            differences=tuple(tampered),
                            notes=(f"not re-assessed: the edited answers do not load ({exc})",))
    diffs, notes = compare_records(record.data, fresh.data, hub_checked=hub_facts is not None,
                                   file_sha256=file_sha256)
    return VerifyReport(path=str(path), model=record.model, verdict=fresh.chosen["verdict"],
                        differences=tuple(tampered + diffs), notes=tuple(notes))


def license_drift(record: Record, kb: Any) -> tuple[list[Difference], list[str]]:
    """What moved on the Hub under the decision, as ``advisor profiles watch`` reads it:
    the card's license fields, gate and base-model chain against the Hub facts the record
    stored, and the license file against the hash its profile records. Each move is drift
    (kind ``hub_<field>``); a Hub that cannot be read is a note. Reads the Hub."""
    from advisor.hub.card import license_moves

    moves, notes = license_moves(record.data, kb)
    return [Difference(f"hub_{c.field}", c.message, c.recorded, c.hub) for c in moves], notes
