"""Every key binding of the app by its id: what the ``keymap`` preference can remap.

A binding's id is ``<screen>.<action>`` (``candidates.filter``, ``smoke.run``), so one
id means one thing on one screen; README lists them with their default keys.

    >>> ids = binding_ids()
    >>> ids["candidates.filter"].key, ids["app.help"].key
    ('f', 'f1')
    >>> unknown_ids({"candidates.filter": "ctrl+f", "candidates.flter": "g"})
    ['candidates.flter']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import import_module

from textual.binding import Binding

# Where the bindings are: the app, then each screen and modal (module, class).
HOLDERS = (
    ("advisor.tui.app", "AdvisorApp"),
    ("advisor.tui.screens.interview", "InterviewScreen"),
    ("advisor.tui.screens.candidates", "CandidatesScreen"),
    ("advisor.tui.screens.filters", "FilterScreen"),
    ("advisor.tui.screens.duties", "DutiesScreen"),
    ("advisor.tui.screens.detail", "DetailScreen"),
    ("advisor.tui.screens.smoke", "SmokeScreen"),
    ("advisor.tui.screens.compare", "CompareScreen"),
    ("advisor.tui.screens.export", "ExportScreen"),
    ("advisor.tui.screens.help", "HelpScreen"),
    ("advisor.tui.screens.confirm", "Confirm"),
    ("advisor.tui.screens.file_prompt", "FilePrompt"),
    ("advisor.tui.screens.error", "ErrorScreen"),
)


def holders() -> list[type]:
    """The classes that hold the app's bindings, in HOLDERS order."""
    return [getattr(import_module(module), name) for module, name in HOLDERS]


def bindings_of(holder: type) -> list[Binding]:
    """A class's own bindings (its ``BINDINGS``, tuples made Bindings)."""
    return [b if isinstance(b, Binding) else Binding(*b) for b in holder.__dict__.get(
        "BINDINGS", [])]


def binding_ids() -> dict[str, Binding]:
    """Binding id -> its binding (the first, for a key list such as ``q,escape``)."""
    out: dict[str, Binding] = {}
    for holder in holders():
        for binding in bindings_of(holder):
            if binding.id is not None:
                out.setdefault(binding.id, binding)
    return out


def unknown_ids(keymap: Mapping[str, str] | Iterable[str]) -> list[str]:
    """The ids of ``keymap`` that name no binding of the app (none when it is empty)."""
    wanted = list(keymap)
    if not wanted:
        return []
    known = binding_ids()
    return [binding_id for binding_id in wanted if binding_id not in known]


def key_for(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The key(s) that trigger ``binding`` under ``keymap`` (its own when not remapped)."""
    return keymap.get(binding.id, binding.key) if binding.id else binding.key
