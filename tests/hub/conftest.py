"""Fixtures for the Hub area: a running stand-in Hub and a CLI runner against it.

Other areas can use ``hub_server`` too: ``hub = hub_server({"org/m": HubRepo(...)})``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.fixtures.cli import run_advisor_in
from tests.fixtures.hub_server import HubRepo, HubServer, serve_hub, write_sparse_gguf
from tests.fixtures.smollm import smollm_path
from tests.fixtures.tiny_gguf import write_tiny_gguf

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hub_server():
    """Factory: ``hub_server(repos, tokens=()) -> HubServer``; stopped after the test."""
    stack = []

    def start(repos, **kw) -> HubServer:
        cm = serve_hub(repos, **kw)
        server = cm.__enter__()
        stack.append(cm)
        return server

    yield start
    for cm in reversed(stack):
        cm.__exit__(None, None, None)


@pytest.fixture
def silent_endpoint():
    """``http://127.0.0.1:PORT`` of a socket that accepts connections and never answers."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        yield f"http://127.0.0.1:{silent.getsockname()[1]}"
    finally:
        silent.close()


@pytest.fixture(scope="session")
def tiny_path(tmp_path_factory) -> Path:
    return write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny-F32.gguf")


@pytest.fixture(scope="session")
def sparse_path(tmp_path_factory) -> Path:
    return write_sparse_gguf(tmp_path_factory.mktemp("sparse") / "big-Q8_0.gguf", n_layer=12,
                             n_embd=1536, n_ff=4096)


@pytest.fixture(scope="session")
def smollm() -> Path:
    return smollm_path()


def run_cli(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m advisor ARGS`` through the shared clean runner; ``env`` (from
    ``HubServer.env``) is applied over the clean base, online unless it says otherwise."""
    home = Path(env.get("HF_HOME", ROOT / ".hf-home-test")).parent
    return run_advisor_in(home, *args, env={"HF_HUB_OFFLINE": None, **env}, timeout=timeout)


def standard_repos(tiny: Path, sparse: Path, smollm: Path) -> dict[str, HubRepo]:
    """A small Hub: a gated base, a quantized GGUF repo of it, SmolLM2, a big sparse model."""
    return {
        "meta-llama/Llama-3.2-1B-Instruct": HubRepo(
            files={"config.json": b'{"architectures": ["LlamaForCausalLM"]}'},
            card_data={"license": "llama3.2", "base_model": "meta-llama/Llama-3.2-1B"},
            tags=["license:llama3.2", "base_model:finetune:meta-llama/Llama-3.2-1B"],
            gated="manual", granted_tokens=("hf_granted_token_123",)),
        "meta-llama/Llama-3.2-1B": HubRepo(
            files={"config.json": b"{}"}, card_data={"license": "llama3.2"}, gated="manual"),
        "someone/Llama-3.2-1B-Instruct-GGUF": HubRepo(
            files={"Llama-3.2-1B-Instruct-F32.gguf": tiny, "README.md": b"# hi\n"},
            card_data={"license": "apache-2.0", "base_model": "meta-llama/Llama-3.2-1B-Instruct"},
            tags=["gguf", "base_model:quantized:meta-llama/Llama-3.2-1B-Instruct"]),
        "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF": HubRepo(
            files={smollm.name: smollm},
            card_data={"license": "apache-2.0", "base_model": "HuggingFaceTB/SmolLM2-135M-Instruct"},
            tags=["gguf"]),
        "HuggingFaceTB/SmolLM2-135M-Instruct": HubRepo(
            files={"config.json": b"{}"}, card_data={"license": "apache-2.0"}),
        "big/Sparse-GGUF": HubRepo(files={"big-Q8_0.gguf": sparse}, card_data={"license": "mit"}),
    }
