"""A decision record that carries a comparison (`advisor record --comparison`), and
`record verify` checking the files and Hub revisions it names (nothing re-run).

The comparison documents are built through advisor.smoke.compare (CandidateRow,
Comparison, identify): the shape `advisor compare --json` writes, without running models.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from advisor.smoke.compare import Candidate, CandidateRow, Comparison, CompareSettings, identify
from tests.fixtures.hub_server import HubFile, HubRepo, serve_hub
from tests.fixtures.tiny_gguf import write_tiny_gguf
from tests.record.conftest import MARKER, advisor

SMOL = "HuggingFaceTB/SmolLM2-135M-Instruct"
GEMMA = "google/gemma-3-270m-it"
GEMMA_REPO = "ggml-org/gemma-3-270m-it-GGUF"
SETTINGS = CompareSettings(threads=2)


def _local(path: Path, profile: str = SMOL, vendor: str = "Hugging Face", **figures) -> CandidateRow:
    row = CandidateRow(model=path.name, backend="cpu", runner="llama.cpp", source=str(path),
                       passed=True, checks_passed=3, checks_total=3, prompts_passed=3,
                       prompts_total=3, ttft_seconds=0.042, prompt_tokens_per_second=850.0,
                       tokens_per_second=123.4, peak_rss_bytes=310 << 20, **figures)
    identify(row, Candidate(gguf=path), SETTINGS)
    row.assessment = {"profile": profile, "verdict": "conditional", "obligations": 6,
                      "vendor": vendor}
    return row


def _endpoint(name: str = "gemma-3-270m", profile: str | None = GEMMA, vendor: str = "Google",
              error: str | None = None) -> CandidateRow:
    row = CandidateRow(model=name, backend="endpoint", runner="endpoint",
                       source="http://127.0.0.1:8765/v1/chat/completions", passed=error is None,
                       checks_passed=0 if error else 2, checks_total=0 if error else 3,
                       ttft_seconds=None if error else 0.31,
                       tokens_per_second=None if error else 41.5, error=error)
    identify(row, Candidate(endpoint="http://127.0.0.1:8765/v1", model=name), SETTINGS)
    row.assessment = {"profile": profile, "verdict": "conditional", "obligations": 7,
                      "vendor": vendor}
    return row


def _write(tmp_path: Path, comparison: Comparison, name: str = "comparison.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(comparison.to_dict()))
    return path


def _tiny(tmp_path: Path, name: str = "SmolLM2-135M-Instruct-Q8_0.gguf") -> Path:
    folder = tmp_path / "models"
    folder.mkdir(exist_ok=True)
    return write_tiny_gguf(folder / name)


def _standard(tmp_path: Path) -> tuple[Path, Path]:
    """SmolLM2 (local, chosen), Gemma through an endpoint (fallback, Google), and one
    endpoint that could not run and whose error carries a token."""
    gguf = _tiny(tmp_path)
    rows = [_local(gguf), _endpoint(),
            _endpoint("broken", profile=None, vendor=None,
                      error=f"401 Unauthorized (key {MARKER})")]
    cmp = Comparison(suite="general", settings=SETTINGS, candidates=rows, chosen=gguf.name,
                     fallback="gemma-3-270m", fallback_reason="best candidate from a vendor "
                     "other than Hugging Face")
    return gguf, _write(tmp_path, cmp)


def _record(answers_file: Path, out: Path, comparison: Path, *extra: str, env=None):
    return advisor("record", "--answers", str(answers_file), "--model", SMOL, "--out", str(out),
                   "--comparison", str(comparison), *extra, env=env)


def test_record_with_comparison_in_every_format(answers_file, tmp_path):
    from advisor.record.cdx import cyclonedx_problem
    from advisor.record.jsonfmt import schema_problem

    gguf, comparison = _standard(tmp_path)
    proc = _record(answers_file, tmp_path / "d", comparison)
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr
    md_path, js_path, cdx_path = (Path(p) for p in proc.stdout.split())
    md, js, cdx = md_path.read_text(), js_path.read_text(), cdx_path.read_text()
    assert MARKER not in md + js + cdx + proc.stderr

    doc = json.loads(js)
    assert schema_problem(doc) is None
    section = doc["comparison"]
    assert doc["smoke"] is None                       # the comparison is not a smoke result
    assert section["suite"] == "general" and section["settings"]["threads"] == 2
    assert section["chosen"] == gguf.name and section["chosen_is_model"] is True
    assert (section["fallback"], section["fallback_vendor"]) == ("gemma-3-270m", "Google")
    assert section["chosen_vendor"] == "Hugging Face" and section["fallback_vendor_differs"] is True
    sha = hashlib.sha256(gguf.read_bytes()).hexdigest()
    assert section["files"] == [{"candidate": gguf.name, "path": str(gguf), "file": gguf.name,
                                 "sha256": sha, "bytes": gguf.stat().st_size}]
    assert section["revisions"] == []
    assert [u["candidate"] for u in section["unverifiable"]] == ["gemma-3-270m", "broken"]
    assert section["unverifiable"][0]["origin"] == "http://127.0.0.1:8765"
    smol = section["candidates"][0]
    assert (smol["checks_passed"], smol["checks_total"], smol["tokens_per_second"],
            smol["ttft_seconds"], smol["prompt_tokens_per_second"], smol["peak_rss_bytes"],
            smol["verdict"], smol["obligations"]) == (3, 3, 123.4, 0.042, 850.0, 310 << 20,
                                                      "conditional", 6)
    assert "[redacted]" in section["candidates"][2]["error"]

    assert "### Comparison" in md
    assert f"| {gguf.name} (chosen) | local | {SMOL} | Hugging Face | conditional | 6 | 3/3 | " \
           "0.042 | 850 | 123.4 | 310 MiB | -- |" in md
    assert "| gemma-3-270m (fallback) | endpoint |" in md
    assert "Fallback: gemma-3-270m (Google), from a different vendor" in md
    assert "* Good, because a fallback from a different vendor is ready: gemma-3-270m (Google)" in md
    assert "passed 3 of 3 checks, 123.4 tokens/s decode (chosen; see Comparison)" in md
    assert "Smoke test: not run on its own" in md and "not a smoke result" in md
    assert f"sha256 `{sha}`" in md

    assert cyclonedx_problem(cdx) is None
    bom = json.loads(cdx)
    assert bom["components"][0]["bom-ref"] == "model"
    compared = {c["name"]: c for c in bom["components"][1:]}
    assert compared[gguf.name]["hashes"] == [{"alg": "SHA-256", "content": sha}]
    roles = {c["name"]: {p["name"]: p["value"] for p in c["properties"]}["advisor:comparison:role"]
             for c in compared.values()}
    assert roles == {gguf.name: "chosen", "gemma-3-270m": "fallback", "broken": "compared"}
    metrics = bom["components"][0]["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]
    assert {"type": "comparison checks passed", "value": "3/3",
            "slice": "advisor compare, suite general, cpu"} in metrics
    chosen_props = {p["name"]: p["value"] for p in bom["components"][0]["properties"]}
    assert chosen_props["advisor:comparison:fallback-vendor-differs"] == "true"


def test_verify_rehashes_the_compared_files(answers_file, tmp_path):
    gguf, comparison = _standard(tmp_path)
    proc = _record(answers_file, tmp_path / "d", comparison, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    record = proc.stdout.strip()

    same = advisor("record", "verify", record)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "1 compared file re-hashed: unchanged" in same.stdout
    assert "compared candidate gemma-3-270m: not verifiable (an endpoint" in same.stdout

    before = hashlib.sha256(gguf.read_bytes()).hexdigest()
    with open(gguf, "ab") as handle:               # the same GGUF, one byte longer
        handle.write(b"\0")
    after = hashlib.sha256(gguf.read_bytes()).hexdigest()
    changed = advisor("record", "verify", record)
    assert changed.returncode == 1, changed.stdout + changed.stderr
    assert (f"compared candidate {gguf.name}: file hash changed: {gguf}: sha256 "
            f"{before[:12]} -> {after[:12]}") in changed.stdout
    as_json = json.loads(advisor("record", "verify", record, "--json").stdout)
    assert [d["kind"] for d in as_json["differences"]] == ["comparison_file_hash"]

    gguf.unlink()
    gone = advisor("record", "verify", record)
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert f"compared candidate {gguf.name}: {gguf} is not on this machine; not re-checked" \
        in gone.stdout


def _doc(tmp_path: Path) -> dict:
    return json.loads(_standard(tmp_path)[1].read_text())


BAD = [
    ("not JSON", lambda p, d: p.write_text("{ not json"), "not JSON"),
    ("not a comparison", lambda p, d: p.write_text(json.dumps({**d, "schema": "advisor.smoke/1"})),
     "schema: expected 'advisor.comparison/1'"),
    ("candidates not a list", lambda p, d: p.write_text(json.dumps({**d, "candidates": {"a": 1}})),
     "candidates: expected a list"),
    ("a candidate without a name", lambda p, d: p.write_text(json.dumps(
        {**d, "candidates": [{**d["candidates"][0], "model": ""}]})), "candidates[0].model"),
    ("chosen names no candidate", lambda p, d: p.write_text(json.dumps({**d, "chosen": "nobody"})),
     "chosen: expected null or the model of one of the candidates"),
    ("a hash that is not one", lambda p, d: p.write_text(json.dumps(
        {**d, "candidates": [{**d["candidates"][0], "sha256": "../../etc"}]})),
     "candidates[0].sha256"),
    ("a figure that is not a number", lambda p, d: p.write_text(json.dumps(
        {**d, "candidates": [{**d["candidates"][0], "tokens_per_second": "fast"}]})),
     "candidates[0].tokens_per_second: must be a number of at least 0 or null"),
    ("a count that is not one", lambda p, d: p.write_text(json.dumps(
        {**d, "candidates": [{**d["candidates"][0], "peak_rss_bytes": 1.5}]})),
     "candidates[0].peak_rss_bytes: must be a whole number of at least 0 or null"),
    ("too deep", lambda p, d: p.write_text("[" * 100 + "]" * 100), "nested more than"),
]


@pytest.mark.parametrize("what,spoil,fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_comparison_is_one_line_exit_2(answers_file, tmp_path, what, spoil, fragment):
    bad = tmp_path / "bad-comparison.json"
    spoil(bad, _doc(tmp_path))
    out = tmp_path / "d"
    proc = _record(answers_file, out, bad)
    assert proc.returncode == 2, (what, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("advisor: ") and "Traceback" not in proc.stderr
    assert str(bad) in lines[0] and fragment in lines[0], lines[0]
    assert not out.exists() or not any(out.iterdir())


def test_missing_comparison_file(answers_file, tmp_path):
    proc = _record(answers_file, tmp_path / "d", tmp_path / "nowhere.json")
    assert proc.returncode == 2 and "nowhere.json" in proc.stderr and "no such file" in proc.stderr


def test_one_chosen_model_everywhere_or_a_refusal(answers_file, tmp_path):
    """The comparison chose gemma: a record for SmolLM2 is refused (it would choose one
    model in the outcome and mark another "(chosen)" in the table); without --model the
    record is for the comparison's choice, and every part of it names that one model."""
    gguf = _tiny(tmp_path)
    cmp = Comparison(suite="general", settings=SETTINGS, candidates=[_local(gguf), _endpoint()],
                     chosen="gemma-3-270m", fallback=gguf.name,
                     fallback_reason="best candidate from a vendor other than Google")
    path = _write(tmp_path, cmp)
    refused = _record(answers_file, tmp_path / "d", path)
    assert refused.returncode == 2, refused.stderr
    assert (f"the comparison chose gemma-3-270m, not {SMOL}: record gemma-3-270m's model "
            "with --model") in refused.stderr
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())
    out = tmp_path / "e"
    proc = advisor("record", "--answers", str(answers_file), "--comparison", str(path),
                   "--out", str(out), "--format", "md,json,cdx")
    assert proc.returncode == 0, proc.stderr
    md_path, js_path, cdx_path = (Path(p) for p in proc.stdout.split())
    data = json.loads(js_path.read_text())
    assert data["model"] == GEMMA and data["comparison"]["chosen_is_model"] is True
    assert data["considered"] == {"source": "comparison", "models": [SMOL],
                                  "words": "the models the comparison ran"}
    md = md_path.read_text()
    assert f'Chosen option: "{GEMMA}"' in md and f"* {GEMMA} (chosen):" in md
    assert "| gemma-3-270m (chosen) |" in md and f"| {gguf.name} (fallback) |" in md
    assert f"Fallback: {gguf.name} (Hugging Face), from a different vendor" in md
    bom = json.loads(cdx_path.read_text())
    assert bom["components"][0]["group"] + "/" + bom["components"][0]["name"] == GEMMA


