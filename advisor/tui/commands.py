"""The command palette's own commands (ctrl+p): navigation, answers, models.

Every model id is a command too, so typing part of an id opens its detail screen.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from advisor.text import clean, escape_markup

if TYPE_CHECKING:
    from advisor.tui.app import AdvisorApp


class AdvisorCommands(Provider):
    """Commands for the advisor app."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app = cast("AdvisorApp", self.app)
        screen = self.screen
        out: list[tuple[str, Callable[[], Any], str]] = [
            ("Interview: edit the answers", app.action_go_interview,
             "Go to the interview form"),
            ("Candidates: ranked models", app.action_go_candidates,
             "Show every model with its verdict"),
            ("Smoke test a local model", partial(app.action_smoke, None),
             "Run the prompt suite on a GGUF on this machine"),
            ("Export a decision record", app.action_export,
             "Write md, json or CycloneDX for the current model"),
            ("Help: key bindings", app.action_help, "List the keys of this screen"),
        ]
        for name, label, help_text in (
                ("save", "Save answers", "Write the answers YAML"),
                ("load", "Load answers", "Read an answers YAML"),
                ("toggle_sort", "Toggle sort order", "Best first or worst first"),
                ("cycle_filter", "Cycle verdict filter", "all, allowed, conditional, ..."),
                ("cycle_mode", "Cycle deployment mode", "What-if on the deployment mode"),
                ("toggle_commercial", "Toggle commercial use", "What-if on commercial use"),
                ("mark", "Mark or unmark the highlighted model", "For a side-by-side comparison"),
                ("compare", "Compare the marked models",
                 "Run one suite over each marked model, side by side")):
            action = getattr(screen, f"action_{name}", None)
            if callable(action):
                out.append((label, action, help_text))
        for cand in app.assessment.candidates if app.assessment is not None else ():
            out.append((f"Open model {clean(cand.model)}",
                        partial(app.action_open_model, cand.model),
                        escape_markup(f"{cand.verdict} · {cand.license}")))
        return out

    async def discover(self) -> Hits:
        for label, callback, help_text in self._commands():
            if not label.startswith("Open model"):
                yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, callback, help_text in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help_text)
