"""The Hub commands against the stand-in Hub, through the real huggingface_hub, in subprocesses."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.cli import clean_env
from tests.fixtures.hub_server import HubFile, HubRepo, serve_hub
from tests.hub.conftest import ROOT, run_cli, standard_repos

SECRET = "hf_secret_token_do_not_print_42"


@pytest.fixture(scope="module")
def hub(tiny_path, sparse_path, smollm):
    repos = standard_repos(tiny_path, sparse_path, smollm)
    repos["bad/Corrupt-GGUF"] = HubRepo(files={"tiny-F32.gguf": HubFile(tiny_path, sha256="0" * 64)})
    with serve_hub(repos, tokens=(SECRET,)) as server:
        yield server


def _one_line_error(result: subprocess.CompletedProcess, status: int = 1) -> str:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    lines = [l for l in result.stderr.splitlines()       # progress lines may come first
             if l.startswith("advisor:") and not l.startswith("advisor: note:")]
    assert len(lines) == 1 and lines[0].startswith("advisor: "), result.stderr
    return lines[0]


def _facts(hub, tmp_path, repo_id: str, **env) -> dict:
    code = ("import json,sys; from advisor.hub.facts import fetch_hub_facts;"
            "print(json.dumps(fetch_hub_facts(sys.argv[1]).to_dict()))")
    r = subprocess.run([sys.executable, "-c", code, repo_id], env=hub.env(tmp_path, **env),
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_hub_facts_follow_the_base_model_chain(hub, tmp_path):
    facts = _facts(hub, tmp_path, "someone/Llama-3.2-1B-Instruct-GGUF")
    assert facts["license_tag"] == "apache-2.0"
    assert facts["base_models"] == ["meta-llama/Llama-3.2-1B-Instruct"]
    assert facts["base_relation"] == "quantized"
    chain = [b["repo_id"] for b in facts["base_chain"]]
    assert chain == ["meta-llama/Llama-3.2-1B-Instruct", "meta-llama/Llama-3.2-1B"]
    assert facts["base_chain"][0]["license_tag"] == "llama3.2"
    assert facts["base_chain"][0]["gated"] == "manual"
    assert facts["base_chain"][0]["base_relation"] == "finetune"
    assert facts["sha"] == hub.repos["someone/Llama-3.2-1B-Instruct-GGUF"].sha


def test_hub_facts_for_never_raises(hub, tmp_path):
    code = ("import json; from advisor.hub.facts import hub_facts_for;"
            "f, w = hub_facts_for(['nope/missing', 'big/Sparse-GGUF']);"
            "print(json.dumps([sorted(f), w]))")
    for env, expect_found in (({}, ["big/Sparse-GGUF"]), ({"HF_HUB_OFFLINE": "1"}, []),
                              ({"HF_ENDPOINT": "http://127.0.0.1:9"}, [])):
        r = subprocess.run([sys.executable, "-c", code], env=hub.env(tmp_path, **env), cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        found, warnings = json.loads(r.stdout)
        assert found == expect_found
        assert warnings, env
        if env.get("HF_HUB_OFFLINE"):
            assert "HF_HUB_OFFLINE" in warnings[0]


def test_missing_and_gated_repos_are_one_line_errors(hub, tmp_path):
    env = hub.env(tmp_path)
    line = _one_line_error(run_cli(["ggufs", "nope/missing"], env))
    assert "nope/missing" in line and "no such repository" in line
    line = _one_line_error(run_cli(["pull", "meta-llama/Llama-3.2-1B-Instruct", "--file",
                                    "config.json"], env))
    assert "gated" in line and "HF_TOKEN" in line
    line = _one_line_error(run_cli(["pull", "big/Sparse-GGUF", "--file", "nothere.gguf"], env), 2)
    assert "nothere.gguf" in line


def test_token_is_used_and_never_printed(hub, tmp_path):
    env = hub.env(tmp_path, HF_TOKEN=SECRET)
    r = run_cli(["pull", "meta-llama/Llama-3.2-1B-Instruct", "--file", "config.json"], env)
    line = _one_line_error(r)
    assert "not been granted" in line          # the token was sent: 403, not 401
    bad = hub.env(tmp_path, HF_TOKEN="hf_" + "x" * 30)
    line = _one_line_error(run_cli(["ggufs", "big/Sparse-GGUF"], bad))
    assert "token" in line.lower()
    outputs = [r]
    for args in (["ggufs", "big/Sparse-GGUF", "--json"], ["pull", "big/Sparse-GGUF", "--json"],
                 ["local", "--json"]):
        outputs.append(run_cli(args, env))
    for out in outputs:
        assert SECRET not in out.stdout and SECRET not in out.stderr
    for path in (tmp_path / "hf_home").rglob("*"):
        if path.is_file() and path.stat().st_size < 1 << 20:
            assert SECRET.encode() not in path.read_bytes()


def test_ggufs_json_fields_and_estimate(hub, tmp_path, smollm):
    r = run_cli(["ggufs", "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF", "--json"], hub.env(tmp_path))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    (f,) = doc["files"]
    assert f["filename"] == smollm.name
    assert f["quant"] == "Q4_1"
    assert f["bytes"] == smollm.stat().st_size
    est = f["estimate"]
    assert set(est) >= {"weights_bytes", "kv_cache_bytes", "compute_bytes", "overhead_bytes",
                        "total_bytes"}
    # llama.cpp's own log for this model at n_ctx 4096: KV 90.00 MiB, compute 99.38 MiB
    assert est["kv_cache_bytes"] == 90 * 2**20
    assert abs(est["compute_bytes"] - 99.38 * 2**20) < 0.01 * 2**20
    assert est["weights_bytes"] == 96_576_768
    # total_bytes is the figure the fit uses: allocated (GPU) or resident (CPU, mmap)
    assert est["allocated_bytes"] == sum(est[k] for k in (
        "weights_bytes", "repack_bytes", "kv_cache_bytes", "recurrent_bytes", "compute_bytes",
        "overhead_bytes"))
    assert est["total_bytes"] == est[f"{est['total_basis']}_bytes"]
    assert est["resident_bytes"] < est["allocated_bytes"]
    assert f["fit"] in ("gpu", "partial", "cpu", "too_large") and isinstance(f["gpu_layers"], int)
    assert doc["recommended"]["filename"] == smollm.name
    r8k = json.loads(run_cli(["ggufs", "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF", "--ctx", "8192",
                              "--json"], hub.env(tmp_path)).stdout)
    assert r8k["files"][0]["estimate"]["kv_cache_bytes"] == 2 * est["kv_cache_bytes"]


def test_header_read_is_a_small_part_of_a_large_file(hub, tmp_path, sparse_path):
    key = ("big/Sparse-GGUF", "big-Q8_0.gguf")
    before = hub.bytes_served.get(key, 0)
    r = run_cli(["ggufs", "big/Sparse-GGUF", "--json"], hub.env(tmp_path))
    assert r.returncode == 0, r.stderr
    served = hub.bytes_served[key] - before
    size = sparse_path.stat().st_size
    assert size > 300 * 2**20
    assert 0 < served < 0.02 * size
    f = json.loads(r.stdout)["files"][0]
    assert f["quant"] == "Q8_0" and f["estimate"]["weights_bytes"] > 0.95 * size


def test_split_files_are_one_entry(hub_server, tmp_path, tiny_path):
    data = tiny_path.read_bytes()
    third = len(data) // 3
    parts = {f"m-Q8_0-0000{i + 1}-of-00003.gguf": data[i * third:(i + 1) * third if i < 2 else None]
             for i in range(3)}
    server = hub_server({"org/split-GGUF": HubRepo(files=dict(parts))})
    r = run_cli(["ggufs", "org/split-GGUF", "--json"], server.env(tmp_path))
    assert r.returncode == 0, r.stderr
    (f,) = json.loads(r.stdout)["files"]
    assert f["filename"] == "m-Q8_0-00001-of-00003.gguf" and len(f["parts"]) == 3
    assert f["bytes"] == len(data) and f["quant"] == "Q8_0"


def test_pull_verifies_and_lands_in_the_hf_cache(hub, tmp_path, smollm):
    env = hub.env(tmp_path)
    r = run_cli(["pull", "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"], env)
    assert r.returncode == 0, r.stderr
    path = Path(r.stdout.strip().splitlines()[-1])
    assert path.is_file() and str(path).startswith(str(tmp_path / "hf_home" / "hub"))
    assert "/snapshots/" in str(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == hashlib.sha256(smollm.read_bytes()).hexdigest()
    assert "MiB" in r.stderr                                   # progress on stderr
    again = run_cli(["pull", "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF", "--json"], env)
    assert json.loads(again.stdout)["path"] == str(path)


def test_pull_with_wrong_lfs_sha_deletes_and_fails(hub, tmp_path):
    env = hub.env(tmp_path)
    line = _one_line_error(run_cli(["pull", "bad/Corrupt-GGUF"], env))
    assert "SHA-256" in line
    cache = tmp_path / "hf_home" / "hub" / "models--bad--Corrupt-GGUF"
    leftovers = [p for p in cache.rglob("*") if p.is_file() and ".locks" not in p.parts]
    assert leftovers == []


def test_pull_resumes_an_incomplete_download(hub, tmp_path, tiny_path):
    repo, name = "someone/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-F32.gguf"
    data = tiny_path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    blobs = tmp_path / "hf_home" / "hub" / "models--someone--Llama-3.2-1B-Instruct-GGUF" / "blobs"
    blobs.mkdir(parents=True)
    half = len(data) // 2
    (blobs / f"{sha}.incomplete").write_bytes(data[:half])
    before = hub.bytes_served.get((repo, name), 0)
    r = run_cli(["pull", repo, "--quant", "f32"], hub.env(tmp_path))
    assert r.returncode == 0, r.stderr
    assert hub.bytes_served[(repo, name)] - before == len(data) - half
    assert Path(r.stdout.strip()).read_bytes() == data
    assert not (blobs / f"{sha}.incomplete").exists()


def test_interrupted_download_keeps_the_part_for_next_time(hub, tmp_path, smollm):
    repo, name = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF", smollm.name
    hub.fail_after[(repo, name)] = 10 * 2**20
    r = run_cli(["pull", repo], hub.env(tmp_path))
    assert "interrupted" in _one_line_error(r)
    parts = list((tmp_path / "hf_home" / "hub").rglob("*.incomplete"))
    assert len(parts) == 1 and parts[0].stat().st_size == 10 * 2**20
    r = run_cli(["pull", repo], hub.env(tmp_path))
    assert r.returncode == 0, r.stderr
    assert Path(r.stdout.strip()).stat().st_size == smollm.stat().st_size


def test_local_finds_cache_ollama_and_folders(hub, tmp_path, tiny_path, smollm):
    env = hub.env(tmp_path, HOME=str(tmp_path / "home"))
    assert run_cli(["pull", "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"], env).returncode == 0
    ollama = tmp_path / "home" / ".ollama" / "models"
    digest = hashlib.sha256(tiny_path.read_bytes()).hexdigest()
    (ollama / "blobs").mkdir(parents=True)
    (ollama / "blobs" / f"sha256-{digest}").write_bytes(tiny_path.read_bytes())
    manifest = ollama / "manifests" / "registry.ollama.ai" / "library" / "tinyllama" / "latest"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"schemaVersion": 2, "layers": [
        {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}",
         "size": tiny_path.stat().st_size}]}))
    folder = tmp_path / "my models"
    folder.mkdir()
    (folder / "copy-F32.gguf").write_bytes(tiny_path.read_bytes())
    (folder / "broken.gguf").write_bytes(b"GGUF\x03\x00\x00\x00garbage")
    from tests.fixtures.tiny_gguf import write_tiny_gguf

    write_tiny_gguf(folder / "renamed.gguf", name="Llama 3.2 1B Instruct")
    r = run_cli(["local", "--json", "--dir", str(folder)], env)
    assert r.returncode == 0, r.stderr
    files = json.loads(r.stdout)["files"]
    by_source = {}
    for f in files:
        by_source.setdefault(f["source"], []).append(f)
    (hf,) = by_source["hf-cache"]
    assert hf["repo_id"] == "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
    assert hf["architecture"] == "llama" and hf["quant"] == "Q4_1"
    assert 100e6 < hf["parameters"] < 200e6
    (ol,) = by_source["ollama"]
    assert ol["name"] == "tinyllama:latest" and ol["architecture"] == "llama"
    names = {Path(f["path"]).name: f for f in by_source["folder"]}
    assert names["copy-F32.gguf"]["quant"] == "F32"
    assert names["broken.gguf"]["error"]
    assert names["renamed.gguf"]["profile"] == "meta-llama/Llama-3.2-1B-Instruct"   # by general.name
    assert names["copy-F32.gguf"]["profile"] is None
    human = run_cli(["local", "--dir", str(folder)], env)
    assert human.returncode == 0 and "tinyllama:latest" in human.stdout


def test_offline_mode_says_so(hub, tmp_path):
    env = hub.env(tmp_path, HF_HUB_OFFLINE="1")
    line = _one_line_error(run_cli(["ggufs", "big/Sparse-GGUF"], env))
    assert "offline" in line
    line = _one_line_error(run_cli(["pull", "big/Sparse-GGUF", "--file", "big-Q8_0.gguf"], env))
    assert "offline" in line


def test_ggufs_for_a_profile_uses_its_gguf_repos_and_answers_hardware(hub_server, tmp_path,
                                                                       tiny_path, sparse_path):
    server = hub_server({
        "meta-llama/Llama-3.2-1B-Instruct": HubRepo(files={"config.json": b"{}"},
                                                    card_data={"license": "llama3.2"}),
        "bartowski/Llama-3.2-1B-Instruct-GGUF": HubRepo(files={
            "Llama-3.2-1B-Instruct-Q8_0.gguf": sparse_path,
            "Llama-3.2-1B-Instruct-f32.gguf": tiny_path}),
    })

    def ggufs(ram_gb: float, vram_gb: float) -> dict:
        answers = tmp_path / f"a-{ram_gb}-{vram_gb}.yaml"
        answers.write_text(f"organization: {{domicile: DE}}\n"
                           f"hardware: {{ram_gb: {ram_gb}, vram_gb: {vram_gb}}}\n")
        r = run_cli(["ggufs", "meta-llama/Llama-3.2-1B-Instruct", "--answers", str(answers),
                     "--json"], server.env(tmp_path))
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    doc = ggufs(8, 0)
    assert doc["source_repos"] == ["bartowski/Llama-3.2-1B-Instruct-GGUF"]
    assert doc["hardware"]["source"] == "answers"
    fits = {f["quant"]: f["fit"] for f in doc["files"]}
    assert fits == {"Q8_0": "cpu", "F32": "cpu"}
    assert doc["recommended"]["quant"] == "Q8_0"
    small = ggufs(0.5, 0)
    assert {f["quant"]: f["fit"] for f in small["files"]} == {"Q8_0": "too_large", "F32": "cpu"}
    assert small["recommended"]["quant"] == "F32"
    gpu = ggufs(8, 0.8)
    q8 = next(f for f in gpu["files"] if f["quant"] == "Q8_0")
    assert q8["fit"] == "partial" and 0 < q8["gpu_layers"] < 12
    assert next(f for f in gpu["files"] if f["quant"] == "F32")["fit"] == "gpu"
    assert gpu["recommended"]["quant"] == "F32"


def test_a_hub_that_does_not_answer_times_out_in_one_line(tmp_path, hub, silent_endpoint):
    env = hub.env(tmp_path, HF_ENDPOINT=silent_endpoint, ADVISOR_HUB_TIMEOUT="1")
    line = _one_line_error(run_cli(["ggufs", "big/Sparse-GGUF"], env, timeout=60))
    assert "did not answer in time" in line
    refused = hub.env(tmp_path, HF_ENDPOINT="http://127.0.0.1:9")
    line = _one_line_error(run_cli(["hub", "info", "big/Sparse-GGUF"], refused))
    assert "cannot reach the Hub" in line


def test_pull_for_a_profile_picks_what_fits_and_local_links_it(hub_server, tmp_path, tiny_path,
                                                               sparse_path):
    server = hub_server({
        "meta-llama/Llama-3.2-1B-Instruct": HubRepo(files={"config.json": b"{}"}),
        "bartowski/Llama-3.2-1B-Instruct-GGUF": HubRepo(files={
            "Llama-3.2-1B-Instruct-Q8_0.gguf": sparse_path,
            "Llama-3.2-1B-Instruct-f32.gguf": tiny_path}),
    })
    answers = tmp_path / "small.yaml"
    answers.write_text("organization: {domicile: DE}\nhardware: {ram_gb: 0.5, vram_gb: 0}\n")
    env = server.env(tmp_path, HOME=str(tmp_path / "home"))
    r = run_cli(["pull", "meta-llama/Llama-3.2-1B-Instruct", "--answers", str(answers)], env)
    assert r.returncode == 0, r.stderr
    path = Path(r.stdout.strip().splitlines()[-1])
    assert path.name == "Llama-3.2-1B-Instruct-f32.gguf" and "choosing" in r.stderr
    assert server.bytes_served[("bartowski/Llama-3.2-1B-Instruct-GGUF",
                                "Llama-3.2-1B-Instruct-Q8_0.gguf")] < 0.02 * sparse_path.stat().st_size
    files = json.loads(run_cli(["local", "--json"], env).stdout)["files"]
    (entry,) = [f for f in files if f["source"] == "hf-cache"]
    assert entry["repo_id"] == "bartowski/Llama-3.2-1B-Instruct-GGUF"
    assert entry["profile"] == "meta-llama/Llama-3.2-1B-Instruct"


def test_hub_info_unrecognized_license_is_unknown_never_allowed(hub_server, tmp_path, tiny_path):
    server = hub_server({"odd/Model": HubRepo(
        files={"m-F32.gguf": tiny_path},
        card_data={"license": "other", "license_name": "odd-custom-license-1.0"},
        tags=["license:other"])})
    r = run_cli(["hub", "info", "odd/Model", "--json"], server.env(tmp_path))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["profile"] is None
    assert doc["facts"]["license_name"] == "odd-custom-license-1.0"
    assert doc["assessment"]["verdict"] == "unknown"


def test_hf_hub_cache_is_honoured(hub, tmp_path):
    cache = tmp_path / "elsewhere"
    env = hub.env(tmp_path, HF_HUB_CACHE=str(cache), HOME=str(tmp_path / "home"))
    r = run_cli(["pull", "someone/Llama-3.2-1B-Instruct-GGUF", "--file",
                 "Llama-3.2-1B-Instruct-F32.gguf"], env)
    assert r.returncode == 0, r.stderr
    assert Path(r.stdout.strip()).is_relative_to(cache)
    files = json.loads(run_cli(["local", "--json"], env).stdout)["files"]
    cached = [f["repo_id"] for f in files if f["source"] == "hf-cache"]
    assert cached == ["someone/Llama-3.2-1B-Instruct-GGUF"]


def test_local_lists_the_demo_model_shipped_on_pypi(tmp_path):
    from tests.fixtures.smollm import smollm_path

    env = clean_env(tmp_path)             # HOME and HF_HOME inside tmp_path, offline
    files = json.loads(run_cli(["local", "--json"], env).stdout)["files"]
    demo = [f for f in files if f["source"] == "pip-package"]
    assert len(demo) == 1 and demo[0]["repo_id"] == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert Path(demo[0]["path"]).resolve() == smollm_path().resolve()


def test_offline_a_profiled_model_gets_rough_figures_labelled_rough(hub, tmp_path):
    """No header at hand for a catalogue model: a rough memory figure per quantization
    from its parameter count, for the answers' hardware, said to be rough; exact figures
    still need the Hub."""
    answers = tmp_path / "answers.yaml"
    answers.write_text("organization: {domicile: DE}\nhardware: {ram_gb: 64, vram_gb: 24}\n",
                       encoding="utf-8")
    env = hub.env(tmp_path, HF_HUB_OFFLINE="1")
    proc = run_cli(["ggufs", "Qwen/Qwen3-8B", "--answers", str(answers), "--json"], env)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["rough"] is True and "rough" in doc["basis"] and "no GGUF header" in doc["basis"]
    rows = doc["estimates"]
    assert [r["quant"] for r in rows] == ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K"]
    memory = [r["memory_bytes"] for r in rows]
    assert memory == sorted(memory, reverse=True)
    # an 8B model: about a byte a weight at Q8_0, never zero, on the declared 24 GB GPU
    assert 7e9 < rows[0]["weights_bytes"] < 10e9 and rows[0]["fit"] == "gpu"
    assert doc["hardware"]["vram_free_bytes"] == 24 * 2 ** 30
    assert "offline" in proc.stderr and "rough" in proc.stderr
    human = run_cli(["ggufs", "Qwen/Qwen3-8B"], env)
    assert human.returncode == 0 and "MEMORY (ROUGH)" in human.stdout and "Q4_K_M" in human.stdout
    # a repo no profile knows still needs its header
    assert run_cli(["ggufs", "big/Sparse-GGUF"], env).returncode == 1


def test_an_unreachable_hub_gives_a_profiled_model_rough_figures(tmp_path):
    env = clean_env(tmp_path)
    env.pop("HF_HUB_OFFLINE", None)
    env["HF_ENDPOINT"] = "http://127.0.0.1:9"        # nothing listens on the discard port
    proc = run_cli(["ggufs", "Qwen/Qwen3-8B", "--json"], env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rough"] is True
    assert "cannot reach the Hub" in proc.stderr and proc.stderr.count("Qwen/Qwen3-8B:") == 1
