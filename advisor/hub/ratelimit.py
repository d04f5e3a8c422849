"""The Hub's rate limits, honoured: a 429 is retried after the wait the Hub names, a
bounded number of times, and the wait is said on stderr.

The Hub names the wait in ``RateLimit`` (IETF draft: ``"api";r=0;t=55`` -- nothing
remaining, reset in 55 s; ``RateLimit-Policy`` gives the window) or in ``Retry-After``
(seconds). huggingface_hub parses the first (``parse_ratelimit_headers``); a 429 that names
no wait is retried after 1 s, then 2 s. A wait longer than ``ADVISOR_HUB_MAX_WAIT``
(default 60 s) is not slept through: the error says when to try again.

    >>> wait_seconds({"RateLimit": '"api";r=0;t=55'}), wait_seconds({"Retry-After": "7"})
    (55.0, 7.0)
    >>> wait_seconds({"RateLimit": '"api";r=12;t=55'}) is None     # not the reason for a 429
    True
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

T = TypeVar("T")
RETRIES = 2


def wait_seconds(headers: Mapping[str, str]) -> float | None:
    """The wait a 429 reply names, or None when it names none."""
    from huggingface_hub.utils import parse_ratelimit_headers

    try:
        info = parse_ratelimit_headers(headers)
    except (ValueError, TypeError):
        info = None
    if info is not None and info.remaining == 0 and 0 <= info.reset_in_seconds <= 86_400:
        return float(info.reset_in_seconds)
    lowered = {str(k).lower(): v for k, v in headers.items()}
    raw = str(lowered.get("retry-after", "")).strip()
    if raw.isdigit() and int(raw) <= 86_400:
        return float(raw)
    return None


def _status_and_headers(exc: BaseException) -> tuple[int | None, Mapping[str, str]]:
    response = getattr(exc, "response", None)
    if response is None:
        return None, {}
    return getattr(response, "status_code", None), getattr(response, "headers", {}) or {}


def _say(line: str) -> None:
    from advisor.text import clean

    print(clean(line), file=sys.stderr, flush=True)


def honour_rate_limit(call: Callable[[], T], what: str, *,
                      say: Callable[[str], None] = _say,
                      sleep: Callable[[float], None] = time.sleep) -> T:
    """``call()``, retried up to RETRIES times when the Hub answers 429 (HfHubHTTPError)."""
    from huggingface_hub.errors import HfHubHTTPError

    from advisor.config import hub_max_wait
    from advisor.errors import HubRateLimited

    for attempt in range(RETRIES + 1):
        try:
            return call()
        except HfHubHTTPError as exc:
            status, headers = _status_and_headers(exc)
            if status != 429 or attempt == RETRIES:
                raise
            named = wait_seconds(headers)
            wait = float(2 ** attempt) if named is None else named
            if wait > hub_max_wait():
                raise HubRateLimited(
                    f"{what}: the Hub is rate-limiting requests (429) and asks to wait "
                    f"{wait:.0f} s, more than ADVISOR_HUB_MAX_WAIT ({hub_max_wait():.0f} s); "
                    "try again then") from None
            basis = "as the Hub asks" if named is not None else "no wait named"
            say(f"advisor: {what}: the Hub is rate-limiting requests (429); waiting "
                f"{wait:.0f} s ({basis}), retry {attempt + 1} of {RETRIES}")
            sleep(wait)
    raise AssertionError("unreachable")
