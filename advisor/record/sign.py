"""SSH signatures over a record's canonical content, with keys an organisation already has.

``ssh-keygen -Y sign`` signs, ``ssh-keygen -Y verify`` checks, as git does for commits and
tags. The namespace is ``advisor-record``, so a signature made for anything else (a git
commit, a file) never verifies as a record's. The signed message is the record's
canonical content (``advisor.record.integrity``: the record without ``digest``,
``digest_fields`` and ``signatures``, RFC 8785). The record keeps the armored signature,
the namespace and the key's fingerprint; never a private key, a key file's path or a
passphrase (the SSH signature format carries the signer's public key, as git's does).

    Example (not run)::

        entry = sign_record(record.data, Path("~/.ssh/id_ed25519"))
        entry["key_fingerprint"]
        # -> 'SHA256:6qMUjcGKnXAarZd6A/zMosSIqVm0+ZtJOok1yCfMNpY'
        check_signatures(record.data, Path("allowed_signers")).good
        # -> True
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import InputError, OperationError
from advisor.record.integrity import canonical_bytes, content_of

NAMESPACE = "advisor-record"
FORMAT = "sshsig"
TIMEOUT = 60
MAX_SIGNER_BYTES = 1 << 20
_KEY_TYPES = ("ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-")
_ARMOR = ("-----BEGIN SSH SIGNATURE-----", "-----END SSH SIGNATURE-----")


def _ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if not found:
        raise OperationError("ssh-keygen is not installed (OpenSSH 8.1 or later signs "
                             "and verifies records)")
    return found


def _run(args: list[str], message: bytes) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([_ssh_keygen(), *args], input=message, capture_output=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise OperationError(f"ssh-keygen did not finish in {TIMEOUT} s (a passphrase "
                             "prompt? use ssh-agent)") from None


def _last_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1] if lines else "no reason given"


def key_fingerprint(signature: str) -> str | None:
    """``SHA256:...`` of the public key inside an armored SSH signature (None if unreadable).

    The SSHSIG blob starts with the magic, a version and the public key as an SSH string.
    """
    body = signature.strip()
    if not (body.startswith(_ARMOR[0]) and body.endswith(_ARMOR[1])):
        return None
    try:
        blob = base64.b64decode("".join(body[len(_ARMOR[0]):-len(_ARMOR[1])].split()))
    except ValueError:
        return None
    if blob[:6] != b"SSHSIG" or len(blob) < 14:
        return None
    size = int.from_bytes(blob[10:14], "big")
    key = blob[14:14 + size]
    if len(key) != size:
        return None
    return "SHA256:" + base64.b64encode(hashlib.sha256(key).digest()).decode().rstrip("=")


def sign_record(record: dict[str, Any], key: Path | str) -> dict[str, Any]:
    """One ``signatures`` entry for ``record``, signed with ``key`` (a private key file, or
    a public key whose private half is in ssh-agent). Raises OperationError naming the
    reason when ssh-keygen refuses; InputError when ``key`` is no file."""
    key = Path(key).expanduser()
    if not key.is_file():
        raise InputError(str(key), "no such key file", field="--sign")
    proc = _run(["-Y", "sign", "-n", NAMESPACE, "-f", str(key)], canonical_bytes(content_of(record)))
    text = proc.stdout.decode("ascii", "replace")
    if proc.returncode != 0 or _ARMOR[0] not in text:
        raise OperationError(f"signing with {key.name} failed: {_last_line(proc.stderr)}")
    signature = text[text.index(_ARMOR[0]):].strip() + "\n"
    return {"format": FORMAT, "namespace": NAMESPACE, "key_fingerprint": key_fingerprint(signature),
            "signed": "canonical content (RFC 8785) without digest, digest_fields, signatures",
            "signature": signature}


def _signers_file(signer: Path, folder: Path) -> Path:
    """``signer`` when it is an allowed-signers file; for a bare public key, an
    allowed-signers file in ``folder`` that lets it sign records."""
    try:
        data = signer.read_bytes()[:MAX_SIGNER_BYTES]
    except OSError as exc:
        raise InputError(str(signer), f"cannot read: {exc.strerror or exc}", field="--signer") from None
    lines = [ln.strip() for ln in data.decode("utf-8", "replace").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise InputError(str(signer), "no key in the file", field="--signer")
    if lines[0].startswith(_KEY_TYPES):           # a public key, not an allowed-signers list
        made = folder / "allowed_signers"
        made.write_text("".join(f'record-signer namespaces="{NAMESPACE}" {ln}\n' for ln in lines))
        return made
    return signer


@dataclass(frozen=True)
class SignatureCheck:
    good: bool
    message: str


def _principals(allowed: Path, sig: Path) -> list[str]:
    proc = _run(["-Y", "find-principals", "-s", str(sig), "-f", str(allowed)], b"")
    if proc.returncode != 0:
        return []
    return [p for p in proc.stdout.decode("utf-8", "replace").split() if p]


def check_signatures(record: dict[str, Any], signer: Path | str) -> SignatureCheck:
    """Whether a signature of ``record`` verifies against ``signer`` (an allowed-signers
    file as git's ``gpg.ssh.allowedSignersFile``, or one public key)."""
    signer = Path(signer).expanduser()
    entries = [s for s in record.get("signatures") or [] if isinstance(s, dict)
               and s.get("format") == FORMAT and isinstance(s.get("signature"), str)]
    if not entries:
        return SignatureCheck(False, "the record is not signed")
    message = canonical_bytes(content_of(record))
    reasons = []
    with tempfile.TemporaryDirectory(prefix="advisor-verify-") as tmp:
        allowed = _signers_file(signer, Path(tmp))
        for i, entry in enumerate(entries):
            sig = Path(tmp) / f"record-{i}.sig"
            sig.write_text(entry["signature"])
            for principal in _principals(allowed, sig) or ["record-signer"]:
                proc = _run(["-Y", "verify", "-f", str(allowed), "-I", principal, "-n",
                             NAMESPACE, "-s", str(sig)], message)
                if proc.returncode == 0:
                    who = "" if principal == "record-signer" else f" by {principal}"
                    return SignatureCheck(True, f"signature good{who} (key "
                                          f"{key_fingerprint(entry['signature'])})")
                reasons.append(_last_line(proc.stderr))
    fingerprints = ", ".join(str(key_fingerprint(e["signature"])) for e in entries)
    return SignatureCheck(False, f"no signature verifies with {signer.name} (signed with "
                          f"{fingerprints}: {reasons[-1] if reasons else 'no matching signer'})")
