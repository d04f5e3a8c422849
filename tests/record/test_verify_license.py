"""`record verify` turns a license that moved on the Hub under a decision into drift
(issue 24 §3), reading the Hub as `advisor profiles watch` does."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

from tests.fixtures.hub_server import HubFile, HubRepo, serve_hub
from tests.record.conftest import MARKER, advisor

MODEL = "acme/Widget-7B-Instruct"
LICENSE_TEXT = b"Apache License, Version 2.0 (as shipped with Widget)\n"


def _profiles(directory: Path) -> Path:
    family = {"schema": "advisor.model-family/1", "family": "Widget", "vendor": "Acme",
              "models": [{"id": MODEL, "licenses": ["apache-2.0"], "kind": "instruct",
                          "license_file": {"path": "LICENSE",
                                           "sha256": hashlib.sha256(LICENSE_TEXT).hexdigest()}}]}
    directory.mkdir()
    (directory / "widget.yaml").write_text(yaml.safe_dump(family), encoding="utf-8")
    return directory


def _repo() -> HubRepo:
    return HubRepo(files={"LICENSE": HubFile(LICENSE_TEXT, lfs=False)},
                   card_data={"license": "apache-2.0", "license_link": "LICENSE"}, sha="1" * 40)


def test_a_license_moved_under_the_decision_is_drift(answers_file, tmp_path: Path) -> None:
    profiles = _profiles(tmp_path / "mine")
    repo = _repo()
    with serve_hub({MODEL: repo}, tokens=(MARKER,)) as hub:
        env = {**hub.env(tmp_path, HF_TOKEN=MARKER), "HF_HUB_OFFLINE": "0"}
        made = advisor("record", "--answers", str(answers_file), "--model", MODEL, "--profiles",
                       str(profiles), "--out", str(tmp_path / "d"), "--format", "json", env=env)
        assert made.returncode == 0, made.stderr
        record = made.stdout.split()[0]

        same = advisor("record", "verify", record, "--profiles", str(profiles), "--json", env=env)
        assert same.returncode == 0, same.stdout + same.stderr
        assert json.loads(same.stdout)["differences"] == []

        repo.card_data.update(license="other", license_name="widget-research-only")
        moved = advisor("record", "verify", record, "--profiles", str(profiles), "--json", env=env)
        assert moved.returncode == 1, moved.stdout + moved.stderr
        diffs = {d["kind"]: d for d in json.loads(moved.stdout)["differences"]}
        assert (diffs["hub_license"]["before"], diffs["hub_license"]["after"]) == (
            "apache-2.0", "other")
        assert (diffs["hub_license_name"]["before"], diffs["hub_license_name"]["after"]) == (
            None, "widget-research-only")
        text = advisor("record", "verify", record, "--profiles", str(profiles), env=env)
        assert ("license: the card said 'apache-2.0' when the record was written; it says "
                "'other' now") in text.stdout

        repo.card_data.update(license="apache-2.0", license_name=None)
        del repo.card_data["license_name"]
        repo.files["LICENSE"] = HubFile(LICENSE_TEXT + b"Addendum: no use in the EU.\n", lfs=False)
        rewritten = advisor("record", "verify", record, "--profiles", str(profiles), "--json",
                            env=env)
        assert rewritten.returncode == 1, rewritten.stdout + rewritten.stderr
        kinds = [d["kind"] for d in json.loads(rewritten.stdout)["differences"]]
        assert kinds == ["hub_license_file"]

        offline = advisor("record", "verify", record, "--profiles", str(profiles), "--offline",
                          env=env)
        assert offline.returncode == 0, offline.stdout + offline.stderr
