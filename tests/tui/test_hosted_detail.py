"""A hosted API model in the app: its detail says how to reach it and asks the Hub nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from advisor.answers import parse_answers
from advisor.tui.screens.detail import DetailScreen

SIZE = (100, 30)
pytestmark = pytest.mark.anyio


def _hosted_id(kb: Any) -> str:
    return next(p.id for p in kb.models.values() if p.access == "api")


async def test_hosted_model_detail_names_its_endpoint_and_skips_the_hub(
        shipped_kb: Any, make_app: Any, monkeypatch: Any) -> None:
    asked: list[str] = []                  # the Hub workers of the detail screen, if started
    for worker in ("fetch_facts", "fetch_ggufs", "fetch_local"):
        monkeypatch.setattr(DetailScreen, worker,
                            lambda self, worker=worker: asked.append(worker))
    model_id = _hosted_id(shipped_kb)
    profile = shipped_kb.find_model(model_id)
    answers = parse_answers("organization: {domicile: US}\n", use_case_ids=tuple(shipped_kb.use_cases))
    app = make_app(shipped_kb, answers=answers, answers_path=Path("answers.yaml"), offline=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_open_model(model_id)
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        hub = str(app.screen.query_one("#hub-text", Static).render())
        assert "hosted API model" in hub and profile.api.key_env in hub
        assert f"advisor compare --api {model_id}" in hub
        status = str(app.screen.query_one("#gguf-status", Static).render())
        assert "weights of a hosted API model are not released" in status
        head = str(app.screen.query_one("#detail-head", Static).render())
        assert f"hosted API ({profile.api.provider}: {profile.api.model})" in head
    assert asked == []


async def test_smoke_on_a_hosted_model_opens_the_compare_screen(shipped_kb: Any,
                                                                make_app: Any) -> None:
    from advisor.tui.screens.compare import CompareScreen

    model_id = _hosted_id(shipped_kb)
    answers = parse_answers("organization: {domicile: US}\n", use_case_ids=tuple(shipped_kb.use_cases))
    app = make_app(shipped_kb, answers=answers, answers_path=Path("answers.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_open_model(model_id)
        await pilot.pause()
        head = str(app.screen.query_one("#detail-head", Static).render())
        assert "size not published" in head and "? parameters" not in head
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.model_ids == [model_id]