def _markdown(kb, answers, cmp: Comparison) -> tuple[dict, str]:
    from advisor.record import build_record, render

    record = build_record(answers, kb, SMOL, comparison=cmp.to_dict())
    return record.data["comparison"], render(record, "md")


def test_same_vendor_fallback_is_a_stated_risk(kb, answers, tmp_path):
    smol, other = _tiny(tmp_path), _tiny(tmp_path, "SmolLM2-360M-Instruct-Q8_0.gguf")
    cmp = Comparison(suite="general", settings=SETTINGS,
                     candidates=[_local(smol), _local(other, "HuggingFaceTB/SmolLM2-360M-Instruct")],
                     chosen=smol.name, fallback=other.name)
    section, md = _markdown(kb, answers, cmp)
    assert section["fallback_vendor_differs"] is False
    consequences = md.split("### Consequences")[1].split("### Confirmation")[0]
    assert (f"* Bad, because the fallback {other.name} is from the same vendor (Hugging Face) "
            "as the chosen model: no fallback from a different vendor") in consequences
    assert "(risk)" in consequences


def test_no_fallback_is_a_stated_risk_and_the_section_round_trips(kb, answers, tmp_path):
    from advisor.record import build_record

    smol = _tiny(tmp_path)
    cmp = Comparison(suite="general", settings=SETTINGS, candidates=[_local(smol)],
                     chosen=smol.name, fallback_reason="no usable candidate from a vendor other "
                     "than Hugging Face")
    section, md = _markdown(kb, answers, cmp)
    assert section["fallback"] is None and section["fallback_vendor_differs"] is None
    assert ("* Bad, because there is no fallback from a different vendor (no usable candidate "
            "from a vendor other than Hugging Face): one vendor stays a single dependency (risk)"
            ) in md
    again = build_record(answers, kb, SMOL, comparison=section).data["comparison"]
    assert again == section                            # a stored section is taken as it is


