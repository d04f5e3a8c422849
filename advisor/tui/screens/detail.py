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

from advisor.errors import out_of_reach
from advisor.tui import hubapi
from advisor.tui.rows import format_bytes, format_parameters
from advisor.tui.widgets.badges import fit_text, mof_text, osaid_text, verdict_text
from advisor.text import clean
from advisor.tui.widgets.findings import FindingItem, FindingList, OpennessGrid, finding_words

# The GGUF tab's headings: Hub builds (header estimate, fit on this machine) or files on disk
HUB_COLUMNS = (("File", "file"), ("Quant", "quant"), ("Size", "size"),
               ("Memory (est.)", "memory"), ("Fit here", "fit"))
LOCAL_COLUMNS = (("File", "file"), ("Quant", "quant"), ("Size", "size"),
                 ("Memory (est.)", "memory"), ("License (in the file)", "license"),
                 ("Found in", "source"))
SCROLL_BOXES = {"findings": "#findings-box", "obligations": "#obligations-box",
                "openness": "#openness-box", "hub": "#hub-box", "ggufs": "#gguf-table"}


class DetailScreen(Screen[None]):
    """Everything about one candidate."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("1", "tab('findings')", "Tabs", key_display="1-5"),
        Binding("t", "smoke", "Smoke"),
        Binding("p", "pull", "Pull", show=False),
        Binding("e", "export", "Export"),
        Binding("y", "copy_finding", "Copy"),
        Binding("u", "copy_url", "Copy URL", show=False),
        Binding("o", "open_url", "Open URL", show=False),
        Binding("r", "reload_hub", "Retry Hub", show=False),
        Binding("pagedown", "scroll('page_down')", "Scroll", show=False),
        Binding("pageup", "scroll('page_up')", show=False),
        Binding("down", "scroll('scroll_down')", show=False),
        Binding("up", "scroll('scroll_up')", show=False),
        Binding("end", "scroll('scroll_end')", show=False),
        Binding("home", "scroll('scroll_home')", show=False),

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
        profile = self.app.kb.find_model(cand.model) if self.app.kb else None
        head = Text()
        head.append(clean(cand.model), style="bold")
        head.append("  ")
        head.append_text(verdict_text(cand.model_verdict or cand.verdict))
        counts = cand.counts(model_only=True)
        head.append(f"   {counts['block']} block · {counts['condition']} condition · "
                    f"{counts['info']} info", style="dim")
        duties = sum(1 for f in cand.findings if f.deployment and f.severity != "info")
        if duties:
            head.append(f" · +{duties} dut{'y' if duties == 1 else 'ies'}", style="dim")
        head.append("\n")
        hosted = getattr(profile, "access", "") == "api"
        size = ("size not published" if hosted and cand.parameters is None
                else f"{format_parameters(cand.parameters)} parameters")
        facts = [f"{clean(cand.vendor or '?')} · {clean(cand.family or '?')}", size,
                 f"license {clean(cand.license)}"]
        if profile is not None and profile.context_length:
            facts.append(f"context {profile.context_length:,}")
        if profile is not None and profile.released:
            facts.append(f"released {profile.released}")
        if profile is not None and profile.gated:
            facts.append("gated on the Hub")
        if getattr(profile, "access", "") == "api" and profile.api is not None:
            facts.append(f"hosted API ({clean(profile.api.provider)}: {clean(profile.api.model)})")
        if cand.basis != "profile" and cand.based_on:
            facts.append(f"assessed as {clean(cand.based_on)}")
        head.append(" · ".join(facts), style="")
        for note in override_notes(self.app.kb, self.app.assessment, cand):
            head.append(f"\n⚠ {clean(note)}", style="bold yellow")
        self.query_one("#detail-head", Static).update(head)

        box = self.query_one("#findings-box", VerticalScroll)
        box.remove_children()
        box.mount(FindingList(cand.findings))

        if cand.obligations:
            text = Text("\n".join(f"• {clean(ob)}" for ob in cand.obligations))
        else:
            text = "No obligations beyond keeping the license text and notices."
        self.query_one("#obligations-text", Static).update(text)

        openness = cand.openness
        head_text = Text("OSAID 1.0: ", style="bold")
        head_text.append_text(osaid_text(openness.osaid))
        head_text.append("    MOF class: ", style="bold")
        head_text.append_text(mof_text(openness.mof_class))
        for reason in getattr(openness, "reasons", ()):
            head_text.append(f"\n  · {clean(reason)}", style="dim")
        self.query_one("#openness-head", Static).update(head_text)
        openness_box = self.query_one("#openness-box", VerticalScroll)
        for old in openness_box.query(OpennessGrid):
            old.remove()
        details = profile.openness if profile is not None else {}
        openness_box.mount(OpennessGrid(openness.components, details, classes="openness-grid"))

    # -- the Hub part (workers) -----------------------------------------------------------------
    def _hosted_api(self) -> Any:
        """The profile's ``api`` access when the model is a hosted API model, else None."""
        profile = self.app.kb.find_model(self._model_id) if self.app.kb else None
        return getattr(profile, "api", None) if getattr(profile, "access", "") == "api" else None

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

    @work(thread=True, exclusive=True, group="hub-facts")
    def fetch_facts(self) -> None:
        try:
            facts = hubapi.fetch_facts(self._model_id)
        except Exception as exc:  # noqa: BLE001 - shown, never raised
            self.app.call_from_thread(self._facts_failed, str(exc), out_of_reach(exc))
            return
        self.app.call_from_thread(self._facts_ready, facts)

    def _facts_ready(self, facts: Any) -> None:
        self.query_one("#hub-text", Static).update(hubapi.facts_text(facts))
        self.app.add_hub_facts(self._model_id, facts)

    @work(thread=True, exclusive=True, group="hub-ggufs")
    def fetch_local(self) -> None:
        app: Any = self.app
        try:
            builds = hubapi.local_builds(self._model_id, app.kb)
        except Exception as exc:  # noqa: BLE001 - shown in the tab
            app.call_from_thread(self._local_ready, [], str(exc))
            return
        app.call_from_thread(self._local_ready, builds, "")

    def _gguf_columns(self, columns: tuple[tuple[str, str], ...]) -> DataTable:
        """The GGUF table, emptied, with headings that say what its columns hold."""
        table = self.query_one("#gguf-table", DataTable)
        table.clear(columns=True)
        for label, key in columns:
            table.add_column(label, key=key)
        return table

    def _local_ready(self, builds: list[hubapi.LocalBuild], problem: str) -> None:
        from pathlib import Path

        table = self._gguf_columns(LOCAL_COLUMNS)
        self.local_files = builds
        for build in builds:
            table.add_row(clean(Path(build.path).name), clean(build.quant or "?"),
                          format_bytes(build.bytes), format_bytes(build.memory_bytes),
                          clean(build.license or "not stated"), clean(build.source))
        if builds:
            status = (f"Offline: {len(builds)} file(s) of this model on this machine; memory "
                      f"is the estimate of a CPU run at context {hubapi.ESTIMATE_CTX:,}. t "
                      "runs the smoke test on one.")
        else:
            status = ("Offline: no file of this model on this machine. t runs the smoke test "
                      "on a local file (the local demo model works offline).")
        if problem:
            status += f"\nThe local scan failed: {problem}"
        self.query_one("#gguf-status", Static).update(Text(clean(status)))

    def _facts_failed(self, message: str, offline: bool = False) -> None:
        self.query_one("#hub-text", Static).update(Text(f"Hub: {clean(message)}", style="yellow"))
        if offline:
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
            app.call_from_thread(self._ggufs_ready, [], str(exc), out_of_reach(exc))
            return
        app.call_from_thread(self._ggufs_ready, builds, "\n".join(warnings))

    def _ggufs_ready(self, builds: list[hubapi.GGUFBuild], note: str,
                     offline: bool = False) -> None:
        self.ggufs = builds
        self.query_one("#gguf-loading").display = False
        table = self._gguf_columns(HUB_COLUMNS)
        for build in builds:
            table.add_row(clean(build.filename), clean(build.quant or "?"),
                          format_bytes(build.bytes), format_bytes(build.total_bytes),
                          fit_text(build.fit))
        status = f"{len(builds)} GGUF files; p pulls the highlighted one and runs the smoke test."
        if not builds:
            status = "No GGUF builds found."
        if note:
            status += "\n" + note
        if offline:
            self.app.tell_offline("the Hub cannot be reached")
        self.query_one("#gguf-status", Static).update(Text(clean(status)))

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

    def current_finding(self) -> Any:
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
        url = getattr(getattr(finding, "source", None), "url", None)
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


