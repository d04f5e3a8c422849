"""Errors the advisor raises on purpose, each saying when it is raised, and the exit status
each maps to.

Two families decide the exit status: :class:`InputError` (the user's input is wrong: 2)
and :class:`OperationError` (something outside failed: 1). The named classes below refine
them, so a caller can act on what happened (stop asking an unreachable Hub, offer to
overwrite) without reading the message, and a handler of the family still catches them.

    >>> str(InputError("answers.yaml", "deployment.mode: 'cloud' is not one of ...", line=7))
    "answers.yaml:7: deployment.mode: 'cloud' is not one of ..."
    >>> exit_status(TargetExists("out/a.md")), exit_status(HubUnreachable("org/m: ..."))
    (2, 1)
    >>> isinstance(HubTimeout("org/m: the Hub did not answer in time"), HubUnreachable)
    True
"""

from __future__ import annotations

from advisor.text import clean, clip

MAX_LINE = 1000     # a value quoted in a message (a 100 kB line, say) is cut to keep one line
INTERRUPTED = 130   # the shell's status for a process ended by Ctrl-C (128 + SIGINT)


class AdvisorError(Exception):
    """Base of every expected failure: printed as one line, never as a traceback. The
    message may quote outside text (a Hub card, a template's exception): ``str(exc)`` is
    always one line with no control, bidi or escape characters."""

    exit_status = 1

    def __str__(self) -> str:
        return clean(super().__str__(), newlines=False)


class InputError(AdvisorError):
    """Bad input from the user (a file, an argument, a field): exit status 2.

    The message reads ``FILE:LINE: FIELD: PROBLEM`` where the parts are known.
    """

    exit_status = 2

    def __init__(self, file: str | None, problem: str, *, line: int | None = None,
                 field: str | None = None) -> None:
        self.file, self.problem, self.line, self.field = file, problem, line, field
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        what = f"{self.field}: " if self.field else ""
        return clip(" ".join(clean(f"{where}{what}{self.problem}").splitlines()), MAX_LINE)


class OperationError(AdvisorError):
    """Something outside the user's input failed (network, model, checksum): exit status 1.
    Its subclasses take one argument, the message."""

    exit_status = 1


# -- files ------------------------------------------------------------------------------------

EXISTS = "already exists; use --force to overwrite"


class TargetExists(InputError):
    """A file to write is there already and ``--force`` was not given (or it appeared
    while writing); nothing was written."""

    def __init__(self, file: str, problem: str = EXISTS, *, field: str | None = None) -> None:
        super().__init__(file, problem, field=field)


# -- the profiles -----------------------------------------------------------------------------

class UnknownModel(InputError):
    """A model id the user gave is not a model of the profiles (where one must be)."""


class NotHosted(InputError):
    """A model given as a hosted API model has downloadable weights (``access: weights``)."""


class KeyNotSet(InputError):
    """The environment variable that holds a hosted API model's key is not set."""


class HostedNotRepo(InputError):
    """A hosted API model's id was given where a Hub repo was expected."""


# -- the Hub ----------------------------------------------------------------------------------

class HubError(OperationError):
    """The Hub (or the server HF_ENDPOINT names) could not answer what was asked."""


class HubUnreachable(HubError):
    """The Hub cannot be reached: no connection, a network error, or a file neither in the
    local cache nor downloadable. Later Hub calls in the same run would fail alike."""


class HubTimeout(HubUnreachable):
    """The Hub did not answer within ``ADVISOR_HUB_TIMEOUT`` seconds."""


class HubOffline(HubError):
    """Offline mode is on (HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE) and the Hub was needed."""


class HubEndpointInvalid(HubError):
    """HF_ENDPOINT is not a usable http(s) URL."""


class RepoNotFound(HubError):
    """No such repository on the Hub, or it is private and the token cannot see it."""


class GatedRepo(HubError):
    """The repository is gated and the token (if any) has not been granted access."""


class RevisionNotFound(HubError):
    """The repository has no such branch, tag or commit."""


class EntryNotFound(HubError):
    """The repository has no such file."""


class RepoDisabled(HubError):
    """The Hub has disabled access to the repository."""


class HubAuthError(HubError):
    """The Hub refused the token (401: invalid or expired; 403: not permitted)."""


class HubRateLimited(HubError):
    """The Hub answered 429: too many requests for now."""


class HubHTTPError(HubError):
    """The Hub answered with an HTTP error status no other class names."""


class HubReplyMalformed(HubError):
    """The Hub's reply is not what the Hub sends: a missing or mistyped field, an ETag or
    commit that is not a digest, a file name that is not a safe relative path, more bytes
    than declared, or a server that does not answer like the Hub at all."""


class HubCacheError(HubError):
    """The local HF cache (HF_HOME, HF_HUB_CACHE) or the token file cannot be read or
    written."""


class TooMuchData(HubReplyMalformed):
    """A server sent more bytes than it declared; the download was deleted."""


# -- downloads --------------------------------------------------------------------------------

class DownloadIncomplete(OperationError):
    """A download stopped before the declared size; what arrived is kept to resume."""


class ChecksumMismatch(OperationError):
    """A downloaded or cached file's SHA-256 is not the one the Hub declares; the file was
    deleted."""


class NotEnoughSpace(OperationError):
    """The file system lacks the free space a download needs."""


# -- gates ------------------------------------------------------------------------------------

class RefusedError(AdvisorError):
    """A gate refused the request: the answers block the model (``pull --answers``), or a
    record would adopt a blocked or unknown model without ``--accept``: exit status 1."""

    exit_status = 1


def out_of_reach(exc: BaseException) -> bool:
    """Whether ``exc`` says the Hub cannot be asked now (unreachable, or offline mode on):
    the app then works offline for the rest of the session."""
    return isinstance(exc, (HubUnreachable, HubOffline))


def exit_status(exc: BaseException) -> int:
    """The process exit status for ``exc``: 2 for bad input, 1 for other failures the
    advisor expects, 130 for an interrupt (Ctrl-C)."""
    if isinstance(exc, KeyboardInterrupt):
        return INTERRUPTED
    if isinstance(exc, AdvisorError):
        return exc.exit_status
    return 1
