"""Where the repository's data folders are, found from the installed package.

The package is installed editable, so the folders next to ``advisor/`` are the ones in
the checkout.

    >>> (ASSETS_DIR / "styles").is_dir(), PROFILES_DIR.name
    (True, 'profiles')
"""

from __future__ import annotations

from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent
ASSETS_DIR = ROOT_DIR / "assets"
STYLES_DIR = ASSETS_DIR / "styles"
PROFILES_DIR = ROOT_DIR / "profiles"
