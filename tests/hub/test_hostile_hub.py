"""A hostile or broken Hub (the stand-in, through the real huggingface_hub) must not write
outside the cache, crash, fill the disk, or leak a credential: one line and exit 1."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.hub_server import HubFile, HubRepo, serve_hub
from tests.hub.conftest import run_cli

REPO, NAME = "org/m-GGUF", "m-F32.gguf"
GRANTED = "hf_saved_by_login_token_777"


def _one_line_error(proc: subprocess.CompletedProcess, *fragments: str, status: int = 1) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == status, (proc.returncode, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines()       # progress lines may come first
             if ln.startswith("advisor:") and not ln.startswith("advisor: note:")]
    assert len(lines) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def _tree(root: Path, cache: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``root`` but the HF cache and HOME (the advisor's own caches):
    size and content hash (links not followed)."""
    out = {}
    skips = (cache, root / "home")
    for dirpath, dirnames, filenames in os.walk(root):
        if any(Path(dirpath) == skip or skip in Path(dirpath).parents for skip in skips):
            dirnames[:] = []
            continue
        for name in filenames:
            p = Path(dirpath) / name
            data = p.read_bytes() if p.is_file() and not p.is_symlink() else os.readlink(p).encode()
            out[str(p.relative_to(root))] = (len(data), hashlib.sha256(data).hexdigest())
    return out


@pytest.fixture
def sentinel(tmp_path):
    """Files a hostile name would aim at: ``tmp_path/outside.txt`` and a folder of them."""
    (tmp_path / "outside.txt").write_text("precious\n")
    (tmp_path / "sentinel").mkdir()
    (tmp_path / "sentinel" / "keep.txt").write_text("keep me\n")
    return tmp_path


# blobs/ is tmp/hf_home/hub/models--org--m-GGUF/blobs: four levels up is tmp_path
HOSTILE_HEADERS = [
    {"X-Linked-Etag": '"../../../../outside.txt"'},
    {"X-Linked-Etag": '"{tmp}/outside.txt"'},
    {"X-Linked-Etag": '"../../../../sentinel"'},
    {"X-Repo-Commit": "../../../../sentinel"},
    {"X-Repo-Commit": "{tmp}/sentinel"},
    {"X-Linked-Etag": '"' + "a" * 63 + '/"'},
]


@pytest.mark.parametrize("headers", HOSTILE_HEADERS, ids=lambda h: next(iter(h.values())))
@pytest.mark.parametrize("lfs", [True, False], ids=["lfs", "git"])
def test_hostile_etag_or_commit_never_becomes_a_path(sentinel, tiny_path, headers, lfs):
    tmp = sentinel
    headers = {k: v.replace("{tmp}", str(tmp)) for k, v in headers.items()}
    if not lfs and "X-Linked-Etag" in headers:
        headers = {"ETag": headers["X-Linked-Etag"]}
    repo = HubRepo(files={NAME: HubFile(tiny_path, lfs=lfs, headers=headers)})
    with serve_hub({REPO: repo}) as hub:
        env = hub.env(tmp)
        cache = tmp / "hf_home" / "hub"
        before = _tree(tmp, cache)
        for _ in range(2):                 # the second pull once deleted what the first wrote
            proc = run_cli(["pull", REPO, "--file", NAME], env)
            line = _one_line_error(proc)
            assert REPO in line and ("ETag" in line or "commit" in line), line
        assert _tree(tmp, cache) == before
        assert (tmp / "outside.txt").read_text() == "precious\n"


@pytest.mark.parametrize("name", ["../../../../evil-Q4_0.gguf", "/tmp/evil-Q4_0.gguf",
                                  "sub/../../evil-Q4_0.gguf", "a\\..\\evil-Q4_0.gguf"])
def test_hostile_sibling_names_are_refused(sentinel, tiny_path, name):
    tmp = sentinel
    repo = HubRepo(files={name: tiny_path, "good-F32.gguf": tiny_path})
    with serve_hub({REPO: repo}) as hub:
        env = hub.env(tmp)
        cache = tmp / "hf_home" / "hub"
        before = _tree(tmp, cache)
        for args in (["pull", REPO, "--quant", "Q4_0"], ["ggufs", REPO, "--json"],
                     ["hub", "info", REPO, "--json"]):
            line = _one_line_error(run_cli(args, env))
            assert "file name" in line, line
        assert _tree(tmp, cache) == before


@pytest.mark.parametrize("revision", ["../../../../sentinel", "/etc", "a/../../b", "main\n",
                                      "refs/../../x", ".hidden"])
def test_hostile_revision_is_bad_input(sentinel, tiny_path, revision):
    tmp = sentinel
    with serve_hub({REPO: HubRepo(files={NAME: tiny_path})}) as hub:
        env = hub.env(tmp)
        before = _tree(tmp, tmp / "hf_home" / "hub")
        line = _one_line_error(run_cli(["pull", REPO, "--file", NAME, "--revision", revision],
                                       env), status=2)
        assert "--revision" in line
        assert _tree(tmp, tmp / "hf_home" / "hub") == before


