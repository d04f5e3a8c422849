"""What every screen of the app shares: its workers' failures go to the app.

Textual tells a worker's state only to the node that started it; a screen relays a
failure to the app, whose one handler (``AdvisorApp._worker_failed``) shows it in an
error modal, unless the screen shows that worker's failure in place itself (its group
is in :attr:`AdvisorScreen.FAILURES_IN_PLACE`: the Hub tab saying "Hub: not found").
Workers raise; they do not catch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from advisor.tui.app import AdvisorApp


class AdvisorScreen(Screen[None]):
    """A screen of the app (see the module)."""

    FAILURES_IN_PLACE: ClassVar[frozenset[str]] = frozenset()

    if TYPE_CHECKING:
        @property
        def app(self) -> AdvisorApp:      # the app of every AdvisorScreen, typed
            ...

    def model_id(self) -> str | None:
        """The model this screen is about (a record or a smoke test would be for it)."""
        return None

    @on(Worker.StateChanged)
    def _relay_failure(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.app.post_message(Worker.StateChanged(event.worker, event.state))
