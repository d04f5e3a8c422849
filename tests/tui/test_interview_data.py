"""The interview's new questions, driven by keys: a subdivision as home country, revenue
with the users' number forms, data and audience (with the youngest age), and the example
the app starts with, said plainly and counted as assumed until changed.

    pytest tests/tui/test_interview_data.py -q
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from advisor.answers import VERDICT_DEFAULTS, parse_answers
from advisor.tui.screens.interview import InterviewScreen

SIZE = (80, 24)
pytestmark = pytest.mark.anyio


def text_of(widget: Any) -> str:
    return str(widget.render())


async def replace_text(pilot: Any, text: str) -> None:
    await pilot.press("home", "ctrl+k")
    await pilot.press(*list(text))


async def focus(pilot: Any, widget_id: str) -> None:
    """Tab until ``widget_id`` has focus (as a user would)."""
    for _ in range(40):
        if pilot.app.focused is not None and pilot.app.focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"{widget_id} never took focus")


async def test_fresh_interview_says_the_example_and_counts_it_assumed(
        fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        note = screen.query_one("#example-note", Static)
        assert note.display and "An example is loaded" in text_of(note)
        assert app.answers.assumed == VERDICT_DEFAULTS
        assert any(n.startswith("assumed, not answered") for n in app.assessment.notes)

        await focus(pilot, "audience")                  # Businesses, Consumers, ... Minors
        await pilot.press("down", "down", "down", "down", "space")
        await pilot.pause()
        await focus(pilot, "minors_age")
        await replace_text(pilot, "12")
        await pilot.pause()
        assert app.answers.audience.groups == ("consumers", "minors")
        assert app.answers.audience.minimum_age == 12
        assert "audience" not in app.answers.assumed
        assert "deployment.mode" in app.answers.assumed          # still the example's

        await focus(pilot, "minors_age")
        await replace_text(pilot, "40")
        await pilot.pause()
        assert "0 to 17" in text_of(screen.query_one("#err-audience"))


async def test_subdivision_home_country_and_revenue_numbers(fixture_kb: Any,
                                                            make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert app.focused.id == "domicile"
        await replace_text(pilot, "US-CA")
        await pilot.pause()
        assert app.answers.organization.domicile == "US-CA"
        await replace_text(pilot, "ca-qc")
        await pilot.pause()
        assert app.answers.organization.domicile == "CA-QC"

        await focus(pilot, "revenue")
        assert text_of(screen.query_one("#revenue-value")) == "not declared"
        await replace_text(pilot, "30m")
        await pilot.pause()
        assert app.answers.organization.annual_revenue_usd == 30_000_000
        assert text_of(screen.query_one("#revenue-value")) == "= $30,000,000"
        await pilot.press("end", "x")                   # "30mx"
        await pilot.pause()
        assert "not a revenue" in text_of(screen.query_one("#err-revenue"))
        assert app.answers.organization.annual_revenue_usd == 30_000_000   # last good kept
        await pilot.press("backspace")                  # "30m" again
        await pilot.pause()
        assert text_of(screen.query_one("#err-revenue")) == ""

        await focus(pilot, "data")                      # None, Personal, Special, Health
        await pilot.press("down", "down", "down", "space")
        await pilot.pause()
        assert app.answers.data.categories == ("personal", "health")
        assert "data.categories" not in app.answers.assumed


async def test_loaded_answers_are_not_an_example(fixture_kb: Any, make_app: Any,
                                                 tmp_path: Path) -> None:
    answers = parse_answers("organization: {domicile: US-CA, annual_revenue_usd: 2.5m}\n"
                            "deployment: {regions: [US-CA], mode: internal, commercial: true}\n"
                            "data: {categories: [health]}\naudience: [employees]\n", "a.yaml")
    assert answers.assumed == ("organization.monthly_active_users",)
    app = make_app(fixture_kb, answers=answers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert not screen.query_one("#example-note", Static).display
        await focus(pilot, "regions")                   # another answer: users stay assumed
        await replace_text(pilot, "US-CA, US-TX")
        await pilot.pause()
        assert app.answers.assumed == ("organization.monthly_active_users",)
        assert screen.query_one("#revenue").value == "2500000"
        await focus(pilot, "users")
        await replace_text(pilot, "5000")
        await pilot.pause()
        assert app.answers.data.categories == ("health",)          # kept, not reset
        assert app.answers.audience.groups == ("employees",)
        assert app.answers.organization.annual_revenue_usd == 2_500_000
        assert app.answers.organization.monthly_active_users == 5000
        assert app.answers.assumed == ()                  # users answered now
        await focus(pilot, "regions")
        await replace_text(pilot, "US-CA, US-NY")
        await pilot.pause()
        assert app.answers.deployment.regions == ("US-CA", "US-NY")
        assert app.answers.assumed == ()
