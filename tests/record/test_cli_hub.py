"""Record and verify against a local Hub stand-in: the Hub revision is kept and re-checked."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.hub_server import HubRepo, serve_hub
from tests.record.conftest import MARKER, MODEL, advisor


def test_hub_revision_recorded_then_drift_when_the_repo_moves(answers_file, tmp_path):
    repo = HubRepo(card_data={"license": "llama3.2"}, sha="1" * 40)
    with serve_hub({MODEL: repo}, tokens=(MARKER,)) as hub:
        env = hub.env(tmp_path, HF_TOKEN=MARKER)
        proc = advisor("record", "--answers", str(answers_file), "--model", MODEL,
                       "--out", str(tmp_path / "d"), "--format", "json,cdx", env={**env, "HF_HUB_OFFLINE": "0"})
        assert proc.returncode == 0, proc.stderr
        record, cdx = (Path(p) for p in proc.stdout.split())
        data = json.loads(record.read_text())
        assert data["reproducibility"]["hub"]["sha"] == "1" * 40
        assert json.loads(cdx.read_text())["components"][0]["version"] == "1" * 40
        assert MARKER not in record.read_text() + cdx.read_text()

        same = advisor("record", "verify", str(record), env={**env, "HF_HUB_OFFLINE": "0"})
        assert same.returncode == 0, same.stdout + same.stderr

        repo.sha = "2" * 40
        moved = advisor("record", "verify", str(record), env={**env, "HF_HUB_OFFLINE": "0"})
        assert moved.returncode == 1, moved.stdout + moved.stderr
        assert f"Hub revision changed for {MODEL}: 111111111111 -> 222222222222" in moved.stdout

        offline = advisor("record", "verify", str(record), "--offline", env={**env, "HF_HUB_OFFLINE": "0"})
        assert offline.returncode == 0, offline.stdout + offline.stderr
