"""The Python API the TUI uses: run_smoke(spec, on_event) with live events."""

from __future__ import annotations

import os
import signal

import pytest

from advisor.errors import InputError, OperationError
from advisor.smoke import SmokeSpec, run_smoke
from advisor.smoke.suites import load_suite


def test_events_stream_in_order(tiny_model, tiny_suite):
    events = []
    result = run_smoke(SmokeSpec(gguf=tiny_model, suite=str(tiny_suite)), on_event=events.append)
    kinds = [e.kind for e in events]
    assert kinds[:3] == ["spawned", "load_done", "prompt_start"]
    assert kinds[-2:] == ["prompt_done", "done"]
    assert set(kinds[3:-2]) == {"token"}
    streamed = "".join(e.data["text"] for e in events if e.kind == "token")
    assert streamed == result.prompts[0].output
    assert events[-1].data["result"] is result
    assert events[1].data["gpu_layers"] == 0 and events[1].data["backend"] == "cpu"
    assert result.prompts[0].completion_tokens == 8          # max_tokens of the suite
    assert result.prompts[0].finish_reason == "length"
    assert result.passed and result.peak_rss_bytes > 0


def test_child_killed_mid_run_is_reported(smollm):
    def kill_on_first_token(event):
        if event.kind == "token":
            os.kill(pid[0], signal.SIGKILL)
        elif event.kind == "spawned":
            pid.append(event.data["pid"])

    pid: list[int] = []
    with pytest.raises(OperationError, match=r"llama.cpp crashed \(SIGKILL\) while running "
                                             r"prompt capital-france"):
        run_smoke(SmokeSpec(gguf=smollm, hash_file=False), on_event=kill_on_first_token)


def test_child_hanging_mid_run_times_out(smollm):
    pid: list[int] = []

    def stop_on_first_token(event):
        if event.kind == "spawned":
            pid.append(event.data["pid"])
        elif event.kind == "token" and len(pid) == 1:
            os.kill(pid[0], signal.SIGSTOP)
            pid.append(-1)

    with pytest.raises(OperationError, match=r"made no progress for 1 s while running prompt "
                                             r"capital-france"):
        # The 1 s bound starts once the model has loaded: a loaded machine may take far
        # longer to import llama_cpp and load, and that is not what this test is about.
        run_smoke(SmokeSpec(gguf=smollm, hash_file=False, timeout=1.0, load_timeout=600),
                  on_event=stop_on_first_token)
    with pytest.raises(ProcessLookupError):
        os.kill(pid[0], 0)                       # killed and reaped


def test_a_slow_load_is_bounded_by_the_load_timeout(smollm):
    pid: list[int] = []

    def stop_at_spawn(event):                # the child never gets to load the model
        if event.kind == "spawned":
            pid.append(event.data["pid"])
            os.kill(pid[0], signal.SIGSTOP)

    with pytest.raises(OperationError, match=r"made no progress for 0.5 s while loading the "
                                             r"model"):
        run_smoke(SmokeSpec(gguf=smollm, hash_file=False, timeout=600, load_timeout=0.5),
                  on_event=stop_at_spawn)
    with pytest.raises(ProcessLookupError):
        os.kill(pid[0], 0)


def test_gpu_on_without_offload_support_says_how_to_install(tiny_model, tiny_suite):
    with pytest.raises(OperationError, match=r'--gpu on, .*CMAKE_ARGS="-DGGML_CUDA=on"'):
        run_smoke(SmokeSpec(gguf=tiny_model, suite=str(tiny_suite), gpu="on"))


def test_gpu_off_and_bad_mode(tiny_model, tiny_suite):
    result = run_smoke(SmokeSpec(gguf=tiny_model, suite=load_suite(str(tiny_suite)), gpu="off"))
    assert result.gpu_layers == 0 and result.gpu_reason == "--gpu off"
    with pytest.raises(InputError, match="--gpu"):
        run_smoke(SmokeSpec(gguf=tiny_model, suite=str(tiny_suite), gpu="maybe"))


def test_hashing_follows_the_flags_and_the_size_limit():
    from advisor.smoke.modelfile import HASH_LIMIT, should_hash

    assert should_hash(None, HASH_LIMIT) and not should_hash(None, HASH_LIMIT + 1)
    assert should_hash(True, HASH_LIMIT + 1) and not should_hash(False, 10)
