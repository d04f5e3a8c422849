"""Stopping a run from another thread: a smoke test, a comparison, a pull.

The run's callbacks go through a :class:`RunControl`; once :meth:`RunControl.cancel` is
called, the next event or progress report raises :class:`Cancelled`, and the llama.cpp
child the run spawned is stopped at once (the runner then reports it as stopped, which
the runner turns into ``Cancelled`` too).

    >>> control = RunControl()
    >>> seen = []
    >>> relay = control.events(seen.append)
    >>> relay(SmokeEvent("token", {"id": "a", "text": "Hi"}))
    >>> control.cancel()
    >>> relay(SmokeEvent("token", {"id": "a", "text": "!"}))
    Traceback (most recent call last):
    ...
    advisor.smoke.control.Cancelled: the run was cancelled
    >>> [event.data["text"] for event in seen]
    ['Hi']
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import Any

from advisor.smoke.result import SPAWNED, EventCallback, SmokeEvent


class Cancelled(Exception):
    """The user stopped the run; ``partial`` holds what finished before (a comparison's
    rows), or None."""

    def __init__(self, partial: Any = None) -> None:
        super().__init__("the run was cancelled")
        self.partial = partial


class RunControl:
    """A cancel switch shared by the thread that runs and the thread that watches."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self.child_pid: int | None = None       # the llama.cpp child running now, if any

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the run to stop: at the next event, and the running child at once."""
        self._cancel.set()
        stop_child(self.child_pid)

    def check(self) -> None:
        """Raise :class:`Cancelled` when cancel was asked."""
        if self._cancel.is_set():
            raise Cancelled()

    def events(self, on_event: EventCallback | None) -> EventCallback:
        """``on_event`` behind the switch: the child's pid is kept (for :meth:`cancel`),
        and after a cancel the next event raises instead of reaching ``on_event``."""
        def relay(event: SmokeEvent) -> None:
            if event.kind == SPAWNED:
                self.child_pid = event.data.get("pid")
            self.check()
            if on_event is not None:
                on_event(event)
        return relay

    def progress(self, report: Callable[[int, int | None], None]) -> Callable[..., None]:
        """A pull's ``progress(done, total, final=False)`` behind the switch: a cancel
        stops the download at the next report (the partial file stays and resumes)."""
        def relay(done: int, total: int | None, final: bool = False) -> None:
            if not final:
                self.check()
            report(done, total)
        return relay


def stop_child(pid: int | None) -> None:
    """Terminate a smoke child process (gone already, or not ours: nothing happens)."""
    if pid:
        try:
            os.kill(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
