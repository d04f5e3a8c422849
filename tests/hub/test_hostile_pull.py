"""Two pulls of one file (issue 23, item 9): both appended to one partial file and both
failed, or a narrower race corrupted a verified blob. The second now waits on
huggingface_hub's own lock, says so, and finds the verified file: the Hub serves it once.

The stand-in Hub pauses the first download half-way (``HubServer.hold``) until the test
has seen the second pull wait; nothing here sleeps in place of a condition.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.fixtures.cli import clean_env
from tests.fixtures.hub_server import HubFile, HubRepo
from tests.fixtures.tiny_gguf import write_tiny_gguf
from tests.hub.conftest import ROOT

REPO, NAME = "org/two-GGUF", "two-F32.gguf"
WAIT_NOTE = "another download of this file is running"


def _pull(env: dict[str, str], home: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "advisor", "pull", REPO, "--file", NAME],
                            env=clean_env(home, {"HF_HUB_OFFLINE": None, **env}), cwd=ROOT,
                            text=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _until(condition, what: str, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def test_a_second_pull_of_one_file_waits_and_finds_it_verified(hub_server, tmp_path):
    gguf = write_tiny_gguf(tmp_path / NAME, target_bytes=4 << 20)
    data = gguf.read_bytes()
    hub = hub_server({REPO: HubRepo(files={NAME: HubFile(gguf)})})
    release = threading.Event()
    hub.hold[(REPO, NAME)] = (len(data) // 2, release)
    env = hub.env(tmp_path)
    first = _pull(env, tmp_path)
    try:
        _until(lambda: hub.bytes_served[(REPO, NAME)] >= len(data) // 2 or first.poll() is not None,
               "the first pull reached the middle of the file")
        assert first.poll() is None, first.communicate()
        second = _pull(env, tmp_path)
        said: list[str] = []
        for line in second.stderr:                 # until it says it waits (or exits)
            said.append(line)
            if WAIT_NOTE in line:
                break
        assert any(WAIT_NOTE in line for line in said), "".join(said)
        release.set()
        out1, err1 = first.communicate(timeout=120)
        out2, err2 = second.communicate(timeout=120)
    finally:
        release.set()
        for proc in (first, locals().get("second")):
            if proc is not None and proc.poll() is None:
                proc.kill()
    assert first.returncode == 0, err1
    assert second.returncode == 0, "".join(said) + err2
    path = Path(out1.strip().splitlines()[-1])
    assert out2.strip().splitlines()[-1] == str(path)
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(data).digest()
    assert hub.bytes_served[(REPO, NAME)] == len(data)          # served once, never twice
    blobs = path.resolve().parent
    assert [p.name for p in blobs.iterdir() if p.name.endswith(".incomplete")] == []


def test_a_redirect_to_a_local_file_names_the_redirect_not_hf_endpoint(hub_server, tmp_path):
    from tests.hub.conftest import run_cli

    gguf = write_tiny_gguf(tmp_path / NAME)
    hub = hub_server({REPO: HubRepo(files={NAME: HubFile(
        gguf, headers={"Location": "file:///etc/passwd"})})})
    proc = run_cli(["pull", REPO, "--file", NAME], hub.env(tmp_path))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if not ln.startswith("advisor: note:")]
    assert len(errors) == 1, proc.stderr
    assert "redirected the download to 'file:///etc/passwd'" in errors[0]
    assert "HF_ENDPOINT" not in errors[0]
