"""The walk over the profile folders: read every ``*.yaml``, dispatch it on its ``schema:``
key to its reader, keep each record by id (a later folder's record over an earlier one's
is an override, listed), then check the cross references and digest the files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.knowledge.load import files_key, profile_files
from advisor.knowledge.load.fields import Bad, ManyBad, Problem
from advisor.knowledge.load.models import read_models
from advisor.knowledge.load.quality import quality_table, unprofiled_scores
from advisor.knowledge.load.schemas import (read_jurisdiction, read_license, read_policy,
                                            read_use_cases, read_use_policy)
from advisor.knowledge.matching import gguf_index
from advisor.knowledge.model import KnowledgeBase, ModelProfile, Override
from advisor.urls import origin, origin_text
from advisor.yamlio import MAX_FILE_BYTES, dotted, line_of, load_yaml_text, read_limited

SCHEMAS = ("advisor.license/1", "advisor.use-policy/1", "advisor.model-family/1",
           "advisor.jurisdiction/1", "advisor.use-cases/1", "advisor.policy/1",
           "advisor.quality/1")


@dataclass
class _Loaded:
    path: Path
    text: str
    data: Any
    sha: str
    root: int = 0              # index of the directory it came from (0: the first, shipped)


def _read_dir(directory: Path, problems: list[Problem], cache: Any = None,
              root: int = 0) -> list[_Loaded]:
    if not directory.is_dir():
        problems.append(Problem(str(directory), None, "", "is not a directory"))
        return []
    out = []
    for path in profile_files(directory):
        if not path.is_file():
            problems.append(Problem(str(path), None, "", "not a regular file"))
            continue
        try:
            raw = read_limited(path, MAX_FILE_BYTES)
            sha = hashlib.sha256(raw).hexdigest()
            text = raw.decode("utf-8")
            data = cache.get(sha) if cache is not None else None
            if data is None:
                data = load_yaml_text(text, str(path))
                if cache is not None and data is not None:
                    cache.put(sha, data)
        except InputError as exc:
            problems.append(Problem(str(path), exc.line, exc.field or "", exc.problem))
            continue
        except UnicodeDecodeError:
            problems.append(Problem(str(path), None, "", "not UTF-8 text"))
            continue
        except OSError as exc:
            problems.append(Problem(str(path), None, "", exc.strerror or "cannot be read"))
            continue
        except ValueError as exc:
            problems.append(Problem(str(path), None, "", str(exc)))
            continue
        out.append(_Loaded(path, text, data, sha, root))
    return out


def _problem(item: _Loaded, path: tuple, message: str) -> Problem:
    return Problem(str(item.path), line_of(item.text, path), dotted(path), message)


def build_knowledge(dirs: Iterable[Path], *, cache: Any = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Load every profile below ``dirs`` (later directories win by id, and each such
    replacement is listed in ``kb.overrides``). ``cache``: a ``ParsedCache`` or None."""
    kb, problems, _ = build(dirs, cache=cache)
    return kb, problems


