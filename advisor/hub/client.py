"""The Hugging Face Hub through huggingface_hub: repo facts, file lists, ranged reads.

Every call honours the standard environment (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE,
HF_HOME, HF_HUB_CACHE) because huggingface_hub reads it; the token is passed on, never
printed. Hub failures become named errors (:mod:`advisor.errors`, one line each), all mapped
from the library's exceptions by :func:`hub_error`.

    >>> facts = fetch_hub_facts("bartowski/Llama-3.2-1B-Instruct-GGUF")
    >>> facts.base_models, [b.repo_id for b in facts.base_chain]
    (['meta-llama/Llama-3.2-1B-Instruct'], ['meta-llama/Llama-3.2-1B-Instruct', ...])
    >>> facts_by_id, warnings = hub_facts_for(["org/private-model"])   # never raises
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from advisor import config
from advisor.hub.ratelimit import RETRIES as RATE_RETRIES
from advisor.hub.ratelimit import honour_rate_limit
from advisor.hub.size_facts import size_facts
from advisor.errors import (AdvisorError, EntryNotFound, GatedRepo, HubAuthError, HubCacheError,
                            HubEndpointInvalid, HubHTTPError, HubOffline,
                            HubRateLimited, HubReplyMalformed, HubTimeout, HubUnreachable,
                            InputError, RepoDisabled, RepoNotFound, RevisionNotFound)
from advisor.knowledge.hubfacts import HubFacts
from advisor.text import clean, clip, one_line


_RELATIONS = ("quantized", "finetune", "adapter", "merge")

_HEX40 = re.compile(r"[0-9a-f]{40}")
_ETAG = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")       # a git blob id or an LFS sha256
_SHA256 = re.compile(r"[0-9a-f]{64}")
_REF_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._+-]*")


def _quote(text: Any, limit: int = 80) -> str:
    """A value from outside, safe and short inside a one-line message."""
    return clip(clean(repr(text)), limit)


def check_etag(etag: Any, what: str) -> str:
    """The Hub's ETag when it is a hex digest (it names the cache blob); else HubReplyMalformed.

    >>> check_etag("6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83", "org/m")
    '6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83'
    """
    if not isinstance(etag, str) or not _ETAG.fullmatch(etag):
        raise HubReplyMalformed(f"{what}: the Hub answered an ETag that is not a hex digest "
                             f"({_quote(etag)}); refusing to use it as a cache name")
    return etag


def check_commit(commit: Any, what: str) -> str:
    """A commit id from the Hub (40 lower-case hex digits); else HubReplyMalformed."""
    if not isinstance(commit, str) or not _HEX40.fullmatch(commit):
        raise HubReplyMalformed(f"{what}: the Hub answered a commit id that is not 40 hex digits "
                             f"({_quote(commit)}); refusing to use it as a cache name")
    return commit


def is_commit(revision: str) -> bool:
    return bool(_HEX40.fullmatch(revision))


def check_revision(revision: str, field: str | None = "--revision") -> str:
    """A branch, tag or commit by git's grammar, safe as a cache path; else InputError.

    >>> check_revision("refs/pr/1")
    'refs/pr/1'
    """
    parts = revision.split("/") if isinstance(revision, str) else [""]
    if (not 0 < len(revision) <= 255 or any(not _REF_PART.fullmatch(p) for p in parts)
            or ".." in revision or revision.endswith((".lock", ".")) or "@{" in revision):
        raise InputError(None, f"{_quote(revision)} is not a branch, tag or commit name",
                         field=field)
    return revision


def check_repo_filename(name: Any, what: str, *, as_path: bool = True) -> str:
    """A file name from the Hub that stays inside a snapshot folder; else HubReplyMalformed.
    ``as_path=False`` (a name only listed, shown sanitized) allows control characters.

    >>> check_repo_filename("sub/model-Q4_K_M.gguf", "org/m")
    'sub/model-Q4_K_M.gguf'
    """
    if not safe_repo_filename(name, as_path=as_path):
        raise HubReplyMalformed(f"{what}: the Hub lists a file name that is not a safe relative "
                             f"path ({_quote(name)})")
    return name


def safe_repo_filename(name: Any, *, as_path: bool = True) -> bool:
    """True for a relative path without ``..``, empty parts or backslashes (and, ``as_path``,
    without control characters)."""
    if not isinstance(name, str) or not 0 < len(name) <= 1024 or name.startswith("/"):
        return False
    if "\\" in name or "\0" in name:
        return False
    if as_path and any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in name):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def malformed(repo_id: str, problem: str) -> HubReplyMalformed:
    """The error for a Hub reply we cannot use: ``raise malformed(repo, "sha is ...")``."""
    return HubReplyMalformed(f"{repo_id}: the Hub's reply is malformed: {problem}")


def check_repo_id(repo_id: str, field: str | None = None) -> str:
    """``repo_id`` when the Hub could have such a repo (the one id validator,
    :func:`advisor.knowledge.ids.repo_id_problem`); else InputError (exit 2).

    >>> check_repo_id("bartowski/Llama-3.2-1B-Instruct-GGUF", field="REPO_ID")
    'bartowski/Llama-3.2-1B-Instruct-GGUF'
    """
    from advisor.knowledge.ids import repo_id_reason

    reason = repo_id_reason(repo_id, owner=False)
    if reason:
        raise InputError(None, f"{ascii(repo_id)} is not a valid Hugging Face repo id: it "
                         f"{reason}", field=field)
    return repo_id


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
        if target is not None and not same_origin(target, config.hub_endpoint()):
            return HubReplyMalformed(f"{what}: the Hub redirected to "
                                     f"{_quote(redact_url(target))}, not an http(s) URL; "
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
                                f"{_quote(redact_url(location))}, not an http(s) URL; "
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


def model_info(repo_id: str, *, token: str | None = None, files: bool = True) -> Any:
    """``HfApi.model_info`` with file metadata (sizes, LFS sha256); raises Hub errors."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HFValidationError

    try:
        return honour_rate_limit(lambda: HfApi(token=token).model_info(
            repo_id, files_metadata=files, timeout=config.hub_timeout(), token=token), repo_id)
    except HFValidationError:
        raise
    except KeyError as exc:          # huggingface_hub reads the reply with ``sibling["lfs"][...]``
        raise malformed(repo_id, f"a field is missing ({_quote(exc.args[0] if exc.args else '')})"
                        ) from None
    except (TypeError, ValueError, AttributeError, IndexError) as exc:
        raise malformed(repo_id, f"{type(exc).__name__}: {_quote(str(exc), 120)}") from None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v]
    return [str(value)]


