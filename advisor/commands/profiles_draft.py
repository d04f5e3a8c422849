"""``advisor profiles draft REPO_ID [--out FILE] [--force]``: a model profile from the Hub.

Gathers the card's license, its license file's hash and gate (the reading ``advisor
profiles watch`` compares, from ``advisor.hub.card``, so a draft watches clean), the
base-model chain, parameters (the Hub's safetensors metadata, else
``model.safetensors.index.json`` with ``config.json``), the context length,
GGUF files or GGUF repos quantized from it, the card's ``language:`` list and whether the
chat template (``chat_template.jinja`` or ``tokenizer_config.json``) takes tools, and writes
an ``advisor.model-family/1`` file whose facts are all ``confirmed: false`` (kind, languages
and tool calling by ``advisor.knowledge.suitability``). Without ``--out`` the draft goes to stdout.

    $ advisor profiles draft Qwen/Qwen3-8B --out my-profiles/qwen3-8b.yaml
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

MAX_JSON_BYTES = 4 * 2**20          # config.json and the safetensors index: a few kB each
MAX_GGUF_REPOS = 10


def add_parser(sub: argparse._SubParsersAction) -> None:
    draft = sub.add_parser("draft", help="draft a model profile from the Hub (facts unconfirmed)")
    draft.add_argument("repo_id", metavar="REPO_ID", help="Hugging Face repo id")
    draft.add_argument("--out", metavar="FILE", help="write here (default: stdout)")
    draft.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    draft.add_argument("--profiles", metavar="DIR", action="append", default=argparse.SUPPRESS,
                       help="your own profiles, to recognize their license ids (repeatable)")
    draft.set_defaults(run=run)


def _small_text(repo_id: str, filename: str, sizes: dict[str, int | None],
                revision: str | None, notes: list[str]) -> str | None:
    """A small file of the repo as text, or None when absent, too large or unreadable (a
    gated repo without a token: said in ``notes``)."""
    if filename not in sizes or (sizes[filename] or 0) > MAX_JSON_BYTES:
        return None
    from advisor.errors import AdvisorError, EntryNotFound, GatedRepo
    from advisor.hub.card import fetch_small

    from advisor.errors import EntryNotFound, GatedRepo

    try:
        data = fetch_small(repo_id, filename, revision, MAX_JSON_BYTES)
    except GatedRepo:
        notes.append(f"{filename} could not be read: the repository is gated (set HF_TOKEN "
                     "with access); its facts are missing.")
        return None
    except EntryNotFound:
        notes.append(f"{filename} is listed but the Hub has no such file; its facts are "
                     "missing.")
        return None
    except AdvisorError as exc:
        notes.append(f"{filename} could not be read ({exc}); its facts are missing.")
        return None
    return data.decode("utf-8", "replace") if data is not None else None


def _small_json(repo_id: str, filename: str, sizes: dict[str, int | None],
                revision: str | None, notes: list[str]) -> Any:
    """A small JSON file of the repo, or None when absent, too large, unreadable or not JSON."""
    text = _small_text(repo_id, filename, sizes, revision, notes)
    try:
        return json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        return None


def _chat_template(repo_id: str, sizes: dict[str, int | None], revision: str | None,
                   notes: list[str]) -> str | None:
    """The repo's chat template: ``chat_template.jinja``, else ``tokenizer_config.json``'s
    ``chat_template`` (a string, or named templates joined)."""
    text = _small_text(repo_id, "chat_template.jinja", sizes, revision, notes)
    if text is not None:
        return text
    config = _small_json(repo_id, "tokenizer_config.json", sizes, revision, notes)
    template = config.get("chat_template") if isinstance(config, dict) else None
    if isinstance(template, list):
        template = "\n".join(str(t.get("template", "")) for t in template if isinstance(t, dict))
    return template if isinstance(template, str) else None


def _card_languages(info: Any) -> tuple[str, ...]:
    """The card's ``language:`` entries as text (a single string or a list on the Hub)."""
    card = getattr(info, "card_data", None)
    value = card.get("language") if isinstance(card, dict) else getattr(card, "language", None)
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if v) if isinstance(value, (list, tuple)) else ()


