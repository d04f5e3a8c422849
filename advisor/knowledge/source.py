"""Where a fact is written: the citation every rule, finding and table carries.

    >>> Source("Apache License 2.0", "4(a)", "https://www.apache.org/licenses/LICENSE-2.0").to_dict()["section"]
    '4(a)'
    >>> section_label("1.b.i"), section_label("Art. 50(1)")
    ('§1.b.i', 'Art. 50(1)')
"""

from __future__ import annotations

from typing import Any

from advisor.frozen import frozen


def section_label(section: str | None) -> str | None:
    """How a cited section reads: '1.b.i' -> '§1.b.i'; 'Art. 50(1)' stays as it is."""
    if not section:
        return None
    return f"§{section}" if section[0].isdigit() else section


@frozen
class Source:
    """Where a fact is written: title, section, url, the date checked."""

    title: str
    section: str | None = None
    url: str | None = None
    checked: str | None = None
    copy: str | None = None          # where the verbatim text was read, when not at `url`
    secondary: str | None = None     # the secondary source an unconfirmed fact rests on

    def to_dict(self) -> dict[str, Any]:
        out = {"title": self.title, "section": self.section, "url": self.url,
               "checked": self.checked}
        if self.copy:
            out["copy"] = self.copy
        if self.secondary:
            out["secondary"] = self.secondary
        return out
