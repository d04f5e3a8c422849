"""huggingface_hub's and httpx's exceptions as the advisor's named errors: the one place
that reads the library's exception types, so every caller decides by class
(:mod:`advisor.errors`), never by a message.

    Example (not run)::

        with hub_errors("org/m"):
            model_info("org/m")          # RepoNotFound, HubUnreachable, GatedRepo, ...
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from advisor import config
from advisor.errors import (AdvisorError, EntryNotFound, GatedRepo, HubAuthError, HubCacheError,
                            HubEndpointInvalid, HubHTTPError, HubOffline, HubRateLimited,
                            HubReplyMalformed, HubTimeout, HubUnreachable, InputError,
                            RepoDisabled, RepoNotFound, RevisionNotFound)
from advisor.hub.checks import quoted
from advisor.hub.ratelimit import RETRIES as RATE_RETRIES
from advisor.urls import origin


def hub_error(exc: BaseException, repo_id: str, filename: str | None = None
              ) -> AdvisorError | None:
    """The named advisor error for a huggingface_hub or httpx failure, its message one
    line naming the repo (and file); None when ``exc`` is not a Hub failure we expect.
    The one place that reads the library's exceptions: every caller decides by class."""
    import httpx2
    from huggingface_hub import errors

    what = f"{repo_id}/{filename}" if filename else repo_id
    if isinstance(exc, errors.OfflineModeIsEnabled):
        return HubOffline(f"{what}: the Hub is not consulted in offline mode "
                          f"({config.hub_offline_reason()})")
    if isinstance(exc, errors.GatedRepoError):
        return GatedRepo(f"{repo_id} is gated: " + (
            "your token has not been granted access; request it on the model page"
            if _has_token() else "accept its terms on the Hub and set HF_TOKEN"))
    if isinstance(exc, errors.RepositoryNotFoundError):
        if exc.response is not None and exc.response.status_code == 401 and _has_token():
            return RepoNotFound(f"{repo_id}: not found, or private and your token cannot see it")
        return RepoNotFound(f"{repo_id}: no such repository on the Hub (or it is private)")
    if isinstance(exc, errors.RevisionNotFoundError):
        return RevisionNotFound(f"{repo_id}: revision not found")
    if isinstance(exc, errors.RemoteEntryNotFoundError):
        return EntryNotFound(f"{what}: no such file in the repository")
    if isinstance(exc, errors.DisabledRepoError):
        return RepoDisabled(f"{repo_id}: access to this repository is disabled")
    if isinstance(exc, errors.LocalEntryNotFoundError):
        return HubUnreachable(f"{what}: not in the local cache and the Hub cannot be reached")
    if isinstance(exc, errors.HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else None
        if status == 401:
            return HubAuthError(f"{repo_id}: the Hub rejected the token (HF_TOKEN is invalid "
                                "or expired)")
        if status == 403:
            return HubAuthError(f"{repo_id}: access forbidden (403); check the token's "
                                "permissions")
        if status == 429:
            from advisor.hub.ratelimit import wait_seconds

            wait = wait_seconds(exc.response.headers) if exc.response is not None else None
            return HubRateLimited(f"{repo_id}: the Hub is still rate-limiting requests (429) "
                                  f"after {RATE_RETRIES} retries; try again "
                                  + (f"in {wait:.0f} s" if wait is not None else "later"))
        return HubHTTPError(f"{repo_id}: the Hub answered HTTP {status}")
    if isinstance(exc, (httpx2.UnsupportedProtocol, httpx2.InvalidURL)):
        target = _failed_url(exc)
        if target is not None and origin(target) != origin(config.hub_endpoint()):
            return HubReplyMalformed(f"{what}: the Hub redirected to "
                                     f"{quoted(redact_url(target))}, not an http(s) URL; "
                                     "not followed")
        return HubEndpointInvalid(f"{what}: HF_ENDPOINT {_endpoint()!r} is not a usable "
                                  "http(s) URL")
    if isinstance(exc, httpx2.TimeoutException):
        return HubTimeout(f"{what}: the Hub did not answer in time ({_endpoint()})")
    if isinstance(exc, (httpx2.ConnectError, httpx2.NetworkError)):
        return HubUnreachable(f"{what}: cannot reach the Hub at {_endpoint()}")
    if isinstance(exc, httpx2.HTTPError):
        return HubHTTPError(f"{what}: network error talking to the Hub: {type(exc).__name__}")
    if isinstance(exc, errors.FileMetadataError):
        return HubReplyMalformed(f"{what}: the server at {_endpoint()} does not answer like "
                                 "the Hub")
    if isinstance(exc, errors.HFValidationError):
        return InputError(None, f"{repo_id!r} is not a valid Hugging Face repo id")
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return HubUnreachable(f"{what}: cannot reach the Hub at {_endpoint()}")
    if isinstance(exc, OSError):      # the local cache or token file (HF_HOME, HF_HUB_CACHE)
        return HubCacheError(f"{what}: {exc.filename or 'the HF cache'}: {exc.strerror or exc}")
    return None


def _has_token() -> bool:
    from huggingface_hub import get_token

    try:
        return bool(get_token())
    except Exception:
        return False


def download_location(location: str | None, url: str, what: str) -> str:
    """Where the Hub's resolve answer sends a download (``url`` itself when it names no
    other place); HubReplyMalformed naming the redirect when it is not http(s) (a
    ``file://`` target is the Hub's reply, not ``HF_ENDPOINT``'s fault)."""
    from urllib.parse import urljoin, urlsplit

    if not location:
        return url
    location = urljoin(url, location)            # a relative redirect stays on the Hub
    if urlsplit(location).scheme.lower() not in ("http", "https"):
        raise HubReplyMalformed(f"{what}: the Hub redirected the download to "
                                f"{quoted(redact_url(location))}, not an http(s) URL; "
                                "not followed")
    return location


def _failed_url(exc: BaseException) -> str | None:
    """The URL of the request an httpx error is about (a redirect's target, when it was
    one), or None."""
    try:
        return str(exc.request.url)          # type: ignore[attr-defined]
    except (AttributeError, RuntimeError):
        return None


def _endpoint() -> str:
    return redact_url(config.hub_endpoint())


def redact_url(url: str) -> str:
    """``url`` without the user and password it may carry (``http://u:t@host`` -> ``http://***@host``)."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        if "@" not in parts.netloc:
            return url
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit(parts._replace(netloc="***@" + host))
    except ValueError:
        return "the configured HF_ENDPOINT"


@contextlib.contextmanager
def hub_errors(repo_id: str, filename: str | None = None) -> Iterator[None]:
    """Raise expected Hub failures raised inside as their named advisor error
    (:func:`hub_error`); advisor errors pass through, anything else is a bug and stays."""
    try:
        yield
    except AdvisorError:
        raise
    except Exception as exc:
        error = hub_error(exc, repo_id, filename)
        if error is None:
            raise
        raise error from None
