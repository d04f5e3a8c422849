"""Every command against hostile and sloppy input, as a user types it.

The standard: bad input exits 2 with exactly one ``advisor: ...`` line on stderr naming
the file, line or field; trouble outside the input (network, a failed check) exits 1
with one line; never a traceback, never a hang, nothing written on failure, no token
printed. Each case runs ``python -m advisor`` in a subprocess with a timeout.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.record.integrity import seal

from tests.fixtures.cli import check_one_line_error, run_advisor_in
from tests.fixtures.hub_server import HubRepo, serve_hub
from tests.fixtures.tiny_gguf import write_tiny_gguf

ROOT = Path(__file__).resolve().parents[2]
JUNK_TOKEN = "hf_junkJUNKjunkJUNKjunkJUNKjunkJUNK42"     # the shape of a real token
MODEL = "Qwen/Qwen3-8B"                                   # a profiled model


def advisor(*args: str, env: dict[str, str | None] | None = None, cwd: Path | None = None,
            timeout: float = 30, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    """``python -m advisor ARGS`` through the shared clean runner, offline unless ``env``
    says otherwise; HOME and HF_HOME live in ``cwd`` (the module's scratch folder)."""
    home = (cwd or ROOT) / ".advisor-test-env"
    return run_advisor_in(home, *args, env=env, cwd=cwd, timeout=timeout, stdout=stdout)


def one_line(proc: subprocess.CompletedProcess, status: int, *needles: str) -> str:
    """Assert the exit status and a single ``advisor:`` line on stderr holding ``needles``."""
    return check_one_line_error(proc, *needles, status=status)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A folder of hostile files, shared by the tests of this module."""
    d = tmp_path_factory.mktemp("hostile")
    (d / "good.yaml").write_text("organization: {domicile: DE}\n")
    (d / "folder").mkdir()
    (d / "a-file").write_text("not a folder\n")
    (d / "binary.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00garbage")
    (d / "empty.yaml").write_text("")
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]
    (d / "laughs.yaml").write_text("\n".join(laughs) + "\norganization: {domicile: DE}\n")
    gguf = write_tiny_gguf(d / "tiny.gguf")
    (d / "truncated.gguf").write_bytes(gguf.read_bytes()[:1000])
    (d / "zero.gguf").write_bytes(b"")
    (d / "random.gguf").write_bytes(os.urandom(4096))
    return d


def _bomb_when(width: int = 10, levels: int = 9) -> str:
    """A `when:` whose aliases stand for ``width ** levels`` predicates."""
    parts = ["&x0 {any: [" + ", ".join(["{commercial: false}"] * width) + "]}"]
    parts += [f"&x{i} {{any: [{', '.join([f'*x{i - 1}'] * width)}]}}" for i in range(1, levels)]
    return "{not: {any: [" + ", ".join(parts) + "]}}"


def _license(when: str) -> str:
    return ("schema: advisor.license/1\nid: qa-license\ntitle: QA License\nspdx: LicenseRef-qa\n"
            "hf_license: [qa-license]\nosi_approved: false\nfree_open_source: false\n"
            "url: https://example.org/qa\nchecked: 2026-11-23\nsummary: A test license.\n"
            "rules:\n  - code: notice\n    severity: info\n"
            f"    when: {when}\n    message: Keep the notice.\n"
            "    source: {section: '1', url: 'https://example.org/qa'}\n")


# ------------------------------------------------------------------ answers files

ANSWERS = {
    "duplicate.yaml": ("organization: {domicile: DE}\ndeployment:\n  mode: internal\n"
                       "  mode: hosted_service\n", ":4:", "duplicate key 'mode'"),
    "tabs.yaml": ("organization:\n\tdomicile: DE\n", ":2:", "YAML syntax error"),
    "unknown.yaml": ("organization: {domicile: DE}\nfoo: 1\n", ":2:", "foo: unknown key"),
    "mau-text.yaml": ("organization: {domicile: DE, monthly_active_users: 'lots'}\n", ":1:",
                      "monthly_active_users"),
    "mode-list.yaml": ("organization: {domicile: DE}\ndeployment: {mode: [internal]}\n", ":2:",
                       "deployment.mode"),
    "commercial-text.yaml": ("organization: {domicile: DE}\ndeployment: {commercial: 'yes'}\n",
                             ":2:", "deployment.commercial"),
    "regions-map.yaml": ("organization: {domicile: DE}\ndeployment: {regions: {EU: 1}}\n", ":2:",
                         "deployment.regions"),
    "category.yaml": ("organization: {domicile: DE}\nuse_case: {categories: [nope]}\n", ":2:",
                      "use_case.categories[0]"),
    "hardware-nan.yaml": ("organization: {domicile: DE}\nhardware: {ram_gb: .nan}\n", ":2:",
                          "hardware.ram_gb"),
    "hardware-huge.yaml": ("organization: {domicile: DE}\nhardware: {ram_gb: 1.0e+300}\n", ":2:",
                           "hardware.ram_gb"),
    "list.yaml": ("- organization\n", ":1:", "must be a mapping"),
    "huge-int.yaml": ("organization: {domicile: DE, monthly_active_users: " + "9" * 5000 + "}\n",
                      "", "YAML value error"),
    "bad-date.yaml": ("organization: {domicile: 2020-13-45}\n", "", "YAML value error"),
    "set-of-list.yaml": ("organization: {domicile: DE}\nx: !!set [a]\n", ":2:",
                         "expected a mapping node"),
    "python-tag.yaml": ("organization: !!python/object:os.system {domicile: DE}\n", ":1:",
                        "could not determine a constructor"),
    "deep.yaml": ("organization: {domicile: DE}\nx: " + "[" * 5000 + "]" * 5000 + "\n", "",
                  "nested more than"),
    "octal-users.yaml": ("organization: {domicile: DE,\n  monthly_active_users: 0700000000}\n",
                         ":2:", "'0700000000' is an octal number in YAML 1.1"),
    "sexagesimal-users.yaml": ("organization:\n  domicile: DE\n  monthly_active_users: 190:20:30\n",
                               ":3:", "'190:20:30' is a base-60 (sexagesimal) number"),
    "long-value.yaml": ("organization: {domicile: " + "D" * 100_000 + "}\n", ":1:",
                        "organization.domicile"),
}


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_bad_answers_exit_2_naming_file_and_line(work, name):
    text, line, needle = ANSWERS[name]
    (work / name).write_text(text)
    proc = advisor("assess", "--offline", "--answers", name, cwd=work)
    message = one_line(proc, 2, f"{name}{line}", needle)
    assert len(message) <= 1010        # a huge quoted value is cut, the line stays readable


@pytest.mark.parametrize("name, needle", [
    ("missing.yaml", "no such file"), ("folder", "is a directory"),
    ("binary.yaml", "not UTF-8"), ("empty.yaml", "is empty"),
])
def test_unreadable_answers_exit_2(work, name, needle):
    one_line(advisor("assess", "--answers", name, cwd=work), 2, name, needle)


def test_endless_inputs_are_refused_not_read_forever(work):
    one_line(advisor("assess", "--answers", "/dev/zero", cwd=work, timeout=20), 2, "larger than")
    one_line(advisor("record", "verify", "/dev/zero", cwd=work, timeout=20), 2, "larger than")
    folder = work / "profiles-special"
    folder.mkdir(exist_ok=True)
    if not (folder / "fifo.yaml").exists():
        os.mkfifo(folder / "fifo.yaml")        # reading it would block forever
    one_line(advisor("models", "--profiles", folder.name, cwd=work, timeout=20), 2,
             "fifo.yaml", "not a regular file")


def test_billion_laughs_answers_are_refused_quickly(work):
    start = time.monotonic()
    one_line(advisor("assess", "--answers", "laughs.yaml", cwd=work, timeout=20), 2, "laughs.yaml")
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("models, needle", [
    ("", "no model ids"), (",", "no model ids"), ("a b/c", "'a b/c' is not a valid"),
    ("../../etc/passwd", "not a valid"), ("Qwen/Qwen3-8B,x/y/z", "'x/y/z'"),
])
def test_bad_model_ids_exit_2(work, models, needle):
    proc = advisor("assess", "--answers", "good.yaml", f"--models={models}", cwd=work)
    one_line(proc, 2, "--models", needle)


# ------------------------------------------------------------------ profiles

PROFILES = {
    "broken": ("x.yaml", "schema: [\n", "YAML syntax error"),
    "toplist": ("x.yaml", "- a\n- b\n", "must be a mapping with a `schema:` key, not a list"),
    "badwhen": ("qa.yaml", _license("{bogus: 1}"), "rules[0].when.bogus: unknown predicate"),
    "deepwhen": ("qa.yaml", _license("{not: " * 40 + "{commercial: true}" + "}" * 40),
                 "nested more than 32 levels"),
    "bombwhen": ("qa.yaml", _license(_bomb_when()), "more than 1,000,000 values"),
    "widewhen": ("qa.yaml", _license(_bomb_when(width=5, levels=6)), "more than 1000 predicates"),
}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_bad_profiles_exit_2_for_assess_models_and_the_app(work, name):
    filename, text, needle = PROFILES[name]
    folder = work / f"profiles-{name}"
    folder.mkdir(exist_ok=True)
    (folder / filename).write_text(text)
    for args in (["assess", "--answers", "good.yaml"], ["models"], []):
        proc = advisor(*args, "--profiles", folder.name, cwd=work, timeout=20)
        one_line(proc, 2, f"{folder.name}/{filename}", needle)


@pytest.mark.parametrize("target", ["a-file", "missing-dir"])
def test_profiles_that_are_not_a_folder_exit_2(work, target):
    one_line(advisor("models", "--profiles", target, cwd=work), 2, target)


# ------------------------------------------------------------------ Hub commands

@pytest.mark.parametrize("repo", ["a/b/c", "x-/y", "a b", "../x", "Ünï/模型", "a//b", "org/m.git"])
def test_invalid_repo_ids_exit_2_before_the_network(work, repo):
    env = {"HF_HUB_OFFLINE": None, "HF_ENDPOINT": "http://127.0.0.1:9"}
    for args in (["hub", "info", repo], ["ggufs", repo], ["pull", repo], ["smoke", "--repo", repo]):
        one_line(advisor(*args, env=env, cwd=work), 2, "not a valid Hugging Face repo id")


@pytest.mark.parametrize("endpoint, needle", [
    ("http://127.0.0.1:9", "cannot reach the Hub at http://127.0.0.1:9"),
    ("not a url", "HF_ENDPOINT 'not a url' is not a usable http(s) URL"),
])
def test_unreachable_hub_exits_1_and_never_prints_the_token(work, endpoint, needle):
    env = {"HF_HUB_OFFLINE": None, "HF_ENDPOINT": endpoint, "HF_TOKEN": JUNK_TOKEN}
    for args in (["hub", "info", "a/b"], ["ggufs", "a/b"], ["pull", "a/b"]):
        proc = advisor(*args, env=env, cwd=work)
        one_line(proc, 1, needle)
        assert JUNK_TOKEN not in proc.stdout + proc.stderr


@pytest.mark.parametrize("value", ["abc", "nan", "-5"])
def test_a_bad_hub_timeout_setting_falls_back_to_the_default(work, value):
    env = {"HF_HUB_OFFLINE": None, "HF_ENDPOINT": "http://127.0.0.1:9", "ADVISOR_HUB_TIMEOUT": value}
    one_line(advisor("hub", "info", "a/b", env=env, cwd=work), 1, "cannot reach the Hub")


def test_offline_hub_commands_exit_1(work):
    one_line(advisor("hub", "info", "a/b", cwd=work), 1, "offline")
    one_line(advisor("ggufs", "a/b", cwd=work), 1, "offline")
    one_line(advisor("pull", "a/b", "--file", "m.gguf", cwd=work), 1, "not in the HF cache")


@pytest.mark.parametrize("args, needle", [
    (["ggufs", "a/b", "--ctx", "0"], "--ctx"), (["ggufs", "a/b", "--ctx", "-5"], "--ctx"),
    (["ggufs", "a/b", "--ctx", str(10**12)], "--ctx"), (["pull", "a/b", "--ctx", "0"], "--ctx"),
    (["pull", "a/b", "--file", "../../etc/passwd"], "--file"), (["pull", "a/b", "--file", ""], "--file"),
])
def test_bad_hub_arguments_exit_2(work, args, needle):
    env = {"HF_HUB_OFFLINE": None, "HF_ENDPOINT": "http://127.0.0.1:9"}
    one_line(advisor(*args, env=env, cwd=work), 2, needle)


def test_hostile_hub_card_rejected_token_and_a_cache_that_is_a_file(work, tmp_path):
    repos = {"org/m-GGUF": HubRepo(files={"m-Q4_0.gguf": work / "tiny.gguf"}),
             "org/escape": HubRepo(files={"e\x1b[2J-Q4_0.gguf": work / "tiny.gguf"},
                                   card_data={"license": "other",
                                              "license_name": "x\x1b]0;pwned\x07\x1b[2J"})}
    with serve_hub(repos) as hub:
        env = hub.env(tmp_path, HF_HUB_OFFLINE="")
        for args in (["hub", "info", "org/escape"], ["ggufs", "org/escape"],
                     ["assess", "--answers", "good.yaml", "--models", "org/escape", "--details"]):
            proc = advisor(*args, env=env, cwd=work)       # a card cannot drive the terminal
            assert proc.returncode == 0 and "\x1b" not in proc.stdout, proc.stdout + proc.stderr
            assert "\ufffd" in proc.stdout
        env = hub.env(tmp_path, HF_HUB_OFFLINE="", HF_TOKEN=JUNK_TOKEN)
        proc = advisor("ggufs", "org/m-GGUF", env=env, cwd=work)
        one_line(proc, 1, "rejected the token")
        assert JUNK_TOKEN not in proc.stdout + proc.stderr
        env = hub.env(tmp_path, HF_HUB_OFFLINE="", HF_HUB_CACHE=str(work / "a-file"))
        one_line(advisor("pull", "org/m-GGUF", "--quant", "Q4_0", env=env, cwd=work), 1,
                 "cannot write to the HF cache")
        env = hub.env(tmp_path, HF_HUB_OFFLINE="", HF_HOME=str(work / "a-file"))
        one_line(advisor("pull", "org/m-GGUF", env=env, cwd=work), 1, "Not a directory")


def test_local_dir_must_be_a_folder_and_a_file_cache_is_no_crash(work):
    one_line(advisor("local", "--dir", "a-file", cwd=work), 2, "--dir", "not a directory")
    one_line(advisor("local", "--dir", "missing", cwd=work), 2, "--dir", "no such directory")
    proc = advisor("local", "--json", env={"HF_HUB_CACHE": str(work / "a-file")}, cwd=work)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


def test_local_ignores_ollama_manifests_that_point_outside_the_blobs(work):
    root = work / "ollama"
    manifest = root / "manifests" / "registry.ollama.ai" / "library" / "evil" / "latest"
    manifest.parent.mkdir(parents=True)
    (root / "blobs").mkdir()
    (work / "outside.gguf").write_bytes((work / "tiny.gguf").read_bytes())
    layer = {"mediaType": "application/vnd.ollama.image.model", "digest": "../../outside.gguf"}
    manifest.write_text(json.dumps({"layers": [layer]}))
    proc = advisor("local", "--json", env={"OLLAMA_MODELS": str(root)}, cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert [f for f in json.loads(proc.stdout)["files"] if f["source"] == "ollama"] == []


# ------------------------------------------------------------------ smoke

@pytest.mark.parametrize("path, needle", [
    ("missing.gguf", "no such file"), ("folder", "not a file"), ("zero.gguf", "empty file"),
    ("random.gguf", "not a GGUF file"), ("truncated.gguf", "corrupt GGUF header"),
])
def test_smoke_refuses_bad_model_files(work, path, needle):
    one_line(advisor("smoke", "--gguf", path, cwd=work), 2, path, needle)


@pytest.mark.parametrize("args, needle", [
    (["--suite", "no-such-suite"], "unknown suite"), (["--suite", ""], "--suite"),
    (["--suite", "broken-suite.yaml"], "broken-suite.yaml:3: YAML syntax error"),
    (["--suite", "no-prompts.yaml"], "no-prompts.yaml"),
    (["--timeout", "0"], "--timeout"), (["--timeout", "nan"], "--timeout"),
    (["--timeout", "inf"], "--timeout"), (["--threads", "0"], "--threads"),
    (["--threads", "100000"], "--threads"), (["--ctx", str(10**12)], "--ctx"),
])
def test_smoke_bad_arguments_exit_2(work, args, needle):
    (work / "broken-suite.yaml").write_text("schema: advisor.suite/1\nprompts: [\n")
    (work / "no-prompts.yaml").write_text("schema: advisor.suite/1\nname: empty\nprompts: []\n")
    one_line(advisor("smoke", "--gguf", "tiny.gguf", *args, cwd=work), 2, needle)


def test_smoke_gpu_on_without_gpu_offload_exits_1(work):
    proc = advisor("smoke", "--gguf", "tiny.gguf", "--gpu", "on", "--timeout", "30", cwd=work,
                   timeout=60)
    if proc.returncode == 1:          # this llama-cpp-python build has no GPU offload
        one_line(proc, 1, "--gpu on")
    else:                             # a GPU build: the random-weights model fails its checks
        assert "Traceback" not in proc.stderr, proc.stderr


class _Server(http.server.BaseHTTPRequestHandler):
    """Misbehaving 'OpenAI-compatible' servers, chosen by path prefix."""

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        kind = self.path.strip("/").split("/")[0]
        if kind == "html":
            body = b"<html><body>Welcome to nginx</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if kind == "junk":
            self.wfile.write(b'data: [1, 2]\n\ndata: {"choices": [7, {"delta": 5}]}\n\n'
                             b'data: "text"\n\ndata: {not json}\n\ndata: [DONE]\n\n')
            return
        for _ in range(200):          # "drip": keep-alive comments, never a token
            try:
                self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.2)


@pytest.fixture(scope="module")
def bad_endpoint() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path, status, needle", [
    ("html", 1, "HTML page"), ("junk", 1, "suite 'general' failed"), ("drip", 1, "within 2 s (--timeout)"),
])
def test_smoke_endpoint_that_misbehaves_exits_1(work, bad_endpoint, path, status, needle):
    proc = advisor("smoke", "--endpoint", f"{bad_endpoint}/{path}", "--model", "m",
                   "--timeout", "2", cwd=work, timeout=30)
    one_line(proc, status, needle)


@pytest.mark.parametrize("url, status, needle", [
    ("http://127.0.0.1:9", 1, "unreachable"), ("ftp://example.org", 2, "--endpoint"),
    ("not a url", 2, "--endpoint"),
])
def test_smoke_endpoint_unreachable_or_not_http(work, url, status, needle):
    one_line(advisor("smoke", "--endpoint", url, "--model", "m", "--timeout", "5", cwd=work),
             status, needle)


# ------------------------------------------------------------------ record and verify

@pytest.fixture(scope="module")
def record_json(work) -> Path:
    out = work / "decisions"
    proc = advisor("record", "--offline", "--answers", "good.yaml", "--model", MODEL,
                   "--out", str(out), "--format", "json", cwd=work)
    assert proc.returncode == 0, proc.stderr
    return Path(proc.stdout.split()[0])


SMOKE_RESULTS = {
    "garbage.json": "{bad",
    "list.json": "[1, 2]",
    "prompts-not-objects.json": '{"prompts": [1, "x"], "passed": true}',
    "deep.json": '{"prompts": [], "passed": true, "x": ' + "[" * 900 + "]" * 900 + "}",
    "very-deep.json": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("name", sorted(SMOKE_RESULTS))
def test_record_refuses_bad_smoke_results_and_writes_nothing(work, name):
    (work / name).write_text(SMOKE_RESULTS[name])
    out = work / f"out-{name}"
    proc = advisor("record", "--offline", "--answers", "good.yaml", "--model", MODEL,
                   "--smoke", name, "--out", str(out), cwd=work)
    one_line(proc, 2, name, "smoke result" if name != "garbage.json" else "not JSON")
    assert not out.exists()


@pytest.mark.parametrize("args, needle", [
    (["--out", "a-file"], "not a directory"),
    (["--format", "md,xyz"], "unknown format 'xyz'"),
    (["--model", "   "], "missing --model"),
    (["--model", "a b/../c"], "not a valid Hugging Face repo id"),
])
def test_record_bad_arguments_exit_2_and_write_nothing(work, args, needle):
    base = {"--answers": "good.yaml", "--model": MODEL, "--out": "out-bad-args"}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    flat = [part for pair in base.items() for part in pair]
    one_line(advisor("record", "--offline", *flat, cwd=work), 2, needle)
    assert not (work / "out-bad-args").exists()


def test_record_never_overwrites_without_force_and_keeps_tokens_out(work, record_json):
    before = record_json.read_bytes()
    proc = advisor("record", "--offline", "--answers", "good.yaml", "--model", MODEL,
                   "--out", str(record_json.parent), "--format", "json", cwd=work)
    one_line(proc, 2, "already exists", "--force")
    assert record_json.read_bytes() == before
    smoke = {"prompts": [{"id": "p", "output": f"my token is {JUNK_TOKEN}", "passed": True}],
             "passed": True}
    (work / "smoke-token.json").write_text(json.dumps(smoke))
    out = work / "out-token"
    proc = advisor("record", "--offline", "--answers", "good.yaml", "--model", MODEL,
                   "--smoke", "smoke-token.json", "--out", str(out), cwd=work,
                   env={"HF_TOKEN": "hf_anotherSecretValue1234567890abcd"})
    assert proc.returncode == 0, proc.stderr
    for path in out.iterdir():
        text = path.read_text()
        assert JUNK_TOKEN not in text and "hf_anotherSecretValue" not in text, path


def test_record_verify_refuses_what_is_not_a_record(work, record_json):
    data = json.loads(record_json.read_text())
    (work / "array.json").write_text(json.dumps([data]))
    (work / "tampered.json").write_text(json.dumps({**data, "schema": "advisor.record/9"}))
    (work / "cdx.json").write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6"}))
    deep = json.dumps({**data, "context": "DEEP"}).replace('"DEEP"', "[" * 100 + "]" * 100)
    (work / "deep-record.json").write_text(deep)
    for name, needle in [("folder", "is a directory"), ("array.json", "not a JSON object"),
                         ("tampered.json", "advisor.record/9"), ("cdx.json", "schema"),
                         ("deep-record.json", "nested more than"), ("missing.json", "no such file"),
                         ("good.yaml", "not JSON")]:
        one_line(advisor("record", "verify", "--offline", name, cwd=work), 2, name, needle)
    proc = advisor("record", "verify", "--offline", str(record_json), cwd=work)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr


def test_record_verify_with_a_5000_digit_integer_is_exit_2(work, record_json):
    text = record_json.read_text().replace('"schema"', '"huge": ' + "9" * 5000 + ', "schema"', 1)
    (work / "huge-int-record.json").write_text(text)
    one_line(advisor("record", "verify", "--offline", "huge-int-record.json", cwd=work), 2,
             "huge-int-record.json", "4300 digits")


def _record_naming(work: Path, record_json: Path, name: str, gguf_path: Path) -> str:
    data = json.loads(record_json.read_text())
    data["reproducibility"]["gguf"] = {"file": gguf_path.name, "repo": None,
                                       "path": str(gguf_path), "sha256": "0" * 64}
    (work / name).write_text(json.dumps(seal(data)))   # sealed: a file check, not tampering
    return name


def test_record_verify_reads_only_the_regular_gguf_file_it_names(work, record_json):
    special = work / "verify-special"
    special.mkdir(exist_ok=True)
    if not (special / "model.gguf").exists():
        os.mkfifo(special / "model.gguf")             # opening it for reading would block
    (special / "secret.txt").write_text("not a model\n")
    cases = [("fifo", special / "model.gguf", 0, "is not a regular file; not read"),
             ("device", Path("/dev/zero"), 0, "is not a regular file; not read"),
             ("text", special / "secret.txt", 0, "is not a GGUF file; not read"),
             ("gguf", work / "tiny.gguf", 1, f"hashed the GGUF file {work / 'tiny.gguf'} (")]
    for label, target, status, note in cases:
        name = _record_naming(work, record_json, f"names-{label}.json", target)
        proc = advisor("record", "verify", "--offline", "--json", name, cwd=work, timeout=20)
        assert proc.returncode == status, (label, proc.stderr)
        report = json.loads(proc.stdout)
        assert any(note in n for n in report["notes"]), (label, report["notes"])
        hashed = [d for d in report["differences"] if d["kind"] == "file_hash"]
        expected = hashlib.sha256((work / "tiny.gguf").read_bytes()).hexdigest()
        assert hashed == ([] if status == 0 else [{**hashed[0], "after": expected}]), label


# ------------------------------------------------------------------ the app and stdout

@pytest.mark.parametrize("args, needle", [
    (["--answers", "missing.yaml"], "no such file"),
    (["--answers", "tabs.yaml"], "tabs.yaml:2:"),
    (["--answers", "laughs.yaml"], "laughs.yaml"),
    (["--profiles", "a-file"], "profiles directory not found"),
])
def test_app_refuses_bad_input_before_it_opens(work, args, needle):
    (work / "tabs.yaml").write_text("organization:\n\tdomicile: DE\n")
    one_line(advisor(*args, cwd=work, timeout=20), 2, needle)


def test_a_full_disk_on_stdout_is_one_line(work):
    with open("/dev/full", "w") as full:
        proc = advisor("models", "--json", cwd=work, stdout=full)
    one_line(proc, 1, "cannot write the output")
