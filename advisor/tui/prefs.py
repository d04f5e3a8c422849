"""The app's own preferences between launches: theme, last answers file, table order, and
the keymap (your keys for the app's actions).

A small JSON file, ``tui.json``, in the platform's config folder
(:func:`advisor.config.config_dir`). A missing or broken file gives the defaults, and a
wrong entry is dropped (and said, for the keymap): preferences never stop the app.

The keymap maps binding ids (``candidates.filter``; README lists them) to keys, as
posting's ``keymap:`` does; several keys are separated by commas, and a key given
replaces the default one (:meth:`textual.app.App.set_keymap`)::

    {"keymap": {"candidates.filter": "ctrl+f", "smoke.run": "r,f5"}}

    >>> read_keymap({"candidates.filter": "ctrl+f", "smoke.run": "r, f5", "x": 3})
    ({'candidates.filter': 'ctrl+f', 'smoke.run': 'r,f5'}, ["'x': not a key name"])
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

FILE_NAME = "tui.json"
MAX_BYTES = 64 * 1024
MAX_TEXT = 4096
BINDING_ID = re.compile(r"[a-z][a-z0-9-]*(\.[a-z0-9-]+)*")
KEY = re.compile(r"[A-Za-z0-9_+]{1,40}")
MAX_KEYS = 200


@dataclass(frozen=True)
class Prefs:
    """Preferences (see the module); ``problems`` says what was dropped while reading."""

    theme: str | None = None
    last_answers: str | None = None
    order: str = "recommended"
    keymap: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = field(default=(), compare=False)

    def changed(self, **changes: Any) -> Prefs:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("problems")
        return data


def load_prefs(directory: Path) -> Prefs:
    """The saved preferences over the defaults; unknown keys and wrong types are dropped."""
    try:
        path = directory / FILE_NAME
        if path.stat().st_size > MAX_BYTES:
            return Prefs(problems=(f"larger than {MAX_BYTES} bytes: not read",))
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Prefs()
    if not isinstance(data, dict):
        return Prefs()
    texts = {key: value for key in ("theme", "last_answers", "order")
             if isinstance(value := data.get(key), str) and len(value) < MAX_TEXT}
    keymap, problems = read_keymap(data.get("keymap", {}))
    return Prefs(**texts, keymap=keymap, problems=tuple(problems))


def read_keymap(raw: Any) -> tuple[dict[str, str], list[str]]:
    """The usable entries of a ``keymap`` value (binding id -> keys, spaces dropped) and
    a line for each entry left out."""
    if not isinstance(raw, dict):
        return {}, ["keymap: not an object of binding id -> keys"]
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in list(raw.items())[:MAX_KEYS]:
        if not isinstance(binding_id, str) or not BINDING_ID.fullmatch(binding_id):
            problems.append(f"{str(binding_id)[:64]!r}: not a binding id")
        elif not isinstance(keys, str) or not keys.strip() or not all(
                KEY.fullmatch(k.strip()) for k in keys.split(",")):
            problems.append(f"{binding_id!r}: not a key name")
        else:
            keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
    return keymap, problems


def save_prefs(directory: Path, prefs: Prefs) -> bool:
    """Write the preferences (atomically); False when the config dir is not writable."""
    from advisor.errors import AdvisorError
    from advisor.fsio import atomic_write_text

    text = json.dumps(prefs.to_json(), indent=2) + "\n"
    try:
        atomic_write_text(directory / FILE_NAME, text, force=True)
    except (AdvisorError, OSError):
        return False
    return True
