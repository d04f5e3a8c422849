"""``record verify`` for a record's comparison: re-hash the files it names, ask the Hub
whether each named build's revision is still the commit. Nothing is re-run.

A changed hash or revision is drift; a file not on this machine, an offline run or an
unreachable Hub is a note.

    Example (not run)::

        diffs, notes = check_comparison(record.data["comparison"], offline=True)
        [d.message for d in diffs], notes[-1]
        # -> ([], 'the Hub was not asked (offline): the revision of 1 compared build was not re-checked')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from advisor.record.verify import Difference, hash_recorded_gguf
from advisor.text import one_line

# What the Hub says of a repo now: (commit, {file name: LFS sha256 or None}), or an error.
HubState = tuple[str | None, dict[str, str | None]]


def _short(sha: str | None) -> str:
    return (sha or "none")[:12]


def _shown(text: Any) -> str:
    return one_line(text)


def file_differences(files: list[dict[str, Any]],
                     hash_file: Callable[[str], tuple[str | None, str]] = hash_recorded_gguf
                     ) -> tuple[list[Difference], list[str]]:
    """Re-hash each named file (only a regular GGUF, bounded: ``hash_recorded_gguf``)."""
    diffs: list[Difference] = []
    notes: list[str] = []
    same = 0
    for entry in files:
        who, path, before = _shown(entry.get("candidate")), entry.get("path"), entry.get("sha256")
        if not isinstance(path, str) or not path or not before:
            notes.append(f"compared candidate {who}: no local path recorded; not re-checked")
            continue
        after, note = hash_file(path)
        if after is None:
            if "not on this machine" in note:
                notes.append(f"compared candidate {who}: {_shown(path)} is not on this machine; "
                             "not re-checked")
            else:
                notes.append(f"compared candidate {who}: {note}")
        elif after != before:
            diffs.append(Difference(
                "comparison_file_hash", f"compared candidate {who}: file hash changed: "
                f"{_shown(path)}: sha256 {_short(before)} -> {_short(after)}", before, after))
        else:
            same += 1
    if same:
        notes.append(f"{same} compared file{'s' if same != 1 else ''} re-hashed: unchanged")
    return diffs, notes


def revision_differences(revisions: list[dict[str, Any]],
                         hub: dict[str, HubState | str],
                         recorded_sha: dict[str, str] | None = None
                         ) -> tuple[list[Difference], list[str]]:
    """Pure: each named build's commit against what the Hub says now (``hub``: repo ->
    state, or an error text for a repo the Hub did not answer about). A repo that moved
    on while the named file kept its recorded SHA-256 (``recorded_sha``: candidate ->
    sha256) is a note: the build that was compared is still the one the repo serves."""
    diffs: list[Difference] = []
    notes: list[str] = []
    recorded_sha = recorded_sha or {}
    for entry in revisions:
        who, repo, name = (_shown(entry.get(k)) for k in ("candidate", "repo", "file"))
        before = entry.get("commit")
        state = hub.get(entry.get("repo"))
        if state is None:
            continue
        if isinstance(state, str):
            notes.append(f"compared candidate {who}: the revision of {repo} was not re-checked "
                         f"({_shown(state)})")
            continue
        commit, files = state
        if not commit:
            notes.append(f"compared candidate {who}: the Hub gives no commit for {repo}")
        elif commit != before:
            file_sha = recorded_sha.get(entry.get("candidate"))
            now_sha = files.get(entry.get("file"))
            if file_sha and now_sha == file_sha:
                notes.append(f"compared candidate {who}: {repo} moved on from commit "
                             f"{_short(before)} to {_short(commit)}; {name} is unchanged "
                             f"(sha256 {_short(file_sha)})")
                continue
            if entry.get("file") not in files:
                what = "; the file is no longer in the repo"
            elif now_sha and file_sha:
                what = f"; the file's sha256 changed: {_short(file_sha)} -> {_short(now_sha)}"
            else:
                what = ""
            diffs.append(Difference(
                "comparison_revision", f"compared candidate {who}: Hub revision changed for "
                f"{repo} ({name}): {_short(before)} -> {_short(commit)}{what}", before, commit))
    return diffs, notes


def hub_states(repos: list[str], token: str | None = None) -> dict[str, HubState | str]:
    """What the Hub says of each repo now; an error text where it does not answer (never
    raises; stops at the first unreachable Hub)."""
    from advisor.errors import AdvisorError, HubUnreachable
    from advisor.hub.client import model_info, repo_files
    from advisor.hub.errors import hub_errors

    out: dict[str, HubState | str] = {}
    ids = list(dict.fromkeys(r for r in repos if r))
    for i, repo in enumerate(ids):
        try:
            with hub_errors(repo):
                info = model_info(repo, token=token, files=True)
                sha = getattr(info, "sha", None)
                files = {f.filename: f.sha256 for f in repo_files(info)}
            out[repo] = (sha if isinstance(sha, str) else None, files)
        except HubUnreachable as exc:          # the others would fail alike: stop asking
            out[repo] = str(exc)
            for rest in ids[i + 1:]:
                out[rest] = "the Hub could not be reached"
            break
        except AdvisorError as exc:
            out[repo] = str(exc)
        except Exception as exc:              # never let the Hub break a verify
            out[repo] = f"Hub lookup failed: {type(exc).__name__}"
    return out


def check_comparison(section: dict[str, Any] | None, offline: bool,
                     hub: Callable[[list[str]], dict[str, HubState | str]] = hub_states
                     ) -> tuple[list[Difference], list[str]]:
    """Drift and notes for a record's ``comparison`` section (None: nothing to check)."""
    if not section:
        return [], []
    diffs, notes = file_differences(section.get("files") or [])
    revisions = section.get("revisions") or []
    if revisions and offline:
        n = len(revisions)
        notes.append(f"the Hub was not asked (offline): the revision of {n} compared "
                     f"build{'s' if n != 1 else ''} was not re-checked")
    elif revisions:
        recorded = {f.get("candidate"): f.get("sha256") for f in section.get("files") or []
                    if f.get("sha256")}
        more_diffs, more_notes = revision_differences(
            revisions, hub([str(r.get("repo")) for r in revisions]), recorded)
        diffs += more_diffs
        notes += more_notes
        if not more_diffs and not more_notes:
            notes.append(f"{len(revisions)} compared build revision"
                         f"{'s' if len(revisions) != 1 else ''} still the recorded commit")
    for u in section.get("unverifiable") or []:
        notes.append(f"compared candidate {_shown(u.get('candidate'))}: not verifiable "
                     f"({_shown(u.get('reason'))})")
    return diffs, notes