def test_verify_checks_a_pulled_builds_revision_against_the_hub(answers_file, tmp_path):
    source = write_tiny_gguf(tmp_path / "gemma-3-270m-it-Q8_0.gguf")
    repo = HubRepo(files={source.name: source}, sha="1" * 40)
    with serve_hub({GEMMA_REPO: repo}, tokens=(MARKER,)) as hub:
        env = {**hub.env(tmp_path), "HF_TOKEN": MARKER, "HF_HUB_OFFLINE": "0"}
        pulled = advisor("pull", GEMMA_REPO, "--file", source.name, env=env)
        assert pulled.returncode == 0, pulled.stderr
        path = Path(pulled.stdout.strip().splitlines()[-1])
        row = _local(path, GEMMA, "Google")
        assert (row.repo, row.revision, row.file) == (GEMMA_REPO, "1" * 40, source.name)
        smol = _tiny(tmp_path)
        cmp = Comparison(suite="general", settings=SETTINGS, candidates=[_local(smol), row],
                         chosen=smol.name, fallback=path.name)
        proc = _record(answers_file, tmp_path / "d", _write(tmp_path, cmp), "--format", "json,cdx",
                       "--offline", env=env)
        assert proc.returncode == 0, proc.stderr
        record, cdx = proc.stdout.split()
        section = json.loads(Path(record).read_text())["comparison"]
        assert section["revisions"] == [{"candidate": path.name, "repo": GEMMA_REPO,
                                         "file": source.name, "commit": "1" * 40}]
        purls = [c.get("purl") for c in json.loads(Path(cdx).read_text())["components"]]
        assert f"pkg:huggingface/ggml-org/gemma-3-270m-it-GGUF@{'1' * 40}" in purls

        same = advisor("record", "verify", record, env=env)
        assert same.returncode == 0, same.stdout + same.stderr
        assert "1 compared build revision still the recorded commit" in same.stdout

        repo.sha = "2" * 40                  # a new commit that leaves the build alone
        moved = advisor("record", "verify", record, env=env)
        assert moved.returncode == 0, moved.stdout + moved.stderr
        assert (f"compared candidate {path.name}: {GEMMA_REPO} moved on from commit "
                f"111111111111 to 222222222222; {source.name} is unchanged") in moved.stdout

        repo.sha = "3" * 40                  # a new commit that replaces the build
        repo.files[source.name] = HubFile(content=source, sha256="ab" * 32)
        changed = advisor("record", "verify", record, env=env)
        assert changed.returncode == 1, changed.stdout + changed.stderr
        assert (f"compared candidate {path.name}: Hub revision changed for {GEMMA_REPO} "
                f"({source.name}): 111111111111 -> 333333333333; the file's sha256 changed: "
                ) in changed.stdout
        assert MARKER not in moved.stdout + moved.stderr + changed.stdout + changed.stderr

        offline = advisor("record", "verify", record, "--offline", env=env)
        assert offline.returncode == 0, offline.stdout + offline.stderr
        assert ("the Hub was not asked (offline): the revision of 1 compared build was not "
                "re-checked") in offline.stdout


def test_an_upper_case_hash_is_read_and_recorded_lower_case(answers_file, tmp_path):
    doc = _doc(tmp_path)
    sha = doc["candidates"][0]["sha256"]
    assert sha and sha == sha.lower()
    shouting = tmp_path / "upper.json"
    shouting.write_text(json.dumps(
        {**doc, "candidates": [{**doc["candidates"][0], "sha256": sha.upper()},
                               *doc["candidates"][1:]]}))
    out = tmp_path / "d"
    proc = _record(answers_file, out, shouting)
    assert proc.returncode == 0, proc.stderr
    [path] = [p for p in out.glob("*.json") if p.suffixes[-2:-1] not in ([".cdx"], [".spdx"])]
    assert json.loads(path.read_text())["comparison"]["files"][0]["sha256"] == sha
