"""Everything the advisor reads from its surroundings: the repository's data folders, the
environment variables it honours and the platform folders it uses. Nothing else in the
package reads ``os.environ``.

Values are read when asked, not frozen at import, so a setting changed in the process
(a test, the app) takes effect. The Hub's own settings (``HF_ENDPOINT``, ``HF_HUB_OFFLINE``,
``TRANSFORMERS_OFFLINE``, ``HF_TOKEN``, ``HF_HOME``, ``HF_HUB_CACHE``) are read through
``huggingface_hub.constants``, with its rules, so the advisor and the library agree.

===========================  ============================================================
``ADVISOR_HUB_TIMEOUT``      seconds to wait for the Hub (default 20): :func:`hub_timeout`
``ADVISOR_HUB_MAX_WAIT``     longest rate-limit wait honoured (default 60 s): :func:`hub_max_wait`
``ADVISOR_NO_CACHE``         set (not ``0``): no parsed-profiles cache: :func:`cache_dir`
``ADVISOR_ENDPOINT_KEY``     the key for ``--endpoint`` servers (no other variable is a
                             fallback): :data:`ENDPOINT_KEY_VAR`
``HF_HUB_OFFLINE``           ``TRANSFORMERS_OFFLINE``: no Hub calls: :func:`hub_offline`
``HF_ENDPOINT``              the Hub's address: :func:`hub_endpoint`
``XDG_CACHE_HOME``           ``LOCALAPPDATA``: the cache folder: :func:`cache_dir`
``XDG_CONFIG_HOME``          ``APPDATA``: the app's preferences: :func:`config_dir`
``LLAMA_CACHE``              llama.cpp's download folder: :func:`llama_cache_dir`
``OLLAMA_MODELS``            Ollama's model store: :func:`ollama_models_dir`
``COLUMNS``                  the width tables are set to: :func:`columns`
===========================  ============================================================

    >>> (ASSETS_DIR / "styles").is_dir(), PROFILES_DIR.name
    (True, 'profiles')
    >>> hub_timeout({"ADVISOR_HUB_TIMEOUT": "5"}), hub_timeout({"ADVISOR_HUB_TIMEOUT": "nan"})
    (5.0, 20.0)
    >>> hub_offline({"TRANSFORMERS_OFFLINE": "yes"}), hub_offline({"HF_HUB_OFFLINE": "0"})
    (True, False)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

# The repository's data folders, found from the package (installed editable, so the
# folders next to ``advisor/`` are the ones in the checkout).
ROOT_DIR = Path(__file__).resolve().parent.parent
ASSETS_DIR = ROOT_DIR / "assets"
STYLES_DIR = ASSETS_DIR / "styles"
PROFILES_DIR = ROOT_DIR / "profiles"

APP_NAME = "advisor"
DEFAULT_HUB_TIMEOUT = 20.0
# The one variable whose key goes to any ``--endpoint`` the user names without
# ``--key-env`` (never a file, never another service's variable).
ENDPOINT_KEY_VAR = "ADVISOR_ENDPOINT_KEY"
# Variables that hold other services' credentials: never sent to an endpoint, whatever a
# profile says. Prefixes, then whole names; the owner is named in the refusal.
FOREIGN_KEY_PREFIXES = (("HF_", "the Hugging Face Hub"), ("HUGGING_FACE", "the Hugging Face Hub"),
                        ("HUGGINGFACE", "the Hugging Face Hub"), ("AWS_", "AWS"),
                        ("AZURE_", "Azure"), ("GOOGLE_APPLICATION", "Google Cloud"),
                        ("GITHUB_", "GitHub"), ("GH_", "GitHub"), ("GITLAB_", "GitLab"),
                        ("CI_JOB", "GitLab CI"), ("ACTIONS_", "GitHub Actions"),
                        ("SSH_", "SSH"), ("NPM_", "npm"), ("PYPI_", "PyPI"),
                        ("TWINE_", "PyPI"), ("DOCKER_", "Docker"))
OFFLINE_VARS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


def environment() -> Mapping[str, str]:
    """The whole environment, for what needs all of it: the child processes the advisor
    starts, and the scrubber that keeps secret values out of records."""
    return os.environ


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def secret(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The value of the variable ``name`` when it is set and not empty: a key or token,
    to be sent where the user said and never printed or written."""
    return _env(environ).get(name) or None


def key_owner(name: str) -> str | None:
    """The service whose credential the variable ``name`` holds when it is not an
    endpoint key (the Hub's ``HF_TOKEN`` above all), else None:
    ``key_owner("HF_TOKEN")`` -> ``'the Hugging Face Hub'``; ``key_owner("GEMINI_API_KEY")``
    -> None."""
    upper = name.upper()
    return next((owner for prefix, owner in FOREIGN_KEY_PREFIXES if upper.startswith(prefix)),
                None)


def hub_timeout(environ: Mapping[str, str] | None = None) -> float:
    """``ADVISOR_HUB_TIMEOUT`` in seconds, read now; the default when it is not a positive
    number below a day (nan and inf included)."""
    try:
        value = float(_env(environ).get("ADVISOR_HUB_TIMEOUT", DEFAULT_HUB_TIMEOUT))
    except ValueError:
        return DEFAULT_HUB_TIMEOUT
    return value if 0 < value < 86_400 else DEFAULT_HUB_TIMEOUT


