"""Helpers for the recommendation's tests.

- ``recommend_for(text, ram_gb=..., vram_gb=..., kb=..., top=10)``: the recommendation of an
  answers text on declared hardware (the answers' own ``hardware`` is not read, so a test
  never depends on this machine).

"""

from __future__ import annotations

import pytest

from advisor.answers import parse_answers
from advisor.assessment import assess
from advisor.machine.hardware import simulated_hardware
from advisor.recommend import recommend


@pytest.fixture
def recommend_for(kb):
    def run(text: str, *, ram_gb: float, vram_gb: float = 0.0, knowledge=None, top: int = 10):
        base = knowledge or kb
        answers = parse_answers(text, "answers.yaml", base.use_cases)
        return recommend(assess(answers, base), base,
                         simulated_hardware(ram_gb=ram_gb, vram_gb=vram_gb), top=top)

    return run


