"""The Hugging Face Hub through huggingface_hub: repo info, file lists, ranged reads.

Every call honours the standard environment (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE,
HF_HOME, HF_HUB_CACHE) because huggingface_hub reads it; the token is passed on, never
printed. Failures become named errors (:mod:`advisor.hub.errors`); the reply is checked
(:mod:`advisor.hub.checks`) before anything in it is used.

    Example (not run)::

        files = repo_files(model_info("bartowski/Llama-3.2-1B-Instruct-GGUF"))
        reader = RangeReader("org/repo-GGUF", "model-Q4_K_M.gguf", revision=sha)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from advisor import config
from advisor.hub.checks import check_repo_filename, malformed, quoted
from advisor.hub.errors import download_location, hub_errors
from advisor.hub.ratelimit import honour_rate_limit
from advisor.text import is_sha256


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
        raise malformed(repo_id, f"a field is missing ({quoted(exc.args[0] if exc.args else '')})"
                        ) from None
    except (TypeError, ValueError, AttributeError, IndexError) as exc:
        raise malformed(repo_id, f"{type(exc).__name__}: {quoted(str(exc), 120)}") from None


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
            raise malformed(repo_id, f"a file has no name ({quoted(name)})")
        check_repo_filename(name, repo_id, as_path=False)
        lfs = getattr(s, "lfs", None)
        sha = lfs.get("sha256") if isinstance(lfs, dict) else getattr(lfs, "sha256", None)
        size = getattr(s, "size", None)
        if size is None and lfs is not None:
            size = lfs.get("size") if isinstance(lfs, dict) else getattr(lfs, "size", None)
        if size is not None and not _byte_count(size):
            raise malformed(repo_id, f"{quoted(name)}: size {quoted(size)} is not a byte count")
        if sha is not None and not is_sha256(sha):
            raise malformed(repo_id, f"{quoted(name)}: LFS sha256 {quoted(sha)} is not a digest")
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

    Example (not run)::

        reader = RangeReader("org/repo-GGUF", "model-Q4_K_M.gguf", revision=sha)
        reader(0, 1 << 20)[:4]   # b'GGUF'
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
