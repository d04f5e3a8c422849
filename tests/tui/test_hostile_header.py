"""Ids that lie to the eye reached the terminal through the header (issue 23, item 8): a
model id with ESC, OSC, bidi or zero-width characters set as a screen's ``sub_title``.
Profile ids are now validated at load, so the test sets the hostile text where any screen
would (a file name, a Hub id): the app's one title formatter passes every title through the
one sanitiser, whichever screen set it."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets._header import HeaderTitle

from tests.tui.conftest import wait_for

pytestmark = pytest.mark.anyio
HOSTILE = "evil/m\x1b]0;pwned\x07\x1b[2J\u202eB8\u200b-\u2066x\x9b2J"
RAW = ("\x1b", "\x07", "\u202e", "\u200b", "\u2066", "\x9b")


async def test_a_hostile_model_id_in_the_header_reaches_the_screen_clean(
        fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.screen.sub_title = HOSTILE
        assert await wait_for(pilot, lambda: "evil/m" in str(
            app.screen.query_one(HeaderTitle).render()))
        shown = str(app.screen.query_one(HeaderTitle).render())
        assert "evil/m" in shown and "\ufffd" in shown
        assert not [ch for ch in RAW if ch in shown], repr(shown)
        assert not [ch for ch in RAW if ch in app.export_screenshot()]
