"""Fixtures for the TUI tests: a small stable knowledge base, and apps with injected
settings (hardware, offline, local models, dates) so runs are deterministic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from advisor.machine.hardware import simulated_hardware
from advisor.tui.settings import AppSettings

FIXTURE_PROFILES = Path(__file__).resolve().parent / "profiles"
RECORD_DATE = dt.date(2026, 11, 23)


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (anyio's pytest plugin, marker ``anyio``)."""
    return "asyncio"


@pytest.fixture(scope="session")
def fixture_kb() -> Any:
    """The three-model knowledge base under tests/tui/profiles (never changes with the
    shipped profiles, so snapshots stay put)."""
    from advisor.knowledge.load.walk import build_knowledge

    kb, problems = build_knowledge([FIXTURE_PROFILES])
    assert not problems, [p.one_line() for p in problems]
    return kb


@pytest.fixture(scope="session")
def shipped_kb() -> Any:
    from advisor.knowledge import load_knowledge

    return load_knowledge()


def settings(work_dir: Path, **overrides: Any) -> AppSettings:
    values: dict[str, Any] = dict(hardware=simulated_hardware(ram_gb=16), offline=True, local_models=(),
                                  work_dir=work_dir, record_date=RECORD_DATE)
    values.update(overrides)
    values.setdefault("config_dir", Path(values["work_dir"]) / ".config")   # never the user's
    return AppSettings(**values)


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., Any]:
    """``make_app(kb, answers=None, **settings)`` -> an AdvisorApp ready for run_test."""
    from advisor.tui.app import AdvisorApp

    def build(kb: Any, answers: Any = None, **overrides: Any) -> Any:
        overrides.setdefault("work_dir", tmp_path)
        return AdvisorApp(settings(**overrides), kb=kb, answers=answers)

    return build


async def wait_for(pilot: Any, condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Let the app run until ``condition()`` holds (workers finish); False on timeout."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()