def _gguf_repos(repo_id: str, sizes: dict[str, int | None]) -> tuple[str, ...]:
    """The repo itself when it holds GGUF files, else repos the Hub lists as its
    quantizations (none when the Hub cannot say)."""
    if any(name.lower().endswith(".gguf") for name in sizes):
        return (repo_id,)
    from huggingface_hub import HfApi

    from advisor.hub.checks import check_repo_id

    try:
        found = HfApi().list_models(filter=f"base_model:quantized:{repo_id}", library="gguf",
                                    limit=MAX_GGUF_REPOS)
        out = []
        for model in found:
            try:
                out.append(check_repo_id(str(model.id)))
            except Exception:            # a hostile id: left out
                continue
        return tuple(out)
    except Exception:                    # a Hub without search (or offline): none listed
        return ()


def gather(repo_id: str):
    """The :class:`DraftFacts` of ``repo_id`` from the Hub (OperationError when unreadable):
    the reading ``advisor profiles watch`` compares (``advisor.hub.card``), and the files
    only a draft needs."""
    from advisor.hub.card import fetch_info, file_sizes, reading_from_info
    from advisor.knowledge.draft import DraftFacts, parameters_from_index
    from advisor.knowledge.suitability import template_takes_tools

    info = fetch_info(repo_id)
    reading = reading_from_info(info, repo_id)
    facts = reading.hub
    if facts.answered_as:
        from advisor.hub.facts import answered_note
        from advisor.text import clean

        print(clean(f"advisor: note: {answered_note(facts)}"), file=sys.stderr)
    sizes = file_sizes(info)
    revision = facts.sha if facts.sha and len(facts.sha) == 40 else None
    parameters, source = facts.parameters, None
    if parameters is not None:
        source = f"the Hub's {facts.parameters_basis} metadata"
    notes: list[str] = list(reading.notes)
    config = _small_json(repo_id, "config.json", sizes, revision, notes) or {}
    if parameters is None:
        index = _small_json(repo_id, "model.safetensors.index.json", sizes, revision, notes)
        parameters = parameters_from_index(index, config)
        source = "model.safetensors.index.json" if parameters else None
    context = config.get("max_position_embeddings") if isinstance(config, dict) else None
    created = getattr(info, "created_at", None)
    if isinstance(config, dict) and isinstance(config.get("text_config"), dict) and context is None:
        context = config["text_config"].get("max_position_embeddings")
    if context is None:
        context = facts.context_length          # a GGUF repo: the header's context_length
    return DraftFacts(
        hub=facts, parameters=parameters, parameters_source=source,
        context_length=context if isinstance(context, int) and not isinstance(context, bool)
        and 0 < context < 2**31 else None,
        released=created.date().isoformat() if hasattr(created, "date") else None,
        gguf_repos=_gguf_repos(repo_id, sizes), card_languages=_card_languages(info),
        template_tools=template_takes_tools(_chat_template(repo_id, sizes, revision, notes)),
        notes=tuple(notes), license_file=reading.license_file, gate=reading.gate)


def run(args: argparse.Namespace) -> int:
    from advisor.commands.common import knowledge_or_none
    from advisor.text import clean
    from advisor.fsio import atomic_write_text
    from advisor.hub.checks import check_repo_id
    from advisor.knowledge.draft import draft_profile

    from advisor.errors import InputError
    from advisor.knowledge.ids import repo_id_problem

    repo_id = check_repo_id(args.repo_id, field="REPO_ID")
    if repo_id_problem(repo_id):              # a profile's id is owner/name
        raise InputError(None, f"a profile needs owner/name: {repo_id_problem(repo_id)}",
                         field="REPO_ID")
    out = Path(args.out) if args.out else None
    if out is not None and (out.exists() or out.is_symlink()) and not args.force:
        from advisor.errors import TargetExists

        raise TargetExists(str(out))
    kb = knowledge_or_none(args)
    text = draft_profile(gather(repo_id), kb)
    if out is None:
        sys.stdout.write(clean(text))
        return 0
    atomic_write_text(out, text, force=args.force)
    print(clean(f"advisor: drafted {repo_id} into {out}; every fact is unconfirmed "
                    "until you check it (advisor profiles check lists them)"), file=sys.stderr)
    return 0
