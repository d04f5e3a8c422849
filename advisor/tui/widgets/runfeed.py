"""The one path from a run's worker thread to its screen (smoke and compare screens).

A worker calls :meth:`RunFeed.put` (or hands :meth:`RunFeed.event` to the runner as its
``on_event``); the feed keeps the messages in a queue, and 20 times a second posts what
came, in order, with each prompt's tokens joined into one :class:`TokensArrived`. So a
fast model never floods the screen and the interface never freezes. The messages bubble
to the screen, which handles them with ``@on(...)``.

    Example (not run)::

        feed = RunFeed()
        yield feed                                         # in compose (it is not drawn)
        run_smoke(spec, on_event=partial(feed.event, 0), control=control)   # in a worker
"""

from __future__ import annotations

from collections import deque
from typing import Any

from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from advisor.smoke.control import Cancelled
from advisor.tui.messages import (ChildSpawned, ModelLoaded, PromptDone, PromptStarted,
                                  RunCancelled, RunFailed, RunFinished, TokensArrived)

DRAIN_SECONDS = 0.05              # 20 times a second
BUDGET = 2000                     # messages taken per drain at most


class RunFeed(Widget):
    """Run events from any thread, posted on the UI thread (not drawn)."""

    DEFAULT_CSS = "RunFeed { display: none; }"

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._queue: deque[Message] = deque()

    def on_mount(self) -> None:
        self.set_interval(DRAIN_SECONDS, self.drain)

    def put(self, message: Message) -> None:
        """Queue ``message`` for the screen (safe from any thread)."""
        self._queue.append(message)

    @property
    def pending(self) -> int:
        return len(self._queue)

    def event(self, index: int, event: Any) -> None:
        """A smoke runner event (``SmokeEvent``) of candidate ``index``, as a message:
        ``on_event=partial(feed.event, 0)`` for one run, ``feed.event`` for a comparison
        (safe from any thread)."""
        message = as_message(index, event.kind, event.data)
        if message is not None:
            self._queue.append(message)

    def ended(self, worker: Worker, state: WorkerState) -> None:
        """The run's worker changed ``state``: when it ended, its result (RunFinished), the
        user's cancel (RunCancelled, with what finished) or its failure (RunFailed), after
        the events still queued."""
        if state is WorkerState.SUCCESS:
            self.put(RunFinished(worker.result))
        elif state is WorkerState.ERROR and worker.error is not None:
            error = worker.error
            self.put(RunCancelled(error.partial) if isinstance(error, Cancelled)
                     else RunFailed(error))

    def drain(self, budget: int = BUDGET) -> None:
        """Post up to ``budget`` queued messages, joining consecutive tokens per prompt."""
        pending: TokensArrived | None = None
        while self._queue and budget:
            budget -= 1
            message = self._queue.popleft()
            if isinstance(message, TokensArrived):
                if pending is not None and (pending.index, pending.prompt_id) == (
                        message.index, message.prompt_id):
                    pending = TokensArrived(pending.index, pending.prompt_id,
                                            pending.text + message.text)
                    continue
                if pending is not None:
                    self.post_message(pending)
                pending = message
                continue
            if pending is not None:
                self.post_message(pending)
                pending = None
            self.post_message(message)
        if pending is not None:
            self.post_message(pending)


def as_message(index: int, kind: str, data: dict[str, Any]) -> Message | None:
    """The message for one runner event (``advisor.smoke.result`` kinds); None for the
    runner's own DONE (the worker's result ends the run)."""
    if kind == "spawned":
        return ChildSpawned(index, data.get("pid"))
    if kind == "load_done":
        return ModelLoaded(index, dict(data))
    if kind == "prompt_start":
        return PromptStarted(index, str(data.get("id", "?")), str(data.get("prompt") or ""))
    if kind == "token":
        return TokensArrived(index, str(data.get("id", "?")), str(data.get("text", "")))
    if kind == "prompt_done":
        info = data["result"].to_dict()               # a PromptResult
        return PromptDone(index, str(info.get("id", data.get("id", "?"))), info)
    return None
