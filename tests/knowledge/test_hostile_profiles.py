"""Hostile ``--profiles`` directories: ids that lie to the eye (issue 23, item 8) and hosted
profiles that would move a key (item 4). Each case is the input that exposed the bug; each
must exit 2 with one line naming the file and line, or load and say where a key goes."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from advisor.knowledge.ids import profile_id_problem, repo_id_problem
from advisor.knowledge.load.walk import build_knowledge
from advisor.config import PROFILES_DIR
from advisor.text import REPLACEMENT, clean

SHIPPED = "Qwen/Qwen3-8B"


def _family(model_id: str, extra: str = "") -> str:
    return ("schema: advisor.model-family/1\nfamily: Mine\nvendor: Me\nmodels:\n"
            f"  - id: \"{model_id}\"\n    licenses: [apache-2.0]\n{extra}")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------- ids (item 8)

LOOK_ALIKES = {
    "zero-width space": ("Qwen/Qwen3\u200b-8B", "U+200B"),
    "zero-width joiner at the end": ("Qwen/Qwen3-8B\u200d", "U+200D"),
    "bidi override": ("Qwen/\u202eB8-3newQ", "U+202E"),
    "escape sequence": ("Qwen/Qwen3-8B\x1b]0;owned\x07", "U+001B"),
    "byte order mark": ("\ufeffQwen/Qwen3-8B", "U+FEFF"),
    "Cyrillic a": ("Qwen/Qwen3-8B-\u0430", "U+0430"),
    "soft hyphen": ("Qwen/Qwen3\u00ad-8B", "U+00AD"),
}


@pytest.mark.parametrize("model_id, code", LOOK_ALIKES.values(), ids=LOOK_ALIKES)
def test_a_model_id_that_reads_like_a_shipped_one_is_refused_at_load(
        tmp_path, run_advisor, assert_one_line_error, model_id, code):
    text = _family(model_id.encode("unicode_escape").decode("ascii").replace('"', '\\"'))
    path = _write(tmp_path / "mine", "models/look-alike.yaml", text)
    proc = run_advisor("models", "--profiles", str(tmp_path / "mine"))
    line = assert_one_line_error(proc, f"{path}:5:", "models[0].id", code, status=2)
    assert "printable ASCII" in line
    assert line.isascii() and line.isprintable(), repr(line)      # the id shown escaped


@pytest.mark.parametrize("field, text, code", [
    ("license id", "schema: advisor.license/1\nid: \"apache\\u200b-2.0\"\ntitle: X\n", "U+200B"),
    ("gguf repo", _family("me/m", "    gguf_repos: [\"me/m\\u2066-GGUF\"]\n"), "U+2066"),
    ("base model", _family("me/m", "    base_model: \"Qwen/Qwen3\\u200c-8B\"\n"), "U+200C"),
])
def test_every_id_a_profile_names_is_validated(tmp_path, field, text, code):
    _write(tmp_path, "x.yaml", text)
    _, problems = build_knowledge([tmp_path])
    assert any(code in p.message for p in problems), [p.one_line() for p in problems]


HUB_CASES = ["Qwen/Qwen3-8B", "gpt2", "a/b", "org/.hidden", "org/name.", "org/-name",
             "org/name-", "org/na--me", "org/na..me", "org/name.git", "a/b/c", "/name",
             "org/", "", "org/" + "x" * 96, "org/" + "x" * 97, "org/na me", "org/na%me",
             "org/naïve", "org_/_name", "x" * 96 + "/y", "org/__init__", "1/2", "org/a.b_c-d"]


@pytest.mark.parametrize("value", HUB_CASES)
def test_the_repo_id_rule_is_the_hubs_own(value):
    """The pattern agrees with huggingface_hub's ``validate_repo_id`` on every case."""
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    try:
        validate_repo_id(value)
        library_takes_it = bool(value)
    except HFValidationError:
        library_takes_it = False
    assert (repo_id_problem(value, owner=False) is None) == library_takes_it, value


def test_profile_ids_take_the_shipped_shapes_and_nothing_invisible():
    for good in ("apache-2.0", "llama3.1", "EU", "US-CA", "cc-by-nc-4.0", "gpl-2.0+"):
        assert profile_id_problem(good) is None, good
    for bad in ("apache\u200b-2.0", "-x", "a b", "a/b", "", "é"):
        assert profile_id_problem(bad) is not None, bad


