"""The three decisions of the recommendation issue, recorded as a lawyer reads them: the
summary first, the options weighed, one chosen model everywhere, every duty once and split
into "must do" and "only if" with owners and whens, the places not assessed named alike
wherever they appear. These tests read the Markdown, not only the JSON."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.record.conftest import advisor

MISTRAL = "mistralai/Mistral-Small-3.2-24B-Instruct-2506"
QWEN_14B = "Qwen/Qwen3-14B"
QWEN_4B = "Qwen/Qwen3-4B-Instruct-2507"
GEMMA_4B = "google/gemma-3-4b-it"
LLAMA_1B = "meta-llama/Llama-3.2-1B-Instruct"


@dataclass(frozen=True)
class Decision:
    name: str
    answers: str
    model: str
    consider: tuple[str, ...]


EU_CHATBOT = Decision("eu-chatbot", """\
organization: {domicile: DE, monthly_active_users: 50000}
deployment: {regions: [EU], mode: hosted_service, commercial: true}
use_case: {categories: [customer_support], modalities: [text], languages: [de, fr, en]}
data: {categories: [personal]}
audience: [consumers]
hardware: {ram_gb: 128, vram_gb: 80}
""", MISTRAL, (QWEN_14B, LLAMA_1B))
HOSPITAL = Decision("hospital", """\
organization: {domicile: DE, monthly_active_users: 2000}
deployment: {regions: [DE], mode: internal, commercial: true}
use_case: {categories: [summarization], modalities: [text], languages: [de]}
data: {categories: [health]}
audience: [employees]
hardware: {ram_gb: 64, vram_gb: 24}
""", QWEN_14B, (MISTRAL,))
GAME = Decision("game", """\
organization: {domicile: US, monthly_active_users: 500000}
deployment: {regions: [US, EU], mode: on_device, commercial: true}
use_case: {categories: [games_entertainment], modalities: [text], languages: [en]}
audience: [consumers]
hardware: {ram_gb: 8, vram_gb: 0}
""", QWEN_4B, (GEMMA_4B,))
DECISIONS = (EU_CHATBOT, HOSPITAL, GAME)


@dataclass(frozen=True)
class Written:
    md: str
    data: dict
    bom: dict
    spdx: dict


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Written]:
    out: dict[str, Written] = {}
    for d in DECISIONS:
        folder = tmp_path_factory.mktemp(d.name)
        answers = folder / "answers.yaml"
        answers.write_text(d.answers)
        proc = advisor("record", "--answers", str(answers), "--model", d.model,
                       "--consider", ",".join(d.consider), "--out", str(folder / "out"),
                       "--format", "md,json,cdx,spdx", "--decider", "Dana Lee (CTO)",
                       "--decider", "Sam Roe (Legal)")
        assert proc.returncode == 0, proc.stderr
        md, js, cdx, spdx = (Path(p).read_text() for p in proc.stdout.split())
        out[d.name] = Written(md, json.loads(js), json.loads(cdx), json.loads(spdx))
    return out


def section(md: str, start: str, end: str) -> str:
    return md.split(start, 1)[1].split(end, 1)[0]


def table(md: str, heading: str) -> list[list[str]]:
    """The rows of the table under ``heading`` (``### Must do``), cells stripped."""
    body = md.split(heading, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    rows = [ln for ln in body.splitlines() if ln.startswith("| ") and not ln.startswith("| #")]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", ln)[1:-1]] for ln in rows]


@pytest.mark.parametrize("d", DECISIONS, ids=lambda d: d.name)
def test_summary_comes_first_and_says_what_was_decided(written, d):
    md = written[d.name].md
    assert md.index("## Summary") < md.index("## Context and Problem Statement")
    summary = section(md, "## Summary", "### Must do")
    rows = dict(tuple(r) for r in table(md, "## Summary"))
    assert rows["Decision"].startswith(f"Adopt **{d.model}** for ")
    assert "decision-makers: Dana Lee (CTO), Sam Roe (Legal)" in rows["Decision"]
    assert rows["Verdict"].startswith(f"**{written[d.name].data['chosen']['verdict']}**")
    for name in ("Model", "The deployment's duties", "The model's own duties", "Options weighed",
                 "Not assessed", "Knowledge checked", "Record digest"):
        assert name in rows, (name, summary)
    assert written[d.name].data["digest"] in rows["Record digest"]
    for other in d.consider:
        assert other in rows["Options weighed"]
    # MADR 4 and what legal relies on stay: sections, citations, scope, disclaimer
    for heading in ("## Considered Options", "## Decision Outcome", "### Consequences",
                    "### Confirmation", "## Pros and Cons of the Options", "## More Information",
                    "Scope of this assessment:"):
        assert heading in md
    assert "not legal advice" in md.split("## Summary")[0]


@pytest.mark.parametrize("d", DECISIONS, ids=lambda d: d.name)
def test_one_chosen_model_everywhere(written, d):
    w = written[d.name]
    assert f'Chosen option: "{d.model}"' in w.md
    options = section(w.md, "## Considered Options", "## Decision Outcome")
    assert options.count("(chosen)") == 1 and f"* {d.model} (chosen):" in options
    pros = section(w.md, "## Pros and Cons of the Options", "## More Information")
    assert re.findall(r"^### (.+?) \(chosen\)$", pros, re.M) == [d.model]
    component = w.bom["components"][0]
    assert f"{component['group']}/{component['name']}" == d.model
    (package,) = [e for e in w.spdx["@graph"] if e["type"] == "ai_AIPackage"]
    assert package["name"] == d.model
    assert [a["model"] for a in w.data["alternatives"]] == list(d.consider)


@pytest.mark.parametrize("d", DECISIONS, ids=lambda d: d.name)
def test_every_duty_once_with_owner_when_and_source(written, d):
    w = written[d.name]
    must, only = table(w.md, "### Must do"), table(w.md, "### Only if")
    texts = [r[1] for r in must] + [r[2] for r in only]
    assert len(texts) == len(set(texts)), texts                  # each duty once
    assert len(texts) == len(w.data["duties"])
    for row in must:
        _, duty, scope, owner, when, source = row
        assert owner in ("engineering", "legal", "product") and when in (
            "before launch", "on each release", "yearly")
        assert "](https://" in source, row                          # cited with its url
    for row in only:
        assert row[1] and row[1] != "--", row                       # the trigger in words
    # no duty of the chosen model is repeated under an alternative as its own text
    alternatives = section(w.md, "## Pros and Cons of the Options", "## More Information")
    alternatives = alternatives.split("\n### ", 2)[-1] if len(d.consider) else ""
    for duty in w.data["duties"]:
        assert f"it needs: {duty['text']}" not in alternatives


def test_the_eu_chatbot_must_tell_users_and_keeps_copies_and_provider_duties_conditional(written):
    w = written["eu-chatbot"]
    must = {r[1]: r for r in table(w.md, "### Must do")}
    tell = next(r for t, r in must.items() if "interacting with an AI system" in t)
    assert tell[3] == "product" and tell[4] == "before launch" and "Art. 50(1)" in tell[5]
    only = table(w.md, "### Only if")
    notice = next(r for r in only if "Apache-2.0 license text" in r[2])
    assert notice[1].startswith("you give copies of the weights to others")
    provider = [r for r in only if "Annex XI technical documentation" in r[2]]
    assert provider and "more than one third of the original model's training compute" \
        in provider[0][1]
    assert not any("Apache-2.0 license text" in t for t in must)   # a hosted service ships none


def test_the_game_ships_copies_so_the_notice_is_a_must_on_each_release(written):
    w = written["game"]
    notice = next(r for r in table(w.md, "### Must do") if "Apache-2.0 license text" in r[1])
    assert notice[3] == "engineering" and notice[4] == "on each release"


def test_an_alternative_shows_only_how_its_duties_differ(written):
    w = written["game"]
    gemma = section(w.md, f"### {GEMMA_4B}\n", "## More Information")
    assert f"unlike {QWEN_4B} it needs: Put the Gemma §3.2 use restrictions" in gemma
    assert f"unlike {QWEN_4B} it does not need: Keep the Apache-2.0 license text" in gemma
    options = section(w.md, "## Considered Options", "## Decision Outcome")
    assert re.search(rf"\* {re.escape(GEMMA_4B)}: verdict conditional.*, license gemma;.* adds "
                     r"\d+ duties and spares \d+ dut(y|ies) of the chosen model", options)
    eu = written["eu-chatbot"]
    qwen = section(eu.md, f"### {QWEN_14B}\n", f"### {LLAMA_1B}\n")
    assert f"its own duties are the same as {MISTRAL}'s" in qwen
    assert "Art. 50" not in qwen                                     # not repeated


def test_places_not_assessed_read_the_same_in_the_summary_and_the_scope(written):
    w = written["game"]
    rows = dict(tuple(r) for r in table(w.md, "## Summary"))
    scope = re.search(r"^\* Places whose law was not assessed: (.+)$", w.md, re.M).group(1)
    assert scope in rows["Not assessed"]
    assert scope.startswith("the United States (US): the law of its states or provinces, except ")
    assert "California (US-CA)" in scope and "its national law was assessed" in scope
    assert written["hospital"].data["scope"]["places_not_assessed"] == []
    assert "places whose law was not assessed: none" in written["hospital"].md


def test_owner_and_when_can_be_set(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text(EU_CHATBOT.answers)
    duties = tmp_path / "duties.yaml"
    duties.write_text("owners: {transparency: legal}\nwhen: {transparency: yearly}\n")
    proc = advisor("record", "--answers", str(answers), "--model", MISTRAL, "--out",
                   str(tmp_path / "out"), "--format", "md", "--duties", str(duties),
                   "--owner", "notice=product")
    assert proc.returncode == 0, proc.stderr
    md = Path(proc.stdout.strip()).read_text()
    tell = next(r for r in table(md, "### Must do") if "interacting with an AI system" in r[1])
    assert (tell[3], tell[4]) == ("legal", "yearly")
    notice = next(r for r in table(md, "### Only if") if "Apache-2.0 license text" in r[2])
    assert notice[4] == "product"
    assert "as set for notice, transparency" in md
    bad = advisor("record", "--answers", str(answers), "--model", MISTRAL, "--out",
                  str(tmp_path / "o2"), "--owner", "notice=marketing")
    assert bad.returncode == 2 and "--owner: 'marketing' is not one of" in bad.stderr
    duties.write_text("owners: {transparency: legal}\nwhen: {notice: sometimes}\n")
    bad = advisor("record", "--answers", str(answers), "--model", MISTRAL, "--out",
                  str(tmp_path / "o3"), "--duties", str(duties))
    assert bad.returncode == 2 and f"{duties}: when.notice: 'sometimes'" in bad.stderr


def test_without_named_options_the_recommendation_weighs_what_runs_on_the_hardware(tmp_path):
    """No --consider: the alternatives are the recommendation's best for the same answers
    and hardware: usable (never blocked or unknown), runnable on the declared hardware (the
    8 GB phone gets no 24B model), and never the chosen model itself."""
    pytest.importorskip("advisor.recommend")
    for d in DECISIONS:
        answers = tmp_path / f"{d.name}.yaml"
        answers.write_text(d.answers)
        proc = advisor("record", "--answers", str(answers), "--model", d.model, "--out",
                       str(tmp_path / d.name), "--format", "md,json")
        assert proc.returncode == 0, proc.stderr
        md_path, js_path = (Path(p) for p in proc.stdout.split())
        data = json.loads(js_path.read_text())
        assert data["considered"]["source"] == "recommendation"
        alternatives = data["alternatives"]
        assert 1 <= len(alternatives) <= 3
        for alt in alternatives:
            assert alt["model"] != d.model
            assert alt["verdict"] not in ("blocked", "unknown"), alt["model"]
            assert alt["fit"]["excluded"] is None and alt["fit"]["fit"] != "too_large", alt
            assert alt["fit"]["why"], alt["model"]
        rows = dict(tuple(r) for r in table(md_path.read_text(), "## Summary"))
        assert "the recommendation's best alternatives for the same answers and hardware" \
            in rows["Options weighed"]
    game = json.loads(next((tmp_path / "game").glob("*.json")).read_text())
    assert all((a["parameters"] or 0) < 9e9 for a in game["alternatives"])
