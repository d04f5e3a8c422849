"""`advisor profiles check` states how many rules quote their text and how many are
unconfirmed, over all rules of the knowledge base (issue 24 §1).

    pytest tests/knowledge/test_rule_figures.py -q
"""

from __future__ import annotations

from pathlib import Path

import yaml

from advisor.commands.profiles import figures_line
from advisor.knowledge import load_knowledge

LICENSE = {
    "schema": "advisor.license/1", "id": "figures-test", "title": "Figures test license",
    "url": "https://example.org/license", "checked": "2026-12-07", "summary": "Two rules.",
    "rules": [
        {"code": "notice", "severity": "condition", "message": "Keep the notice.",
         "quote": "You must keep this notice.",
         "source": {"section": "1", "url": "https://example.org/license"}},
        {"code": "commercial_use", "severity": "block", "when": {"commercial": True},
         "message": "No commercial use (reported).", "confirmed": False,
         "source": {"section": "2", "url": "https://example.org/license",
                    "secondary": "https://blog.example.org/post"}},
    ],
}


def test_figures_count_every_rule(tmp_path: Path) -> None:
    (tmp_path / "lic.yaml").write_text(yaml.safe_dump(LICENSE))
    shipped = load_knowledge().rule_figures()
    both = load_knowledge([tmp_path]).rule_figures()
    assert shipped["rules"] >= 400 and 0 < shipped["quoted"] <= shipped["rules"]
    assert both == {"rules": shipped["rules"] + 2, "quoted": shipped["quoted"] + 1,
                    "unconfirmed": shipped["unconfirmed"] + 1}


def test_figures_line_states_both_shares() -> None:
    assert figures_line({"rules": 8, "quoted": 6, "unconfirmed": 1}) == \
        "rules: 8; quoted: 6 of 8 (75.0%); confirmed: false: 1 of 8 (12.5%)"
    assert figures_line({"rules": 0, "quoted": 0, "unconfirmed": 0}) == \
        "rules: 0; quoted: 0 of 0; confirmed: false: 0 of 0"


def test_profiles_check_prints_the_figures(run_advisor, tmp_path: Path) -> None:
    (tmp_path / "lic.yaml").write_text(yaml.safe_dump(LICENSE))
    proc = run_advisor("profiles", "check", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    expected = figures_line(load_knowledge([tmp_path]).rule_figures())
    assert proc.stdout.splitlines()[-1] == expected
    assert "confirmed: false: " in expected and "quoted: " in expected
