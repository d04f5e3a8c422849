"""Entry point for ``advisor`` with no command: build the settings, run the app.

    Example (not run)::

        run_app(argparse.Namespace(answers="answers.yaml", profiles=[]))   # 0
"""

from __future__ import annotations

import argparse
from pathlib import Path


def settings_from_args(args: argparse.Namespace):
    """AppSettings from the CLI's ``--answers`` and ``--profiles``."""
    from advisor.tui.settings import AppSettings

    answers = getattr(args, "answers", None)
    return AppSettings(
        answers_path=Path(answers).expanduser() if answers else None,
        profile_dirs=tuple(Path(p).expanduser() for p in getattr(args, "profiles", None) or ()),
    )


def run_app(args: argparse.Namespace) -> int:
    """Load the knowledge and answers (bad input exits 2 before the screen opens), run."""
    from advisor.answers import CORE_USE_CASES, load_answers
    from advisor.knowledge import load_knowledge
    from advisor.tui.app import AdvisorApp

    settings = settings_from_args(args)
    kb = load_knowledge(extra_dirs=settings.profile_dirs)
    answers = None
    if settings.answers_path is not None:
        answers = load_answers(settings.answers_path,
                               use_case_ids=tuple(kb.use_cases) or CORE_USE_CASES)
    app = AdvisorApp(settings, kb=kb, answers=answers)
    result = app.run()
    return int(result or 0)