def test_a_revision_by_branch_is_recorded_inside_the_cache(tmp_path, tiny_path):
    with serve_hub({REPO: HubRepo(files={NAME: tiny_path})}) as hub:
        env = hub.env(tmp_path)
        proc = run_cli(["pull", REPO, "--file", NAME, "--revision", "main", "--json"], env)
        assert proc.returncode == 0, proc.stderr
        storage = tmp_path / "hf_home" / "hub" / "models--org--m-GGUF"
        sha = hub.repos[REPO].sha
        assert (storage / "refs" / "main").read_text() == sha
        path = Path(json.loads(proc.stdout)["path"])
        assert path == storage / "snapshots" / sha / NAME
        assert path.read_bytes() == tiny_path.read_bytes()
        offline = run_cli(["pull", REPO, "--file", NAME], dict(env, HF_HUB_OFFLINE="1"))
        assert offline.returncode == 0 and Path(offline.stdout.strip()) == path


MALFORMED = {
    "sibling-without-rfilename": {"siblings": [{"size": 3}]},
    "lfs-without-pointerSize": {"siblings": [{"rfilename": NAME, "size": 3,
                                              "lfs": {"size": 3, "sha256": "a" * 64}}]},
    "bad-lastModified": {"lastModified": "yesterday-ish"},
    "siblings-not-a-list": {"siblings": "m.gguf"},
    "size-not-a-number": {"siblings": [{"rfilename": NAME, "size": "big"}]},
    "sha256-not-hex": {"siblings": [{"rfilename": NAME, "size": 3,
                                     "lfs": {"size": 3, "sha256": "../x", "pointerSize": 1}}]},
    "tags-a-number": {"tags": 5},
    "sha-not-a-commit": {"sha": "../../x"},
    "not-an-object": {"__replace__": [1, 2, 3]},
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_hub_json_is_one_line_exit_1(tmp_path, tiny_path, case):
    overrides = MALFORMED[case]
    repo = HubRepo(files={NAME: tiny_path}, info_overrides=overrides)
    with serve_hub({REPO: repo}) as hub:
        env = hub.env(tmp_path)
        for args in (["hub", "info", REPO, "--json"], ["ggufs", REPO, "--json"], ["pull", REPO]):
            proc = run_cli(args, env)
            line = _one_line_error(proc)
            assert REPO in line and "Hub" in line, (args, line)


def test_a_file_without_lfs_sha256_is_saved_not_verified_and_says_so(tmp_path, tiny_path):
    repos = {REPO: HubRepo(files={NAME: HubFile(tiny_path, lfs=False)}),
             "org/lfs-GGUF": HubRepo(files={NAME: tiny_path})}
    with serve_hub(repos) as hub:
        env = hub.env(tmp_path)
        proc = run_cli(["pull", REPO, "--json"], env)
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(proc.stdout)
        assert doc["verified"] is False and doc["files"][0]["verified"] is False
        assert doc["files"][0]["sha256"] is None
        assert "not verified" in proc.stderr and NAME in proc.stderr
        assert Path(doc["path"]).read_bytes() == tiny_path.read_bytes()
        good = run_cli(["pull", "org/lfs-GGUF", "--json"], env)
        assert good.returncode == 0, good.stderr
        gdoc = json.loads(good.stdout)
        assert gdoc["verified"] is True and "not verified" not in good.stderr
        assert gdoc["files"][0]["sha256"] == hashlib.sha256(tiny_path.read_bytes()).hexdigest()


def test_a_server_sending_more_than_declared_is_stopped_at_the_size(tmp_path, tiny_path):
    size = tiny_path.stat().st_size
    repo = HubRepo(files={NAME: HubFile(tiny_path, oversend=64 << 20)})
    with serve_hub({REPO: repo}) as hub:
        env = hub.env(tmp_path)
        line = _one_line_error(run_cli(["pull", REPO, "--file", NAME], env))
        assert "more than" in line and str(size) in line
        cache = tmp_path / "hf_home" / "hub"
        written = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())
        assert written <= size
        assert not [p for p in cache.rglob("*") if p.is_file() and p.suffix != ".lock"
                    and "blobs" in p.parts]


def test_free_disk_space_is_checked_before_a_pull(tmp_path, tiny_path):
    huge = 1 << 60                                   # one exbibyte: no disk has it free
    repo = HubRepo(files={NAME: HubFile(tiny_path, declared_size=huge)})
    with serve_hub({REPO: repo}) as hub:
        line = _one_line_error(run_cli(["pull", REPO, "--file", NAME], hub.env(tmp_path)))
        assert "not enough disk space" in line
        assert hub.bytes_served.get((REPO, NAME), 0) == 0


