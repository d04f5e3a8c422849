"""Records forged by their inputs (issue 23, item 2).

A smoke or comparison file wrote raw text into the Markdown record: a second ``##
Decision Outcome`` naming another model, a fake title, ``<img onerror>``, a phishing link,
and exit 0. Now what an input file carries is validated for shape and length where it is
read (a line break in a name is exit 2), and what passes is escaped for each format by one
layer (``advisor.record.escape``). The Markdown is checked with a real CommonMark parser
(markdown-it-py, which Textual ships): only the renderer's own headings, no HTML, no link
the renderer did not write, no image.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from advisor.record.escape import cyclonedx_view, markdown_view, md_text, spdx_view
from advisor.smoke.compare import Candidate, CandidateRow, Comparison, CompareSettings, identify
from tests.record.conftest import MODEL, advisor
from tests.record.sample import SMOKE

EVIL = "evil/model"
IMG = "<img src=x onerror=alert(1)>"
PHISH = "[Verify your licence here](https://evil.example/login)"
ONE_LINE_FORGERIES = [f"## Decision Outcome Chosen option: {EVIL}", IMG, PHISH,
                      "# Fake title", "| forged | cell |", "*bold* _it_ ~~gone~~",
                      "&#35; entity", "![image](https://evil.example/i.png)",
                      "<https://evil.example/auto>", "`code` \\ backslash"]


def _markdown_tokens(text: str) -> list[Any]:
    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    out, stack = [], parser.parse(text)
    while stack:
        token = stack.pop(0)
        out.append(token)
        stack[:0] = token.children or []
    return out


def _only_the_renderers_markup(md: str) -> None:
    """The Markdown has one title, the renderer's own headings once each, no HTML, no
    image, and no link to the hostile host; every forged string shows as text."""
    tokens = _markdown_tokens(md)
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_inline", "html_block", "image"}, kinds
    headings = [t.map[0] for t in tokens if t.type == "heading_open" and t.tag == "h1"]
    assert len(headings) == 1, [md.splitlines()[i] for i in headings]
    h2 = [md.splitlines()[t.map[0]] for t in tokens if t.type == "heading_open" and t.tag == "h2"]
    assert h2.count("## Decision Outcome") == 1 and len(h2) == len(set(h2)), h2
    links = [str(t.attrs.get("href", "")) for t in tokens if t.type == "link_open"]
    assert not [h for h in links if "evil.example" in h or (
        ":" in h.split("/")[0] and not h.startswith(("https://", "http://")))], links
    # The renderer emphasises a few words of its own; the forged *bold* _it_ ~~gone~~
    # and *Paris* must stay text.
    emphasised = [tokens[i + 1].content for i, t in enumerate(tokens[:-1])
                  if t.type in ("strong_open", "em_open", "s_open")]
    assert not set(emphasised) & {"bold", "it", "gone", "Paris"}, emphasised


def _forged_smoke() -> dict[str, Any]:
    smoke = json.loads(json.dumps(SMOKE))
    smoke["suite"] = "# Fake title " + IMG
    smoke["backend"] = "cpu" + " " + "<b>x</b>"
    smoke["prompts"][1]["id"] = f"## Decision Outcome Chosen option: {EVIL} {PHISH}"
    smoke["prompts"][1]["error"] = f"failed\n\n## Decision Outcome\n\nChosen option: \"{EVIL}\"\n{IMG}"
    smoke["prompts"][1]["checks"] = [{"check": "contains", "expected": "*Paris*|" + IMG,
                                      "passed": False, "detail": PHISH}]
    return smoke


def _comparison_doc(tmp_path: Path, name: str) -> dict[str, Any]:
    settings = CompareSettings(threads=2)
    row = CandidateRow(model=name, backend="endpoint", runner="endpoint",
                       source="http://127.0.0.1:8765/v1/chat/completions", passed=False,
                       checks_passed=0, checks_total=0,
                       error=f"boom\n## Decision Outcome\n{IMG} {PHISH}")
    identify(row, Candidate(endpoint="http://127.0.0.1:8765/v1", model=name), settings)
    row.assessment = {"profile": None, "verdict": "unknown", "obligations": 0,
                      "vendor": "Evil <b>Corp</b>"}
    doc = Comparison(suite="general", settings=settings, candidates=[row]).to_dict()
    doc["suite"] = "# Fake suite " + PHISH
    doc["settings"]["gpu"] = IMG
    doc["fallback_reason"] = f"none\n\n# Fake title\n{IMG}"
    return doc


# ----------------------------------------------------------------- read: shape and length

@pytest.mark.parametrize("field, value, named", [
    ("prompt id", "capital\n\n## Decision Outcome\n\nChosen option: \"evil/model\"",
     "prompts[0].id: must be one line"),
    ("suite", "general\n# Fake title", "suite: must be one line"),
    ("prompt id", "x" * 201, "prompts[0].id: is 201 characters long, at most 200"),
    ("error", "e" * 5000, "prompts[0].error: is 5000 characters long"),
    ("error", "see \u202egnp.exe", "prompts[0].error: holds U+202E"),
    ("repo", "org/../../etc", "repo: "),
    ("backend", "cpu\x1b]0;owned\x07", "backend: holds U+001B"),
    ("n_ctx", -5, "n_ctx: must be a whole number of at least 0 or null"),     # one wording
    ("load_seconds", "slow", "load_seconds: must be a number of at least 0 or null"),
])
def test_a_smoke_file_of_the_wrong_shape_is_refused_where_it_is_read(
        tmp_path, answers_file, field, value, named):
    smoke = json.loads(json.dumps(SMOKE))
    if field == "prompt id":
        smoke["prompts"][0]["id"] = value
    elif field == "error":
        smoke["prompts"][0]["error"] = value
    else:
        smoke[field] = value
    path = tmp_path / "smoke.json"
    path.write_text(json.dumps(smoke), encoding="utf-8")
    proc = advisor("record", "--answers", str(answers_file), "--model", MODEL, "--smoke",
                   str(path), "--out", str(tmp_path / "out"), "--offline")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if not ln.startswith("advisor: note:")]
    assert len(errors) == 1 and str(path) in errors[0] and named in errors[0], proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where, change, named", [
    ("candidate name", lambda d: d["candidates"][0].update(model="m\n## Decision Outcome"),
     "candidates[0].model: must be one line"),
    ("setting", lambda d: d["settings"].update(gpu="auto\n# Fake"), "settings.gpu: must be one line"),
    ("setting", lambda d: d["settings"].update(threads={"x": 1}), "settings.threads: must be text"),
    ("origin", lambda d: d["candidates"][0].update(origin="javascript:alert(1)"),
     "candidates[0].origin: must be an http(s) URL"),
    ("file", lambda d: d["candidates"][0].update(file="../../x.gguf"),
     "candidates[0].file: must be a relative file path"),
])
def test_a_comparison_file_of_the_wrong_shape_is_refused(tmp_path, answers_file, where,
                                                         change, named):
    doc = _comparison_doc(tmp_path, "gemma-3-270m")
    change(doc)
    path = tmp_path / "comparison.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    proc = advisor("record", "--answers", str(answers_file), "--model", MODEL, "--comparison",
                   str(path), "--out", str(tmp_path / "out"), "--offline")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert named in proc.stderr and str(path) in proc.stderr, proc.stderr


# ----------------------------------------------------------------- render: one layer per format

def test_one_line_forgeries_that_pass_the_reader_show_as_text(tmp_path, answers_file):
    smoke = _forged_smoke()
    smoke["prompts"][1]["error"] = " ".join(ONE_LINE_FORGERIES)
    smoke_path = tmp_path / "smoke.json"
    smoke_path.write_text(json.dumps(smoke), encoding="utf-8")
    doc = _comparison_doc(tmp_path, "gemma-3-270m " + IMG)
    doc["candidates"][0]["error"] = " ".join(ONE_LINE_FORGERIES)
    doc["fallback_reason"] = PHISH
    comparison = tmp_path / "comparison.json"
    comparison.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "out"
    proc = advisor("record", "--answers", str(answers_file), "--model", MODEL, "--smoke",
                   str(smoke_path), "--comparison", str(comparison), "--out", str(out),
                   "--offline", "--format", "md,json,cdx,spdx")
    assert proc.returncode == 0, proc.stderr
    md = next(out.glob("*.md")).read_text(encoding="utf-8")
    _only_the_renderers_markup(md)
    assert f"Chosen option: \"{MODEL}\"" in md
    for forged in ONE_LINE_FORGERIES:
        assert md_text(forged) in md, forged        # shown, escaped, as text
    for suffix in (".cdx.json", ".spdx.json"):
        _all_one_line(json.loads(next(out.glob("*" + suffix)).read_text(encoding="utf-8")))
    (json_path,) = [p for p in out.glob("*.json")
                    if not p.name.endswith((".cdx.json", ".spdx.json"))]
    record = json.loads(json_path.read_text(encoding="utf-8"))
    assert record["smoke"]["prompts"][1]["error"] == " ".join(ONE_LINE_FORGERIES)   # kept as read


def _all_one_line(doc: Any) -> None:
    stack = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
            stack.extend(value.keys())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            assert value == value.strip() or not value.strip(), repr(value)
            assert "\n" not in value and value.isprintable(), repr(value)


def test_the_markdown_view_escapes_a_whole_record_and_keeps_its_words():
    from tests.record.sample import RECORD

    record = json.loads(json.dumps(RECORD))
    record["smoke"] = _forged_smoke()
    record["chosen"]["findings"][0]["message"] = PHISH + " " + IMG
    record["chosen"]["findings"][0]["source"]["url"] = "javascript:alert(1)"
    view = markdown_view(record)
    assert view["chosen"]["findings"][0]["source"]["url"] is None     # no link to follow
    assert view["model"] == record["model"]                             # ids read the same
    assert view["answers"] == markdown_view(record["answers"])
    from advisor.record.markdown import render_markdown

    md = render_markdown(record)
    _only_the_renderers_markup(md)
    assert "javascript:" not in md


@pytest.mark.parametrize("view", [cyclonedx_view, spdx_view])
def test_the_json_format_views_make_every_text_one_clean_line(view):
    """CycloneDX renders through ``cyclonedx_view``, SPDX through ``spdx_view``."""
    from tests.record.sample import RECORD

    record = json.loads(json.dumps(RECORD))
    record["smoke"] = _forged_smoke()
    record["reproducibility"]["hub"] = {"repo_id": MODEL, "pipeline_tag": "text\n\u202egen",
                                        "license_name": "x" * 10_000}
    record["sources"] = [{"title": "t", "url": "file:///etc/passwd"}]
    out = view(record)
    _all_one_line(out)
    assert out["sources"][0]["url"] is None
    assert len(out["reproducibility"]["hub"]["license_name"]) <= 4000
