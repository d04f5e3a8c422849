"""What the Hub says about a repository, reduced to :class:`HubFacts`, with the chain of
base models it declares.

    Example (not run)::

        facts = fetch_hub_facts("bartowski/Llama-3.2-1B-Instruct-GGUF")
        facts.base_models, [b.repo_id for b in facts.base_chain]
        # -> (['meta-llama/Llama-3.2-1B-Instruct'], ['meta-llama/Llama-3.2-1B-Instruct', ...])
        facts_by_id, warnings = hub_facts_for(["org/private-model"])   # never raises
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from advisor import config
from advisor.errors import AdvisorError, HubUnreachable
from advisor.hub.checks import is_commit, malformed, quoted
from advisor.hub.client import model_info
from advisor.hub.errors import hub_error, hub_errors
from advisor.hub.size_facts import size_facts
from advisor.knowledge.hubfacts import HubFacts
from advisor.text import clip, one_line

_RELATIONS = ("quantized", "finetune", "adapter", "merge")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v]
    return [str(value)]


def card_data(info: Any) -> dict[str, Any]:
    """The model card's YAML header (``cardData``) of a ``ModelInfo`` as a dict ({} when none)."""
    card = getattr(info, "card_data", None)
    if card is None:
        return {}
    if hasattr(card, "to_dict"):
        return dict(card.to_dict())
    return dict(card) if isinstance(card, dict) else {}


def reply_id(asked: str, replied: Any) -> tuple[str, str | None]:
    """The id the facts go under and, when the Hub's reply names another repo, that name.
    The reply never renames what was asked (a hostile reply must not pass for a profiled
    model); only a difference of case is the Hub's own spelling and is taken:
    ``reply_id("qwen/qwen3-8b", "Qwen/Qwen3-8B")`` -> ``('Qwen/Qwen3-8B', None)``;
    ``reply_id("evil/m", "meta-llama/Llama-3.1-8B-Instruct")`` ->
    ``('evil/m', 'meta-llama/Llama-3.1-8B-Instruct')``."""
    from advisor.knowledge.ids import repo_id_problem, same_repo

    if not isinstance(replied, str) or not replied:
        raise malformed(asked, f"its id is {quoted(replied)}")
    if same_repo(replied, asked) and repo_id_problem(replied, owner=False) is None:
        return replied, None
    return asked, clip(one_line(replied), 200)


def facts_from_info(info: Any, asked: str) -> HubFacts:
    """Reduce a ``ModelInfo`` for the repo ``asked`` to :class:`HubFacts` (without the base
    chain), under the id asked (:func:`reply_id`); a reply of the wrong shape raises
    HubReplyMalformed."""
    repo_id, answered_as = reply_id(asked, getattr(info, "id", None))
    sha = getattr(info, "sha", None)
    if sha is not None and not (isinstance(sha, str) and is_commit(sha)):
        raise malformed(repo_id, f"sha {quoted(sha)} is not a commit id")
    raw_tags = getattr(info, "tags", None) or []
    if not isinstance(raw_tags, list):
        raise malformed(repo_id, f"tags is {type(raw_tags).__name__}, not a list")
    for key in ("pipeline_tag", "library_name"):
        if not isinstance(getattr(info, key, None), (str, type(None))):
            raise malformed(repo_id, f"{key} is not a string")
    try:
        card = card_data(info)
    except (TypeError, ValueError) as exc:
        raise malformed(repo_id, f"cardData: {type(exc).__name__}") from None
    tags = [str(t) for t in raw_tags]
    licenses = _as_list(card.get("license"))
    license_tag = licenses[0] if licenses else None
    if license_tag is None:
        license_tag = next((t.split(":", 1)[1] for t in tags if t.startswith("license:")), None)
    base_models = _as_list(card.get("base_model"))
    relation = card.get("base_model_relation")
    for tag in tags:
        parts = tag.split(":", 2)
        if len(parts) == 3 and parts[0] == "base_model" and parts[1] in _RELATIONS:
            relation = relation or parts[1]
            if parts[2] not in base_models:
                base_models.append(parts[2])
    last = getattr(info, "last_modified", None)
    gated = getattr(info, "gated", False)
    size = size_facts(info)
    return HubFacts(
        repo_id=repo_id,
        sha=sha,
        license_tag=license_tag,
        license_name=_first(card.get("license_name")),
        license_link=_first(card.get("license_link")),
        base_models=base_models,
        base_relation=str(relation) if relation else None,
        pipeline_tag=getattr(info, "pipeline_tag", None),
        tags=tags,
        gated=gated if isinstance(gated, (bool, str)) and gated is not None else bool(gated),
        library_name=getattr(info, "library_name", None),
        last_modified=last.isoformat() if hasattr(last, "isoformat") else (str(last) if last else None),
        gated_eu_disallowed=card.get("extra_gated_eu_disallowed") is True,
        parameters=size.parameters, parameters_basis=size.parameters_basis,
        context_length=size.context_length, architecture=size.architecture,
        answered_as=answered_as,
    )


