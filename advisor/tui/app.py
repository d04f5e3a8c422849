"""The Textual application: holds the answers and the assessment, wires the screens.

    Example (not run)::

        app = AdvisorApp(AppSettings(offline=True, hardware=simulated_hardware(ram_gb=16)))
        app.run()
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from advisor import config
from advisor.config import STYLES_DIR
from advisor.errors import AdvisorError, out_of_reach
from advisor.machine.hardware import GIB, Hardware, simulated_hardware
from advisor.text import clean
from advisor.tui.commands import AdvisorCommands
from advisor.tui.settings import AppSettings
from advisor.tui.state import AppState

if TYPE_CHECKING:
    from advisor.answers import Answers
    from advisor.assessment.result import Assessment, Candidate
    from advisor.knowledge.model import KnowledgeBase
    from advisor.recommend import Recommendation

STYLE_FILES = ("app.tcss", "interview.tcss", "candidates.tcss", "detail.tcss",
               "smoke.tcss", "export.tcss", "compare.tcss")


class AdvisorApp(App[int]):
    """Interview -> candidates -> model detail -> pull and smoke -> export."""

    TITLE = "advisor"
    SUB_TITLE = "open-weight model adoption"
    CSS_PATH = [STYLES_DIR / name for name in STYLE_FILES]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]   # styles adapt to 80 columns
    COMMANDS = App.COMMANDS | {AdvisorCommands}
    BINDINGS = [
        Binding("f1", "help", "Help", priority=True, id="app.help"),
        Binding("ctrl+q", "quit_asking", "Quit", priority=True, id="app.quit"),
    ]

    def __init__(self, settings: AppSettings | None = None, *, kb: KnowledgeBase | None = None,
                 answers: Answers | None = None) -> None:
        super().__init__()
        self.settings = settings or AppSettings()
        self.state = AppState(kb=kb, answers=answers)
        self.assessment_changed: Signal[Any] = Signal(self, "assessment-changed")
        self._offline_told = False
        self._recommended: tuple[Any, Hardware, Recommendation] | None = None
        self.machine: Hardware = self.settings.resolved_hardware()
        from advisor.tui.prefs import load_prefs

        self.prefs = load_prefs(self.settings.resolved_config_dir())

    # -- the session's state (advisor.tui.state), read by the screens ---------------------
    @property
    def kb(self) -> KnowledgeBase | None:
        return self.state.kb

    @property
    def answers(self) -> Answers | None:
        return self.state.answers

    @property
    def assessment(self) -> Assessment | None:
        return self.state.assessment

    def format_title(self, title: str, sub_title: str):
        """The header's title, every screen's included: one clean line (a model id or a
        file name in a ``sub_title`` cannot send an escape, bidi or zero-width character
        to the terminal)."""
        from advisor.text import one_line

        return super().format_title(one_line(title), one_line(sub_title))

    @property
    def hardware(self) -> Hardware:
        """The memory fit is judged against: the answers' override, else this machine."""
        override = self.answers.hardware if self.answers is not None else None
        if override is None:
            return self.machine
        ram = (override.ram_gb if override.ram_gb is not None
               else self.machine.ram_total_bytes / GIB)
        return simulated_hardware(ram_gb=ram, vram_gb=override.vram_gb or 0.0)

    # -- lifecycle ---------------------------------------------------------------------
    def on_mount(self) -> None:
        from advisor.tui.screens.candidates import CandidatesScreen
        from advisor.tui.screens.interview import InterviewScreen

        if self.prefs.theme in self.available_themes:
            self.theme = self.prefs.theme
        self.watch(self, "theme", self._theme_changed, init=False)
        self.apply_keymap()

        try:
            self._load_core()
        except AdvisorError as exc:
            from advisor.tui.screens.error import ErrorScreen

            self.push_screen(ErrorScreen("The knowledge base could not be loaded", str(exc)))
            return
        self.push_screen(InterviewScreen())
        self.tell_overrides()
        if self.settings.answers_path is not None:
            self.push_screen(CandidatesScreen())
        if self.settings.resolved_offline():
            variable = config.hub_offline_variable()
            self.tell_offline(f"{variable} is set" if variable else "")
        elif self.settings.offline is None:       # unknown: ask the Hub in the background
            self.probe_hub()

    @work(thread=True, exclusive=True, group="hub-probe")
    def probe_hub(self) -> None:
        """Ask the Hub endpoint once, in the background; unreachable: say offline once."""
        from advisor.tui.settings import hub_reachable

        if not hub_reachable():
            self.call_from_thread(self.tell_offline, "the Hub cannot be reached")

    def _load_core(self) -> None:
        from advisor.answers import example_answers, load_answers
        from advisor.knowledge import load_knowledge

        state = self.state
        if state.kb is None:
            state.kb = load_knowledge(extra_dirs=self.settings.profile_dirs)
        if state.answers is None:
            if self.settings.answers_path is not None:
                state.answers = load_answers(self.settings.answers_path,
                                             use_case_ids=self.use_case_ids())
            else:
                state.answers = example_answers()
                state.example_loaded = True
        state.saved_answers = state.answers
        state.assessment = self._assess(state.answers)

    def apply_keymap(self) -> None:
        """Your keys from the preferences' ``keymap`` (advisor.tui.prefs); entries that
        name no binding of the app, or that could not be read, are said once."""
        from advisor.tui.keys import unknown_ids

        keymap = self.prefs.keymap
        problems = [*self.prefs.problems, *(f"{i!r}: no such binding id"
                                            for i in unknown_ids(keymap))]
        self.set_keymap(keymap)
        if problems:
            where = self.settings.resolved_config_dir() / "tui.json"
            self.notify(clean(f"{where}: " + "; ".join(problems[:5])),
                        title="Preferences: left out", severity="warning", timeout=12,
                        markup=False)

    # -- state -------------------------------------------------------------------------
    def use_case_ids(self) -> tuple[str, ...]:
        from advisor.answers import CORE_USE_CASES

        return (tuple(self.kb.use_cases) if self.kb is not None else ()) or CORE_USE_CASES

    def _assess(self, answers: Answers) -> Assessment:
        from time import perf_counter

        from advisor.assessment import assess

        start = perf_counter()
        result = assess(answers, self.kb, hub_facts=self.state.hub_facts or None,
                        today=self.settings.record_date or config.today_iso())
        self.state.last_assess_ms = (perf_counter() - start) * 1000
        return result

    def set_answers(self, answers: Answers) -> None:
        """Replace the answers, re-assess every model and tell the screens."""
        if answers == self.answers and self.assessment is not None:
            return
        try:
            assessment = self._assess(answers)
        except Exception as exc:  # noqa: BLE001 - keep the last good ranking on screen
            self.notify(f"Assessment failed: {type(exc).__name__}: {clean(exc)}",
                        title="Error", severity="error", timeout=10, markup=False)
            return
        self.state.answers = answers
        self.state.assessment = assessment
        self.assessment_changed.publish(assessment)

    @property
    def recommendation(self) -> Recommendation | None:
        """The recommendation of the current assessment on :attr:`hardware` (computed
        once per assessment and hardware; pure and fast, advisor.recommend)."""
        hardware = self.hardware
        cached = self._recommended
        if cached is not None and cached[0] is self.assessment and cached[1] == hardware:
            return cached[2]
        if self.assessment is None or self.kb is None:
            return None
        from advisor.recommend import recommend

        result = recommend(self.assessment, self.kb, hardware, top=10)
        self._recommended = (self.assessment, hardware, result)
        return result

    def add_hub_facts(self, repo_id: str, facts: Any) -> None:
        """Hub facts reached us: re-assess so verdicts can use them."""
        self.state.hub_facts[repo_id] = facts
        try:
            assessment = self._assess(self.state.answers)
        except Exception as exc:  # noqa: BLE001 - keep the previous assessment
            self.notify(f"Re-assessment with Hub facts failed: {clean(exc)}",
                        severity="warning", markup=False)
            return
        self.state.assessment = assessment
        self.assessment_changed.publish(assessment)

    def candidate(self, model_id: str) -> Candidate | None:
        return self.state.candidate(model_id)

    def tell_overrides(self) -> None:
        """Your own profiles that replace shipped ones: said at launch, never silently."""
        overrides = self.kb.overrides if self.kb is not None else ()
        if not overrides:
            return
        lines = [f"{o.kind} {o.id} ← {o.file} (sha256 {o.sha256[:12]}…)"
                 for o in overrides[:5]]
        more = f"\n…and {len(overrides) - 5} more" if len(overrides) > 5 else ""
        self.notify(clean("\n".join(lines)) + more, title="Your profiles replace shipped ones",
                    severity="warning", timeout=20, markup=False)

    def tell_offline(self, reason: str = "") -> None:
        """Say once that the Hub is out of reach; later calls are silent."""
        self.settings.offline = True
        if self._offline_told:
            return
        self._offline_told = True
        why = f" ({reason})" if reason else ""
        self.notify(f"Working offline{why}: Hub metadata and downloads are off; "
                    "assessment, local smoke tests and records still work.",
                    title="Offline", severity="warning", timeout=8)

    # -- the one handler of failed workers ---------------------------------------------
    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A worker raised (the app's own, or a screen's, relayed by AdvisorScreen): an
        unreachable Hub means offline; the failure is said in an error notification (titled
        with the worker's description) unless the screen shows it in place. A cancel the
        user asked for is no failure. The app keeps running either way."""
        from advisor.smoke.control import Cancelled
        from advisor.tui.screens.base import AdvisorScreen

        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None or isinstance(error,
                                                                               Cancelled):
            return
        if out_of_reach(error):
            self.tell_offline("the Hub cannot be reached")
        node = event.worker.node
        if isinstance(node, AdvisorScreen) and event.worker.group in node.FAILURES_IN_PLACE:
            return
        self.notify(clean(str(error) or type(error).__name__),
                    title=clean(event.worker.description or "A task failed"),
                    severity="error", timeout=10, markup=False)

    # -- navigation actions (also used by the command palette) ---------------------------
    def action_help(self) -> None:
        from advisor.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_go_interview(self) -> None:
        from advisor.tui.screens.interview import InterviewScreen

        self._pop_to(InterviewScreen)

    def action_go_candidates(self) -> None:
        from advisor.tui.screens.candidates import CandidatesScreen

        if not self._pop_to(CandidatesScreen):
            self.push_screen(CandidatesScreen())

    def action_open_model(self, model_id: str) -> None:
        from advisor.tui.screens.detail import DetailScreen

        if self.candidate(model_id) is None:
            self.notify(f"No model {clean(model_id)!r} in the profiles", severity="error",
                        markup=False)
            return
        self.action_go_candidates()
        self.push_screen(DetailScreen(model_id))

    def action_smoke(self, model_id: str | None = None, gguf: dict | None = None) -> None:
        from advisor.tui.screens.smoke import SmokeScreen

        profile = self.state.profile(model_id)
        if profile is not None and profile.access == "api":
            # A hosted model has no GGUF: its suite runs against the API, as in compare.
            self.notify("A hosted API model runs its suite through its endpoint: the compare "
                        "screen does that (s runs it).", title="Smoke test")
            self.action_compare([profile.id])
            return
        self.push_screen(SmokeScreen(model_id=model_id, gguf=gguf))

    def action_compare(self, model_ids: list[str]) -> None:
        """The marked models side by side (advisor.tui.screens.compare)."""
        from advisor.tui.screens.compare import CompareScreen

        self.push_screen(CompareScreen(model_ids))

    def action_export(self, model_id: str | None = None,
                      comparison: dict[str, Any] | None = None) -> None:
        """The export screen for ``model_id``; ``comparison`` (an advisor.comparison/1
        document) is offered to the record, ticked."""
        from advisor.tui.screens.export import ExportScreen

        model_id = model_id or self.current_model_id()
        if model_id is None:
            self.notify("Pick a model first (highlight one in the candidates table)",
                        severity="warning")
            return
        self.push_screen(ExportScreen(model_id, comparison=comparison))

    def current_model_id(self) -> str | None:
        """The model the user is looking at, on whichever screen."""
        from advisor.tui.screens.base import AdvisorScreen

        for screen in reversed(self.screen_stack):
            model_id = screen.model_id() if isinstance(screen, AdvisorScreen) else None
            if model_id:
                return model_id
        return None

    def _pop_to(self, screen_type: type) -> bool:
        stack = self.screen_stack
        if not any(isinstance(s, screen_type) for s in stack):
            return False
        while not isinstance(self.screen, screen_type):
            self.pop_screen()
        return True

    def save_answers(self, path: Path, *, force: bool = False) -> Path:
        from advisor.answers import dump_answers

        written = dump_answers(self.answers, path, force=force)
        self.answers_stored(written)
        return written

    def answers_stored(self, path: Path) -> None:
        """The answers on screen are now those in ``path`` (saved or loaded)."""
        self.state.saved_answers = self.state.answers
        self.remember(last_answers=str(Path(path).resolve()))

    @property
    def unsaved(self) -> bool:
        return self.state.unsaved

    # -- preferences and quitting ------------------------------------------------------
    def remember(self, **changes: Any) -> None:
        """Keep preferences for the next launch (the config dir; silent when unwritable)."""
        from advisor.tui.prefs import save_prefs

        prefs = self.prefs.changed(**changes)
        if prefs == self.prefs:
            return
        self.prefs = prefs
        save_prefs(self.settings.resolved_config_dir(), prefs)

    def _theme_changed(self, theme: str) -> None:
        self.remember(theme=theme)

    def action_quit_asking(self) -> None:
        """ctrl+q: quit, asking first when the answers changed since they were saved."""
        from advisor.tui.screens.confirm import Confirm

        if not self.unsaved:
            self.exit(0)
            return
        if isinstance(self.screen, Confirm):
            return
        self.push_screen(Confirm("Quit without saving?",
                                 "The answers changed since they were last saved or loaded. "
                                 "Quit and lose the changes? (ctrl+s on the interview saves.)",
                                 yes="Quit", no="Stay"),
                         lambda yes: self.exit(0) if yes else None)
