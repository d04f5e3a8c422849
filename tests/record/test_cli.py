"""`advisor record` and `advisor record verify` as a user (or CI) runs them."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from advisor.config import PROFILES_DIR
from tests.record.conftest import MARKER, MODEL, advisor

NAMES = ["decision-meta-llama--llama-3.2-1b-instruct-{d}.md",
         "decision-meta-llama--llama-3.2-1b-instruct-{d}.json",
         "decision-meta-llama--llama-3.2-1b-instruct-{d}.cdx.json"]


def _record(answers_file: Path, out: Path, *extra: str):
    return advisor("record", "--answers", str(answers_file), "--model", MODEL, "--out", str(out),
                   "--decision-makers", "Ada Lovelace, Grace Hopper", *extra)


def _one_line_error(proc, *needles: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("advisor: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_round_trip_all_formats_then_verify_unchanged(answers_file, smoke_file, tmp_path):
    out = tmp_path / "decisions"
    proc = _record(answers_file, out, "--smoke", str(smoke_file))
    assert proc.returncode == 0, proc.stderr
    paths = [Path(p) for p in proc.stdout.split()]
    assert [p.parent for p in paths] == [out] * 3
    date = paths[0].name[-13:-3]
    assert [p.name for p in paths] == [n.format(d=date) for n in NAMES]
    md, js, cdx = (p.read_text() for p in paths)
    assert "## Decision Outcome" in md and "Ada Lovelace" in md
    doc = json.loads(js)
    assert doc["schema"] == "advisor.record/1" and doc["model"] == MODEL
    assert doc["smoke"]["extra_field_from_newer_smoke"] == {"ok": True}
    assert json.loads(cdx)["components"][0]["type"] == "machine-learning-model"
    everything = proc.stdout + proc.stderr + md + js + cdx
    assert MARKER not in everything
    assert "api_key" not in js and "[redacted]" in js

    check = advisor("record", "verify", str(paths[1]))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "unchanged" in check.stdout and MARKER not in check.stdout + check.stderr


def test_no_overwrite_without_force(answers_file, tmp_path):
    out = tmp_path / "d"
    first = _record(answers_file, out, "--format", "md")
    assert first.returncode == 0, first.stderr
    md = Path(first.stdout.strip())
    md.write_text("edited by a human\n")
    again = _record(answers_file, out, "--format", "md,json")
    _one_line_error(again, str(md), "--force")
    assert md.read_text() == "edited by a human\n"
    assert sorted(p.name for p in out.iterdir()) == [md.name]       # json not written either
    forced = _record(answers_file, out, "--format", "md,json", "--force")
    assert forced.returncode == 0, forced.stderr
    assert md.read_text().startswith("---\nstatus: proposed")


def test_drift_from_a_changed_license_rule(answers_file, tmp_path):
    out = tmp_path / "d"
    proc = _record(answers_file, out, "--format", "json", "--status", "accepted")
    assert proc.returncode == 0, proc.stderr
    record = proc.stdout.strip()
    overlay = tmp_path / "my-profiles"
    overlay.mkdir()
    lic = yaml.safe_load((PROFILES_DIR / "licenses" / "llama3.2.yaml").read_text())
    for rule in lic["rules"]:
        if rule["code"] == "attribution":
            rule["severity"] = "block"
            rule["message"] = "Our lawyers read §1.b.i as forbidding hosted services."
    (overlay / "llama3.2.yaml").write_text(yaml.safe_dump(lic, sort_keys=False))
    check = advisor("record", "verify", record, "--profiles", str(overlay))
    assert check.returncode == 1, check.stdout + check.stderr
    assert "DRIFT" in check.stdout
    assert "license text changed: llama3.2" in check.stdout
    assert "verdict changed: conditional -> blocked" in check.stdout
    assert "finding added: [block] attribution: Our lawyers read" in check.stdout
    as_json = advisor("record", "verify", record, "--profiles", str(overlay), "--json")
    assert as_json.returncode == 1
    kinds = {d["kind"] for d in json.loads(as_json.stdout)["differences"]}
    assert {"license_text", "verdict", "finding_added", "finding_removed"} <= kinds


def test_verify_bad_input_is_one_line_exit_2(tmp_path):
    missing = tmp_path / "nope.json"
    _one_line_error(advisor("record", "verify", str(missing)), str(missing), "no such file")
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    _one_line_error(advisor("record", "verify", str(garbage)), str(garbage), "not JSON")
    other = tmp_path / "assessment.json"
    other.write_text(json.dumps({"schema": "advisor.assessment/1", "candidates": []}))
    _one_line_error(advisor("record", "verify", str(other)), str(other), "schema")


def test_verify_record_missing_a_field(answers_file, tmp_path):
    proc = _record(answers_file, tmp_path, "--format", "json")
    path = Path(proc.stdout.strip())
    data = json.loads(path.read_text())
    del data["chosen"]["findings"]
    path.write_text(json.dumps(data))
    edited = advisor("record", "verify", str(path))          # a sealed record: tampering
    assert edited.returncode == 1, edited.stdout + edited.stderr
    assert "tampered: chosen.findings removed" in edited.stdout
    assert "no longer fits the record schema: chosen: 'findings' is a required" in edited.stdout
    for key in ("digest", "digest_fields"):                  # never sealed: bad input
        del data[key]
    path.write_text(json.dumps(data))
    _one_line_error(advisor("record", "verify", str(path)), str(path), "findings")


def test_record_bad_arguments(answers_file, tmp_path):
    _one_line_error(advisor("record", "--answers", str(answers_file), "--model", MODEL), "--out")
    _one_line_error(_record(answers_file, tmp_path, "--format", "md,pdf"), "--format", "pdf")
    smoke = tmp_path / "smoke.json"
    smoke.write_text("[1, 2]")
    _one_line_error(_record(answers_file, tmp_path, "--smoke", str(smoke)), str(smoke))
    assert list(tmp_path.glob("decision-*")) == []
