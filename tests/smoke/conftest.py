"""Fixtures for the smoke-test area: generated GGUFs, the SmolLM2 file, a CLI runner."""

from __future__ import annotations

import atexit
import functools
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixtures.cli import check_one_line_error, run_advisor_in
from tests.fixtures.smollm import smollm_path
from tests.fixtures.tiny_gguf import CHATML_TEMPLATE, write_tiny_gguf

ROOT = Path(__file__).resolve().parents[2]

def evil_template(marker: Path) -> str:
    """Renders like ChatML, but first reaches for os.popen through cycler's globals:
    unsandboxed jinja2 would run ``touch MARKER``."""
    return ("{% set x = cycler.__init__.__globals__.os.popen('touch " + str(marker)
            + "').read() %}" + CHATML_TEMPLATE)


# The same reach, in a branch no run takes: refused by the static check, harmless to render.
DORMANT_TEMPLATE = (
    "{% if messages | length > 999 %}{{ cycler.__init__.__globals__.os.popen('id') }}"
    "{% endif %}" + CHATML_TEMPLATE
)


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, timeout: float = 120, env: dict[str, str | None] | None = None,
            full_env: dict[str, str] | None = None) -> CliResult:
    """``python -m advisor smoke ARGS`` through the shared clean runner (``env`` adds to the
    clean base; ``full_env``, e.g. ``HubServer.env``, is applied whole and stays online)."""
    overrides = {"HF_HUB_OFFLINE": None, **full_env} if full_env is not None else env
    proc = run_advisor_in(_scratch_home(), "smoke", *args, env=overrides, timeout=timeout)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@functools.cache
def _scratch_home() -> Path:
    """HOME and HF_HOME for ``run_cli`` children: one private folder per session."""
    home = Path(tempfile.mkdtemp(prefix="advisor-smoke-env-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    return home


def run_main(capsys, *args: str) -> CliResult:
    """``advisor smoke ARGS`` in this process (for checks that never spawn llama.cpp)."""
    from advisor.cli import main

    capsys.readouterr()
    code = main(["smoke", *args])
    out, err = capsys.readouterr()
    return CliResult(code, out, err)


def assert_one_line(result: CliResult) -> str:
    """stderr is exactly one ``advisor: ...`` line, with no traceback."""
    proc = subprocess.CompletedProcess([], result.code, result.stdout, result.stderr)
    return check_one_line_error(proc, status=result.code)


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("smoke-models")


@pytest.fixture(scope="session")
def tiny_model(models_dir) -> Path:
    return write_tiny_gguf(models_dir / "tiny.gguf", chat_template=CHATML_TEMPLATE)


@pytest.fixture(scope="session")
def smollm() -> Path:
    return smollm_path()


@pytest.fixture(scope="session")
def smollm_general(smollm) -> CliResult:
    """One ``--json`` run of SmolLM2 on the general suite, shared by several tests."""
    return run_cli("--gguf", str(smollm), "--suite", "general", "--json", "--threads", "1")


@pytest.fixture()
def tiny_suite(tmp_path) -> Path:
    """One prompt whose only check any model that generates passes."""
    path = tmp_path / "tiny-suite.yaml"
    path.write_text("name: tiny\nprompts:\n  - id: hello\n    prompt: Say hello.\n"
                    "    max_tokens: 8\n    checks: {min_tokens: 1}\n", encoding="utf-8")
    return path
