"""One model in full: findings with their cited clauses, obligations, openness,
Hub metadata and GGUF builds (the last two fetched in workers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import (DataTable, Footer, Header, LoadingIndicator, Static, TabbedContent,
                             TabPane)
from textual.worker import Worker, WorkerState

from advisor.text import clean
from advisor.tui.messages import BuildsListed, HubFactsArrived
from advisor.tui.screens.base import AdvisorScreen
from advisor.tui.widgets.detail_head import head_text, openness_text, override_notes
from advisor.tui.widgets.findings import FindingItem, FindingList, OpennessGrid, finding_words
from advisor.tui.widgets.hub_view import (HUB_COLUMNS, LOCAL_COLUMNS, GGUFBuild, facts_text,
                                          hub_builds, hub_row, local_row)

if TYPE_CHECKING:
    from advisor.assessment.result import Finding

SCROLL_BOXES = {"findings": "#findings-box", "obligations": "#obligations-box",
                "openness": "#openness-box", "hub": "#hub-box", "ggufs": "#gguf-table"}
ESTIMATE_CTX = 4096               # the context the Hub builds' memory is estimated at


class DetailScreen(AdvisorScreen):
    """Everything about one candidate."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="detail.back"),
        Binding("1", "tab('findings')", "Tabs", key_display="1-5", id="detail.findings"),
        Binding("t", "smoke", "Smoke", id="detail.smoke"),
        Binding("p", "pull", "Pull", show=False, id="detail.pull"),
        Binding("e", "export", "Export", id="detail.export"),
        Binding("y", "copy_finding", "Copy", id="detail.copy"),
        Binding("u", "copy_url", "Copy URL", show=False, id="detail.copy-url"),
        Binding("o", "open_url", "Open URL", show=False, id="detail.open-url"),
        Binding("r", "reload_hub", "Retry Hub", show=False, id="detail.retry-hub"),
        Binding("pagedown", "scroll('page_down')", "Scroll", show=False,
                id="detail.page-down"),
        Binding("pageup", "scroll('page_up')", show=False, id="detail.page-up"),
        Binding("down", "scroll('scroll_down')", show=False, id="detail.down"),
        Binding("up", "scroll('scroll_up')", show=False, id="detail.up"),
        Binding("end", "scroll('scroll_end')", show=False, id="detail.end"),
        Binding("home", "scroll('scroll_home')", show=False, id="detail.home"),

        Binding("2", "tab('obligations')", "Obligations", show=False,
                id="detail.obligations"),
        Binding("3", "tab('openness')", "Openness", show=False, id="detail.openness"),
        Binding("4", "tab('hub')", "Hub", show=False, id="detail.hub"),
        Binding("5", "tab('ggufs')", "GGUF", show=False, id="detail.ggufs"),
    ]
    # An unreachable or unknown repo is said in the Hub and GGUF tabs, not in a modal.
    FAILURES_IN_PLACE: ClassVar[frozenset[str]] = frozenset({"hub-facts", "hub-ggufs"})

    def __init__(self, model_id: str) -> None:
        super().__init__()
        self._model_id = model_id
        self.ggufs: list[GGUFBuild] = []

    def model_id(self) -> str:
        return self._model_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="detail-head")
        with TabbedContent(initial="findings", id="detail-tabs"):
            with TabPane("Findings", id="findings"):
                yield VerticalScroll(id="findings-box")
            with TabPane("Obligations", id="obligations"):
                yield VerticalScroll(Static("", id="obligations-text"), id="obligations-box")
            with TabPane("Openness", id="openness"):
                yield VerticalScroll(Static("", id="openness-head"), id="openness-box")
            with TabPane("Hub", id="hub"):
                yield VerticalScroll(Static("", id="hub-text"), id="hub-box")
            with TabPane("GGUF builds", id="ggufs"):
                yield Static("", id="gguf-status")
                yield LoadingIndicator(id="gguf-loading")
                yield DataTable(id="gguf-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self._model_id
        self._gguf_columns(HUB_COLUMNS)
        self.query_one("#gguf-loading").display = False
        self.app.assessment_changed.subscribe(self, lambda _a: self.show_candidate())
        self.show_candidate()
        self.load_hub()

    # -- the assessment part (synchronous, fast) -----------------------------------------------
    def show_candidate(self) -> None:
        cand = self.app.candidate(self._model_id)
        if cand is None:
            self.query_one("#detail-head", Static).update(
                Text(f"{clean(self._model_id)}: not in the current assessment"))
            return
        profile = self.app.state.profile(cand.model)
        notes = override_notes(self.app.kb, self.app.assessment, cand)
        self.query_one("#detail-head", Static).update(head_text(cand, profile, notes))

        box = self.query_one("#findings-box", VerticalScroll)
        box.remove_children()
        box.mount(FindingList(cand.findings))

        if cand.obligations:
            text = Text("\n".join(f"• {clean(ob)}" for ob in cand.obligations))
        else:
            text = "No obligations beyond keeping the license text and notices."
        self.query_one("#obligations-text", Static).update(text)

        openness = cand.openness
        self.query_one("#openness-head", Static).update(openness_text(openness))
        openness_box = self.query_one("#openness-box", VerticalScroll)
        for old in openness_box.query(OpennessGrid):
            old.remove()
        details = profile.openness if profile is not None else {}
        openness_box.mount(OpennessGrid(openness.components, details, classes="openness-grid"))

    # -- the Hub part (workers) -----------------------------------------------------------------
    def _hosted_api(self) -> Any:
        """The profile's ``api`` access when the model is a hosted API model, else None."""
        profile = self.app.state.profile(self._model_id)
        return profile.api if profile is not None and profile.access == "api" else None

    def show_hosted(self, api: Any) -> None:
        """A hosted API model has no Hub repo and no GGUF builds: say how to reach it."""
        self.query_one("#hub-text", Static).update(Text(clean(
            f"A hosted API model run by {api.provider}: it is not on the Hugging Face Hub. "
            f"Its OpenAI-compatible endpoint is {api.base_url} (model {api.model}, key from "
            f"{api.key_env}). Mark it with space in the candidates table and press v to "
            f"compare it with other models, or run `advisor compare --api {self._model_id}`."
            + (f" Model list: {api.docs}" if api.docs else ""))))
        self.query_one("#gguf-status", Static).update(
            "No GGUF builds: the weights of a hosted API model are not released.")
        self.query_one("#gguf-loading").display = False

    def load_hub(self) -> None:
        hub_text = self.query_one("#hub-text", Static)
        api = self._hosted_api()
        if api is not None:
            self.show_hosted(api)
            return
        if self.app.settings.resolved_offline():
            from advisor import config

            variable = config.hub_offline_variable()
            retry = (f"Unset {variable} and press r to retry." if variable
                     else "Press r to retry when the Hub can be reached.")
            hub_text.update("Offline: Hub metadata is not fetched. Everything above comes from "
                            f"the profiles. {retry}")
            self.query_one("#gguf-status", Static).update(
                "Offline: the Hub's GGUF builds cannot be listed. Looking for files of this "
                "model already on this machine…")
            self.fetch_local()
            return
        hub_text.update("Asking the Hub…")
        self.query_one("#gguf-status", Static).update("Reading GGUF headers from the Hub…")
        self.query_one("#gguf-loading").display = True
        self.fetch_facts()
        self.fetch_ggufs()

    def action_reload_hub(self) -> None:
        from advisor import config

        if not config.hub_offline():
            self.app.settings.offline = False
        self.load_hub()

    @work(thread=True, exclusive=True, group="hub-facts", exit_on_error=False,
          description="Hub metadata")
    def fetch_facts(self) -> None:
        from advisor.hub.facts import fetch_hub_facts

        self.post_message(HubFactsArrived(self._model_id, fetch_hub_facts(self._model_id)))

    @work(thread=True, exclusive=True, group="hub-ggufs", exit_on_error=False,
          description="GGUF builds")
    def fetch_local(self) -> None:
        """Offline: the files of this model already on this machine."""
        from advisor.smoke.builds import local_builds

        self.post_message(BuildsListed(local_builds(self._model_id, self.app.kb), [],
                                       hub=False))

    @work(thread=True, exclusive=True, group="hub-ggufs", exit_on_error=False,
          description="GGUF builds")
    def fetch_ggufs(self) -> None:
        """The Hub's GGUF builds of this model (its profile's GGUF repos when it has none
        itself), each with its memory estimate and fit."""
        from advisor.hub.catalog import gguf_report

        app = self.app
        hardware = app.hardware
        if app.settings.hardware is None and app.answers.hardware is None:
            from advisor.machine.hardware import detect_hardware

            hardware = detect_hardware()     # this machine, llama.cpp asked about offload
        report = gguf_report(self._model_id, ctx=ESTIMATE_CTX, hardware=hardware,
                             profile=app.state.profile(self._model_id))
        self.post_message(BuildsListed(hub_builds(report, self._model_id),
                                       list(report.get("warnings") or []), hub=True))

    @on(HubFactsArrived)
    def _facts_ready(self, message: HubFactsArrived) -> None:
        self.query_one("#hub-text", Static).update(facts_text(message.facts))
        self.app.add_hub_facts(message.repo_id, message.facts)

    def _gguf_columns(self, columns: tuple[tuple[str, str], ...]) -> DataTable:
        """The GGUF table, emptied, with headings that say what its columns hold."""
        table = self.query_one("#gguf-table", DataTable)
        table.clear(columns=True)
        for label, key in columns:
            table.add_column(label, key=key)
        return table

    @on(BuildsListed)
    def _builds_ready(self, message: BuildsListed) -> None:
        if message.hub:
            self._ggufs_ready(message.builds, "\n".join(message.warnings))
        else:
            self._local_ready(message.builds, "")

    def _local_ready(self, builds: list[Any], problem: str) -> None:
        from advisor.smoke.builds import ESTIMATE_CTX as LOCAL_CTX

        table = self._gguf_columns(LOCAL_COLUMNS)
        for build in builds:
            table.add_row(*local_row(build))
        if builds:
            status = (f"Offline: {len(builds)} file(s) of this model on this machine; memory "
                      f"is the estimate of a CPU run at context {LOCAL_CTX:,}. t "
                      "runs the smoke test on one.")
        else:
            status = ("Offline: no file of this model on this machine. t runs the smoke test "
                      "on a local file (the local demo model works offline).")
        if problem:
            status += f"\nThe local scan failed: {problem}"
        self.query_one("#gguf-status", Static).update(Text(clean(status)))

    def _ggufs_ready(self, builds: list[GGUFBuild], note: str) -> None:
        self.ggufs = builds
        self.query_one("#gguf-loading").display = False
        table = self._gguf_columns(HUB_COLUMNS)
        for build in builds:
            table.add_row(*hub_row(build))
        status = f"{len(builds)} GGUF files; p pulls the highlighted one and runs the smoke test."
        if not builds:
            status = "No GGUF builds found."
        if note:
            status += "\n" + note
        self.query_one("#gguf-status", Static).update(Text(clean(status)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A Hub worker failed: said in its tab (the app handler tells offline)."""
        if event.state is not WorkerState.ERROR:
            return
        message = str(event.worker.error)
        if event.worker.group == "hub-facts":
            self.query_one("#hub-text", Static).update(Text(f"Hub: {clean(message)}",
                                                            style="yellow"))
        elif event.worker.name == "fetch_local":
            self._local_ready([], message)
        elif event.worker.group == "hub-ggufs":
            self._ggufs_ready([], message)

    # -- actions --------------------------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._focus_pane(tab)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._focus_pane(event.pane.id or "")

    def _focus_pane(self, tab: str) -> None:
        selector = SCROLL_BOXES.get(tab)
        if selector:
            self.query_one(selector).focus(scroll_visible=False)

    def action_scroll(self, how: str) -> None:
        """Scroll the open tab from anywhere on the screen (keys, PageDown, Home, End)."""
        tab = self.query_one(TabbedContent).active
        widget = self.query_one(SCROLL_BOXES.get(tab, "#findings-box"))
        if isinstance(widget, DataTable) and how in ("scroll_down", "scroll_up"):
            widget.action_cursor_down() if how == "scroll_down" else widget.action_cursor_up()
            return
        method = getattr(widget, f"action_{how}", None) or getattr(widget, how)
        method()

    def current_finding(self) -> Finding | None:
        """The focused finding, else the first one in view."""
        focused = self.app.focused
        if isinstance(focused, FindingItem):
            return focused.finding
        box = self.query_one("#findings-box", VerticalScroll)
        items = list(box.query(FindingItem))
        for item in items:
            if item.region.y + item.region.height > box.region.y and \
                    item.virtual_region.y + item.virtual_region.height > box.scroll_y:
                return item.finding
        return items[0].finding if items else None

    def action_copy_finding(self) -> None:
        finding = self.current_finding()
        if finding is None:
            self.notify("No finding to copy", severity="warning")
            return
        self.app.copy_to_clipboard(finding_words(finding))
        self.notify(f"Copied the {clean(finding.code)} finding", timeout=3, markup=False)

    def action_copy_url(self) -> None:
        url = self._finding_url()
        if url:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}", timeout=3, markup=False)

    def action_open_url(self) -> None:
        url = self._finding_url()
        if url:
            self.app.open_url(url)
            self.notify(f"Opening {url}", timeout=3, markup=False)

    def _finding_url(self) -> str | None:
        finding = self.current_finding()
        url = finding.source.url if finding is not None else None
        if not url:
            self.notify("This finding cites no URL", severity="warning")
            return None
        return clean(url)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_smoke(self) -> None:
        self.app.action_smoke(self._model_id)

    def action_export(self) -> None:
        self.app.action_export(self._model_id)

    @on(DataTable.RowSelected, "#gguf-table")
    def _gguf_chosen(self) -> None:
        self.action_pull()

    def action_pull(self) -> None:
        table = self.query_one("#gguf-table", DataTable)
        if not self.ggufs:
            self.query_one(TabbedContent).active = "ggufs"
            self.notify("No GGUF build to pull: see the GGUF builds tab", severity="warning")
            return
        build = self.ggufs[min(max(table.cursor_row, 0), len(self.ggufs) - 1)]
        self.app.action_smoke(self._model_id, gguf={"repo": build.repo,
                                                    "filename": build.filename,
                                                    "bytes": build.bytes,
                                                    "sha256": build.sha256})

