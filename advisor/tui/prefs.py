"""The app's own preferences between launches: theme, last answers file, table order.

A small JSON file, ``tui.json``, in the platform's config folder
(:func:`advisor.config.config_dir`). A missing or broken file gives the defaults:
preferences never stop the app.

    Example (not run)::

        prefs = load_prefs(config_dir())
        save_prefs(config_dir(), {**prefs, "theme": "textual-light"})
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FILE_NAME = "tui.json"
DEFAULTS: dict[str, Any] = {"theme": None, "last_answers": None, "order": "recommended"}
MAX_BYTES = 64 * 1024


def load_prefs(directory: Path) -> dict[str, Any]:
    """The saved preferences over the defaults; unknown keys and wrong types are dropped."""
    prefs = dict(DEFAULTS)
    try:
        path = directory / FILE_NAME
        if path.stat().st_size > MAX_BYTES:
            return prefs
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return prefs
    if not isinstance(data, dict):
        return prefs
    for key, default in DEFAULTS.items():
        value = data.get(key)
        if isinstance(value, str) and len(value) < 4096:
            prefs[key] = value
        elif value is None:
            prefs[key] = default
    return prefs


def save_prefs(directory: Path, prefs: dict[str, Any]) -> bool:
    """Write the preferences (atomically); False when the config dir is not writable."""
    from advisor.errors import AdvisorError
    from advisor.fsio import atomic_write_text

    data = {k: prefs.get(k, v) for k, v in DEFAULTS.items()}
    try:
        atomic_write_text(directory / FILE_NAME, json.dumps(data, indent=2) + "\n", force=True)
    except (AdvisorError, OSError):
        return False
    return True
