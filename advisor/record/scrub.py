"""Keep secrets out of records: no token, password or key from the environment reaches a file.

    >>> scrub_text("token hf_abc123secret", secrets=["hf_abc123secret"])
    'token [redacted]'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from advisor import config

REDACTED = "[redacted]"
_SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL",
                          re.IGNORECASE)
_SECRET_KEY = re.compile(r"^(token|hf_token|api_key|apikey|authorization|password|secret|access_token)$",
                         re.IGNORECASE)
# A Hugging Face access token's shape, caught even when it is not in the environment
# (a model echoing one, a token stored by `hf auth login`).
_HF_TOKEN_SHAPE = re.compile(r"\bhf_[A-Za-z0-9]{30,}\b")
# The user:password of a URL. Anchored on the literal "://" and ended by the first "/",
# "@" or space, so each character is looked at a bounded number of times: linear in the
# text (a scheme pattern in front, [a-z][a-z0-9+.-]*://, retried at every letter of a
# long word, was quadratic: seconds on 20,000 letters, hours on a megabyte).
_URL_USERINFO = re.compile(r"://[^/@\s]+@")
_MIN_SECRET_LEN = 8


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """The values of environment variables whose names look secret (HF_TOKEN, *_API_KEY, ...).

        >>> secret_values({"HF_TOKEN": "hf_xyz12345", "HOME": "/root"})
        ['hf_xyz12345']
    """
    env = config.environment() if environ is None else environ
    values = {v for k, v in env.items() if _SECRET_NAME.search(k) and len(v) >= _MIN_SECRET_LEN}
    return sorted(values, key=len, reverse=True)


def scrub_text(text: str, secrets: Iterable[str] | None = None) -> str:
    """Replace every secret value and URL credentials (``https://user:pw@host``) in
    ``text``, in time linear in its length (``tests/bench/bench_scrub.py``)."""
    for secret in secret_values() if secrets is None else secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _HF_TOKEN_SHAPE.sub(REDACTED, text)
    return _URL_USERINFO.sub("://" + REDACTED + "@", text)


def scrub_data(data: Any, secrets: Iterable[str] | None = None) -> Any:
    """A copy of a JSON-like value with secret-named keys dropped and secret values redacted.

        >>> scrub_data({"endpoint": "http://u:p@h/v1", "api_key": "x"}, secrets=[])
        {'endpoint': 'http://[redacted]@h/v1'}
    """
    found = list(secret_values() if secrets is None else secrets)
    if isinstance(data, Mapping):
        return {str(k): scrub_data(v, found) for k, v in data.items() if not _SECRET_KEY.match(str(k))}
    if isinstance(data, (list, tuple)):
        return [scrub_data(v, found) for v in data]
    if isinstance(data, str):
        return scrub_text(data, found)
    return data