def build(dirs: Iterable[Path], *, cache: Any = None
          ) -> tuple[KnowledgeBase, list[Problem], str]:
    """:func:`build_knowledge` and the :func:`files_key` of the bytes it parsed."""
    problems: list[Problem] = []
    files: list[_Loaded] = []
    roots = [Path(d) for d in dirs]
    for index, directory in enumerate(roots):
        files.extend(_read_dir(directory, problems, cache, index))
    if cache is not None:
        cache.save()
    parsed_key = files_key(roots, ((i.root, i.path, i.sha) for i in files))
    overrides: list[Override] = []
    root_of: dict[str, int] = {str(i.path): i.root for i in files}

    kb = KnowledgeBase()
    by_schema: dict[str, list[_Loaded]] = {s: [] for s in SCHEMAS}
    for item in files:
        if not isinstance(item.data, Mapping):
            kind = "empty" if item.data is None else f"a {type(item.data).__name__}"
            problems.append(_problem(item, (), f"must be a mapping with a `schema:` key, not {kind}"))
            continue
        schema = item.data.get("schema")
        if schema not in by_schema:
            problems.append(_problem(item, ("schema",),
                                     f"{schema!r} is not one of {', '.join(SCHEMAS)}"))
            continue
        by_schema[schema].append(item)

    # Use cases first: rules are checked against their ids.
    use_case_file: dict[str, _Loaded] = {}
    for item in by_schema["advisor.use-cases/1"]:
        try:
            for index, uc in enumerate(read_use_cases(item.data)):
                previous = use_case_file.get(uc.id)
                if previous is not None and previous.root == item.root:
                    problems.append(_problem(item, ("use_cases", index, "id"),
                                             f"id {uc.id!r} is defined twice (also in {previous.path})"))
                elif previous is not None:
                    overrides.append(Override("use-case", uc.id, str(item.path), item.sha,
                                              str(previous.path)))
                use_case_file[uc.id] = item
                kb.use_cases[uc.id] = uc
        except Bad as bad:
            problems.append(_problem(item, bad.path, bad.message))
    ucs = frozenset(kb.use_cases) or None

    def each(schema: str, build, store) -> None:
        for item in by_schema[schema]:
            try:
                result = build(item)
            except Bad as bad:
                problems.append(_problem(item, bad.path, bad.message))
                continue
            except ManyBad as many:
                problems.extend(_problem(item, b.path, b.message) for b in many.problems)
                continue
            for record in result if isinstance(result, list) else [result]:
                store(item, record)

    def keep(kind: str, table: dict, key: str, item: _Loaded, record: Any, where: tuple) -> None:
        """Store ``record``; the same id twice in one directory is a problem, and a later
        directory's record over an earlier one's is an override, never silent."""
        previous = table.get(key)
        if previous is not None:
            if root_of.get(str(previous.file)) == item.root:
                problems.append(_problem(item, where,
                                         f"id {record.id!r} is defined twice (also in {previous.file})"))
            else:
                api = getattr(record, "api", None)
                overrides.append(Override(kind, record.id, str(item.path), item.sha,
                                          str(previous.file),
                                          key_env=api.key_env if api else None,
                                          key_origin=origin_text(api.base_url) if api else None))
        table[key] = record
        api = getattr(record, "api", None)
        if kind == "model" and api is not None and item.root == 0:
            key_hosts.setdefault(api.key_env, set()).add(origin(api.base_url))

    key_hosts: dict[str, set[tuple]] = {}      # key variable -> the origins shipped profiles send it to
    model_rows: dict[str, dict[str, int]] = {}  # file -> lower-case model id -> its last row

    def model_where(item: _Loaded, model: ModelProfile) -> tuple:
        rows = model_rows.get(str(item.path))
        if rows is None:                         # once per file, not once per model
            raw = item.data.get("models") if isinstance(item.data, Mapping) else None
            rows = model_rows[str(item.path)] = {
                str(entry.get("id", "")).strip().lower(): index
                for index, entry in enumerate(raw or []) if isinstance(entry, Mapping)}
        index = rows.get(model.id.lower())
        return ("models", index, "id") if index is not None else ("models",)

    each("advisor.license/1", lambda i: read_license(i.data, i.path, i.sha, ucs),
         lambda i, r: keep("license", kb.licenses, r.id, i, r, ("id",)))
    each("advisor.use-policy/1", lambda i: read_use_policy(i.data, i.path, i.sha, ucs),
         lambda i, r: keep("use-policy", kb.use_policies, r.id, i, r, ("id",)))
    components: dict = {}                       # equal openness components, shared
    each("advisor.model-family/1", lambda i: read_models(i.data, i.path, components),
         lambda i, r: keep("model", kb.models, r.id.lower(), i, r, model_where(i, r)))
    each("advisor.jurisdiction/1", lambda i: read_jurisdiction(i.data, i.path, ucs),
         lambda i, r: keep("jurisdiction", kb.jurisdictions, r.id, i, r, ("id",)))
    each("advisor.policy/1", lambda i: read_policy(i.data, i.path, ucs),
         lambda i, r: keep("policy", kb.policies, r.id, i, r, ("id",)))
    def keep_table(item: _Loaded, table: Any) -> None:
        for index, model in unprofiled_scores(table, kb.models):
            problems.append(_problem(item, ("scores", index, "model"),
                                     f"no model profile with id {model!r}"))
        keep("quality", kb.quality, table.id, item, table, ("id",))

    each("advisor.quality/1", lambda i: quality_table(i.data, i.path, ucs), keep_table)
    kb.overrides = tuple(overrides)
    kb.gguf_index = gguf_index(kb.models)
    problems.extend(_keys_sent_elsewhere(kb, key_hosts, {str(i.path): i for i in files}))

    problems.extend(cross_references(kb, {str(i.path): i.text for i in files}))

    for item in files:
        try:
            rel = item.path.relative_to(next(r for r in roots if item.path.is_relative_to(r)))
        except StopIteration:  # pragma: no cover - every file comes from a root
            rel = item.path
        kb.file_hashes[str(rel)] = item.sha
    kb.digest = hashlib.sha256("".join(f"{k}\0{v}\n" for k, v in sorted(kb.file_hashes.items()))
                               .encode()).hexdigest()
    return kb, problems, parsed_key


def _keys_sent_elsewhere(kb: KnowledgeBase, key_hosts: dict[str, set[tuple]],
                         items: dict[str, _Loaded]) -> list[Problem]:
    """A key variable the shipped hosted profiles send to their own hosts (OPENAI_API_KEY
    to api.openai.com) is never sent elsewhere: a user profile that points it at another
    host is refused, naming both."""
    out = []
    for model in kb.models.values():
        api = model.api
        item = items.get(str(model.file))
        if api is None or item is None or item.root == 0 or api.key_env not in key_hosts:
            continue
        if origin(api.base_url) in key_hosts[api.key_env]:
            continue
        tied = ", ".join(sorted(f"{scheme}://{host}" for scheme, host, _ in key_hosts[api.key_env]))
        out.append(Problem(str(model.file), _find_line(item.text, api.key_env), "api.key_env",
                           f"model {model.id}: {api.key_env} is the key the shipped profiles "
                           f"send to {tied} only; this profile would send it to "
                           f"{origin_text(api.base_url)}: name a variable of your own"))
    return out


def _find_line(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return None


def cross_references(kb: KnowledgeBase, text_of: Mapping[str, str]) -> list[Problem]:
    """Ids a record names that no profile defines: a model's licenses and use policies,
    a license's use policies; ``text_of`` maps each file to its text (for the line)."""
    problems: list[Problem] = []

    def missing(owner, ids, table, field: str, what: str, prefix: str) -> None:
        for ident in ids:
            if ident not in table:
                line = _find_line(text_of[str(owner.file)], ident)
                problems.append(Problem(str(owner.file), line, field,
                                        f"{prefix}no {what} profile with id {ident!r}"))

    for model in kb.models.values():
        missing(model, model.licenses, kb.licenses, "licenses", "license",
                f"model {model.id}: ")
        missing(model, model.use_policies, kb.use_policies, "use_policies", "use-policy",
                f"model {model.id}: ")
    for lic in kb.licenses.values():
        missing(lic, lic.use_policies, kb.use_policies, "use_policies", "use-policy", "")
    return problems
