"""Secrets stay out; files are written all-or-nothing and never overwritten by accident."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.record.scrub import REDACTED, scrub_data, scrub_text, secret_values
from advisor.record.write import write_files


def test_secret_values_come_from_secret_named_variables():
    env = {"HF_TOKEN": "hf_abcdefgh1234", "OPENAI_API_KEY": "sk-12345678", "HOME": "/home/ada",
           "GIT_AUTHOR_NAME": "Ada Lovelace", "SHORT_TOKEN": "x"}
    assert set(secret_values(env)) == {"hf_abcdefgh1234", "sk-12345678"}


def test_scrub_removes_values_keys_and_url_credentials():
    data = {"api_key": "k", "nested": [{"text": "see hf_abcdefgh1234 here"}],
            "endpoint": "https://bob:pw@host/v1", "completion_tokens": 5}
    out = scrub_data(data, secrets=["hf_abcdefgh1234"])
    assert "api_key" not in out
    assert out["nested"][0]["text"] == f"see {REDACTED} here"
    assert out["endpoint"] == f"https://{REDACTED}@host/v1"
    assert out["completion_tokens"] == 5
    assert scrub_text("plain text", secrets=[]) == "plain text"


def test_write_files_refuses_before_writing_anything(tmp_path: Path):
    existing = tmp_path / "b.json"
    existing.write_text("old")
    files = {tmp_path / "a.md": "new a", existing: "new b"}
    with pytest.raises(InputError) as err:
        write_files(files)
    assert err.value.exit_status == 2 and "b.json" in str(err.value) and "--force" in str(err.value)
    assert not (tmp_path / "a.md").exists()
    assert existing.read_text() == "old"


def test_write_files_force_replaces_and_leaves_no_temporaries(tmp_path: Path):
    target = tmp_path / "sub" / "a.md"
    write_files({target: "one"})
    write_files({target: "two"}, force=True)
    assert target.read_text() == "two"
    assert sorted(os.listdir(target.parent)) == ["a.md"]


def test_url_credentials_are_found_after_a_flood_of_letters():
    """What a flooding endpoint writes: 200,000 letters without a space, then a URL with
    credentials. The old scheme pattern retried at every letter (quadratic: minutes here);
    its time is measured by tests/bench/bench_scrub.py, not asserted here."""
    flood = "a" * 200_000
    text = flood + "https://bob:pw@host/v1 and git+ssh://me:tok@h/x and ://x:y@z"
    out = scrub_text(text, secrets=[])
    assert out == (flood + f"https://{REDACTED}@host/v1 and git+ssh://{REDACTED}@h/x and "
                   f"://{REDACTED}@z")
    assert scrub_text("mail me@host, see http://host/a@b", secrets=[]) == \
        "mail me@host, see http://host/a@b"
