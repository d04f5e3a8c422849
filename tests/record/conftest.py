"""Shared helpers for the decision-record tests: answers, smoke results, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.record.sample import SMOKE

MARKER = "hf_MARKERsecretTOKEN0123456789"
MODEL = "meta-llama/Llama-3.2-1B-Instruct"
ANSWERS = """\
organization: {domicile: DE, monthly_active_users: 2000000}
deployment: {regions: [DE, FR, US], mode: hosted_service, commercial: true}
use_case: {categories: [general_assistant]}
"""


def advisor(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m advisor`` offline with HF_TOKEN set to a marker."""
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_TOKEN": MARKER, **(env or {})}
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True,
                          text=True, env=full_env, cwd=cwd, timeout=120)


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS)
    return path


@pytest.fixture
def smoke_file(tmp_path: Path) -> Path:
    """A smoke result (superset of CONTRACT §5) that carries the token in places a careless
    writer would copy it: an API key field, endpoint credentials and model output."""
    smoke = json.loads(json.dumps(SMOKE))
    smoke["api_key"] = MARKER
    smoke["endpoint"] = f"http://user:{MARKER}@127.0.0.1:8080/v1"
    smoke["prompts"][0]["output"] = f"Paris. (debug: token={MARKER})"
    smoke["extra_field_from_newer_smoke"] = {"ok": True}
    path = tmp_path / "smoke.json"
    path.write_text(json.dumps(smoke))
    return path


@pytest.fixture(scope="session")
def kb():
    from advisor.knowledge import load_knowledge

    return load_knowledge()


@pytest.fixture(scope="session")
def answers():
    from advisor.answers import parse_answers

    return parse_answers(ANSWERS, "answers.yaml")
