"""The layer order and "no import cycles" ([tool.importlinter] in pyproject.toml) hold, and
the check bites: a copy of the package with a lower layer importing a higher one, or
with a cycle between sibling modules, fails it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = ("import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(no_cache=True, no_logo=True))")


def lint(root: Path) -> subprocess.CompletedProcess:
    """import-linter over the package under ``root`` with ``root``'s pyproject.toml."""
    return subprocess.run([sys.executable, "-c", LINT], cwd=root, capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})


def test_the_package_keeps_its_contracts():
    proc = lint(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 kept, 0 broken" in proc.stdout


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "advisor", tmp_path / "advisor",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def inject(module: Path, line: str) -> None:
    """Add an import after the module's ``from __future__`` line (it is parsed, never run)."""
    text = module.read_text()
    future = "from __future__ import annotations\n"
    module.write_text(text.replace(future, future + line + "\n", 1))


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("text.py", "from advisor.commands import common", "Layers"),        # shared -> shell
    ("gguf/quant.py", "import advisor.hub.client", "Layers"),             # gguf -> hub
    ("knowledge/draft.py", "from advisor.assessment import engine", "Layers"),
    ("commands/assess.py", "import advisor.tui.app", "Layers"),           # shell -> shell
    ("smoke/checks.py", "from advisor.smoke import result", "No import cycles"),
    ("hub/checks.py", "from advisor.hub import facts", "No import cycles"),
])
def test_a_breach_fails_the_check(copy: Path, module: str, line: str, contract: str):
    inject(copy / "advisor" / module, line)
    proc = lint(copy)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert contract in proc.stdout.split("Broken contracts")[-1], proc.stdout
