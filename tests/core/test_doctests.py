"""Every docstring example in the package runs and shows what it says (doctest), so an
example cannot drift from the code. Examples that would need the network, a model file or
this machine are written as prose, not as ``>>>`` lines."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import advisor

# Entry points that act when imported: the CLI's __main__ and the smoke child process.
SKIP = {"advisor.__main__", "advisor.smoke.child"}
MODULES = sorted(m.name for m in pkgutil.walk_packages(advisor.__path__, "advisor.")
                 if m.name not in SKIP)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                     # an example that writes, writes here
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in finder.find(module, name, globs=dict(vars(module))):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} fail"


def test_the_examples_are_many():
    """The check above cannot pass by finding nothing."""
    count = sum(len(test.examples) for name in ("advisor.text", "advisor.vocab", "advisor.config",
                                                "advisor.errors")
                for test in doctest.DocTestFinder().find(importlib.import_module(name), name))
    assert count >= 12