def _card(info: Any) -> dict[str, Any]:
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
        raise malformed(asked, f"its id is {_quote(replied)}")
    if same_repo(replied, asked) and repo_id_problem(replied, owner=False) is None:
        return replied, None
    return asked, clip(one_line(replied), 200)


def facts_from_info(info: Any, asked: str) -> HubFacts:
    """Reduce a ``ModelInfo`` for the repo ``asked`` to :class:`HubFacts` (without the base
    chain), under the id asked (:func:`reply_id`); a reply of the wrong shape raises
    HubReplyMalformed."""
    repo_id, answered_as = reply_id(asked, getattr(info, "id", None))
    sha = getattr(info, "sha", None)
    if sha is not None and not (isinstance(sha, str) and _HEX40.fullmatch(sha)):
        raise malformed(repo_id, f"sha {_quote(sha)} is not a commit id")
    raw_tags = getattr(info, "tags", None) or []
    if not isinstance(raw_tags, list):
        raise malformed(repo_id, f"tags is {type(raw_tags).__name__}, not a list")
    for key in ("pipeline_tag", "library_name"):
        if not isinstance(getattr(info, key, None), (str, type(None))):
            raise malformed(repo_id, f"{key} is not a string")
    try:
        card = _card(info)
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


@dataclass(frozen=True)
class RepoFile:
    """A file in a repo with what the Hub says about it."""

    filename: str
    size: int | None
    sha256: str | None          # LFS sha256 (None for small non-LFS files)


