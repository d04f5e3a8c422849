"""The smoke screen's live parts: the pull's progress, one panel per prompt with the
model's output as it streams, a row per finished prompt, and the run's summary.

Everything the model or the Hub wrote is made plain text (``advisor.text.clean``).

    >>> str(prompt_cells({"id": "p1", "passed": True, "ttft_seconds": 0.2,
    ...                   "tokens_per_second": 41.0, "completion_tokens": 9})[1])
    '✓ pass'
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, ProgressBar, Static

from advisor.text import clean
from advisor.tui.rows import format_bytes, format_duration


class PullBox(Vertical):
    """A pull into the Hugging Face cache: title, bar, bytes, speed and time left."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._samples: deque[tuple[float, int]] = deque(maxlen=20)

    def compose(self) -> ComposeResult:
        yield Label("", id="pull-title")
        yield ProgressBar(id="pull-bar", show_eta=False)
        yield Static("", id="pull-numbers")

    def started(self, repo: str, filename: str) -> None:
        self.display = True
        self.query_one("#pull-title", Label).update(Text(
            f"Pulling {clean(repo)}/{clean(filename)} into the Hugging Face cache"))
        self._samples.clear()

    def progress(self, done: int, total: int | None) -> None:
        if total:
            self.query_one("#pull-bar", ProgressBar).update(total=total, progress=done)
        now = time.monotonic()
        self._samples.append((now, done))
        speed = 0.0
        if len(self._samples) >= 2:
            (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
            speed = (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0
        left = (total - done) / speed if total and speed > 0 else None
        self.query_one("#pull-numbers", Static).update(
            f"{format_bytes(done)} of {format_bytes(total)} · {format_bytes(speed)}/s · "
            f"{format_duration(left)} left")

    def finished(self, path: str) -> None:
        self.query_one("#pull-numbers", Static).update(
            Text(f"✓ verified and cached: {clean(path)}"))


class PromptPanels(VerticalScroll):
    """One panel per prompt: the prompt, the output as it streams, then the checks."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._texts: dict[str, Text] = {}
        self._panels: dict[str, Static] = {}

    @property
    def count(self) -> int:
        return len(self._panels)

    def clear(self) -> None:
        self._texts.clear()
        self._panels.clear()
        self.remove_children()

    def started(self, prompt_id: str, prompt: str = "") -> None:
        text = Text()
        text.append(f"▶ {clean(prompt_id)}", style="bold")
        shown = clean(prompt)
        if shown:
            text.append(f"  {shown[:200]}", style="dim")
        text.append("\n")
        self._texts[prompt_id] = text
        panel = Static(text, classes="prompt-panel running")
        self._panels[prompt_id] = panel
        self.mount(panel)

    def tokens(self, prompt_id: str, chunk: str) -> None:
        if prompt_id not in self._texts:
            self.started(prompt_id)
        self._texts[prompt_id].append(clean(chunk))
        self._panels[prompt_id].update(self._texts[prompt_id])
        self.scroll_end(animate=False)

    def finished(self, info: dict[str, Any]) -> None:
        """The prompt's result (``PromptResult.to_dict()``): pass or fail, each check."""
        prompt_id = str(info.get("id", "?"))
        if prompt_id not in self._panels:
            self.started(prompt_id)
            self._texts[prompt_id].append(clean(str(info.get("output", ""))))
        text = self._texts[prompt_id]
        passed = bool(info.get("passed"))
        text.append("\n")
        text.append("✓ pass" if passed else "✗ fail",
                    style="bold green" if passed else "bold red")
        for check in info.get("checks") or []:
            mark = "✓" if check.get("passed") else "✗"
            expected = check.get("expected")
            shown = "" if expected in (True, None) else f" {expected!r}"
            text.append(clean(f"  {mark} {check.get('check')}{shown}"),
                        style="green" if check.get("passed") else "red")
        if info.get("error"):
            text.append(f"  {clean(info['error'])}", style="red")
        panel = self._panels[prompt_id]
        panel.update(text)
        panel.set_class(False, "running")
        panel.set_class(True, "passed" if passed else "failed")


PROMPT_COLUMNS = (("Prompt", "id"), ("Result", "result"), ("TTFT", "ttft"), ("pp/s", "pps"),
                  ("tg/s", "tps"), ("Tokens", "tokens"))


def prompt_cells(info: dict[str, Any]) -> tuple[Any, ...]:
    """One finished prompt's row, in PROMPT_COLUMNS order."""
    passed = bool(info.get("passed"))
    tps, pps, ttft = (info.get(k) for k in ("tokens_per_second", "prompt_tokens_per_second",
                                            "ttft_seconds"))
    return (clean(info.get("id")),
            Text("✓ pass", style="green") if passed else Text("✗ fail", style="red"),
            f"{ttft:.2f} s" if isinstance(ttft, (int, float)) else "–",
            f"{pps:.0f}" if isinstance(pps, (int, float)) else "–",
            f"{tps:.1f}" if isinstance(tps, (int, float)) else "–",
            str(info.get("completion_tokens", "–")))


def summary_text(result: dict[str, Any], speeds: list[float], not_counted_for: str | None
                 ) -> Text:
    """PASSED or FAILED with the prompt count, load time, peak RSS, GPU layers, threads,
    mean speeds; ``not_counted_for`` names the model the file is not a build of."""
    prompts = result.get("prompts") or []
    passed = bool(result.get("passed"))
    rss, load = result.get("peak_rss_bytes"), result.get("load_seconds")
    ok = sum(1 for p in prompts if p.get("passed"))
    summary = Text()
    summary.append("PASSED" if passed else "FAILED",
                   style="bold white on green" if passed else "bold white on red")
    summary.append(f"  {ok}/{len(prompts)} prompts\n")
    summary.append(f"load {load:.2f} s · " if isinstance(load, (int, float)) else "")
    summary.append(f"peak RSS {format_bytes(rss)}" if rss else "")
    summary.append(f"\n{result.get('gpu_layers', 0)} GPU layers · "
                   f"{result.get('threads') or '?'} threads")
    pps = [p.get("prompt_tokens_per_second") for p in prompts
           if isinstance(p.get("prompt_tokens_per_second"), (int, float))]
    if pps:
        summary.append(f"\nprompt eval {sum(pps) / len(pps):.0f} tok/s (mean)")
    if speeds:
        summary.append(f"\ndecode {sum(speeds) / len(speeds):.1f} tok/s (mean)")
    if not_counted_for:
        summary.append(f"\nnot counted for {clean(not_counted_for)}", style="yellow")
    return summary
