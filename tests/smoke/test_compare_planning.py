"""Compare planning is one rule for ``advisor compare`` and the app's compare screen: a
GGUF file is credited to the same profiled model by both (knowledge/matching.py, fed the
file's header as well as its name), and a model without a build here is skipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from advisor.smoke.builds import profile_for
from advisor.smoke.compare import Candidate
from advisor.smoke.plan import GGUF, SKIP, plan_for, plan_for_file
from advisor.tui.settings import LocalModel
from tests.fixtures.tiny_gguf import write_tiny_gguf

OPEN = "acme/Open-7B-Instruct"
COMMUNITY = "acme/Community-1B-Instruct"


@pytest.fixture(scope="module")
def kb() -> Any:
    from advisor.knowledge.load.walk import build_knowledge

    kb, problems = build_knowledge([Path(__file__).resolve().parents[1] / "tui" / "profiles"])
    assert not problems
    return kb


def test_a_file_named_for_nothing_is_credited_by_its_header_in_both(kb: Any,
                                                                     tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "weights.Q8_0.gguf", n_layer=1,
                           name="Acme Open 7B Instruct")
    assert profile_for(Candidate(gguf=path), kb) == OPEN            # advisor compare --gguf
    assert plan_for_file(path, kb).model_id == OPEN                 # the app's o (open file)
    listed = [LocalModel("weights", path)]                          # the app's local files
    planned = plan_for(OPEN, kb, listed)
    assert planned.kind == GGUF and planned.build is not None and planned.build.path == path
    other = plan_for(COMMUNITY, kb, listed)
    assert other.kind == SKIP and "no build on this machine" in other.describe()


def test_a_file_of_another_model_is_not_credited_to_the_one_named(kb: Any,
                                                                   tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "model.gguf", n_layer=1,
                           name="Acme Community 1B Instruct")
    assert profile_for(Candidate(gguf=path), kb) == COMMUNITY
    assert plan_for(OPEN, kb, [LocalModel("model", path)]).kind == SKIP
    assert plan_for(COMMUNITY, kb, [LocalModel("model", path)]).kind == GGUF


def test_the_repo_it_came_from_wins_over_its_names(kb: Any, tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "Community-1B-Instruct.gguf", n_layer=1)
    repo = "acme/Open-7B-Instruct-GGUF"                          # a gguf_repos of Open-7B
    assert profile_for(Candidate(gguf=path, repo=repo), kb) == OPEN
    assert plan_for(OPEN, kb, [LocalModel("m", path, repo=repo)]).kind == GGUF