def override_notes(kb: Any, assessment: Any, candidate: Any) -> list[str]:
    """Profile overrides that touch this candidate: the override's id, file and hash.

    Reads ``kb.overrides`` (entries with ``id``, ``kind``, ``file``, ``sha256``) when the
    loader provides it, else the assessment's notes that mention "override" or "replace"."""
    ids = {*(getattr(candidate, "licenses", ()) or ()), str(getattr(candidate, "model", ""))}
    ids |= {getattr(f, "origin", "").split(":", 1)[-1] for f in getattr(candidate, "findings", ())}
    ids = {i.lower() for i in ids if i}
    out = []
    for entry in getattr(kb, "overrides", None) or ():
        get = entry.get if isinstance(entry, dict) else (lambda k, e=entry: getattr(e, k, None))
        ident = str(get("id") or "")
        shared = get("kind") in ("jurisdiction", "policy", "use-case")   # bear on every model
        if shared or ident.lower() in ids:
            sha = str(get("sha256") or "")[:12]
            out.append(f"{get('kind') or 'profile'} {ident} is replaced by your file "
                       f"{get('file')} (sha256 {sha}…)")
    if not out:
        out = [str(n) for n in getattr(assessment, "notes", ()) or ()
               if any(w in str(n).lower() for w in ("overrid", "replace"))]
    return out