def hub_max_wait(environ: Mapping[str, str] | None = None) -> float:
    """``ADVISOR_HUB_MAX_WAIT``: the longest wait (seconds, 0 to 3600) a 429 reply may ask
    for before the advisor stops retrying; 60 when unset or not such a number."""
    try:
        value = float(_env(environ).get("ADVISOR_HUB_MAX_WAIT", 60))
    except ValueError:
        return 60.0
    return value if 0 <= value <= 3600 else 60.0


def _hf_true(value: str | None) -> bool:
    """huggingface_hub's reading of a yes/no variable: 1, ON, YES or TRUE, any case."""
    from huggingface_hub import constants

    return value is not None and value.upper() in constants.ENV_VARS_TRUE_VALUES


def _offline_value(environ: Mapping[str, str]) -> tuple[str, str | None]:
    """The variable that decides offline mode and its value, as huggingface_hub reads
    them (``HF_HUB_OFFLINE``, else ``TRANSFORMERS_OFFLINE`` when that is empty or unset)."""
    first = environ.get(OFFLINE_VARS[0])
    if first:
        return OFFLINE_VARS[0], first
    return OFFLINE_VARS[1], environ.get(OFFLINE_VARS[1])


def hub_offline(environ: Mapping[str, str] | None = None) -> bool:
    """True when the Hub must not be asked: huggingface_hub is in offline mode (set when it
    was imported) or ``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` asks for it now."""
    from huggingface_hub import constants

    if environ is None and constants.is_offline_mode():
        return True
    return _hf_true(_offline_value(_env(environ))[1])


def hub_offline_variable(environ: Mapping[str, str] | None = None) -> str | None:
    """The variable that turns offline mode on now (``HF_HUB_OFFLINE`` or
    ``TRANSFORMERS_OFFLINE``), None when neither does."""
    name, value = _offline_value(_env(environ))
    return name if _hf_true(value) else None


def hub_offline_reason(environ: Mapping[str, str] | None = None) -> str:
    """Which setting makes the advisor work offline, for messages:
    ``"HF_HUB_OFFLINE is set"`` or ``"TRANSFORMERS_OFFLINE is set"``."""
    name = hub_offline_variable(environ)
    return f"{name} is set" if name else "huggingface_hub is in offline mode"


def hub_endpoint() -> str:
    """The Hub's base URL as huggingface_hub uses it (``HF_ENDPOINT``, read when the
    library was imported; https://huggingface.co by default)."""
    from huggingface_hub import constants

    return constants.ENDPOINT


def hub_cache_dir() -> Path:
    """The HF cache's hub folder (``HF_HUB_CACHE``, else ``$HF_HOME/hub``)."""
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def home() -> Path:
    """The user's home folder (``HOME``)."""
    return Path(os.path.expanduser("~"))


def cache_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """The platform's user cache folder for the advisor, None when ``ADVISOR_NO_CACHE``
    turns caching off: ``$XDG_CACHE_HOME/advisor`` (an absolute path only), else
    ``~/Library/Caches/advisor`` on macOS, ``%LOCALAPPDATA%\\advisor`` on Windows,
    ``~/.cache/advisor`` elsewhere."""
    env = _env(environ)
    if env.get("ADVISOR_NO_CACHE", "").strip() not in ("", "0"):
        return None
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    if xdg and os.path.isabs(xdg):
        base = Path(xdg)
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    elif os.name == "nt":
        base = Path(env.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path.home() / ".cache"
    return base / APP_NAME


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the app keeps its preferences: ``%APPDATA%\\advisor`` on Windows,
    ``~/Library/Application Support/advisor`` on macOS without ``XDG_CONFIG_HOME``, else
    ``$XDG_CONFIG_HOME/advisor`` (``~/.config/advisor``)."""
    env = _env(environ)
    if sys.platform == "win32" and env.get("APPDATA"):
        base = Path(env["APPDATA"])
    elif sys.platform == "darwin" and not env.get("XDG_CONFIG_HOME"):
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP_NAME


def llama_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """llama.cpp's download cache: ``LLAMA_CACHE``, else ``~/.cache/llama.cpp``."""
    return Path(_env(environ).get("LLAMA_CACHE") or home() / ".cache" / "llama.cpp")


def ollama_models_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Ollama's model store: ``OLLAMA_MODELS``, else ``~/.ollama/models``."""
    return Path(_env(environ).get("OLLAMA_MODELS") or home() / ".ollama" / "models")


def lmstudio_dirs() -> tuple[Path, ...]:
    """LM Studio's model folders, the current one first."""
    return (home() / ".lmstudio" / "models", home() / ".cache" / "lm-studio" / "models")


def today_iso() -> str:
    """Today's date (UTC), read at the command's or the app's edge and handed to the
    assessment, which reads no clock itself: ``assess(answers, kb, today=today_iso())``."""
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def columns(environ: Mapping[str, str] | None = None) -> int | None:
    """``COLUMNS`` when it is a width from 20 to 1000, else None (ask the terminal)."""
    value = _env(environ).get("COLUMNS", "")
    return int(value) if value.isdigit() and 20 <= int(value) <= 1000 else None
