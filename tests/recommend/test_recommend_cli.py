"""`advisor recommend` as CONTRACT §8 names it: the JSON document, the readable
shortlist, the exit statuses.

    pytest tests/recommend/test_cli.py -q
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.cli import clean_env

SUPPORT = """\
organization: {domicile: DE, monthly_active_users: 50000}
deployment: {regions: [EU], mode: hosted_service, commercial: true}
use_case: {categories: [customer_support], modalities: [text], languages: [de, fr, en]}
hardware: {ram_gb: 128, vram_gb: 80}
"""


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(SUPPORT, encoding="utf-8")
    return path


def test_the_json_document(answers: Path, run_advisor) -> None:
    proc = run_advisor("recommend", "--answers", str(answers), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "advisor.recommendation/1"
    assert doc["answers"]["organization"]["domicile"] == "DE"
    assert doc["hardware"]["source"] == "answers" and doc["hardware"]["vram_gb"] == 80
    duties = doc["deployment_duties"]
    assert any(d["code"] == "transparency" for d in duties)
    assert len(doc["shortlist"]) == 10
    for rank, item in enumerate(doc["shortlist"], 1):
        assert item["rank"] == rank
        assert {"model", "verdict", "model_verdict", "fit", "why"} <= set(item)
        assert item["fit"] in ("gpu", "partial", "cpu", "hosted", "unknown")
        assert item["why"] and all(isinstance(w, str) and w for w in item["why"])
        assert item["verdict"] in ("allowed", "conditional")
    assert doc["excluded"] and all({"model", "reason", "code"} <= set(e) for e in doc["excluded"])
    assert sum(doc["excluded_counts"].values()) == len(doc["excluded"])
    assert doc["usable"] + len(doc["excluded"]) >= 200


def test_top_bounds_the_shortlist(answers: Path, run_advisor) -> None:
    proc = run_advisor("recommend", "--answers", str(answers), "--json", "--top", "3")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["shortlist"]) == 3


def test_the_readable_shortlist(answers: Path, run_advisor) -> None:
    proc = run_advisor("recommend", "--answers", str(answers), "--top", "4",
                       env={"COLUMNS": "100"})
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.startswith("Whatever model you choose: ")
    head = text.index("Best for Customer support on your 80 GB GPU")
    assert text.index("Art. 50(1)") < head
    assert text.count("Art. 50(1)") == 1 or text.count("transparency: Art. 50(1)") == 1
    ranks = [re.match(r"\s*(\d+)\. ", line) for line in text[head:].splitlines()]
    assert [m.group(1) for m in ranks if m] == ["1", "2", "3", "4"]
    assert "Left out: " in text and "--excluded lists each" in text
    assert max(len(line) for line in text.splitlines() if not line.startswith("  [")) <= 100


def test_excluded_lists_each_with_its_reason(answers: Path, run_advisor) -> None:
    proc = run_advisor("recommend", "--answers", str(answers), "--excluded",
                       env={"COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    assert "  google/gemma-3-1b-pt: a base (pre-trained only) model" in proc.stdout
    assert "  black-forest-labs/FLUX.1-schnell: an image-generation model; Customer " \
        "support needs" in proc.stdout


def test_nothing_usable_is_exit_1(tmp_path: Path, run_advisor) -> None:
    path = tmp_path / "banned.yaml"
    path.write_text("organization: {domicile: DE}\ndeployment: {regions: [DE]}\n"
                    "use_case: {categories: [social_scoring]}\nhardware: {ram_gb: 16}\n",
                    encoding="utf-8")
    proc = run_advisor("recommend", "--answers", str(path), "--json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["shortlist"] == [] and doc["usable"] == 0
    assert doc["excluded_counts"] == {"blocked": len(doc["excluded"])}
    text = run_advisor("recommend", "--answers", str(path))
    assert text.returncode == 1 and "Nothing the answers can use remains." in text.stdout


@pytest.mark.parametrize("content, fragment", [
    ("organization: {domicile: DE}\ndeployment: {mode: cloud}\n", "answers.yaml:2: deployment.mode"),
    ("organization: {domicile: DE}\nhardware: {ram_gb: lots}\n", "hardware"),
    ("organization: {domicile: DE}\nuse_case: {categories: [astrology]}\n", "unknown use case"),
])
def test_bad_answers_exit_2_with_one_line(tmp_path: Path, content: str, fragment: str,
                                          run_advisor, assert_one_line_error) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(content, encoding="utf-8")
    proc = run_advisor("recommend", "--answers", str(path))
    assert proc.stdout == ""
    assert_one_line_error(proc, fragment, status=2)


@pytest.mark.parametrize("top", ["0", "-1", "ten"])
def test_a_bad_top_is_exit_2(answers: Path, top: str, run_advisor) -> None:
    proc = run_advisor("recommend", "--answers", str(answers), "--top", top)
    assert proc.returncode == 2 and "--top" in proc.stderr and proc.stdout == ""


def test_user_profiles_take_part(tmp_path: Path, answers: Path, run_advisor) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "policy.yaml").write_text("""\
schema: advisor.policy/1
id: no-mistral
title: No Mistral here
checked: 2026-11-23
rules:
  - code: organization_policy
    severity: block
    when: {vendor_in: [Mistral AI]}
    message: Mistral models are not approved.
    source: {section: "1", url: "https://intranet.example.com/ai#1"}
