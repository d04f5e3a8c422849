"""Hosted API models of the profiles (``access: api``): which id names one, whether its key
is set, and the refusal where a Hub repo was expected. The same checks for the command line
and the app.

    >>> key_is_set(ApiAccess("Acme", "https://api.acme.test/v1", "ACME_DOC_EXAMPLE_KEY", "m"))
    False
"""

from __future__ import annotations

from typing import Any

from advisor import config
from advisor.errors import HostedNotRepo, KeyNotSet, NotHosted, UnknownModel
from advisor.knowledge.model import ApiAccess, ModelProfile


def key_is_set(api: ApiAccess) -> bool:
    """Whether the variable that holds the service's key is set (its value is never read
    into a message)."""
    return config.secret(api.key_env) is not None


def hosted_profile(kb: Any, model_id: str, field: str = "--api") -> ModelProfile:
    """The hosted API model profile ``model_id`` names, with its key variable set; else
    UnknownModel, NotHosted or KeyNotSet (exit 2) naming the id or the variable:
    ``hosted_profile(kb, "openai-api/gpt-5.1").api.base_url``."""
    profile = kb.find_model(model_id)
    if profile is None:
        raise UnknownModel(None, f"{model_id!r} is not a model of the profiles (see `advisor "
                           "models`; a hosted one is written with access: api)", field=field)
    if profile.api is None:
        raise NotHosted(None, f"{profile.id} is not a hosted API model (its weights are "
                        "downloadable): use --repo or --gguf", field=field)
    if not key_is_set(profile.api):
        raise KeyNotSet(None, f"{profile.api.key_env} is not set in the environment: it "
                        f"holds the key of {profile.id} ({profile.api.provider})", field=field)
    return profile


def refuse_hosted(kb: Any, repo_id: str, *, command: str = "compare") -> None:
    """HostedNotRepo (exit 2) when ``repo_id`` is a hosted API model of the profiles, not a
    Hub repo, saying how ``advisor COMMAND`` reaches it instead:
    ``refuse_hosted(kb, "openai-api/gpt-5.1")`` -> "openai-api/gpt-5.1 is a hosted API
    model (OpenAI), not a Hub repo: compare it with `advisor compare --api
    openai-api/gpt-5.1` (key from OPENAI_API_KEY)"."""
    profile = kb.find_model(repo_id) if kb is not None else None
    if profile is None or profile.api is None:
        return
    how = (f"run it with `advisor smoke --api {profile.id}`" if command == "smoke"
           else f"compare it with `advisor compare --api {profile.id}`")
    raise HostedNotRepo(None, f"{profile.id} is a hosted API model ({profile.api.provider}), "
                        f"not a Hub repo: {how} (key from {profile.api.key_env})")
