"""Which key goes to an endpoint: the one place that decides.

A key goes only to a host the user tied it to:

- the variable named for that endpoint (``--key-env VAR`` given with it, or a hosted
  model's ``api.key_env``, whose candidate is that profile's own ``base_url``);
- else ``ADVISOR_ENDPOINT_KEY``, the variable the user sets for the endpoints they name;
- else none, and the command says so. No other variable (``OPENAI_API_KEY`` included) is
  a fallback: a key set for one service never reaches a server the user named for another.

The key is read when a request is made, never stored, copied into the environment,
written or printed; only the variable's name and the origin it goes to are shown.

    >>> plan = key_plan("http://127.0.0.1:8000/v1", None, environ={})
    >>> plan.variable, plan.note()
    (None, 'no API key is sent to http://127.0.0.1:8000 (set ADVISOR_ENDPOINT_KEY, or name the variable that holds it with --key-env)')
    >>> key_plan("https://api.openai.com/v1", "OPENAI_API_KEY", environ={"OPENAI_API_KEY": "sk"}).note()
    'the key in OPENAI_API_KEY is sent to https://api.openai.com'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from advisor import config
from advisor.urls import origin_text


@dataclass(frozen=True)
class KeyPlan:
    """The variable whose value is sent as the bearer key (None: no key) and the origin
    it is sent to."""

    variable: str | None
    origin: str
    named: str | None = None        # the variable the endpoint was tied to, set or not

    def note(self) -> str:
        """One line for stderr and the app: where the key goes, or that none is sent."""
        if self.variable:
            return f"the key in {self.variable} is sent to {self.origin}"
        if self.named:
            return f"no API key is sent to {self.origin}: {self.named} is not set"
        return (f"no API key is sent to {self.origin} (set {config.ENDPOINT_KEY_VAR}, or name "
                "the variable that holds it with --key-env)")

    def key(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The key itself, read now (None when no key is sent)."""
        return config.secret(self.variable, environ) if self.variable else None


def key_plan(endpoint: str, key_env: str | None, *,
             environ: Mapping[str, str] | None = None) -> KeyPlan:
    """Which variable's key goes to ``endpoint``: ``key_env`` when the endpoint was tied to
    one (and only it), else ``ADVISOR_ENDPOINT_KEY`` when set, else none."""
    where = origin_text(endpoint)
    if key_env:
        return KeyPlan(key_env if config.secret(key_env, environ) else None, where, key_env)
    if config.secret(config.ENDPOINT_KEY_VAR, environ):
        return KeyPlan(config.ENDPOINT_KEY_VAR, where)
    return KeyPlan(None, where)
