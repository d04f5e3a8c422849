"""The app's own messages: what a run and the Hub tell the screens.

A worker thread never touches a widget: it puts run events into the screen's
:class:`~advisor.tui.widgets.runfeed.RunFeed`, which posts these messages on the UI
thread (in order, a run's tokens joined), or it returns its result and the screen turns
the worker's success into a message. Screens handle them with ``@on(...)``.

``index`` is the candidate's place in a comparison (0 for a single smoke test).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


# -- a run: pulling a GGUF, then the suite on a model ------------------------------------------
@dataclass
class PullStarted(Message):
    """A GGUF build starts downloading into the Hugging Face cache."""

    repo: str
    filename: str


@dataclass
class PullProgress(Message):
    """Bytes of the pull so far, of ``total`` (None: unknown)."""

    done: int
    total: int | None


@dataclass
class PullDone(Message):
    """The file is verified and cached at ``path``."""

    path: str


@dataclass
class ChildSpawned(Message):
    """llama.cpp started in a child process (``pid``, which a cancel stops)."""

    index: int
    pid: int | None


@dataclass
class ModelLoaded(Message):
    """The model is loaded: backend, GPU layers, threads, context (the runner's data)."""

    index: int
    info: dict[str, Any]


@dataclass
class PromptStarted(Message):
    """One prompt of the suite starts; ``prompt`` is its user text (untrusted)."""

    index: int
    prompt_id: str
    prompt: str


@dataclass
class TokensArrived(Message):
    """The model's output for a prompt since the last message (untrusted text)."""

    index: int
    prompt_id: str
    text: str


@dataclass
class PromptDone(Message):
    """A prompt finished: its result (``PromptResult.to_dict()``: output, checks, speed)."""

    index: int
    prompt_id: str
    result: dict[str, Any]


@dataclass
class CandidateStarted(Message):
    """A comparison starts its candidate ``index``."""

    index: int


@dataclass
class CandidateDone(Message):
    """A comparison finished its candidate ``index``: its row (figures or error)."""

    index: int
    row: Any


@dataclass
class RunFinished(Message):
    """The run ended: a smoke result document (``advisor.smoke/1``) or a Comparison."""

    result: Any


@dataclass
class RunCancelled(Message):
    """The user stopped the run; ``partial`` is what finished (a comparison), or None."""

    partial: Any = None


@dataclass
class RunFailed(Message):
    """The run raised: the app's worker handler shows the error; the screen resets."""

    error: BaseException


# -- the Hub ------------------------------------------------------------------------------------
@dataclass
class HubFactsArrived(Message):
    """What the Hub says of ``repo_id`` (a :class:`~advisor.hub.facts.HubFacts`)."""

    repo_id: str
    facts: Any


@dataclass
class BuildsListed(Message):
    """A model's GGUF builds: on the Hub (``hub=True``: the ``advisor ggufs`` report's
    files) or on this machine (LocalBuild), and warnings to show."""

    builds: list[Any]
    warnings: list[str]
    hub: bool
