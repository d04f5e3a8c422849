"""One model in full: findings with their cited clauses, obligations, openness,
Hub metadata and GGUF builds (the last two fetched in workers)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import (DataTable, Footer, Header, LoadingIndicator, Static, TabbedContent,
                             TabPane)

from advisor.tui import hubapi
from advisor.tui.rows import format_bytes, format_parameters
from advisor.tui.widgets.badges import fit_text, mof_text, osaid_text, verdict_text
from advisor.tui.widgets.findings import FindingList, OpennessGrid


class DetailScreen(Screen[None]):
    """Everything about one candidate."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("t", "smoke", "Smoke test"),
        Binding("p", "pull", "Pull + smoke GGUF"),
        Binding("e", "export", "Export"),
        Binding("r", "reload_hub", "Retry Hub"),
        Binding("1", "tab('findings')", "Findings", show=False),
        Binding("2", "tab('obligations')", "Obligations", show=False),
        Binding("3", "tab('openness')", "Openness", show=False),
        Binding("4", "tab('hub')", "Hub", show=False),
        Binding("5", "tab('ggufs')", "GGUF", show=False),
    ]

    def __init__(self, model_id: str) -> None:
        super().__init__()
        self._model_id = model_id
        self.ggufs: list[hubapi.GGUFBuild] = []

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
        table = self.query_one("#gguf-table", DataTable)
        for label, key in (("File", "file"), ("Quant", "quant"), ("Size", "size"),
                           ("Memory", "memory"), ("Fit", "fit")):
            table.add_column(label, key=key)
        self.query_one("#gguf-loading").display = False
        self.app.assessment_changed.subscribe(self, lambda _a: self.show_candidate())
        self.show_candidate()
        self.load_hub()

    # -- the assessment part (synchronous, fast) -----------------------------------------------
    def show_candidate(self) -> None:
        cand = self.app.candidate(self._model_id)
        if cand is None:
            self.query_one("#detail-head", Static).update(
                f"{self._model_id}: not in the current assessment")
            return
        profile = self.app.kb.find_model(cand.model) if self.app.kb else None
        head = Text()
        head.append(cand.model, style="bold")
        head.append("  ")
        head.append_text(verdict_text(cand.verdict))
        counts = cand.counts()
        head.append(f"   {counts['block']} block · {counts['condition']} condition · "
                    f"{counts['info']} info", style="dim")
        head.append("\n")
        facts = [f"{cand.vendor or '?'} · {cand.family or '?'}",
                 f"{format_parameters(cand.parameters)} parameters",
                 f"license {cand.license}"]
        if profile is not None and profile.context_length:
            facts.append(f"context {profile.context_length:,}")
        if profile is not None and profile.released:
            facts.append(f"released {profile.released}")
        if profile is not None and profile.gated:
            facts.append("gated on the Hub")
        if cand.basis != "profile" and cand.based_on:
            facts.append(f"assessed as {cand.based_on}")
        head.append(" · ".join(facts), style="")
        self.query_one("#detail-head", Static).update(head)

        box = self.query_one("#findings-box", VerticalScroll)
        box.remove_children()
        box.mount(FindingList(cand.findings))

        if cand.obligations:
            text = "\n".join(f"• {ob}" for ob in cand.obligations)
        else:
            text = "No obligations beyond keeping the license text and notices."
        self.query_one("#obligations-text", Static).update(text)

        openness = cand.openness
        head_text = Text("OSAID 1.0: ", style="bold")
        head_text.append_text(osaid_text(openness.osaid))
        head_text.append("    MOF class: ", style="bold")
        head_text.append_text(mof_text(openness.mof_class))
        for reason in getattr(openness, "reasons", ()):
            head_text.append(f"\n  · {reason}", style="dim")
        self.query_one("#openness-head", Static).update(head_text)
        openness_box = self.query_one("#openness-box", VerticalScroll)
        for old in openness_box.query(OpennessGrid):
            old.remove()
        details = profile.openness if profile is not None else {}
        openness_box.mount(OpennessGrid(openness.components, details, classes="openness-grid"))

    # -- the Hub part (workers) -----------------------------------------------------------------
    def load_hub(self) -> None:
        hub_text = self.query_one("#hub-text", Static)
        if self.app.settings.resolved_offline():
            hub_text.update("Offline: Hub metadata is not fetched. Everything above comes from "
                            "the shipped profiles. Unset HF_HUB_OFFLINE and press r to retry.")
            self.query_one("#gguf-status", Static).update(
                "Offline: GGUF builds are listed from the Hub. Press t to smoke test a model "
                "already on this machine (the local demo model works offline).")
            return
        hub_text.update("Asking the Hub…")
        self.query_one("#gguf-status", Static).update("Reading GGUF headers from the Hub…")
        self.query_one("#gguf-loading").display = True
        self.fetch_facts()
        self.fetch_ggufs()

    def action_reload_hub(self) -> None:
        from advisor.tui.settings import hub_offline_by_env

        if not hub_offline_by_env():
            self.app.settings.offline = False
        self.load_hub()

    @work(thread=True, exclusive=True, group="hub-facts")
    def fetch_facts(self) -> None:
        try:
            facts = hubapi.fetch_facts(self._model_id)
        except Exception as exc:  # noqa: BLE001 - shown, never raised
            self.app.call_from_thread(self._facts_failed, str(exc))
            return
        self.app.call_from_thread(self._facts_ready, facts)

    def _facts_ready(self, facts: Any) -> None:
        self.query_one("#hub-text", Static).update(hubapi.facts_text(facts))
        self.app.add_hub_facts(self._model_id, facts)

    def _facts_failed(self, message: str) -> None:
        self.query_one("#hub-text", Static).update(Text(f"Hub: {message}", style="yellow"))
        if hubapi.looks_offline(message):
            self.app.tell_offline("the Hub cannot be reached")

    @work(thread=True, exclusive=True, group="hub-ggufs")
    def fetch_ggufs(self) -> None:
        app: Any = self.app
        profile = app.kb.find_model(self._model_id) if app.kb else None
        detected = app.settings.hardware is None and getattr(app.answers, "hardware", 1) is None
        try:
            builds, warnings = hubapi.list_builds(self._model_id, app.hardware, profile=profile,
                                                  detected=detected)
        except Exception as exc:  # noqa: BLE001 - shown in the tab
            app.call_from_thread(self._ggufs_ready, [], str(exc))
            return
        app.call_from_thread(self._ggufs_ready, builds, "\n".join(warnings))

    def _ggufs_ready(self, builds: list[hubapi.GGUFBuild], note: str) -> None:
        self.ggufs = builds
        self.query_one("#gguf-loading").display = False
        table = self.query_one("#gguf-table", DataTable)
        table.clear()
        for build in builds:
            table.add_row(build.filename, build.quant or "?", format_bytes(build.bytes),
                          format_bytes(build.total_bytes), fit_text(build.fit))
        status = f"{len(builds)} GGUF files; p pulls the highlighted one and runs the smoke test."
        if not builds:
            status = "No GGUF builds found."
        if note:
            status += "\n" + note
            if hubapi.looks_offline(note):
                self.app.tell_offline("the Hub cannot be reached")
        self.query_one("#gguf-status", Static).update(status)

    # -- actions --------------------------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

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
