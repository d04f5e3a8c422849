"""Fixtures shared by every test area.

- ``run_advisor(*args, env=None, cwd=None, timeout=120, input=None)``: ``python -m advisor``
  in a clean environment (no HF_TOKEN, HF_ENDPOINT or HUGGING_FACE_* from the developer;
  HOME and HF_HOME in the test's tmp folder; HF_HUB_OFFLINE=1 unless ``env`` overrides it,
  ``None`` removes a key). Returns the ``subprocess.CompletedProcess``.
- ``assert_one_line_error(proc, *fragments, status=2)``: one ``advisor:`` line, no traceback.
- ``kb``: the shipped knowledge base, loaded once per session.
"""

from __future__ import annotations

import pytest

from tests.fixtures.cli import check_one_line_error, run_advisor_in


@pytest.fixture
def run_advisor(tmp_path_factory):
    """Factory: ``run_advisor("assess", "--json")`` -> CompletedProcess."""
    home = tmp_path_factory.mktemp("advisor-env")

    def run(*args, env=None, cwd=None, timeout=120, input=None, **kw):
        return run_advisor_in(home, *args, env=env, cwd=cwd, timeout=timeout, input=input, **kw)

    return run


@pytest.fixture(scope="session")
def assert_one_line_error():
    """``assert_one_line_error(proc, "answers.yaml", "line 3", status=2)`` -> the line."""
    return check_one_line_error


@pytest.fixture(scope="session")
def kb():
    """The shipped knowledge base (``load_knowledge()``), loaded once."""
    from advisor.knowledge import load_knowledge

    return load_knowledge()