def _split(tiny_path: Path) -> dict[str, bytes]:
    data = tiny_path.read_bytes()
    third = len(data) // 3
    return {f"m-Q8_0-0000{i + 1}-of-00003.gguf": data[i * third:(i + 1) * third if i < 2 else None]
            for i in range(3)}


def test_every_part_of_a_split_gguf_is_verified(tmp_path, tiny_path):
    parts = _split(tiny_path)
    names = list(parts)
    good = HubRepo(files=dict(parts))
    bad = HubRepo(files={n: HubFile(b, sha256="0" * 64 if i == 1 else None)
                         for i, (n, b) in enumerate(parts.items())})
    with serve_hub({"org/split-GGUF": good, "org/badsplit-GGUF": bad}) as hub:
        env = hub.env(tmp_path)
        proc = run_cli(["pull", "org/split-GGUF", "--json"], env)
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(proc.stdout)
        assert [Path(p).name for p in doc["paths"]] == names
        assert [Path(p).read_bytes() for p in doc["paths"]] == list(parts.values())
        assert [f["sha256"] for f in doc["files"]] == \
            [hashlib.sha256(b).hexdigest() for b in parts.values()]
        assert doc["verified"] is True
        line = _one_line_error(run_cli(["pull", "org/badsplit-GGUF"], env))
        assert names[1] in line and "SHA-256" in line
        storage = tmp_path / "hf_home" / "hub" / "models--org--badsplit-GGUF"
        blobs = sorted(p.name for p in (storage / "blobs").iterdir())
        hashes = [hashlib.sha256(parts[n]).hexdigest() for n in names]
        assert blobs == [hashes[0]]                  # the bad part is gone, the third not begun


def test_a_corrupted_partial_download_is_detected_and_deleted(tmp_path, tiny_path):
    data = tiny_path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    with serve_hub({REPO: HubRepo(files={NAME: tiny_path})}) as hub:
        env = hub.env(tmp_path)
        blobs = tmp_path / "hf_home" / "hub" / "models--org--m-GGUF" / "blobs"
        blobs.mkdir(parents=True)
        partial = blobs / f"{sha}.incomplete"
        partial.write_bytes(b"\xff" * (len(data) // 2))           # wrong bytes, right length
        line = _one_line_error(run_cli(["pull", REPO, "--file", NAME], env))
        assert "SHA-256" in line and "deleted" in line
        assert not partial.exists() and not (blobs / sha).exists()
        assert hub.bytes_served[(REPO, NAME)] == len(data) - len(data) // 2    # it did resume
        again = run_cli(["pull", REPO, "--file", NAME], env)
        assert again.returncode == 0, again.stderr
        assert Path(again.stdout.strip()).read_bytes() == data


def test_a_token_saved_by_hf_auth_login_is_used_and_never_printed(tmp_path):
    repo = HubRepo(files={NAME: b"GGUF-not-really"}, gated="manual", granted_tokens=(GRANTED,))
    with serve_hub({"org/gated-GGUF": repo}) as hub:
        env = hub.env(tmp_path)
        hf = Path(sys.executable).with_name("hf")
        login = subprocess.run([str(hf), "auth", "login", "--token", GRANTED], env=env,
                               capture_output=True, text=True, timeout=120)
        assert login.returncode == 0, login.stdout + login.stderr
        token_file = tmp_path / "hf_home" / "token"
        assert token_file.read_text().strip() == GRANTED
        assert "HF_TOKEN" not in env
        proc = run_cli(["pull", "org/gated-GGUF", "--file", NAME, "--json"], env)
        assert proc.returncode == 0, proc.stderr
        assert Path(json.loads(proc.stdout)["path"]).read_bytes() == b"GGUF-not-really"
        sent = [{k.lower(): v for k, v in h.items()} for _, path, h in hub.requests
                if "/resolve/" in path]
        assert sent and all(h.get("authorization") == f"Bearer {GRANTED}" for h in sent)
        info = run_cli(["hub", "info", "org/gated-GGUF"], env)
        for out in (proc, info):
            assert GRANTED not in out.stdout and GRANTED not in out.stderr
        token_file.unlink()
        line = _one_line_error(run_cli(["pull", "org/gated-GGUF", "--file", NAME], env))
        assert "gated" in line


@pytest.mark.parametrize("where", ["refused", "missing-repo"])
def test_credentials_inside_hf_endpoint_are_redacted(tmp_path, tiny_path, where):
    secret = "s3cr3t-pass-in-url"
    with serve_hub({REPO: HubRepo(files={NAME: tiny_path})}) as hub:
        port = 9 if where == "refused" else hub.port
        env = hub.env(tmp_path, HF_ENDPOINT=f"http://alice:{secret}@127.0.0.1:{port}")
        for args in (["hub", "info", "nope/missing"], ["ggufs", "nope/missing"],
                     ["pull", "nope/missing"]):
            proc = run_cli(args, env)
            _one_line_error(proc)
            assert secret not in proc.stderr and secret not in proc.stdout
            assert "alice" not in proc.stderr
