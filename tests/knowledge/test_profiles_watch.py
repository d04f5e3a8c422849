"""`advisor profiles watch` against the local Hub stand-in (issue 24 §3): a card whose
license changed, a LICENSE whose bytes changed, a new `extra_gated_eu_disallowed`, and an
unchanged model; a drafted profile watches clean.

    pytest tests/knowledge/test_profiles_watch.py -q
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from advisor.knowledge.hubfacts import HubFacts
from advisor.knowledge.model import HubGate, LicenseFile, ModelProfile
from advisor.knowledge.hubcard import (CardReading, FileReading, gate_digest, gate_fields,
                                       link_target)
from advisor.knowledge.watch import compare_with_profile, hub_moves
from tests.fixtures.hub_server import HubFile, HubRepo, serve_hub
from tests.hub.conftest import silent_endpoint  # noqa: F401 (a fixture)

TOKEN = "hf_watch_granted_token"
LICENSE_TEXT = b"Acme Model License\n\n1. You may use the model.\n"
NEW_LICENSE_TEXT = b"Acme Model License\n\n1. You may use the model for research only.\n"
PROMPT = {"extra_gated_prompt": "You agree to the Acme terms.",
          "extra_gated_fields": {"Country": "country"}}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _licensed(card: dict, text: bytes = LICENSE_TEXT, **kw) -> HubRepo:
    return HubRepo(files={"LICENSE": HubFile(text, lfs=False), "config.json": b"{}"},
                   card_data={"license_link": "LICENSE", **card}, **kw)


def _hub_repos() -> dict[str, HubRepo]:
    """The Hub now: one license moved, one LICENSE rewritten, one gate closed to the EU."""
    return {
        "acme/Moved-License": _licensed({"license": "other", "license_name": "acme-nc"}),
        "acme/Rewritten-License": _licensed({"license": "apache-2.0"}, NEW_LICENSE_TEXT),
        "acme/EU-Gate": _licensed({"license": "apache-2.0", **PROMPT,
                                   "extra_gated_eu_disallowed": True},
                                  gated="manual", granted_tokens=(TOKEN,)),
        "acme/Steady-7B-Instruct": _licensed({"license": "apache-2.0",
                                              "base_model": "acme/Steady-7B"}),
        "acme/Steady-7B": _licensed({"license": "apache-2.0"}),
    }


def _profile(model_id: str, **extra) -> dict:
    return {"id": model_id, "licenses": ["apache-2.0"],
            "license_file": {"path": "LICENSE", "sha256": _sha(LICENSE_TEXT)}, **extra}


def _write_profiles(directory: Path) -> Path:
    gate = {"eu_disallowed": False, "sha256": gate_digest(gate_fields(PROMPT))}
    family = {
        "schema": "advisor.model-family/1", "family": "Acme", "vendor": "Acme",
        "models": [
            _profile("acme/Moved-License"),
            _profile("acme/Rewritten-License"),
            _profile("acme/EU-Gate", gated=True, gate=gate),
            _profile("acme/Steady-7B-Instruct", base_model="acme/Steady-7B"),
            {"id": "acme/Steady-7B", "licenses": ["apache-2.0"]},     # no hash recorded yet
        ],
    }
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "acme.yaml").write_text(yaml.safe_dump(family, sort_keys=False),
                                         encoding="utf-8")
    return directory


@pytest.fixture
def hub():
    with serve_hub(_hub_repos()) as server:
        yield server


def _env(hub, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**hub.env(tmp_path), "HF_HUB_OFFLINE": "0", "HF_TOKEN": TOKEN, **extra}


def _watch(run_advisor, hub, tmp_path: Path, *args: str):
    profiles = _write_profiles(tmp_path / "mine")
    return run_advisor("profiles", "watch", "--profiles", str(profiles), *args,
                       env=_env(hub, tmp_path))


ALL = "acme/Moved-License,acme/Rewritten-License,acme/EU-Gate,acme/Steady-7B-Instruct,acme/Steady-7B"


def test_each_change_is_reported_with_both_sides(hub, tmp_path: Path, run_advisor) -> None:
    proc = _watch(run_advisor, hub, tmp_path, "--models", ALL, "--json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    by_id = {m["model"]: m for m in doc["models"]}
    assert doc["counts"] == {"unchanged": 2, "changed": 3, "unreadable": 0, "skipped": 0}

    moved = by_id["acme/Moved-License"]
    assert moved["status"] == "changed"
    assert [(c["field"], c["profile"], c["hub"]) for c in moved["changes"]] == [
        ("license_name", ["apache-2.0"], "acme-nc")]

    rewritten = by_id["acme/Rewritten-License"]["changes"]
    assert [(c["field"], c["profile"], c["hub"]) for c in rewritten] == [
        ("license_file", _sha(LICENSE_TEXT), _sha(NEW_LICENSE_TEXT))]

    eu = by_id["acme/EU-Gate"]["changes"]
    assert [(c["field"], c["profile"], c["hub"]) for c in eu] == [
        ("extra_gated_eu_disallowed", False, True)]

    steady = by_id["acme/Steady-7B-Instruct"]
    assert steady["status"] == "unchanged" and steady["changes"] == []
    base = by_id["acme/Steady-7B"]
    assert base["status"] == "unchanged"
    assert f"license file 'LICENSE': no recorded hash (sha256 now {_sha(LICENSE_TEXT)})" in base["notes"]


def test_text_names_what_changed_and_exit_codes(hub, tmp_path: Path, run_advisor) -> None:
    proc = _watch(run_advisor, hub, tmp_path, "--models", ALL)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "acme/Moved-License: 1 difference" in out
    assert "license_name: the card says license 'other', license_name 'acme-nc' (meaning no " \
           "license profile); the profile says apache-2.0" in out
    assert (f"license file 'LICENSE' changed: sha256 {_sha(LICENSE_TEXT)[:12]} in the profile, "
            f"{_sha(NEW_LICENSE_TEXT)[:12]} on the Hub") in out
    assert "extra_gated_eu_disallowed: the card says true; the profile says false" in out
    assert "acme/Steady-7B-Instruct: unchanged" in out
    assert "5 model(s): 3 with differences, 2 unchanged, 0 not read, 0 skipped" in out

    steady = _watch(run_advisor, hub, tmp_path, "--models",
                    "acme/Steady-7B-Instruct,openai-api/gpt-5.1")
    assert steady.returncode == 0, steady.stdout + steady.stderr
    assert "skipped (a hosted API model: it has no Hub card to watch): openai-api/gpt-5.1" \
        in steady.stdout


def test_base_chain_and_license_tag_differences(tmp_path: Path, run_advisor) -> None:
    repos = _hub_repos()
    repos["acme/Steady-7B-Instruct"] = _licensed({"license": "mit",
                                                  "base_model": "acme/Other-7B"})
    with serve_hub(repos) as server:
        proc = _watch(run_advisor, server, tmp_path, "--models", "acme/Steady-7B-Instruct",
                      "--json")
    assert proc.returncode == 1, proc.stderr
    changes = {c["field"]: c for c in json.loads(proc.stdout)["models"][0]["changes"]}
    assert (changes["license"]["profile"], changes["license"]["hub"]) == (["apache-2.0"], "mit")
    assert (changes["base_model"]["profile"], changes["base_model"]["hub"]) == (
        ["acme/Steady-7B"], ["acme/Other-7B"])


def test_offline_says_so_and_exits_1(tmp_path: Path, run_advisor, assert_one_line_error) -> None:
    profiles = _write_profiles(tmp_path / "mine")
    proc = run_advisor("profiles", "watch", "--profiles", str(profiles), env={"HF_HUB_OFFLINE": "1"})
    assert_one_line_error(proc, "offline mode is on", "HF_HUB_OFFLINE", status=1)
    assert proc.stdout == ""


def test_bad_input_is_exit_2(hub, tmp_path: Path, run_advisor, assert_one_line_error) -> None:
    assert_one_line_error(_watch(run_advisor, hub, tmp_path, "--models", "acme/nothing"),
                          "--models", "'acme/nothing' is not a profiled model")
    assert_one_line_error(_watch(run_advisor, hub, tmp_path, "--jobs", "0"), "--jobs")


def test_unreachable_hub_stops_asking(tmp_path: Path, run_advisor, silent_endpoint) -> None:
    profiles = _write_profiles(tmp_path / "mine")
    proc = run_advisor("profiles", "watch", "--profiles", str(profiles), "--models", ALL,
                       "--jobs", "1", env={"HF_HUB_OFFLINE": "0", "HF_ENDPOINT": silent_endpoint,
                                           "ADVISOR_HUB_TIMEOUT": "1"}, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "acme/Moved-License: not read" in proc.stdout
    assert "skipped (the Hub stopped answering): acme/Rewritten-License, acme/EU-Gate" in proc.stdout


def test_large_license_file_is_not_downloaded(tmp_path: Path, run_advisor) -> None:
    repos = _hub_repos()
    repos["acme/Rewritten-License"] = _licensed({"license": "apache-2.0"},
                                                b"x" * ((1 << 20) + 1))
    with serve_hub(repos) as server:
        proc = _watch(run_advisor, server, tmp_path, "--models", "acme/Rewritten-License")
        assert server.bytes_served[("acme/Rewritten-License", "LICENSE")] == 0
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "license file 'LICENSE' not read: larger than 1048576 bytes" in proc.stdout


def test_drafted_profile_watches_clean(tmp_path: Path, run_advisor) -> None:
    """`profiles draft` and `profiles watch` read the Hub the same way."""
    repos = _hub_repos()
    with serve_hub(repos) as server:
        mine = tmp_path / "drafts"
        mine.mkdir()
        for repo in ("acme/EU-Gate", "acme/Steady-7B-Instruct"):
            out = mine / (repo.split("/")[1] + ".yaml")
            proc = run_advisor("profiles", "draft", repo, "--out", str(out),
                               env=_env(server, tmp_path))
            assert proc.returncode == 0, proc.stderr
        drafted = yaml.safe_load((mine / "EU-Gate.yaml").read_text())["models"][0]
        assert drafted["license_file"] == {"path": "LICENSE", "sha256": _sha(LICENSE_TEXT)}
        assert drafted["gate"] == {"eu_disallowed": True,
                                   "sha256": gate_digest(gate_fields(PROMPT))}
        proc = run_advisor("profiles", "watch", "--profiles", str(mine), "--models",
                           "acme/EU-Gate,acme/Steady-7B-Instruct", env=_env(server, tmp_path))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "0 with differences, 2 unchanged" in proc.stdout
        repos["acme/EU-Gate"].card_data["extra_gated_prompt"] = "New terms."
        proc = run_advisor("profiles", "watch", "--profiles", str(mine), "--models",
                           "acme/EU-Gate", env=_env(server, tmp_path))
    assert proc.returncode == 1
    assert "extra_gated_* fields changed" in proc.stdout


# -- the pure comparison ------------------------------------------------------------------

def _model(**kw) -> ModelProfile:
    return ModelProfile(id="acme/m", family="Acme", vendor="Acme", licenses=("apache-2.0",), **kw)


def test_same_spdx_under_another_profile_is_no_change(kb) -> None:
    gemma4 = next(p for p in kb.models.values() if "gemma-4" in p.licenses)
    reading = CardReading(hub=HubFacts(repo_id=gemma4.id, license_tag="apache-2.0",
                                       gated=gemma4.gated))
    changes, _ = compare_with_profile(kb, gemma4, reading)
    assert [c.field for c in changes if c.field.startswith("license")] == []


def test_unrecorded_facts_are_notes_not_changes(kb) -> None:
    reading = CardReading(hub=HubFacts(repo_id="acme/m", license_tag="apache-2.0",
                                       license_link="LICENSE", base_models=["acme/base"]),
                          license_file=FileReading("LICENSE", sha256="a" * 64, size=3))
    changes, notes = compare_with_profile(kb, _model(), reading)
    assert changes == []
    assert any("no recorded hash" in n for n in notes)
    assert any("base model 'acme/base'; the profile names none" in n for n in notes)


def test_recorded_file_gone_and_gate_on_ungated_profile(kb) -> None:
    profile = _model(license_file=LicenseFile("LICENSE", "b" * 64))
    reading = CardReading(hub=HubFacts(repo_id="acme/m", license_tag="apache-2.0",
                                       gated="auto", gated_eu_disallowed=True),
                          license_file=FileReading("LICENSE", problem="absent"))
    fields = {c.field: c for c in compare_with_profile(kb, profile, reading)[0]}
    assert set(fields) == {"gated", "extra_gated_eu_disallowed", "license_file"}
    assert (fields["gated"].recorded, fields["gated"].hub) == (False, "auto")
    assert fields["license_file"].hub is None
    gated = _model(gated=True, gate=HubGate(eu_disallowed=True))
    assert compare_with_profile(kb, gated, CardReading(hub=HubFacts(
        repo_id="acme/m", license_tag="apache-2.0", gated="auto",
        gated_eu_disallowed=True)))[0] == []


def test_license_link_elsewhere_is_a_change(kb) -> None:
    reading = CardReading(hub=HubFacts(repo_id="acme/m", license_tag="apache-2.0",
                                       license_link="https://acme.example/new-terms"))
    changes, _ = compare_with_profile(kb, _model(), reading)
    assert [(c.field, c.hub) for c in changes] == [("license_link",
                                                   "https://acme.example/new-terms")]
    same = CardReading(hub=HubFacts(repo_id="acme/m", license_tag="apache-2.0",
                                    license_link="http://www.apache.org/licenses/LICENSE-2.0/"))
    assert compare_with_profile(kb, _model(), same)[0] == []


@pytest.mark.parametrize("link,expected", [
    ("LICENSE", ("repo", "LICENSE")),
    ("https://huggingface.co/ACME/m/resolve/abc/docs/LICENSE.md", ("repo", "docs/LICENSE.md")),
    ("https://huggingface.co/other/m/blob/main/LICENSE", ("url", "huggingface.co/other/m/blob/main/LICENSE")),
    ("../../etc/passwd", None),
    ("/etc/passwd", None),
    ("LICENSE\x1b[2J", None),
    ("x" * 600, None),
    (None, None),
])
def test_link_target(link, expected) -> None:
    assert link_target(link, "acme/m") == expected


def test_hub_moves_name_each_field_and_the_bases() -> None:
    before = {"repo_id": "o/m", "license_tag": "apache-2.0", "license_link": "LICENSE",
              "gated": False, "gated_eu_disallowed": False, "base_models": ["o/base"],
              "base_chain": [{"repo_id": "o/base", "license_tag": "apache-2.0"}]}
    after = {**before, "license_link": "https://o.example/terms", "gated_eu_disallowed": True,
             "base_chain": [{"repo_id": "o/base", "license_tag": "other",
                             "license_name": "o-nc"}]}
    moves = hub_moves(before, after)
    assert [(c.field, c.recorded, c.hub) for c in moves] == [
        ("license_link", "LICENSE", "https://o.example/terms"),
        ("extra_gated_eu_disallowed", False, True),
        ("license", "apache-2.0", "other"), ("license_name", None, "o-nc")]
    assert moves[2].message.startswith("base model 'o/base': license:")
    assert hub_moves(before, before) == [] and hub_moves(None, after) == []
    rebased = hub_moves(before, {**before, "base_models": ["o/other"]})
    assert [(c.field, c.hub) for c in rebased] == [("base_model", ["o/other"])]


def test_loader_refuses_a_bad_license_file_or_gate(tmp_path: Path, run_advisor) -> None:
    mine = tmp_path / "bad"
    mine.mkdir()
    (mine / "bad.yaml").write_text(
        "schema: advisor.model-family/1\nfamily: Bad\nvendor: Bad\nmodels:\n"
        "  - id: bad/one\n    licenses: [mit]\n    license_file: {path: ../../etc/passwd}\n"
        "  - id: bad/two\n    licenses: [mit]\n    license_file: {path: LICENSE, sha256: ABC}\n"
        "  - id: bad/three\n    licenses: [mit]\n    gate: {eu_disallowed: 'yes'}\n"
        "  - id: bad/four\n    licenses: [mit]\n    gate: {prompt: x}\n", encoding="utf-8")
    proc = run_advisor("profiles", "check", str(mine))
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert any("bad.yaml:7: models[0].license_file.path: '../../etc/passwd' is not a file path"
               in ln for ln in lines), proc.stderr
    assert any("bad.yaml:10: models[1].license_file.sha256: must be 64 lower-case hex" in ln
               for ln in lines), proc.stderr
    assert any("models[2].gate.eu_disallowed: must be true or false" in ln for ln in lines)
    assert any("models[3].gate.prompt: unknown key" in ln for ln in lines), proc.stderr
