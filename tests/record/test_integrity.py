"""The record protects itself: a digest over its canonical content that every format
repeats, `verify` naming each edited field as tampering (exit 1), and SSH signatures."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from advisor.record import build_record, render, verify_record, write_record
from advisor.record.integrity import (canonical_bytes, changed_fields, content_of, digest_of,
                                      field_digests)
from tests.record.conftest import MODEL, advisor
from tests.record.sample import SMOKE

DAY = dt.date(2026, 11, 23)


# ------------------------------------------------------------------ canonical JSON

def test_canonical_form_is_rfc_8785():
    """The example of RFC 8785 §3.2.3, byte for byte."""
    value = json.loads('{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
                       '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
                       '"literals": [null, true, false]}')
    expected = ('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,'
                '1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}')
    assert canonical_bytes(value) == expected.encode("utf-8")


@pytest.mark.parametrize("bits, text", [        # RFC 8785 Appendix B
    ("0000000000000000", "0"), ("8000000000000000", "0"), ("0000000000000001", "5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"), ("4340000000000000", "9007199254740992"),
    ("444b1ae4d6e2ef50", "1e+21"), ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("3eb0c6f7a0b5ed8d", "0.000001"), ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("41b3de4355555555", "333333333.3333333"), ("4430000000000000", "295147905179352830000"),
    ("c3e0000000000000", "-9223372036854776000"),
])
def test_numbers_are_written_as_ecmascript_does(bits, text):
    (value,) = struct.unpack(">d", bytes.fromhex(bits))
    assert canonical_bytes(value) == text.encode()


def test_keys_sort_by_utf16_code_units():
    assert canonical_bytes({"\U0001f600": 1, "\ufb33": 2}) == '{"\U0001f600":1,"\ufb33":2}'.encode()


# ------------------------------------------------------------------ the digest everywhere

@pytest.fixture(scope="module")
def record(kb, answers):
    return build_record(answers, kb, MODEL, smoke=SMOKE, decision_makers=["Ada"], today=DAY,
                        rationale="smallest that passes", consider=["Qwen/Qwen3-8B"])


def test_digest_is_sha256_of_the_canonical_content_and_every_format_repeats_it(record):
    data = record.data
    expected = hashlib.sha256(canonical_bytes(content_of(data))).hexdigest()
    assert data["digest"] == f"sha256:{expected}" == digest_of(data)
    assert "digest" not in content_of(data) and "digest_fields" not in content_of(data)
    assert data["digest_fields"] == field_digests(data)
    md = render(record, "md")
    assert f"record-digest: {data['digest']}" in md.split("\n---\n")[0]
    assert f"record digest `{data['digest']}`" in md
    bom = json.loads(render(record, "cdx"))
    props = {p["name"]: p["value"] for p in bom["metadata"]["properties"]}
    assert props["advisor:record-digest"] == data["digest"]


def test_the_written_file_round_trips_to_the_same_digest(record, tmp_path):
    (path,) = write_record(record, tmp_path, ["json"])
    assert changed_fields(json.loads(path.read_text())) == []


# ------------------------------------------------------------------ tampering, each kind

def _edit(data, path, value):
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


_DELETE = object()
EDITS = [
    (("answers", "organization", "monthly_active_users"), 800_000_000,
     "answers.organization.monthly_active_users changed"),
    (("answers", "deployment", "regions"), ["DE"], "answers.deployment.regions changed"),
    (("model",), "Qwen/Qwen3-8B", "model changed"),
    (("chosen", "verdict"), "allowed", "chosen.verdict changed"),
    (("chosen", "obligations"), [], "chosen.obligations changed"),
    (("chosen", "findings", 0, "message"), "Nothing to see.", "chosen.findings[0] changed"),
    (("alternatives", 0, "verdict"), "blocked", "alternatives[0].verdict changed"),
    (("smoke", "prompts", 0), {"id": "capital", "passed": True}, "smoke.prompts[0] changed"),
    (("reproducibility", "hub"), {"repo_id": MODEL, "sha": "f" * 40},
     "reproducibility.hub changed"),
    (("decision_makers",), ["Mallory"], "decision_makers[0] changed"),
    (("duties", 0, "kind"), "only_if", "duties[0].kind changed"),
    (("duties", 0, "owner"), "nobody", "duties[0].owner changed"),
    (("rationale",), "we always wanted it", "rationale changed"),
    (("date",), "2020-01-01", "date changed"),
    (("disclaimer",), _DELETE, "disclaimer removed"),
    (("approved_by_legal",), True, "approved_by_legal added"),
]


@pytest.mark.parametrize("path, value, named", EDITS, ids=[e[2] for e in EDITS])
def test_every_kind_of_edit_is_tampering_naming_the_field(record, kb, tmp_path, path, value,
                                                          named):
    data = copy.deepcopy(record.data)
    _edit(data, path, value)
    target = tmp_path / "edited.json"
    target.write_text(json.dumps(data, indent=2))
    report = verify_record(target, kb)
    assert report.exit_status == 1
    assert "TAMPERED" in report.lines()[0]
    tampered = [d.message for d in report.differences if d.kind == "tampered"]
    assert any(f"tampered: {named} since the record was written" in m for m in tampered), \
        report.lines()


def test_an_edited_digest_or_a_removed_one_is_caught(record, kb, tmp_path):
    data = copy.deepcopy(record.data)
    data["digest"] = "sha256:" + "0" * 64
    target = tmp_path / "d.json"
    target.write_text(json.dumps(data))
    assert "tampered: digest changed" in "\n".join(verify_record(target, kb).lines())
    del data["digest"]
    target.write_text(json.dumps(data))
    report = verify_record(target, kb)
    assert report.exit_status == 1 and "no digest" in "\n".join(report.lines())


def test_unedited_record_verifies(record, kb, tmp_path):
    (path,) = write_record(record, tmp_path, ["json"])
    report = verify_record(path, kb)
    assert report.exit_status == 0 and not report.differences, report.lines()


# ------------------------------------------------------------------ SSH signatures

pytestmark_ssh = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="no ssh-keygen")


def _key(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@example",
                    "-f", str(key)], check=True, timeout=30)
    return key


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    ana, eve = _key(folder, "ana"), _key(folder, "eve")
    allowed = folder / "allowed_signers"
    allowed.write_text(f"ana@example.com {ana.with_suffix('.pub').read_text()}")
    return {"ana": ana, "eve": eve, "allowed": allowed}


@pytestmark_ssh
def test_signed_record_verifies_with_the_right_key_only(keys, answers_file, tmp_path):
    out = tmp_path / "out"
    proc = advisor("record", "--answers", str(answers_file), "--model", MODEL, "--out",
                   str(out), "--format", "md,json", "--sign", str(keys["ana"]))
    assert proc.returncode == 0, proc.stderr
    path = next(p for p in out.glob("*.json"))
    text = path.read_text()
    private = keys["ana"].read_text()
    body = "".join(private.splitlines()[1:-1])
    assert body[:40] not in text and str(keys["ana"]) not in text       # no key material
    data = json.loads(text)
    (sig,) = data["signatures"]
    assert sig["namespace"] == "advisor-record" and sig["key_fingerprint"].startswith("SHA256:")
    assert sig["key_fingerprint"] in next(out.glob("*.md")).read_text()

    good = advisor("record", "verify", str(path), "--signer", str(keys["allowed"]))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "signature good by ana@example.com" in good.stdout
    as_pub = advisor("record", "verify", str(path), "--signer", str(keys["ana"].with_suffix(".pub")))
    assert as_pub.returncode == 0 and "signature good" in as_pub.stdout, as_pub.stdout
    other = advisor("record", "verify", str(path), "--signer", str(keys["eve"].with_suffix(".pub")))
    assert other.returncode == 1, other.stdout
    assert "SIGNATURE NOT VERIFIED" in other.stdout and "no signature verifies" in other.stdout

    data["answers"]["organization"]["monthly_active_users"] = 1
    path.write_text(json.dumps(data))
    edited = advisor("record", "verify", str(path), "--signer", str(keys["allowed"]))
    assert edited.returncode == 1
    assert "no signature verifies" in edited.stdout and "TAMPERED" in edited.stdout


@pytestmark_ssh
def test_an_unsigned_record_fails_a_signer_check_and_a_bad_key_is_bad_input(keys, answers_file,
                                                                            tmp_path):
    out = tmp_path / "out"
    proc = advisor("record", "--answers", str(answers_file), "--model", MODEL, "--out",
                   str(out), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    unsigned = advisor("record", "verify", proc.stdout.strip(), "--signer", str(keys["allowed"]))
    assert unsigned.returncode == 1 and "the record is not signed" in unsigned.stdout
    missing = advisor("record", "--answers", str(answers_file), "--model", MODEL, "--out",
                      str(tmp_path / "o2"), "--sign", str(tmp_path / "nokey"))
    assert missing.returncode == 2 and "--sign: no such key file" in missing.stderr