""", encoding="utf-8")
    proc = run_advisor("recommend", "--answers", str(answers), "--json", "--top", "50",
                       "--profiles", str(mine))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert not any(i["model"].startswith("mistralai/") for i in doc["shortlist"])
    assert any(e["model"].startswith("mistralai/") and "not approved" in e["reason"]
               for e in doc["excluded"])


def test_auto_hardware_is_this_machine(tmp_path: Path, run_advisor) -> None:
    path = tmp_path / "auto.yaml"
    path.write_text(SUPPORT.replace("hardware: {ram_gb: 128, vram_gb: 80}", "hardware: auto"),
                    encoding="utf-8")
    proc = run_advisor("recommend", "--answers", str(path), "--json")
    assert proc.returncode in (0, 1), proc.stderr
    hardware = json.loads(proc.stdout)["hardware"]
    import psutil

    assert hardware["source"] == "detected"
    assert hardware["ram_gb"] <= psutil.virtual_memory().total / 2 ** 30 + 0.1


def test_recommend_imports_neither_textual_nor_llama_cpp(tmp_path: Path, answers: Path) -> None:
    code = ("import sys; from advisor.cli import main; main(['recommend', '--answers', %r, "
            "'--json']); bad = [m for m in sys.modules if m.split('.')[0] in "
            "('textual', 'llama_cpp')]; sys.stderr.write('IMPORTED:' + ','.join(bad))"
            ) % str(answers)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=clean_env(tmp_path), timeout=120)
    assert "IMPORTED:" in proc.stderr, proc.stderr
    assert proc.stderr.split("IMPORTED:")[1].strip() == ""


def test_the_readable_list_heads_each_tier_and_names_what_was_assumed(
        tmp_path: Path, run_advisor) -> None:
    """A small machine: models that run well come first under their heading, the hosted
    APIs under theirs; the answers left data and audience out, and stderr says so."""
    path = tmp_path / "small.yaml"
    path.write_text(SUPPORT.replace("{ram_gb: 128, vram_gb: 80}", "{ram_gb: 16, vram_gb: 0}"),
                    encoding="utf-8")
    proc = run_advisor("recommend", "--answers", str(path), "--top", "90")
    assert proc.returncode == 0, proc.stderr
    headings = [line for line in proc.stdout.splitlines() if line.startswith("── ")]
    assert headings and headings[0].startswith("── Runs well here")
    assert any(h.startswith("── Hosted APIs") for h in headings)
    assert len(headings) == len(set(headings))        # one heading per tier, tiers in order
    doc = json.loads(run_advisor("recommend", "--answers", str(path), "--json",
                                 "--top", "90").stdout)
    tiers = [item["run"]["tier"] for item in doc["shortlist"]]
    assert len(headings) == len(dict.fromkeys(tiers))
    assert "assumed, not answered: data.categories" in proc.stderr