def repo_files(info: Any) -> list[RepoFile]:
    """The repo's files with sizes and LFS hashes, from ``model_info(files_metadata=True)``.

    Every name must be a safe relative path, every size a whole number of bytes and every
    hash a SHA-256 digest, or the whole reply is refused (HubReplyMalformed).
    """
    repo_id = getattr(info, "id", None)
    repo_id = repo_id if isinstance(repo_id, str) else "the repository"
    out = []
    for s in getattr(info, "siblings", None) or []:
        name = getattr(s, "rfilename", None)
        if not isinstance(name, str):
            raise malformed(repo_id, f"a file has no name ({_quote(name)})")
        check_repo_filename(name, repo_id, as_path=False)
        lfs = getattr(s, "lfs", None)
        sha = lfs.get("sha256") if isinstance(lfs, dict) else getattr(lfs, "sha256", None)
        size = getattr(s, "size", None)
        if size is None and lfs is not None:
            size = lfs.get("size") if isinstance(lfs, dict) else getattr(lfs, "size", None)
        if size is not None and not _byte_count(size):
            raise malformed(repo_id, f"{_quote(name)}: size {_quote(size)} is not a byte count")
        if sha is not None and not (isinstance(sha, str) and _SHA256.fullmatch(sha.lower())):
            raise malformed(repo_id, f"{_quote(name)}: LFS sha256 {_quote(sha)} is not a digest")
        out.append(RepoFile(name, None if size is None else int(size), sha.lower() if sha else None))
    return out


def _byte_count(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1 << 62) \
        or (isinstance(value, float) and math.isfinite(value) and value.is_integer()
            and 0 <= value < 2.0 ** 62)


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs share scheme, host and port (the token is only sent to the Hub)."""
    from advisor.urls import origin

    return origin(a) == origin(b)


class RangeReader:
    """Ranged reads of one Hub file: HEAD once (auth, redirects), then GET with Range.

    Counts the bytes it receives in ``bytes_read``.

    >>> reader = RangeReader("org/repo-GGUF", "model-Q4_K_M.gguf", revision=sha)
    >>> reader(0, 1 << 20)[:4]
    b'GGUF'
    """

    def __init__(self, repo_id: str, filename: str, *, revision: str | None = None,
                 token: str | None = None) -> None:
        from huggingface_hub import get_hf_file_metadata, hf_hub_url
        from huggingface_hub.utils import build_hf_headers

        self.repo_id, self.filename, self.bytes_read = repo_id, filename, 0
        url = hf_hub_url(repo_id, filename, revision=revision)
        self.headers = build_hf_headers(token=token)
        with hub_errors(repo_id, filename):
            meta = honour_rate_limit(lambda: get_hf_file_metadata(
                url, token=token, timeout=config.hub_timeout()), f"{repo_id}/{filename}")
        self.size = meta.size
        self.location = download_location(meta.location, url, f"{repo_id}/{filename}")
        if not same_origin(url, self.location):     # a CDN: the token stays on the Hub
            self.headers.pop("authorization", None)
            self.headers.pop("Authorization", None)

    def __call__(self, offset: int, length: int) -> bytes:
        from huggingface_hub.utils import get_session, hf_raise_for_status

        if length <= 0:
            return b""
        headers = dict(self.headers, Range=f"bytes={offset}-{offset + length - 1}")
        headers["Accept-Encoding"] = "identity"
        chunks: list[bytes] = []
        got = 0
        with hub_errors(self.repo_id, self.filename):
            with get_session().stream("GET", self.location, headers=headers, timeout=config.hub_timeout(),
                                      follow_redirects=True) as response:
                if response.status_code == 416:
                    return b""
                hf_raise_for_status(response)
                skip = offset if response.status_code == 200 else 0   # server ignored Range
                for chunk in response.iter_bytes():
                    if skip:
                        cut = min(skip, len(chunk))
                        chunk, skip = chunk[cut:], skip - cut
                    chunks.append(chunk)
                    got += len(chunk)
                    if got >= length:
                        break
        self.bytes_read += got
        return b"".join(chunks)[:length]