def test_the_sanitiser_replaces_every_format_character_of_this_python():
    """The Cf list in advisor.text holds every format character unicodedata knows."""
    missed = [f"U+{cp:04X}" for cp in range(0x110000)
              if unicodedata.category(chr(cp)) == "Cf" and clean(chr(cp)) != REPLACEMENT]
    assert missed == []


# -------------------------------------------------------- hosted profiles (item 4)

OVERRIDE = (PROFILES_DIR / "models" / "openai-api.yaml").read_text(encoding="utf-8")


def _hosted(base_url: str, key_env: str) -> str:
    return (OVERRIDE.replace("base_url: https://api.openai.com/v1", f"base_url: {base_url}")
            .replace("key_env: OPENAI_API_KEY", f"key_env: {key_env}"))


@pytest.mark.parametrize("base_url, key_env, fragments", [
    ("http://proxy.example/v1", "MY_PROXY_KEY", ["api.base_url", "must be https",
                                                 "proxy.example"]),
    ("http://10.0.0.5:8000/v1", "MY_PROXY_KEY", ["must be https", "10.0.0.5"]),
    ("https://proxy.example/v1", "HF_TOKEN", ["api.key_env", "HF_TOKEN",
                                              "the Hugging Face Hub"]),
    ("https://proxy.example/v1", "HUGGING_FACE_HUB_TOKEN", ["the Hugging Face Hub"]),
    ("https://proxy.example/v1", "AWS_SECRET_ACCESS_KEY", ["credential of AWS"]),
    ("https://proxy.example/v1", "GITHUB_TOKEN", ["credential of GitHub"]),
    ("https://proxy.example/v1", "OPENAI_API_KEY", ["OPENAI_API_KEY", "https://api.openai.com",
                                                    "https://proxy.example"]),
])
def test_a_hosted_profile_cannot_move_a_key(tmp_path, run_advisor, assert_one_line_error,
                                             base_url, key_env, fragments):
    path = _write(tmp_path / "mine", "models/openai-api.yaml", _hosted(base_url, key_env))
    proc = run_advisor("models", "--profiles", str(tmp_path / "mine"),
                       env={key_env: "sk-should-never-travel-0123456789"})
    line = assert_one_line_error(proc, str(path), *fragments, status=2)
    assert "sk-should-never-travel" not in proc.stdout + proc.stderr, line


def test_a_hosted_override_to_a_new_host_says_where_its_key_goes(tmp_path, run_advisor):
    _write(tmp_path / "mine", "models/openai-api.yaml",
           _hosted("https://proxy.example/v1", "MY_PROXY_KEY"))
    proc = run_advisor("models", "--profiles", str(tmp_path / "mine"))
    assert proc.returncode == 0, proc.stderr
    overrides = [ln for ln in proc.stderr.splitlines() if "'openai-api/gpt-5.1'" in ln]
    assert overrides and "the key in MY_PROXY_KEY is sent to https://proxy.example" in overrides[0]


def test_plain_http_stays_allowed_to_this_machine(tmp_path):
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
        _write(tmp_path, "models/openai-api.yaml", _hosted(f"http://{host}/v1", "MY_LOCAL_KEY"))
        kb, problems = build_knowledge([PROFILES_DIR, tmp_path])
        assert problems == [], [p.one_line() for p in problems]
        assert kb.find_model("openai-api/gpt-5.1").api.base_url == f"http://{host}/v1"


def test_four_thousand_models_in_one_file_load_and_keep_their_lines(tmp_path):
    """The hostile file of the low item: 4,000 models in one file (the row lookup was a
    rescan per model, quadratic: tests/bench/bench_many_models.py times it). A repeated
    id at the end is still reported at its own line."""
    rows = "".join(f"  - {{id: me/model-{i}, licenses: [apache-2.0]}}\n" for i in range(4000))
    rows += "  - {id: me/model-7, licenses: [apache-2.0]}\n"
    _write(tmp_path, "many.yaml", "schema: advisor.model-family/1\nfamily: Many\nvendor: Me\n"
           "models:\n" + rows)
    kb, problems = build_knowledge([PROFILES_DIR, tmp_path])
    assert [(p.line, p.field) for p in problems] == [(4005, "models[4000].id")], \
        [p.one_line() for p in problems]
    assert sum(1 for key in kb.models if key.startswith("me/model-")) == 4000