def _first(value: Any) -> str | None:
    items = _as_list(value)
    return items[0] if items else None


def fetch_hub_facts(repo_id: str, *, token: str | None = None, max_depth: int = 5) -> HubFacts:
    """Facts about ``repo_id`` with ``base_chain``: its base models' facts, nearest first.

    Follows the first declared base model of each link up to ``max_depth`` links, stopping
    at cycles and at bases the Hub will not show (gated bases still show their card).
    Raises the named Hub error (:func:`hub_error`) when ``repo_id`` itself cannot be read.
    """
    with hub_errors(repo_id):        # with file sizes: they show how packed weights were counted
        top = facts_from_info(model_info(repo_id, token=token, files=True), repo_id)
    return follow_base_chain(top, token=token, max_depth=max_depth)


def follow_base_chain(top: HubFacts, *, token: str | None = None, max_depth: int = 5) -> HubFacts:
    """``top`` with its ``base_chain`` filled from the Hub (unreadable bases end the chain)."""
    chain: list[HubFacts] = []
    seen = {top.repo_id.lower()}
    current = top
    while current.base_models and len(chain) < max_depth:
        base_id = current.base_models[0]
        if base_id.lower() in seen:
            break
        seen.add(base_id.lower())
        try:
            base = facts_from_info(model_info(base_id, token=token, files=False), base_id)
        except AdvisorError:          # unreadable or malformed: the chain ends here
            break
        except Exception as exc:
            if hub_error(exc, base_id) is None:
                raise
            break
        chain.append(base)
        current = base
    return _with_chain(top, chain)


def _with_chain(top: HubFacts, chain: list[HubFacts]) -> HubFacts:
    from dataclasses import replace

    return replace(top, base_chain=chain)


def hub_facts_for(repo_ids: Iterable[str], *, token: str | None = None
                  ) -> tuple[dict[str, HubFacts], list[str]]:
    """Facts for each repo the Hub can show; a warning line for each it cannot.

    Never raises for network or Hub trouble. In offline mode it returns at once with
    one warning.

    >>> facts, warnings = hub_facts_for(["meta-llama/Llama-3.2-1B-Instruct"])
    """
    ids = [r for r in dict.fromkeys(repo_ids) if r]
    if not ids:
        return {}, []
    if config.hub_offline():
        return {}, [f"{config.hub_offline_reason()}: answering from the profiles only, "
                    "without the Hub"]
    found: dict[str, HubFacts] = {}
    warnings: list[str] = []
    for repo_id in ids:
        try:
            found[repo_id] = fetch_hub_facts(repo_id, token=token)
            if found[repo_id].answered_as:
                warnings.append(answered_note(found[repo_id]))
        except HubUnreachable as exc:           # the others would fail alike: stop asking
            warnings.append(str(exc))
            rest = ids[ids.index(repo_id) + 1:]
            if rest:
                warnings.append("skipped the Hub for: " + ", ".join(rest))
            break
        except AdvisorError as exc:
            warnings.append(str(exc))
        except Exception as exc:     # never let the Hub break an assessment
            warnings.append(f"{repo_id}: Hub lookup failed: {type(exc).__name__}")
    return found, warnings


def answered_note(facts: HubFacts) -> str:
    """The note for facts whose reply named another repo: ``"evil/m: the Hub answered
    for meta-llama/Llama-3.1-8B-Instruct; its facts are kept under evil/m, the id asked"``."""
    return (f"{facts.repo_id}: the Hub answered for {facts.answered_as}; its facts are "
            f"kept under {facts.repo_id}, the id asked")
