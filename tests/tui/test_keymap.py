"""Remapping keys: the ``keymap`` of the app's preferences file (binding id -> keys, as
posting's ``keymap:``) replaces a binding's default key, on the screen and in F1's list;
an entry naming no binding is said at launch, and the rest still apply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from advisor.tui.keys import binding_ids
from advisor.tui.screens.candidates import CandidatesScreen
from advisor.tui.screens.filters import FilterScreen
from advisor.tui.screens.help import HelpScreen
from tests.tui.conftest import wait_for

pytestmark = pytest.mark.anyio


def write_keymap(tmp_path: Path, keymap: Any) -> Path:
    """The preferences file the app of ``make_app`` reads (its config dir, never the user's)."""
    folder = tmp_path / ".config"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tui.json"
    path.write_text(json.dumps({"keymap": keymap}), encoding="utf-8")
    return path


def notices(app: Any) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


async def test_a_remapped_key_replaces_the_default_one(fixture_kb: Any, make_app: Any,
                                                       tmp_path: Path) -> None:
    write_keymap(tmp_path, {"candidates.filter": "g", "app.help": "f2",
                            "candidates.filtr": "h"})
    app = make_app(fixture_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CandidatesScreen))
        told = notices(app)
        assert "candidates.filtr" in told and "no such binding id" in told
        assert "candidates.filter'" not in told           # the good entry is not refused

        await pilot.press("f")                            # the default key no longer filters
        await pilot.pause()
        assert isinstance(app.screen, CandidatesScreen)
        await pilot.press("g")
        assert await wait_for(pilot, lambda: isinstance(app.screen, FilterScreen))
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CandidatesScreen))

        await pilot.press("f1")                           # the app's help moved to f2
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f2")
        assert await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = str(app.screen.query_one("#help-keys", Static).render())
        filter_line = next(line for line in keys.splitlines() if "Filter" in line)
        assert filter_line.split()[0] == "g", filter_line


async def test_without_a_keymap_the_default_keys_work(fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CandidatesScreen))
        await pilot.press("f")
        assert await wait_for(pilot, lambda: isinstance(app.screen, FilterScreen))
        assert "Preferences" not in notices(app)


def test_every_binding_of_the_app_has_an_id_on_its_screen() -> None:
    """The ids a keymap names: ``<screen>.<action>``, one per binding, none missing."""
    from advisor.tui.keys import bindings_of, holders

    ids = binding_ids()
    for holder in holders():
        for binding in bindings_of(holder):
            assert binding.id, f"{holder.__name__}: {binding.key} -> {binding.action} has no id"
            assert ids[binding.id] is binding or ids[binding.id].key == binding.key
    assert ids["candidates.filter"].key == "f" and ids["smoke.run"].key == "s"


def test_the_readme_names_every_binding_id() -> None:
    """README's app section lists the ids a keymap can name: each under its screen."""
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    heading = "The binding ids, `<screen>.<action>`, with their default keys:"
    section = readme[readme.index(heading) + len(heading):]
    section = section[:section.index("\n\n")]
    listed: set[str] = set()
    for group in section.split(" ·"):
        screen, _, actions = group.partition(":")
        screen = screen.split()[-1]
        listed |= {f"{screen}.{action}" for action in re.findall(r"`([a-z-]+)`", actions)}
    assert listed == set(binding_ids())
